"""Eval runs in the project's database: stored whole, read back equal, by the right account."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidance_assistant.config import Settings
from guidance_assistant.evals.persist import (
    StoredRunError,
    command_line_evaluator,
    load_run,
    open_run,
    open_store,
    save_run,
)
from guidance_assistant.evals.records import EvalRun
from guidance_assistant.evals.runner import run_suites
from guidance_assistant.evals.suites import ConversationSuiteError
from guidance_assistant.paths import REPO_ROOT
from guidance_assistant.store import PermissionDeniedError
from guidance_assistant.store.commands import add_user
from tests.interview.helpers import StubKnowledge

EVALS = REPO_ROOT / "evals"


@pytest.fixture(scope="module")
def scope_run() -> EvalRun:
    return run_suites([EVALS / "scope"], knowledge=StubKnowledge(), progress=False)


def test_a_stored_run_reads_back_equal_to_the_run_written(
    settings: Settings, scope_run: EvalRun
) -> None:
    with open_store(settings) as store:
        admin = command_line_evaluator(store, None, make_first_admin=True).user
        assert save_run(store, admin, scope_run) == scope_run.run_id
        assert load_run(store, admin, scope_run.run_id) == scope_run
        rows = store.get_eval_results(admin, scope_run.run_id)
        stored = next(r for r in store.list_eval_runs(admin) if r.id == scope_run.run_id)
    assert len(rows) == len(scope_run.results)
    first = scope_run.results[0]
    assert list(rows[0].scores) == [s.name for s in first.scores]
    assert rows[0].transcript["transcript"]["turns"][0]["adviser"]
    assert stored.summary is not None and stored.summary["means"] == scope_run.scorer_means()
    assert stored.config["suites"] == scope_run.header.suites


def test_the_command_line_acts_as_the_local_admin_made_on_first_use(settings: Settings) -> None:
    with open_store(settings) as store:
        with pytest.raises(StoredRunError, match="--user"):
            command_line_evaluator(store, None)  # reading never makes an account
        first = command_line_evaluator(store, None, make_first_admin=True)
        again = command_line_evaluator(store, None, make_first_admin=True)
    assert first.user.role == "admin" and first.new_admin_password
    assert first.new_admin_password in first.first_run_note()
    assert again.user.id == first.user.id and again.new_admin_password is None
    assert again.first_run_note() == ""


def test_a_named_account_must_exist_and_be_an_evaluator_or_admin(
    settings: Settings, scope_run: EvalRun
) -> None:
    add_user("eve", "a-long-password-1", "evaluator", settings=settings)
    add_user("adam", "a-long-password-2", "adviser", settings=settings)
    with open_store(settings) as store:
        with pytest.raises(StoredRunError, match="nobody"):
            command_line_evaluator(store, "nobody")
        adviser = command_line_evaluator(store, "adam").user
        with pytest.raises(PermissionDeniedError):
            save_run(store, adviser, scope_run)
        evaluator = command_line_evaluator(store, "eve").user
        save_run(store, evaluator, scope_run)
        assert [r.id for r in store.list_eval_runs(evaluator)] == [scope_run.run_id]


def test_open_run_takes_a_jsonl_file_or_a_stored_run_id(
    settings: Settings, scope_run: EvalRun, tmp_path: Path
) -> None:
    path = scope_run.write_jsonl(tmp_path / "run.jsonl")
    with open_store(settings) as store:
        save_run(store, command_line_evaluator(store, None, make_first_admin=True).user, scope_run)
    assert open_run(str(path), settings=settings) == scope_run
    assert open_run(path, settings=settings) == scope_run
    assert open_run(scope_run.run_id, settings=settings) == scope_run
    with pytest.raises(ConversationSuiteError, match=r"missing\.jsonl"):
        open_run("missing.jsonl", settings=settings)
    with pytest.raises(StoredRunError, match="no eval run 'abc123'"):
        open_run("abc123", settings=settings)


def test_a_run_stored_without_results_says_to_give_its_file(settings: Settings) -> None:
    with open_store(settings) as store:
        admin = command_line_evaluator(store, None, make_first_admin=True).user
        store.save_eval_run(admin, "from-the-app", {"suites": ["scope"]}, summary={"means": {}})
        with pytest.raises(StoredRunError, match="JSONL"):
            load_run(store, admin, "from-the-app")
