"""The adviser's next move: what the policy chooses and the draft writer words."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from guidance_assistant.interview.model import (
    FeelingKind,
    InfoKind,
    MoveKind,
    StageId,
    TopicId,
)
from guidance_assistant.interview.state import Discrepancy

NEGATIVE_FEELINGS: tuple[FeelingKind, ...] = (
    "worried",
    "low",
    "frustrated",
    "pressured",
    "confused",
)


class Move(BaseModel):
    """The adviser's next move, with everything the draft writer needs to word it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: MoveKind
    stage: StageId = Field(description="The stage the move is made in.")
    variant: str = Field(description="Which form of the move, e.g. 'opening', 'topic', 'pay'.")
    reason: str = Field(description="Why this move, in words an adviser understands.")
    topic: TopicId | None = None
    bridge: str | None = Field(
        default=None, description="Topic (or 'more', 'compare', 'decide') invited at the end."
    )
    feeling: FeelingKind | None = None
    occupation_ids: list[str] = Field(default_factory=list)
    info_kinds: list[InfoKind] = Field(default_factory=list)
    query: str | None = None
    answer_id: str | None = Field(
        default=None,
        description="An entry of the answers bank (knowledge/answers) that answers the question.",
    )
    discrepancy: Discrepancy | None = None
    candidates: list[tuple[str, str]] = Field(default_factory=list)
    enter_stage: StageId | None = Field(
        default=None, description="The stage the interview moves to with this move."
    )
    transition_reason: str | None = None
    propose_stage: StageId | None = Field(
        default=None, description="The stage this move proposes moving to (after agreement)."
    )
    resume: bool = Field(default=False, description="Repeat the open question afterwards.")
    held: bool = Field(
        default=False,
        description="A safeguarding flag is open: the answer opens with a reminder that the "
        "designated safeguarding lead will be in touch, and the interview does not move on.",
    )
    check_in: bool = Field(
        default=False,
        description="A possible concern (not a disclosure) in a message that asks a question: "
        "the question is answered, then the adviser checks in gently (the concern is recorded "
        "either way).",
    )
    rule: str = Field(
        default="",
        description="The policy rule that chose this move (``stage.rule``; ``a > b`` when rule "
        "``a`` moved on to a stage whose rule ``b`` chose the move).",
    )
