"""Train the learned reader (:mod:`~guidance_assistant.safeguarding.reader`) on the labelled bank.

``guidance-assistant safeguarding train`` (or ``python -m guidance_assistant.safeguarding.train``)
rewrites ``model/reader.npz`` and ``model/reader.json``. What it does, in order:

1. Reads the development files (:func:`~guidance_assistant.safeguarding.bank.development_files`)
   plus any first-contact round already measured (``--round`` adds one; the card lists them), and
   cuts every message into segments (:func:`~guidance_assistant.safeguarding.reader.segments`).
2. Fits the risk head (an RBF support-vector machine with Platt scaling) in two passes, because a rambling disclosure is one clause among many: pass
   one learns from whole disclosures and from every segment of every non-disclosure (each of
   those is safe); pass two adds, for each disclosure, its highest-scoring segment as a positive.
3. Chooses the two thresholds on out-of-fold scores (5 stratified folds, seed 0; each fold is
   trained as above on the other four and scored as a message is at run time, by its best segment):
   ``escalate`` is the lowest score at which at most :data:`ESCALATE_HARD_NEGATIVES` of hard
   negatives and :data:`ESCALATE_ORDINARY` of ordinary talk would be escalated; ``concern`` the
   lowest at which at most :data:`CONCERN_ORDINARY` of ordinary talk and
   :data:`CONCERN_HARD_NEGATIVES` of hard negatives would be checked in with.
4. Fits the kind head (multinomial logistic regression) on the disclosures labelled with a kind,
   and refits the risk head on everything; records the data's fingerprint and the out-of-fold
   figures in the card.

Never train on ESConv (``../shared/eval-data``): its licence allows measuring only.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from guidance_assistant.retrieval.embedding import Embedder
from guidance_assistant.safeguarding.bank import (
    BankMessage,
    development_files,
    first_contact_files,
    load_messages,
    safeguarding_dir,
)
from guidance_assistant.safeguarding.kinds import load_kinds
from guidance_assistant.safeguarding.reader import (
    MODEL_DIR,
    KernelHead,
    ReaderWeights,
    segments,
)

ESCALATE_HARD_NEGATIVES = 0.015
ESCALATE_ORDINARY = 0.01
CONCERN_ORDINARY = 0.03
CONCERN_HARD_NEGATIVES = 0.15
FOLDS = 5
C_RISK = 10.0
C_KIND = 4.0
Floats = npt.NDArray[np.float32]


@dataclass
class Prepared:
    messages: list[BankMessage]
    groups: list[list[int]]  # message index -> rows of `vectors`
    vectors: Floats


def file_fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def training_files(rounds: list[str]) -> list[Path]:
    """The development files, and the named first-contact rounds (``first-contact-5``...)."""
    files = development_files()
    for stem in rounds:
        path = safeguarding_dir() / f"{stem}.yaml"
        if not path.is_file():
            known = ", ".join(p.stem for p in first_contact_files())
            raise SystemExit(f"No round {stem} (known: {known or 'none'}).")
        files.append(path)
    return files


def prepare(messages: list[BankMessage], embedder: Embedder) -> Prepared:
    texts: list[str] = []
    groups: list[list[int]] = []
    for message in messages:
        parts = segments(message.text) or [message.text]
        groups.append(list(range(len(texts), len(texts) + len(parts))))
        texts.extend(parts)
    vectors = embedder.embed(texts, progress=len(texts) > 500)
    return Prepared(messages, groups, vectors)


def _fit_linear(data: Prepared, index: list[int]) -> tuple[Floats, float]:
    """The logistic risk head (kept beside the kernel head: it picks the evidence segment of
    each disclosure for the kind head), fitted in the two passes of the module docstring."""
    from sklearn.linear_model import LogisticRegression

    def make() -> Any:
        return LogisticRegression(C=C_RISK, class_weight="balanced", max_iter=3000)

    model, _, _ = _two_pass(data, index, make)
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def _two_pass(data: Prepared, index: list[int], make: Any) -> tuple[Any, list[int], list[int]]:
    """The model fitted twice (see the module docstring), with the rows and labels of pass two."""
    rows: list[int] = []
    labels: list[int] = []
    for i in index:
        group = data.groups[i]
        if data.messages[i].expected:
            rows.append(group[0])
            labels.append(1)
        else:
            rows.extend(group)
            labels.extend([0] * len(group))
    first = make().fit(data.vectors[rows], labels)
    extra_rows: list[int] = []
    for i in index:
        group = data.groups[i]
        if data.messages[i].expected and len(group) > 1:
            scores = first.decision_function(data.vectors[group])
            best = group[int(np.argmax(scores))]
            if best != group[0]:
                extra_rows.append(best)
    rows, labels = rows + extra_rows, labels + [1] * len(extra_rows)
    return make().fit(data.vectors[rows], labels), rows, labels


def _fit_risk(data: Prepared, index: list[int]) -> KernelHead:
    """The risk head: an RBF support-vector machine (measured against the logistic head on
    out-of-fold scores, 2026-12-06: recall at 1.5% of hard negatives escalated 0.77 against
    0.48), its decision values turned into a score by a sigmoid fitted on decision values the
    machine gave rows it was not trained on (3 folds), as a :class:`KernelHead` whose numpy
    decision values are checked against scikit-learn's."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict
    from sklearn.svm import SVC

    def make() -> Any:
        return SVC(C=C_RISK, kernel="rbf", class_weight="balanced")

    model, rows, labels = _two_pass(data, index, make)
    held_out = cross_val_predict(
        make(), data.vectors[rows], labels, cv=3, method="decision_function"
    )
    platt = LogisticRegression(C=1e4, max_iter=1000).fit(held_out.reshape(-1, 1), labels)
    head = KernelHead(
        vectors=np.asarray(model.support_vectors_, dtype=np.float32),
        coef=np.asarray(model.dual_coef_[0], dtype=np.float32),
        intercept=float(model.intercept_[0]),
        gamma=float(model._gamma),
        platt_a=float(-platt.coef_[0][0]),
        platt_b=float(-platt.intercept_[0]),
    )
    sample = data.vectors[: min(500, len(data.vectors))]
    if not np.allclose(head.decision(sample), model.decision_function(sample), atol=1e-3):
        raise RuntimeError("the kernel head does not reproduce scikit-learn's decision values")
    return head


def message_scores(data: Prepared, index: list[int], head: KernelHead) -> npt.NDArray[Any]:
    return np.array([float(head.probability(data.vectors[data.groups[i]]).max()) for i in index])


def out_of_fold(data: Prepared) -> npt.NDArray[Any]:
    from sklearn.model_selection import StratifiedKFold

    labels = np.array([m.expected for m in data.messages])
    scores = np.zeros(len(data.messages))
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=0)
    for train, test in folds.split(np.zeros(len(labels)), labels):
        head = _fit_risk(data, list(train))
        scores[test] = message_scores(data, list(test), head)
    return scores


def _lowest(scores: npt.NDArray[Any], rate: float) -> float:
    """The lowest threshold at which at most ``rate`` of ``scores`` reach it."""
    if len(scores) == 0:
        return 0.5
    allowed = int(np.floor(rate * len(scores)))
    ordered = np.sort(scores)[::-1]
    return float(np.nextafter(ordered[allowed], 1.0)) if allowed < len(ordered) else 0.0


def choose_thresholds(data: Prepared, oof: npt.NDArray[Any]) -> tuple[float, float]:
    hard = np.array([not m.expected and m.kind != "ordinary" for m in data.messages])
    ordinary = np.array([not m.expected and m.kind == "ordinary" for m in data.messages])
    escalate = max(
        _lowest(oof[hard], ESCALATE_HARD_NEGATIVES), _lowest(oof[ordinary], ESCALATE_ORDINARY)
    )
    concern = max(
        _lowest(oof[ordinary], CONCERN_ORDINARY), _lowest(oof[hard], CONCERN_HARD_NEGATIVES)
    )
    return round(escalate, 4), round(min(concern, escalate), 4)


def _figures(data: Prepared, oof: npt.NDArray[Any], escalate: float, concern: float) -> Any:
    out: dict[str, Any] = {}
    for name, mask in (
        ("disclosures", [m.expected for m in data.messages]),
        ("hard_negatives", [not m.expected and m.kind != "ordinary" for m in data.messages]),
        ("ordinary", [not m.expected and m.kind == "ordinary" for m in data.messages]),
    ):
        s = oof[np.array(mask)]
        out[name] = {
            "n": len(s),
            "escalate_rate": round(float(np.mean(s >= escalate)), 4) if len(s) else 0.0,
            "concern_or_more_rate": round(float(np.mean(s >= concern)), 4) if len(s) else 0.0,
        }
    return out


def train(embedder: Embedder, rounds: list[str], *, out: Path = MODEL_DIR) -> ReaderWeights:
    from sklearn.linear_model import LogisticRegression

    kinds = load_kinds()
    files = training_files(rounds)
    messages = [m for f in files for m in load_messages(f)]
    data = prepare(messages, embedder)
    oof = out_of_fold(data)
    escalate, concern = choose_thresholds(data, oof)
    kernel = _fit_risk(data, list(range(len(messages))))
    risk_w, risk_b = _fit_linear(data, list(range(len(messages))))

    kind_ids = kinds.ids()
    rows: list[int] = []
    labels: list[int] = []
    for i, message in enumerate(messages):
        if message.expected and message.category in kind_ids:
            group = data.groups[i]
            best = group[int(np.argmax(kernel.probability(data.vectors[group])))]
            for row in dict.fromkeys((group[0], best)):
                rows.append(row)
                labels.append(kind_ids.index(message.category))
    present = sorted(set(labels))
    kind_model = LogisticRegression(C=C_KIND, max_iter=3000)
    kind_model.fit(data.vectors[rows], labels)
    kind_w = np.zeros((len(kind_ids), data.vectors.shape[1]), dtype=np.float32)
    kind_b = np.full(len(kind_ids), -30.0, dtype=np.float32)
    for column, label in enumerate(kind_model.classes_):
        kind_w[label] = kind_model.coef_[column]
        kind_b[label] = kind_model.intercept_[column]

    card = {
        "trained": datetime.now(UTC).strftime("%Y-%m-%d"),
        "embedding_model": getattr(embedder, "name", "unknown"),
        "rounds_trained_on": rounds,
        "risk_head": "svm-rbf",
        "files": {f.name: file_fingerprint(f) for f in files},
        "messages": len(messages),
        "segments": int(data.vectors.shape[0]),
        "kinds_with_examples": [kind_ids[i] for i in present],
        "out_of_fold": _figures(data, oof, escalate, concern),
        "rules": {
            "escalate": f"<= {ESCALATE_HARD_NEGATIVES:.0%} of hard negatives, "
            f"<= {ESCALATE_ORDINARY:.1%} of ordinary talk",
            "concern": f"<= {CONCERN_ORDINARY:.0%} of ordinary talk, "
            f"<= {CONCERN_HARD_NEGATIVES:.0%} of hard negatives",
        },
    }
    weights = ReaderWeights(
        risk_w=risk_w,
        risk_b=risk_b,
        kind_w=kind_w,
        kind_b=kind_b,
        kinds=tuple(kind_ids),
        escalate=escalate,
        concern=concern,
        card=card,
        kernel=kernel,
    )
    weights.save(out)
    return weights


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--round", action="append", default=None, help="first-contact-N to add")
    parser.add_argument("--keep-rounds", action="store_true", help="keep the rounds of the card")
    args = parser.parse_args(argv)
    from guidance_assistant.config import get_settings
    from guidance_assistant.retrieval.embedding import load_embedder

    rounds: list[str] = list(args.round or [])
    if args.keep_rounds and (MODEL_DIR / "reader.json").is_file():
        rounds = list(ReaderWeights.load().card.get("rounds_trained_on", [])) + rounds
    weights = train(load_embedder(get_settings().embedding_model), list(dict.fromkeys(rounds)))
    card = weights.card
    print(f"trained on {card['messages']} messages ({card['segments']} segments)")
    print(f"thresholds: escalate {weights.escalate}, concern {weights.concern}")
    for name, figures in card["out_of_fold"].items():
        print(f"  out of fold, {name}: {figures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
