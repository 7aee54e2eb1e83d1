"""Run conversation suites against one or more configurations and score every conversation.

>>> run = run_suites([Path("evals/guidance")], [OFFLINE], workers=2)
>>> run.write_jsonl("runs/offline.jsonl")

Cases run inline (``workers=1``), in local worker processes, or as Ray tasks
(``ray_address=...``), all through :mod:`~guidance_assistant.evals.executors` and the same
:func:`run_task`. The offline backend is deterministic: the same suites, configuration and seed
give the same transcripts and scores wherever they run (except latency).
"""

from __future__ import annotations

import contextlib
import os
import re
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from tqdm import tqdm

from guidance_assistant.evals.executors import Executor, make_executor
from guidance_assistant.evals.records import (
    MAX_STORED_CHARS,
    ActionRecord,
    CaseResult,
    CaseTranscript,
    CitationRecord,
    EvalRun,
    RunHeader,
    TurnRecord,
)
from guidance_assistant.evals.scorers import (
    Judge,
    ResponderJudge,
    ScoreContext,
    fairness_scores,
    score_case,
)
from guidance_assistant.evals.suites import (
    OFFLINE,
    Case,
    InjectedDocument,
    RunConfig,
    Suite,
    load_suites,
)
from guidance_assistant.sources import Citation
from guidance_assistant.text.clean import EmptyMessageError

_WORD = re.compile(r"[a-z]{4,}")


# ------------------------------------------------------------------------- knowledge overlay


@dataclass(frozen=True)
class InjectedPassage:
    text: str
    citation: Citation
    metadata: dict[str, Any] = field(default_factory=dict)


class DocumentOverlay:
    """Knowledge with extra documents, as if indexed: each passes the search filters like any
    passage and is returned first by any search that shares a word with it (the worst ranking
    case for a document carrying a prompt injection)."""

    def __init__(self, base: Any, documents: Sequence[InjectedDocument]) -> None:
        self.base = base
        self.passages = [
            InjectedPassage(
                text=d.text,
                citation=Citation(title=d.title, source=d.source),
                metadata={"doc_type": d.doc_type, "source": d.source},
            )
            for d in documents
        ]

    def search(
        self,
        query: str,
        k: int | None = None,
        filters: Mapping[str, Any] | None = None,
        **options: Any,
    ) -> list[Any]:
        found = list(self.base.search(query, k=k, filters=filters, **options)) if self.base else []
        words = set(_WORD.findall(query.lower()))
        extra = [
            p
            for p in self.passages
            if _allowed(p.metadata, filters) and words & set(_WORD.findall(p.text.lower()))
        ]
        return [*extra, *found][: (k or 5)]


def _allowed(metadata: Mapping[str, Any], filters: Mapping[str, Any] | None) -> bool:
    """Whether a passage passes search filters the way an index applies them."""
    for key, wanted in (filters or {}).items():
        values = {wanted} if isinstance(wanted, str) else set(wanted)
        if metadata.get(key) not in values:
            return False
    return True


# ------------------------------------------------------------------------------ one case


@dataclass(frozen=True)
class KnowledgeSpec:
    """How a worker process gets its knowledge: a saved index re-opened from its folder, or a
    (picklable) object such as the test stub. ``token`` names one run's knowledge, so a worker
    process loads it once however many cases it runs (see :func:`knowledge_for`)."""

    kind: Literal["index", "object"]
    token: str
    index_dir: Path | None = None
    settings: Any | None = None
    value: Any | None = None

    @classmethod
    def of(cls, knowledge: Any) -> KnowledgeSpec:
        from guidance_assistant.retrieval.knowledge_base import KnowledgeBase

        token = uuid.uuid4().hex
        if isinstance(knowledge, KnowledgeBase):
            return cls("index", token, index_dir=knowledge.index_dir, settings=knowledge.settings)
        return cls("object", token, value=knowledge)

    def load(self) -> Any:
        from guidance_assistant.retrieval.knowledge_base import KnowledgeBase

        if self.kind == "index":
            return KnowledgeBase.load(self.index_dir, settings=self.settings)
        return self.value


def _warm(knowledge: Any | None) -> None:
    """One search before timing starts, so a model's first-use load is not counted as a turn's
    latency."""
    search = getattr(knowledge, "search", None)
    if search is not None:
        # a failing search is left for the sessions to meet and record
        with contextlib.suppress(Exception):
            search("careers guidance", k=1)


#: This process's knowledge by the token of its spec: a forked worker inherits the parent's, a
#: spawned or Ray worker loads its own on its first case. A few are kept, so that runs going on
#: at once in one process (the app's threads) do not keep evicting each other's.
_LOADED: dict[str, Any] = {}
_KEEP_LOADED = 2


def _remember(spec: KnowledgeSpec, knowledge: Any) -> None:
    _LOADED[spec.token] = knowledge
    while len(_LOADED) > _KEEP_LOADED:
        _LOADED.pop(next(iter(_LOADED)), None)


def knowledge_for(spec: KnowledgeSpec) -> Any:
    """The knowledge ``spec`` describes, loaded (and warmed) once per process."""
    knowledge = _LOADED.get(spec.token)
    if knowledge is None:
        knowledge = spec.load()
        _warm(knowledge)
        _remember(spec, knowledge)
    return knowledge


def _stored(text: str) -> str:
    if len(text) <= MAX_STORED_CHARS:
        return text
    return text[:MAX_STORED_CHARS] + f" […shortened: {len(text):,} characters in all]"


def _judge_for(responder: Any) -> Judge:
    """A model-as-judge over the session's responder. A named model backend is wrapped in a
    :class:`~guidance_assistant.backends.registry.FallbackResponder`, whose offline fallback
    would answer the rating request with its draft; the judge asks the model itself, so a
    failed model is a failed judgement. The offline responder makes a judge that is not
    available (no ``llm_judge`` score)."""
    from guidance_assistant.backends.registry import FallbackResponder

    if isinstance(responder, FallbackResponder):
        responder = responder.primary
    return ResponderJudge(responder)


def run_case(
    suite: Suite, case: Case, config: RunConfig, *, seed: int, knowledge: Any
) -> CaseResult:
    """Play one scripted conversation through a session and score it (with the session's
    model as a judge too when ``config.judge`` is set)."""
    from guidance_assistant.config import get_settings
    from guidance_assistant.interview import open_session

    started = time.perf_counter()
    today = case.today or suite.today
    source = DocumentOverlay(knowledge, case.documents) if case.documents else knowledge
    settings = get_settings(**config.settings) if config.settings else None
    transcript = CaseTranscript(case_id=case.id, profile=dict(case.profile), session_date=today)
    judge: Judge | None = None
    try:
        session = open_session(
            case.profile,
            backend=config.backend,
            knowledge=source,
            settings=settings,
            seed=config.seed if config.seed is not None else seed,
            today=today,
        )
        if config.judge:
            judge = _judge_for(session.responder)
        for index, message in enumerate(case.rendered_messages(), start=1):
            turn_started = time.perf_counter()
            try:
                turn = session.reply(message)
            except EmptyMessageError as refused:  # the person is told; no turn is stored
                transcript.turns.append(
                    TurnRecord(
                        index=index,
                        client=_stored(message),
                        client_chars=len(message),
                        adviser=str(refused),
                        stage=session.state.stage,
                        move="refused",
                        flags=["empty"],
                        seconds=time.perf_counter() - turn_started,
                    )
                )
                continue
            seconds = time.perf_counter() - turn_started
            transcript.turns.append(
                TurnRecord(
                    index=index,
                    client=_stored(message),
                    client_chars=len(message),
                    adviser=turn.text,
                    stage=turn.stage,
                    move=turn.move,
                    variant=turn.variant,
                    flags=list(turn.flags),
                    citations=[
                        CitationRecord(
                            source=c.citation.source,
                            title=c.citation.title,
                            section=c.citation.section,
                            text=c.text,
                            rendered=c.render(),
                        )
                        for c in turn.citations
                    ],
                    seconds=seconds,
                    backend=turn.backend,
                    fallback=turn.fallback,
                    rejected=list(turn.rejected),
                )
            )
        state = session.state
        transcript.stage_history = list(state.stage_history())
        transcript.actions = [
            ActionRecord(what=a.what, who=a.who, when=a.when) for a in state.actions
        ]
        transcript.next_contact = state.next_contact
        transcript.safeguarding_flags = [f.category or f.reason for f in state.flags]
    except Exception as error:  # a crash is recorded as a failure of this case, not the run
        transcript.error = f"{type(error).__name__}: {error}"
    ctx = ScoreContext(
        case=case,
        thresholds=suite.case_thresholds(case),
        transcript=transcript,
        knowledge=source,
    )
    return CaseResult(
        suite=suite.name,
        suite_kind=suite.suite,
        case_id=case.id,
        config=config.name,
        fairness_group=case.fairness_group,
        variant=case.variant,
        transcript=transcript,
        scores=score_case(ctx, judge=judge),
        seconds=time.perf_counter() - started,
    )


@dataclass(frozen=True)
class CaseTask:
    """One case under one configuration: what a worker is sent."""

    suite: Suite
    case: Case
    config: RunConfig
    seed: int


def run_task(knowledge: KnowledgeSpec, task: CaseTask) -> CaseResult:
    """What every executor runs for each case (a module-level function, so it pickles)."""
    return run_case(
        task.suite, task.case, task.config, seed=task.seed, knowledge=knowledge_for(knowledge)
    )


# ------------------------------------------------------------------------------ whole runs


def _add_fairness(results: list[CaseResult]) -> None:
    groups: dict[tuple[str, str], list[CaseResult]] = {}
    for result in results:
        if result.fairness_group:
            groups.setdefault((result.config, result.fairness_group), []).append(result)
    for group in groups.values():
        for case_id, score in fairness_scores(group).items():
            target = next(r for r in group if r.case_id == case_id)
            target.scores.append(score)


def _bundled_knowledge() -> Any:
    """The bundled knowledge base, built or refreshed once here before any worker starts (so
    workers only open it, and never update the same folder at once)."""
    from guidance_assistant.retrieval.knowledge_base import KnowledgeBase

    return KnowledgeBase.bundled(progress=False)


def _tasks(suites: Sequence[Suite], configs: Sequence[RunConfig], seed: int) -> list[CaseTask]:
    return [
        CaseTask(suite, case, config, seed)
        for config in configs
        for suite in suites
        for case in suite.cases
    ]


def _unique_names(configs: Sequence[RunConfig]) -> None:
    names = [c.name for c in configs]
    if len(set(names)) != len(names):
        raise ValueError(f"configuration names must be unique: {names}")


def _execute(
    executor: Executor, spec: KnowledgeSpec, tasks: Sequence[CaseTask], progress: bool
) -> list[CaseResult]:
    """Every task through ``executor``; results in task order whatever order they finish in."""
    results: list[CaseResult | None] = [None] * len(tasks)
    with executor:
        finished = executor.start(run_task, spec, tasks)
        with tqdm(total=len(tasks), desc="conversations", unit="case", disable=not progress) as bar:
            for position, result in finished:
                results[position] = result
                bar.update()
    return [r for r in results if r is not None]


def run_suites(
    suite_paths: Sequence[Path] | None,
    configs: Sequence[RunConfig] | None = None,
    *,
    workers: int = 1,
    knowledge: Any | None = None,
    seed: int = 0,
    progress: bool = True,
    ray_address: str | None = None,
) -> EvalRun:
    """Run every case of the suites at ``suite_paths`` (default: the bundled conversation
    suites) against every configuration (default: offline) and score it.

    ``knowledge``: what the sessions search (default: the bundled knowledge base, refreshed once
    here). ``workers`` > 1 runs cases in that many local processes, which on Linux are forked
    from this one and share its loaded knowledge; ``ray_address`` runs them as Ray tasks
    instead (see :class:`~guidance_assistant.evals.executors.RayExecutor`), which re-open a
    knowledge base from its folder and unpickle any other object. Results come back in suite
    order whatever order they finish in.
    """
    started = time.perf_counter()
    suites = load_suites(list(suite_paths) if suite_paths is not None else None)
    configs = list(configs) if configs else [OFFLINE]
    _unique_names(configs)
    tasks = _tasks(suites, configs, seed)
    if not ray_address:
        workers = max(1, min(workers, len(tasks), os.cpu_count() or 1))
    knowledge = knowledge if knowledge is not None else _bundled_knowledge()
    spec = KnowledgeSpec.of(knowledge)
    _warm(knowledge)
    _remember(spec, knowledge)
    executor = make_executor(workers, ray_address)
    results = _execute(executor, spec, tasks, progress)
    _add_fairness(results)
    header = RunHeader(
        run_id=uuid.uuid4().hex[:12],
        timestamp=datetime.now(UTC),
        configs=configs,
        seed=seed,
        workers=workers,
        executor=executor.description,
        suites=[s.name for s in suites],
        wall_seconds=time.perf_counter() - started,
    )
    return EvalRun(header=header, results=results)
