"""Show-then-confirm in a real (headless) Chromium: a model's words appear as they are written,
marked as a draft being checked, then stay (confirmed) or give way to the engine's draft with a
note. The app runs with a slow fake model that streams (``tests/ui/streaming_app.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from guidance_assistant.paths import REPO_ROOT
from tests.ui.conftest import AppServer, new_app_server
from tests.ui.test_browser import _field, _shot, _sign_in, browser, page

pytestmark = pytest.mark.slow

__all__ = ["browser", "page"]  # the fixtures, shared with the other browser tests


@pytest.fixture(scope="module")
def streaming_server(
    bundled_kb: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppServer]:
    folder: Path = tmp_path_factory.mktemp("streaming-app")
    server, process = new_app_server(
        folder, bundled_kb, script=REPO_ROOT / "tests" / "ui" / "streaming_app.py"
    )
    try:
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_models_words_show_while_checked_then_are_confirmed_or_replaced(
    page: Any, streaming_server: AppServer
) -> None:
    from playwright.sync_api import expect

    _sign_in(page, streaming_server, "adviser")
    page.get_by_role("tab", name="Session").click()
    _field(page, "session-new-ref").fill("STREAM-1")
    page.locator("#session-add-client").click()
    expect(page.locator("#session-status")).to_contain_text("Added client")
    page.locator("#session-start").click()
    expect(page.locator("#session-status")).to_contain_text("started")
    chat = page.locator("#session-chat")
    box = _field(page, "session-message")

    # confirmed: the words come marked as a draft being checked, then stay, unmarked
    box.fill("I want to talk about what to do after Year 11")
    box.press("Enter")
    expect(chat).to_contain_text("Draft in progress, checking")
    expect(chat).to_contain_text("Right then")
    _shot(page, "streaming-in-progress")
    expect(box).to_have_value("")  # the turn is in
    expect(chat).not_to_contain_text("Draft in progress")
    expect(chat.get_by_text("Right then").last).to_be_visible()
    expect(chat).not_to_contain_text("was not used")

    # replaced: the words without the draft's question are refused; the draft is shown
    box.fill("yes, skip the question")
    box.press("Enter")
    expect(chat).to_contain_text("Draft in progress, checking")
    expect(box).to_have_value("")
    expect(chat).not_to_contain_text("Draft in progress")
    expect(chat).to_contain_text("The model's wording was not used")
    expect(page.locator("#session-status")).to_contain_text("left out the draft's question")
    _shot(page, "streaming-replaced")
    assert chat.get_by_text("Right then").count() == 1  # only the first, confirmed turn
