"""What the store hands back: plain, frozen records (no database sessions attached)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from guidance_assistant.practice.feedback import TurnRecord
from guidance_assistant.practice.review import SupervisorComment


@dataclass(frozen=True)
class SessionSummary:
    id: int
    client_id: int
    client_reference: str
    owner_id: int
    session_date: date | None
    stage: str | None
    ended: bool
    created_at: datetime
    updated_at: datetime
    turns: int
    matches: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PracticeSummary:
    id: int
    trainee_id: int
    trainee: str
    persona_id: str
    seed: int
    turns: int
    comments: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class PracticeView:
    id: int
    trainee_id: int
    persona_id: str
    seed: int
    feedback: dict[str, Any] | None
    records: list[TurnRecord]
    comments: list[SupervisorComment]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class EvalRunSummary:
    id: str
    config: dict[str, Any]
    summary: dict[str, Any] | None
    created_at: datetime
    results: int


@dataclass(frozen=True)
class EvalResultView:
    run_id: str
    case_id: str
    config: str
    scores: dict[str, Any]
    transcript: Any


@dataclass(frozen=True)
class PurgeResult:
    guidance_sessions: int = 0
    practice_sessions: int = 0
    briefs: int = 0
    cutoff: datetime | None = None
