"""Run conversation suites against one or more configurations and score every conversation.

>>> run = run_suites([Path("evals/guidance")], [OFFLINE], workers=2)
>>> run.write_jsonl("runs/offline.jsonl")

Cases run in worker processes (``workers=1`` runs them inline). The offline backend is
deterministic: the same suites, configuration and seed give the same transcripts and scores
(except latency).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import re
import time
import uuid
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

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
from guidance_assistant.evals.scorers import ScoreContext, fairness_scores, score_case
from guidance_assistant.evals.suites import (
    OFFLINE,
    Case,
    InjectedDocument,
    RunConfig,
    Suite,
    load_suites,
)
from guidance_assistant.sources import Citation

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


_KNOWLEDGE: Any | None = None


@dataclass(frozen=True)
class KnowledgeSpec:
    """How a worker process gets its knowledge: the bundled index, a saved index re-opened from
    its folder, or a (picklable) object such as the test stub."""

    kind: str
    index_dir: Path | None = None
    settings: Any | None = None
    value: Any | None = None

    @classmethod
    def of(cls, knowledge: Any | None) -> KnowledgeSpec:
        if knowledge is None:
            return cls("bundled")
        from guidance_assistant.retrieval.knowledge_base import KnowledgeBase

        if isinstance(knowledge, KnowledgeBase):
            return cls("index", index_dir=knowledge.index_dir, settings=knowledge.settings)
        return cls("object", value=knowledge)

    def load(self) -> Any:
        from guidance_assistant.retrieval.knowledge_base import KnowledgeBase

        if self.kind == "bundled":
            return KnowledgeBase.bundled(progress=False)
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


def _init_worker(spec: KnowledgeSpec) -> None:
    global _KNOWLEDGE
    _KNOWLEDGE = spec.load()
    _warm(_KNOWLEDGE)


def _knowledge() -> Any:
    global _KNOWLEDGE
    if _KNOWLEDGE is None:
        _KNOWLEDGE = KnowledgeSpec("bundled").load()
    return _KNOWLEDGE


def _stored(text: str) -> str:
    if len(text) <= MAX_STORED_CHARS:
        return text
    return text[:MAX_STORED_CHARS] + f" […shortened: {len(text):,} characters in all]"


def run_case(
    suite: Suite, case: Case, config: RunConfig, *, seed: int, knowledge: Any
) -> CaseResult:
    """Play one scripted conversation through a session and score it."""
    from guidance_assistant.config import get_settings
    from guidance_assistant.dialogue import open_session

    started = time.perf_counter()
    today = case.today or suite.today
    source = DocumentOverlay(knowledge, case.documents) if case.documents else knowledge
    settings = get_settings(**config.settings) if config.settings else None
    transcript = CaseTranscript(case_id=case.id, profile=dict(case.profile), session_date=today)
    try:
        session = open_session(
            case.profile,
            backend=config.backend,
            knowledge=source,
            settings=settings,
            seed=config.seed if config.seed is not None else seed,
            today=today,
        )
        for index, message in enumerate(case.rendered_messages(), start=1):
            turn_started = time.perf_counter()
            turn = session.reply(message)
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
        scores=score_case(ctx),
        seconds=time.perf_counter() - started,
    )


def _run_task(suite: Suite, case: Case, config: RunConfig, seed: int) -> CaseResult:
    return run_case(suite, case, config, seed=seed, knowledge=_knowledge())


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


def run_suites(
    suite_paths: Sequence[Path] | None,
    configs: Sequence[RunConfig] | None = None,
    *,
    workers: int = 1,
    knowledge: Any | None = None,
    seed: int = 0,
    progress: bool = True,
) -> EvalRun:
    """Run every case of the suites at ``suite_paths`` (default: the bundled conversation
    suites) against every configuration (default: offline) and score it.

    ``knowledge``: what the sessions search (default: the bundled knowledge base, loaded once per
    worker; a given knowledge base is re-opened from its folder in each worker, any other
    object must pickle). ``workers`` > 1 runs cases in that many processes; results come back in suite order
    whatever order they finish in.
    """
    started = time.perf_counter()
    suites = load_suites(list(suite_paths) if suite_paths is not None else None)
    configs = list(configs) if configs else [OFFLINE]
    names = [c.name for c in configs]
    if len(set(names)) != len(names):
        raise ValueError(f"configuration names must be unique: {names}")
    tasks = [
        (suite, case, config) for config in configs for suite in suites for case in suite.cases
    ]
    results: list[CaseResult | None] = [None] * len(tasks)
    bar = tqdm(total=len(tasks), desc="conversations", unit="case", disable=not progress)
    workers = max(1, min(workers, len(tasks), os.cpu_count() or 1))
    try:
        if workers == 1:
            global _KNOWLEDGE
            _KNOWLEDGE = knowledge
            _warm(_knowledge())
            for number, (suite, case, config) in enumerate(tasks):
                results[number] = _run_task(suite, case, config, seed)
                bar.update()
        else:
            # Fresh (spawned) workers: forking a process whose embedding model has started
            # its threads can deadlock the children.
            with ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(KnowledgeSpec.of(knowledge),),
            ) as pool:
                futures = {
                    pool.submit(_run_task, suite, case, config, seed): number
                    for number, (suite, case, config) in enumerate(tasks)
                }
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    bar.update()
    finally:
        bar.close()
    done = [r for r in results if r is not None]
    _add_fairness(done)
    header = RunHeader(
        run_id=uuid.uuid4().hex[:12],
        timestamp=datetime.now(UTC),
        configs=configs,
        seed=seed,
        workers=workers,
        suites=[s.name for s in suites],
        wall_seconds=time.perf_counter() - started,
    )
    return EvalRun(header=header, results=done)
