"""The policy: which move (micro-skill) the adviser makes next. Pure: no I/O, no randomness.

It is a set of named, ordered rules (:mod:`.rules`: one table for safety and what the client
did, one for any stage, one per stage); the rule that fires is named on the move and recorded in
the session's transcript.

:func:`choose_move` looks, in this order, at

1. **safety**: a safeguarding disclosure in the message, or a flag still open (the gentle stance
   until an adviser clears it); then a message that sounds worrying without being a disclosure
   (``MessageAnalysis.distress``: a concern from :mod:`~guidance_assistant.safeguarding.screen`):
   a check-in that restates the limits of confidentiality, at most once every
   ``practice.check_in_gap`` client turns; a request for secrecy after it gets those limits again;
2. **what the client did**: an empty message, a request outside careers guidance or an attempt to
   change the rules (a short redirect to the session's purpose), a question about a job or about
   education (information, from the knowledge base, with a citation), asking the adviser to choose
   (not before the client's own criteria are known), a feeling (a reflection);
3. **what the stage needs** (``prompts/interview/stages.yaml``): the next exploration topic, a
   reflection or affirmation of what the client just said (more often than a new question once
   the client talks), options widened and tested, a discrepancy named (challenge), a decision and
   dated actions, the close. When a stage's exit criteria are met the adviser summarises and
   proposes moving on; the client's agreement makes the transition, which is recorded.

The client's profile is read only for needs (plain language, questions that fit); never the
name or gender.
"""

from guidance_assistant.interview.policy.choose import choose_move, stage_move
from guidance_assistant.interview.policy.move import NEGATIVE_FEELINGS, Move
from guidance_assistant.interview.policy.reading import (
    CHECK_IN_GAP,
    checked_in_recently,
    next_topic,
    resolve_stage,
    unmet_criteria,
)
from guidance_assistant.interview.policy.rules import TABLES, Rule, rule_names

__all__ = [
    "CHECK_IN_GAP",
    "NEGATIVE_FEELINGS",
    "TABLES",
    "Move",
    "Rule",
    "checked_in_recently",
    "choose_move",
    "next_topic",
    "resolve_stage",
    "rule_names",
    "stage_move",
    "unmet_criteria",
]
