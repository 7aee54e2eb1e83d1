"""The executors behind ``eval run``: the same task, the same results, wherever it runs.

Fast: local processes only (the Ray executor's real run is in ``test_ray.py``, marked slow).
"""

from __future__ import annotations

import sys
from typing import Any

import pytest

from guidance_assistant.evals import runner
from guidance_assistant.evals.executors import (
    ExecutorError,
    InlineExecutor,
    ProcessExecutor,
    RayExecutor,
    can_fork,
    import_ray,
    make_executor,
)
from guidance_assistant.evals.runner import run_suites
from guidance_assistant.paths import REPO_ROOT
from tests.interview.helpers import StubKnowledge

EVALS = REPO_ROOT / "evals"
needs_fork = pytest.mark.skipif(not can_fork(), reason="forked workers are used on Linux only")


def scaled(factor: int, item: int) -> int:
    return factor * item


def thread_count(_: None, __: int) -> int:
    import torch

    return int(torch.get_num_threads())


def _all(executor: Any, task: Any, shared: Any, items: list[Any]) -> dict[int, Any]:
    with executor:
        return dict(executor.start(task, shared, items))


@pytest.mark.parametrize(
    "executor",
    [InlineExecutor(), ProcessExecutor(2, fork=False), ProcessExecutor(2, fork=can_fork())],
    ids=["inline", "spawned", "default processes"],
)
def test_every_executor_returns_every_result_at_its_position(executor: Any) -> None:
    items = list(range(7))
    assert _all(executor, scaled, 3, items) == {i: 3 * i for i in items}


def test_make_executor_picks_inline_processes_or_ray() -> None:
    assert isinstance(make_executor(1), InlineExecutor)
    assert isinstance(make_executor(2), ProcessExecutor)
    assert make_executor(2).description.startswith("2 local processes")
    if "ray" in sys.modules or _ray_installed():
        assert isinstance(make_executor(2, "local"), RayExecutor)


def _ray_installed() -> bool:
    try:
        import_ray()
    except ExecutorError:
        return False
    return True


def test_a_missing_ray_is_a_plain_error_saying_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # makes `import ray` fail
    with pytest.raises(ExecutorError, match=r"guidance-assistant\[ray\]"):
        make_executor(2, "local")


@needs_fork
def test_forked_workers_run_one_thread_each() -> None:
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        found = _all(ProcessExecutor(2, fork=True), thread_count, None, [0, 1, 2])
        assert set(found.values()) == {1}
        assert torch.get_num_threads() == 2  # this process is left as it was
    finally:
        torch.set_num_threads(before)


class UnpicklableKnowledge(StubKnowledge):
    """Knowledge that cannot be sent to a worker, only inherited by one."""

    def __reduce__(self) -> Any:
        raise TypeError("this knowledge must not be pickled")


@needs_fork
def test_forked_workers_use_the_knowledge_loaded_here_instead_of_loading_it_again() -> None:
    knowledge = UnpicklableKnowledge()
    inline = run_suites([EVALS / "scope"], knowledge=knowledge, progress=False)
    forked = run_suites([EVALS / "scope"], knowledge=knowledge, workers=2, progress=False)
    assert forked.header.executor == "2 local processes (forked)"
    assert _conversations(forked) == _conversations(inline)


def _conversations(run: Any) -> list[Any]:
    """Every turn of every case, without its time."""
    return [[t.model_dump(exclude={"seconds"}) for t in r.transcript.turns] for r in run.results]


def test_a_worker_loads_its_knowledge_once_per_run(monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[str] = []

    class CountingSpec(runner.KnowledgeSpec):
        def load(self) -> Any:
            loads.append(self.token)
            return StubKnowledge()

    monkeypatch.setattr(runner, "_LOADED", {})
    first, second, third = (CountingSpec("object", token=t) for t in ("1st", "2nd", "3rd"))
    assert runner.knowledge_for(first) is runner.knowledge_for(first)
    runner.knowledge_for(second)
    runner.knowledge_for(first)  # two runs at once: both stay loaded
    runner.knowledge_for(third)  # a third evicts the oldest
    runner.knowledge_for(first)
    assert loads == ["1st", "2nd", "3rd", "1st"]
