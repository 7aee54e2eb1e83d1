"""Figures for the safeguarding check, per kind of harm (the parts ``guidance-assistant eval
safeguarding`` builds on; the whole-session runs and the report are in ``evals/safeguarding.py``).

What is measured, each with the whole check (:func:`~.screen.screen_message`: rules, learned
reader, cues):

* **messages** (a labelled file): per kind, how many disclosures were escalated and how many were
  escalated *or* met with a concern (check-in); per kind a hard negative resembles, how many were
  escalated (false escalations) or checked in with. Run through whole sessions
  (``guidance_assistant.evals.safeguarding.session_outcomes``: ``open_session``, ``opening()``, one ordinary reply, then the
  message) or through the check alone (:func:`check_outcomes`, faster).
* **conversations**: whether the check reached a concern or an escalation by the end (and by the
  turn the writer named) in conversations where cues add up, and never in ordinary ones.
* **ordinary talk**: false check-ins and escalations on client turns nobody labelled as risky:
  ESConv seeker turns (``../shared/eval-data``, read at run time, never trained on), the client
  turns of every scripted conversation suite, and the practice personas' lines.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from guidance_assistant.paths import shared_dir
from guidance_assistant.safeguarding.bank import BankConversation, BankMessage
from guidance_assistant.safeguarding.cues import CueHit
from guidance_assistant.safeguarding.reader import LearnedReader
from guidance_assistant.safeguarding.screen import Screening, screen_message


@dataclass(frozen=True)
class Outcome:
    id: str
    expected: bool
    kind: str
    level: str
    source: str
    text: str


@dataclass
class KindFigures:
    kind: str
    disclosures: int = 0
    escalated: int = 0
    escalated_or_concern: int = 0
    negatives: int = 0
    false_escalations: int = 0
    false_concerns: int = 0

    def recall(self) -> float:
        return self.escalated_or_concern / self.disclosures if self.disclosures else 1.0


@dataclass
class MessageFigures:
    name: str
    outcomes: list[Outcome]
    kinds: dict[str, KindFigures] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for o in self.outcomes:
            figures = self.kinds.setdefault(o.kind, KindFigures(o.kind))
            if o.expected:
                figures.disclosures += 1
                figures.escalated += o.level == "disclosure"
                figures.escalated_or_concern += o.level != "none"
            else:
                figures.negatives += 1
                figures.false_escalations += o.level == "disclosure"
                figures.false_concerns += o.level == "concern"

    def totals(self) -> KindFigures:
        total = KindFigures("all")
        for f in self.kinds.values():
            for name in (
                "disclosures",
                "escalated",
                "escalated_or_concern",
                "negatives",
                "false_escalations",
                "false_concerns",
            ):
                setattr(total, name, getattr(total, name) + getattr(f, name))
        return total

    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.expected and o.level == "none"]

    def false_alarms(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.expected and o.level != "none"]

    def as_dict(self) -> dict[str, object]:
        total = self.totals()
        return {
            "name": self.name,
            "disclosures": total.disclosures,
            "escalated": total.escalated,
            "escalated_or_concern": total.escalated_or_concern,
            "negatives": total.negatives,
            "false_escalations": total.false_escalations,
            "false_concerns": total.false_concerns,
            "per_kind": {
                k: {
                    "disclosures": f.disclosures,
                    "escalated_or_concern": f.escalated_or_concern,
                    "escalated": f.escalated,
                    "negatives": f.negatives,
                    "false_escalations": f.false_escalations,
                    "false_concerns": f.false_concerns,
                }
                for k, f in sorted(self.kinds.items())
            },
        }

    def render(self, *, show_misses: bool = True) -> str:
        def pct(a: int, b: int) -> str:
            return f"{a}/{b} ({100 * a / b:.1f}%)" if b else "-"

        total = self.totals()
        lines = [
            f"## {self.name}",
            f"disclosures escalated or checked in: "
            f"{pct(total.escalated_or_concern, total.disclosures)}; "
            f"escalated: {pct(total.escalated, total.disclosures)}",
            f"hard negatives escalated: {pct(total.false_escalations, total.negatives)}; "
            f"checked in: {pct(total.false_concerns, total.negatives)}",
            "",
            f"{'kind':28} {'flagged or concern':>20} {'escalated':>16} "
            f"{'false escalations':>18} {'false check-ins':>16}",
        ]
        for kind, f in sorted(self.kinds.items()):
            lines.append(
                f"{kind:28} {pct(f.escalated_or_concern, f.disclosures):>20} "
                f"{pct(f.escalated, f.disclosures):>16} "
                f"{pct(f.false_escalations, f.negatives):>18} "
                f"{pct(f.false_concerns, f.negatives):>16}"
            )
        if show_misses:
            for o in self.misses():
                lines.append(f"  missed [{o.kind}] {o.id}: {_quote(o.text)}")
            for o in self.false_alarms():
                lines.append(f"  false {o.level} [{o.kind}] {o.id} ({o.source}): {_quote(o.text)}")
        return "\n".join(lines)


def _quote(text: str, limit: int = 110) -> str:
    text = " ".join(text.split())
    return '"' + (text if len(text) <= limit else text[: limit - 1] + "…") + '"'


def _outcome(message: BankMessage, screening: Screening) -> Outcome:
    return Outcome(
        id=message.id,
        expected=message.expected,
        kind=message.kind or "ordinary",
        level=screening.level,
        source=screening.source,
        text=message.text,
    )


def check_outcomes(
    messages: Sequence[BankMessage], *, reader: LearnedReader | None, progress: bool = False
) -> list[Outcome]:
    """Each message through the check alone, as a first message."""
    items: Iterable[BankMessage] = tqdm(messages, desc="check") if progress else messages
    return [_outcome(m, screen_message(m.text, reader=reader)) for m in items]


@dataclass(frozen=True)
class ConversationOutcome:
    id: str
    expected: bool
    kind: str
    first_turn: int | None  # first turn with a concern or escalation (1-based)
    level: str  # the highest level reached
    by_turn: int | None


def conversation_outcomes(
    conversations: Sequence[BankConversation], *, reader: LearnedReader | None
) -> list[ConversationOutcome]:
    """Each conversation's client turns through the check, with the cues and concerns it has
    heard carried from turn to turn exactly as a session carries them."""
    out: list[ConversationOutcome] = []
    for conversation in conversations:
        heard: list[CueHit] = []
        earlier: list[str] = []
        concerned = False
        first: int | None = None
        level = "none"
        for index, text in enumerate(conversation.turns, start=1):
            screening = screen_message(
                text, heard=heard, earlier_turns=earlier, concerned_before=concerned, reader=reader
            )
            heard.extend(screening.cues)
            earlier.append(text)
            if screening.level != "none":
                concerned = True
                first = first or index
                if screening.level == "disclosure" or level == "none":
                    level = screening.level
            if screening.level == "disclosure":
                break
        out.append(
            ConversationOutcome(
                conversation.id,
                conversation.expected,
                conversation.kind or "ordinary",
                first,
                level,
                conversation.by_turn,
            )
        )
    return out


def render_conversations(name: str, outcomes: Sequence[ConversationOutcome]) -> str:
    risky = [o for o in outcomes if o.expected]
    safe = [o for o in outcomes if not o.expected]
    reached = [o for o in risky if o.level != "none"]
    in_time = [o for o in reached if o.by_turn is None or (o.first_turn or 99) <= o.by_turn]
    false = [o for o in safe if o.level != "none"]
    lines = [
        f"## {name}",
        f"conversations where cues add up: concern or escalation by the end "
        f"{len(reached)}/{len(risky)}, by the writer's turn {len(in_time)}/{len(risky)}, "
        f"escalated {sum(o.level == 'disclosure' for o in risky)}/{len(risky)}",
        f"ordinary conversations with a check-in or escalation: {len(false)}/{len(safe)} "
        f"(escalations {sum(o.level == 'disclosure' for o in safe)})",
    ]
    lines += [f"  missed {o.id} [{o.kind}]" for o in risky if o.level == "none"]
    lines += [f"  false {o.level} {o.id} at turn {o.first_turn}" for o in false]
    return "\n".join(lines)


@dataclass
class OrdinaryFigures:
    name: str
    turns: int
    concerns: int
    escalations: int
    examples: list[str]

    def render(self) -> str:
        def pct(a: int) -> str:
            return f"{a}/{self.turns} ({100 * a / self.turns:.1f}%)" if self.turns else "-"

        lines = [
            f"- {self.name}: check-ins {pct(self.concerns)}, escalations {pct(self.escalations)}"
        ]
        lines += [f"    {e}" for e in self.examples[:8]]
        return "\n".join(lines)


def ordinary_figures(
    name: str, dialogues: Sequence[Sequence[str]], *, reader: LearnedReader | None
) -> OrdinaryFigures:
    """Client turns in order, per dialogue, through the check with history carried."""
    turns = concerns = escalations = 0
    examples: list[str] = []
    for dialogue in tqdm(dialogues, desc=name, disable=len(dialogues) < 50):
        heard: list[CueHit] = []
        earlier: list[str] = []
        concerned = False
        for text in dialogue:
            screening = screen_message(
                text, heard=heard, earlier_turns=earlier, concerned_before=concerned, reader=reader
            )
            turns += 1
            heard.extend(screening.cues)
            earlier.append(text)
            if screening.level == "concern":
                concerns += 1
                concerned = True
            elif screening.level == "disclosure":
                escalations += 1
                concerned = True
            if screening.level != "none":
                examples.append(f"{screening.level} ({screening.source}): {_quote(text, 90)}")
    return OrdinaryFigures(name, turns, concerns, escalations, examples)


def esconv_dialogues() -> list[list[str]] | None:
    """The seeker turns of ESConv's job-crisis dialogues, per dialogue (None when absent)."""
    folder = shared_dir("eval-data")
    path = folder / "esconv" / "esconv_job_crisis_subset.jsonl" if folder else None
    if path is None or not path.is_file():
        return None
    out: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        turns = [
            str(t.get("text") or t.get("content") or "").strip()
            for t in record.get("dialog", [])
            if t.get("speaker") in ("seeker", "usr")
        ]
        out.append([t for t in turns if t])
    return out


def group_by_kind(outcomes: Sequence[Outcome]) -> dict[str, list[Outcome]]:
    grouped: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        grouped[o.kind].append(o)
    return grouped


def first_contact_record(path: Path) -> dict[str, object] | None:
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else None
