"""What kind of answer a client's question asks for: pay, cost, how long, entry requirements,
what something is, the difference between two things, when, ages, how to apply.

The topic of a question finds the passages (retrieval does that); its kind chooses, among their
sentences, the one that answers it: "how much do you get paid on an apprenticeship" wants the
sentence with the apprentice rate, not the definition of an apprenticeship. The cues and the
markers are rules kept as data (``prompts/interview/question_kinds.yaml``): question words are
few and unambiguous enough for rules, and a rule explains the choice.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from guidance_assistant.interview.model import _load, interview_dir
from guidance_assistant.paths import file_stamp
from guidance_assistant.text.clean import normalise_for_matching, sentences

QUESTION_KINDS_FILE = "question_kinds.yaml"


class QuestionKind(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    noun: str = Field(min_length=3)
    words: list[str] = Field(default_factory=list)
    cues: list[str] = Field(min_length=1)
    markers: list[str] = Field(min_length=1)

    @field_validator("cues", "markers")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"not a regular expression: {pattern!r} ({error})") from error
        return patterns


class QuestionKindsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    filler: list[str] = Field(default_factory=list)
    kinds: dict[str, QuestionKind] = Field(min_length=1)


class _Compiled:
    def __init__(self, data: QuestionKindsFile) -> None:
        self.data = data
        self.cues = {k: [re.compile(c) for c in v.cues] for k, v in data.kinds.items()}
        self.markers = {
            k: re.compile("|".join(f"(?:{m})" for m in v.markers), re.IGNORECASE)
            for k, v in data.kinds.items()
        }


@functools.lru_cache(maxsize=4)
def _cached(folder: Path, stamp: tuple[int, int]) -> _Compiled:
    del stamp
    return _Compiled(_load(QuestionKindsFile, folder / QUESTION_KINDS_FILE))


def _compiled(folder: Path | None = None) -> _Compiled:
    base = folder if folder is not None else interview_dir()
    return _cached(base, file_stamp(base / QUESTION_KINDS_FILE))


def question_kinds(question: str, folder: Path | None = None) -> list[str]:
    """The kinds ``question`` asks for, the one asked first first (empty when none)."""
    text = normalise_for_matching(question)
    found: list[tuple[int, int, str]] = []
    for order, (kind, cues) in enumerate(_compiled(folder).cues.items()):
        starts = [m.start() for cue in cues if (m := cue.search(text))]
        if starts:
            found.append((min(starts), order, kind))
    return [kind for _, _, kind in sorted(found)]


def topic_of(question: str, kinds: list[str], folder: Path | None = None) -> str:
    """``question`` without the words that ask for its kinds ("how long does a T Level take"
    is about "a T Level"): what the passages and sentences must be about."""
    compiled = _compiled(folder)
    text = normalise_for_matching(_asking_sentence(question, kinds, compiled))
    dropped: set[str] = set(compiled.data.filler)
    for kind in kinds:
        for cue in compiled.cues.get(kind, []):
            text = cue.sub(" ", text)
        dropped.update(compiled.data.kinds[kind].words)
    kept = [word for word in re.findall(r"[a-z0-9£]+", text) if word not in dropped]
    return " ".join(kept)


def _asking_sentence(question: str, kinds: list[str], compiled: _Compiled) -> str:
    """The sentence of ``question`` that asks (a cue of ``kinds`` in it, else one ending in
    "?"): "What's a foundation year? Someone said I should look for zoology with one" is about
    a foundation year, not zoology. The whole message when no one sentence is it."""
    parts = sentences(question)
    if len(parts) < 2:
        return question
    for index, part in enumerate(parts):
        text = normalise_for_matching(part)
        if any(cue.search(text) for kind in kinds for cue in compiled.cues.get(kind, [])):
            # a short question after it says what it means ("...? Like a bursary?")
            after = parts[index + 1] if index + 1 < len(parts) else ""
            short = after.rstrip().endswith("?") and len(after.split()) <= 6
            return f"{part} {after}" if short else part
    asking = [part for part in parts if part.rstrip().endswith("?")]
    return asking[0] if len(asking) == 1 else question


def answers_kind(sentence: str, kind: str, folder: Path | None = None) -> bool:
    """Whether ``sentence`` holds what a question of ``kind`` asks for."""
    pattern = _compiled(folder).markers.get(kind)
    return bool(pattern and pattern.search(sentence))


def kind_noun(kind: str, folder: Path | None = None) -> str:
    return _compiled(folder).data.kinds[kind].noun
