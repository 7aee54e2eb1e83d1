"""The supervisor's view of a practice session: the annotated transcript, comments, export."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from guidance_assistant.export import markdown_to_pdf
from guidance_assistant.practice.feedback import SessionFeedback, TurnFeedback, TurnRecord
from guidance_assistant.practice.personas import PracticeError


class SupervisorComment(BaseModel):
    """A supervisor's note on one trainee turn, or on the whole session (``turn=None``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    turn: int | None = Field(default=None, ge=1)
    author: str = Field(min_length=1, max_length=120)
    text: str = Field(min_length=1, max_length=5000)
    written_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


def make_comment(text: str, *, turn: int | None, author: str, turns: int) -> SupervisorComment:
    """A checked comment; raises :class:`PracticeError` with a plain reason otherwise."""
    cleaned = " ".join(str(text).split())
    if not cleaned:
        raise PracticeError("The comment is empty: write what the trainee should know.")
    if len(cleaned) > 5000:
        raise PracticeError("The comment is longer than 5,000 characters; please shorten it.")
    if turn is not None and not 1 <= turn <= turns:
        raise PracticeError(f"There is no turn {turn} in this session (it has {turns} turns).")
    return SupervisorComment(turn=turn, author=author.strip() or "supervisor", text=cleaned)


def annotated_transcript(
    persona_name: str,
    records: list[TurnRecord],
    tips: list[TurnFeedback],
    comments: list[SupervisorComment],
) -> str:
    """Every trainee turn with the skill seen, the tip, a better alternative where one was open,
    what the client said and disclosed, and the supervisor's comments on that turn."""
    lines = ["## Transcript", ""]
    for record, tip in zip(records, tips, strict=True):
        lines.append(f"### Turn {record.number}")
        lines.append(f"**Trainee** ({record.skill.replace('_', ' ')}): {record.trainee_text}")
        lines.append(f"> Tip: {tip.tip}")
        if tip.alternative:
            lines.append(f"> Try: {tip.alternative}")
        lines.append(f"**{persona_name}:** {record.client_text}")
        if record.disclosed:
            lines.append(f"*Disclosed: {', '.join(record.disclosed)}*")
        for comment in (c for c in comments if c.turn == record.number):
            lines.append(f"> Comment from {comment.author}: {comment.text}")
        lines.append("")
    general = [c for c in comments if c.turn is None]
    if general:
        lines += ["## Supervisor's comments", ""]
        lines += [f"- {c.author}: {c.text}" for c in general]
        lines.append("")
    return "\n".join(lines)


def full_report(feedback: SessionFeedback, transcript: str) -> str:
    return feedback.to_markdown() + "\n" + transcript


def export_report(markdown: str, path: str | Path) -> Path:
    """Write the report as Markdown (``.md``) or PDF (``.pdf``), by the file's suffix."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".pdf":
        return markdown_to_pdf(markdown, target)
    if suffix in {".md", ".markdown", ".txt"}:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(markdown, encoding="utf-8")
        return target
    raise PracticeError(f"Cannot export to '{target.name}': use a .md or .pdf file name.")
