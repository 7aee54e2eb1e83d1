"""The app as a person uses it, in a real (headless) Chromium: Debian's ``/usr/bin/chromium``
driven by Playwright. Screenshots are kept in ``test-artifacts/``."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ui.conftest import ARTIFACTS, AppServer

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT = 120_000  # ms: two shared cores, a first classifier load

SCRIPT = [
    "Hi",
    "I want to talk about what to do after Year 11",
    "yes",
    "I love drawing and playing video games",
    "I'm good at art",
    "Money matters to me, I want a job that pays well",
    "I live with my mum",
    "My mum thinks I should do A levels",
    "nothing really",
    "yes, I was thinking about being a graphic designer",
    "sounds good",
    "ok",
    "I want to go for graphic designer",
    "yes",
    "I'll look at college open evenings by Friday",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium (apt-get install chromium)")
    playwright_api.expect.set_options(timeout=WAIT)
    profile = tempfile.mkdtemp(prefix="ga-chromium-")
    with playwright_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), args=ARGS, headless=True
        )
        try:
            yield context
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    browser.clear_cookies()
    page = browser.new_page()
    page.set_default_timeout(WAIT)
    yield page
    page.close()


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _sign_in(page: Any, server: AppServer, username: str) -> None:
    page.goto(server.url)
    page.get_by_label("username").fill(username)
    page.get_by_label("password").fill(server.passwords[username])
    page.get_by_role("button", name="Login").click()
    page.locator("#signed-in").get_by_text(username).wait_for()


def _field(page: Any, elem_id: str) -> Any:
    return page.locator(f"#{elem_id}").locator("textarea, input").first


def _say(page: Any, elem_id: str, text: str) -> None:
    from playwright.sync_api import expect

    box = _field(page, elem_id)
    box.fill(text)
    box.press("Enter")
    expect(box).to_have_value("", timeout=WAIT)  # cleared when the reply is in


def _current_stage(page: Any) -> str:
    return str(page.locator("#ga-stages li[aria-current=step]").get_attribute("data-stage"))


def test_adviser_session_to_plan_then_review_and_export(page: Any, app_server: AppServer) -> None:
    from playwright.sync_api import expect

    _sign_in(page, app_server, "adviser")
    expect(page.get_by_role("tab", name="Evaluate")).to_have_count(0)
    page.get_by_role("tab", name="Session").click()
    _field(page, "session-new-ref").fill("BROWSER-1")
    page.locator("#session-add-client").click()
    expect(page.locator("#session-status")).to_contain_text("Added client")
    page.locator("#session-start").click()
    expect(page.locator("#session-status")).to_contain_text("started")
    assert _current_stage(page) == "contracting"
    seen = {"contracting"}
    for text in SCRIPT:
        _say(page, "session-message", text)
        seen.add(_current_stage(page))
    _shot(page, "adviser-session")
    assert {"exploration", "decision_and_action_planning"} <= seen
    expect(page.locator("#session-state")).to_contain_text("college open evenings")
    page.locator("#session-save").click()
    expect(page.locator("#session-status")).to_contain_text("saved")
    page.locator("#session-export").click()
    expect(page.locator("#session-files")).to_contain_text("action-plan")
    expect(page.locator("#session-files")).to_contain_text(".pdf")

    page.get_by_role("tab", name="Review").click()
    _field(page, "review-query").fill("open evenings")
    page.locator("#review-search").click()
    expect(page.locator("#review-status")).to_contain_text("1 session")
    _field(page, "review-pick").click()
    page.get_by_role("option").filter(has_text="BROWSER-1").first.click()
    expect(page.locator("#review-transcript")).to_contain_text("open evenings")
    page.locator("#review-export").click()
    expect(page.locator("#review-files")).to_contain_text("action-plan")
    _shot(page, "adviser-review")


def test_html_typed_by_a_client_is_shown_as_text(page: Any, app_server: AppServer) -> None:
    from playwright.sync_api import expect

    alerts: list[str] = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    _sign_in(page, app_server, "adviser2")
    page.get_by_role("tab", name="Session").click()
    _field(page, "session-new-ref").fill("XSS <img src=x onerror=alert(1)>")
    page.locator("#session-add-client").click()
    expect(page.locator("#session-status")).to_contain_text("Added client")
    page.locator("#session-start").click()
    expect(page.locator("#session-status")).to_contain_text("started")
    _say(page, "session-message", "<img src=x onerror=alert(1)> <script>alert(2)</script>")
    expect(page.locator("#session-chat")).to_contain_text("<img src=x onerror=alert(1)>")
    assert page.locator("#session-chat img[src=x]").count() == 0
    assert page.locator("#session-chat script").count() == 0
    page.wait_for_timeout(500)
    assert alerts == []
    _shot(page, "html-as-text")


def test_trainee_practice_with_feedback(page: Any, app_server: AppServer) -> None:
    from playwright.sync_api import expect

    _sign_in(page, app_server, "trainee")
    expect(page.get_by_role("tab", name="Session")).to_have_count(0)
    page.get_by_role("tab", name="Practice").click()
    page.locator("#practice-start").click()
    expect(page.locator("#practice-status")).to_contain_text("is with you")
    _say(page, "practice-message", "What would you like to talk about today?")
    expect(page.locator("#practice-tip")).to_contain_text("Tip:")
    _say(page, "practice-message", "So you're not sure what to do after Year 11?")
    page.locator("#practice-finish").click()
    expect(page.locator("#practice-report")).to_contain_text("Targets")
    page.locator("#practice-save").click()
    expect(page.locator("#practice-status")).to_contain_text("saved")
    _shot(page, "trainee-practice")


def test_evaluator_runs_a_small_suite(page: Any, app_server: AppServer) -> None:
    from playwright.sync_api import expect

    _sign_in(page, app_server, "evaluator")
    page.get_by_role("tab", name="Evaluate").click()
    suites = page.locator("#eval-suites")
    for label in suites.locator("label").all():
        box = label.locator("input")
        wanted = label.inner_text().strip() == "bad_input"
        if box.is_checked() != wanted:
            box.click()
    page.locator("#eval-run").click()
    expect(page.locator("#eval-status")).to_contain_text("finished", timeout=300_000)
    expect(page.locator("#eval-summary")).to_contain_text(re.compile(r"conversations"))
    assert page.locator("#eval-report iframe[sandbox]").count() == 1
    _shot(page, "evaluator-run")
