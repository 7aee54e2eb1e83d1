"""The conversation suites on the full bundled knowledge, and the scorers' agreement with labels."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from guidance_assistant.evals.agreement import (
    cached_skills_agreement,
    render_agreement,
    safeguarding_agreement,
    skill_classifier_fingerprint,
)
from guidance_assistant.evals.records import EvalRun
from guidance_assistant.evals.runner import run_suites
from guidance_assistant.evals.scorers import NONDETERMINISTIC
from guidance_assistant.paths import REPO_ROOT

EVALS = REPO_ROOT / "evals"


def test_the_safeguarding_scorer_reports_its_agreement_with_the_labelled_set() -> None:
    summary = safeguarding_agreement()
    assert summary["messages"] >= 100
    for key in ("accuracy", "recall", "precision", "f1"):
        assert 0.0 <= summary[key] <= 1.0
    assert "safeguarding" in render_agreement({"safeguarding": summary})


@pytest.mark.slow
def test_the_skill_scorer_reports_its_agreement_with_the_labelled_set(tmp_path: Path) -> None:
    summary = cached_skills_agreement(tmp_path)
    print("\n" + render_agreement({"skill_classifier": summary}))
    assert summary["utterances"] > 0 and 0.0 <= summary["macro_f1"] <= 1.0
    assert summary["macro_f1"] > summary["baseline_macro_f1"]
    assert summary["fingerprint"] == skill_classifier_fingerprint()[:12]

    def measure_again() -> dict[str, Any]:
        raise AssertionError("nothing changed, so the figures must come from the cache")

    assert cached_skills_agreement(tmp_path, measure=measure_again) == summary


@pytest.fixture(scope="module")
def guidance_run(bundled_kb: Any) -> tuple[EvalRun, float]:
    """The guidance suite run once in this process on the full bundled knowledge, and how many
    seconds it took (checked by one test, the run the forked workers must match in another)."""
    started = time.perf_counter()
    run = run_suites([EVALS / "guidance"], knowledge=bundled_kb, progress=False)
    return run, time.perf_counter() - started


@pytest.mark.slow
def test_the_guidance_suite_on_the_offline_backend(guidance_run: tuple[EvalRun, float]) -> None:
    run, elapsed = guidance_run
    print("\n" + run.summary())
    for result in run.results:
        for score in result.scores:
            if not score.passed:
                print(f"  FAIL {result.case_id} {score.name}: {score.details[:200]}")
    assert elapsed < 120
    assert len(run.results) >= 15
    assert all(r.transcript.error is None for r in run.results)
    for name in ("stage_progression", "safeguarding", "grounding", "action_plan"):
        assert run.pass_rates()[name] == 1.0, name


@pytest.mark.slow
def test_forked_workers_give_the_same_guidance_run_as_one_process(
    bundled_kb: Any, guidance_run: tuple[EvalRun, float]
) -> None:
    paths = [EVALS / "guidance"]
    inline, _ = guidance_run
    started = time.perf_counter()
    forked = run_suites(paths, knowledge=bundled_kb, workers=2, progress=False)
    assert time.perf_counter() - started < 120
    assert forked.header.workers == 2

    def comparable(run: EvalRun) -> list[Any]:
        return [
            (
                [t.model_dump(exclude={"seconds"}) for t in r.transcript.turns],
                [s for s in r.scores if s.name not in NONDETERMINISTIC],
            )
            for r in run.results
        ]

    assert comparable(forked) == comparable(inline)
