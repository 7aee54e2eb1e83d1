"""Passwords, the first-run admin, and every permission rule (allowed and denied)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.practice.client import Prediction
from guidance_assistant.practice.session import PracticeSession
from guidance_assistant.store import (
    AccountError,
    AuthenticationError,
    PermissionDeniedError,
    Store,
    User,
    add_user,
    authenticate,
    ensure_admin,
    hash_password,
    verify_password,
)
from guidance_assistant.store.services import EvalResultView

from .conftest import PASSWORD, People
from .helpers import make_state

# -- passwords and accounts ------------------------------------------------------------------


def test_passwords_are_argon2_hashes() -> None:
    hashed = hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$") and PASSWORD not in hashed
    assert hash_password(PASSWORD) != hashed  # salted
    assert verify_password(hashed, PASSWORD)
    assert not verify_password(hashed, PASSWORD + "x")
    assert not verify_password("not a hash", PASSWORD)


def test_password_is_not_stored_in_clear(store: Store, people: People) -> None:
    with store.engine.connect() as connection:
        stored = connection.execute(
            text("SELECT password_hash FROM users WHERE username = 'alice'")
        ).scalar_one()
        everything = str(connection.execute(text("SELECT * FROM users")).all())
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in everything


def test_authenticate(store: Store, people: People) -> None:
    assert store.authenticate("alice", PASSWORD).id == people.adviser.id
    with pytest.raises(AuthenticationError, match="Wrong user name or password"):
        store.authenticate("alice", "wrong password!!")
    with pytest.raises(AuthenticationError, match="Wrong user name or password"):
        store.authenticate("nobody", PASSWORD)


def test_account_rules(store: Store, people: People) -> None:
    with pytest.raises(AccountError, match="taken"):
        store.add_user(people.admin, "alice", PASSWORD, "adviser")
    with pytest.raises(AccountError, match="too short"):
        store.add_user(people.admin, "carol", "short", "adviser")
    with pytest.raises(AccountError, match="Unknown role"):
        store.add_user(people.admin, "carol", PASSWORD, "wizard")
    with pytest.raises(AccountError, match="no supervisor"):
        store.add_user(people.admin, "carol", PASSWORD, "trainee", supervisor="alice")


def test_first_run_admin(store: Store) -> None:
    password = store.ensure_admin()
    assert password is not None and len(password) >= 16
    admin = store.authenticate("admin", password)
    assert admin.role == "admin"
    assert store.ensure_admin() is None  # only once, while no users exist


def test_cli_functions(make_settings: Callable[..., Any], database_url: str) -> None:
    settings = make_settings(database_url=database_url)
    password = ensure_admin(settings=settings)
    assert password is not None
    assert ensure_admin(settings=settings) is None
    user = add_user("dana", PASSWORD, "supervisor", display_name="Dana", settings=settings)
    assert (user.username, user.role) == ("dana", "supervisor")
    add_user("tess", PASSWORD, "trainee", supervisor="dana", settings=settings)
    assert authenticate("tess", PASSWORD, settings=settings).supervisor_id == user.id
    with pytest.raises(AuthenticationError):
        authenticate("tess", "wrong-password", settings=settings)


def test_deactivated_accounts_can_do_nothing(store: Store, people: People) -> None:
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE users SET active = false WHERE username = 'alice'"))
    with pytest.raises(PermissionDeniedError):
        store.list_clients(people.adviser)
    with pytest.raises(AuthenticationError):
        store.authenticate("alice", PASSWORD)


def test_permission_error_is_a_plain_guidance_error() -> None:
    assert issubclass(PermissionDeniedError, GuidanceAssistantError)


# -- users ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["adviser", "trainee", "supervisor", "evaluator"])
def test_only_admins_add_users(store: Store, people: People, who: str) -> None:
    actor: User = getattr(people, who)
    with pytest.raises(PermissionDeniedError, match="Only admins can add users"):
        store.add_user(actor, "mallory", PASSWORD, "admin")
    with pytest.raises(PermissionDeniedError):
        store.set_supervisor(actor, "tom", "sam")
    with pytest.raises(PermissionDeniedError):
        store.list_users(actor)
    assert store.add_user(people.admin, "mallory", PASSWORD, "adviser").role == "adviser"
    assert "mallory" in [u.username for u in store.list_users(people.admin)]


# -- clients and guidance sessions -------------------------------------------------------------


def test_advisers_only_reach_their_own_clients(store: Store, people: People) -> None:
    mine = store.create_client(people.adviser, "MINE")
    theirs = store.create_client(people.other_adviser, "THEIRS")
    session_id = store.save_guidance_session(people.other_adviser, theirs.id, make_state(2))
    own_session = store.save_guidance_session(people.adviser, mine.id, make_state(2))

    # allowed: own clients and sessions
    assert [c.reference for c in store.list_clients(people.adviser)] == ["MINE"]
    assert store.get_client(people.adviser, mine.id).reference == "MINE"
    assert store.load_session_state(people.adviser, own_session).seed == 3
    assert store.session_client_id(people.adviser, own_session) == mine.id
    store.save_brief(people.adviser, mine.id, "# ok")
    assert store.export_client(people.adviser, mine.id)["client"]["reference"] == "MINE"

    # denied: another adviser's
    denied: list[Callable[[], object]] = [
        lambda: store.get_client(people.adviser, theirs.id),
        lambda: store.load_session_state(people.adviser, session_id),
        lambda: store.session_client_id(people.adviser, session_id),
        lambda: store.load_guidance_session(people.adviser, session_id),
        lambda: store.save_guidance_session(people.adviser, theirs.id, make_state(1)),
        lambda: store.save_guidance_session(
            people.adviser, theirs.id, make_state(3), session_id=session_id
        ),
        lambda: store.append_turn(people.adviser, session_id, make_state(1).transcript[0]),
        lambda: store.recorder(people.adviser, session_id),
        lambda: store.delete_session(people.adviser, session_id),
        lambda: store.delete_client(people.adviser, theirs.id),
        lambda: store.export_client(people.adviser, theirs.id),
        lambda: store.save_brief(people.adviser, theirs.id, "# no"),
        lambda: store.list_briefs(people.adviser, theirs.id),
        lambda: store.list_sessions(people.adviser, client_id=theirs.id),
    ]
    for action in denied:
        with pytest.raises(PermissionDeniedError, match="another adviser"):
            action()
    assert store.search_sessions(people.adviser, client_reference="THEIRS") == []
    # still all there
    assert len(store.list_sessions(people.other_adviser)) == 1
    # admins reach every client
    assert {c.reference for c in store.list_clients(people.admin)} == {"MINE", "THEIRS"}
    assert store.load_session_state(people.admin, session_id).seed == 3
    assert store.session_client_id(people.admin, session_id) == theirs.id
    store.delete_session(people.adviser, own_session)
    assert store.list_sessions(people.adviser) == []


@pytest.mark.parametrize("who", ["trainee", "supervisor", "evaluator"])
def test_other_roles_cannot_see_clients(store: Store, people: People, who: str) -> None:
    client = store.create_client(people.adviser, "C1")
    actor: User = getattr(people, who)
    with pytest.raises(PermissionDeniedError, match="Only advisers or admins"):
        store.create_client(actor, "X")
    with pytest.raises(PermissionDeniedError):
        store.list_clients(actor)
    with pytest.raises(PermissionDeniedError):
        store.get_client(actor, client.id)
    with pytest.raises(PermissionDeniedError):
        store.search_sessions(actor, "anything")


# -- practice ----------------------------------------------------------------------------------


def _practice(turns: int = 2) -> PracticeSession:
    session = PracticeSession("year11-undecided", skill_of=lambda _: Prediction("open_question"))
    for message in ["What would you like to talk about?", "How do you feel about school?"][:turns]:
        session.say(message)
    return session


def test_practice_rules(store: Store, people: People) -> None:
    practice = _practice()
    practice.add_comment("Self-review: slow down", author="tom")
    mine = store.save_practice_session(people.trainee, practice)
    other = store.save_practice_session(people.other_trainee, _practice(1))

    # the trainee sees their own, not another trainee's
    view = store.get_practice_session(people.trainee, mine)
    assert view.persona_id == "year11-undecided" and len(view.records) == 2
    assert view.feedback is not None and view.feedback["turns"] == 2
    assert [c.text for c in view.comments] == ["Self-review: slow down"]
    assert [s.id for s in store.list_practice_sessions(people.trainee)] == [mine]
    with pytest.raises(PermissionDeniedError, match="another trainee"):
        store.get_practice_session(people.trainee, other)
    with pytest.raises(PermissionDeniedError):
        store.list_practice_sessions(people.trainee, trainee_id=people.other_trainee.id)
    with pytest.raises(PermissionDeniedError):
        store.save_practice_session(people.trainee, _practice(1), practice_id=other)
    with pytest.raises(PermissionDeniedError):
        store.add_supervisor_comment(people.trainee, mine, "I comment myself")

    # the supervisor sees and comments on their trainee's practice only
    assert [s.id for s in store.list_practice_sessions(people.supervisor)] == [mine]
    assert [u.username for u in store.list_trainees(people.supervisor)] == ["tom"]
    assert store.list_practice_sessions(people.supervisor, trainee_id=people.trainee.id)
    comment = store.add_supervisor_comment(people.supervisor, mine, "Good open question", turn=1)
    assert comment.author == "sue"
    assert store.get_practice_session(people.supervisor, mine).comments[-1].turn == 1
    assert store.list_practice_sessions(people.trainee)[0].comments == 2
    with pytest.raises(PermissionDeniedError, match="don't supervise"):
        store.get_practice_session(people.supervisor, other)
    with pytest.raises(PermissionDeniedError, match="don't supervise"):
        store.add_supervisor_comment(people.supervisor, other, "Not mine")
    with pytest.raises(PermissionDeniedError):
        store.list_practice_sessions(people.supervisor, trainee_id=people.other_trainee.id)

    # re-saving keeps the supervisor's comment and replaces the turns
    practice.say("What matters most to you in a job?")
    assert store.save_practice_session(people.trainee, practice, practice_id=mine) == mine
    view = store.get_practice_session(people.trainee, mine)
    assert len(view.records) == 3 and len(view.comments) == 2

    # advisers and evaluators see no practice; admins see all
    for outsider in (people.adviser, people.evaluator):
        with pytest.raises(PermissionDeniedError):
            store.get_practice_session(outsider, mine)
        with pytest.raises(PermissionDeniedError):
            store.list_practice_sessions(outsider)
    assert {s.id for s in store.list_practice_sessions(people.admin)} == {mine, other}
    store.add_supervisor_comment(people.admin, other, "Admin note")

    # relinking the trainee moves the supervisor's view with them
    store.set_supervisor(people.admin, "tom", "sam")
    assert store.list_practice_sessions(people.supervisor) == []
    assert {s.id for s in store.list_practice_sessions(people.other_supervisor)} == {mine, other}


def test_only_trainees_save_new_practice(store: Store, people: People) -> None:
    for actor in (people.adviser, people.supervisor, people.evaluator):
        with pytest.raises(PermissionDeniedError):
            store.save_practice_session(actor, _practice(1))


@pytest.mark.parametrize(
    ("who", "refusal"),
    [
        ("other_trainee", "another trainee"),
        ("supervisor", "Only the trainee who practised"),  # their own trainee's: read, no delete
        ("other_supervisor", "don't supervise"),
        ("adviser", "Only the trainee"),
        ("evaluator", "Only the trainee"),
    ],
)
def test_others_cannot_delete_a_practice_session(
    store: Store, people: People, who: str, refusal: str
) -> None:
    practice_id = store.save_practice_session(people.trainee, _practice(2))
    with pytest.raises(PermissionDeniedError, match=refusal):
        store.delete_practice_session(getattr(people, who), practice_id)
    assert len(store.get_practice_session(people.trainee, practice_id).records) == 2


@pytest.mark.parametrize("who", ["trainee", "admin"])
def test_the_trainee_or_an_admin_deletes_a_practice_session(
    store: Store, people: People, who: str
) -> None:
    practice_id = store.save_practice_session(people.trainee, _practice(2))
    removed = store.delete_practice_session(getattr(people, who), practice_id)
    assert removed["practice_sessions"] == 1 and removed["turns"] == 2
    assert store.list_practice_sessions(people.trainee) == []


# -- evals -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["evaluator", "admin"])
def test_evaluators_and_admins_see_eval_runs(store: Store, people: People, who: str) -> None:
    actor: User = getattr(people, who)
    result = EvalResultView("run-1", "case-a", "offline", {"grounded": 1.0}, [{"t": "hi"}])
    store.save_eval_run(actor, "run-1", {"backend": "offline"}, results=[result])
    store.add_eval_result(actor, "run-1", "case-b", "offline", {"grounded": 0.5})
    store.save_eval_run(actor, "run-1", {"backend": "offline"}, summary={"grounded": 0.75})
    [run] = store.list_eval_runs(actor)
    assert (run.id, run.results, run.summary) == ("run-1", 2, {"grounded": 0.75})
    results = store.get_eval_results(actor, "run-1")
    assert [r.case_id for r in results] == ["case-a", "case-b"]
    assert results[0].transcript == [{"t": "hi"}] and results[1].transcript is None
    rerun = EvalResultView("run-1", "case-a", "offline", {"grounded": 0.9}, None)
    store.save_eval_run(actor, "run-1", {"backend": "offline"}, results=[rerun])
    [again] = store.get_eval_results(actor, "run-1")  # replaced, not added twice
    assert again.scores == {"grounded": 0.9}


@pytest.mark.parametrize("who", ["adviser", "trainee", "supervisor"])
def test_others_cannot_see_eval_runs(store: Store, people: People, who: str) -> None:
    store.save_eval_run(people.evaluator, "run-1", {"backend": "offline"})
    actor: User = getattr(people, who)
    with pytest.raises(PermissionDeniedError, match="evaluators or admins"):
        store.list_eval_runs(actor)
    with pytest.raises(PermissionDeniedError):
        store.get_eval_results(actor, "run-1")
    with pytest.raises(PermissionDeniedError):
        store.save_eval_run(actor, "run-2", {})
    with pytest.raises(PermissionDeniedError):
        store.add_eval_result(actor, "run-1", "c", "offline", {})


def test_signed_in_user_and_has_users(tmp_path: Path) -> None:
    from guidance_assistant.config import get_settings
    from guidance_assistant.store import Store

    store = Store(get_settings(data_dir=tmp_path / "data"))
    assert store.has_users() is False
    password = store.ensure_admin()
    assert password and store.has_users() is True
    admin = store.signed_in_user("admin")
    assert admin is not None and admin.role == "admin"
    assert store.signed_in_user("nobody") is None
