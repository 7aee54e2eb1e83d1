"""The learned part of the notes reader's needs: each clause of the notes classified into one of
the 22 needs the session shares (:data:`guidance_assistant.interview.model.NEEDS`) or none, by a
multinomial logistic head over the bundled MiniLM embedding of the clause.

The cue rules of :mod:`.notes` find the explicit ("EHCP", "FSM", "LAC", "young carer"); the head
adds what notes say in other words ("doesn't think he's clever enough", "no bus after 6pm"). It
is trained on ``knowledge/notes/needs/*.yaml`` (clauses written for it, never the labelled notes
of ``evals/brief``) by ``python -m guidance_assistant.prepare.needs`` (``make needs``); its weights
ship in ``needs_model/`` as plain arrays evaluated with numpy.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.interview.model import NEEDS, Need
from guidance_assistant.paths import bundled_dir
from guidance_assistant.retrieval.embedding import Embedder, shared_on_model

MODEL_DIR = Path(__file__).with_name("needs_model")
WEIGHTS_FILE = "needs.npz"
CARD_FILE = "needs.json"
LABELS: tuple[str, ...] = ("none", *NEEDS)
#: How sure the head must be before a need it reads is added to the rules': chosen on the
#: development notes of ``evals/brief`` (0.25 to 0.85 tried; below 0.5 precision falls faster than
#: recall rises; never the test notes).
READ_THRESHOLD = 0.5
Floats = npt.NDArray[np.float32]


class NeedBankError(GuidanceAssistantError):
    """The need bank could not be read."""


class NeedFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    needs: dict[Need, list[str]] = Field(default_factory=dict)
    none: list[str] = Field(default_factory=list)


def bank_files(folder: Path | None = None) -> list[Path]:
    return sorted((folder or bundled_dir("knowledge") / "notes" / "needs").glob("*.yaml"))


def load_bank(folder: Path | None = None) -> list[tuple[str, str]]:
    """(clause, label) pairs of the bank, clauses unique; the label is a need or ``none``."""
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for path in bank_files(folder):
        try:
            data = NeedFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        except (OSError, yaml.YAMLError, ValidationError) as error:
            raise NeedBankError(f"cannot read {path}: {error}") from error
        pairs = [(t, str(n)) for n, texts in data.needs.items() for t in texts]
        for text, label in [*pairs, *((t, "none") for t in data.none)]:
            key = " ".join(text.lower().split())
            if key not in seen:
                seen.add(key)
                found.append((text, label))
    return found


@dataclass(frozen=True)
class NeedWeights:
    w: Floats
    b: Floats
    labels: tuple[str, ...]
    card: dict[str, Any]

    @classmethod
    def load(cls, folder: Path = MODEL_DIR) -> NeedWeights:
        with np.load(folder / WEIGHTS_FILE) as data:
            w = np.asarray(data["w"], dtype=np.float32)
            b = np.asarray(data["b"], dtype=np.float32)
        card = json.loads((folder / CARD_FILE).read_text(encoding="utf-8"))
        return cls(w, b, tuple(card["labels"]), card)

    def save(self, folder: Path = MODEL_DIR) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(folder / WEIGHTS_FILE, w=self.w, b=self.b)
        (folder / CARD_FILE).write_text(
            json.dumps({**self.card, "labels": list(self.labels)}, indent=2) + "\n",
            encoding="utf-8",
        )


@dataclass(frozen=True)
class NeedReading:
    clause: str
    need: Need
    score: float


class NeedReader:
    """Reads the needs of clauses (see the module docstring)."""

    def __init__(self, embedder: Embedder, weights: NeedWeights) -> None:
        self.embedder = embedder
        self.weights = weights
        self.threshold = READ_THRESHOLD

    def read(self, clauses: Sequence[str]) -> list[NeedReading]:
        if not clauses:
            return []
        x = np.asarray(self.embedder.embed(list(clauses)), dtype=np.float32)
        logits = (x @ self.weights.w.T + self.weights.b).astype(np.float64)
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        found: list[NeedReading] = []
        for clause, row in zip(clauses, probs, strict=True):
            best = int(np.argmax(row))
            label = self.weights.labels[best]
            if label != "none" and row[best] >= self.threshold:
                found.append(NeedReading(clause, label, float(row[best])))  # type: ignore[arg-type]
        return found


def shared_need_reader() -> NeedReader | None:
    """The process's need reader; ``None`` (logged once) when it cannot load: the rules run."""
    if not (MODEL_DIR / WEIGHTS_FILE).is_file():
        return None
    return shared_on_model(
        "notes: need reader", lambda embedder: NeedReader(embedder, NeedWeights.load())
    )


# ---------------------------------------------------------------------------------------------
# Training


def train(embedder: Embedder, bank: list[tuple[str, str]]) -> NeedWeights:
    """A balanced multinomial logistic regression on the bank; its regularisation chosen by
    5-fold stratified cross-validation (macro-F1, seed 0)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    x = np.asarray(embedder.embed([t for t, _ in bank]), dtype=np.float32)
    y = np.asarray([LABELS.index(label) for _, label in bank], dtype=np.int64)
    scores: dict[float, float] = {}
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    for c in (1.0, 4.0, 16.0):
        model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
        pred = cross_val_predict(model, x, y, cv=folds)
        scores[c] = float(f1_score(y, pred, average="macro"))
    c_best = max(scores, key=lambda c: scores[c])
    model = LogisticRegression(C=c_best, max_iter=3000, class_weight="balanced").fit(x, y)
    w = np.zeros((len(LABELS), x.shape[1]), dtype=np.float32)
    b = np.full(len(LABELS), -1e4, dtype=np.float32)
    w[model.classes_] = model.coef_
    b[model.classes_] = model.intercept_
    fingerprint = hashlib.sha256(
        "\n".join(f"{label}\t{text}" for text, label in bank).encode()
    ).hexdigest()
    card = {
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": "multinomial logistic regression (scikit-learn, balanced) over MiniLM embeddings",
        "files": [p.name for p in bank_files()],
        "clauses": len(bank),
        "fingerprint": fingerprint[:12],
        "C": c_best,
        "cv_macro_f1_by_C": {str(c): round(v, 4) for c, v in scores.items()},
    }
    return NeedWeights(w=w, b=b, labels=LABELS, card=card)


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(description="Train the notes reader's need head.").parse_args(argv)
    from guidance_assistant.config import get_settings
    from guidance_assistant.retrieval.embedding import load_embedder

    bank = load_bank()
    weights = train(load_embedder(get_settings().embedding_model), bank)
    weights.save()
    print(f"trained on {len(bank)} clauses: {weights.card}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
