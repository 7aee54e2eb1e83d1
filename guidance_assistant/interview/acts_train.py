"""Train and measure the learned act reader (:mod:`guidance_assistant.interview.acts`).

``python -m guidance_assistant.interview.acts_train`` rewrites ``acts_model/``; with
``--measure`` it only measures. In order:

1. Reads the bank in ``evals/interview/acts/``: ``dev-*.yaml`` (training), ``validation.yaml``
   (choosing the regularisation and each act's threshold), ``test-*.yaml`` (measuring only: never
   trained or tuned on). Every item was written for this project by writers who never saw the
   reader.
2. Fits one logistic head per act (scikit-learn, balanced class weights) on the development
   split for each candidate ``C``; keeps the ``C`` with the best macro F1 on validation at a 0.5
   threshold, then for each act the threshold in 0.2-0.8 with the best F1 on validation.
3. Measures on the test split: per-act precision, recall and F1 of the learned reader, and, at the
   level of the rules' intents (:data:`~guidance_assistant.interview.acts.ACT_INTENTS`), the
   rules' reader (:func:`~guidance_assistant.interview.reading.analyse_message`) beside the learned
   one.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml
from pydantic import BaseModel, ConfigDict, Field

from guidance_assistant.interview.acts import (
    ACT_INTENTS,
    ACTS,
    MODEL_DIR,
    Act,
    ActReader,
    ActWeights,
    features,
)
from guidance_assistant.paths import REPO_ROOT
from guidance_assistant.retrieval.embedding import Embedder

BANK_DIR = REPO_ROOT / "evals" / "interview" / "acts"
C_CANDIDATES = (2.0, 8.0, 32.0)
THRESHOLDS = tuple(round(0.2 + 0.05 * i, 2) for i in range(13))


class ActItem(BaseModel):
    """One labelled client utterance."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    id: str
    style: str = Field("", alias="register", description="The register it was written in.")
    after: str | None = None
    text: str
    acts: list[Act] = Field(min_length=1)


def load_items(paths: Sequence[Path]) -> list[ActItem]:
    items: list[ActItem] = []
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        items.extend(ActItem.model_validate(raw) for raw in data["items"])
    return items


def split(name: str, folder: Path = BANK_DIR) -> list[ActItem]:
    """``dev``, ``validation`` or ``test``."""
    pattern = {"dev": "dev-*.yaml", "validation": "validation.yaml", "test": "test-*.yaml"}[name]
    paths = sorted(folder.glob(pattern))
    if not paths:
        raise FileNotFoundError(f"no {pattern} in {folder}")
    return load_items(paths)


def labels(items: Sequence[ActItem], acts: Sequence[str] = ACTS) -> npt.NDArray[np.int_]:
    return np.array([[a in item.acts for a in acts] for item in items], dtype=int)


def _f1(truth: npt.NDArray[Any], predicted: npt.NDArray[Any]) -> tuple[float, float, float]:
    tp = float(np.sum(truth & predicted))
    precision = tp / max(1.0, float(predicted.sum()))
    recall = tp / max(1.0, float(truth.sum()))
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _fit(x: npt.NDArray[Any], y: npt.NDArray[Any], c: float) -> tuple[Any, Any]:
    from sklearn.linear_model import LogisticRegression

    w = np.zeros((y.shape[1], x.shape[1]), dtype=np.float32)
    b = np.zeros(y.shape[1], dtype=np.float32)
    for j in range(y.shape[1]):
        if y[:, j].min() == y[:, j].max():  # an act never (or always) seen: never predicted
            b[j] = -20.0 if y[0, j] == 0 else 20.0
            continue
        head = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
        head.fit(x, y[:, j])
        w[j], b[j] = head.coef_[0], head.intercept_[0]
    return w, b


def _fingerprint(items: Sequence[ActItem]) -> str:
    digest = hashlib.sha256()
    for item in items:
        digest.update(f"{item.after}\x1f{item.text}\x1f{','.join(item.acts)}\x1e".encode())
    return digest.hexdigest()[:12]


def train(embedder: Embedder, *, progress: bool = True) -> ActWeights:
    dev, validation = split("dev"), split("validation")
    say = print if progress else (lambda *a, **k: None)
    say(f"embedding {len(dev)} development and {len(validation)} validation items")
    x_dev = features(embedder, [i.text for i in dev], [i.after for i in dev])
    x_val = features(embedder, [i.text for i in validation], [i.after for i in validation])
    y_dev, y_val = labels(dev), labels(validation)
    best: tuple[float, float, Any, Any] | None = None
    for c in C_CANDIDATES:
        w, b = _fit(x_dev, y_dev, c)
        weights = ActWeights(w, b, np.full(len(ACTS), 0.5, dtype=np.float32), ACTS, {})
        predicted = weights.probabilities(x_val) >= 0.5
        macro = float(np.mean([_f1(y_val[:, j], predicted[:, j])[2] for j in range(len(ACTS))]))
        say(f"C={c:g}: validation macro F1 {macro:.3f}")
        if best is None or macro > best[0]:
            best = (macro, c, w, b)
    assert best is not None
    macro, c, w, b = best
    probs = ActWeights(w, b, np.zeros(len(ACTS), dtype=np.float32), ACTS, {}).probabilities(x_val)
    thresholds = np.full(len(ACTS), 0.5, dtype=np.float32)
    for j in range(len(ACTS)):
        if y_val[:, j].sum() == 0:
            continue
        scored = [(_f1(y_val[:, j], probs[:, j] >= t)[2], -abs(t - 0.5), t) for t in THRESHOLDS]
        thresholds[j] = max(scored)[2]
    tuned = probs >= thresholds
    card = {
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": "one logistic head per act (scikit-learn, balanced) over MiniLM features",
        "C": c,
        "train_items": len(dev),
        "train_fingerprint": _fingerprint(dev),
        "validation_items": len(validation),
        "validation_macro_f1_at_0_5": round(macro, 4),
        "validation_macro_f1_tuned": round(
            float(np.mean([_f1(y_val[:, j], tuned[:, j])[2] for j in range(len(ACTS))])), 4
        ),
    }
    return ActWeights(w, b, thresholds, ACTS, card)


class ActScore(BaseModel):
    act: str
    support: int
    precision: float
    recall: float
    f1: float


class ActsReport(BaseModel):
    items: int
    learned: list[ActScore]
    learned_macro_f1: float
    learned_micro_f1: float
    intents_learned: list[ActScore]
    intents_rules: list[ActScore]
    intents_both: list[ActScore]


def _scores(
    names: Sequence[str], truth: npt.NDArray[Any], predicted: npt.NDArray[Any]
) -> list[ActScore]:
    out = []
    for j, name in enumerate(names):
        p, r, f = _f1(truth[:, j].astype(bool), predicted[:, j].astype(bool))
        out.append(ActScore(act=name, support=int(truth[:, j].sum()), precision=p, recall=r, f1=f))
    return out


def _intent_matrix(rows: Sequence[Sequence[str]], intents: Sequence[str]) -> npt.NDArray[Any]:
    return np.array([[i in row for i in intents] for row in rows], dtype=bool)


def measure(reader: ActReader, items: Sequence[ActItem]) -> ActsReport:
    """Per-act figures of the learned reader, and per-intent figures of the rules beside it."""
    from guidance_assistant.interview.reading import analyse_message

    readings = reader.read_many([i.text for i in items], [i.after for i in items])
    truth = labels(items, reader.weights.acts).astype(bool)
    predicted = np.array([[a in r.acts for a in reader.weights.acts] for r in readings])
    learned = _scores(reader.weights.acts, truth, predicted)
    tp = float(np.sum(truth & predicted))
    micro = 2 * tp / max(1.0, float(truth.sum() + predicted.sum()))
    intents = sorted(set(ACT_INTENTS.values()))
    gold = [[ACT_INTENTS[a] for a in i.acts if a in ACT_INTENTS] for i in items]
    by_learned = [[ACT_INTENTS[a] for a in r.acts if a in ACT_INTENTS] for r in readings]
    by_rules = [list(analyse_message(i.text).intents) for i in items]
    gold_m = _intent_matrix(gold, intents)
    learned_m = _intent_matrix(by_learned, intents)
    rules_m = _intent_matrix(by_rules, intents)
    return ActsReport(
        items=len(items),
        learned=learned,
        learned_macro_f1=float(np.mean([s.f1 for s in learned if s.support])),
        learned_micro_f1=micro,
        intents_learned=_scores(intents, gold_m, learned_m),
        intents_rules=_scores(intents, gold_m, rules_m),
        intents_both=_scores(intents, gold_m, learned_m | rules_m),
    )


def render(report: ActsReport, title: str) -> str:
    lines = [f"{title}: {report.items} items"]
    lines.append(
        f"learned reader: macro F1 {report.learned_macro_f1:.3f}, "
        f"micro F1 {report.learned_micro_f1:.3f}"
    )
    lines.append(f"{'act':<16}{'n':>5}{'P':>7}{'R':>7}{'F1':>7}")
    for s in report.learned:
        lines.append(f"{s.act:<16}{s.support:>5}{s.precision:>7.2f}{s.recall:>7.2f}{s.f1:>7.2f}")
    lines.append("")
    lines.append(
        f"{'intent (rules level)':<18}{'n':>5}{'rules F1':>10}{'learned F1':>12}{'both':>7}"
    )
    for r, le, b in zip(
        report.intents_rules, report.intents_learned, report.intents_both, strict=True
    ):
        lines.append(f"{r.act:<18}{r.support:>5}{r.f1:>10.2f}{le.f1:>12.2f}{b.f1:>7.2f}")

    def macro(scores: list[ActScore]) -> float:
        return float(np.mean([s.f1 for s in scores if s.support]))

    lines.append(
        f"{'macro':<18}{'':>5}{macro(report.intents_rules):>10.3f}"
        f"{macro(report.intents_learned):>12.3f}{macro(report.intents_both):>7.3f}"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--measure", action="store_true", help="measure only; do not train")
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    args = parser.parse_args(argv)
    from guidance_assistant.config import get_settings
    from guidance_assistant.retrieval.embedding import load_embedder

    embedder = load_embedder(get_settings().embedding_model)
    if not args.measure:
        weights = train(embedder)
        weights.save(args.out)
        print(f"wrote {args.out}")
    reader = ActReader(embedder, ActWeights.load(args.out))
    for name in ("validation", "test"):
        print()
        print(render(measure(reader, split(name)), f"{name} split"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
