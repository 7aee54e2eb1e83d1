"""``app.py`` with a slow fake model that streams (for tests/ui/test_streaming_browser.py).

Every turn's reply is the engine's draft after "Right then.", one word every ``DELAY`` seconds,
so a browser can watch the words come; a client message with "skip the question" in it gets a
reply without the draft's question, which the engine refuses (twice) and replaces by the draft.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from guidance_assistant.backends import registry
from guidance_assistant.backends.base import ResponseRequest
from guidance_assistant.config import Settings, get_settings
from guidance_assistant.ui import launch

DELAY = 0.25


class SlowStreamer:
    name = "slow-streamer"

    def respond(self, request: ResponseRequest) -> str:
        return "".join(self.stream(request))

    def stream(self, request: ResponseRequest) -> Iterator[str]:
        text = f"Right then. {request.draft}"
        if "skip the question" in request.client_message.lower():
            text = text.replace("?", ".")
        for word in text.split(" "):
            time.sleep(DELAY)
            yield f"{word} "


def _fake(settings: Settings) -> SlowStreamer:
    return SlowStreamer()


if __name__ == "__main__":
    registry.BACKENDS["transformers"] = _fake
    launch(get_settings(backend="transformers"))
