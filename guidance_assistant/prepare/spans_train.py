"""Train the span head of the notes reader (:mod:`guidance_assistant.prepare.spans`).

``python -m guidance_assistant.prepare.spans_train`` (or ``make spans``) reads
``knowledge/notes/spans/*.yaml`` (never ``evals/brief``), cuts every clause into its candidate
phrases, labels each from the marked spans, chooses the regularisation by 5-fold cross-validation
grouped by clause (seed 0) and, per label, the lowest probability at which the spans it keeps are
right at least :data:`PRECISION_AIM` of the time out of fold (decoded as the reader decodes them),
refits on the whole bank and writes ``spans_model/``.
"""

from __future__ import annotations

import argparse
import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from guidance_assistant.prepare.spans import (
    HEAD_LABELS,
    SPAN_LABELS,
    BankSpanClause,
    Candidate,
    MarkedSpan,
    SpanWeights,
    candidate_label,
    candidates,
    decode,
    feature_matrix,
    load_span_bank,
    span_bank_files,
)
from guidance_assistant.retrieval.embedding import Embedder

PRECISION_AIM = 0.8
FOLDS = 5
C_GRID = (0.25, 1.0, 4.0)
Probs = npt.NDArray[np.float64]


def _fit(x: npt.NDArray[np.float32], y: npt.NDArray[np.int64], c: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x, y)


def _out_of_fold(
    x: npt.NDArray[np.float32], y: npt.NDArray[np.int64], groups: npt.NDArray[np.int64], c: float
) -> Probs:
    from sklearn.model_selection import GroupKFold

    probs = np.zeros((len(y), len(HEAD_LABELS)))
    for train, test in GroupKFold(FOLDS).split(x, y, groups):
        model = _fit(x[train], y[train], c)
        probs[np.ix_(test, model.classes_)] = model.predict_proba(x[test])
    return probs


def _spans_found(
    bank: list[BankSpanClause],
    per_clause: list[list[Candidate]],
    probs: Probs,
    thresholds: dict[str, float],
) -> dict[str, tuple[int, int, int]]:
    """Per label: (right, found, marked) over the bank, decoded as the reader decodes."""
    counts = {label: [0, 0, 0] for label in SPAN_LABELS}
    k = 0
    for clause, cands in zip(bank, per_clause, strict=True):
        rows = probs[k : k + len(cands)]
        k += len(cands)
        for span in clause.spans:
            counts[span.label][2] += 1
        for reading in decode(clause.text, cands, rows, HEAD_LABELS, thresholds):
            counts[reading.label][1] += 1
            place = Candidate(reading.start, reading.end, reading.text, ())
            if candidate_label(place, clause.spans, clause.text) == reading.label:
                counts[reading.label][0] += 1
    return {label: (r, f, m) for label, (r, f, m) in counts.items()}


def _f1(right: int, found: int, marked: int) -> float:
    return 2 * right / (found + marked) if found + marked else 0.0


def _thresholds(
    bank: list[BankSpanClause], per_clause: list[list[Candidate]], probs: Probs
) -> dict[str, float]:
    """Per label, the lowest threshold whose out-of-fold precision reaches the aim."""
    chosen: dict[str, float] = {}
    for label in SPAN_LABELS:
        chosen[label] = 0.95
        for threshold in np.arange(0.30, 0.96, 0.01):
            trial: dict[str, float] = {str(other): 1.1 for other in SPAN_LABELS}
            trial[label] = float(threshold)
            right, found, _ = _spans_found(bank, per_clause, probs, trial)[label]
            if found and right / found >= PRECISION_AIM:
                chosen[label] = round(float(threshold), 2)
                break
    return chosen


def clause_bank_spans() -> list[BankSpanClause]:
    """The clause bank of :mod:`.clauses` (``knowledge/notes/clauses``, also written for this
    project) as marked clauses: each item of an interest, strength or idea clause that its text
    holds word for word is a span; the items of the other clauses are none."""
    from guidance_assistant.prepare.clauses import load_bank

    found: list[BankSpanClause] = []
    for clause in load_bank():
        spans: list[MarkedSpan] = []
        if clause.label in SPAN_LABELS:
            for item in clause.items:
                match = re.search(rf"(?<!\w){re.escape(item)}(?!\w)", clause.text, re.I)
                if match is None:
                    break
                spans.append(MarkedSpan(clause.label, match.start(), match.end()))
            else:
                found.append(BankSpanClause(clause.text, tuple(spans), "clauses"))
        else:
            found.append(BankSpanClause(clause.text, (), "clauses"))
    return found


def train(embedder: Embedder, bank: list[BankSpanClause]) -> SpanWeights:
    per_clause = [candidates(clause.text) for clause in bank]
    x = feature_matrix(embedder, [c.text for c in bank], per_clause)
    y = np.asarray(
        [
            HEAD_LABELS.index(candidate_label(cand, clause.spans, clause.text))
            for clause, cands in zip(bank, per_clause, strict=True)
            for cand in cands
        ],
        dtype=np.int64,
    )
    groups = np.asarray([i for i, cands in enumerate(per_clause) for _ in cands], dtype=np.int64)
    by_c: dict[float, float] = {}
    oof: dict[float, Probs] = {}
    for c in C_GRID:
        oof[c] = _out_of_fold(x, y, groups, c)
        counts = _spans_found(bank, per_clause, oof[c], dict.fromkeys(map(str, SPAN_LABELS), 0.0))
        by_c[c] = float(np.mean([_f1(*counts[label]) for label in SPAN_LABELS]))
    c_best = max(by_c, key=lambda c: by_c[c])
    thresholds = _thresholds(bank, per_clause, oof[c_best])
    at = _spans_found(bank, per_clause, oof[c_best], thresholds)
    model = _fit(x, y, c_best)
    w = np.zeros((len(HEAD_LABELS), x.shape[1]), dtype=np.float32)
    b = np.full(len(HEAD_LABELS), -1e4, dtype=np.float32)
    w[model.classes_] = model.coef_
    b[model.classes_] = model.intercept_
    fingerprint = hashlib.sha256(
        "\n".join(f"{c.text}\t{c.spans}" for c in bank).encode("utf-8")
    ).hexdigest()[:12]
    card = {
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": "multinomial logistic regression (scikit-learn, balanced) over MiniLM "
        "embeddings of the phrase and its clause, with place features",
        "files": [p.name for p in span_bank_files()],
        "clauses": len(bank),
        "candidates": len(y),
        "spans": sum(len(c.spans) for c in bank),
        "fingerprint": fingerprint,
        "C": c_best,
        "cv_span_f1_by_C": {str(c): round(v, 4) for c, v in by_c.items()},
        "cv_at_thresholds": {
            label: {
                "precision": round(r / f, 4) if f else None,
                "recall": round(r / m, 4) if m else None,
            }
            for label, (r, f, m) in at.items()
        },
    }
    return SpanWeights(w=w, b=b, labels=HEAD_LABELS, thresholds=thresholds, card=card)


class CachedEmbedder:
    """An embedder that keeps its vectors in a file between runs (retraining after a change to
    the candidates or the bank embeds only the new texts)."""

    def __init__(self, embedder: Embedder, path: Path) -> None:
        self.embedder = embedder
        self.name = embedder.name
        self.dimension = embedder.dimension
        self.path = path
        self.vectors: dict[str, npt.NDArray[np.float32]] = {}
        if path.is_file():
            with np.load(path) as data:
                self.vectors = dict(zip(data["texts"].tolist(), data["vectors"], strict=True))

    def embed(self, texts: list[str], *, progress: bool = False) -> npt.NDArray[np.float32]:
        new = [t for t in dict.fromkeys(texts) if t not in self.vectors]
        if new:
            vectors = np.asarray(self.embedder.embed(new, progress=progress), dtype=np.float32)
            self.vectors.update(zip(new, vectors, strict=True))
            texts_all = list(self.vectors)
            np.savez(
                self.path,
                texts=np.asarray(texts_all),
                vectors=np.vstack([self.vectors[t] for t in texts_all]),
            )
        return np.vstack([self.vectors[t] for t in texts])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, help="a file to keep the embeddings in between runs")
    parser.add_argument(
        "--with-clause-bank", action="store_true", help="add knowledge/notes/clauses as spans"
    )
    args = parser.parse_args(argv)
    from guidance_assistant.config import get_settings
    from guidance_assistant.retrieval.embedding import load_embedder

    bank = load_span_bank()
    if args.with_clause_bank:
        bank += clause_bank_spans()
    embedder: Embedder = load_embedder(get_settings().embedding_model)
    if args.cache:
        embedder = CachedEmbedder(embedder, args.cache)
    weights = train(embedder, bank)
    weights.save()
    print(f"trained on {len(bank)} clauses: {weights.card}")
    print(f"thresholds {weights.thresholds}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
