"""The app as a person uses it, in a real (headless) Chromium: Debian's ``/usr/bin/chromium``
driven by Playwright. Screenshots are kept in ``test-artifacts/``."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx
import pytest

from tests.interview.helpers import TO_PLANNING
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
ATTACK = "<img src=x onerror=alert(1)>"

SCRIPT = [*TO_PLANNING, "I'll look at college open evenings by Friday"]


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


def _collect_dialogs(page: Any) -> list[str]:
    """Every alert the page raises (HTML run as code would raise one), dismissed."""
    alerts: list[str] = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    return alerts


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
    with page.expect_download() as download:
        page.locator("#session-files a").filter(has_text=".md").click()
    plan = Path(download.value.path()).read_text(encoding="utf-8")
    assert "careers action plan" in plan and "open evenings" in plan
    href = str(page.locator("#session-files a").first.get_attribute("href"))
    assert httpx.get(urljoin(page.url, href)).status_code == 401  # the link alone is not enough

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
    alerts = _collect_dialogs(page)
    _say(page, "practice-message", "What would you like to talk about today?")
    expect(page.locator("#practice-tip")).to_contain_text("Tip:")
    _say(page, "practice-message", f"So you're not sure what to do after Year 11? {ATTACK}")
    page.locator("#practice-finish").click()
    expect(page.locator("#practice-report")).to_contain_text("Targets")
    page.locator("#practice-save").click()
    expect(page.locator("#practice-status")).to_contain_text("saved")
    practice_id = re.search(r"session (\d+) saved", page.locator("#practice-status").inner_text())
    assert practice_id
    _shot(page, "trainee-practice")

    page.get_by_role("tab", name="Review").click()
    page.locator("#review-practice-list").click()
    expect(page.locator("#review-practice-status")).to_contain_text("practice session(s)")
    _field(page, "review-practice-pick").click()
    page.get_by_role("option").filter(has_text=f"#{practice_id.group(1)} ").click()
    report = page.locator("#review-practice-report")
    expect(report).to_contain_text("So you're not sure what to do after Year 11?")
    assert report.locator("img[src=x]").count() == 0  # the practice drops the tag; never run
    expect(page.locator("#review-practice-add-comment")).to_be_hidden()  # supervisors comment
    page.locator("#review-practice-confirm input").check()
    page.locator("#review-practice-delete").click()
    expect(page.locator("#review-practice-status")).to_contain_text("deleted")
    expect(report).not_to_contain_text("Targets")
    _field(page, "review-practice-pick").click()
    expect(page.get_by_role("option").filter(has_text=f"#{practice_id.group(1)} ")).to_have_count(0)
    expect(page.locator("#review-practice-status")).to_contain_text("deleted")  # still shown
    _shot(page, "trainee-practice-deleted")
    assert alerts == []


def _run_small_suite(page: Any, after: str | None = None) -> str:
    """Run the chosen suites and wait for a run other than ``after`` to finish; its id."""
    from playwright.sync_api import expect

    status = page.locator("#eval-status")
    page.locator("#eval-run").click()
    other = "" if after is None else f"(?!{re.escape(after)} )"
    expect(status).to_contain_text(re.compile(rf"Run {other}\S+ finished"), timeout=300_000)
    found = re.search(r"Run (\S+) finished", status.inner_text())
    assert found
    return found.group(1)


def _assert_stored_with_results(app_server: AppServer, run_id: str) -> None:
    """The app stored the run with every result, so `eval report RUN_ID` works from the CLI."""
    from guidance_assistant.config import get_settings
    from guidance_assistant.evals.persist import load_run
    from guidance_assistant.store import Store

    with Store(get_settings(data_dir=app_server.data_dir)) as store:
        evaluator = store.signed_in_user("evaluator")
        assert evaluator is not None
        stored = load_run(store, evaluator, run_id)
    assert stored.results and stored.header.agreement


def _choose(page: Any, elem_id: str, text: str) -> None:
    _field(page, elem_id).click()
    page.locator(f"#{elem_id}").get_by_role("option").filter(has_text=text).click()


def test_evaluator_runs_a_small_suite_twice_and_compares(page: Any, app_server: AppServer) -> None:
    from playwright.sync_api import expect

    _sign_in(page, app_server, "evaluator")
    page.get_by_role("tab", name="Evaluate").click()
    suites = page.locator("#eval-suites")
    for label in suites.locator("label").all():
        box = label.locator("input")
        wanted = label.inner_text().strip() == "bad_input"
        if box.is_checked() != wanted:
            box.click()
    first = _run_small_suite(page)
    expect(page.locator("#eval-summary")).to_contain_text(re.compile(r"conversations"))
    expect(page.locator("#eval-summary")).to_contain_text("Agreement of scorers")
    _assert_stored_with_results(app_server, first)
    assert page.locator("#eval-report iframe[sandbox]").count() == 1
    expect(page.locator("#eval-files")).to_contain_text(f"{first}.html")
    _shot(page, "evaluator-run")
    second = _run_small_suite(page, after=first)
    _choose(page, "eval-a", first)
    _choose(page, "eval-b", second)
    page.locator("#eval-compare").click()
    comparison = page.locator("#eval-comparison")
    expect(comparison).to_contain_text(f"Comparing run {second} against {first}")
    expect(comparison).to_contain_text(re.compile(r"scorer\s+A\s+B\s+change"))
    rows = re.findall(
        r"^\S+\s+\d\.\d{3}\s+\d\.\d{3}\s+[+-]\d\.\d{3}", comparison.inner_text(), re.M
    )
    assert rows, comparison.inner_text()  # one line per scorer: A, B and the change
    expect(page.locator("#eval-status")).to_contain_text("No regression")
    _shot(page, "evaluator-compare")


def test_adviser_prepares_a_brief_and_saves_it_to_a_client(
    page: Any, app_server: AppServer, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    from guidance_assistant.config import get_settings
    from guidance_assistant.store import Store

    alerts = _collect_dialogs(page)
    _sign_in(page, app_server, "adviser")
    page.get_by_role("tab", name="Prepare").click()
    uploaded = tmp_path / "notes-prep-browser.txt"
    uploaded.write_text("Year 10, likes animals, thinking about vet nursing.", encoding="utf-8")
    page.locator("#prep-upload input[type=file]").set_input_files(str(uploaded))
    expect(_field(page, "prep-notes")).to_have_value(uploaded.read_text(encoding="utf-8"))
    cache = app_server.data_dir / "uploads"
    assert cache.is_dir() and not list(cache.rglob(uploaded.name))  # no copy left behind
    # GRADIO_TEMP_DIR (set by the fixture) is ignored for uploads; Gradio makes an empty
    # folder of its own there at import (vibe_edit_history), never a copy of an upload.
    assert not list((app_server.data_dir / "gradio-cache").rglob(uploaded.name))
    _field(page, "prep-notes").fill(  # notes pasted over the uploaded ones
        f"Year 11, wants to be a paramedic, worried about exams. {ATTACK}"
    )
    page.locator("#prep-run").click()
    brief = page.locator("#prep-brief")
    expect(brief).to_contain_text("Preparation brief")
    expect(brief).to_contain_text("Paramedic")
    pay = re.compile(r"£[\d,]+ a year \(National Careers Service job profile, \d{4}\)")
    expect(brief).to_contain_text(pay)  # an LMI figure with its source
    expect(brief).to_contain_text("Source: Paramedic")
    assert brief.locator("img[src=x]").count() == 0
    _field(page, "prep-new-ref").fill("PREP-BROWSER")
    page.locator("#prep-add-client").click()
    expect(page.locator("#prep-status")).to_contain_text("Added client")
    page.locator("#prep-save").click()
    expect(page.locator("#prep-status")).to_contain_text(re.compile(r"Brief \d+ saved"))
    _shot(page, "adviser-prepare")
    assert alerts == []

    with Store(get_settings(data_dir=app_server.data_dir)) as store:
        admin = store.authenticate("admin", app_server.admin_password)
        [client] = [c for c in store.list_clients(admin) if c.reference == "PREP-BROWSER"]
        [saved] = store.list_briefs(admin, client.id)
    assert "# Preparation brief" in saved.markdown and pay.search(saved.markdown)


def test_admin_adds_a_document_reindexes_and_finds_it(
    page: Any, app_server: AppServer, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    document = tmp_path / "quillington-zorblax.md"
    document.write_text(
        "# Zorblax technician apprenticeships in Quillington\n\n"
        "The Quillington Zorblax Works takes Year 11 leavers as zorblax technician apprentices "
        f"every September. {ATTACK} <script>alert(2)</script>\n",
        encoding="utf-8",
    )
    alerts = _collect_dialogs(page)
    _sign_in(page, app_server, "admin")
    page.get_by_role("tab", name="Knowledge").click()
    page.locator("#kb-uploads input[type=file]").set_input_files(str(document))
    expect(page.locator("#kb-uploads")).to_contain_text(document.name)
    page.locator("#kb-add").click()
    status = page.locator("#kb-status")
    expect(status).to_contain_text("1 added")
    assert not list((app_server.data_dir / "uploads").rglob(document.name))  # moved, not copied
    assert (app_server.data_dir / "documents" / document.name).is_file()
    page.locator("#kb-reindex").click()
    expect(status).to_contain_text(re.compile(r"\d+ unchanged.*\(\d+ passages\)"))
    _field(page, "question").fill("zorblax technician apprenticeships Quillington")
    page.locator("#search").click()
    results = page.locator("#results")
    expect(results).to_contain_text("1. Zorblax technician apprenticeships in Quillington")
    expect(results).to_contain_text(document.name)  # its source
    expect(results).to_contain_text(ATTACK)  # the document's HTML, as text
    assert results.locator("img[src=x]").count() == 0
    assert results.locator("script").count() == 0
    _shot(page, "admin-knowledge")
    page.wait_for_timeout(300)
    assert alerts == []
