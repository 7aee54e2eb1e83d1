"""Choosing a backend from the settings, and falling back when it fails."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from guidance_assistant.backends import (
    BackendError,
    FallbackResponder,
    OfflineResponder,
    OpenAICompatibleResponder,
    ResponseRequest,
    TransformersResponder,
    make_responder,
)
from guidance_assistant.config import Settings


def test_offline_is_the_default(make_settings: Callable[..., Settings]) -> None:
    assert isinstance(make_responder(make_settings()), OfflineResponder)


def test_transformers_from_settings(
    make_settings: Callable[..., Settings], tiny_models: dict[str, Path]
) -> None:
    settings = make_settings(
        backend="transformers",
        transformers_model_path=tiny_models["plain"],
        transformers_max_new_tokens=7,
    )
    responder = make_responder(settings)
    assert isinstance(responder, TransformersResponder)
    assert responder.max_new_tokens == 7


def test_openai_from_settings_with_overrides(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(backend="openai", openai_model="qwen")
    responder = make_responder(settings, openai_base_url="http://127.0.0.1:9/v1", openai_timeout=3)
    assert isinstance(responder, OpenAICompatibleResponder)
    assert responder.base_url == "http://127.0.0.1:9/v1"
    assert responder.model == "qwen"
    assert responder.timeout == 3


def test_overrides_alone_build_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GA_BACKEND", raising=False)
    assert isinstance(make_responder(backend="offline"), OfflineResponder)


@pytest.mark.parametrize(
    ("backend", "setting"),
    [("transformers", "GA_TRANSFORMERS_MODEL_PATH"), ("openai", "GA_OPENAI_MODEL")],
)
def test_missing_settings_are_named(
    make_settings: Callable[..., Settings], backend: str, setting: str
) -> None:
    with pytest.raises(BackendError, match=setting):
        make_responder(make_settings(backend=backend))


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GA_OPENAI_MODEL", "from-env")
    monkeypatch.setenv("GA_OPENAI_TIMEOUT", "4.5")
    settings = Settings()
    assert settings.openai_model == "from-env"
    assert settings.openai_timeout == 4.5


class Broken:
    """A primary that fails."""

    name = "broken"

    def respond(self, request: ResponseRequest) -> str:
        raise BackendError("the model is down")


def test_fallback_logs_and_records_the_error(
    sample_request: ResponseRequest, caplog: pytest.LogCaptureFixture
) -> None:
    responder = FallbackResponder(Broken())
    with caplog.at_level("WARNING"):
        assert responder.respond(sample_request) == sample_request.draft
    assert str(responder.last_error) == "the model is down"
    assert "the model is down" in caplog.text


def test_fallback_resets_the_error_on_success(sample_request: ResponseRequest) -> None:
    responder = FallbackResponder(Broken(), fallback=OfflineResponder())
    responder.respond(sample_request)
    responder.primary = OfflineResponder()
    responder.respond(sample_request)
    assert responder.last_error is None
