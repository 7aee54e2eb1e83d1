"""The first ten minutes of an adviser, in a real Chromium against the real app: a brief
prepared from notes and saved to a new client is waiting in Session (the client chosen, the
school year and needs filled in) with no reload; a school year the notes do not give is empty,
never 0; needs read as words; lists are there when a tab opens; and a supervisor's comment
count changes as soon as the comment is added."""

from __future__ import annotations

import re
from typing import Any

import pytest

from guidance_assistant.interview.model import NEEDS
from tests.ui.conftest import AppServer
from tests.ui.test_browser import WAIT, _field, _shot, _sign_in, browser  # noqa: F401

pytestmark = pytest.mark.slow


@pytest.fixture
def page(browser: Any) -> Any:  # noqa: F811
    browser.clear_cookies()
    opened = browser.new_page()
    opened.set_default_timeout(WAIT)
    yield opened
    opened.close()


def _prepare_and_save(page: Any, notes: str, reference: str, shows: str) -> None:
    """In Prepare: a brief from ``notes``, saved to a new client ``reference`` once the brief
    shows ``shows`` (words of this brief, not of one prepared before)."""
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Prepare").click()
    _field(page, "prep-notes").fill(notes)
    page.locator("#prep-run").click()
    expect(page.locator("#prep-brief")).to_contain_text(shows)
    _field(page, "prep-new-ref").fill(reference)
    page.locator("#prep-add-client").click()
    expect(page.locator("#prep-status")).to_contain_text(f"Added client {reference}")
    page.locator("#prep-save").click()
    expect(page.locator("#prep-status")).to_contain_text(re.compile(r"Brief \d+ saved"))


def _need(page: Any, words: str) -> Any:
    return page.locator("#session-needs").get_by_label(words, exact=True)


def test_a_prepared_brief_is_waiting_in_session_without_a_reload(
    page: Any, app_server: AppServer
) -> None:
    from playwright.sync_api import expect

    _sign_in(page, app_server, "adviser")
    loaded = page.url
    page.get_by_role("tab", name="Session").click()
    expect(_field(page, "session-year")).to_have_value("not known")  # before any brief: never 0
    _prepare_and_save(
        page,
        "Year 10, EAL (speaks Polish at home), young carer for her mum, likes maths and "
        "wants to be an accountant.",
        "HANDOVER-1",
        "English as an additional language",
    )
    page.get_by_role("tab", name="Session").click()
    expect(_field(page, "session-client")).to_have_value("HANDOVER-1")
    year = _field(page, "session-year")
    expect(year).to_have_value("Year 10")
    expect(_need(page, "English as an additional language (EAL)")).to_be_checked()
    expect(_need(page, "Young carer")).to_be_checked()
    expect(_need(page, "Education, health and care plan (EHCP)")).not_to_be_checked()
    labels = page.locator("#session-needs label").all_inner_texts()
    assert len(labels) == len(NEEDS) and not [label for label in labels if "_" in label], labels
    _shot(page, "handover-session")
    page.locator("#session-start").click()
    expect(page.locator("#session-status")).to_contain_text("started")

    # Notes without a school year: the year is "not known", never 0.
    _prepare_and_save(
        page,
        "Likes animals and drawing, has an EHCP.",
        "HANDOVER-2",
        "An education, health and care plan (EHCP)",
    )
    expect(page.locator("#prep-status")).to_contain_text("school year: not known")
    page.get_by_role("tab", name="Session").click()
    expect(_field(page, "session-client")).to_have_value("HANDOVER-2")
    expect(year).to_have_value("not known")
    expect(_need(page, "Education, health and care plan (EHCP)")).to_be_checked()
    expect(_need(page, "Young carer")).not_to_be_checked()
    _shot(page, "handover-no-year")
    assert page.url == loaded  # the same page all along: nothing was reloaded

    # The first client is still in Session's list, and the session started is in Review's.
    _field(page, "session-client").click()
    expect(page.get_by_role("option", name="HANDOVER-1", exact=True)).to_have_count(1)
    page.keyboard.press("Escape")
    page.get_by_role("tab", name="Review").click()
    _field(page, "review-pick").click()  # no search pressed
    expect(page.get_by_role("option").filter(has_text="HANDOVER-1")).to_have_count(1)
    assert page.locator("#review-pick input").input_value() == ""


def test_a_supervisors_comment_count_updates_when_the_comment_is_added(
    page: Any, app_server: AppServer
) -> None:
    from playwright.sync_api import expect

    trainee = app_server.client("trainee")
    trainee.predict("year11-undecided", 0, api_name="/start_practice")
    trainee.predict("What would you like to talk about today?", api_name="/practice_say")
    saved = trainee.predict(api_name="/save_practice")
    practice_id = int(saved.split("session ")[1].split()[0])

    _sign_in(page, app_server, "supervisor")
    page.get_by_role("tab", name="Practice").click()
    _field(page, "supervise-pick").click()  # listed without pressing "List practice sessions"
    page.get_by_role("option").filter(has_text=f"#{practice_id} ").click()
    chosen = _field(page, "supervise-pick")
    expect(chosen).to_have_value(re.compile(rf"^#{practice_id} .* 0 comments$"))
    _field(page, "supervise-comment").fill("Good open question to start.")
    page.locator("#supervise-add-comment").click()
    expect(page.locator("#supervise-status")).to_contain_text("Comment added")
    expect(chosen).to_have_value(re.compile(rf"^#{practice_id} .* 1 comment$"))
    expect(page.locator("#supervise-report")).to_contain_text("Good open question to start.")
    _field(page, "supervise-comment").fill("And a reflection at turn 1.")
    page.locator("#supervise-add-comment").click()
    expect(chosen).to_have_value(re.compile(rf"^#{practice_id} .* 2 comments$"))
    _shot(page, "supervisor-comment-count")
