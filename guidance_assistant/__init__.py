"""guidance-assistant: an assistant for client-focused careers guidance interviews.

The public API lives here. Heavy libraries (torch, FAISS, Gradio, LangChain) load only when a
name that needs them is first used, so ``import guidance_assistant`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from guidance_assistant.config import Settings, get_settings
from guidance_assistant.errors import (
    DocumentError,
    GuidanceAssistantError,
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
    LMIError,
    QueryError,
)
from guidance_assistant.sources import Citation, Document

if TYPE_CHECKING:
    from guidance_assistant import lmi
    from guidance_assistant.interview import (
        ActionPlan,
        GuidanceSession,
        SessionState,
        Turn,
        open_session,
    )
    from guidance_assistant.practice import (
        ClientTurn,
        PracticeSession,
        SessionFeedback,
        SkillPrediction,
        classify_skill,
        get_persona,
        load_personas,
    )
    from guidance_assistant.prepare import PreparationBrief, prepare_brief
    from guidance_assistant.retrieval.knowledge_base import KnowledgeBase, Passage
    from guidance_assistant.retrieval.langchain import KnowledgeBaseRetriever
    from guidance_assistant.safeguarding.rules import SafeguardingResult, detect_safeguarding

__version__ = "0.1.0"

_LAZY = {
    "KnowledgeBase": "guidance_assistant.retrieval.knowledge_base",
    "Passage": "guidance_assistant.retrieval.knowledge_base",
    "KnowledgeBaseRetriever": "guidance_assistant.retrieval.langchain",
    **dict.fromkeys(
        ["ActionPlan", "GuidanceSession", "SessionState", "Turn", "open_session"],
        "guidance_assistant.interview",
    ),
    **dict.fromkeys(["PreparationBrief", "prepare_brief"], "guidance_assistant.prepare"),
    **dict.fromkeys(
        ["SafeguardingResult", "detect_safeguarding"], "guidance_assistant.safeguarding.rules"
    ),
    **dict.fromkeys(
        [
            "ClientTurn",
            "PracticeSession",
            "SessionFeedback",
            "SkillPrediction",
            "classify_skill",
            "get_persona",
            "load_personas",
        ],
        "guidance_assistant.practice",
    ),
}


def __getattr__(name: str) -> Any:
    if name == "lmi":
        return importlib.import_module("guidance_assistant.lmi")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'guidance_assistant' has no attribute '{name}'")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "ActionPlan",
    "Citation",
    "ClientTurn",
    "Document",
    "DocumentError",
    "GuidanceAssistantError",
    "GuidanceSession",
    "IndexCorruptError",
    "IndexMismatchError",
    "IndexMissingError",
    "KnowledgeBase",
    "KnowledgeBaseRetriever",
    "LMIError",
    "Passage",
    "PracticeSession",
    "PreparationBrief",
    "QueryError",
    "SafeguardingResult",
    "SessionFeedback",
    "SessionState",
    "Settings",
    "SkillPrediction",
    "Turn",
    "classify_skill",
    "detect_safeguarding",
    "get_persona",
    "get_settings",
    "lmi",
    "load_personas",
    "open_session",
    "prepare_brief",
]
