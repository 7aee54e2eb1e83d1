"""The policy's rules: named, ordered entries, each a condition on the turn and the move it makes.

Read a table from the top: the first rule whose condition holds chooses the move, and its name
is recorded on the move (``Move.rule``) and in the session's transcript. :data:`TABLES` lists
every table in the order :func:`~guidance_assistant.interview.policy.choose_move` consults them:

1. ``safety and the client``: a disclosure, an open flag, an empty message, a concern (check-in
   with the limits of confidentiality, at most once every ``practice.check_in_gap`` client
   turns), a cleared flag, attempts to change the rules, off-topic requests, a question about
   the adviser, a session already ended;
2. ``any stage``: a question about a job or about education (information, cited), asking the
   adviser to choose (never before the client's own criteria are known), disagreeing with a
   summary;
3. one table per stage (``prompts/interview/stages.yaml`` holds the stages, their exit criteria,
   turn budgets and the practice settings the rules read).

A rule whose move is "sum up and move on" (:func:`summary_or_advance`) may go straight into the
next stage, whose own rule then words the move: the recorded name is then ``a > b``.
"""

from __future__ import annotations

from guidance_assistant.interview.policy.rule import Rule, fire, summary_or_advance
from guidance_assistant.interview.policy.safety import (
    ANY_STAGE,
    ASK,
    ASK_WHILE_HELD,
    OPINION,
    SAFETY_AND_CLIENT,
    SESSION_ENDED,
    SUMMARY_DISAGREED,
)
from guidance_assistant.interview.policy.stages import (
    CLOSE,
    CONTRACTING,
    DECISION,
    EXPLORATION,
    NO_NAGGING,
    OPTIONS,
    STAGE_TABLES,
)

#: Every table, in the order they are consulted.
TABLES: dict[str, tuple[Rule, ...]] = {
    "safety and the client": (*SAFETY_AND_CLIENT, SESSION_ENDED),
    "any stage": ANY_STAGE,
    **STAGE_TABLES,
    "after a stage rule": (NO_NAGGING,),
}


def rule_names() -> list[str]:
    return [rule.name for table in TABLES.values() for rule in table]


__all__ = [
    "ANY_STAGE",
    "ASK",
    "ASK_WHILE_HELD",
    "CLOSE",
    "CONTRACTING",
    "DECISION",
    "EXPLORATION",
    "NO_NAGGING",
    "OPINION",
    "OPTIONS",
    "SAFETY_AND_CLIENT",
    "SESSION_ENDED",
    "STAGE_TABLES",
    "SUMMARY_DISAGREED",
    "TABLES",
    "Rule",
    "fire",
    "rule_names",
    "summary_or_advance",
]
