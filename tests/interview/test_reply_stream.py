"""The engine's turn as events (show-then-confirm): a streaming backend's words so far, each
unchecked, then the checked turn, confirmed or replaced by the draft. Fake backends (fast)."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from datetime import date
from itertools import pairwise
from typing import Any

import pytest

from guidance_assistant.backends import BackendError, FallbackResponder, ResponseRequest
from guidance_assistant.interview import GuidanceSession, open_session
from guidance_assistant.interview.session import ReplyDone, ReplyInProgress
from tests.interview.helpers import RephrasingResponder, StubKnowledge

OPENING = ["Hi", "I want to talk about what to do after Year 11", "yes"]


class Streaming:
    """Streams ``words(draft)`` word by word; ``fail_after`` words, then a BackendError."""

    name = "streamer"

    def __init__(self, prefix: str = "Right then.", drop_question: bool = False) -> None:
        self.prefix = prefix
        self.drop_question = drop_question
        self.fail_after: int | None = None
        self.calls = 0

    def _words(self, draft: str) -> str:
        text = f"{self.prefix} {draft}"
        return text.replace("?", ".") if self.drop_question else text

    def respond(self, request: ResponseRequest) -> str:
        return "".join(self.stream(request))

    def stream(self, request: ResponseRequest) -> Iterator[str]:
        self.calls += 1
        for number, word in enumerate(self._words(request.draft).split(" ")):
            if self.fail_after is not None and number == self.fail_after:
                raise BackendError("time limit: the model had not finished")
            yield f"{word} " if number else word + " "


def _session(backend: Any) -> GuidanceSession:
    session = open_session(
        {"year_group": 11}, backend=backend, knowledge=StubKnowledge(), today=date(2026, 3, 10)
    )
    for message in OPENING:
        session.reply(message)
    return session


def test_words_stream_then_the_same_words_are_confirmed() -> None:
    session = _session(Streaming())
    before = len(session.state.transcript)
    events = list(session.reply_stream("I love drawing and playing video games"))
    partial = [e for e in events if isinstance(e, ReplyInProgress)]
    done = events[-1]
    assert isinstance(done, ReplyDone) and len(partial) > 3
    assert all(isinstance(e, ReplyInProgress) for e in events[:-1])
    texts = [e.text for e in partial]
    assert all(b.startswith(a) for a, b in pairwise(texts))  # grows
    assert texts[:2] == ["Right", "Right then."] and all(e.attempt == 1 for e in partial)
    assert done.confirmed and done.turn.text == done.streamed == texts[-1]
    assert len(session.state.transcript) == before + 2  # recorded once, at the end


def test_a_refused_reply_streams_twice_then_the_draft_replaces_it() -> None:
    backend = Streaming(drop_question=True)
    session = _session(backend)
    session.reply("I love drawing and playing video games")
    calls = backend.calls
    events = list(session.reply_stream("How much do nurses earn?"))
    done = events[-1]
    assert isinstance(done, ReplyDone) and not done.confirmed
    attempts = [e.attempt for e in events if isinstance(e, ReplyInProgress)]
    assert attempts[0] == 1 and attempts[-1] == 2 and sorted(attempts) == attempts
    assert done.turn.rejected == ["the reply left out the draft's question"] * 2
    assert done.turn.text.endswith("?") and not done.turn.text.startswith("Right then")
    assert done.streamed.startswith("Right then") and backend.calls == calls + 2


def test_a_stream_that_fails_midway_is_replaced_by_the_draft() -> None:
    backend = Streaming()
    backend.fail_after = 3
    session = _session(FallbackResponder(backend))
    events = list(session.reply_stream("I love drawing and playing video games"))
    done = events[-1]
    assert isinstance(done, ReplyDone) and not done.confirmed
    assert len(events) == 4  # three words shown, then the turn
    assert done.turn.fallback is not None and done.turn.fallback.startswith("backend error:")
    assert "time limit" in done.turn.fallback and done.streamed
    assert not done.turn.text.startswith("Right then")


def test_offline_and_backends_that_cannot_stream_give_the_turn_alone() -> None:
    for backend in ("offline", RephrasingResponder()):
        events = list(_session(backend).reply_stream("I love drawing and playing video games"))
        assert len(events) == 1 and isinstance(events[0], ReplyDone)
        assert not events[0].confirmed and events[0].streamed == ""


def test_a_redirect_streams_nothing() -> None:
    backend = Streaming()
    session = _session(backend)
    calls = backend.calls
    events = list(session.reply_stream("Can you write my English homework essay for me?"))
    assert len(events) == 1 and isinstance(events[0], ReplyDone)
    assert events[0].turn.variant == "redirect" and backend.calls == calls


def test_the_session_changes_only_when_the_turn_is_taken() -> None:
    session = _session(Streaming())
    before = session.to_json()
    events = session.reply_stream("I love drawing and playing video games")
    assert isinstance(events, Generator) and isinstance(next(events), ReplyInProgress)
    events.close()  # the reader went away mid-reply
    assert session.to_json() == before


def test_an_empty_message_is_refused_before_any_event() -> None:
    from guidance_assistant.text.clean import EmptyMessageError

    with pytest.raises(EmptyMessageError):
        next(_session(Streaming()).reply_stream("   "))
