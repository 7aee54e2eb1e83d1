"""The occupation titles of the bundled LMI, indexed for linking words to jobs.

The one home for looking up a job by what a person called it: exact main and alternative titles
(singular or plural), phrases held by exactly one title ("vet nurse", "IT technician"), short forms
("vet" for "veterinary"), a school subject then "teacher", the head noun of a title, and fuzzy
matches through :func:`guidance_assistant.lmi.find`. Readers of client messages and notes decide
whose job it is (the client's idea, someone else's job); this module only says which record.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from rapidfuzz import fuzz

from guidance_assistant.lmi.title_words import content_words, related_words, word_forms, words_of
from guidance_assistant.paths import bundled_dir
from guidance_assistant.text.clean import normalise_for_matching
from guidance_assistant.text.words import STOP_WORDS

if TYPE_CHECKING:
    from guidance_assistant.lmi.models import OccupationMatch, OccupationRecord


#: A fuzzy job-title match is accepted at or above this score (0–100) when it is clearly best.
FUZZY_ACCEPT = 88.0


#: ...and always at or above this one.
FUZZY_SURE = 95.0


_PHRASE_STOP_TEXT = (
    "because and but or so when if like in at for with after before since though although as "
    "one day someday eventually later maybe probably then too also either either really"
)


PHRASE_STOP = frozenset(_PHRASE_STOP_TEXT.split())


@functools.lru_cache(maxsize=1)
def title_index() -> dict[str, tuple[str, str]]:
    """Normalised job title → (occupation id, display title), main titles first."""
    from guidance_assistant import lmi

    index: dict[str, tuple[str, str]] = {}
    records = lmi.bundled_store().all()
    for record in records:
        index.setdefault(norm_title(record.title), (record.id, record.title))
    for record in records:
        for title in record.alternative_titles:
            index.setdefault(norm_title(title), (record.id, record.title))
    by_id = {record.id: record for record in records}
    everyday = everyday_titles()
    for word, occupation_id in everyday.titles.items():
        named = by_id.get(occupation_id)
        if named is None:
            raise EverydayTitlesError(
                f"{everyday_titles_path()}: '{word}' names the record '{occupation_id}', "
                "which is not in the bundled occupations"
            )
        index.setdefault(norm_title(word), (named.id, named.title))
    return index


class EverydayTitlesError(ValueError):
    """``knowledge/lmi/everyday_titles.yaml`` is missing, malformed or names a record that is
    not bundled."""


class EverydayTitles(BaseModel):
    """Everyday words for jobs (``knowledge/lmi/everyday_titles.yaml``): a word for one record,
    or for a family of records the client is asked to choose between."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    titles: dict[str, str] = Field(default_factory=dict)
    families: dict[str, list[str]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _families_have_two(self) -> EverydayTitles:
        for word, ids in self.families.items():
            if len(set(ids)) < 2:
                raise ValueError(f"the family {word!r} needs two or more records")
        return self


def everyday_titles_path() -> Path:
    return bundled_dir("knowledge") / "lmi" / "everyday_titles.yaml"


@functools.lru_cache(maxsize=1)
def everyday_titles() -> EverydayTitles:
    """The everyday words for jobs (read once per process, like the records)."""
    path = everyday_titles_path()
    try:
        return EverydayTitles.model_validate(yaml.safe_load(path.read_text("utf-8")) or {})
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise EverydayTitlesError(
            f"The everyday titles file {path} is not valid: {error}"
        ) from error


@functools.lru_cache(maxsize=1)
def longest_title_words() -> int:
    return max(len(key.split()) for key in title_index())


@functools.lru_cache(maxsize=1)
def title_tails() -> dict[str, list[tuple[str, str]]]:
    """The last one or two words of titles ("teacher", "software engineer") → the records whose
    main title ends with them, used to spot words that name a family of jobs."""
    from guidance_assistant import lmi

    tails: dict[str, list[tuple[str, str]]] = {}
    for record in lmi.bundled_store().all():
        parts = norm_title(record.title).split()
        for size in (1, 2):
            if len(parts) > size:
                key = " ".join(parts[-size:])
                tails.setdefault(key, []).append((record.id, record.title))
    by_id = {record.id: record for record in lmi.bundled_store().all()}
    for word, ids in everyday_titles().families.items():
        family = [(i, by_id[i].title) for i in ids if i in by_id]
        if len(family) != len(ids):
            missing = sorted(set(ids) - set(by_id))
            raise EverydayTitlesError(
                f"{everyday_titles_path()}: the family '{word}' names records that are not "
                f"bundled: {missing}"
            )
        tails.setdefault(norm_title(word), family)
    return tails


def norm_title(title: str) -> str:
    return " ".join(normalise_for_matching(title.replace("-", " ")).replace(",", " ").split())


def singulars(word: str) -> list[str]:
    forms = [word]
    if word.endswith("ies") and len(word) > 4:
        forms.append(word[:-3] + "y")
    if word.endswith("es") and len(word) > 3:
        forms.append(word[:-2])
    if word.endswith("s") and len(word) > 3:
        forms.append(word[:-1])
    if word == "people":
        forms.append("person")
    return forms


def title_lookup(tokens: list[str]) -> tuple[str, str] | None:
    index = title_index()
    for last in singulars(tokens[-1]):
        key = " ".join([*tokens[:-1], last])
        if key in index:
            return index[key]
    return None


@functools.lru_cache(maxsize=1)
def title_texts() -> tuple[
    tuple[tuple[tuple[str, ...], tuple[str, str]], ...],
    tuple[tuple[tuple[str, ...], tuple[str, str]], ...],
]:
    """(Every main and alternative title, the occupation group titles of each record: SOC 2010
    and primary SOC 2020), as word tuples with the record they name."""
    from guidance_assistant import lmi

    titles = tuple((tuple(key.split()), hit) for key, hit in title_index().items())
    groups: list[tuple[tuple[str, ...], tuple[str, str]]] = []
    for record in lmi.bundled_store().all():
        names = [record.soc2010.title]
        primary = record.primary_soc2020
        if primary is not None:
            names.append(primary.title)
        for name in dict.fromkeys(names):
            groups.append((tuple(norm_title(name).split()), (record.id, record.title)))
    return titles, tuple(groups)


@functools.lru_cache(maxsize=1)
def short_forms() -> dict[str, frozenset[str]]:
    """A one-word title that is also the short form of a longer word in other titles ("vet" →
    "veterinary"), where the records share a job category: word → the records it abbreviates."""
    from guidance_assistant import lmi

    records = {r.id: r for r in lmi.bundled_store().all()}
    singles = {key: hit for key, hit in title_index().items() if " " not in key and len(key) >= 3}
    found: dict[str, set[str]] = {}
    for parts, hit in title_texts()[0]:
        for word in parts[:-1]:
            for short, short_hit in singles.items():
                if len(word) > len(short) + 2 and word.startswith(short):
                    mine, theirs = records.get(hit[0]), records.get(short_hit[0])
                    if mine and theirs and set(mine.job_categories) & set(theirs.job_categories):
                        found.setdefault(short, set()).add(hit[0])
    return {short: frozenset(ids) for short, ids in found.items()}


def holds_phrase(parts: tuple[str, ...], words_: list[str], record_id: str) -> bool:
    """Whether ``parts`` (a title's words) hold ``words_`` as a run ending in a head-noun form,
    each other word the same or its short form ("vet" for "veterinary")."""
    size = len(words_)
    heads = set(singulars(words_[-1]))
    for start in range(len(parts) - size + 1):
        run = parts[start : start + size]
        if not (heads & set(singulars(run[-1]))):
            continue
        if all(
            said == word
            or (word.startswith(said) and record_id in short_forms().get(said, frozenset()))
            for said, word in zip(words_[:-1], run[:-1], strict=True)
        ):
            return True
    return False


def compound_lookup(words_: list[str]) -> tuple[str, str] | None:
    """The one record whose titles (or, failing those, whose occupation group) hold a phrase of
    two or more words that is no title itself ("vet nurse" → Veterinary nurse, "nursery nurse"
    → the record in the group "Nursery nurses and assistants"): one job, not one per word."""
    if len(words_) < 2 or any(w in STOP_WORDS or len(w) < 2 for w in words_):
        return None
    if not any(form in titles_by_head() for form in singulars(words_[-1])):
        return None
    for texts in title_texts():
        found = {hit for parts, hit in texts if holds_phrase(parts, words_, hit[0])}
        if len({hit[0] for hit in found}) == 1:
            return found.pop()
        if found:
            return None
    return None


JOB_CONTEXT = re.compile(r"(?:\b(?:be|become|becoming|being|as|into|about|a|an)\s+(?:an?\s+)?)$")


#: The record for a teacher of a school subject ("an English teacher") with no record of its own.
SUBJECT_TEACHER = "secondary school teacher"


def subject_teacher(words_: list[str], before: str) -> tuple[str, str] | None:
    """A school subject then "teacher" ("a maths teacher"), at the start of the message or after
    words that make it a job ("be a", "as an"); not "my English teacher said"."""
    from guidance_assistant.text.subjects import SUBJECTS

    if len(words_) < 2 or "teacher" not in singulars(words_[-1]):
        return None
    subject = " ".join(words_[:-1])
    if (before.strip() and not JOB_CONTEXT.search(before)) or not any(
        p.fullmatch(subject) for _, p in SUBJECTS
    ):
        return None
    return title_index().get(SUBJECT_TEACHER)


PHRASE_END = frozenset(("i", "my", "me", "you", "it", "is", "are", "was"))


@functools.lru_cache(maxsize=1)
def title_companions() -> dict[str, frozenset[str]]:
    """For a word that usually ends a job phrase but is part of some titles ("it" in "IT
    support technician"): the other words of those titles."""
    companions: dict[str, set[str]] = {}
    for key in title_index():
        parts = key.split()
        for word in set(parts) & (PHRASE_END | PHRASE_STOP):
            companions.setdefault(word, set()).update(p for p in parts if p != word)
    return {word: frozenset(others) for word, others in companions.items()}


def trim_phrase(raw: str) -> str:
    """The words of a job phrase: up to four, stopping at words that end it ("plumber because
    ..."). A leading word that is part of job titles ("IT" in "IT technician") is kept when the
    next word belongs to one of those titles."""
    parts = raw.split()
    kept: list[str] = []
    for index, word in enumerate(parts):
        if word in PHRASE_STOP or word in PHRASE_END:
            following = parts[index + 1] if index + 1 < len(parts) else ""
            acronym = (
                not kept
                and bool(following)
                and any(
                    form in title_companions().get(word, frozenset())
                    for form in singulars(following)
                )
            )
            if not acronym:
                break
        kept.append(word)
        if len(kept) >= 4:
            break
    return " ".join(kept).strip(" -")


@functools.lru_cache(maxsize=1)
def titles_by_head() -> dict[str, list[tuple[tuple[str, ...], tuple[str, str]]]]:
    """Titles (main and alternative, normalised) grouped by their last word (the head noun)."""
    heads: dict[str, list[tuple[tuple[str, ...], tuple[str, str]]]] = {}
    for key, hit in title_index().items():
        parts = tuple(key.split())
        if parts:
            heads.setdefault(parts[-1], []).append((parts, hit))
    return heads


def titles_within(phrase: str) -> list[tuple[str, str]]:
    """Records with a title that holds every word of ``phrase`` in order, with one word more,
    and ends with its last word ("IT technician" → "IT support technician", "primary teacher" →
    "Primary school teacher"), each once, in title order. Only for phrases of two or more
    words."""
    words_ = phrase.split()
    if len(words_) < 2:
        return []
    found: dict[str, tuple[str, str]] = {}
    for head in dict.fromkeys(singulars(words_[-1])):
        for parts, hit in titles_by_head().get(head, []):
            if len(parts) != len(words_) + 1:
                continue
            remaining = iter(parts[:-1])
            if all(word in remaining for word in words_[:-1]):
                found.setdefault(hit[0], hit)
    return list(found.values())


def shares_word(phrase: str, title: str) -> bool:
    words_of_title = norm_title(title).split()
    for word in phrase.split():
        if word in STOP_WORDS or len(word) < 3:
            continue
        for candidate in words_of_title:
            if fuzz.ratio(word, candidate) >= 80 or any(
                fuzz.ratio(form, candidate) >= 85 for form in singulars(word)
            ):
                return True
    return False


def same_head(phrase: str, title: str) -> bool:
    """Whether ``title`` ends with the last word of ``phrase`` (singular or plural)."""
    parts = norm_title(title).split()
    words_ = phrase.split()
    return bool(parts and words_) and parts[-1] in singulars(words_[-1])


def find_forms(phrase: str) -> list[OccupationMatch]:
    """:func:`lmi.find` for ``phrase`` and its singular ("games developers" → "games
    developer"), best score first, each record once."""
    from guidance_assistant import lmi

    words_ = phrase.split()
    forms = [phrase]
    for form in singulars(words_[-1])[1:]:
        forms.append(" ".join([*words_[:-1], form]))
    best: dict[str, OccupationMatch] = {}
    for form in dict.fromkeys(forms):
        for match in lmi.find(form, limit=4):
            known = best.get(match.record.id)
            if known is None or match.score > known.score:
                best[match.record.id] = match
    return sorted(best.values(), key=lambda m: -m.score)[:4]


# ------------------------------------------------- titles related to a phrase (the brief)


@dataclass(frozen=True)
class _Title:
    text: str
    words: tuple[str, ...]  # content words: acronyms keep capitals, others lowercase


@dataclass(frozen=True)
class _Entry:
    record: OccupationRecord
    titles: tuple[_Title, ...]


_TITLE_STOP_WORDS = "a an the and of in for to with or on at by"
_TITLE_STOP = frozenset(_TITLE_STOP_WORDS.split())


def title_words(title: str) -> tuple[str, ...]:
    result: list[str] = []
    for word in words_of(title):
        if word.isupper() and 2 <= len(word) <= 4:
            result.append(word)
        elif word.lower() not in _TITLE_STOP:
            result.append(word.lower())
    return tuple(result)


@functools.lru_cache(maxsize=1)
def _title_index() -> tuple[_Entry, ...]:
    from guidance_assistant import lmi

    entries: list[_Entry] = []
    for record in lmi.bundled_store().all():
        titles = [record.title, *record.alternative_titles]
        entries.append(
            _Entry(
                record=record,
                titles=tuple(_Title(text=t, words=title_words(t)) for t in dict.fromkeys(titles)),
            )
        )
    return tuple(entries)


TitleClass = Literal["exact", "modifier", "head"]
CLASS_ORDER: dict[TitleClass, int] = {"exact": 0, "modifier": 1, "head": 2}


@dataclass(frozen=True)
class TitleMatch:
    record: OccupationRecord
    title: str
    kind: TitleClass
    matched: tuple[str, ...]
    extra: int
    title_word: str = ""


def title_matches(phrase: str) -> list[TitleMatch]:
    """Records whose title (or another title) shares the words of ``phrase``: "architecture"
    finds Architect (exact), Architectural technician (the word modifies the title) and
    Landscape architect (the title's head word, with a modifier)."""
    wanted = content_words(phrase)
    if not wanted:
        return []
    strict = _title_matches_at(wanted, full=True)
    return strict or _title_matches_at(wanted, full=False)


def _derived_only(wanted: Sequence[str], title_word: str) -> bool:
    """Whether the title word links to the phrase only as the person who does it ("medicine"
    → "doctor"), not as a form of it: such links must name the job itself (its head word), so
    "medicine" does not lead to Doctor's receptionist."""
    return not any(word_forms(w, title_word) for w in wanted)


def _title_matches_at(wanted: Sequence[str], *, full: bool) -> list[TitleMatch]:
    """``full``: every word of the phrase is in the title ("civil service" → Civil Service
    manager, not Civil engineer); otherwise half of them are."""
    found: list[TitleMatch] = []
    for entry in _title_index():
        best: TitleMatch | None = None
        for title in entry.titles:
            if not title.words:
                continue
            matched = tuple(w for w in wanted if any(related_words(w, t) for t in title.words))
            if not matched or len(matched) * 2 < len(wanted):
                continue
            if full and len(matched) < len(wanted):
                continue
            extra = [t for t in title.words if not any(related_words(w, t) for w in wanted)]
            head = any(related_words(w, title.words[-1]) for w in wanted)
            kind: TitleClass = (
                "exact"
                if not extra and len(matched) == len(wanted)
                else "head"
                if head
                else "modifier"
            )
            title_word = next(t for t in title.words if any(related_words(w, t) for w in wanted))
            if kind == "modifier" and _derived_only(wanted, title_word):
                continue  # "medicine" → Doctor's receptionist: not the job itself
            candidate = TitleMatch(entry.record, title.text, kind, matched, len(extra), title_word)
            if best is None or (CLASS_ORDER[kind], len(extra)) < (
                CLASS_ORDER[best.kind],
                best.extra,
            ):
                best = candidate
        if best is not None:
            found.append(best)
    found.sort(key=lambda m: (CLASS_ORDER[m.kind], m.extra, m.record.title))
    return found
