"""Reflections on words nobody wrote for us: the engine's reflections of the seeker turns of the
280 ESConv "job crisis" dialogues (``../shared/eval-data/esconv``; its licence allows measuring
only, so nothing here trains or tunes on it).

Each dialogue's seeker turns are played, in order, as one client's messages (an adult profile,
the offline engine, at most :data:`MAX_TURNS` turns). For every adviser reply whose move is a
reflection, two things are counted, each a plain rule that can be read and checked by hand:

- **echo**: the longest run of the client's words said back in order (pronouns counted as one
  word class, so "I have a mortgage" and "you have a mortgage" match) is longer than
  :data:`ECHO_WORDS` words: the reflection repeats the sentence instead of giving back its gist;
- **slip**: a reflection that gives back what should never be reflected or garbles who is who:
  the client's thanks or apology, a question the client asked, "you" where the client was
  speaking to the adviser ("talk to you" from "talk to you"), or a doubled pronoun ("you you").

Grammar in general is not judged here (no grammar checker runs offline); the slips are the kinds
seen in hand-held conversations.

``python -m guidance_assistant.evals.interview.reflections [PATH] [--limit N]``
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

#: A reflection that says back more than this many of the client's words in a row is an echo.
ECHO_WORDS = 12
MAX_TURNS = 15
_WORD = re.compile(r"[a-z0-9']+")
_PRONOUN = {
    "i": "P1", "you": "P1", "me": "P2", "my": "P3", "your": "P3", "mine": "P4", "yours": "P4",
    "i'm": "P5", "you're": "P5", "im": "P5", "youre": "P5", "myself": "P6", "yourself": "P6",
    "am": "BE", "are": "BE", "i've": "P7", "you've": "P7", "ive": "P7",
}  # fmt: skip
_THANKS = re.compile(r"\b(?:thank|thanks|sorry|apologi[sz]e)\b", re.IGNORECASE)
_TO_ADVISER = re.compile(r"\b(?:to|with|tell|ask|help)\s+you\b", re.IGNORECASE)
_DOUBLED = re.compile(r"\b(you|your|me|my)\s+\1\b", re.IGNORECASE)


def _words(text: str) -> list[str]:
    return [_PRONOUN.get(w, w) for w in _WORD.findall(text.lower().replace("’", "'"))]


def longest_echo(reflection: str, client: str) -> int:
    """The longest run of ``client``'s words that ``reflection`` says in the same order
    (pronouns matched by class)."""
    a, b = _words(reflection), _words(client)
    best = 0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0] * (len(b) + 1)
        for j, y in enumerate(b, start=1):
            if x == y:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def slips(reflection: str, client: str) -> list[str]:
    """The slips in ``reflection`` of ``client``'s message (see the module docstring)."""
    found: list[str] = []
    if _THANKS.search(client) and _THANKS.search(reflection):
        found.append("reflects thanks or an apology")
    if "?" in client:
        asked = [q.strip().lower() for q in re.findall(r"[^.!?]*\?", client) if len(q.split()) > 3]
        if any(longest_echo(reflection, q) >= 4 for q in asked):
            found.append("reflects a question the client asked")
    if (
        _TO_ADVISER.search(client)
        and _TO_ADVISER.search(reflection)
        and longest_echo(reflection, client) >= 3
    ):
        found.append("'you' for the adviser")
    if _DOUBLED.search(reflection):
        found.append("doubled pronoun")
    return found


class ReflectionCase(BaseModel):
    dialogue: int
    turn: int
    client: str
    reflection: str
    echo: int
    slips: list[str] = Field(default_factory=list)


class ReflectionReport(BaseModel):
    dialogues: int
    client_turns: int
    reflections: int
    echoes: int
    slipped: int
    cases: list[ReflectionCase]

    @property
    def echo_share(self) -> float:
        return self.echoes / self.reflections if self.reflections else 0.0

    @property
    def slip_share(self) -> float:
        return self.slipped / self.reflections if self.reflections else 0.0

    def render(self, examples: int = 8) -> str:
        lines = [
            f"ESConv job-crisis dialogues: {self.dialogues}, client turns played "
            f"{self.client_turns}, reflections {self.reflections}",
            f"echo of more than {ECHO_WORDS} client words in a row: {self.echoes} "
            f"({self.echo_share:.1%})",
            f"slips (thanks or apology, the client's question, 'you' for the adviser, "
            f"doubled pronoun): {self.slipped} ({self.slip_share:.1%})",
        ]
        bad = [c for c in self.cases if c.echo > ECHO_WORDS or c.slips][:examples]
        for case in bad:
            lines.append(f"  [{case.dialogue}:{case.turn}] client: {case.client[:120]}")
            lines.append(f"      reflection: {case.reflection[:160]}")
            lines.append(f"      echo {case.echo}; {', '.join(case.slips) or 'no slip'}")
        return "\n".join(lines)


def dialogues(path: Path) -> list[list[str]]:
    """The seeker turns of each dialogue at ``path`` (ESConv JSON lines)."""
    out: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record: dict[str, Any] = json.loads(line)
            out.append(
                [
                    t["text"]
                    for t in record["dialog"]
                    if t.get("speaker") == "usr" and t.get("text", "").strip()
                ]
            )
    return out


def measure(
    path: Path,
    *,
    limit: int | None = None,
    knowledge: Any | None = None,
    progress: bool = True,
) -> ReflectionReport:
    from tqdm import tqdm

    from guidance_assistant.interview import open_session

    if knowledge is None:
        from guidance_assistant.retrieval.knowledge_base import KnowledgeBase

        knowledge = KnowledgeBase.bundled(progress=False)
    played = dialogues(path)[:limit] if limit else dialogues(path)
    cases: list[ReflectionCase] = []
    turns = 0
    for number, messages in enumerate(tqdm(played, desc="dialogues", disable=not progress)):
        session = open_session({"age": 30}, knowledge=knowledge, today=date(2026, 12, 6))
        for index, message in enumerate(messages[:MAX_TURNS], start=1):
            turn = session.reply(message)
            turns += 1
            if turn.move != "reflection":
                continue
            cases.append(
                ReflectionCase(
                    dialogue=number,
                    turn=index,
                    client=message,
                    reflection=turn.text,
                    echo=longest_echo(turn.text, message),
                    slips=slips(turn.text, message),
                )
            )
    return ReflectionReport(
        dialogues=len(played),
        client_turns=turns,
        reflections=len(cases),
        echoes=sum(1 for c in cases if c.echo > ECHO_WORDS),
        slipped=sum(1 for c in cases if c.slips),
        cases=cases,
    )


def main(argv: Sequence[str] | None = None) -> int:
    from guidance_assistant.safeguarding.external import default_esconv_path

    parser = argparse.ArgumentParser(description="Reflections on the ESConv job-crisis turns.")
    parser.add_argument("path", nargs="?", type=Path, default=None)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--out-json", type=Path, default=None)
    args = parser.parse_args(argv)
    path = args.path or default_esconv_path()
    if path is None:
        print("ESConv not found (../shared/eval-data/esconv); give its path", file=sys.stderr)
        return 2
    report = measure(path, limit=args.limit)
    print(report.render())
    if args.out_json:
        args.out_json.write_text(report.model_dump_json(indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
