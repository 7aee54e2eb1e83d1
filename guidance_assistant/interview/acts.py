"""The learned reader of client messages: which acts a message performs (asks about a job, states
an interest, agrees, corrects the adviser...), from a classifier over the bundled sentence
embeddings.

Multi-label: one logistic head per act over the message's embedding, the embedding of the
adviser's turn before it (when known), and the largest and mean embeddings of its sentences (a
long turn does several things; a reply of "ye" means what the question before it asked). The
weights are trained by :mod:`guidance_assistant.interview.acts_train` on the development split of
``evals/interview/acts/`` (written for this project), with settings and per-act thresholds chosen
on the validation split; the test split is read only to measure. They ship in ``acts_model/`` as
plain arrays (no pickle) and are evaluated with numpy. Rules in :mod:`.reading` stay for the
unambiguous and to explain a decision; :func:`intents_from_acts` maps acts onto the rules'
intents so both readers feed one analysis.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np
import numpy.typing as npt

from guidance_assistant.retrieval.embedding import Embedder
from guidance_assistant.text.sentences import split_sentences

Act = Literal[
    "ask_job",
    "ask_route",
    "ask_concept",
    "ask_process",
    "ask_adviser",
    "interest",
    "strength",
    "value",
    "constraint",
    "feeling",
    "others_view",
    "decision",
    "action_dated",
    "action_undated",
    "agree",
    "correct",
    "reject_option",
    "not_understood",
    "unsure",
    "nothing_more",
    "off_topic",
    "greeting",
    "thanks",
]
ACTS: tuple[Act, ...] = get_args(Act)
MODEL_DIR = Path(__file__).with_name("acts_model")
WEIGHTS_FILE = "acts.npz"
CARD_FILE = "acts.json"
#: Longest text read (characters): the acts of a message are in its words, not its length.
MAX_CHARS = 2_000

Floats = npt.NDArray[np.float32]

#: The rules' intents that each act stands for (see :mod:`.message`).
ACT_INTENTS: dict[Act, str] = {
    "ask_job": "ask_information",
    "ask_route": "ask_information",
    "ask_process": "ask_information",
    "ask_concept": "ask_information",
    "ask_adviser": "about_adviser",
    "interest": "state_interest",
    "strength": "state_strength",
    "value": "state_criteria",
    "constraint": "state_criteria",
    "feeling": "express_feeling",
    "decision": "decide",
    "action_dated": "propose_action",
    "action_undated": "propose_action",
    "agree": "agree",
    "correct": "disagree",
    "reject_option": "disagree",
    "unsure": "dont_know",
    "nothing_more": "finished",
    "off_topic": "off_topic",
    "greeting": "greeting",
    "thanks": "thanks",
}


def features(
    embedder: Embedder, texts: Sequence[str], afters: Sequence[str | None] | None = None
) -> Floats:
    """The reader's input for each text: its embedding, the adviser's turn before it (zeros and
    a 0 flag when unknown), and the max and mean of its sentences' embeddings."""
    texts = [t[:MAX_CHARS] for t in texts]
    afters = list(afters) if afters is not None else [None] * len(texts)
    pieces = [split_sentences(t, clauses=True) or [t] for t in texts]
    flat = [p for group in pieces for p in group]
    known = [a for a in afters if a]
    wanted = [*texts, *known, *flat]
    distinct = list(dict.fromkeys(wanted))  # a one-sentence message is its own sentence
    unique = np.asarray(embedder.embed(distinct), dtype=np.float32)
    where = {text: row for row, text in enumerate(distinct)}
    vectors = unique[[where[text] for text in wanted]]
    width = vectors.shape[1]
    whole = vectors[: len(texts)]
    before = vectors[len(texts) : len(texts) + len(known)]
    parts = vectors[len(texts) + len(known) :]
    out = np.zeros((len(texts), width * 4 + 1), dtype=np.float32)
    out[:, :width] = whole
    k = start = 0
    for row, (after, group) in enumerate(zip(afters, pieces, strict=True)):
        if after:
            out[row, width : 2 * width] = before[k]
            out[row, 2 * width] = 1.0
            k += 1
        part = parts[start : start + len(group)]
        start += len(group)
        out[row, 2 * width + 1 : 3 * width + 1] = part.max(axis=0)
        out[row, 3 * width + 1 :] = part.mean(axis=0)
    return out


@dataclass(frozen=True, slots=True)
class ActWeights:
    """One logistic head per act (``w``: acts x features, ``b``: acts) and its threshold."""

    w: Floats
    b: Floats
    thresholds: Floats
    acts: tuple[Act, ...]
    card: dict[str, Any]

    @classmethod
    def load(cls, folder: Path = MODEL_DIR) -> ActWeights:
        with np.load(folder / WEIGHTS_FILE) as data:
            arrays = {key: np.asarray(data[key], dtype=np.float32) for key in data.files}
        card = json.loads((folder / CARD_FILE).read_text(encoding="utf-8"))
        acts = tuple(card["acts"])
        unknown = [a for a in acts if a not in ACTS]
        if unknown:
            raise ValueError(f"acts model names unknown acts: {unknown}")
        return cls(arrays["w"], arrays["b"], arrays["thresholds"], acts, card)

    def save(self, folder: Path = MODEL_DIR) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            folder / WEIGHTS_FILE,
            w=self.w.astype(np.float32),
            b=self.b.astype(np.float32),
            thresholds=self.thresholds.astype(np.float32),
        )
        card = {**self.card, "acts": list(self.acts)}
        (folder / CARD_FILE).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")

    def probabilities(self, x: Floats) -> npt.NDArray[np.float64]:
        logits = np.asarray(x, dtype=np.float64) @ self.w.T.astype(np.float64) + self.b
        return np.asarray(1.0 / (1.0 + np.exp(-logits)))


@dataclass(frozen=True, slots=True)
class ActReading:
    """The acts of one message: those at or above their threshold, and every act's score."""

    acts: tuple[Act, ...]
    scores: dict[Act, float]

    def has(self, *acts: Act) -> bool:
        return any(a in self.acts for a in acts)


class ActReader:
    """Reads the acts of client messages (thread-safe: the weights are read-only)."""

    def __init__(self, embedder: Embedder, weights: ActWeights) -> None:
        self.embedder = embedder
        self.weights = weights

    def read_many(
        self, texts: Sequence[str], afters: Sequence[str | None] | None = None
    ) -> list[ActReading]:
        keep = [i for i, t in enumerate(texts) if t.strip()]
        out = [ActReading((), {}) for _ in texts]
        if not keep:
            return out
        chosen_afters = [afters[i] for i in keep] if afters is not None else None
        x = features(self.embedder, [texts[i] for i in keep], chosen_afters)
        probs = self.weights.probabilities(x)
        for row, index in enumerate(keep):
            scores = {a: float(p) for a, p in zip(self.weights.acts, probs[row], strict=True)}
            acts = tuple(
                a
                for a, p, t in zip(
                    self.weights.acts, probs[row], self.weights.thresholds, strict=True
                )
                if p >= t
            )
            out[index] = ActReading(acts, scores)
        return out

    def read(self, text: str, after: str | None = None) -> ActReading:
        return self.read_many([text], [after])[0]


def intents_from_acts(acts: Sequence[Act]) -> list[str]:
    """The rules' intents the acts stand for, in order, once each."""
    return list(dict.fromkeys(ACT_INTENTS[a] for a in acts if a in ACT_INTENTS))


def shared_act_reader() -> ActReader | None:
    """The process's act reader on the configured embedding model; ``None`` (logged once) when
    the model or weights cannot be loaded: the rules still read the message."""
    from guidance_assistant.retrieval.embedding import shared_on_model

    return shared_on_model(
        "interview: learned act reader", lambda embedder: ActReader(embedder, ActWeights.load())
    )
