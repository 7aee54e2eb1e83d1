"""Playing a case (or a practice persona) through the real interview engine: the played record."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import Field

from guidance_assistant.evals.interview.cases import PERSONA_TURNS, InterviewCase, _Strict

if TYPE_CHECKING:
    from guidance_assistant.interview.session import GuidanceSession
    from guidance_assistant.practice.personas import Persona


# --------------------------------------------------------------------- the played record


class PlayedTurn(_Strict):
    """One client message and the adviser's reply."""

    index: int = Field(ge=1, description="The client turn in the script (1-based).")
    client: str
    adviser: str
    stage: str
    move: str
    variant: str = ""
    rule: str | None = Field(default=None, description="The policy rule that chose the move.")
    flags: list[str] = Field(default_factory=list)
    engine_turn: int | None = Field(
        default=None,
        description="The engine's client-turn count after this message (the number its "
        "actions and stage changes carry; an empty message does not count). None: ``index``.",
    )
    seconds: float = 0.0

    @property
    def counted_as(self) -> int:
        return self.engine_turn if self.engine_turn is not None else self.index


class PlayedTransition(_Strict):
    from_stage: str
    to_stage: str
    turn: int = Field(description="The engine's client turn at which it happened.")
    reason: str = ""


class PlayedAction(_Strict):
    """An action in the final state. There is no agreement field in the engine's state:
    ``turn`` is the client turn whose reading recorded (or last dated) it, and ``source_text``
    the client's words at that turn."""

    what: str
    who: str = "You"
    when: date | None = None
    turn: int = 0
    source_text: str | None = None


class PlayedOption(_Strict):
    """An option considered, with its status at the end."""

    occupation_id: str
    title: str
    origin: str = "client"
    client_view: str | None = None
    presented: bool = False
    in_plan: bool = Field(default=False, description="Written in the plan's options.")
    chosen: bool = Field(default=False, description="The subject of a recorded decision.")

    @property
    def kept(self) -> bool:
        """In the written plan and not rejected by the client."""
        return self.in_plan and self.client_view != "negative"


class PlayedDecision(_Strict):
    text: str
    occupation_id: str | None = None
    route: str | None = None
    turn: int = 0


class PlayedFlag(_Strict):
    category: str | None = None
    reason: str = ""
    turn: int = 0


class PlayedRecord(_Strict):
    """A whole conversation as played: every turn and the final state."""

    case_id: str
    kind: str
    today: date
    seed: int = 0
    opening: str | None = Field(default=None, description="The adviser's opening, when said.")
    turns: list[PlayedTurn] = Field(default_factory=list)
    stage_history: list[str] = Field(default_factory=list)
    transitions: list[PlayedTransition] = Field(default_factory=list)
    actions: list[PlayedAction] = Field(default_factory=list)
    options: list[PlayedOption] = Field(default_factory=list)
    decisions: list[PlayedDecision] = Field(default_factory=list)
    flags: list[PlayedFlag] = Field(default_factory=list)
    plan_markdown: str = ""
    error: str | None = None
    seconds: float = 0.0

    def turn_counted(self, engine_turn: int) -> PlayedTurn | None:
        """The played turn the engine counted as ``engine_turn``."""
        return next((t for t in self.turns if t.counted_as == engine_turn), None)


# ------------------------------------------------------------------------------- playing


def _bundled_knowledge() -> Any:
    from guidance_assistant.retrieval.knowledge_base import KnowledgeBase

    return KnowledgeBase.bundled(progress=False)


def _final_state(record: PlayedRecord, session: GuidanceSession) -> None:
    state = session.state
    record.stage_history = list(state.stage_history())
    record.transitions = [
        PlayedTransition(from_stage=t.from_stage, to_stage=t.to_stage, turn=t.turn, reason=t.reason)
        for t in state.transitions
    ]
    record.actions = [
        PlayedAction(what=a.what, who=a.who, when=a.when, turn=a.turn, source_text=a.source_text)
        for a in state.actions
    ]
    record.decisions = [
        PlayedDecision(text=d.text, occupation_id=d.occupation_id, route=d.route, turn=d.turn)
        for d in state.decisions
    ]
    record.flags = [
        PlayedFlag(category=f.category, reason=f.reason, turn=f.turn) for f in state.flags
    ]
    plan = session.action_plan()
    record.plan_markdown = plan.to_markdown()
    plan_lines = [line.lower() for line in plan.options]
    chosen = {d.occupation_id for d in state.decisions if d.occupation_id}
    record.options = [
        PlayedOption(
            occupation_id=o.occupation_id,
            title=o.title,
            origin=o.origin,
            client_view=o.client_view,
            presented=o.presented,
            in_plan=any(o.title.lower() in line for line in plan_lines),
            chosen=o.occupation_id in chosen,
        )
        for o in state.options
    ]


def _played_turn(
    index: int, message: str, turn: Any, session: GuidanceSession, seconds: float
) -> PlayedTurn:
    return PlayedTurn(
        index=index,
        client=message,
        adviser=turn.text,
        stage=turn.stage,
        move=turn.move,
        variant=turn.variant,
        rule=turn.rule or None,
        flags=list(turn.flags),
        engine_turn=session.state.client_turns,
        seconds=seconds,
    )


def play(
    case: InterviewCase,
    *,
    knowledge: Any | None = None,
    seed: int = 0,
    today: date | None = None,
) -> PlayedRecord:
    """Play ``case``'s messages through a new offline session and keep what happened.

    The session is opened as :func:`~guidance_assistant.evals.runner.run_case` opens one
    (``open_session(profile, backend="offline", seed=seed, today=...)``; the file's date unless
    ``today`` is given), with ``knowledge`` (default: the bundled knowledge base). A crash is
    kept in ``error`` with whatever was played before it.
    """
    from guidance_assistant.interview import open_session

    started = time.perf_counter()
    when = today or case.today or date.today()
    record = PlayedRecord(case_id=case.id, kind=case.kind, today=when, seed=seed)
    try:
        session = open_session(
            case.profile,
            backend="offline",
            knowledge=knowledge if knowledge is not None else _bundled_knowledge(),
            seed=seed,
            today=when,
        )
        for index, message in enumerate(case.messages, start=1):
            turn_started = time.perf_counter()
            turn = session.reply(message)
            seconds = time.perf_counter() - turn_started
            record.turns.append(_played_turn(index, message, turn, session, seconds))
        _final_state(record, session)
    except Exception as error:  # a crash is this conversation's failure, not the run's
        record.error = f"{type(error).__name__}: {error}"
    record.seconds = time.perf_counter() - started
    return record


def persona_profile(persona: Persona) -> dict[str, Any]:
    """What the engine is told about a persona: their age, and their school year when the
    persona's situation starts with one ("Year 11, undecided"). Free-text needs are not mapped
    to the engine's needs (that would be guesswork)."""
    profile: dict[str, Any] = {"age": persona.profile.age}
    year = re.match(r"\s*year\s*(\d{1,2})\b", persona.profile.situation, flags=re.I)
    if year:
        profile["year_group"] = int(year.group(1))
    return profile


def play_persona(
    persona: Persona,
    seed: int,
    *,
    knowledge: Any | None = None,
    today: date | None = None,
    max_turns: int = PERSONA_TURNS,
    skill_of: Callable[[str], Any] | None = None,
) -> PlayedRecord:
    """A practice persona's simulated client talks to the engine: the engine opens, each of its
    turns is what the simulated client answers (the engine plays the trainee), for at most
    ``max_turns`` client turns or until the engine says goodbye. Both the client and the
    session use ``seed``. ``skill_of``: the trainee-skill classifier the client reacts to
    (default: the practice classifier)."""
    from guidance_assistant.interview import open_session
    from guidance_assistant.practice import PracticeSession

    started = time.perf_counter()
    when = today or date.today()
    record = PlayedRecord(case_id=f"{persona.id}@seed{seed}", kind="persona", today=when, seed=seed)
    try:
        client = PracticeSession(persona, seed=seed, skill_of=skill_of)
        session = open_session(
            persona_profile(persona),
            backend="offline",
            knowledge=knowledge if knowledge is not None else _bundled_knowledge(),
            seed=seed,
            today=when,
        )
        adviser = session.opening().text
        record.opening = adviser
        for index in range(1, max_turns + 1):
            message = client.say(adviser).text
            turn_started = time.perf_counter()
            turn = session.reply(message)
            seconds = time.perf_counter() - turn_started
            record.turns.append(_played_turn(index, message, turn, session, seconds))
            adviser = turn.text
            if session.state.ended:
                break
        _final_state(record, session)
    except Exception as error:  # recorded, like a scripted conversation's crash
        record.error = f"{type(error).__name__}: {error}"
    record.seconds = time.perf_counter() - started
    return record
