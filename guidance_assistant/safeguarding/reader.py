"""The learned reader: a logistic head on the bundled sentence embeddings.

The rules (``prompts/safeguarding/categories.yaml``) catch the unambiguous wordings and explain
them; they miss paraphrase. This reader scores how much a message reads like a disclosure, and
names the kind of harm it most resembles (``kinds.yaml``). It is trained by
:mod:`guidance_assistant.safeguarding.train` on the labelled bank in ``evals/safeguarding/``
(written for this project; never on ESConv) and shipped inside the package
(``model/reader.npz``: the weights; ``model/reader.json``: thresholds, the data it saw and its
cross-validated figures). It runs on the embedding model the package ships, offline.

A message is read as segments (the whole message, each sentence, each pair of neighbouring
sentences), so one disclosing clause in a long rambling message is not drowned by the rest; the
message's score is its highest segment's, and that segment is the evidence shown to the adviser.

Two thresholds cut the score into three bands (chosen on out-of-fold scores, see ``train``):
``escalate`` (at or above: read as a disclosure), ``concern`` (a gentle check-in) and below.
"""

from __future__ import annotations

import itertools
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from guidance_assistant.retrieval.embedding import Embedder
from guidance_assistant.text import fold, sentences

log = logging.getLogger(__name__)

MODEL_DIR = Path(__file__).resolve().parent / "model"
WEIGHTS_FILE = "reader.npz"
CARD_FILE = "reader.json"
#: Longest segment handed to the embedder (characters); longer sentences are cut in pieces.
MAX_SEGMENT_CHARS = 600
Floats = npt.NDArray[np.float32]


def segments(text: str) -> list[str]:
    """The whole message (when short), each sentence, and each pair of neighbouring sentences."""
    text = fold(text).strip()
    if not text:
        return []
    parts: list[str] = []
    for sentence in sentences(text):
        while len(sentence) > MAX_SEGMENT_CHARS:
            cut = sentence.rfind(" ", 0, MAX_SEGMENT_CHARS)
            cut = cut if cut > MAX_SEGMENT_CHARS // 2 else MAX_SEGMENT_CHARS
            parts.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if sentence:
            parts.append(sentence)
    out: list[str] = []
    if len(text) <= MAX_SEGMENT_CHARS * 2:
        out.append(text)
    out.extend(parts)
    out.extend(f"{a} {b}" for a, b in itertools.pairwise(parts))
    return list(dict.fromkeys(s for s in out if s))


def sigmoid(x: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
    return np.asarray(1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64))))


@dataclass(frozen=True, slots=True)
class Reading:
    """The reader's view of one message."""

    score: float
    kind: str
    kind_score: float
    evidence: str
    band: str  # "escalate", "concern" or "none"


@dataclass(frozen=True, slots=True)
class KernelHead:
    """The risk head: a support-vector machine with an RBF kernel over the embeddings and a
    Platt sigmoid on its decision value (fitted by scikit-learn in :mod:`.train`, evaluated
    here with numpy so no pickled model is loaded)."""

    vectors: Floats  # support vectors, one per row
    coef: Floats  # their dual coefficients
    intercept: float
    gamma: float
    platt_a: float
    platt_b: float

    def decision(self, x: Floats) -> npt.NDArray[np.float64]:
        x = np.asarray(x, dtype=np.float32)
        distances = (
            np.sum(x * x, axis=1)[:, None]
            + np.sum(self.vectors * self.vectors, axis=1)[None, :]
            - 2.0 * (x @ self.vectors.T)
        )
        kernel = np.exp(-self.gamma * np.maximum(distances, 0.0))
        return np.asarray(kernel @ self.coef + self.intercept, dtype=np.float64)

    def probability(self, x: Floats) -> npt.NDArray[np.float64]:
        return sigmoid(-(self.platt_a * self.decision(x) + self.platt_b))


@dataclass(frozen=True, slots=True)
class ReaderWeights:
    risk_w: Floats
    risk_b: float
    kind_w: Floats
    kind_b: Floats
    kinds: tuple[str, ...]
    escalate: float
    concern: float
    card: dict[str, Any]
    #: The risk head when it is a kernel machine (``card["risk_head"] == "svm-rbf"``); the
    #: logistic ``risk_w``/``risk_b`` are then still kept, to pick each disclosure's evidence
    #: segment for the kind head.
    kernel: KernelHead | None = None

    @classmethod
    def load(cls, folder: Path = MODEL_DIR) -> ReaderWeights:
        with np.load(folder / WEIGHTS_FILE) as data:
            arrays = {key: np.asarray(data[key], dtype=np.float32) for key in data.files}
        card = json.loads((folder / CARD_FILE).read_text(encoding="utf-8"))
        kernel = None
        if "sv" in arrays:
            kernel = KernelHead(
                vectors=arrays["sv"],
                coef=arrays["sv_coef"],
                intercept=float(arrays["sv_params"][0]),
                gamma=float(arrays["sv_params"][1]),
                platt_a=float(arrays["sv_params"][2]),
                platt_b=float(arrays["sv_params"][3]),
            )
        return cls(
            risk_w=arrays["risk_w"],
            risk_b=float(arrays["risk_b"][0]),
            kind_w=arrays["kind_w"],
            kind_b=arrays["kind_b"],
            kinds=tuple(card["kinds"]),
            escalate=float(card["thresholds"]["escalate"]),
            concern=float(card["thresholds"]["concern"]),
            card=card,
            kernel=kernel,
        )

    def save(self, folder: Path = MODEL_DIR) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, Any] = {
            "risk_w": self.risk_w.astype(np.float32),
            "risk_b": np.asarray([self.risk_b], dtype=np.float32),
            "kind_w": self.kind_w.astype(np.float32),
            "kind_b": self.kind_b.astype(np.float32),
        }
        if self.kernel is not None:
            k = self.kernel
            arrays["sv"] = k.vectors.astype(np.float32)
            arrays["sv_coef"] = k.coef.astype(np.float32)
            arrays["sv_params"] = np.asarray(
                [k.intercept, k.gamma, k.platt_a, k.platt_b], dtype=np.float32
            )
        np.savez_compressed(folder / WEIGHTS_FILE, **arrays)
        card = dict(self.card)
        card["kinds"] = list(self.kinds)
        card["thresholds"] = {"escalate": self.escalate, "concern": self.concern}
        (folder / CARD_FILE).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")


class LearnedReader:
    """Scores messages with the shipped (or given) weights over an embedder."""

    def __init__(self, embedder: Embedder, weights: ReaderWeights) -> None:
        self.embedder = embedder
        self.weights = weights

    def risk(self, vectors: Floats) -> npt.NDArray[np.float64]:
        if self.weights.kernel is not None:
            return self.weights.kernel.probability(vectors)
        return sigmoid(vectors @ self.weights.risk_w + self.weights.risk_b)

    def band(self, score: float) -> str:
        if score >= self.weights.escalate:
            return "escalate"
        if score >= self.weights.concern:
            return "concern"
        return "none"

    def read_many(self, texts: list[str]) -> list[Reading]:
        """One :class:`Reading` per text (empty text scores 0)."""
        pieces = [segments(text) for text in texts]
        flat = [segment for group in pieces for segment in group]
        vectors = self.embedder.embed(flat) if flat else np.zeros((0, 1), dtype=np.float32)
        scores = self.risk(vectors) if flat else np.zeros(0)
        out: list[Reading] = []
        start = 0
        for group in pieces:
            if not group:
                out.append(Reading(0.0, "", 0.0, "", "none"))
                continue
            part = scores[start : start + len(group)]
            best = int(np.argmax(part))
            vector = vectors[start + best]
            logits = self.weights.kind_w @ vector + self.weights.kind_b
            probs = np.exp(logits - logits.max())
            probs /= probs.sum()
            kind_index = int(np.argmax(probs))
            score = float(part[best])
            out.append(
                Reading(
                    score=score,
                    kind=self.weights.kinds[kind_index],
                    kind_score=float(probs[kind_index]),
                    evidence=group[best],
                    band=self.band(score),
                )
            )
            start += len(group)
        return out

    def read(self, text: str) -> Reading:
        return self.read_many([text])[0]


def shared_reader() -> LearnedReader | None:
    """The process's reader on the configured embedding model; ``None`` (logged as a warning,
    once) when the model or the weights cannot be loaded: the rules still run."""
    from guidance_assistant.retrieval.embedding import shared_on_model

    return shared_on_model(
        "safeguarding: learned reader",
        lambda embedder: LearnedReader(embedder, ReaderWeights.load()),
    )
