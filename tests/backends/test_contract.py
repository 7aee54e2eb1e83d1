"""Every Responder keeps the same contract, whatever writes the words."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from guidance_assistant.backends import (
    FallbackResponder,
    OfflineResponder,
    OpenAICompatibleResponder,
    Responder,
    ResponseRequest,
    TransformersResponder,
)


@dataclass
class Case:
    responder: Responder
    deterministic: bool


CASES = [
    "offline",
    "transformers-plain",
    "transformers-chat",
    "openai",
    "fallback-up",
    "fallback-down",
]


@pytest.fixture(params=CASES)
def case(request: pytest.FixtureRequest) -> Iterator[Case]:
    name: str = request.param
    if name == "offline":
        yield Case(OfflineResponder(), deterministic=True)
    elif name.startswith("transformers-"):
        folders = request.getfixturevalue("tiny_models")
        yield Case(
            TransformersResponder(folders[name.split("-")[1]], max_new_tokens=12),
            deterministic=True,
        )
    elif name == "openai":
        server = request.getfixturevalue("openai_server")
        yield Case(OpenAICompatibleResponder(server.base_url, "tiny", timeout=5), False)
    elif name == "fallback-up":
        server = request.getfixturevalue("openai_server")
        yield Case(FallbackResponder(OpenAICompatibleResponder(server.base_url, "tiny")), False)
    else:
        url = request.getfixturevalue("dead_url")
        yield Case(FallbackResponder(OpenAICompatibleResponder(url, "tiny")), True)


class TestResponderContract:
    def test_is_a_responder_with_a_name(self, case: Case) -> None:
        assert isinstance(case.responder, Responder)
        assert isinstance(case.responder.name, str) and case.responder.name

    def test_respond_returns_non_empty_text(
        self, case: Case, sample_request: ResponseRequest
    ) -> None:
        reply = case.responder.respond(sample_request)
        assert isinstance(reply, str)
        assert reply.strip()

    def test_repeats_itself_when_deterministic(
        self, case: Case, sample_request: ResponseRequest
    ) -> None:
        """Deterministic backends give the same words twice; sampled ones still answer."""
        first = case.responder.respond(sample_request)
        second = case.responder.respond(sample_request)
        if case.deterministic:
            assert second == first
        else:
            assert second.strip()
