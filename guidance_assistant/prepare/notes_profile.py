"""What the notes say of the client beyond the cue words: traits ("very reliable"), roles and
awards ("head girl", "DofE silver"), strengths said in shorthand or by responsibility ("gd at
art", "runs the tuck shop"), a subject said to be strong in its own clause ("Maths is his best
subject"), and the words that are never an item ("it", "mates"). The words are data,
``knowledge/notes/profile.yaml`` (validated when loaded); this module only applies them.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.paths import bundled_dir, file_stamp

_I = re.IGNORECASE


class ProfileDataError(GuidanceAssistantError):
    """``knowledge/notes/profile.yaml`` could not be read."""


def _compiles(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as error:
            raise ValueError(f"bad pattern {pattern!r}: {error}") from error
    return patterns


class ProfileWords(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    not_items: list[str]
    traits: list[str]
    roles: list[str]
    strength_cues: list[str]
    subject_strengths: list[str]

    _check = field_validator("roles", "strength_cues", "subject_strengths")(_compiles)

    @field_validator("subject_strengths")
    @classmethod
    def _has_item(cls, value: list[str]) -> list[str]:
        for pattern in value:
            if "item" not in re.compile(pattern).groupindex:
                raise ValueError(f"{pattern!r} has no group 'item'")
        return value


class ProfileRules:
    """The compiled words of ``profile.yaml``."""

    def __init__(self, words: ProfileWords) -> None:
        self.not_items = frozenset(w.lower() for w in words.not_items)
        traits = sorted(words.traits, key=len, reverse=True)
        alternatives = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in traits)
        self.trait = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", _I)
        self.roles = [re.compile(p) for p in words.roles]
        self.strength_cues = [re.compile(p, _I) for p in words.strength_cues]
        self.subject_strengths = [re.compile(p, _I) for p in words.subject_strengths]


@functools.lru_cache(maxsize=4)
def _load(path: Path, stamp: tuple[int, int]) -> ProfileRules:
    del stamp
    try:
        words = ProfileWords.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise ProfileDataError(f"cannot read {path}: {error}") from error
    return ProfileRules(words)


def profile_rules() -> ProfileRules:
    path = bundled_dir("knowledge") / "notes" / "profile.yaml"
    return _load(path, file_stamp(path))


def not_an_item(item: str) -> bool:
    """Whether ``item`` is a word that is never an interest, strength or idea on its own (an
    acronym never is one: "IT" is no "it")."""
    if len(item.strip()) > 1 and item.strip().isupper():
        return False
    return " ".join(item.lower().strip(" .,;:!?'\"").split()) in profile_rules().not_items


_NEGATED = re.compile(
    r"\b(?:not|never|no|isn'?t|wasn'?t|aren'?t|lacks?|lacking|less|hardly|un)\b[\w\s'-]{0,18}$", _I
)
#: A trait followed by one of these is said of the client ("patient and kind", "mature beyond his
#: years"); followed by another word it is an attribute of that word ("creative writing").
_AFTER_TRAIT = re.compile(
    r"\s*(?:$|[,.;:!?)\]\"”'’/+-]|(?:and|but|with|beyond|for|when|about|at|in|&|too|as well|"
    r"overall|generally|though|tbh|lol|really|\(|and\s)\b)",
    _I,
)
_KIN = re.compile(
    r"\b(?:mum|mother|dad|father|brother|sister|bro|sis|nan|gran|grandad|grandma|uncle|aunt|"
    r"auntie|cousin|stepdad|stepmum|parents?|partner|husband|wife|friends?|mates?|sibling)\b",
    _I,
)
_REPORTS = re.compile(
    r"\b(?:says?|said|reports?|reported|thinks?|describes?|described|calls?|called|feels?|"
    r"finds?|notes?|adds?|mentions?)\b|\b(?:she|he|they|client)\b",
    _I,
)


def said_of_someone_else(before: str) -> bool:
    """Whether the clause before a trait makes someone else its subject ("her mum is very"),
    not a report about the client ("Mum says she is very")."""
    kin = list(_KIN.finditer(before))
    if not kin:
        return False
    return not _REPORTS.search(before[kin[-1].end() :])


def traits(clause: str) -> list[str]:
    """The traits said of the client in ``clause``."""
    found: list[str] = []
    for match in profile_rules().trait.finditer(clause):
        before = clause[: match.start()]
        if not _AFTER_TRAIT.match(clause[match.end() :]):
            continue
        if _NEGATED.search(before) or said_of_someone_else(before):
            continue
        if re.search(r"\b(?:an?|the|his|her|their|my|some|any|what|how)\s*$", before, _I) and (
            len(match.group().split()) == 1
        ):
            continue
        found.append(" ".join(match.group().split()))
    return found


def roles(clause: str) -> list[tuple[int, int, str]]:
    """Roles, awards and positions in ``clause``: (start, end, words), none overlapping."""
    from guidance_assistant.prepare.spans import BOUNDARY

    taken: list[tuple[int, int, str]] = []
    for pattern in profile_rules().roles:
        for match in pattern.finditer(clause):
            start, end = match.span()
            words = match.group().split()
            while words and words[0].lower() in BOUNDARY:  # "is captain" -> "captain"
                start = clause.index(words[1], start + len(words[0])) if len(words) > 1 else end
                words = words[1:]
            if not words or any(s < end and start < e for s, e, _ in taken):
                continue
            if _NEGATED.search(clause[:start]) or said_of_someone_else(clause[:start]):
                continue
            taken.append((start, end, " ".join(words)))
    return sorted(taken)


def subject_strengths(clause: str) -> list[str]:
    """School subjects a clause of their own calls strong ("Maths is his best subject")."""
    from guidance_assistant.prepare.notes_facts import subject_spans

    found: list[str] = []
    for pattern in profile_rules().subject_strengths:
        for match in pattern.finditer(clause):
            item = match.group("item")
            spans = subject_spans(item)
            if spans and spans[0][0] == 0 and spans[-1][1] >= len(item.rstrip()):
                found.append(item)
    return found
