"""Train the clause head of the notes reader (:mod:`guidance_assistant.prepare.clauses`).

``python -m guidance_assistant.prepare.clauses_train`` reads ``knowledge/notes/clauses/*.yaml``
(never ``evals/brief``), chooses the regularisation and the threshold by 5-fold cross-validation on
that bank (seed 0), refits on all of it and writes ``clauses_model/``. The threshold is the lowest
probability at which the clauses given a label are right at least :data:`PRECISION_AIM` of the
time out of fold (the rules beside it are precise; the head adds recall without flooding a
brief with noise).
"""

from __future__ import annotations

import argparse
import hashlib
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from guidance_assistant.prepare.clauses import (
    CLAUSE_LABELS,
    BankClause,
    ClauseWeights,
    bank_files,
    load_bank,
)
from guidance_assistant.retrieval.embedding import Embedder

PRECISION_AIM = 0.85
FOLDS = 5
C_GRID = (1.0, 4.0, 16.0)


def _fit(x: npt.NDArray[np.float32], y: npt.NDArray[np.int64], c: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit(x, y)


def _out_of_fold(
    x: npt.NDArray[np.float32], y: npt.NDArray[np.int64], c: float
) -> npt.NDArray[np.float64]:
    from sklearn.model_selection import StratifiedKFold

    probs = np.zeros((len(y), len(CLAUSE_LABELS)))
    for train, test in StratifiedKFold(FOLDS, shuffle=True, random_state=0).split(x, y):
        model = _fit(x[train], y[train], c)
        probs[np.ix_(test, model.classes_)] = model.predict_proba(x[test])
    return probs


def _macro_f1(y: npt.NDArray[np.int64], pred: npt.NDArray[np.int64]) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(y, pred, average="macro"))


def _threshold(
    probs: npt.NDArray[np.float64], y: npt.NDArray[np.int64]
) -> tuple[float, float, float]:
    """(threshold, precision, recall) over the labels other than ``other``."""
    other = CLAUSE_LABELS.index("other")
    best = probs.argmax(axis=1)
    top = probs.max(axis=1)
    wanted = y != other
    for threshold in np.arange(0.30, 0.96, 0.01):
        given = (best != other) & (top >= threshold)
        if not given.any():
            break
        precision = float((best[given] == y[given]).mean())
        if precision >= PRECISION_AIM:
            recall = float(((best == y) & given & wanted).sum() / max(wanted.sum(), 1))
            return round(float(threshold), 2), precision, recall
    return 0.95, 0.0, 0.0


def train(embedder: Embedder, bank: list[BankClause]) -> ClauseWeights:
    x = np.asarray(embedder.embed([c.text for c in bank], progress=True), dtype=np.float32)
    y = np.asarray([CLAUSE_LABELS.index(c.label) for c in bank], dtype=np.int64)
    scores = {c: _macro_f1(y, _out_of_fold(x, y, c).argmax(axis=1)) for c in C_GRID}
    c_best = max(scores, key=lambda c: scores[c])
    probs = _out_of_fold(x, y, c_best)
    threshold, precision, recall = _threshold(probs, y)
    model = _fit(x, y, c_best)
    w = np.zeros((len(CLAUSE_LABELS), x.shape[1]), dtype=np.float32)
    b = np.full(len(CLAUSE_LABELS), -1e4, dtype=np.float32)
    w[model.classes_] = model.coef_
    b[model.classes_] = model.intercept_
    fingerprint = hashlib.sha256(
        "\n".join(f"{c.label}\t{c.text}" for c in bank).encode("utf-8")
    ).hexdigest()[:12]
    card = {
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": "multinomial logistic regression (scikit-learn, balanced) over MiniLM embeddings",
        "files": [p.name for p in bank_files()],
        "clauses": len(bank),
        "fingerprint": fingerprint,
        "C": c_best,
        "cv_macro_f1_by_C": {str(c): round(v, 4) for c, v in scores.items()},
        "cv_precision_at_threshold": round(precision, 4),
        "cv_recall_at_threshold": round(recall, 4),
    }
    return ClauseWeights(w=w, b=b, labels=CLAUSE_LABELS, threshold=threshold, card=card)


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    from guidance_assistant.config import get_settings
    from guidance_assistant.retrieval.embedding import load_embedder

    bank = load_bank()
    weights = train(load_embedder(get_settings().embedding_model), bank)
    weights.save()
    print(f"trained on {len(bank)} clauses: {weights.card}")
    print(f"threshold {weights.threshold}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
