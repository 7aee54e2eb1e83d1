"""``eval run --ray``: the same cases on a real (local) Ray instance give the same conversations
and scores as a local run. Slow: Ray takes seconds to start, and each of its workers opens the
bundled index and the embedding model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from guidance_assistant.evals.executors import LOCAL_RAY, import_ray
from guidance_assistant.evals.records import EvalRun
from guidance_assistant.evals.runner import run_suites
from guidance_assistant.evals.scorers import NONDETERMINISTIC
from guidance_assistant.paths import REPO_ROOT

EVALS = REPO_ROOT / "evals"
#: Cases that search the knowledge (pay figures, routes) and one that must not.
CASES = ("pay-questions", "routes-questions", "disclosure-mid-session")


def _small_suite(folder: Path) -> Path:
    suite = yaml.safe_load((EVALS / "guidance" / "conversations.yaml").read_text(encoding="utf-8"))
    suite["cases"] = [case for case in suite["cases"] if case["id"] in CASES]
    assert len(suite["cases"]) == len(CASES)
    path = folder / "small.yaml"
    path.write_text(yaml.safe_dump(suite, sort_keys=False), encoding="utf-8")
    return path


def _comparable(run: EvalRun) -> list[Any]:
    return [
        (
            r.case_id,
            [t.model_dump(exclude={"seconds"}) for t in r.transcript.turns],
            r.transcript.model_dump(exclude={"turns"}),
            [s for s in r.scores if s.name not in NONDETERMINISTIC],
        )
        for r in run.results
    ]


@pytest.mark.slow
def test_a_ray_run_gives_the_same_conversations_and_scores_as_a_local_run(
    bundled_kb: Any, tmp_path: Path
) -> None:
    ray = import_ray()
    suites = [_small_suite(tmp_path), EVALS / "scope"]
    local = run_suites(suites, knowledge=bundled_kb, progress=False)
    on_ray = run_suites(
        suites, knowledge=bundled_kb, workers=2, ray_address=LOCAL_RAY, progress=False
    )
    assert on_ray.header.executor.startswith("a local Ray instance")
    assert len(on_ray.results) == len(CASES) + 4
    assert all(r.transcript.error is None for r in on_ray.results)
    assert any(t.citations for r in on_ray.results for t in r.transcript.turns)
    assert _comparable(on_ray) == _comparable(local)
    assert not ray.is_initialized()  # the instance it started is shut down again
