"""A tab that recovers from a restart, in a real Chromium against a real server that is stopped
and started again: the open tab says plainly to sign in again, and after signing in the
interrupted session is listed and resumes at its last stored turn."""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.ui.conftest import AppServer, new_app_server, start_app
from tests.ui.test_browser import WAIT, _field, _say, _shot, _sign_in, browser  # noqa: F401

pytestmark = pytest.mark.slow


@pytest.fixture
def own_server(bundled_kb: Any, tmp_path: Path) -> Iterator[tuple[AppServer, list[Any]]]:
    """An app of this test's own (it is killed and restarted), and its current process."""
    server, process = new_app_server(tmp_path / "data", bundled_kb)
    processes = [process]
    try:
        yield server, processes
    finally:
        for running in processes:
            if running.poll() is None:
                running.terminate()
                running.wait(timeout=30)


def test_after_a_restart_the_tab_asks_to_sign_in_and_the_session_resumes(
    browser: Any,  # noqa: F811
    own_server: tuple[AppServer, list[Any]],
) -> None:
    from playwright.sync_api import expect

    server, processes = own_server
    page = browser.new_page()
    page.set_default_timeout(WAIT)
    _sign_in(page, server, "adviser")
    page.get_by_role("tab", name="Session").click()
    _field(page, "session-new-ref").fill("RESTART-1")
    page.locator("#session-add-client").click()
    expect(page.locator("#session-status")).to_contain_text("Added client")
    page.locator("#session-start").click()
    expect(page.locator("#session-status")).to_contain_text("started")
    _say(page, "session-message", "I want to talk about what to do after Year 11")
    _say(page, "session-message", "I love drawing and I'm good at art")
    chat = page.locator("#session-chat")
    expect(chat).to_contain_text("good at art")

    processes[0].send_signal(signal.SIGKILL)  # no goodbye: as a crash or a hard restart
    processes[0].wait(timeout=30)
    port = urlparse(server.url).port
    assert port is not None
    processes.append(start_app(server.data_dir, port, server.log))

    notice = page.locator("#ga-recovery")
    expect(notice).to_contain_text("sign in again", ignore_case=True, timeout=90_000)
    expect(notice).to_contain_text("interrupted session")
    assert "Error" not in notice.inner_text()
    _shot(page, "recovery-notice")
    page.locator("#ga-recovery-sign-in").click()

    page.get_by_label("username").fill("adviser")
    page.get_by_label("password").fill(server.passwords["adviser"])
    page.get_by_role("button", name="Login").click()
    page.locator("#signed-in").get_by_text("adviser").wait_for()
    page.get_by_role("tab", name="Session").click()
    choices = page.locator("#session-interrupted")
    choices.locator("input").click()
    option = page.get_by_role("option", name=re.compile(r"RESTART-1, \d+ turns"))
    option.click()
    page.locator("#session-resume").click()
    expect(page.locator("#session-status")).to_contain_text("resumed at its last saved turn")
    expect(chat).to_contain_text("good at art")  # the stored turns are back
    _say(page, "session-message", "Money matters to me")
    expect(chat).to_contain_text("Money matters to me")
    _shot(page, "recovery-resumed")
    page.close()
