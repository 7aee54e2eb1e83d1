"""Eval runs in the project's database (the :class:`~guidance_assistant.store.services.Store`
that also keeps guidance sessions and practice transcripts), beside their JSONL files.

How a run is stored, in the store's two eval tables:

* ``eval_runs``: ``id`` is the run id; ``config`` holds the suites, the configurations, the
  seed and where the cases ran; ``summary`` holds each scorer's mean and pass rate, the counts,
  and the run's whole JSONL header (``header``: time, agreement with labelled sets, ...).
* ``eval_results``: one row per case and configuration; ``scores`` maps each scorer's name to
  its value, verdict and details (in the scorers' order); ``transcript`` is the case's record
  without its scores (suite, case, fairness group, the conversation, time taken).

So a stored run reads back equal to the run that was written (:func:`load_run`), and
``eval report`` and ``eval compare`` take a run id as readily as a JSONL file.

Who stores it: the command line has no signed-in user. It acts as the account named by
``--user`` (or ``GA_EVAL_USER``), which must be an active evaluator or admin, as in the app;
without one, as the machine's local administrator: the oldest active admin account. When the
database has no accounts at all, ``eval run`` makes the local admin as the app's first run does
and says its password once. (Whoever can run the command can read the database file anyway; see
:mod:`guidance_assistant.store.commands`.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from guidance_assistant.config import Settings, get_settings
from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.evals.records import CaseResult, EvalRun, RunHeader, Score
from guidance_assistant.store.models import User
from guidance_assistant.store.services import EvalResultView, NotFoundError, Store

#: The local admin account the store makes on a first run.
FIRST_RUN_ADMIN = "admin"
#: What a stored run's id looks like (anything else given to ``eval report`` is a file name).
RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")


class StoredRunError(GuidanceAssistantError):
    """A run that is not in the database, or was stored without what a report needs."""


@dataclass(frozen=True)
class Evaluator:
    """The account the command line acts as, and the password of a local admin it just made
    (to show once), if it made one."""

    user: User
    new_admin_password: str | None = None

    def first_run_note(self) -> str:
        if self.new_admin_password is None:
            return ""
        return (
            f"First run: created the local admin account '{self.user.username}' with the "
            f"password {self.new_admin_password} (shown only once; change it or add accounts "
            "with `guidance-assistant users add`)."
        )


@contextmanager
def open_store(settings: Settings | None = None) -> Iterator[Store]:
    """The project's store (``GA_DATABASE_URL``, SQLite in the data folder by default)."""
    store = Store(settings if settings is not None else get_settings())
    try:
        yield store
    finally:
        store.close()


def _oldest_active_admin(store: Store) -> User | None:
    with Session(store.engine) as db:
        query = (
            select(User)
            .where(User.role == "admin", User.active.is_(True))
            .order_by(User.created_at, User.id)
            .limit(1)
        )
        return db.scalar(query)


def command_line_evaluator(
    store: Store, username: str | None, *, make_first_admin: bool = False
) -> Evaluator:
    """The account the command line acts as (see the module docstring). Whether it may save or
    read eval runs is left to the store, which checks the role on every call."""
    if username:
        user = store.signed_in_user(username)
        if user is None:
            raise StoredRunError(f"There is no active account named {username!r}.")
        return Evaluator(user)
    password = store.ensure_admin(FIRST_RUN_ADMIN) if make_first_admin else None
    admin = _oldest_active_admin(store)
    if admin is None:
        raise StoredRunError(
            "There is no active admin account to act as: name an evaluator with --user "
            "(or GA_EVAL_USER)."
        )
    return Evaluator(admin, password)


# ------------------------------------------------------------------------ run <-> rows


def _scores_column(result: CaseResult) -> dict[str, Any]:
    return {s.name: s.model_dump(exclude={"name"}) for s in result.scores}


def _transcript_column(result: CaseResult) -> dict[str, Any]:
    return result.model_dump(mode="json", exclude={"scores"})


def result_views(run: EvalRun) -> list[EvalResultView]:
    """A run's results as the store's rows (see the module docstring)."""
    return [
        EvalResultView(
            run_id=run.run_id,
            case_id=r.case_id,
            config=r.config,
            scores=_scores_column(r),
            transcript=_transcript_column(r),
        )
        for r in run.results
    ]


def run_config(run: EvalRun) -> dict[str, Any]:
    header = run.header
    return {
        "suites": header.suites,
        "configs": [c.model_dump(mode="json") for c in header.configs],
        "seed": header.seed,
        "workers": header.workers,
        "executor": header.executor,
    }


def run_summary(run: EvalRun) -> dict[str, Any]:
    return {
        "conversations": len(run.results),
        "failed": sum(not r.passed for r in run.results),
        "means": run.scorer_means(),
        "pass_rates": run.pass_rates(),
        "header": run.header.model_dump(mode="json"),
    }


def save_run(store: Store, actor: User, run: EvalRun) -> str:
    """Store ``run`` and all its results in one transaction; returns its id."""
    return store.save_eval_run(
        actor,
        run.run_id,
        run_config(run),
        summary=run_summary(run),
        results=result_views(run),
    )


def _case_result(view: EvalResultView) -> CaseResult:
    if not isinstance(view.transcript, dict) or not isinstance(view.scores, dict):
        raise StoredRunError(f"The stored result of {view.case_id!r} is not a case record.")
    scores = [Score(name=name, **values) for name, values in view.scores.items()]
    return CaseResult.model_validate({**view.transcript, "scores": scores})


def load_run(store: Store, actor: User, run_id: str) -> EvalRun:
    """The run stored under ``run_id``, as it was written."""
    summary = next((r.summary for r in store.list_eval_runs(actor) if r.id == run_id), None)
    if summary is None or "header" not in summary:
        known = summary is not None
        raise StoredRunError(
            f"The run {run_id!r} was stored without its results: give its JSONL file "
            "instead (the app keeps it in DATA_DIR/eval-runs/RUN.jsonl)."
            if known
            else f"There is no eval run {run_id!r} in the database, and no such file."
        )
    try:
        header = RunHeader.model_validate(summary["header"])
        results = [_case_result(v) for v in store.get_eval_results(actor, run_id)]
    except (ValidationError, TypeError) as error:
        raise StoredRunError(f"The stored run {run_id!r} cannot be read: {error}") from error
    except NotFoundError as error:
        raise StoredRunError(str(error)) from error
    return EvalRun(header=header, results=results)


# ---------------------------------------------------------------------- file or run id


def _looks_like_a_file(reference: str) -> bool:
    return reference.endswith(".jsonl") or not RUN_ID.match(reference)


def open_run(
    reference: str | Path, *, settings: Settings | None = None, username: str | None = None
) -> EvalRun:
    """A run from a JSONL file, or else from the database by its id."""
    path = Path(reference)
    if path.is_file() or isinstance(reference, Path) or _looks_like_a_file(str(reference)):
        return EvalRun.read_jsonl(path)
    with open_store(settings) as store:
        evaluator = command_line_evaluator(store, username)
        return load_run(store, evaluator.user, str(reference))
