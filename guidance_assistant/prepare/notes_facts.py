"""The facts of a client's notes that the cue reader of :mod:`.notes` does not give: whose name
and age the notes are about, subjects paired with their grades, applications and offers, the
people in the client's life with their jobs, and the practical circumstances.

Every finder works on the notes' sentences (:func:`~guidance_assistant.text.normalise.sentences`
through the notes reader) and reads the words before a number or a job to tell the client's
from someone else's: "his brother Sam (19)" is not the client's age, "dad is an electrician" is
not the client's idea. Subject names and abbreviations are data
(``knowledge/notes/subjects.yaml``).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.paths import bundled_dir, file_stamp
from guidance_assistant.prepare.facts import (
    Circumstance,
    CircumstanceKind,
    GradeStatus,
    Offer,
    OfferStatus,
    Person,
    SubjectGrade,
)
from guidance_assistant.text.names import find_names

_I = re.IGNORECASE


class NotesDataError(GuidanceAssistantError):
    """A notes data file is missing or malformed."""


class SubjectsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    subjects: dict[str, list[str]]


@functools.lru_cache(maxsize=4)
def _subject_patterns(
    path: Path, stamp: tuple[int, int]
) -> tuple[tuple[str, re.Pattern[str]], ...]:
    del stamp  # part of the cache key: an edited file is read again
    try:
        data = SubjectsFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise NotesDataError(f"cannot read {path}: {error}") from error
    found: list[tuple[str, str, bool]] = []
    for name, aliases in data.subjects.items():
        for alias in {name, *aliases}:
            found.append((name, alias, alias.isupper() or "&" in alias))
    found.sort(
        key=lambda item: -len(item[1])
    )  # longest first: "english literature" before "english"
    patterns: list[tuple[str, re.Pattern[str]]] = []
    for name, alias, exact in found:
        body = re.escape(alias).replace(r"\ ", r"\s+")
        flags = 0 if exact else _I
        patterns.append((name, re.compile(rf"(?<![\w&]){body}(?![\w&])", flags)))
    return tuple(patterns)


class AbbreviationsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    places: dict[str, str]
    courses: dict[str, str]


@functools.lru_cache(maxsize=4)
def _abbreviations(path: Path, stamp: tuple[int, int]) -> tuple[tuple[re.Pattern[str], str], ...]:
    del stamp
    try:
        data = AbbreviationsFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise NotesDataError(f"cannot read {path}: {error}") from error
    pairs = sorted({**data.places, **data.courses}.items(), key=lambda item: -len(item[0]))
    compiled: list[tuple[re.Pattern[str], str]] = []
    for short, full in pairs:
        body = re.escape(short).replace(re.escape(" "), r"\s+")
        flags = 0 if short.isupper() else _I
        compiled.append((re.compile(r"(?<![\w'])" + body + r"(?![\w'])", flags), full))
    return tuple(compiled)


def _beside(match: re.Match[str], *, full: str) -> str:
    short = match.group()
    return (
        f"{short} ({full})" if sum(c.isupper() for c in short) >= 2 and " " not in short else full
    )


def write_out(text: str, *, keep_acronyms: bool = False) -> str:
    """``text`` with the short forms of ``knowledge/notes/abbreviations.yaml`` written out;
    with ``keep_acronyms``, a short form in capitals stays beside its meaning ("KCL (King's
    College London)"), as advisers know places by either."""
    path = bundled_dir("knowledge") / "notes" / "abbreviations.yaml"
    for pattern, full in _abbreviations(path, file_stamp(path)):
        if keep_acronyms:
            text = pattern.sub(functools.partial(_beside, full=full), text)
        else:
            text = pattern.sub(full, text)
    return text


def subject_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    path = bundled_dir("knowledge") / "notes" / "subjects.yaml"
    return _subject_patterns(path, file_stamp(path))


def subject_spans(text: str) -> list[tuple[int, int, str]]:
    """Subjects named in ``text``: (start, end, canonical name), longest names first, no overlaps."""
    taken: list[tuple[int, int, str]] = []
    for name, pattern in subject_patterns():
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(a < end and start < b for a, b, _ in taken):
                continue
            taken.append((start, end, name))
    return sorted(taken)


# ---------------------------------------------------------------------------------------------
# Whose words: the client's or someone else's

#: Words that name someone other than the client (a number or job after them is theirs).
OTHERS = (
    r"mum|mother|mam|mom|dad|father|step-?(?:mum|dad|mother|father)|parents?|brother|sister|"
    r"sibling|bro|sis|twin|nan|nana|gran|granny|grandma|grandmother|grandad|grandpa|grandfather|"
    r"grandparents?|uncle|aunt|auntie|aunty|cousin|wife|husband|partner|boyfriend|girlfriend|"
    r"son|daughter|kids?|children|child|baby|foster ?carers?|carers?|guardian|friend|mate|"
    r"neighbour|social worker|SW|TA|teacher|tutor|HoY|head of year|SENCO|key ?worker|"
    r"mentor|coach|boss|manager|employer|Mr|Mrs|Ms|Miss|Dr"
)
_OTHER_BEFORE = re.compile(rf"\b(?:{OTHERS})(?:'s)?\b[^.;:\n]{{0,30}}$", _I)
_KIN_WORD = re.compile(rf"\b(?:{OTHERS})\b", _I)


# ---------------------------------------------------------------------------------------------
# Name

_NOT_CLIENT_LINE = re.compile(
    r"^\s*(?:from|to|sent|cc|subject|referred by|re|hi|hello|dear|thanks|thank you|regards|"
    r"best|cheers|kind regards|many thanks)\b",
    _I,
)
_FORM_NAME = re.compile(
    r"\b(?:student|pupil|client|name|young person|learner|YP)\s*(?:name)?\s*[:\-]\s*", _I
)


def client_name(text: str) -> str | None:
    """The client's first name: the name the notes label as the student's or client's, else the
    given name said most often (earliest first), leaving out the sender and greeting of an
    email, staff with a title and relatives ("his brother Sam")."""
    counts: dict[str, list[int]] = {}
    labelled: str | None = None
    signature_from = _signature_start(text)
    for span in find_names(text):
        if span.start >= signature_from:
            continue
        words = text[span.start : span.end].split()
        if not words or not words[0][:1].isupper() or len(words[0]) < 2:
            continue
        line_start = text.rfind("\n", 0, span.start) + 1
        line = text[line_start : span.start]
        if _NOT_CLIENT_LINE.search(line):
            continue
        if _FORM_NAME.search(line[-30:]):
            labelled = labelled or words[0]
        if (
            _OTHER_BEFORE.search(line[-30:])
            or re.search(r"\(\s*$", line)
            or _ADDRESSED.search(line[-25:])
        ):
            continue
        first = words[0].strip(".,:;()")
        if first.lower() in _NOT_GIVEN:
            continue
        counts.setdefault(first, []).append(span.start)
    for pattern in _NAME_CUES:
        for match in pattern.finditer(text[:signature_from]):
            word = match.group("name")
            line_start = text.rfind("\n", 0, match.start()) + 1
            if word.lower() in _NOT_GIVEN or _NOT_CLIENT_LINE.search(
                text[line_start : match.start()]
            ):
                continue
            if _ADDRESSED.search(
                text[max(line_start, match.start("name") - 25) : match.start("name")]
            ):
                continue
            if _KIN_WORD.fullmatch(word) or word.upper() == word:
                continue
            counts.setdefault(word, []).append(match.start("name"))
    if labelled:
        return labelled.strip(".,:;()")
    if not counts:
        return None
    return min(counts, key=lambda name: (-len(counts[name]), counts[name][0]))


_NOT_GIVEN = frozenset(
    {
        "works",
        "an",
        "do",
        "foster",
        "wants",
        "said",
        "will",
        "hope",
        "hi",
        "hello",
        "dear",
        "client",
        "student",
        "pupil",
        "name",
        "year",
        "yr",
        "mum",
        "dad",
        "saw",
        "met",
        "re",
        "handover",
        "referral",
        "careers",
        "background",
        "notes",
        "caseload",
        "the",
        "new",
        "results",
        "quick",
        "ucas",
        "next",
        "also",
        "seen",
        "ex",
        "from",
        "self",
        "lives",
        "she",
        "he",
        "they",
        "his",
        "her",
        "interested",
        "looking",
        "likes",
    }
)
#: Names after these words are the writer, the reader or someone passing a note on.
_ADDRESSED = re.compile(
    r"\b(?:from|for|to|cc|by|hi|hello|dear|thanks|with|via|ask|asked|told|emailed|rang|called)\s+$",
    _I,
)
#: Where notes name their client without a gazetteer name: "Client: Musa A", "Yr 11 Ruby T.",
#: "Musa A (Yr 13", "re Kyle (10C)", "Saw Megan".
_NAME_CUES: tuple[re.Pattern[str], ...] = (
    re.compile(
        r"\b(?:client|student|pupil|name|young person|learner|re|saw|met|seen)\s*:?\s*"
        r"(?P<name>[A-Z][a-z]{1,15})\b(?!\s*:)",
    ),
    re.compile(
        r"(?P<name>[A-Z][a-z]{1,15})(?:\s+[A-Z][a-z]*\.?)?\s*(?:\(|,|-|–)\s*(?:Y(?:ea)?r?\s?\d|\d{1,2}\b)"
    ),
    re.compile(
        r"^\W*(?:Y(?:ea)?r?\s?\d{1,2}\s*[,:-]?\s*)(?P<name>[A-Z][a-z]{1,15})\b", re.MULTILINE
    ),
    re.compile(r"^\W*(?P<name>[A-Z][a-z]{1,15})\s+[A-Z]\.?(?:\s|,|-|$)", re.MULTILINE),
)


def _signature_start(text: str) -> int:
    match = re.search(
        r"\n\s*(?:thanks|thank you|regards|best wishes|kind regards|cheers)\b", text, _I
    )
    return match.start() if match else len(text)


# ---------------------------------------------------------------------------------------------
# Year group

_YEAR_PATTERNS: tuple[tuple[re.Pattern[str], int | None], ...] = (
    (re.compile(r"\b(?:year|yr|y)\s?(?:/\s?form)?\s?[:.]?\s?(\d{1,2})(?![\d%])", _I), None),
    (re.compile(r"\((\d{1,2})[A-Z]{1,3}\)"), None),  # "(10C)": tutor group
    (re.compile(r"\b(?:1st|first) (?:yr|year)\b(?! (?:of|at) uni)", _I), 12),
    (re.compile(r"\b(?:2nd|second) (?:yr|year)\b(?! (?:of|at) uni)", _I), 13),
    (re.compile(r"\blower sixth\b|\bL6\b", _I), 12),
    (re.compile(r"\bupper sixth\b|\bU6\b", _I), 13),
)


def client_year(text: str) -> int | None:
    """The client's school year (7-13; a college first year is 12, second 13): the first year
    named that is not someone else's ("his sister in Yr 9") nor a past one ("since Yr 7",
    "was 88% in Yr 10")."""
    found: list[tuple[int, int]] = []
    for pattern, fixed in _YEAR_PATTERNS:
        for match in pattern.finditer(text):
            before = text[max(0, match.start() - 25) : match.start()]
            if _OTHER_BEFORE.search(before.split("\n")[-1]) or re.search(
                r"\b(?:since|from|in|was|were|end of|back in|until|in his|in her|during|by)\s*$",
                before,
                _I,
            ):
                continue
            if fixed is None and re.match(
                r"[:\s]*\d{1,2}\s*(?:/|-|to)\s*\d", text[match.end() - 2 :]
            ):
                pass
            year = fixed if fixed is not None else int(match.group(1))
            if 7 <= year <= 14:
                found.append((match.start(), year))
    return min(found)[1] if found else None


# ---------------------------------------------------------------------------------------------
# Age

_NOT_AGE_AFTER = re.compile(
    r"\s*(?:%|:\d|/\d|\.\d|yrs?\b(?! old)|years?\b(?![- ]old)|hrs?\b|hours?\b|mins?\b|minutes|"
    r"miles|days?\b|weeks?\b|months?\b|pm\b|am\b|th\b|st\b|nd\b|rd\b|[A-Z]\b|-\d|x\b|"
    r"(?:and|&|,)\s*\d)",
    _I,
)
_NOT_AGE_BEFORE = re.compile(
    r"(?:\b(?:room|rm|period|p|yr|year|y|set|level|L|top|grade|gr|reading age|spelling age|tier|"
    r"KS|key stage|no\.?|number|group|form|tutor|unit|page|step|ch|u|under|U|score|£|GCSEs?|"
    r"x|of|out of|since|in)\s*[:.]?\s*|[£#/])$",
    _I,
)
#: Ages by how plainly they are said: 0 "aged 15", "15yo"; 1 "(Yr 10, 14)", "Yr 11 Ruby T. 16";
#: 2 "she's 16", "turns 14 next month"; 3 a name then a number ("Kacper 14", "Sharon, 38").
_AGE_TIERS: tuple[tuple[int, re.Pattern[str], int], ...] = (
    (1, re.compile(r"^[^\n]{0,80}?\)\s*,\s*(\d{2})[.,;]?(?:\s|$)", re.MULTILINE), 0),
    (3, re.compile(r"(?:^|\.\s+)(\d{2})\.(?:\s|$)", re.MULTILINE), 0),
    (
        0,
        re.compile(
            r"(?<!reading )(?<!spelling )\b(?:aged?|age:|DOB.{0,12}\(age)\s*:?\s*(\d{1,2})\b", _I
        ),
        0,
    ),
    (
        0,
        re.compile(r"\b(\d{1,2})\s*(?:yo|y/o|y\.o\.|yrs? old|years? old|year-old|yr-old)\b", _I),
        0,
    ),
    (
        1,
        re.compile(
            r"\b(?:Y(?:ea)?r?|Year)\s?\d{1,2}[A-Z]{0,3}\)?\s*[,/]\s*(?:[^,()\n\d]{0,30},\s*)?(\d{2})\b",
            _I,
        ),
        0,
    ),
    (
        1,
        re.compile(
            r"\b(?:Y(?:ea)?r?|Year)\s?\d{1,2}\s+[A-Z][\w'-]+(?:\s+[A-Z][\w'-]*\.?)?[.,]?\s+(\d{2})\b"
        ),
        0,
    ),
    (1, re.compile(r"\(\s*(\d{2})\s*,\s*(?:first|second|1st|2nd|Y|yr|year|in)", _I), 0),
    (
        2,
        re.compile(
            r"\b(?:he|she|they)(?:'s| is| are|'re)\s+(?:now\s+|only\s+|just\s+)?(\d{1,2})\b(?![\w%])",
            _I,
        ),
        0,
    ),
    (
        2,
        re.compile(
            r"\b(?:turns|turning|will be|is turning)\s+(\d{1,2})\s+(?:next|in|this|on)\b", _I
        ),
        -1,
    ),
    (
        2,
        re.compile(
            r"(?:^|[.,(]\s*)(\d{2})\s+(?:next|in)\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|the summer|summer)",
            _I | re.MULTILINE,
        ),
        -1,
    ),
)


def client_age(text: str, name: str | None = None) -> int | None:
    """The client's age in years, the plainest statement first ("aged 15", "15yo", "(Yr 10,
    14)", "she's 16", "turns 14 next month" = 13, then a name and a number: "Kacper 14"); a number
    after a relative or a member of staff ("his brother Sam (19)", "2 kids (16 and 12)") is theirs,
    a duration, room, year or grade is not an age."""
    found: list[tuple[int, int, int]] = []
    tiers = list(_AGE_TIERS)
    if name:
        tiers.append(
            (
                3,
                re.compile(
                    rf"\b{re.escape(name)}\b(?:\s+[A-Z][\w'-]*\.?)?\s*[,\-–(:]?\s*(\d{{2}})\b"
                ),
                0,
            )
        )
    for tier, pattern, shift in tiers:
        for match in pattern.finditer(text):
            number = match.start(1)
            line_before = text[: match.start()].split("\n")[-1][-35:] if tier == 0 else ""
            if tier != 2 and _OTHER_BEFORE.search(line_before + text[match.start() : number]):
                continue
            if tier >= 1 and (
                _NOT_AGE_AFTER.match(text[match.end(1) :])
                or _NOT_AGE_BEFORE.search(text[max(0, number - 20) : number])
            ):
                continue
            age = int(match.group(1)) + shift
            if 11 <= age <= 90:
                found.append((tier, number, age))
    return min(found)[2] if found else None


# ---------------------------------------------------------------------------------------------
# Subjects with grades

_GRADE = (
    r"(?<![\w*.£])(?:[1-9](?:\s*-\s*[1-9])?(?=s\b)|[1-9](?:\s*-\s*[1-9])?(?![\w%:/.]|\.\d)|A\*|[A-EU]\*?(?![\w*])|"
    r"D\*|Distinction\*?|Merit\*?|Pass|Dist)"
)
_GRADE_RE = re.compile(_GRADE)
#: A grade right after a subject ("Chem A*", "maths: 6", "maths (working at a 7)").
_GRADE_AFTER = re.compile(
    r"^\s*[:=\-–]?\s*(?:\(\s*)?(?:(?:pred(?:icted)?|working at|WAG|target|mock|got|grade|at|a|an)"
    r"\s*[:\-]?\s*){0,3}(" + _GRADE + r")",
    _I,
)
#: A grade right before a subject ("5 in maths", "4 Eng lang", "an A in history").
_GRADE_BEFORE = re.compile(r"(" + _GRADE + r")\s*(?:in|for|at)?\s*(?:GCSE\s+|A[- ]?level\s+)?$", _I)
_NOT_A_GRADE_BEFORE = re.compile(
    r"\b(?:year|yr|y|set|room|period|level|L|gr(?:ade)? ?\d|tier|key stage|KS|reading age|age|"
    r"aged|in)\s*$",
    _I,
)
_STATUS_CUES: tuple[tuple[GradeStatus, re.Pattern[str]], ...] = (
    ("working_at", re.compile(r"\b(?:mocks?|working at|WAG|currently|current|on track)\b", _I)),
    ("target", re.compile(r"\b(?:targets?|MEG|aspirational)\b", _I)),
    ("predicted", re.compile(r"\b(?:pred(?:icted|s)?|forecast|expected|PG)\b", _I)),
    (
        "achieved",
        re.compile(
            r"\b(?:got|achieved|results?|passed|gained|has|holds|left (?:school|with)|GCSEs? (?:in|:)|"
            r"resit|re-?sat|last year|in the summer)\b",
            _I,
        ),
    ),
)


def _pieces(sentence: str) -> list[tuple[int, str]]:
    """The sentence cut at commas, semicolons, slashes between grades and "and"."""
    pieces: list[tuple[int, str]] = []
    start = 0
    for match in re.finditer(r"[,;\n]|\band\b|\.(?=\s)|\s[/|]\s", sentence):
        pieces.append((start, sentence[start : match.start()]))
        start = match.end()
    pieces.append((start, sentence[start:]))
    return [(at, piece) for at, piece in pieces if piece.strip()]


def _status(context: str, default: GradeStatus) -> GradeStatus:
    for status, pattern in _STATUS_CUES:
        if pattern.search(context):
            return status
    return default


def subject_grades(sentences: Sequence[str], *, life_stage: str | None) -> list[SubjectGrade]:
    """Subjects paired with their grades ("Chem A*", "5 in maths", "maths (working at a 7)"),
    each with its status from the nearest cue before it in the sentence ("Pred:", "mocks",
    "got"), else predicted for pupils and achieved for older clients."""
    found: list[SubjectGrade] = []
    seen: set[str] = set()
    for sentence in sentences:
        for subject, grade, status in _grade_runs(sentence, life_stage):
            if subject not in seen:
                seen.add(subject)
                found.append(SubjectGrade(subject=subject, grade=grade, status=status))
        for at, piece in _pieces(sentence):
            for subject, grade in _pairs(piece, sentence):
                if subject in seen:
                    continue
                if grade in ("A", "E", "U", "C") and not _letter_grade_context(sentence):
                    continue
                gcse = grade[:1].isdigit() or bool(re.search(r"\bGCSEs?\b", sentence, _I))
                default: GradeStatus = (
                    "achieved"
                    if life_stage == "adult" or (life_stage == "post-16" and gcse)
                    else "predicted"
                )
                status = _status(piece, "none")
                if status == "none":
                    status = _status(sentence[: at + len(piece)], default)
                seen.add(subject)
                found.append(SubjectGrade(subject=subject, grade=grade, status=status))
    return found


#: A run of grades before a list of as many subjects ("A*AA in chemistry, biology and maths").
_GRADE_RUN = re.compile(
    r"(?<![\w*])((?:A\*|[A-E]){2,4})\s*(?:\(\s*|(?:in|for)\s+)([^.;\n)]{3,120})"
)


def _grade_runs(sentence: str, life_stage: str | None) -> list[tuple[str, str, GradeStatus]]:
    """Subjects given their grades in order from a run ("A*AA in chemistry, biology and
    maths"), only when the run and the list are the same length."""
    found: list[tuple[str, str, GradeStatus]] = []
    for match in _GRADE_RUN.finditer(sentence):
        grades = re.findall(r"A\*|[A-E]", match.group(1))
        subjects = [name for _, _, name in subject_spans(match.group(2))]
        if len(subjects) != len(grades):
            continue
        default: GradeStatus = "achieved" if life_stage == "adult" else "predicted"
        status = _status(sentence[: match.start()] + match.group(0), default)
        found += [(subject, grade, status) for subject, grade in zip(subjects, grades, strict=True)]
    return found


def _pairs(piece: str, sentence: str) -> list[tuple[str, str]]:
    """(subject, grade) pairs in one piece of a sentence: a grade next to its subject, or the
    only grade beside the only subject."""
    subjects = subject_spans(piece)
    pairs: list[tuple[str, str]] = []
    for start, end, name in subjects:
        after = _GRADE_AFTER.match(piece[end:])
        before = _GRADE_BEFORE.search(piece[:start])
        if after and not re.match(r"\s*(?:levels?|-levels?)\b", piece[end + after.end() :], _I):
            pairs.append((name, after.group(1).replace(" ", "")))
        elif (
            before
            and not _NOT_A_GRADE_BEFORE.search(piece[: before.start()])
            and before.group(1) != "a"  # "a PE teacher", "a Criminology degree": an article
        ):
            pairs.append((name, before.group(1).replace(" ", "")))
    if pairs or len(subjects) != 1:
        return pairs
    start, end, name = subjects[0]
    grades = [
        g
        for g in _GRADE_RE.finditer(piece)
        if not _NOT_A_GRADE_BEFORE.search(piece[: g.start()])
        and not start <= g.start() < end
        and not re.match(r"\s*(?:levels?|-levels?)\b", piece[g.end() :], _I)
    ]
    if len(grades) == 1:
        return [(name, grades[0].group(0).replace(" ", ""))]
    return []


def _letter_grade_context(sentence: str) -> bool:
    """Whether single capital letters in ``sentence`` are grades (several of them, or a grade cue)."""
    letters = re.findall(r"(?<![\w*])[A-EU]\*?(?![\w*])", sentence)
    return len(letters) >= 2 or bool(
        re.search(
            r"\b(?:pred|predicted|grade|got|achieved|target|working at|A ?levels?)\b", sentence, _I
        )
    )


# ---------------------------------------------------------------------------------------------
# Applications and offers


class StatusWords(BaseModel):
    """One entry of ``knowledge/notes/offers.yaml``: words that give an application's status."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: Literal[
        "pending",
        "conditional",
        "unconditional",
        "firm",
        "insurance",
        "rejected",
        "withdrawn",
        "offer",
    ]
    words: list[str] = []
    marks: list[str] = []


class OffersFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    statuses: list[StatusWords]


#: Patterns the data cannot say: "Leeds said no", "offer ... subject to".
_STATUS_EXTRA: dict[str, str] = {
    "rejected": r"(?-i:[A-Z][\w']+) said no\b",
    "conditional": r"\boffer\b.{0,12}\b[A-E*]{3,4}\b|\boffer\b.{0,6}\bsubject to\b",
    "unconditional": r"(?-i:(?<![\w*,] )(?<![\w*])U(?=!|\)|\s*$|\s+[-–(✓]|\s+if\b))",
}


def _word_pattern(word: str, *, exact: bool) -> str:
    body = re.escape(word).replace(re.escape(" "), r"\s+")
    before = r"(?<![\w'])" if word[:1].isalnum() else r"(?<!\S)"
    after = r"(?![\w'])" if word[-1:].isalnum() else r"(?![\w])"
    pattern = before + body + after
    return pattern if exact or word.isupper() else "(?i:" + pattern + ")"


@functools.lru_cache(maxsize=4)
def _status_words(path: Path, stamp: tuple[int, int]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    del stamp
    try:
        data = OffersFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise NotesDataError(f"cannot read {path}: {error}") from error
    found: list[tuple[str, re.Pattern[str]]] = []
    for entry in data.statuses:
        words = sorted(entry.words, key=len, reverse=True)
        marks = sorted(entry.marks, key=len, reverse=True)
        alternatives = [_word_pattern(w, exact=False) for w in words]
        alternatives += [_word_pattern(m, exact=True) for m in marks]
        if entry.status in _STATUS_EXTRA and not any(s == entry.status for s, _ in found):
            alternatives.append("(?i:" + _STATUS_EXTRA[entry.status] + ")")
        if alternatives:
            found.append((entry.status, re.compile("|".join(alternatives))))
    return tuple(found)


def status_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(status, pattern) in the order of ``knowledge/notes/offers.yaml``; status ``offer`` is an
    offer of no named kind."""
    path = bundled_dir("knowledge") / "notes" / "offers.yaml"
    return _status_words(path, file_stamp(path))


_INTENT = re.compile(
    r"^\s*(?:wants?|would|will|plans?|planning|hoping|hopes|if|might|may|could|should|thinking)\b"
    r"|\b(?:will|going to|might|may|would)\s+(?:decline|firm|accept|apply)\b"
    r"|\b(?:leaning|probably|might|thinking)\b",
    _I,
)
_PLACE = re.compile(
    r"\b(?:uni(?:versity)?|college|coleg|school|academy|met|trust|NHS|ltd|plc|apprenticeship|hospital|"
    r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,3})\b"
)


def offers(text: str) -> list[Offer]:
    """Applications with their status: a line or clause naming a place and a status word
    ("Nottm Biomed Sci - conditional AAB", "applied to Leeds for nursing, waiting to hear",
    "KCL Law (withdrawn)"); a status in brackets counts when the words outside name none; a later
    "Firm Leeds, ins Sheffield" sets the status of the offers it names; plans ("wants to firm
    Leicester") are not offers."""
    found: list[Offer] = []
    places: list[str] = []  # the place words of each offer, for "firm Leeds, ins Sheffield"
    for row in _rows(text):
        if _NOT_APPLIED_ROW.search(row):
            continue
        for line in re.split(
            r";|(?<=\))\s*,|\.\s+(?=[A-Z])|\s+[-–]\s+(?=(?:has |also )?applied\b)"
            r"|(?<=[✗✘✓✔])\s*,?\s+(?=[A-Z])",
            row,
        ):
            line = line.strip(" -•*\t")
            if not line:
                continue
            updated = _status_update(line, found, places)
            if updated:
                continue
            clean = re.sub(r"^[^:]{0,20}:\s*", "", line)
            if (
                not clean
                or line.endswith(":")
                or _INTENT.search(clean)
                or len(clean.split()) > 25
                or _NOT_AN_APPLICATION.search(clean)
            ):
                continue
            status = _status_of(line)
            if status is None or not (_PLACE.search(clean) or _SHORT_PLACE.match(clean)):
                continue
            for part, part_status in _listed(clean, status):
                what = write_out(_offer_what(part), keep_acronyms=True)
                condition = next(
                    (m for m in _CONDITION.finditer(part) if _grades_in_order(m.group())), None
                )
                if what and not any(o.what == what for o in found):
                    found.append(
                        Offer(
                            what=what,
                            status=part_status,
                            conditions=condition.group(0) if condition else None,
                        )
                    )
                    places.append(what.split()[0].lower() if what.split() else "")
    return found


#: A row about visits, not applications ("Open days: Sheffield 14/6 ✓, Leeds 21/6 ✓").
_NOT_APPLIED_ROW = re.compile(r"\bopen days?\b|\btaster days?\b", _I)
#: "NUA - withdrawn": a place known by its letters, on a short line of its own.
_SHORT_PLACE = re.compile(r"^[A-Z]{2,6}\s*[-–:(]\s*\w+\)?$")
#: Health, school and family matters that carry a status word too ("GP referral pending").
_NOT_AN_APPLICATION = re.compile(
    r"\b(?:diagnosis|referral|assessment for|CAMHS|GP|EHCP?|adjustments|therapy|shifts?|"
    r"(?:more|extra) hours|(?:saturday|weekend|part-time|summer) job|open days?|not yet|"
    r"(?:hasn'?t|has not|not) applied|no applications?|not submitted)\b",
    _I,
)
#: "offers for Mental Health Nursing - Sheffield Hallam conditional BCC, Huddersfield ...".
_COURSE_FIRST = re.compile(
    r"^.*?\b(?:offers?|applications?|applied|applying)\s+(?:for|to)\s+(?P<course>[^-–:,]{3,40}?)"
    r"\s*[-–:]\s*(?P<rest>.+)$",
    _I,
)
_ALL_STATUS = re.compile(r"\s*[-–:]?\s*\(?\b(?:all|both)\b.*$", _I)


def _listed(line: str, status: OfferStatus) -> list[tuple[str, OfferStatus]]:
    """A UCAS list as its applications: "Imperial Computing, UCL CS, Warwick CS - all pending"
    (one status for all), "Sheffield Hallam conditional BCC, Huddersfield conditional CCC" (each
    its own), a course named first given to each place; else the line as one application."""
    course = ""
    body = line
    first = _COURSE_FIRST.match(line)
    if first is not None:
        course, body = first.group("course").strip(), first.group("rest")
    shared = _ALL_STATUS.search(body)
    head = body[: shared.start()] if shared else body
    parts = [p.strip() for p in head.split(",") if p.strip()]
    if len(parts) < 2 or not all(p[:1].isupper() and len(p.split()) <= 7 for p in parts):
        return [(line, status)]
    own = [_status_of(p) for p in parts]
    if shared is None and not all(own):
        return [(line, status)]
    return [(f"{p} {course}".strip(), s or status) for p, s in zip(parts, own, strict=True)]


def _grades_in_order(grades: str) -> bool:
    """Whether letters read as grade conditions: best first ("AAB", "A*AA"; "BAE" is a name)."""
    letters = [c for c in grades if c.isalpha()]
    return all(a <= b for a, b in itertools.pairwise(letters))


#: "firm Leeds", "ins Sheffield", "insurance: BCU" (a decision about offers already listed).
_DECIDED = re.compile(
    r"(?:\b(?P<status>(?i:firm(?:ed)?|ins|insured|insurance)|CF|CI|F|I)\b\s*[:=-]?\s*"
    r"(?P<place>[A-Z][\w'&]+)"
    r"|(?P<place2>[A-Z][\w'&]+)\s*=\s*(?P<status2>CF|CI|(?i:firm|ins|insurance))\b)"
)
#: "a law firm", "the firm he works for": a business, not an offer's status.
_A_FIRM = re.compile(
    r"\b(?:an?|the|his|her|their|law|accountancy|family|local)\s+(?:[\w'-]+\s+)?firm\b", _I
)


def _status_of(line: str) -> OfferStatus | None:
    """The status a line gives: the first entry of ``knowledge/notes/offers.yaml`` with a word in
    it, after an arrow first ("int 3 Feb -> offer BCC"); grades alone ("Durham Law: AAA") are a
    conditional offer."""
    line = _A_FIRM.sub(" ", line)
    pieces = _LATER.split(line)
    for words in ([pieces[-1]] if len(pieces) > 1 else []) + [line]:
        status = _status_in(words)
        if status is not None:
            return status
    return None


#: A later state: "int 11 Dec → offer BBC", "was pending ..., now offered".
_LATER = re.compile(r"→|->|=>|\bnow\b", _I)
#: Conditions of an offer beyond grades: "cond 4 in maths", "5s", "subject to DBS".
_CONDITIONS = re.compile(
    r"\b[1-9]s?\s+in\b|(?<![\w*])[4-9]s\b|\bneeded\b|\bsubject to\b|\bconditions?\b|\bpass\b"
    r"|(?<![\d/])\b(?:4[08]|56|64|72|8[08]|96|104|112|120|128|136|144|152|160|168)\b(?![\d/])",
    _I,
)
_PREDICTED = re.compile(r"\bpred(?:icted|s)?\b|\bworking at\b|\btarget\b", _I)


def _status_in(words: str) -> OfferStatus | None:
    grades = any(
        _grades_in_order(m.group()) or m.group()[:1].isdigit() for m in _CONDITION.finditer(words)
    )
    for status, pattern in status_patterns():
        if pattern.search(words):
            if status == "offer":
                conditional = grades or _CONDITIONS.search(words)
                return "conditional" if conditional else "unconditional"
            return status  # type: ignore[return-value]
    if grades and not _PREDICTED.search(words):
        return "conditional"
    return None


def _rows(text: str) -> list[str]:
    """The notes' lines, a table's header and rule rows left out, and a reply column's last
    letter ("... Offer F", "| I |") written out as firm or insurance."""
    rows: list[str] = []
    for row in text.splitlines():
        words = [w for w in re.split(r"[\s|]+", row) if w]
        if words and all(_TABLE_HEADER.fullmatch(w) for w in words):
            continue
        if re.fullmatch(r"[-:=|\s]+", row):
            continue
        row = re.sub(r"(?<=\w)(\s*\|?\s*)\bF\b(?=\s*\|?\s*$)", r"\1firm", row)
        row = re.sub(r"(?<=\w)(\s*\|?\s*)\bI\b(?=\s*\|?\s*$)", r"\1insurance", row)
        row = re.sub(r"(?<=\w)(\s*\|?\s*)\bx\b(?=\s*\|?\s*$)", r"\1rejected", row)
        rows.append(row)
    return rows


_TABLE_HEADER = re.compile(
    r"#|uni(?:versity)?|course|offers?|status|choices?|employer|programme|stage|outcome|where|what|"
    r"reply|decision|cond(?:itions?)?|grades?|needed|got|name|y|year|applied|to|role|colleges?|"
    r"we're|at|access|student|provider|institution|results?|notes?|date|predicted|"
    r"apprenticeships?|tracker|apps?|applications?",
    _I,
)


def _status_update(line: str, found: list[Offer], places: list[str]) -> bool:
    """Whether ``line`` only decides between offers already found ("Firm Leeds, ins Sheffield -
    decided 2/5"); their statuses are set when it does."""
    decisions = list(_DECIDED.finditer(line))
    if not decisions or not found:
        return False
    targets: list[tuple[int, OfferStatus]] = []
    for decision in decisions:
        said = decision.group("place") or decision.group("place2")
        said_status = (decision.group("status") or decision.group("status2")).lower()
        place = write_out(said, keep_acronyms=True).split()[0].lower()
        index = next(
            (
                i
                for i, o in enumerate(found)
                if places[i] == place or o.what.lower().startswith(place)
            ),
            None,
        )
        if index is None:
            return False
        status: OfferStatus = (
            "firm" if said_status[:1] in ("f", "c") and said_status != "ci" else "insurance"
        )
        targets.append((index, status))
    for index, status in targets:
        found[index] = found[index].model_copy(update={"status": status})
    return True


#: An offer's grade conditions: "AAB", "A*AA", "BCC", "DDM", "112 UCAS points".
_CONDITION = re.compile(
    r"(?<![\w*])(?:A\*|[A-E]){3,4}(?![\w*])|\b[DM*]{3,4}\b|\b\d{2,3}\s*(?:UCAS\s*)?(?:tariff\s*)?(?:points|pts)\b"
)


def _offer_what(line: str) -> str:
    text = re.sub(r"\([^)]*\)", " ", line)
    text = _LATER.split(text)[0] if _LATER.search(text) else text
    text = re.sub(
        r"(?<![\w*])(?:A\*|[A-E]){3,4}(?![\w*])",
        lambda m: " " if _grades_in_order(m.group()) else m.group(),
        text,
    )
    for _, pattern in status_patterns():
        text = pattern.sub(" ", text)
    text = re.sub(
        r"\b(?:offer|offers|for|to|from|of|post-interview|hear|on|the|a|an|got|has|had|an?|also|"
        r"backup|post|done|still|after|starts?|start date|was|place|places|at|with|w/|via|"
        r"app|apps|application|applications|update|results? day|now|expected|then)\b|[@!?✓✗✘✔]",
        " ",
        text,
        flags=_I,
    )
    text = re.sub(
        r"\b\d+\s*(?:points|pts|UCAS points)\b|\d{1,2}/\d{1,2}|"
        r"\b\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]{2,8}\b|"
        r"\b(?:Mon|Tues?|Wed|Thu(?:rs)?|Fri|Sat|Sun)(?:day)?\b|"
        r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b",
        " ",
        text,
    )
    return re.sub(r"\s+", " ", re.sub(r"\s*[-–:,]\s*(?=[-–:,]|$)", " ", text)).strip(" -–:,.+")


# ---------------------------------------------------------------------------------------------
# People and their jobs

_WHO = (
    r"(?:(?:his|her|their|my|the|client's|[A-Z][a-z]+'s)\s+)?"
    r"(?:(?:older|younger|big|little|elder|twin|step|half)[\s-]+)?"
    r"(?P<who>mum|mother|mam|mom|dad|father|step-?(?:mum|dad|mother|father)|brother|sister|sis|bro|"
    r"nan|nana|gran|granny|grandma|grandmother|grandad|grandpa|grandfather|uncle|aunt|auntie|aunty|"
    r"cousin|wife|husband|partner|son|daughter|foster ?carer|carer|guardian|neighbour|"
    r"friend|mate's (?:dad|mum)|best friend|boyfriend|girlfriend)"
)
_JOB_AFTER = re.compile(
    _WHO
    + r"(?:\s*\((?P<name1>[A-Z][\w'-]+)(?:,?\s*\d{1,2})?\))?(?:\s+(?P<name2>[A-Z][a-z'-]+))?(?:\s*\(\d{1,2}\))?"
    r"(?:,)?\s+(?:(?:is|was|'s|are|has been|used to be|works|worked|working|who is|who's|currently|now)\s+)+"
    r"(?:(?:as|an?|the|part-time|full-time|self-employed|p/t|f/t|in|at|on|for|from home as|qualified|trainee|retired|also|still)\s+)*"
    r"(?P<job>[a-z][\w\s/&-]{1,40}?)(?=\s*(?:[,.;:()\n]|\s-\s|\band\b|\bbut\b|\bso\b|\bwho\b|\bat\b|\bin\b|\bfor\b|\bwith\b|"
    r"\bbefore\b|\bafter\b|\bwhen\b|\buntil\b|\bsince\b|\bon\b|\bfrom\b|\bnow\b|\bthough\b|\bbecause\b|$))",
    _I,
)
_JOB_BEFORE = re.compile(
    r"\b(?P<job>[a-z]+(?:\s+[a-z]+)?)\s+(?P<who>mum|dad|mother|father|brother|sister|uncle|aunt|cousin)\b",
    _I,
)
_JOB_IN_BRACKETS = re.compile(
    _WHO + r"\s*\((?:an?\s+)?(?P<job>[a-z][a-z\s-]{2,30}?)(?:\s*[-,][^)]*)?\)", _I
)
_RUNS = re.compile(
    _WHO
    + r"\s+(?:runs|owns|has)\s+(?P<job>(?:a|an|the|his|her|their)\s+[a-z]+(?:\s+[a-z]+)?\s+(?:firm|business|shop|takeaway|restaurant|company|garage|salon|cafe|café|farm|pub)|(?:a|an|the|his|her|their)\s+(?:takeaway|shop|farm|garage|salon|cafe|café|pub|restaurant|business))",
    _I,
)
_NOT_JOBS = re.compile(
    r"^(?:nights|days|shifts|atm|home|weekends|single|not|unemployed|out of work|at home|away|ill|poorly|disabled|keen|worried|supportive|"
    r"very|really|quite|a bit|unwell|pregnant|in prison|deceased|dead|abroad|around|there|here|"
    r"married|divorced|separated|living|staying|coming|going|looking|off sick|on|off|now|also|"
    r"in|with|aware|happy|angry|upset|concerned|struggling|retired)\b",
    _I,
)
_STAFF = re.compile(
    r"\b(?P<name>(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)\s*\((?P<job>[^)]{2,40})\)"
    r"|\b(?P<job2>TA|teaching assistant|social worker|SW|tutor|SENCO|head of year|HoY|key ?worker|mentor|"
    r"[a-z]+ teacher)\s*\(?(?P<name2>(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+[A-Z][\w'-]+|[A-Z][a-z]+\s+[A-Z][a-z]+)\)?"
)


def people(text: str) -> list[Person]:
    """People in the client's life with their jobs: "dad is an electrician", "Foster carer
    (Deborah) is a nurse", "older sis (24) is an FY2 doctor", "Mrs K Hughes (Designated
    Teacher)"; a state rather than a job ("mum is a single parent", "dad is not working") is
    left out."""
    found: list[Person] = []
    for match in _JOB_AFTER.finditer(text):
        job = _trim_job(match.group("job"))
        if not job:
            continue
        who = match.group("who").lower()
        found.append(Person(who=who, job=job))
    for match in _JOB_IN_BRACKETS.finditer(text):
        job = _trim_job(match.group("job"))
        if job and not re.match(r"[A-Z]", match.group("job")):
            found.append(Person(who=match.group("who").lower(), job=job))
    for match in _RUNS.finditer(text):
        found.append(Person(who=match.group("who").lower(), job="runs " + match.group("job")))
    for match in _STAFF.finditer(text):
        if match.group("name"):
            found.append(Person(who=match.group("name"), job=match.group("job").strip()))
        else:
            found.append(Person(who=match.group("name2"), job=match.group("job2")))
    for match in _ROLES.finditer(text):
        role = re.sub(r"\s+", " ", match.group(0).lower()).rstrip("s")
        if not any(p.who.lower().rstrip("s") == role for p in found):
            found.append(Person(who=role, job=None))
    unique: list[Person] = []
    for person in found:
        if not any(p.who == person.who and p.job == person.job for p in unique):
            unique.append(person)
    return unique


#: People who look after or support the client, named by their role ("placed with foster
#: carers", "her social worker"): a role in the client's life, never an option for them.
_ROLES = re.compile(
    r"\bfoster ?carers?\b|\bsocial workers?\b|\bteaching assistants?\b|\bkey ?workers?\b|"
    r"\bpersonal advisers?\b|\bsupport workers?\b|\byouth workers?\b|\bfamily support workers?\b",
    _I,
)


def _trim_job(raw: str) -> str | None:
    job = re.sub(r"\s+", " ", raw).strip(" -/&")
    job = re.sub(r"^(?:retired|former|ex-?)\s+(?=\w)", "", job, flags=_I)
    if not job or _NOT_JOBS.search(job):
        return None
    job = re.sub(r"^(?:a|an|the)\s+", "", job, flags=_I)
    if len(job.split()) > 5:
        return None
    return job


def job_words_of_others(found: Sequence[Person]) -> list[str]:
    """The jobs of other people (to keep them out of the client's ideas)."""
    return [p.job for p in found if p.job]


# ---------------------------------------------------------------------------------------------
# Circumstances

_CIRCUMSTANCES: tuple[tuple[CircumstanceKind, re.Pattern[str]], ...] = (
    (
        "attendance",
        re.compile(
            r"\battendance\b|\b\d{2}(?:\.\d)?\s*%\s*(?:att|attendance)|\bpersistent(?:ly)? absen|\blate (?:again|most days|a lot)|\bmissing school|\bnot attending|\bPA\b|\bschool refus",
            _I,
        ),
    ),
    (
        "travel",
        re.compile(
            r"\bbus(?:es)?\b|\btrains?\b.{0,20}\b(?:to|into|mins?|hour)|\bjourney\b|\bcommute|\btransport\b|\bcan'?t drive|\bno car\b|\bdriving licen[cs]e|\brural\b|\blift(?:s)? (?:to|from|in)|\bmiles? (?:away|from)|\btravel(?:ling)?\b|\b\d+\s*mins?\s+(?:away|each way|on the bus|journey)",
            _I,
        ),
    ),
    (
        "money",
        re.compile(
            r"\bFSM\b|\bfree school meals\b|\bPP\b|\bpupil premium\b|\bbursary\b|\bmoney\b|\bdebt\b|\bafford|\bcost of\b|\bUniversal Credit\b|\bUC\b|\bbenefits?\b|\bfood bank|\bhard(?:ship)?\b.{0,10}financ|\bfinanc|\bincome\b|\bmortgage\b|\bskint\b|\bpay (?:for|the)\b|\bwages?\b.{0,15}\bneed",
            _I,
        ),
    ),
    (
        "caring",
        re.compile(
            r"\byoung carer\b|\bcares? for\b|\bcaring (?:for|responsibilit)|\blooks? after (?:his|her|their|my) (?:mum|dad|mother|father|nan|gran|brother|sister|siblings?)|\bchildcare\b",
            _I,
        ),
    ),
    (
        "housing",
        re.compile(
            r"\btemporary accommodation\b|\bhostel\b|\bsofa[- ]?surf|\bhomeless|\bsupported (?:housing|accommodation|lodgings)\b|\bevict|\bhousing\b|\bmoved (?:house|out)\b|\bB&B\b|\bhotel\b|\bcouncil flat\b|\bshared house\b|\brent(?:ing|ed)?\b|\blives? (?:alone|independently|on (?:his|her|their) own)|\bkinship",
            _I,
        ),
    ),
    (
        "health",
        re.compile(
            r"\bhealth\b|\bCAMHS\b|\bhospital\b|\bdiagnos|\bmedication\b|\bcondition\b|\bepilep|\bdiabet|\basthma|\bME\b|\bchronic\b|\binjur|\bsurgery\b|\boperation\b|\bwheelchair\b|\bchronic fatigue|\bCFS\b|\bmigraine",
            _I,
        ),
    ),
    (
        "work",
        re.compile(
            r"\bpart[- ]time job\b|\bSaturday job\b|\bworks?\b.{0,25}\b(?:hrs?|hours)\b|\b\d+\s*(?:hrs?|hours)\s*(?:/|a|per)\s*(?:wk|week)|\bworks? (?:at|in|for)\b|\bjob at\b|\bemployed\b|\bzero[- ]hours?\b|\bshifts?\b|\bredundan",
            _I,
        ),
    ),
    (
        "family",
        re.compile(
            r"\bsingle parent\b|\bdivorc|\bseparated\b|\bbereave|\bpassed away\b|\bdied\b|\bin prison\b|\bkinship care\b|\blives with (?:his|her|their) (?:nan|gran|grandparents|dad|uncle|aunt|aunt(?:ie)?|sister|brother)|\bfamily (?:breakdown|circumstances|issues|situation)|\bfoster|\bcare order|\bSGO\b|\bmum(?:'s)? (?:is )?(?:ill|unwell)|\bdad(?:'s)? (?:is )?(?:ill|unwell)",
            _I,
        ),
    ),
)
_NEGATED = re.compile(
    r"\b(?:no|not|never|without|nil|none|n/a)\b(?:\s+\w+){0,3}\s*$|\bno concerns? (?:re|about|with|around)\s*$",
    _I,
)


def circumstances(sentences: Sequence[str]) -> list[Circumstance]:
    """Practical circumstances by kind, each with the clause that said it; negated ones ("no
    concerns re attendance", "not a young carer") are left out."""
    found: dict[CircumstanceKind, Circumstance] = {}
    for sentence in sentences:
        for kind, pattern in _CIRCUMSTANCES:
            if kind in found:
                continue
            for match in pattern.finditer(sentence):
                before = sentence[max(0, match.start() - 30) : match.start()]
                if _NEGATED.search(before):
                    continue
                found[kind] = Circumstance(kind=kind, detail=sentence.strip()[:120])
                break
    return [found[kind] for kind, _ in _CIRCUMSTANCES if kind in found]
