"""The client's words keep every letter: on their way into the stored session, the action plan's
steps, the summary and the exports (Markdown and PDF), only the matching views fold them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from guidance_assistant.config import Settings
from guidance_assistant.interview import GuidanceSession, open_session
from guidance_assistant.store import Store
from guidance_assistant.text.clean import analysis_view, as_typed, normalise_for_matching
from tests.interview.helpers import TO_PLANNING, StubKnowledge

TODAY = date(2026, 3, 10)
STEP = "Email Łukasz Nguyễn at the college"


def _play(step_message: str) -> GuidanceSession:
    session = open_session({"name": "Şükrü"}, knowledge=StubKnowledge(), seed=0, today=TODAY)
    session.opening()
    for message in [*TO_PLANNING, step_message, "no that's it", "yes", "in a month"]:
        session.reply(message)
    return session


@pytest.fixture(scope="module")
def planned() -> GuidanceSession:
    return _play("I'll email Łukasz Nguyễn at the college by Friday")


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_the_agreed_step_keeps_its_letters_in_the_plan_markdown_and_pdf(
    planned: GuidanceSession, tmp_path: Path
) -> None:
    steps = [(a.what, a.when) for a in planned.state.actions]
    assert steps == [("email Łukasz Nguyễn at the college", date(2026, 3, 13))]
    plan = planned.action_plan()
    assert [item.what for item in plan.items] == ["email Łukasz Nguyễn at the college"]
    markdown = plan.to_markdown()
    assert f"| {STEP} | You | Friday 13 March 2026 |" in markdown
    assert "plan – Şükrü" in markdown
    text = " ".join(_pdf_text(plan.to_pdf(tmp_path / "plan.pdf")).split())
    assert f"1. {STEP}" in text and "Şükrü" in text
    # what the adviser said back, and the summary, carry the same letters
    said = [e.text for e in planned.state.transcript if e.speaker == "adviser"]
    assert any("you'll email Łukasz Nguyễn at the college" in t for t in said)
    assert "email Łukasz Nguyễn at the college" in planned.summary()
    assert "Łukasz Nguyễn" in planned.state.actions[0].source_text


def test_the_step_survives_the_database_and_a_json_round_trip(
    planned: GuidanceSession, make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    store = Store(make_settings(database_url=f"sqlite:///{tmp_path / 'guidance.db'}"))
    try:
        password = store.ensure_admin()
        assert password is not None
        admin = store.authenticate("admin", password)
        adviser = store.add_user(admin, "alice", "a long enough password 1", "adviser")
        client = store.create_client(adviser, "client-1")
        session_id = store.save_guidance_session(adviser, client.id, planned)
        restored = store.load_guidance_session(adviser, session_id, knowledge=StubKnowledge())
    finally:
        store.close()
    assert f"| {STEP} |" in restored.action_plan().to_markdown()
    again = GuidanceSession.from_json(planned.to_json(), knowledge=StubKnowledge())
    assert again.state.actions[0].what == "email Łukasz Nguyễn at the college"


def test_a_name_in_arabic_script_stays_in_the_step() -> None:
    session = _play("I'll email محمد at the college by Friday")
    assert [a.what for a in session.state.actions] == ["email محمد at the college"]
    assert "| Email محمد at the college |" in session.action_plan().to_markdown()


def test_facts_and_reflections_keep_accents() -> None:
    session = open_session(None, knowledge=StubKnowledge(), seed=0, today=TODAY)
    session.opening()
    for message in TO_PLANNING[:3]:
        session.reply(message)
    turn = session.reply("I love baking in Zoë's café")
    assert "Zoë's café" in turn.text
    gists = [f.gist for facts in session.state.facts.values() for f in facts]
    assert any("Zoë's café" in gist for gist in gists), gists


@pytest.mark.parametrize(
    ("phrase", "typed", "expected"),
    [
        ("email ukasz nguyen at the college", "I'll email Łukasz Nguyễn at the college.", None),
        ("talk to", "I'll talk to محمد by Friday", "talk to محمد"),
        ("email the client the form", "Please email me the form!", "email the client the form"),
        (
            "look at college open days",
            "I'll look at College open days.",
            "look at College open days",
        ),
        ("visit", "I'll visit 😀", "visit"),
    ],
)
def test_a_matching_phrase_is_mapped_back_to_the_words_as_typed(
    phrase: str, typed: str, expected: str | None
) -> None:
    assert normalise_for_matching(phrase) == phrase  # the phrases are matching views
    assert as_typed(phrase, typed) == (expected or "email Łukasz Nguyễn at the college")


def test_only_the_matching_view_folds() -> None:
    typed = "Şükrü’s café… ｗｉｔｈ Łukasz"
    assert analysis_view(typed) == "Şükrü's café... with Łukasz"
    assert normalise_for_matching(typed) == "sukrus cafe... with ukasz"
