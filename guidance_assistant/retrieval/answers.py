"""Short answers to the questions clients ask about terms, processes and money.

The answers are data (``knowledge/answers/*.yaml``): each has the ways clients ask for it
(``asks``), optional ``terms`` the question names ("RVN", "firm", "CSCS"), a two- or
three-sentence answer in words a pupil can read, and the public source its facts come from. A
question is answered from the bank when it is close in meaning to one of an entry's ``asks``
(sentence embeddings of the bundled model) and names one of its terms, or when it is very close
without one; otherwise the knowledge base's passages answer it as before. The bank exists because
a passage written for advisers rarely holds the one sentence a 15-year-old's "wat does RVN mean"
needs (first-contact rounds 5 and 6).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.paths import bundled_dir, file_stamp
from guidance_assistant.retrieval.embedding import Embedder, shared_on_model
from guidance_assistant.sources import Citation
from guidance_assistant.text.clean import normalise_for_matching

ANSWERS_FOLDER = "answers"

#: A question this close in meaning to one of an entry's ``asks`` that also names one of its
#: terms is answered by it; one this close without a term needs ``SURE``. Set on the
#: must-answer questions of first-contact rounds 1-6 (development), never on a later round.
WITH_TERM = 0.55
SURE = 0.86


class AnswersError(GuidanceAssistantError):
    """An answers file that cannot be read or does not validate."""


class AnswerSource(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=3)
    publisher: str = Field(min_length=2)
    year: int = Field(ge=2000, le=2100)
    url: str | None = None


class AnswerEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    terms: list[str] = Field(default_factory=list)
    asks: list[str] = Field(min_length=1)
    answer: str = Field(min_length=20, max_length=900)
    source: AnswerSource

    @property
    def citation(self) -> Citation:
        return Citation(
            title=self.source.title,
            source=f"answers/{self.id}",
            publisher=self.source.publisher,
            year=self.source.year,
            url=self.source.url,
        )


class AnswersFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    answers: list[AnswerEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> AnswersFile:
        ids = [a.id for a in self.answers]
        doubled = sorted({i for i in ids if ids.count(i) > 1})
        if doubled:
            raise ValueError(f"answer ids used twice: {', '.join(doubled)}")
        return self


@dataclass(frozen=True)
class AnswerMatch:
    """The entry that answers a question, how close the closest of its ``asks`` was, and the
    term of the entry the question names (``None`` when it matched on meaning alone)."""

    entry: AnswerEntry
    similarity: float
    term: str | None


def answers_dir(knowledge_dir: Path | None = None) -> Path:
    return (knowledge_dir or bundled_dir("knowledge")) / ANSWERS_FOLDER


def load_answers(folder: Path | None = None) -> tuple[AnswerEntry, ...]:
    """Every entry of the folder's YAML files (an edited file is read again)."""
    folder = folder or answers_dir()
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    return _load(tuple((f, *file_stamp(f)) for f in files))


@functools.lru_cache(maxsize=8)
def _load(files: tuple[tuple[Path, int, int], ...]) -> tuple[AnswerEntry, ...]:
    entries: list[AnswerEntry] = []
    for path, _, _ in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            entries += AnswersFile.model_validate(data).answers
        except (OSError, yaml.YAMLError, ValidationError) as error:
            raise AnswersError(f"{path.name}: {error}") from error
    ids = [e.id for e in entries]
    if len(set(ids)) != len(ids):
        raise AnswersError("an answer id is used in two files")
    return tuple(entries)


def _part_pattern(part: str) -> str:
    prefix = part.endswith("*")
    words = normalise_for_matching(part.rstrip("*")).split()
    body = r"[\s-]*".join(map(re.escape, words))
    return r"(?<![a-z0-9])" + body + (r"[a-z]*" if prefix else r"(?![a-z0-9])")


@functools.lru_cache(maxsize=512)
def _compiled_term(term: str) -> tuple[re.Pattern[str], ...]:
    """A term is one phrase or several joined by " + ", all of which the question must name;
    a phrase ending in "*" matches any ending ("apprentic*": apprentice, apprenticeship)."""
    return tuple(re.compile(_part_pattern(p.strip())) for p in term.split(" + ") if p.strip())


def named_term(question: str, entry: AnswerEntry) -> str | None:
    """The first of ``entry.terms`` that ``question`` names (matching view: case, accents and
    apostrophes folded; "t-level" and "t level" alike)."""
    seen = normalise_for_matching(question)
    for term in entry.terms:
        if all(part.search(seen) for part in _compiled_term(term)):
            return term
    return None


def _shared_embedder() -> Embedder | None:
    return shared_on_model("answer bank", lambda embedder: embedder)


#: "what is X", "wat does X mean", "X stand for": a question asking what a word means.
_DEFINING = re.compile(r"\b(what|wat|wot|whats|wats|wots|mean|means|meaning|stand for)\b")
#: A short one-word term (an abbreviation: "RVN", "CSCS", "SQE") named in a question asking what
#: something means answers it at this closeness: the bundled model knows few abbreviations, so
#: "What means HCPC?" sits far from "what is the HCPC" in meaning.
DEFINING = 0.3
_ABBREVIATION = re.compile(r"^[a-z]{2,5}$")


def match_answer(
    question: str,
    *,
    context: str | None = None,
    entries: Sequence[AnswerEntry] | None = None,
    embedder: Embedder | None = None,
) -> AnswerMatch | None:
    """The entry that answers ``question`` (a client's asking sentences), or ``None``.

    ``context``: the whole message, when the question is part of it ("My friend say I need card
    for building site. CSCS. What is this?"): its terms count, and its meaning is compared too."""
    if not question.strip():
        return None
    entries = load_answers() if entries is None else entries
    embedder = embedder or _shared_embedder()
    if not entries or embedder is None:
        return None
    whole = context if context and context.strip() and context != question else None
    texts = [question, *([whole] if whole else [])]
    asks = [ask for entry in entries for ask in entry.asks]
    owner = [i for i, entry in enumerate(entries) for _ in entry.asks]
    vectors = np.asarray(embedder.embed([*texts, *asks]), dtype=np.float32)
    sims = (vectors[len(texts) :] @ vectors[: len(texts)].T).max(axis=1)
    best: dict[int, float] = {}
    for row, index in enumerate(owner):
        best[index] = max(best.get(index, -1.0), float(sims[row]))
    seen = " ".join(texts)
    defining = bool(_DEFINING.search(normalise_for_matching(question)))
    candidates: list[AnswerMatch] = []
    for index, similarity in best.items():
        term = named_term(seen, entries[index])
        abbreviation = term is not None and bool(_ABBREVIATION.match(term))
        if (
            (term is not None and similarity >= WITH_TERM)
            or similarity >= SURE
            or (abbreviation and defining and similarity >= DEFINING)
        ):
            candidates.append(AnswerMatch(entries[index], similarity, term))
    if not candidates:
        return None
    # A named term settles a near tie ("firm and insurance" over "clearing"); an abbreviation
    # the question asks the meaning of comes first.
    return max(
        candidates,
        key=lambda m: (
            m.similarity
            + (0.05 if m.term else 0.0)
            + (0.5 if defining and m.term and _ABBREVIATION.match(m.term) else 0.0)
        ),
    )
