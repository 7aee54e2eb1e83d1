"""The guidance interview: a staged, client-focused conversation with grounded information.

>>> from guidance_assistant.interview import open_session
>>> session = open_session({"year_group": 11, "needs": ["eal"]})
>>> print(session.reply("Hello").text)

The interview model (stages, exit criteria, moves) and the offline wording are data in
``prompts/interview/`` and ``prompts/offline/``; the rules (safeguarding first, no advice before
the client's criteria are known, every figure sourced) are in code.
"""

from guidance_assistant.interview.grounding import NumberCheck, validate_numbers
from guidance_assistant.interview.message import MessageAnalysis
from guidance_assistant.interview.model import (
    InterviewModel,
    InterviewModelError,
    load_interview,
)
from guidance_assistant.interview.plan import ActionPlan, PlanItem
from guidance_assistant.interview.policy import Move, choose_move
from guidance_assistant.interview.reading import analyse_message
from guidance_assistant.interview.session import (
    GuidanceSession,
    SessionError,
    Turn,
    open_session,
)
from guidance_assistant.interview.state import (
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
    "validate_numbers",
]
