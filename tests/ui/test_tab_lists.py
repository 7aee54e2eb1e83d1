"""The tabs' handlers called directly, on the page ``build_blocks`` makes over a real SQLite
store: a brief saved in Prepare is handed to Session (client, school year, needs), a school
year that is not known stays empty, needs read as words, every list is loaded when the page
loads and its tab opens, and a supervisor's comment count is brought up to date at once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import gradio as gr
import pytest
from argon2 import PasswordHasher

from guidance_assistant.config import get_settings
from guidance_assistant.interview.model import NEEDS
from guidance_assistant.interview.state import SessionState
from guidance_assistant.store import Store, accounts
from guidance_assistant.ui.app import build_blocks
from guidance_assistant.ui.context import AppContext
from guidance_assistant.ui.render import need_words, year_words
from tests.interview.helpers import StubKnowledge
from tests.store.helpers import make_practice

PASSWORD = "correct horse battery"
SKIP = gr.skip()


@dataclass
class Page:
    demo: gr.Blocks
    store: Store
    users: dict[str, Any]

    def handler(self, name: str, first_input: str | None = None) -> Callable[..., Any]:
        """The handler called ``name`` (whose first input has ``first_input`` as its id)."""
        found = [
            fn
            for fn in self.demo.fns.values()
            if fn.name == name
            and (first_input is None or (fn.inputs and fn.inputs[0].elem_id == first_input))
        ]
        assert found, f"no handler {name} on {first_input}"
        return found[0].fn  # type: ignore[no-any-return]

    def component(self, elem_id: str) -> Any:
        [found] = [b for b in self.demo.blocks.values() if getattr(b, "elem_id", None) == elem_id]
        return found


def _as(username: str) -> gr.Request:
    return gr.Request(username=username)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    patch = pytest.MonkeyPatch()  # cheap password hashes: the accounts are made, not guessed
    patch.setattr(accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024))
    settings = get_settings(data_dir=tmp_path_factory.mktemp("tabs") / "data", extra_sources=[])
    store = Store(settings)
    password = store.ensure_admin()
    assert password is not None
    admin = store.authenticate("admin", password)
    users = {"admin": admin}
    for name, role, supervisor in [
        ("alice", "adviser", None),
        ("bob", "adviser", None),
        ("sue", "supervisor", None),
        ("tom", "trainee", "sue"),
        ("eve", "evaluator", None),
    ]:
        users[name] = store.add_user(admin, name, PASSWORD, role, supervisor=supervisor)
    ctx = AppContext(settings=settings, store=store, knowledge=StubKnowledge())
    try:
        yield Page(build_blocks(ctx), store, users)
    finally:
        store.close()
        patch.undo()


def _prepare_and_save(page: Page, notes: str, reference: str) -> tuple[str, Any, int]:
    """Prepare a brief from ``notes`` as alice and save it to a new client ``reference``: the
    save's message, what it hands over, and the client's id."""
    status, _shown, markdown, profile = page.handler("run", "prep-notes")(notes, _as("alice"))
    assert status == "" and markdown.startswith("# Preparation brief")
    status, added, _ = page.handler("add_client", "prep-new-ref")(reference, _as("alice"))
    assert "Added client" in status
    client_id = added["value"]
    status, handed = page.handler("save_brief")(client_id, markdown, profile, _as("alice"))
    return status, handed, client_id


def test_a_brief_saved_in_prepare_chooses_its_client_year_and_needs_in_session(
    page: Page,
) -> None:
    notes = "Year 10, EAL (speaks Polish at home), young carer for her mum, likes maths."
    status, handed, client_id = _prepare_and_save(page, notes, "HAND-1")
    assert "Brief" in status and "saved" in status
    assert "Year 10" in status and "Young carer" in status and "English as an" in status
    chosen, year, needs = page.handler("take_over")(handed, _as("alice"))
    assert chosen["value"] == client_id
    assert (("HAND-1", client_id)) in chosen["choices"]
    assert year == 10
    assert sorted(needs) == ["eal", "young_carer"]  # stored as ids, shown in words


def test_a_brief_without_a_school_year_leaves_it_empty_in_session(page: Page) -> None:
    status, handed, _ = _prepare_and_save(page, "Likes animals, has an EHCP and EAL.", "HAND-2")
    assert "school year: not known" in status and "Year 0" not in status
    assert handed["year_group"] is None
    _, year, needs = page.handler("take_over")(handed, _as("alice"))
    assert dict(page.component("session-year").choices)["not known"] == year
    assert sorted(needs) == ["eal", "ehcp", "send"]  # an EHC plan is a special educational need


def test_a_failed_save_hands_nothing_over(page: Page) -> None:
    _, _, markdown, profile = page.handler("run", "prep-notes")("Year 9, likes art", _as("alice"))
    save = page.handler("save_brief")
    status, handed = save(None, markdown, profile, _as("alice"))
    assert "Choose or add a client" in status and handed is None
    status, handed = save(10**6, markdown, profile, _as("alice"))  # no such client
    assert status.startswith("**") and handed is None  # not the last brief's hand-over again
    assert page.handler("take_over")(handed, _as("alice")) == (SKIP, SKIP, SKIP)


def test_the_year_field_is_empty_when_not_known_and_needs_read_as_words(page: Page) -> None:
    year = page.component("session-year")
    years = dict((value, label) for label, value in year.choices)
    assert years[year.value] == "not known"  # never 0, as Gradio's number field would show it
    assert all(label == f"Year {value}" for value, label in years.items() if value)
    assert sorted(value for value in years if value) == list(range(1, 15))
    assert [year_words(y) for y in (None, 0, 11)] == ["not known", "not known", "Year 11"]
    for prefix in ("supervise", "review-practice"):  # a comment's turn: 0 is the whole session
        turn = page.component(f"{prefix}-turn")
        assert turn.value == 0 and "0: the whole session" in turn.label
    choices = page.component("session-needs").choices
    assert [value for _, value in choices] == list(NEEDS)
    for label, value in choices:
        assert "_" not in label and label[0].isupper() and label == need_words(value)
    assert dict((v, k) for k, v in choices)["eal"] == "English as an additional language (EAL)"
    assert need_words("young_carer") == "Young carer"


LISTS = {
    "prep-client": "Prepare",
    "session-client": "Session",
    "session-interrupted": "Session",
    "supervise-pick": "Practice",
    "review-pick": "Review",
    "review-practice-pick": "Review",
    "eval-a": "Evaluate",
    "eval-b": "Evaluate",
}


@pytest.mark.parametrize("elem_id", sorted(LISTS))
def test_every_list_loads_with_the_page_and_when_its_tab_opens(page: Page, elem_id: str) -> None:
    dropdown = page.component(elem_id)
    triggers = {
        (page.demo.blocks.get(block_id), event)  # the page itself is not among its blocks
        for fn in page.demo.fns.values()
        if dropdown in fn.outputs
        for block_id, event in fn.targets
    }
    assert any(event == "load" for _, event in triggers), elem_id
    tabs = [block.label for block, event in triggers if event == "select"]
    assert tabs == [LISTS[elem_id]], (elem_id, tabs)


def test_a_client_added_in_prepare_is_in_sessions_list_when_it_opens(page: Page) -> None:
    _, added, _ = page.handler("add_client", "prep-new-ref")("LIST-1", _as("alice"))
    reload = page.handler("reload_lists", "session-client")
    clients, _interrupted = reload(None, None, _as("alice"))
    assert ("LIST-1", added["value"]) in clients["choices"] and "value" not in clients
    others, _ = reload(None, None, _as("bob"))
    assert all(label != "LIST-1" for label, _ in others["choices"])


def test_a_list_keeps_the_choice_and_drops_a_deleted_one(page: Page) -> None:
    alice = page.users["alice"]
    kept = page.store.create_client(alice, "KEEP-1").id
    doomed = page.store.create_client(alice, "GONE-1").id
    reload = page.handler("reload_clients", "prep-client")
    assert "value" not in reload(kept, _as("alice"))  # the choice stands
    page.store.delete_client(alice, doomed)
    cleared = reload(doomed, _as("alice"))
    assert cleared["value"] is None and all(v != doomed for _, v in cleared["choices"])


def test_review_lists_stored_sessions_before_any_search(page: Page) -> None:
    alice = page.users["alice"]
    client_id = page.store.create_client(alice, "REVIEW-1").id
    state = SessionState(session_date=date(2026, 12, 5), stage="options_and_challenge")
    session_id = page.store.save_guidance_session(alice, client_id, state)
    reload = page.handler("reload", "review-query")
    listed = reload("", None, _as("alice"))
    labels = dict((v, k) for k, v in listed["choices"])
    assert "REVIEW-1" in labels[session_id] and "Options and challenge" in labels[session_id]
    assert "options_and_challenge" not in labels[session_id]
    theirs = reload("", None, _as("bob"))
    assert all(value != session_id for _, value in theirs["choices"])
    assert reload("", None, _as("tom")) == SKIP  # trainees have no guidance sessions


def test_the_comment_count_is_brought_up_to_date_when_a_comment_is_added(page: Page) -> None:
    practice_id = page.store.save_practice_session(
        page.users["tom"], make_practice(["What would you like to talk about today?"])
    )
    fns = list(page.demo.fns.values())
    [comment] = [fn for fn in fns if fn.api_name == "supervise_comment"]
    [after] = [fn for fn in fns if fn.trigger_after == fns.index(comment)]
    listed = page.handler("reload", "supervise-filter")("", None, _as("sue"))
    label = dict((v, k) for k, v in listed["choices"])[practice_id]
    assert "1 turn ·" in label and label.endswith("0 comments")
    status, _report, _ = comment.fn(practice_id, None, "Good open question", _as("sue"))
    assert "Comment added" in status
    refreshed = after.fn("", practice_id, _as("sue"))
    assert dict((v, k) for k, v in refreshed["choices"])[practice_id].endswith("1 comment")
    assert "value" not in refreshed  # the session being read stays chosen


def test_stored_runs_are_listed_for_evaluators_only(page: Page) -> None:
    reload = page.handler("reload", "eval-a")
    first, second = reload(None, None, _as("eve"))
    assert first["choices"] == [] and second["choices"] == []
    assert reload(None, None, _as("alice")) == (SKIP, SKIP)
    assert reload(None, None, gr.Request()) == (SKIP, SKIP)  # not signed in


def test_the_page_loads_only_what_a_role_may_see(page: Page) -> None:
    clients, interrupted = page.handler("reload_lists", "session-client")(None, None, _as("tom"))
    assert clients["choices"] == [] and interrupted["choices"] == []
    supervised = page.handler("reload", "supervise-filter")("", None, _as("alice"))
    assert supervised["choices"] == []
