"""Evaluation runs and their results."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select

from guidance_assistant.store.models import (
    EvalResult,
    EvalRun,
    User,
)
from guidance_assistant.store.repos.base import NotFoundError, StoreCore
from guidance_assistant.store.views import EvalResultView, EvalRunSummary


class EvalRunsRepo(StoreCore):
    """Evaluation runs and their results."""

    def save_eval_run(
        self,
        actor: User,
        run_id: str,
        config: dict[str, Any],
        *,
        summary: dict[str, Any] | None = None,
        results: Iterable[EvalResultView] = (),
    ) -> str:
        """Store (or update the summary of) an eval run, with any results. Returns its id.

        Saving a stored run again with results replaces its results (a rerun, not a duplicate).
        """
        results = list(results)
        with self._tx() as db:
            me = self._actor(db, actor)
            self._require(me, ("evaluator", "admin"), "save eval runs")
            run = db.get(EvalRun, run_id)
            if run is None:
                run = EvalRun(id=run_id, config=config, summary=summary, created_by=me.id)
                db.add(run)
                db.flush()
            else:
                run.config = config
                if summary is not None:
                    run.summary = summary
                if results:
                    db.execute(delete(EvalResult).where(EvalResult.run_id == run.id))
            for result in results:
                db.add(
                    EvalResult(
                        run_id=run.id,
                        case_id=result.case_id,
                        config=result.config,
                        scores=result.scores,
                        transcript=result.transcript,
                    )
                )
            return run.id

    def add_eval_result(
        self,
        actor: User,
        run_id: str,
        case_id: str,
        config: str,
        scores: dict[str, Any],
        transcript: Any = None,
    ) -> None:
        with self._tx() as db:
            self._require(self._actor(db, actor), ("evaluator", "admin"), "save eval results")
            if db.get(EvalRun, run_id) is None:
                raise NotFoundError(f"There is no eval run {run_id!r}.")
            db.add(
                EvalResult(
                    run_id=run_id,
                    case_id=case_id,
                    config=config,
                    scores=scores,
                    transcript=transcript,
                )
            )

    def list_eval_runs(self, actor: User) -> list[EvalRunSummary]:
        with self._tx() as db:
            self._require(self._actor(db, actor), ("evaluator", "admin"), "see eval runs")
            runs = db.scalars(select(EvalRun).order_by(EvalRun.created_at.desc(), EvalRun.id))
            return [
                EvalRunSummary(
                    id=run.id,
                    config=run.config,
                    summary=run.summary,
                    created_at=run.created_at,
                    results=self._count(db, EvalResult.run_id, run.id),
                )
                for run in runs
            ]

    def get_eval_results(self, actor: User, run_id: str) -> list[EvalResultView]:
        with self._tx() as db:
            self._require(self._actor(db, actor), ("evaluator", "admin"), "see eval runs")
            if db.get(EvalRun, run_id) is None:
                raise NotFoundError(f"There is no eval run {run_id!r}.")
            rows = db.scalars(
                select(EvalResult).where(EvalResult.run_id == run_id).order_by(EvalResult.id)
            )
            return [
                EvalResultView(
                    run_id=r.run_id,
                    case_id=r.case_id,
                    config=r.config,
                    scores=r.scores,
                    transcript=r.transcript,
                )
                for r in rows
            ]
