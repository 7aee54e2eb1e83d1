"""Choosing the next move: the rule tables of :mod:`.rules`, consulted in order."""

from __future__ import annotations

from guidance_assistant.interview.message import MessageAnalysis
from guidance_assistant.interview.model import InterviewModel, load_interview
from guidance_assistant.interview.policy.move import Move
from guidance_assistant.interview.policy.reading import (
    checked_in_recently,
    entered_now,
    resolve_stage,
)
from guidance_assistant.interview.policy.rule import make_move
from guidance_assistant.interview.policy.rules import (
    ANY_STAGE,
    ASK,
    ASK_WHILE_HELD,
    NO_NAGGING,
    SAFETY_AND_CLIENT,
    SESSION_ENDED,
    STAGE_TABLES,
    fire,
)
from guidance_assistant.interview.policy.situation import Situation
from guidance_assistant.interview.state import SessionState


def choose_move(
    state: SessionState, analysis: MessageAnalysis, *, interview: InterviewModel | None = None
) -> Move:
    """The adviser's next move for ``state`` after the client's message (see the module docs).

    ``state`` should already hold what the message said (the session updates it first); a
    pending transition the client agrees to is taken here too (``Move.enter_stage``). The rule
    that chose the move is named in ``Move.rule``.
    """
    interview = interview or load_interview()
    here = Situation(state, analysis, interview, interview.stage(state.stage), entered=False)
    move = fire(SAFETY_AND_CLIENT, here)
    if move is not None:
        return move
    if (
        analysis.distress is not None
        and state.active_flag is None
        and not checked_in_recently(state, here.practice.check_in_gap)
    ):
        # A possible concern in a question (safety.check_in let it through): answered, where
        # the move is an answer that keeps the stage, then the gentle check-in; otherwise the
        # check-in alone, as for any concern.
        move = _choose(state, analysis, interview)
        if move.kind == "information" and move.enter_stage is None:
            return move.model_copy(
                update={"check_in": True, "rule": f"{move.rule} + safety.check_in"}
            )
        return make_move(
            here,
            "open_question",
            "check_in",
            f"possible concern (score {analysis.distress:.2f}, not a disclosure) in a question "
            "that is not a request for information: check in gently",
        ).model_copy(update={"rule": "safety.check_in"})
    return _choose(state, analysis, interview)


def _choose(state: SessionState, analysis: MessageAnalysis, interview: InterviewModel) -> Move:
    here = Situation(state, analysis, interview, interview.stage(state.stage), entered=False)
    if state.active_flag is not None:  # a question while the flag is open (safety.flag_open)
        move = fire(ASK_WHILE_HELD, here)
        assert move is not None  # ask.education answers any question
        return move.model_copy(update={"held": True, "resume": False})
    if state.ended:
        move = fire((*ASK, SESSION_ENDED), here)
        assert move is not None  # SESSION_ENDED always holds
        return move
    target, why = resolve_stage(state, analysis)
    if target != state.stage:
        moved = state.model_copy(
            update={"stage": target, "pending_transition": None, "stage_client_turns": 0}
        )
        inner = stage_move(moved, analysis, interview, entered=True)
        return inner.model_copy(update={"enter_stage": target, "transition_reason": why})
    return stage_move(state, analysis, interview, entered=entered_now(state))


def stage_move(
    state: SessionState, analysis: MessageAnalysis, interview: InterviewModel, *, entered: bool
) -> Move:
    """The move the current stage's rules choose (after the rules for any stage)."""
    s = Situation(state, analysis, interview, interview.stage(state.stage), entered)
    if not (state.stage == "contracting" and s.contract_missing):
        move = fire(ANY_STAGE, s)
        if move is not None:
            return move
    move = fire(STAGE_TABLES[state.stage], s)
    assert move is not None  # every stage table ends with a rule that always holds
    if (
        state.stage in ("options_and_challenge", "decision_and_action_planning")
        and move.kind in ("open_question", "closed_question")
        and (move.kind, move.variant) == (state.last_move, state.last_variant)
        and state.repeats >= 1
        and move.enter_stage is None
    ):
        nagging = fire((NO_NAGGING,), s)
        assert nagging is not None
        return nagging
    return move
