"""Sessions made by hand for the store tests (no knowledge base, no model)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from guidance_assistant.interview.state import (
    ActionItem,
    ClientProfile,
    SessionState,
    TranscriptEntry,
    TurnCitation,
)
from guidance_assistant.practice.client import Prediction
from guidance_assistant.practice.session import PracticeSession
from guidance_assistant.sources import Citation

CITATION = TurnCitation(
    text="Apprentices earn a wage; call 0800 015 0400 for the apprenticeship helpline.",
    citation=Citation(
        title="Apprenticeships guide", source="apprenticeships.md", publisher="DfE", year=2024
    ),
)


def make_state(turns: int = 4, *, name: str | None = "Jamie Smith") -> SessionState:
    """A state whose transcript alternates client and adviser entries."""
    state = SessionState(
        session_date=date(2026, 1, 12),
        seed=3,
        profile=ClientProfile(name=name, age=16, year_group=11, notes="Likes art"),
    )
    for index in range(turns):
        add_entry(state, index)
    state.actions.append(
        ActionItem(what="Look up art apprenticeships", who="You", when=date(2026, 1, 19), turn=2)
    )
    state.actions.append(ActionItem(what="Email the college", who="Adviser", turn=2))
    return state


def add_entry(state: SessionState, index: int, text: str | None = None) -> TranscriptEntry:
    client = index % 2 == 0
    entry = TranscriptEntry(
        turn=index // 2 + 1,
        speaker="client" if client else "adviser",
        text=text
        or (f"Client says message {index} about drawing" if client else f"Adviser reply {index}"),
        stage="exploration" if index else "contracting",
        move=None if client else "open_question",
        citations=[] if client else [CITATION],
        flags=["flag-x"] if index == 3 else [],
    )
    state.transcript.append(entry)
    return entry


def make_practice(messages: Sequence[str]) -> PracticeSession:
    """A practice session in which the trainee said ``messages`` (skills fixed, no model)."""
    session = PracticeSession("year11-undecided", skill_of=lambda _: Prediction("open_question"))
    for text in messages:
        session.say(text)
    return session
