"""The retrieval eval on queries in users' words (``evals/retrieval/users``).

The queries were written by people who never saw the search code, as pupils, parents, adults
changing career, advisers, careers leaders and people with English as an additional language
type them, each labelled with the passages that answer it; they are split into ``dev`` (for
tuning) and ``test`` (for measuring only).

A query is answered at rank r when the r-th passage comes from one of its answers' sources and
contains that answer's phrase (case and whitespace ignored: the rule of
:func:`guidance_assistant.evals.retrieval.is_answer`). Measures, for BM25 alone, dense alone and
the hybrid, in one run over the same index:

* recall@5: the share of queries answered in the first five passages;
* MRR@5: the mean of 1/r for the first answering passage at r <= 5 (0 when none);
* nDCG@10: binary gain (1 for every answering passage in the first ten), ideal DCG from the
  number of passages in the index that answer the query (at most ten), so a search that finds
  every labelled passage scores 1 and one that finds a single one of three scores less.
"""

from __future__ import annotations

import math
import os
import platform
import re
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from guidance_assistant.evals.retrieval import SuiteError
from guidance_assistant.paths import REPO_ROOT, bundled_dir
from guidance_assistant.retrieval.knowledge_base import KnowledgeBase, Passage

Who = Literal["pupil", "parent", "adult", "adviser", "leader", "eal"]
Kind = Literal["job", "route", "concept", "leadership", "practice"]
DEPTH = 10
_SPACE = re.compile(r"\s+")


class UserAnswer(BaseModel):
    """A passage that answers a query: its source and a phrase inside it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str = Field(min_length=1)
    phrase: str = Field(min_length=3)


class UserQuery(BaseModel):
    """A query as a user typed it, who typed it, what kind of question it is, its answers."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(min_length=1)
    query: str = Field(min_length=1)
    who: Who
    kind: Kind
    answers: list[UserAnswer] = Field(min_length=1)


class UserSplit(BaseModel):
    """One split (``dev`` or ``test``) of the users' queries."""

    model_config = ConfigDict(extra="forbid")
    suite: Literal["retrieval-users"]
    split: Literal["dev", "test"]
    writer: str | None = None
    queries: list[UserQuery] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> UserSplit:
        ids = [q.id for q in self.queries]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate query ids: {', '.join(duplicates)}")
        return self


def users_folder() -> Path:
    return bundled_dir("evals") / "retrieval" / "users"


def load_user_split(split: str | Path) -> UserSplit:
    """The split ``dev`` or ``test`` of ``evals/retrieval/users``, or the file at a path."""
    path = users_folder() / f"{split}.yaml" if split in ("dev", "test") else Path(split)
    if not path.is_file():
        raise SuiteError(f"No users' query file at {path} (give dev, test or a YAML path).")
    try:
        return UserSplit.model_validate(yaml.safe_load(path.read_text("utf-8")))
    except (yaml.YAMLError, ValidationError) as error:
        raise SuiteError(f"The users' query file {path} is not valid: {error}") from error


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip().lower()


def answers(source: str, text: str, query: UserQuery) -> bool:
    """Whether a passage (its source and text) answers ``query`` (the eval's one rule)."""
    body = _norm(text)
    return any(a.source == source and _norm(a.phrase) in body for a in query.answers)


def is_user_answer(passage: Passage, query: UserQuery) -> bool:
    return answers(passage.source, passage.text, query)


def answer_count(kb: KnowledgeBase, query: UserQuery) -> int:
    """How many passages in the index answer ``query``."""
    rows = kb.passage_texts({a.source for a in query.answers})
    return sum(answers(source, text, query) for source, text in rows)


#: A search under test: (query, k) -> passages, best first.
SearchFn = Callable[[str, int], list[Passage]]


def default_searches(kb: KnowledgeBase) -> list[tuple[str, SearchFn]]:
    """BM25 alone, dense alone and the hybrid as ``KnowledgeBase.search`` does it."""
    return [
        ("bm25", lambda q, k: kb.search(q, k=k, mode="bm25")),
        ("dense", lambda q, k: kb.search(q, k=k, mode="dense")),
        ("hybrid", lambda q, k: kb.search(q, k=k)),
    ]


@dataclass
class QueryOutcome:
    rank: int | None  # of the first answering passage in the first DEPTH, else None
    gains: list[bool]  # answering or not, for each of the first DEPTH passages
    ideal: int  # passages in the index that answer the query (capped at DEPTH)
    seconds: float
    top: list[str]  # the sources of the first five passages

    @property
    def hit5(self) -> bool:
        return self.rank is not None and self.rank <= 5

    @property
    def rr5(self) -> float:
        return 1 / self.rank if self.rank is not None and self.rank <= 5 else 0.0

    @property
    def ndcg10(self) -> float:
        if self.ideal == 0:
            return 0.0
        dcg = sum(1 / math.log2(i + 2) for i, g in enumerate(self.gains) if g)
        idcg = sum(1 / math.log2(i + 2) for i in range(min(self.ideal, DEPTH)))
        return dcg / idcg


@dataclass
class ModeResult:
    mode: str
    outcomes: dict[str, QueryOutcome] = field(default_factory=dict)

    def scores(self, ids: Sequence[str] | None = None) -> tuple[float, float, float]:
        """recall@5, MRR@5 and nDCG@10 over ``ids`` (default: every query)."""
        chosen = [self.outcomes[i] for i in ids] if ids is not None else [*self.outcomes.values()]
        n = len(chosen) or 1
        return (
            sum(o.hit5 for o in chosen) / n,
            sum(o.rr5 for o in chosen) / n,
            sum(o.ndcg10 for o in chosen) / n,
        )

    @property
    def p50_ms(self) -> float:
        return 1000 * statistics.median(o.seconds for o in self.outcomes.values())

    @property
    def mean_ms(self) -> float:
        return 1000 * statistics.fmean(o.seconds for o in self.outcomes.values())


def evaluate_search(
    search: SearchFn, mode: str, queries: Sequence[UserQuery], ideals: dict[str, int]
) -> ModeResult:
    """Run ``search`` on every query and record where its answers came."""
    result = ModeResult(mode)
    for query in queries:
        started = time.perf_counter()
        passages = search(query.query, DEPTH)
        elapsed = time.perf_counter() - started
        gains = [is_user_answer(p, query) for p in passages[:DEPTH]]
        rank = next((i for i, g in enumerate(gains, start=1) if g), None)
        result.outcomes[query.id] = QueryOutcome(
            rank=rank,
            gains=gains,
            ideal=ideals[query.id],
            seconds=elapsed,
            top=[p.source for p in passages[:5]],
        )
    return result


def run_note() -> str:
    """Today's date, the commit (``+changes`` when the search code differs from it) and the
    machine, for the record above the table."""
    commit = "unknown commit"
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        changed = subprocess.run(
            [
                "git",
                "-C",
                str(REPO_ROOT),
                "status",
                "--porcelain",
                "--",
                "guidance_assistant/retrieval",
                "guidance_assistant/text",
                "knowledge/retrieval",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        commit = f"commit {head}{' +changes in the search code' if changed else ''}"
    except (OSError, subprocess.SubprocessError):
        pass
    machine = f"{platform.node()}, {os.cpu_count()} CPUs, {platform.machine()} {platform.system()}"
    return f"{date.today().isoformat()}, {commit}, {machine}"


@dataclass
class UsersReport:
    split: UserSplit
    modes: list[ModeResult]
    passages: int
    note: str

    def render(self, *, misses: int = 0) -> str:
        queries = self.split.queries
        unfindable = [q.id for q in queries if self.modes[0].outcomes[q.id].ideal == 0]
        lines = [
            f"Retrieval eval, users' queries, split {self.split.split}: {len(queries)} queries, "
            f"{self.passages:,} passages in the index",
            f"({self.note})",
            "",
            f"{'search':<12}{'recall@5':>9}{'MRR@5':>8}{'nDCG@10':>9}{'p50 ms':>8}{'mean ms':>9}",
        ]
        for m in self.modes:
            r5, mrr, ndcg = m.scores()
            lines.append(
                f"{m.mode:<12}{r5:>9.3f}{mrr:>8.3f}{ndcg:>9.3f}{m.p50_ms:>8.1f}{m.mean_ms:>9.1f}"
            )
        if unfindable:
            lines.append(f"no passage in the index answers: {', '.join(unfindable)}")
        hybrid = self.modes[-1]
        for label, key in (("kind", "kind"), ("who", "who")):
            groups: dict[str, list[str]] = {}
            for q in queries:
                groups.setdefault(getattr(q, key), []).append(q.id)
            lines += ["", f"By {label} ({hybrid.mode}: recall@5 MRR@5 nDCG@10; others: R@5 MRR@5)"]
            head = f"{label:<12}{'n':>4}{hybrid.mode:>22}"
            head += "".join(f"{m.mode:>16}" for m in self.modes[:-1])
            lines.append(head)
            for name, ids in sorted(groups.items()):
                r5, mrr, ndcg = hybrid.scores(ids)
                row = f"{name:<12}{len(ids):>4}{r5:>8.3f}{mrr:>7.3f}{ndcg:>7.3f}"
                for m in self.modes[:-1]:
                    mr5, mmrr, _ = m.scores(ids)
                    row += f"{mr5:>9.3f}{mmrr:>7.3f}"
                lines.append(row)
        if misses:
            missed = [q for q in queries if not hybrid.outcomes[q.id].hit5]
            lines += ["", f"{hybrid.mode} misses at 5: {len(missed)} (first {misses})"]
            for q in missed[:misses]:
                o = hybrid.outcomes[q.id]
                others = ", ".join(
                    f"{m.mode} {m.outcomes[q.id].rank or '-'}" for m in self.modes[:-1]
                )
                lines.append(f"- {q.id} [{q.kind}, {q.who}] {q.query!r}")
                lines.append(
                    f"    rank {o.rank or '>' + str(DEPTH)} ({others}); wants "
                    f"{sorted({a.source for a in q.answers})}; got {o.top}"
                )
        return "\n".join(lines)


def evaluate_users(
    kb: KnowledgeBase,
    split: UserSplit,
    searches: list[tuple[str, SearchFn]] | None = None,
) -> UsersReport:
    """Score each search (default: BM25, dense, hybrid) on every query of ``split``."""
    searches = searches or default_searches(kb)
    ideals = {q.id: answer_count(kb, q) for q in split.queries}
    for _, search in searches:  # load the encoder and warm the indexes before timing
        search(split.queries[0].query, DEPTH)
    modes = [evaluate_search(s, name, split.queries, ideals) for name, s in searches]
    return UsersReport(split=split, modes=modes, passages=len(kb), note=run_note())


# -- choosing the fusion on the dev split -------------------------------------------------------

#: The grid searched: (fusion, dense weight, BM25 weight, job weight, RRF constant).
FusionPoint = tuple[str, float, float, float, int]


def fusion_grid_points() -> list[FusionPoint]:
    points: list[FusionPoint] = []
    for dense, sparse in ((1.0, 1.0), (1.0, 0.5), (1.0, 0.75), (1.0, 0.3), (0.75, 1.0)):
        for job in (0.0, 0.25, 0.5, 0.75, 1.0, 1.5):
            points.append(("convex", dense, sparse, job, 0))
            for rrf_k in (10, 30, 60):
                points.append(("rrf", dense, sparse, job, rrf_k))
    return points


def fusion_grid(kb: KnowledgeBase, split: UserSplit, *, top: int = 15) -> str:
    """recall@5, MRR@5 and nDCG@10 of the hybrid at each point of :func:`fusion_grid_points`
    on ``split`` (the rankings are computed once per query, then fused at every point), best
    first by recall@5 then MRR@5; refuses the test split, which is for measuring only."""
    from guidance_assistant.retrieval.fusion import convex_fusion, reciprocal_rank_fusion
    from guidance_assistant.retrieval.query import clean_query
    from guidance_assistant.retrieval.understanding import understand

    if split.split != "dev":
        raise SuiteError("The fusion is chosen on the dev split only; the test split measures.")
    depth = max(DEPTH, kb.settings.candidates)
    cached = {
        q.id: kb.rankings(
            understand(clean_query(q.query, kb.settings.max_query_chars)), "hybrid", None, depth
        )
        for q in split.queries
    }
    ideals = {q.id: answer_count(kb, q) for q in split.queries}
    rows: list[tuple[float, float, float, FusionPoint, dict[str, float]]] = []
    for point in fusion_grid_points():
        fusion, dense, sparse, job, rrf_k = point
        weights = {"dense": dense, "bm25": sparse, "job": job}
        result = ModeResult("grid")
        for q in split.queries:
            rankings = cached[q.id]
            names = [n for n in ("dense", "bm25", "job") if n in rankings and weights[n] > 0]
            lists = [rankings[n] for n in names]
            w = [weights[n] for n in names]
            scored = (
                convex_fusion(lists, weights=w)
                if fusion == "convex"
                else reciprocal_rank_fusion(lists, k=rrf_k, weights=w)
            )
            gains = [
                answers(kb.passage_source(r), kb.passage_text(r), q) for r, _ in scored[:DEPTH]
            ]
            rank = next((i for i, g in enumerate(gains, start=1) if g), None)
            result.outcomes[q.id] = QueryOutcome(rank, gains, ideals[q.id], 0.0, [])
        r5, mrr, ndcg = result.scores()
        kinds: dict[str, float] = {}
        for kind in ("job", "route", "concept", "leadership", "practice"):
            ids = [q.id for q in split.queries if q.kind == kind]
            kinds[kind] = result.scores(ids)[0]
        rows.append((r5, mrr, ndcg, point, kinds))
    rows.sort(key=lambda r: (-r[0], -r[1]))
    lines = [
        f"Fusion grid on split {split.split} ({len(rows)} points; {run_note()})",
        f"{'fusion':<8}{'dense':>6}{'bm25':>6}{'job':>6}{'rrf_k':>6}{'R@5':>7}{'MRR@5':>7}"
        f"{'nDCG':>7}  R@5 by kind (job route concept leadership practice)",
    ]
    for r5, mrr, ndcg, (fusion, dense, sparse, job, rrf_k), kinds in rows[:top]:
        lines.append(
            f"{fusion:<8}{dense:>6.2f}{sparse:>6.2f}{job:>6.2f}{rrf_k or '-':>6}{r5:>7.3f}"
            f"{mrr:>7.3f}{ndcg:>7.3f}  " + " ".join(f"{v:.2f}" for v in kinds.values())
        )
    return "\n".join(lines)
