"""The guidance interview: a staged, client-focused conversation with grounded information.

>>> from guidance_assistant.dialogue import open_session
>>> session = open_session({"year_group": 11, "needs": ["eal"]})
>>> print(session.reply("Hello").text)

The interview model (stages, exit criteria, moves) and the offline wording are data in
``prompts/interview/`` and ``prompts/offline/``; the rules (safeguarding first, no advice before
the client's criteria are known, every figure sourced) are in code.
"""

from guidance_assistant.dialogue.analysis import MessageAnalysis, analyse_message
from guidance_assistant.dialogue.brief import PreparationBrief, prepare_brief
from guidance_assistant.dialogue.grounding import NumberCheck, validate_numbers
from guidance_assistant.dialogue.interview import (
    InterviewModel,
    InterviewModelError,
    load_interview,
)
from guidance_assistant.dialogue.plan import ActionPlan, PlanItem
from guidance_assistant.dialogue.policy import Move, choose_move
from guidance_assistant.dialogue.session import (
    GuidanceSession,
    SessionError,
    Turn,
    open_session,
)
from guidance_assistant.dialogue.state import (
    ActionItem,
    ClientProfile,
    SessionState,
    TurnCitation,
)
from guidance_assistant.safeguarding.rules import (
    SafeguardingResult,
    detect_safeguarding,
    escalation_reply,
)

__all__ = [
    "ActionItem",
    "ActionPlan",
    "ClientProfile",
    "GuidanceSession",
    "InterviewModel",
    "InterviewModelError",
    "MessageAnalysis",
    "Move",
    "NumberCheck",
    "PlanItem",
    "PreparationBrief",
    "SafeguardingResult",
    "SessionError",
    "SessionState",
    "Turn",
    "TurnCitation",
    "analyse_message",
    "choose_move",
    "detect_safeguarding",
    "escalation_reply",
    "load_interview",
    "open_session",
    "prepare_brief",
    "validate_numbers",
]
