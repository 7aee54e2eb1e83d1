"""Build the bundled occupation records (facts and figures only) from the shared LMI files.

Usage (from the repository root)::

    python scripts/build_lmi.py --shared ../shared/lmi --out knowledge/lmi/occupations.jsonl

One record per National Careers Service (NCS) job profile. The records carry no publisher prose
(no descriptions, requirement sentences, task lists or career-path text): only titles, codes,
figures with their source and year, and short facts pulled out of the profile by simple patterns.
The prose is indexed at run time from the shared folder (``guidance_assistant.lmi.ncs_prose``).

Inputs (see the shared folder's README):

* ``ncs_job_profiles.jsonl``: the NCS job profiles (content dated 2020-11-16);
* ``soc2010_to_soc2020_ons_dual_coding.csv``: ONS shares of SOC 2010 jobholders by SOC 2020 group;
* ``soc2020_all_groups.jsonl``: ONS SOC 2020 groups with their related job titles;
* ``ashe_2023p_by_soc2020_tidy.csv``: ONS ASHE 2023 provisional, Table 14.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

if __package__ in (None, ""):  # run as a script from a checkout without an installed package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from guidance_assistant.lmi.models import (
    APPRENTICESHIP_LEVEL_NAMES,
    ASHE_SOURCE,
    ASHE_URL,
    ASHE_YEAR,
    NCS_SOURCE,
    NCS_YEAR,
    ROUTE_TYPES,
    ApprenticeshipLevelName,
    ApprenticeshipStandard,
    AshePay,
    EntryRoute,
    Figure,
    FigureUnit,
    Hours,
    OccupationRecord,
    QualificationRequirement,
    RouteType,
    Salary,
    Soc2010Code,
    Soc2020Code,
)

NCS_FILE = "ncs_job_profiles.jsonl"
DUAL_CODING_FILE = "soc2010_to_soc2020_ons_dual_coding.csv"
SOC2020_FILE = "soc2020_all_groups.jsonl"
ASHE_FILE = "ashe_2023p_by_soc2020_tidy.csv"
INPUT_FILES = (NCS_FILE, DUAL_CODING_FILE, SOC2020_FILE, ASHE_FILE)

MAX_ALTERNATIVE_TITLES = 8
SHARE_SAMPLES = ("men_lfs", "men_census", "women_lfs", "women_census")


class BuildError(Exception):
    """An input file that is missing or cannot be read."""


@dataclass
class BuildStats:
    records: int = 0
    with_ashe: int = 0
    ashe_unit: int = 0
    ashe_minor_fallback: int = 0
    without_ashe: int = 0
    salary_variable: int = 0
    primary_by_title: int = 0
    with_alternative_titles: int = 0
    fallback_ids: list[str] = field(default_factory=list)
    no_ashe_ids: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"records: {self.records}",
            f"with ASHE figures: {self.with_ashe} (unit group {self.ashe_unit}, fell back to the "
            f"minor group {self.ashe_minor_fallback})",
            f"without ASHE figures: {self.without_ashe}",
            f"salaries 'variable' (no NCS figure): {self.salary_variable}",
            f"primary SOC 2020 group chosen by title match rather than highest share: "
            f"{self.primary_by_title}",
            f"with alternative titles: {self.with_alternative_titles}",
        ]
        if self.no_ashe_ids:
            lines.append("no ASHE figures for: " + ", ".join(self.no_ashe_ids))
        return "\n".join(lines)


# --------------------------------------------------------------------------- reading inputs


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise BuildError(f"{path}, line {number}: not valid JSON ({error.msg}).") from error
            if not isinstance(row, dict):
                raise BuildError(f"{path}, line {number}: expected a JSON object.")
            rows.append(row)
    return rows


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _number(text: str | None) -> float | None:
    """A figure from an ONS cell; ``x`` (suppressed), ``..``, ``:`` and blanks are None."""
    if text is None:
        return None
    text = text.strip().replace(",", "")
    try:
        return float(text)
    except ValueError:
        return None


# --------------------------------------------------------------------------- titles


_PAREN = re.compile(r"\s*\(([^)]*)\)")
_WORD = re.compile(r"[a-z0-9]+")
_STOP_TEXT = "a an and the of in for to or with on at by nec n e c mfr"
# Words that name a kind of role rather than a field: sharing only these does not relate titles.
_ROLE_TEXT = """
assistant manager officer worker operative technician engineer professional specialist consultant
adviser advisor analyst director designer developer supervisor administrator clerk inspector
controller operator practitioner coordinator co ordinator executive agent leader lead head senior
junior chief trainee apprentice general staff team service support other related owner proprietor
maker technical teacher instructor tutor trainer lecturer
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
GENERIC_WORDS = STOP_WORDS | frozenset(_ROLE_TEXT.split())


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _words(text: str) -> list[str]:
    text = text.lower().replace("’", "'").replace("'s", "")
    return [_singular(word) for word in _WORD.findall(text)]


def _tokens(title: str) -> list[str]:
    """Lower-case, singular words of a title without its bracketed qualifiers."""
    return _words(_PAREN.sub(" ", title))


def _norm(title: str) -> str:
    """A title's words without its bracketed qualifiers, for spotting the same title."""
    return " ".join(_tokens(title))


def _norm_full(title: str) -> str:
    """A title's words with its bracketed qualifiers: 'production manager manufacturing'."""
    return " ".join(_words(title))


def _content(title: str) -> set[str]:
    return {word for word in _words(title) if word not in STOP_WORDS}


def _distinctive(title: str) -> set[str]:
    return {word for word in _words(title) if word not in GENERIC_WORDS}


def _head(title: str) -> str | None:
    words = _tokens(title)
    return words[-1] if words else None


def titles_relate(related: str, title: str) -> bool:
    """Whether an ONS related job title clearly names the same job as an NCS title.

    They must share a distinctive word (not a role word such as 'manager' or 'assistant'), and
    either one's words contain the other's ('Staff nurse' and 'Nurse'; but not a bare broader
    word such as 'Scientist' for 'Sports scientist'), or both end in a role word and the related
    title adds no word of its own ('Games designer' and 'Computer games developer'; not 'Sports
    therapist' and 'Art therapist').
    """
    if not _distinctive(related) & _distinctive(title):
        return False
    # A bracketed part only places the job ('Porter (hospital service)'): the job itself must be
    # named outside it, unless it is a bare role word ('Lecturer (further education)').
    outside = {word for word in _tokens(related) if word not in GENERIC_WORDS}
    if outside and not outside & _distinctive(title):
        return False
    related_words, title_words = _content(related), _content(title)
    if related_words < title_words and len(related_words) == 1:
        return False
    if related_words <= title_words or title_words <= related_words:
        return True
    heads = (_head(related), _head(title))
    if not all(head in GENERIC_WORDS for head in heads):
        return False
    return _distinctive(related) <= title_words


def _capitalise(text: str) -> str:
    text = " ".join(text.split())
    return text[:1].upper() + text[1:] if text else text


def clean_title(title: str) -> str:
    """The NCS title with spaces tidied and a stray trailing '*' removed."""
    return " ".join(title.split()).rstrip("*").strip()


def title_variants(title: str) -> list[str]:
    """Obvious variants of an NCS title: its acronym or bracketed title, either side of 'or'."""
    variants: list[str] = []
    match = _PAREN.search(title)
    if match:
        inner = match.group(1).strip()
        tail = title[match.end() :].strip()
        if re.fullmatch(r"[A-Z]{2,6}", inner):
            variants.append(_capitalise(f"{inner} {tail}"))
        elif len(inner.split()) >= 2 and not tail:
            variants.append(_capitalise(inner))
    elif " or " in title:
        left, right = title.split(" or ", 1)
        left_words, right_words = left.split(), right.split()
        if len(left_words) == 1 and right_words:
            variants += [
                _capitalise(" ".join([left_words[0], *right_words[1:]])),
                _capitalise(right),
            ]
        elif len(right_words) == 1 and len(left_words) > 1:
            variants += [_capitalise(left), _capitalise(" ".join([*left_words[:-1], right]))]
    seen = {_norm(title)}
    unique: list[str] = []
    for variant in variants:
        key = _norm(variant)
        if key and key not in seen:
            seen.add(key)
            unique.append(variant)
    return unique


# --------------------------------------------------------------------------- SOC and ASHE


@dataclass(frozen=True)
class SocGroup:
    code: str
    level: str
    title: str
    related_job_titles: tuple[str, ...]


def _load_soc2020(path: Path) -> dict[str, SocGroup]:
    groups: dict[str, SocGroup] = {}
    for row in _read_jsonl(path):
        code = str(row.get("code", ""))
        groups[code] = SocGroup(
            code=code,
            level=str(row.get("level", "")),
            title=str(row.get("title", "")),
            related_job_titles=tuple(str(t) for t in row.get("related_job_titles") or []),
        )
    return groups


def _pooled_share(row: dict[str, str]) -> float:
    total = weighted = 0.0
    for sample in SHARE_SAMPLES:
        share, base = _number(row.get(f"share_{sample}")), _number(row.get(f"base_{sample}"))
        if share is None or base is None or base <= 0:
            continue
        total += base
        weighted += share * base
    return weighted / total if total else 0.0


def _load_dual_coding(path: Path) -> dict[str, list[tuple[str, str, float]]]:
    mapping: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
    for row in _read_csv(path):
        mapping[row["soc2010"].strip()].append(
            (row["soc2020"].strip(), row["soc2020_title"].strip(), _pooled_share(row))
        )
    return mapping


def _title_matches_group(titles: Iterable[str], group: SocGroup | None) -> bool:
    if group is None:
        return False
    bare_title = re.sub(r"^(?:registered|chartered) ", "", group.title, flags=re.I)
    names = {
        _norm_full(group.title),
        _norm_full(bare_title),
        *(_norm_full(t) for t in group.related_job_titles),
    }
    return any(_norm_full(title) in names for title in titles)


def soc2020_codes(
    profile_titles: Sequence[str],
    candidates: Sequence[tuple[str, str, float]],
    groups: dict[str, SocGroup],
) -> tuple[list[Soc2020Code], str | None]:
    """The SOC 2020 groups of a SOC 2010 code, primary first, and why the primary was chosen.

    The primary is the group with the highest share, unless a group with a share names this job
    in its title or ONS related job titles (then the best such group is chosen).
    """
    ranked = sorted(
        ((code, title, share) for code, title, share in candidates if share > 0),
        key=lambda item: (-item[2], item[0]),
    )
    if not ranked:
        return [], None
    basis = "highest_share"
    primary = ranked[0][0]
    named = [item for item in ranked if _title_matches_group(profile_titles, groups.get(item[0]))]
    if named and named[0][0] != primary:
        primary, basis = named[0][0], "title_match"
    ordered = [item for item in ranked if item[0] == primary] + [
        item for item in ranked if item[0] != primary
    ]
    codes = [
        Soc2020Code(
            code=code,
            title=groups[code].title if code in groups else title,
            share=round(min(share, 1.0), 4),
            primary=code == primary,
        )
        for code, title, share in ordered
    ]
    return codes, basis


ASHE_FIELDS: dict[str, tuple[str, FigureUnit]] = {
    "median": ("annual_FT_median", "GBP per year"),
    "p25": ("annual_FT_p25", "GBP per year"),
    "p75": ("annual_FT_p75", "GBP per year"),
    "mean": ("annual_FT_mean", "GBP per year"),
    "n_jobs_thousands": ("annual_FT_n_jobs_thousands", "thousand jobs"),
    "hourly_median": ("hourly_FT_median", "GBP per hour"),
}


def _ashe_figure(row: dict[str, str], column: str, unit: FigureUnit) -> Figure | None:
    value = _number(row.get(column))
    if value is None:
        return None
    return Figure(value=value, unit=unit, source=ASHE_SOURCE, year=ASHE_YEAR, url=ASHE_URL)


def ashe_pay(
    code: str, ashe: dict[str, dict[str, str]], groups: dict[str, SocGroup]
) -> AshePay | None:
    """ASHE full-time annual pay for a unit group, or its minor group where ONS suppressed it."""

    def title_of(group_code: str) -> str:
        if group_code in groups:
            return groups[group_code].title
        return ashe.get(group_code, {}).get("description", "").strip()

    unit_row = ashe.get(code)
    if unit_row is not None and _number(unit_row.get("annual_FT_median")) is not None:
        row, used, level, note = unit_row, code, "unit", None
    else:
        minor = code[:3]
        minor_row = ashe.get(minor)
        if minor_row is None or _number(minor_row.get("annual_FT_median")) is None:
            return None
        row, used, level = minor_row, minor, "minor"
        note = (
            f"ONS publishes no full-time annual pay figure for the unit group {code} "
            f"'{title_of(code)}' (suppressed as unreliable, or not available): the figures are "
            f"for its minor group {minor} '{title_of(minor)}'."
        )
    figures = {
        name: _ashe_figure(row, column, unit) for name, (column, unit) in ASHE_FIELDS.items()
    }
    return AshePay(
        soc2020_code=used,
        soc2020_title=title_of(used),
        soc_level_used="unit" if level == "unit" else "minor",
        note=note,
        median=figures["median"],
        p25=figures["p25"],
        p75=figures["p75"],
        mean=figures["mean"],
        n_jobs_thousands=figures["n_jobs_thousands"],
        hourly_median=figures["hourly_median"],
    )


# --------------------------------------------------------------------------- entry routes

_QUALIFICATION_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("GCSE", re.compile(r"\bGCSEs?\b")),
    ("A level", re.compile(r"\bA [Ll]evels?\b(?!\s*\d)")),
    ("T level", re.compile(r"\bT [Ll]evels?\b")),
    ("foundation degree", re.compile(r"\bfoundation degrees?\b", re.I)),
    (
        "degree",
        re.compile(
            r"(?<!foundation )\bdegrees?\b(?!,? (?:or (?:higher )?)?apprenticeships?)", re.I
        ),
    ),
    ("postgraduate qualification", re.compile(r"\bpostgraduate\b", re.I)),
    ("higher national diploma", re.compile(r"\b(?:higher national diplomas?|HNDs?)\b", re.I)),
    (
        "higher national certificate",
        re.compile(r"\b(?:higher national certificates?|HNCs?)\b", re.I),
    ),
    ("Access to Higher Education Diploma", re.compile(r"\baccess to higher education\b", re.I)),
    ("foundation diploma in art and design", re.compile(r"\bfoundation diploma in art", re.I)),
    ("City and Guilds certificate", re.compile(r"\bCity (?:and|&) Guilds\b")),
    ("NVQ", re.compile(r"\bNVQs?\b")),
    ("BTEC", re.compile(r"\bBTECs?\b")),
)
_LEVEL = re.compile(r"\b[Ll]evel (\d)\b(?: or (?:[Ll]evel )?(\d)\b)?")
_APPRENTICESHIP = re.compile(
    r"\b((?:intermediate|advanced|higher|degree)"
    r"(?:(?:,\s*|\s+or\s+|\s+and\s+)(?:intermediate|advanced|higher|degree))*)"
    r"(?:\s+level)?\s+apprenticeships?\b",
    re.I,
)
_COUNT = re.compile(
    r"^(?:(?P<least>at least) |(?P<between>between) )?(?P<lo>\d+)"
    r"(?: (?:or|to|and) (?P<hi>\d+)| or (?P<dir>more|fewer))?\b"
)
_GRADES = re.compile(r"\bgrades? (\d(?: to \d)?)(?: \(([^)]+)\))?")
_PURPOSE = re.compile(r",?\s+for (?:a |an |the )?(?P<purpose>[^,]+?)\s*$")
_SUBJECTS = re.compile(
    r"\b(?:(?P<pref>preferably) )?including (?:at least \d+ )?(?P<list>.+?)(?=, or |, for |$)"
)
_GCSE_IN = re.compile(
    r"\bGCSEs?(?: [a-z]+)* (?:grades?|at grades?) [^,]*?,?(?: or equivalent,)?"
    r" in (?P<list>[A-Za-z ,]+)$"
)
_GCSE_SUBJECT = re.compile(r"\bGCSE (?P<subject>[a-z]+) at grade")
_SUBJECT_WORDS = frozenset({"English", "maths", "science", "sciences"})


def _level_numbers(text: str) -> list[int]:
    levels: list[int] = []
    for match in _LEVEL.finditer(text):
        levels += [int(group) for group in match.groups() if group]
    return levels


def _qualification_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of each qualification named in ``text``, in order, first mention only."""
    found: list[tuple[int, int, str]] = []
    for name, pattern in _QUALIFICATION_PATTERNS:
        match = pattern.search(text)
        if match:
            found.append((match.start(), match.end(), name))
    for match in _LEVEL.finditer(text):
        if text[max(0, match.start() - 2) : match.start()] in ("A ", "T "):
            continue
        for index, group in enumerate(match.groups(), start=1):
            if group:
                found.append((match.start(index), match.end(), f"Level {group}"))
    spans: list[tuple[int, int, str]] = []
    for span in sorted(found):
        if span[2] not in {name for _, _, name in spans}:
            spans.append(span)
    return spans


def _qualifications_in(text: str) -> list[str]:
    """Qualification names in ``text`` in the order they first occur."""
    return [name for _, _, name in _qualification_spans(text)]


def _apprenticeship_levels(text: str) -> list[ApprenticeshipLevelName]:
    found: set[str] = set()
    for match in _APPRENTICESHIP.finditer(text):
        found.update(re.findall(r"intermediate|advanced|higher|degree", match.group(1).lower()))
    return [level for level in APPRENTICESHIP_LEVEL_NAMES if level in found]


def _split_subjects(text: str) -> list[str]:
    parts = [p.strip() for p in re.split(r",\s*|\s+and\s+", text) if p.strip()]
    subjects: list[str] = []
    for part in parts:
        words = part.split()
        if len(words) > 1 and all(word in _SUBJECT_WORDS for word in words):
            subjects += words
        else:
            subjects.append(part)
    return subjects


def parse_requirement(line: str) -> QualificationRequirement | None:
    """Facts of one NCS requirement line, or None where it names no qualification."""
    text = " ".join(line.split()).rstrip(".")
    purpose: str | None = None
    match = _PURPOSE.search(text)
    if match and not match.group("purpose").startswith("example"):
        purpose = match.group("purpose")
        main = text[: match.start()]
    else:
        main = text
    spans = _qualification_spans(main)
    if not spans:
        return None
    qualification = spans[0][2]
    together: list[str] = []
    alternatives: list[str] = []
    previous_end = spans[0][1]
    for start, end, name in spans[1:]:
        between = main[previous_end:start] if start >= previous_end else " or "
        if " or " in between or "," in between:
            alternatives.append(name)
        else:
            together.append(name)
        previous_end = max(previous_end, end)
    counts = _COUNT.match(re.sub(r"^(?:some|a|an) ", "", main))
    min_count = max_count = None
    if counts:
        low = int(counts.group("lo"))
        high = counts.group("hi")
        direction = counts.group("dir")
        if direction == "fewer":
            max_count = low
        elif direction == "more" or counts.group("least"):
            min_count = low
        else:
            min_count, max_count = low, int(high) if high else low
    grades_match = _GRADES.search(main)
    grades = None
    if grades_match:
        grades = grades_match.group(1)
        if grades_match.group(2):
            grades += f" ({grades_match.group(2)})"
    subjects: list[str] = []
    for found in _SUBJECTS.finditer(main):
        items = _split_subjects(found.group("list"))
        if found.group("pref"):
            items = [f"{item} (preferred)" for item in items]
        subjects += [item.rstrip(",") for item in items]
    if not subjects:
        gcse_in = _GCSE_IN.search(main)
        if gcse_in:
            subjects = _split_subjects(gcse_in.group("list"))
        single = _GCSE_SUBJECT.search(main)
        if single:
            subjects = [single.group("subject")]
    subjects = [s for s in subjects if s and not s.startswith("or equivalent")]
    return QualificationRequirement(
        qualification=qualification,
        together_with=together,
        alternatives=alternatives,
        min_count=min_count,
        max_count=max_count,
        grades=grades,
        subjects=subjects,
        or_equivalent="equivalent" in main,
        purpose=purpose,
    )


def _ordered_qualifications(names: Iterable[str]) -> list[str]:
    canonical = [name for name, _ in _QUALIFICATION_PATTERNS]
    unique = list(dict.fromkeys(names))

    def key(name: str) -> tuple[int, str]:
        if name in canonical:
            return (canonical.index(name), "")
        return (len(canonical), name)

    return sorted(unique, key=key)


def entry_route(route: RouteType, entries: Sequence[dict[str, Any]]) -> EntryRoute:
    """The facts of one route type (its entries merged)."""
    qualifications: list[str] = []
    requirements: list[QualificationRequirement] = []
    apprenticeship: set[str] = set()
    course_levels: set[int] = set()
    no_set = False
    for entry in entries:
        prefixes = " ".join(str(p) for p in entry.get("requirements_prefix") or [])
        no_set = no_set or "no set entry requirements" in prefixes.lower()
        subjects_text = str(entry.get("relevant_subjects") or "")
        further = str(entry.get("further_info") or "")
        free_text = str(entry.get("text") or "")
        for line in entry.get("requirements") or []:
            parsed = parse_requirement(str(line))
            if parsed is not None and parsed not in requirements:
                requirements.append(parsed)
                qualifications.append(parsed.qualification)
                if parsed.purpose:
                    course_levels.update(
                        int(n) for n in re.findall(r"\blevel (\d)\b", parsed.purpose, re.I)
                    )
                    apprenticeship.update(_apprenticeship_levels(parsed.purpose))
            main = _PURPOSE.sub("", str(line))
            qualifications += _qualifications_in(main)
        for text in (subjects_text, free_text):
            qualifications += _qualifications_in(text)
            course_levels.update(_level_numbers(text))
        for text in (subjects_text, further, free_text):
            apprenticeship.update(_apprenticeship_levels(text))
    if route != "apprenticeship":
        apprenticeship.clear()
    return EntryRoute(
        route=route,
        qualification_levels=_ordered_qualifications(qualifications),
        requirements=requirements,
        apprenticeship_levels=[a for a in APPRENTICESHIP_LEVEL_NAMES if a in apprenticeship],
        course_levels=sorted(course_levels),
        no_set_requirements=no_set,
    )


def entry_routes(raw: dict[str, Any]) -> list[EntryRoute]:
    routes: list[EntryRoute] = []
    for route in ROUTE_TYPES:
        entries = raw.get(route) or []
        if entries:
            routes.append(entry_route(route, [e for e in entries if isinstance(e, dict)]))
    return routes


# --------------------------------------------------------------------------- records


def _ncs_figure(value: Any, unit: FigureUnit, url: str) -> Figure | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    return Figure(value=float(value), unit=unit, source=NCS_SOURCE, year=NCS_YEAR, url=url)


def salary(profile: dict[str, Any]) -> Salary:
    url = str(profile["ncs_url"])
    starter = _ncs_figure(profile.get("salary_starter_gbp"), "GBP per year", url)
    experienced = _ncs_figure(profile.get("salary_experienced_gbp"), "GBP per year", url)
    note = None
    raw = (profile.get("salary_starter_gbp"), profile.get("salary_experienced_gbp"))
    if starter is None or experienced is None:
        if any(isinstance(v, str) and v.strip().lower() == "variable" for v in raw):
            note = "The National Careers Service gives the salary for this job as variable."
        else:
            note = "The National Careers Service gives no salary figure for this job."
    return Salary(starter=starter, experienced=experienced, note=note)


def hours(profile: dict[str, Any]) -> Hours:
    url = str(profile["ncs_url"])
    period = (profile.get("hours_period") or "").strip() or None
    if period == "week":
        period = "a week"

    def words(key: str) -> str | None:
        value = profile.get(key)
        return " ".join(value.split()) if isinstance(value, str) and value.strip() else None

    return Hours(
        min=_ncs_figure(profile.get("hours_min"), "hours per week", url),
        max=_ncs_figure(profile.get("hours_max"), "hours per week", url),
        period=period,
        working_pattern=words("working_pattern"),
        working_pattern_details=words("working_pattern_details"),
    )


def apprenticeship_standards(profile: dict[str, Any]) -> list[ApprenticeshipStandard]:
    standards: list[ApprenticeshipStandard] = []
    for raw in profile.get("apprenticeship_standards") or []:
        try:
            level = int(str(raw.get("level", "")).strip())
        except ValueError:
            continue
        reference = str(raw.get("reference", "")).strip().upper()
        if not re.fullmatch(r"ST\d{4}", reference) or not 1 <= level <= 8:
            continue
        standard = ApprenticeshipStandard(
            title=" ".join(str(raw.get("title", "")).split()), reference=reference, level=level
        )
        if standard not in standards:
            standards.append(standard)
    return standards


def _related_title_owner(
    related: str, candidates: Sequence[dict[str, Any]], taken: set[str]
) -> str | None:
    """The profile (url_name) among ``candidates`` that an ONS related job title names best."""
    if _norm(related) in taken:
        return None
    best: tuple[int, int, float, str] | None = None
    for profile in candidates:
        title = clean_title(str(profile["title"]))
        if not titles_relate(related, title):
            continue
        shared = len(_distinctive(related) & _distinctive(title))
        extra = len(_content(title) - _content(related))
        score = (shared, -extra, fuzz.ratio(_norm(title), _norm(related)), str(profile["url_name"]))
        if best is None or score[:3] > best[:3]:
            best = score
    return best[3] if best else None


def alternative_titles(
    profiles: Sequence[dict[str, Any]],
    primaries: dict[str, str | None],
    groups: dict[str, SocGroup],
) -> dict[str, list[str]]:
    """Title variants and the ONS related job titles (of the primary group) that name each job.

    An ONS related job title goes to the one profile of its group that it names best (sharing a
    distinctive word: not 'manager', 'assistant'…), and to none where it is itself the title of
    an NCS profile.
    """
    taken = {_norm(clean_title(str(p["title"]))) for p in profiles}
    result: dict[str, list[str]] = {}
    for profile in profiles:
        result[str(profile["url_name"])] = [
            v for v in title_variants(clean_title(str(profile["title"]))) if _norm(v) not in taken
        ]
    by_group: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for profile in profiles:
        group = primaries.get(str(profile["url_name"]))
        if group:
            by_group[group].append(profile)
    for code, members in sorted(by_group.items()):
        soc = groups.get(code)
        if soc is None:
            continue
        for related in soc.related_job_titles:
            owner = _related_title_owner(related, members, taken)
            if owner is None:
                continue
            titles = result[owner]
            if _norm(related) not in {_norm(t) for t in titles}:
                titles.append(" ".join(related.split()))
    return {key: value[:MAX_ALTERNATIVE_TITLES] for key, value in result.items()}


def _require_inputs(shared: Path) -> None:
    if not shared.is_dir():
        raise BuildError(f"The shared LMI folder {shared} does not exist.")
    missing = [name for name in INPUT_FILES if not (shared / name).is_file()]
    if missing:
        raise BuildError(f"The shared LMI folder {shared} lacks: {', '.join(missing)}.")


def build_records(shared: Path) -> tuple[list[OccupationRecord], BuildStats]:
    """One record per NCS job profile in ``shared``, sorted by id, and the build's numbers."""
    _require_inputs(shared)
    profiles = _read_jsonl(shared / NCS_FILE)
    dual = _load_dual_coding(shared / DUAL_CODING_FILE)
    groups = _load_soc2020(shared / SOC2020_FILE)
    ashe = {row["soc2020_code"].strip(): row for row in _read_csv(shared / ASHE_FILE)}

    ids = [str(p.get("url_name", "")) for p in profiles]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates or "" in ids:
        raise BuildError(f"Profiles without a unique url_name: {duplicates or ['(blank)']}.")

    codes: dict[str, tuple[list[Soc2020Code], str | None]] = {}
    for profile in profiles:
        title = clean_title(str(profile["title"]))
        titles = [title, *title_variants(title)]
        soc2010 = str(profile.get("soc2010_code", "")).strip()
        codes[str(profile["url_name"])] = soc2020_codes(titles, dual.get(soc2010, []), groups)
    primaries = {
        key: next((c.code for c in value[0] if c.primary), None) for key, value in codes.items()
    }
    alternatives = alternative_titles(profiles, primaries, groups)

    stats = BuildStats()
    records: list[OccupationRecord] = []
    for profile in sorted(profiles, key=lambda p: str(p["url_name"])):
        key = str(profile["url_name"])
        soc2020, basis = codes[key]
        primary = primaries[key]
        pay = ashe_pay(primary, ashe, groups) if primary else None
        record = OccupationRecord(
            id=key,
            title=clean_title(str(profile["title"])),
            alternative_titles=alternatives[key],
            soc2010=Soc2010Code(
                code=str(profile["soc2010_code"]).strip(),
                title=" ".join(str(profile.get("soc2010_title", "")).split()),
            ),
            soc2020=soc2020,
            soc2020_primary_basis="title_match"
            if basis == "title_match"
            else ("highest_share" if basis else None),
            job_categories=[str(c) for c in profile.get("job_categories") or []],
            ncs_url=str(profile["ncs_url"]),
            salary=salary(profile),
            ashe=pay,
            hours=hours(profile),
            entry_routes=entry_routes(profile.get("entry_routes") or {}),
            apprenticeship_standards=apprenticeship_standards(profile),
            skills=[" ".join(str(s).split()) for s in profile.get("skills_onet") or []],
        )
        records.append(record)
        stats.records += 1
        if record.salary.starter is None and record.salary.experienced is None:
            stats.salary_variable += 1
        if basis == "title_match":
            stats.primary_by_title += 1
        if record.alternative_titles:
            stats.with_alternative_titles += 1
        if pay is None:
            stats.without_ashe += 1
            stats.no_ashe_ids.append(key)
        else:
            stats.with_ashe += 1
            if pay.soc_level_used == "unit":
                stats.ashe_unit += 1
            else:
                stats.ashe_minor_fallback += 1
                stats.fallback_ids.append(key)
    return records, stats


def record_lines(records: Iterable[OccupationRecord]) -> Iterator[str]:
    for record in records:
        yield json.dumps(record.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))


def write_records(records: Sequence[OccupationRecord], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_text("".join(line + "\n" for line in record_lines(records)), encoding="utf-8")
    tmp.replace(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--shared", type=Path, required=True, help="the shared LMI folder")
    parser.add_argument("--out", type=Path, required=True, help="the occupations.jsonl to write")
    args = parser.parse_args(argv)
    try:
        records, stats = build_records(args.shared)
    except (BuildError, OSError, KeyError, ValueError) as error:
        print(f"build_lmi: {error}", file=sys.stderr)
        return 1
    write_records(records, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1_000_000:.2f} MB)")
    print(stats.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
