"""The learned part of the notes reader: each clause of an adviser's notes classified as the
client's interest, strength, idea or something they ruled out (or none of these), by a logistic
head over the bundled sentence embeddings.

The cue rules of :mod:`.notes` find what is said plainly ("likes art", "wants to be a vet"); notes
say far more in other ways ("Very into trains - knows every timetable", "said mechanic 'maybe'",
"Mr Davies says her writing is some of the best in the year"). The head is trained by
:mod:`guidance_assistant.prepare.clauses_train` on ``knowledge/notes/clauses/*.yaml`` (clauses
written for this project, never the labelled notes of ``evals/brief``), its threshold chosen by
cross-validation on that bank; the weights ship in ``clauses_model/`` as plain arrays and are
evaluated with numpy. The items of a clause are its words after the cue ("into trains" ->
"trains"), split at commas and "and".
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np
import numpy.typing as npt
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.lmi.title_words import content_words
from guidance_assistant.paths import bundled_dir
from guidance_assistant.retrieval.embedding import Embedder, shared_on_model

ClauseLabel = Literal["interest", "strength", "idea", "rejected", "other"]
CLAUSE_LABELS: tuple[ClauseLabel, ...] = get_args(ClauseLabel)
MODEL_DIR = Path(__file__).with_name("clauses_model")
WEIGHTS_FILE = "clauses.npz"
CARD_FILE = "clauses.json"
Floats = npt.NDArray[np.float32]
_I = re.IGNORECASE
#: How sure the head must be before its finding is added to the rules', per label: chosen on the
#: development notes of ``evals/brief`` (F1 per field; never the test notes). Ideas and rejections
#: are what the cue rules already find precisely ("wants to be", "doesn't want"): the head adds an
#: idea only when nearly sure, and no rejection.
LABEL_MINIMUM: dict[str, float] = {"interest": 0.0, "strength": 0.0, "idea": 0.9, "rejected": 1.1}


class ClauseBankError(GuidanceAssistantError):
    """The clause bank could not be read."""


class BankClause(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: ClauseLabel
    items: list[str] = Field(default_factory=list)
    text: str = Field(min_length=1)
    note: str | None = None


class ClauseFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    clauses: list[BankClause] = Field(min_length=1)


def bank_files(folder: Path | None = None) -> list[Path]:
    return sorted((folder or bundled_dir("knowledge") / "notes" / "clauses").glob("*.yaml"))


def load_bank(folder: Path | None = None) -> list[BankClause]:
    """Every labelled clause of the bank (texts unique)."""
    found: list[BankClause] = []
    for path in bank_files(folder):
        try:
            found += ClauseFile.model_validate(
                yaml.safe_load(path.read_text(encoding="utf-8"))
            ).clauses
        except (OSError, yaml.YAMLError, ValidationError) as error:
            raise ClauseBankError(f"cannot read {path}: {error}") from error
    seen: set[str] = set()
    unique: list[BankClause] = []
    for clause in found:
        key = " ".join(clause.text.lower().split())
        if key not in seen:
            seen.add(key)
            unique.append(clause)
    return unique


# ---------------------------------------------------------------------------------------------
# Clauses and their items

_SPLIT = re.compile(r"\n+|;|(?<=\w)\s+[-–—]\s+(?=\w)|\.\s+(?=[A-Z])|\s*•\s*")
#: Words before what a clause is about ("into trains", "wants to be a vet", "Hobbies:").
_CUE = re.compile(
    r"^(?:[-*•>\s]+)?(?:[A-Z][\w ]{0,20}:\s*)?(?:(?:he|she|they|[A-Z][a-z]+)(?:'s| is| are| has)?\s+)?"
    r"(?:(?:also|really|very|quite|massively|always|still|now|currently|definitely|probably|"
    r"maybe|mainly|mostly|loves?|likes?|enjoys?|adores?|into|is into|keen on|passionate about|"
    r"interested in|obsessed with|fan of|good at|great at|strong (?:in|at)|excellent at|talented at|"
    r"good with|great with|wants? to (?:be|become|do|work (?:in|with|as|on)|go into|study|train as|join)|"
    r"would like to (?:be|do|work (?:in|with|as))|thinking (?:about|of)|considering|looking at|"
    r"mentioned|said|says|talked about|talks about|asked about|plays?|does|volunteers? (?:at|with)|"
    r"doesn'?t want(?: to (?:be|do|go (?:to|into)|work (?:in|as)))?|not interested in|"
    r"not keen on|said no to|ruled out|not|no longer wants?|used to want(?: to (?:be|do|join))?|"
    r"an?|the|to|be|become|doing|working (?:in|with|as|on)|being)\s+)*",
    _I,
)
_ITEM_SPLIT = re.compile(r",|\band\b|\+|(?<!w)/|&|\bor\b|\(|\)", _I)
#: Where an item's tail starts ("fixing bikes w/ his uncle" -> "fixing bikes").
_TAIL = re.compile(
    r"\s+(?:w/|(?:with|at|on|in|for|from|to|because|since|when|but|so|which|who|that|if|after|"
    r"before|during|like|as|every|each|most|all|last|this|next)\b).*$",
    _I,
)
_LEAD = re.compile(
    r"^(?:(?:on|for|in|at|with|to|from|has|have|had|knows|gets|got|does|did|is|are|was|a|an|the|his|her|their|some|every|"
    r"huge|big|real|really|very|lots of|loads of|of)\s+)+",
    _I,
)
_FILLER = re.compile(r"[\"“”‘’']|\b(?:maybe|perhaps|possibly|lol|atm|etc|tbc|\?+)\b|\?+", _I)


def clause_segments(text: str) -> list[str]:
    """The notes cut into clauses: lines (a line that wraps mid-sentence, starting in lower case
    or after an open bracket, is joined to the one before), sentences, semicolons and dashes
    between words."""
    lines: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if (
            lines
            and stripped
            and (stripped[0].islower() or lines[-1].count("(") > lines[-1].count(")"))
            and not re.match(r"^[-*•]", stripped)
        ):
            lines[-1] += " " + stripped
        else:
            lines.append(stripped)
    joined = "\n".join(lines)
    return [part.strip(" ,.-*•\t") for part in _SPLIT.split(joined) if part.strip(" ,.-*•\t")]


def clause_items(clause: str, limit: int = 4) -> list[str]:
    """The head phrases of a clause: its words after the cue, split at commas and "and", each
    kept to its first ``limit`` content words."""
    body = _CUE.sub("", clause.strip(), count=1)
    items: list[str] = []
    for part in _ITEM_SPLIT.split(body):
        part = _FILLER.sub(" ", part)
        part = _LEAD.sub("", " ".join(part.split()))
        part = _TAIL.sub("", part).strip(" '.:;!?-")
        words = content_words(part)
        if not words:
            continue
        kept = part.split()
        items.append(" ".join(kept[: max(limit, 1)]) if len(kept) > limit else part)
    return list(dict.fromkeys(items))


# ---------------------------------------------------------------------------------------------
# The head


@dataclass(frozen=True)
class ClauseWeights:
    w: Floats  # (labels, dim)
    b: Floats  # (labels,)
    labels: tuple[str, ...]
    threshold: float
    card: dict[str, Any]

    @classmethod
    def load(cls, folder: Path = MODEL_DIR) -> ClauseWeights:
        with np.load(folder / WEIGHTS_FILE) as data:
            w = np.asarray(data["w"], dtype=np.float32)
            b = np.asarray(data["b"], dtype=np.float32)
        card = json.loads((folder / CARD_FILE).read_text(encoding="utf-8"))
        return cls(w, b, tuple(card["labels"]), float(card["threshold"]), card)

    def save(self, folder: Path = MODEL_DIR) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(folder / WEIGHTS_FILE, w=self.w, b=self.b)
        (folder / CARD_FILE).write_text(
            json.dumps(
                {**self.card, "labels": list(self.labels), "threshold": self.threshold}, indent=2
            )
            + "\n",
            encoding="utf-8",
        )


@dataclass(frozen=True)
class ClauseReading:
    clause: str
    label: ClauseLabel
    score: float
    items: list[str]


class ClauseReader:
    """Classifies the clauses of notes (see the module docstring)."""

    def __init__(self, embedder: Embedder, weights: ClauseWeights) -> None:
        self.embedder = embedder
        self.weights = weights

    def probabilities(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        vectors = np.asarray(self.embedder.embed(list(texts)), dtype=np.float32)
        logits = vectors @ self.weights.w.T + self.weights.b
        logits = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(logits.astype(np.float64))
        return np.asarray(exp / exp.sum(axis=1, keepdims=True), dtype=np.float64)

    def read(self, text: str) -> list[ClauseReading]:
        """The clauses of ``text`` that carry an interest, a strength, an idea or a rejection
        with a probability of at least the trained threshold."""
        clauses = [c for c in clause_segments(text) if 2 <= len(c.split()) <= 60]
        if not clauses:
            return []
        found: list[ClauseReading] = []
        for clause, row in zip(clauses, self.probabilities(clauses), strict=True):
            best = int(np.argmax(row))
            label = self.weights.labels[best]
            minimum = max(self.weights.threshold, LABEL_MINIMUM.get(label, 1.1))
            if label == "other" or row[best] < minimum:
                continue
            items = clause_items(clause)
            if items:
                found.append(ClauseReading(clause, label, float(row[best]), items))  # type: ignore[arg-type]
        return found


def shared_clause_reader() -> ClauseReader | None:
    """The process's clause reader; ``None`` (logged once) when it cannot load: the rules run."""
    if not (MODEL_DIR / WEIGHTS_FILE).is_file():
        return None
    return shared_on_model(
        "notes: clause reader", lambda embedder: ClauseReader(embedder, ClauseWeights.load())
    )
