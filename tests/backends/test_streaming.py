"""Streaming at the seam: the transformers backend gives its reply in pieces (a tiny local
model), the same words as :meth:`respond`; the fallback wrapper streams what its primary can."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from guidance_assistant.backends import (
    BackendError,
    FallbackResponder,
    OfflineResponder,
    ResponseRequest,
    TransformersResponder,
)
from guidance_assistant.backends.base import StreamingResponder


def test_the_transformers_backend_streams_the_words_it_would_give_whole(
    tiny_models: dict[str, Path], sample_request: ResponseRequest
) -> None:
    model = TransformersResponder(tiny_models["chat"], max_new_tokens=12)
    assert isinstance(model, StreamingResponder)
    pieces = list(model.stream(sample_request))
    assert len(pieces) > 1
    assert "".join(pieces).strip() == model.respond(sample_request)


def test_a_streamed_reply_that_cannot_be_used_fails_after_its_pieces(
    tiny_models: dict[str, Path], sample_request: ResponseRequest
) -> None:
    model = TransformersResponder(tiny_models["chat"], max_new_tokens=12, time_limit=1e-6)
    with pytest.raises(BackendError, match="time limit"):
        list(model.stream(sample_request))


class Whole:
    name = "whole"

    def respond(self, request: ResponseRequest) -> str:
        return "All of it at once?"


class Broken:
    name = "broken"

    def respond(self, request: ResponseRequest) -> str:
        raise BackendError("down")

    def stream(self, request: ResponseRequest) -> Iterator[str]:
        yield "Half "
        raise BackendError("down")


def test_the_fallback_wrapper_streams_what_its_primary_can(
    sample_request: ResponseRequest,
) -> None:
    assert list(FallbackResponder(Whole()).stream(sample_request)) == ["All of it at once?"]
    wrapper = FallbackResponder(Broken())
    seen: list[str] = []
    with pytest.raises(BackendError):
        seen.extend(wrapper.stream(sample_request))
    assert seen == ["Half "] and wrapper.last_error is not None
    assert not isinstance(OfflineResponder(), StreamingResponder)  # the draft: nothing to stream
