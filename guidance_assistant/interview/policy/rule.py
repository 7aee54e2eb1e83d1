"""A policy rule, how a table of them is consulted, and the helpers rules share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from guidance_assistant.interview.message import MessageAnalysis
from guidance_assistant.interview.model import MoveKind, StageId
from guidance_assistant.interview.policy.move import Move
from guidance_assistant.interview.policy.situation import Situation


@dataclass(frozen=True)
class Rule:
    """``when`` the condition holds, ``then`` makes the move; ``name`` is ``table.rule``."""

    name: str
    when: Callable[[Situation], bool]
    then: Callable[[Situation], Move]


def fire(rules: tuple[Rule, ...], s: Situation) -> Move | None:
    """The move of the first rule in ``rules`` whose condition holds (named), or ``None``."""
    for rule in rules:
        if rule.when(s):
            move = rule.then(s)
            name = f"{rule.name} > {move.rule}" if move.rule else rule.name
            return move.model_copy(update={"rule": name})
    return None


def always(_: Situation) -> bool:
    return True


def summary_or_advance(s: Situation, reason: str) -> Move:
    """Sum up and propose the next stage (when the stage sums up on exit), or go straight into
    it; the last stage says goodbye."""
    from guidance_assistant.interview.policy.choose import stage_move

    following = s.interview.next_stage(s.stage.id)
    if following is None:
        return Move(kind="affirmation", stage=s.stage.id, variant="goodbye", reason=reason)
    if s.stage.summary_on_exit and s.stage.allows("summary"):
        return Move(
            kind="summary",
            stage=s.stage.id,
            variant="stage",
            reason=reason,
            propose_stage=following.id,
        )
    moved = s.state.model_copy(update={"stage": following.id, "stage_client_turns": 0})
    inner = stage_move(moved, MessageAnalysis(text=""), s.interview, entered=True)
    return inner.model_copy(update={"enter_stage": following.id, "transition_reason": reason})


def advance_to(s: Situation, stage: StageId, reason: str) -> Move:
    """Go straight into ``stage`` this turn (no summary first), its own rules wording the move
    with this message in view."""
    from guidance_assistant.interview.policy.choose import stage_move

    moved = s.state.model_copy(
        update={"stage": stage, "stage_client_turns": 0, "pending_transition": None}
    )
    inner = stage_move(moved, s.analysis, s.interview, entered=True)
    return inner.model_copy(update={"enter_stage": stage, "transition_reason": reason})


def make_move(s: Situation, kind: MoveKind, variant: str, reason: str, **extra: Any) -> Move:
    return Move(kind=kind, stage=s.stage.id, variant=variant, reason=reason, **extra)
