"""Where the cases of a run execute: inline, in local worker processes, or on a Ray cluster.

Every executor takes the same arguments, a module-level function ``task(shared, item)``, the
``shared`` value every call needs (what the workers load their knowledge from) and the
``items``, and yields ``(position, result)`` pairs as the calls finish, so the runner's code
path (progress bar, ordering, scoring) is the same whichever runs them:

* :class:`InlineExecutor`: one at a time in this process.
* :class:`ProcessExecutor`: ``workers`` local processes. On Linux they are forked from this
  process, so they inherit whatever it has loaded (the knowledge index, the embedding model)
  instead of loading it again; elsewhere they are spawned and load it once each.
* :class:`RayExecutor`: Ray tasks, one CPU each, on the cluster at ``address`` (``"local"``
  starts a private Ray instance on this machine). ``shared`` goes to Ray's object store once.

Ray is an optional extra (``pip install 'guidance-assistant[ray]'``), imported only here and only
when a Ray run is asked for.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar

from guidance_assistant.errors import GuidanceAssistantError

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

Task = Callable[[S, T], R]


class ExecutorError(GuidanceAssistantError):
    """An executor that cannot start (Ray missing, a cluster that cannot be reached)."""


class Executor(Protocol):
    """Runs ``task(shared, item)`` for every item; see the module docstring."""

    @property
    def description(self) -> str:
        """Where the cases ran, for the run's header (``"2 local processes"``)."""
        ...

    def start(self, task: Task[S, T, R], shared: S, items: Sequence[T]) -> Iterator[tuple[int, R]]:
        """Submit every call now; the iterator yields ``(position, result)`` as each finishes."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class _NoResources:
    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None


class InlineExecutor(_NoResources):
    """Each call in this process, in order."""

    description = "inline"

    def start(self, task: Task[S, T, R], shared: S, items: Sequence[T]) -> Iterator[tuple[int, R]]:
        return ((position, task(shared, item)) for position, item in enumerate(items))


# ------------------------------------------------------------------------ local processes

_SHARED: Any = None


def one_thread_per_worker() -> None:
    """Limit the numeric libraries a worker has already loaded to one thread: ``N`` workers on
    ``N`` cores each running several threads only fight over the cores. In a forked worker this
    also keeps the parent's OpenMP thread pool, which did not survive the fork, unused."""
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)
    faiss = sys.modules.get("faiss")
    if faiss is not None:
        faiss.omp_set_num_threads(1)


def _init_process(shared: Any) -> None:
    global _SHARED
    _SHARED = shared
    one_thread_per_worker()


def _call_in_process(task: Task[Any, T, R], item: T) -> R:
    return task(_SHARED, item)


def can_fork() -> bool:
    """Forked workers are used only on Linux: macOS's system libraries are not fork-safe."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


class ProcessExecutor(_NoResources):
    """``workers`` local processes (forked on Linux, so they share what this process loaded)."""

    def __init__(self, workers: int, *, fork: bool | None = None) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers
        self.fork = can_fork() if fork is None else fork
        self._pool: ProcessPoolExecutor | None = None

    @property
    def description(self) -> str:
        how = "forked" if self.fork else "spawned"
        return f"{self.workers} local processes ({how})"

    def start(self, task: Task[S, T, R], shared: S, items: Sequence[T]) -> Iterator[tuple[int, R]]:
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("fork" if self.fork else "spawn"),
            initializer=_init_process,
            initargs=(shared,),
        )
        futures = {
            self._pool.submit(_call_in_process, task, item): position
            for position, item in enumerate(items)
        }
        return self._completed(futures)

    @staticmethod
    def _completed(futures: dict[Future[R], int]) -> Iterator[tuple[int, R]]:
        for future in as_completed(futures):
            yield futures[future], future.result()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


# ------------------------------------------------------------------------------------ Ray

#: Start a private Ray instance on this machine (Ray's own meaning of the address "local").
LOCAL_RAY = "local"


def import_ray() -> Any:
    """The ``ray`` module, or a plain error saying how to install it."""
    try:
        return importlib.import_module("ray")
    except ImportError as error:
        raise ExecutorError(
            "Running on Ray needs the 'ray' package: pip install 'guidance-assistant[ray]' "
            f"({error})."
        ) from error


def _call_on_ray(task: Task[Any, T, R], shared: Any, item: T) -> R:
    one_thread_per_worker()
    return task(shared, item)


class RayExecutor:
    """Ray tasks of one CPU each on the cluster at ``address``.

    ``address``: ``"local"`` starts a Ray instance on this machine with ``workers`` CPUs (shut
    down again at the end); ``"auto"`` joins the cluster this machine is part of; ``"HOST:PORT"``
    or ``"ray://HOST:10001"`` connects to a cluster's head. When Ray is already initialised in
    this process (a notebook, a test) it is used as it is, whatever ``address`` says, and left
    running. Every node needs this package installed and the knowledge index at the same path.
    """

    def __init__(self, address: str, *, workers: int = 1) -> None:
        self.address = address
        self.workers = workers
        self._ray = import_ray()
        self._started_here = False

    @property
    def description(self) -> str:
        where = "a local Ray instance" if self.address == LOCAL_RAY else f"Ray at {self.address}"
        return f"{where}, one CPU per case"

    def __enter__(self) -> Self:
        if not self._ray.is_initialized():
            self._connect()
            self._started_here = True
        return self

    def _connect(self) -> None:
        options: dict[str, Any] = {
            "include_dashboard": False,
            "log_to_driver": False,
            "logging_level": logging.WARNING,
        }
        if self.address == LOCAL_RAY:
            options["num_cpus"] = self.workers
        try:
            self._ray.init(address=self.address, **options)
        except (ConnectionError, RuntimeError, ValueError) as error:
            raise ExecutorError(
                f"Cannot reach a Ray cluster at {self.address!r}: {error}"
            ) from error

    def start(self, task: Task[S, T, R], shared: S, items: Sequence[T]) -> Iterator[tuple[int, R]]:
        if not self._ray.is_initialized():
            raise ExecutorError("Use RayExecutor in a with-block: it connects to Ray on entry.")
        remote = self._ray.remote(num_cpus=1, max_retries=0)(_call_on_ray)
        shared_ref = self._ray.put(shared)
        pending = {
            remote.remote(task, shared_ref, item): position for position, item in enumerate(items)
        }
        return self._completed(pending)

    def _completed(self, pending: dict[Any, int]) -> Iterator[tuple[int, Any]]:
        waiting = list(pending)
        while waiting:
            ready, waiting = self._ray.wait(waiting, num_returns=1)
            yield pending[ready[0]], self._ray.get(ready[0])

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._started_here:
            self._ray.shutdown()
            self._started_here = False


def make_executor(workers: int, ray_address: str | None = None) -> Executor:
    """Ray when an address is given, else local processes (inline for one worker)."""
    if ray_address:
        return RayExecutor(ray_address, workers=workers)
    if workers <= 1:
        return InlineExecutor()
    return ProcessExecutor(workers)
