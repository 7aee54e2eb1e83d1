"""Practice mode: simulated clients for trainee advisers, and feedback on their skills.

:func:`classify_skill` labels the counselling skill of an adviser's utterance (see
:mod:`guidance_assistant.practice.skills`); :class:`PracticeSession` runs a trainee against a
simulated client from ``knowledge/personas/``. Importing this package is light: the embedding
model (and torch) load on the first prediction.
"""

from guidance_assistant.practice.feedback import SessionFeedback
from guidance_assistant.practice.personas import PracticeError, get_persona, load_personas
from guidance_assistant.practice.session import ClientTurn, PracticeSession, make_client_responder
from guidance_assistant.practice.skills import (
    SkillClassifier,
    SkillLabel,
    SkillPrediction,
    classify_skill,
)

__all__ = [
    "ClientTurn",
    "PracticeError",
    "PracticeSession",
    "SessionFeedback",
    "SkillClassifier",
    "SkillLabel",
    "SkillPrediction",
    "classify_skill",
    "get_persona",
    "load_personas",
    "make_client_responder",
]
