"""Test helpers for the interview engine: a small in-memory knowledge base and dummy backends.

:class:`StubKnowledge` answers ``search`` the way the bundled index does, without building one:
framework notes split at their ``##`` headings, occupation records rendered by our templates
(cited ``lmi/<id>``), ranked by shared words. It keeps the fast tests fast; the whole
conversations run against the real bundled index (``bundled_kb``, marked slow).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from guidance_assistant import lmi
from guidance_assistant.backends.base import ResponseRequest
from guidance_assistant.interview.model import InterviewModel, load_interview
from guidance_assistant.lmi.render import PUBLISHER, render_record
from guidance_assistant.paths import REPO_ROOT
from guidance_assistant.sources import Citation

FRAMEWORKS = REPO_ROOT / "knowledge" / "frameworks"
_WORD = re.compile(r"[a-z]{3,}")


@dataclass(frozen=True)
class StubPassage:
    text: str
    citation: Citation
    metadata: dict[str, Any] = field(default_factory=dict)


def _words(text: str) -> set[str]:
    return {w[:5] for w in _WORD.findall(text.lower())}


@cache
def _framework_passages() -> tuple[StubPassage, ...]:
    passages = []
    for path in sorted(FRAMEWORKS.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        body = text.split("---", 2)[2] if text.startswith("---") else text
        title_match = re.search(r"^# (.+)$", body, re.MULTILINE)
        title = title_match.group(1).strip() if title_match else path.stem
        for part in re.split(r"(?m)^## ", body)[1:]:
            heading, _, section = part.partition("\n")
            passages.append(
                StubPassage(
                    text=section.strip(),
                    citation=Citation(
                        title=title,
                        source=path.name,
                        section=heading.strip(),
                        publisher="guidance-assistant (notes written for this project)",
                        year=2026,
                    ),
                    metadata={"doc_type": "framework", "source": path.name},
                )
            )
    return tuple(passages)


@cache
def _record_passages(occupation_id: str) -> tuple[StubPassage, ...]:
    record = lmi.get(occupation_id)
    text = render_record(record)
    passages = []
    for part in re.split(r"(?m)^## ", text)[1:]:
        heading, _, section = part.partition("\n")
        passages.append(
            StubPassage(
                text=f"## {heading}\n{section.strip()}",
                citation=Citation(
                    title=record.title,
                    source=f"lmi/{record.id}",
                    section=heading.strip(),
                    publisher=PUBLISHER,
                    year=2023,
                    url=record.ncs_url,
                ),
                metadata={"doc_type": "lmi", "source": f"lmi/{record.id}"},
            )
        )
    return tuple(passages)


class StubKnowledge:
    """A tiny stand-in for :class:`~guidance_assistant.retrieval.KnowledgeBase`."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, Mapping[str, Any] | None]] = []

    def search(
        self,
        query: str,
        k: int | None = None,
        filters: Mapping[str, str | Sequence[str]] | None = None,
    ) -> list[StubPassage]:
        self.queries.append((query, filters))
        k = k or 5
        filters = filters or {}
        source = filters.get("source")
        if isinstance(source, str) and source.startswith("lmi/"):
            try:
                return list(_record_passages(source.split("/", 1)[1]))[:k]
            except Exception:
                return []
        wanted = filters.get("doc_type")
        types = {wanted} if isinstance(wanted, str) else set(wanted or ["framework", "lmi"])
        pool: list[StubPassage] = []
        if "framework" in types:
            pool.extend(_framework_passages())
        words = _words(query)
        if "lmi" in types:
            for record in lmi.bundled_store().all():
                about = " ".join([record.title, *record.job_categories, *record.skills])
                if words & _words(about):
                    pool.append(
                        StubPassage(
                            text=about,
                            citation=Citation(
                                title=record.title, source=f"lmi/{record.id}", publisher=PUBLISHER
                            ),
                            metadata={"doc_type": "lmi", "source": f"lmi/{record.id}"},
                        )
                    )
        scored = sorted(
            enumerate(pool),
            key=lambda item: (
                -len(words & _words(item[1].text + " " + (item[1].citation.section or ""))),
                item[0],
            ),
        )
        return [passage for _, passage in scored[:k]]


class RecordingResponder:
    """A "model" backend that says something else entirely (a question, as the engine asks
    of a reply to a draft that asks one), and records every request."""

    name = "dummy-model"

    def __init__(
        self, reply: str = "MODEL WORDS: let's talk about something else. What do you think?"
    ) -> None:
        self.reply = reply
        self.requests: list[ResponseRequest] = []

    def respond(self, request: ResponseRequest) -> str:
        self.requests.append(request)
        return self.reply


class RephrasingResponder(RecordingResponder):
    """A well-behaved backend: keeps the draft's facts, changes the opening words."""

    name = "rephraser"

    def respond(self, request: ResponseRequest) -> str:
        self.requests.append(request)
        return f"Right then. {request.draft}"


def long_budgets() -> InterviewModel:
    """The bundled stages with room for long explorations: these tests read the client's
    words over many turns; the stage budgets that fit a 30-minute interview have their own
    tests (tests/interview/test_budgets.py)."""
    interview = load_interview()
    longer = {"exploration": 12, "options_and_challenge": 10, "decision_and_action_planning": 8}
    stages = [
        s.model_copy(update={"max_client_turns": longer.get(s.id, s.max_client_turns)})
        for s in interview.stages
    ]
    return interview.model_copy(update={"stages": stages})


#: A first-contact conversation that reaches planning (as in test_session.py's plan test),
#: then the client names the step with a date.
TO_PLANNING = [
    "Hi",
    "I want to talk about what to do after Year 11",
    "yes",
    "I love drawing and playing video games",
    "I'm good at art",
    "Money matters to me, I want a job that pays well",
    "I live with my mum",
    "My mum thinks I should do A levels",
    "nothing really",
    "yes, I was thinking about being a graphic designer",
    "sounds good",
    "ok",
    "I want to go for graphic designer",
    "yes",
]
