"""Response backends: offline (default), local transformers, OpenAI-compatible HTTP.

Importing this package is cheap: ``torch``, ``transformers`` and ``langchain_openai`` are only
imported when a model backend is made.
"""

from guidance_assistant.backends.base import (
    BackendError,
    GroundingPassage,
    OfflineResponder,
    Responder,
    ResponseRequest,
)
from guidance_assistant.backends.openai_backend import OpenAICompatibleResponder
from guidance_assistant.backends.registry import FallbackResponder, make_responder
from guidance_assistant.backends.transformers_backend import TransformersResponder

__all__ = [
    "BackendError",
    "FallbackResponder",
    "GroundingPassage",
    "OfflineResponder",
    "OpenAICompatibleResponder",
    "Responder",
    "ResponseRequest",
    "TransformersResponder",
    "make_responder",
]
