"""Response backends: offline (default), local transformers, OpenAI-compatible HTTP."""

from guidance_assistant.backends.base import (
    BackendError,
    GroundingPassage,
    OfflineResponder,
    Responder,
    ResponseRequest,
)

__all__ = ["BackendError", "GroundingPassage", "OfflineResponder", "Responder", "ResponseRequest"]
