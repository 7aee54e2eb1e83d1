"""A distress-cue scorer: when to ask a gentle check-in question. Never a safeguarding flag.

The safeguarding check (:mod:`~guidance_assistant.dialogue.safeguarding`) is a set of patterns;
on wordings it has not seen it misses a large share of disclosures (``evals/README.md``). A
learned classifier was rejected as a second *escalation* trigger: it cannot tell "at risk" from
"upset". This module uses the same kind of classifier for something milder, which is what an
adviser does with a worrying remark that is not a clear disclosure: acknowledge it and ask once,
gently, how things are outside school, so the young person can say more. If they then disclose,
the pattern check escalates as usual. The score never raises a flag and never escalates.

**Experimental and off by default** (``GA_DISTRESS_CHECK_IN``): on the scripted eval
conversations it checked in 15 times in 38 conversations, none warranted, mostly after answers
about home; a default session never consults it.

**Model.** A logistic regression on the bundled sentence embeddings
(:func:`~guidance_assistant.retrieval.embedding.load_embedder`), trained at first use (when the
first session opens) and kept for the life of the process. Positives: the disclosures of the
labelled safeguarding messages in :data:`TRAINING_FILES`. Negatives: their hard negatives, and
ordinary client talk: ``evals/safeguarding/everyday.yaml`` (home, family, money, caring, short
replies) and the practice personas (``knowledge/personas/``: openings, closed answers, surface
statements and stock replies; not the hidden facts, some of which are real distress). Trained on
the safeguarding files alone, the model read any mention of home ("I live with my mum") and
short questions ("what should I do?") as worrying, because those files hold no ordinary talk;
it still checks in after some answers about home, so the check-in's words presume nothing.
``heldout-4.yaml`` is *not* trained on: it was written to measure this scorer on wordings it had
not seen.

**Threshold rule:** 5-fold stratified cross-validation on the training set only (seed 0); every
message gets an out-of-fold score; the threshold is the lowest score at which at most
:data:`MAX_CV_FALSE_ALARMS` (10%) of the safeguarding hard negatives score at or above it. A
check-in on a hard negative costs one kind question, so this tolerates more than the 5% used when
the same model was tried for escalation.

If the embedding model cannot be loaded, :func:`shared_scorer` returns ``None`` (logged at debug
level) and sessions simply never check in.

Run ``python -m guidance_assistant.dialogue.concern`` to print the figures quoted in
``evals/README.md``.
"""

from __future__ import annotations

import logging
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from guidance_assistant.dialogue.safeguarding_eval import LabelledMessage, load_labelled_set
from guidance_assistant.paths import bundled_dir
from guidance_assistant.retrieval.embedding import Embedder

log = logging.getLogger(__name__)

#: The labelled files the scorer is trained on (``evals/safeguarding/``).
TRAINING_FILES: tuple[str, ...] = ("messages.yaml", "heldout.yaml", "heldout-3.yaml")
#: Everyday client talk (negatives only): ``{suite: everyday, messages: [text, ...]}``.
EVERYDAY_FILE = "everyday.yaml"
#: The round written to measure the scorer; never trained on.
HELDOUT_FILE = "heldout-4.yaml"
#: The threshold rule: at most this share of hard negatives over it, out of fold.
MAX_CV_FALSE_ALARMS = 0.10
FOLDS = 5
SEED = 0


@dataclass(frozen=True)
class CrossValidation:
    """Out-of-fold figures on the training set at the chosen threshold."""

    threshold: float
    recall: float
    false_alarm_rate: float = 0.0  # on the safeguarding hard negatives
    ordinary_rate: float = 0.0  # check-ins on the ordinary persona talk
    positives: int = 0
    negatives: int = 0
    ordinary: int = 0


def _safeguarding_dir() -> Path:
    return bundled_dir("evals") / "safeguarding"


def training_messages(files: tuple[str, ...] = TRAINING_FILES) -> list[LabelledMessage]:
    """The labelled messages the scorer learns from (duplicate texts kept once)."""
    seen: set[str] = set()
    messages: list[LabelledMessage] = []
    for name in files:
        for message in load_labelled_set(_safeguarding_dir() / name).messages:
            key = message.text.strip().lower()
            if key not in seen:
                seen.add(key)
                messages.append(message)
    return messages


def ordinary_messages() -> list[str]:
    """Everyday client talk: :data:`EVERYDAY_FILE` and the practice personas (never their
    hidden facts)."""
    import yaml

    from guidance_assistant.practice.personas import load_personas

    data = yaml.safe_load((_safeguarding_dir() / EVERYDAY_FILE).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(t, str) for t in data.get("messages", [])):
        raise ValueError(f"{EVERYDAY_FILE}: expected 'messages', a list of texts")
    texts: list[str] = list(data["messages"])
    for persona in load_personas():
        texts.append(persona.opening)
        texts += [topic.closed_answer for topic in persona.topics]
        texts += [statement.text for statement in persona.surface]
        for kind in type(persona.responses).model_fields:
            if kind != "summary_wrong":  # templates with a {wrong} slot
                texts += persona.responses.lines(kind)
    return list(dict.fromkeys(text.strip() for text in texts if text.strip()))


def _new_model() -> object:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000)


def _threshold(negative_scores: npt.NDArray[np.float64]) -> float:
    """The lowest threshold with at most MAX_CV_FALSE_ALARMS of ``negative_scores`` at/over it."""
    ordered = np.sort(negative_scores)[::-1]
    allowed = int(np.floor(MAX_CV_FALSE_ALARMS * len(ordered)))
    if allowed >= len(ordered):
        return 0.0
    # just above the (allowed+1)-th highest negative: that one and all below fall under it
    return float(np.nextafter(ordered[allowed], 1.0))


def cross_validate(
    vectors: npt.NDArray[np.float32],
    labels: npt.NDArray[np.int_],
    ordinary: npt.NDArray[np.bool_],
) -> CrossValidation:
    """Out-of-fold scores, the threshold they give, and the rates at it. ``labels``: 1 for a
    disclosure; ``ordinary``: the negatives that are persona talk, not hard negatives."""
    from sklearn.model_selection import StratifiedKFold

    scores = np.zeros(len(labels), dtype=np.float64)
    strata = labels * 2 + ordinary.astype(np.int_)  # keep each kind's share in every fold
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for train, test in folds.split(vectors, strata):
        model = _new_model()
        model.fit(vectors[train], labels[train])  # type: ignore[attr-defined]
        scores[test] = model.predict_proba(vectors[test])[:, 1]  # type: ignore[attr-defined]
    positives = scores[labels == 1]
    hard = scores[(labels == 0) & ~ordinary]
    everyday = scores[ordinary]
    threshold = _threshold(hard)
    return CrossValidation(
        threshold=threshold,
        recall=float(np.mean(positives >= threshold)),
        false_alarm_rate=float(np.mean(hard >= threshold)),
        ordinary_rate=float(np.mean(everyday >= threshold)) if len(everyday) else 0.0,
        positives=len(positives),
        negatives=len(hard),
        ordinary=len(everyday),
    )


class ConcernScorer(Protocol):
    """What a session needs from a scorer (a stub in tests, :class:`DistressScorer` in use)."""

    def worrying(self, text: str) -> float | None:
        """The score when a message is worth a check-in, else ``None``."""
        ...


class DistressScorer:
    """How much a message reads like a disclosure (0-1), and whether that is worth a check-in."""

    def __init__(self, embedder: Embedder, model: object, cv: CrossValidation) -> None:
        self.embedder = embedder
        self.model = model
        self.cv = cv

    @property
    def threshold(self) -> float:
        return self.cv.threshold

    def scores(self, texts: list[str]) -> list[float]:
        if not texts:
            return []
        vectors = self.embedder.embed(texts)
        probabilities = self.model.predict_proba(vectors)[:, 1]  # type: ignore[attr-defined]
        return [float(p) for p in probabilities]

    def score(self, text: str) -> float:
        return self.scores([text])[0]

    def worrying(self, text: str) -> float | None:
        """The score when it is at or over the threshold, else ``None``."""
        value = self.score(text)
        return value if value >= self.threshold else None


def train_scorer(
    embedder: Embedder,
    messages: list[LabelledMessage] | None = None,
    ordinary: list[str] | None = None,
) -> DistressScorer:
    """Fit the scorer with ``embedder`` on ``messages`` and ``ordinary`` talk (the training
    files and the persona talk by default)."""
    labelled = messages if messages is not None else training_messages()
    everyday = ordinary if ordinary is not None else ordinary_messages()
    seen = {m.text.strip().lower() for m in labelled}
    everyday = [text for text in everyday if text.lower() not in seen]
    vectors = embedder.embed([m.text for m in labelled] + everyday)
    labels = np.array(
        [1 if m.expected else 0 for m in labelled] + [0] * len(everyday), dtype=np.int_
    )
    is_ordinary = np.array([False] * len(labelled) + [True] * len(everyday), dtype=np.bool_)
    cv = cross_validate(vectors, labels, is_ordinary)
    model = _new_model()
    model.fit(vectors, labels)  # type: ignore[attr-defined]
    return DistressScorer(embedder, model, cv)


_LOCK = threading.Lock()
_SHARED: dict[str, DistressScorer | None] = {}


def shared_scorer(model_name: str | None = None) -> DistressScorer | None:
    """The process's scorer, trained on first use; ``None`` when the embedder cannot be loaded."""
    from guidance_assistant.config import BUNDLED_EMBEDDING_MODEL

    name = model_name or BUNDLED_EMBEDDING_MODEL
    with _LOCK:
        if name not in _SHARED:
            try:
                from guidance_assistant.retrieval.embedding import load_embedder

                _SHARED[name] = train_scorer(load_embedder(name))
            except Exception as error:  # no model, no library, bad data: never break a session
                log.debug("distress-cue scorer unavailable (%s): no check-ins", error)
                _SHARED[name] = None
        return _SHARED[name]


# ---------------------------------------------------------------------------- figures


def main(argv: list[str] | None = None) -> int:
    """Print the CV figures, the held-out round-4 figures and the ESConv check-in rate."""
    del argv
    from guidance_assistant.dialogue.safeguarding import detect_safeguarding
    from guidance_assistant.dialogue.safeguarding_external import (
        default_esconv_path,
        seeker_turns,
    )

    scorer = shared_scorer()
    if scorer is None:
        print("The embedding model cannot be loaded: no scorer.", file=sys.stderr)
        return 1
    cv = scorer.cv
    print(
        f"training set: {cv.positives} disclosures, {cv.negatives} hard negatives, "
        f"{cv.ordinary} ordinary persona lines; threshold {cv.threshold:.3f}; out-of-fold "
        f"recall {cv.recall:.1%}, hard-negative check-ins {cv.false_alarm_rate:.1%}, "
        f"ordinary-talk check-ins {cv.ordinary_rate:.1%}"
    )
    heldout = load_labelled_set(_safeguarding_dir() / HELDOUT_FILE).messages
    scores = scorer.scores([m.text for m in heldout])
    positives = [(m, s) for m, s in zip(heldout, scores, strict=True) if m.expected]
    negatives = [(m, s) for m, s in zip(heldout, scores, strict=True) if not m.expected]
    missed = [(m, s) for m, s in positives if not detect_safeguarding(m.text).flagged]
    caught = [(m, s) for m, s in missed if s >= scorer.threshold]
    regex_fa = [m for m, _ in negatives if detect_safeguarding(m.text).flagged]
    checked = [(m, s) for m, s in negatives if s >= scorer.threshold]
    print(
        f"{HELDOUT_FILE}: regex recall {len(positives) - len(missed)}/{len(positives)}, "
        f"false alarms {len(regex_fa)}/{len(negatives)}; check-in on {len(caught)} of the "
        f"{len(missed)} regex misses; check-ins on {len(checked)}/{len(negatives)} negatives"
    )
    for message, value in missed:
        mark = "check-in" if value >= scorer.threshold else "missed"
        print(f"  miss {message.id} [{message.category}] {value:.3f} {mark}: {message.text}")
    for message, value in checked:
        print(f"  check-in on negative {message.id} {value:.3f}: {message.text}")
    path = default_esconv_path()
    if path is None:
        print("ESConv not found: no external figure.")
        return 0
    turns = seeker_turns(path)
    esconv = scorer.scores([t.text for t in turns])
    over = sum(1 for value in esconv if value >= scorer.threshold)
    print(
        f"ESConv job-crisis seeker turns: would ask a check-in question on {over} of "
        f"{len(turns)} ({over / len(turns):.1%})"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
