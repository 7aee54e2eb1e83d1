"""The interview engine over each real backend: offline, a local transformers model loaded from
disk, and an OpenAI-compatible server on 127.0.0.1. The rules hold whatever writes the words."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from guidance_assistant.backends import (
    FallbackResponder,
    OfflineResponder,
    OpenAICompatibleResponder,
    Responder,
    TransformersResponder,
)
from guidance_assistant.interview import GuidanceSession, open_session, validate_numbers
from tests.backends.conftest import FakeOpenAIServer
from tests.interview.helpers import StubKnowledge

DISCLOSURE = "My stepdad hits me when he's drunk and I'm scared to go home"
OPENING = ["Hi", "I want to talk about what to do after Year 11", "yes", "I love drawing"]
BACKENDS = ["offline", "transformers", "openai"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> tuple[str, Responder, Callable[[], list[str]]]:
    """(name, responder, a function listing the client texts the backend has been sent)."""
    name: str = request.param
    if name == "offline":
        return name, OfflineResponder(), list
    if name == "transformers":
        folders: dict[str, Path] = request.getfixturevalue("tiny_models")
        seen: list[str] = []
        model = TransformersResponder(folders["chat"], max_new_tokens=12)

        class Recording:
            name = model.name

            def respond(self, req: Any) -> str:
                seen.append(req.client_message)
                return model.respond(req)

        return name, Recording(), lambda: seen  # type: ignore[return-value]
    server: FakeOpenAIServer = request.getfixturevalue("openai_server")
    server.reply = "Thanks for telling me about that; what else do you enjoy?"

    def sent() -> list[str]:
        return [json.dumps(r["body"]) for r in server.requests]

    return name, FallbackResponder(OpenAICompatibleResponder(server.base_url, "tiny")), sent


def _session(responder: Responder) -> GuidanceSession:
    return open_session(
        {"year_group": 11}, backend=responder, knowledge=StubKnowledge(), today=date(2026, 3, 10)
    )  # type: ignore[arg-type]


def test_a_disclosure_stops_guidance_in_every_backend(
    backend: tuple[str, Responder, Callable[[], list[str]]],
) -> None:
    name, responder, sent = backend
    session = _session(responder)
    for message in OPENING:
        session.reply(message)
    turn = session.reply(DISCLOSURE)
    assert turn.move == "safeguarding_response", name
    assert "0800 1111" in turn.text and "116 123" in turn.text and "999" in turn.text
    assert "designated safeguarding lead" in turn.text
    assert session.state.active_flag is not None
    assert not any("stepdad" in text for text in sent()), f"{name} saw the disclosure"


def test_no_backend_shows_an_unsourced_figure(
    backend: tuple[str, Responder, Callable[[], list[str]]],
) -> None:
    """Every figure in an information turn is in its cited passages or the client's words."""
    name, responder, _ = backend
    session = _session(responder)
    for message in OPENING:
        session.reply(message)
    informed = 0
    for message in ["How much do nurses earn?", "and what hours would I work?"]:
        turn = session.reply(message)
        if turn.move != "information":
            continue
        informed += 1
        assert turn.citations, (name, turn.text)
        sources = [part for c in turn.citations for part in (c.text, c.render())]
        check = validate_numbers(turn.text, sources, [message])
        assert check.ok, (name, turn.text, check)
    assert informed >= 1, name


def test_a_model_that_drops_the_asked_for_figures_is_not_used(
    openai_server: FakeOpenAIServer,
) -> None:
    """Rewording may change the words, never lose the answer: the draft's figures come back."""
    openai_server.reply = "Nursing can be a rewarding career; what else would you like to know?"
    session = _session(FallbackResponder(OpenAICompatibleResponder(openai_server.base_url, "t")))
    for message in OPENING:
        session.reply(message)
    turn = session.reply("How much do nurses earn?")
    assert turn.move == "information"
    assert "£" in turn.text and "rewarding career" not in turn.text
    assert turn.fallback is not None and "left out the figures" in turn.fallback
