"""The retrieval eval: labelled adviser questions, each with the source that answers it.

A question counts as answered at rank r when the r-th passage comes from one of its expected
sources and contains its phrase (case and whitespace ignored). Reported per search mode, in one
run, so hybrid search is always measured against BM25 alone and dense alone.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.paths import bundled_dir
from guidance_assistant.retrieval.knowledge_base import KnowledgeBase, Passage, SearchMode

_SPACE = re.compile(r"\s+")
DEPTH = 10


class SuiteError(GuidanceAssistantError):
    """An eval suite file that is missing or malformed."""


class RetrievalQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    question: str
    source: str | list[str]
    phrase: str

    @property
    def sources(self) -> list[str]:
        return [self.source] if isinstance(self.source, str) else self.source


class RetrievalSuite(BaseModel):
    model_config = ConfigDict(extra="forbid")
    suite: str = Field(pattern="^retrieval$")
    name: str
    questions: list[RetrievalQuestion]


def load_retrieval_suites(folder: Path | None = None) -> list[RetrievalSuite]:
    folder = folder or bundled_dir("evals") / "retrieval"
    suites = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            suites.append(RetrievalSuite.model_validate(yaml.safe_load(path.read_text("utf-8"))))
        except (yaml.YAMLError, ValidationError) as error:
            raise SuiteError(f"The retrieval suite {path} is not valid: {error}") from error
    if not suites:
        raise SuiteError(f"No retrieval suites (*.yaml) in {folder}.")
    ids = [q.id for s in suites for q in s.questions]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise SuiteError(f"Duplicate question ids in {folder}: {', '.join(duplicates)}")
    return suites


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip().lower()


def is_answer(passage: Passage, question: RetrievalQuestion) -> bool:
    return passage.source in question.sources and _norm(question.phrase) in _norm(passage.text)


class ModeScores(BaseModel):
    mode: str
    recall_at_1: float
    recall_at_5: float
    mrr: float
    ms_per_query: float
    ranks: dict[str, int | None]


class RetrievalReport(BaseModel):
    questions: int
    suites: list[str]
    modes: list[ModeScores]

    def by_mode(self) -> dict[str, ModeScores]:
        return {m.mode: m for m in self.modes}

    def render(self) -> str:
        lines = [
            f"Retrieval eval: {self.questions} questions ({', '.join(self.suites)})",
            f"{'mode':<16}{'recall@1':>10}{'recall@5':>10}{'MRR':>8}{'ms/query':>10}",
        ]
        for m in self.modes:
            lines.append(
                f"{m.mode:<16}{m.recall_at_1:>10.3f}{m.recall_at_5:>10.3f}{m.mrr:>8.3f}"
                f"{m.ms_per_query:>10.1f}"
            )
        modes = self.by_mode()
        hybrid = modes.get("hybrid")
        if hybrid and "bm25" in modes and "dense" in modes:
            best_single = max(modes["bm25"].recall_at_5, modes["dense"].recall_at_5)
            verdict = "beats" if hybrid.recall_at_5 > best_single else "does NOT beat"
            lines.append(
                f"hybrid recall@5 {hybrid.recall_at_5:.3f} {verdict} the best single index "
                f"({best_single:.3f})"
            )
            missed = sorted(q for q, r in hybrid.ranks.items() if r is None or r > 5)
            if missed:
                lines.append(f"hybrid misses at 5: {', '.join(missed)}")
        return "\n".join(lines)


ALL_MODES: list[tuple[str, SearchMode, str | None]] = [
    ("bm25", "bm25", None),
    ("dense", "dense", None),
    ("hybrid-rrf", "hybrid", "rrf"),
    ("hybrid", "hybrid", None),  # the configured fusion (convex by default)
]


def evaluate_retrieval(kb: KnowledgeBase, suites: list[RetrievalSuite]) -> RetrievalReport:
    """Score every search mode on every question of ``suites``."""
    questions = [q for s in suites for q in s.questions]
    if not questions:
        raise SuiteError("The retrieval suites hold no questions.")
    results = []
    for label, mode, fusion in ALL_MODES:
        ranks: dict[str, int | None] = {}
        started = time.perf_counter()
        for question in questions:
            passages = kb.search(question.question, k=DEPTH, mode=mode, fusion=fusion)
            ranks[question.id] = next(
                (i for i, p in enumerate(passages, start=1) if is_answer(p, question)), None
            )
        elapsed = time.perf_counter() - started
        n = len(questions)
        results.append(
            ModeScores(
                mode=label,
                recall_at_1=sum(r == 1 for r in ranks.values()) / n,
                recall_at_5=sum(r is not None and r <= 5 for r in ranks.values()) / n,
                mrr=sum(1 / r for r in ranks.values() if r) / n,
                ms_per_query=1000 * elapsed / n,
                ranks=ranks,
            )
        )
    return RetrievalReport(questions=len(questions), suites=[s.name for s in suites], modes=results)
