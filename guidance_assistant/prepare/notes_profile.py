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


def _compiles_one(pattern: str) -> str:
    _compiles([pattern])
    return pattern


class ProfileWords(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    not_items: list[str]
    traits: list[str]
    roles: list[str]
    strength_cues: list[str]
    subject_strengths: list[str]
    high_grades: list[str]
    qualifications: list[str]
    not_held: str
    courses: list[str]
    held: str
    held_after: str
    languages: list[str]
    language_cues: str
    language_after: str
    language_not: str
    language_before_not: str
    lapsed: str
    hedges: str
    praise: list[str]
    lead_titles: list[str]
    not_lead_after: str
    not_lead_before: str

    _check = field_validator(
        "roles",
        "strength_cues",
        "subject_strengths",
        "qualifications",
        "courses",
        "praise",
        "lead_titles",
    )(_compiles)
    _check_one = field_validator(
        "not_held",
        "held",
        "held_after",
        "language_cues",
        "language_after",
        "language_not",
        "language_before_not",
        "lapsed",
        "hedges",
        "not_lead_after",
        "not_lead_before",
    )(_compiles_one)

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
        self.roles = [re.compile(p, _I) for p in words.roles]
        self.strength_cues = [re.compile(p, _I) for p in words.strength_cues]
        self.subject_strengths = [re.compile(p, _I) for p in words.subject_strengths]
        self.high_grades = frozenset(g.lower() for g in words.high_grades)
        self.qualifications = [re.compile(p) for p in words.qualifications]
        self.not_held = re.compile(words.not_held)
        self.courses = [re.compile(p) for p in words.courses]
        self.held = re.compile(words.held)
        self.held_after = re.compile(words.held_after)
        names = sorted(words.languages, key=len, reverse=True)
        self.language = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b")
        self.language_cues = re.compile(words.language_cues)
        self.language_after = re.compile(words.language_after)
        self.language_not = re.compile(words.language_not)
        self.language_before_not = re.compile(words.language_before_not)
        self.lapsed = re.compile(words.lapsed)
        self.hedges = re.compile(words.hedges)
        self.praise = [re.compile(p) for p in words.praise]
        self.lead_titles = [re.compile(p) for p in words.lead_titles]
        self.not_lead_after = re.compile(words.not_lead_after)
        self.not_lead_before = re.compile(words.not_lead_before)


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
    r"\s*(?:$|[,.;:!?)\]\"”'’/+-]|(?:and|but|with|beyond|for|when|about|at|in|&|too|as well|under|every|"
    r"towards|around|according|according to|lol|"
    r"overall|generally|though|tbh|lol|really|\(|and\s)\b)",
    _I,
)
_KIN = re.compile(
    r"\b(?:mum|mother|dad|father|brother|sister|bro|sis|nan|gran|grandad|grandma|uncle|aunt|"
    r"auntie|cousin|stepdad|stepmum|parents?|partner|husband|wife|friends?|mates?|sibling|"
    r"grand(?:daughter|son|child|children|kids?)|son|daughter|twin)\b",
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


#: A trait before one of these is said of the client ("the most reliable lad in the year", "a
#: patient, methodical worker"): a person, not a thing ("creative writing").
_PERSON_AFTER = re.compile(
    r"\s*(?:,\s*[\w-]+\s+)?(?:young\s+)?(?:lad|lads|girl|boy|kid|man|woman|person|student|pupil|"
    r"learner|worker|friend|member|one|employee|colleague|individual|apprentice|volunteer|"
    r"character|soul|presence)\b",
    _I,
)


def traits(clause: str) -> list[str]:
    """The traits said of the client in ``clause``."""
    found: list[str] = []
    for match in profile_rules().trait.finditer(clause):
        before = clause[: match.start()]
        after = clause[match.end() :]
        person = _PERSON_AFTER.match(after) is not None
        if not person and not _AFTER_TRAIT.match(after):
            continue
        if _NEGATED.search(before) or said_of_someone_else(before):
            continue
        if (
            re.search(r"\b(?:an?|the|his|her|their|my|some|any|what|how)\s*$", before, _I)
            and len(match.group().split()) == 1
            and not person
            and not re.match(r"\s*,", after)
        ):
            continue
        found.append(" ".join(match.group().split()))
    return found


#: What a bare superlative praises: the words before "is the best in..." ("her practical work").
_PRAISED_BEFORE = re.compile(
    r"(?:^|\b(?:his|her|their|my)\s+)(?P<what>(?!(?:she|he|they|it|that|this)\b)[a-z][\w-]*"
    r"(?: [a-z][\w-]*)?) (?:is|are|was|were) (?:the |by far the )?$",
    _I,
)


def praise(sentence: str) -> list[tuple[int, int, str]]:
    """Praise of the client in ``sentence``: a degree word before an agent noun ("strong
    swimmer", "superb pianist") and superlatives ("the best troubleshooter in the team"), never
    of someone else nor denied. (start, end, words), none overlapping."""
    taken: list[tuple[int, int, str]] = []
    for pattern in profile_rules().praise:
        for match in pattern.finditer(sentence):
            start, end = match.span()
            if any(start < e and s < end for s, e, _ in taken):
                continue
            before = _clause_before(sentence, start)
            if _NEGATED.search(before) or said_of_someone_else(sentence[:start]):
                continue
            if hedged(before) or re.search(
                r"\b(?:wants?|would|hopes?|to be|become)\s+(?:an?\s+)?$", before, _I
            ):
                continue
            if re.search(r"\b(?:some|one|any) of (?:the )?$", before, _I):
                continue  # "her creative writing is some of the best in the year"
            words = re.sub(
                r"^(?:the|his|her|their|my|very|really|v\.?|so|such an?|an?)\s+",
                "",
                match.group(),
                flags=_I,
            )
            praised = _PRAISED_BEFORE.search(before)
            if re.match(r"(?:best|strongest|most \w+) (?:in|of)\b", words, _I) and praised:
                words = praised.group("what")  # "her practical work is the best in the group"
            taken.append((start, end, " ".join(words.split())))
    return sorted(taken)


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


def high_grade(grade: str | None) -> bool:
    """Whether ``grade`` makes its subject a strength (GCSE 7-9, A*/A, Distinction, D*)."""
    return bool(grade) and re.sub(r"\s+", "", grade or "").lower() in profile_rules().high_grades


def lapsed(clause: str) -> bool:
    """Whether ``clause`` says a claim no longer holds ("used to be good at swimming")."""
    return profile_rules().lapsed.search(clause) is not None


def hedged(before: str) -> bool:
    """Whether the words just before a claim hedge it ("OK at", "not bad at")."""
    return profile_rules().hedges.search(before) is not None


_CLAUSE_BREAK = re.compile(r"[,;(]|\s[-–—]\s|\bbut\b", _I)


def _clause_before(sentence: str, start: int) -> str:
    return _CLAUSE_BREAK.split(sentence[:start])[-1]


def qualifications(sentence: str) -> list[tuple[int, int, str]]:
    """Qualifications, licences and awards the client holds in ``sentence`` ("Level 2
    Plastering", "CSCS card"): never one wanted, applied for, under way or someone else's; a
    named course only when the sentence says it is held or gives its grade. (start, end, words),
    none overlapping."""
    rules = profile_rules()
    taken: list[tuple[int, int, str]] = []
    kinds = [(p, False) for p in rules.qualifications] + [(p, True) for p in rules.courses]
    for pattern, course in kinds:
        for match in pattern.finditer(sentence):
            start, end = match.span()
            if any(start < e and s < end for s, e, _ in taken):
                continue
            before = _clause_before(sentence, start)
            if rules.not_held.search(before) or _NEGATED.search(before):
                continue
            if re.match(r"\s*(?:test|exam|booked|application|appointment)\b", sentence[end:], _I):
                continue  # "Has CSCS test booked"
            if said_of_someone_else(sentence[:start]):
                continue
            if course and not (
                rules.held.search(sentence[:start]) or rules.held_after.match(sentence[end:])
            ):
                continue
            taken.append((start, end, " ".join(match.group().split()).strip(" ,.")))
    return sorted(taken)


def languages(clause: str) -> list[str]:
    """Languages ``clause`` says the client speaks ("Speaks Polish, Russian and English",
    "bilingual (Punjabi)", "Bengali speaker", "her English is now good"); not one being learned
    or still at an early stage, nor a parent's."""
    rules = profile_rules()
    matches = list(rules.language.finditer(clause))
    found: list[str] = []
    listed = False  # the previous language was taken, and only list words lie between
    previous_end = 0
    for match in matches:
        before = clause[: match.start()]
        after = clause[match.end() :]
        between = clause[previous_end : match.start()]
        in_list = listed and re.fullmatch(
            r"[\s,&/+]*(?:and|or)?[\s,&/+]*(?:now |also )?(?:good |excellent |fluent |some )?",
            between,
            _I,
        )
        cue = rules.language_cues.search(before) or (
            rules.language_after.match(after)
            and (re.match(r"\s*(?:speaker|is|\(fluent)", after, _I))
        )
        ok = bool(in_list or cue)
        if ok and (
            rules.language_not.match(after)
            or rules.language_before_not.search(before)
            or said_of_someone_else(before)
        ):
            ok = False
        if ok:
            found.append(match.group())
        listed = ok
        previous_end = match.end()
    return found


def lead_titles(sentence: str) -> list[tuple[int, int, str]]:
    """Lead titles and posts the client holds or held in ``sentence`` ("team leader", "key
    holder", "treasurer of the WI"): never one said of someone else or wanted."""
    rules = profile_rules()
    taken: list[tuple[int, int, str]] = []
    for pattern in rules.lead_titles:
        for match in pattern.finditer(sentence):
            start, end = match.span()
            if any(start < e and s < end for s, e, _ in taken):
                continue
            before = _clause_before(sentence, start)
            if rules.not_lead_after.match(sentence[end:]) or rules.not_lead_before.search(before):
                continue
            if _NEGATED.search(before) or said_of_someone_else(sentence[:start]):
                continue
            taken.append((start, end, " ".join(match.group().split())))
    return sorted(taken)
