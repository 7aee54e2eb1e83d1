"""The shared text layer's readers on labelled sentences nobody tuned them for.

``guidance-assistant eval readers`` scores two readers of ``guidance_assistant.text`` on the
splits of ``evals/text`` (written blind to the code, measured once at first contact, then kept
as regression sets):

- **dates** (:func:`~guidance_assistant.text.dates.find_dates`): the first date found in a
  client's sentence, against the date an adviser would write in the plan (``null`` when none).
  Exact: the same day; close: within 7 days for a period ("next week", "in March", a school
  holiday); none right: no date found where the gold says none; false dates: a date found
  where the gold says none.
- **strengths** (:func:`~guidance_assistant.text.strengths.strength_phrases`): the strengths a
  client claims for themselves. A gold phrase is found when every content word of it is in one
  phrase the reader gave back; a phrase given back that holds no gold phrase is a false one.
"""

from __future__ import annotations

import platform
import re
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from guidance_assistant.paths import bundled_dir

#: Words that carry no content when matching strength phrases.
_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "at",
        "in",
        "on",
        "with",
        "of",
        "to",
        "for",
        "my",
        "your",
        "i",
        "im",
        "i'm",
        "you",
        "you're",
        "youre",
        "is",
        "are",
        "am",
        "be",
        "really",
        "quite",
        "very",
        "pretty",
        "so",
        "proper",
        "dead",
        "well",
        "good",
        "great",
        "decent",
    ]
)


class DateCase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1)
    today: date
    expect: date | None
    approximate: bool = False
    note: str | None = None


class DateSet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    suite: str
    cases: list[DateCase] = Field(min_length=1)


class StrengthCase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1)
    expect: list[str]


class StrengthSet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    suite: str
    cases: list[StrengthCase] = Field(min_length=1)


class DateScores(BaseModel):
    cases: int
    with_date: int
    exact: int
    close: int
    none_right: int
    false_dates: int
    misses: list[str] = Field(default_factory=list)

    @property
    def exact_rate(self) -> float:
        return self.exact / self.with_date if self.with_date else 0.0

    @property
    def close_rate(self) -> float:
        return self.close / self.with_date if self.with_date else 0.0


class StrengthScores(BaseModel):
    cases: int
    gold: int
    found: int
    given: int
    false: int
    empty_right: int
    empty_cases: int
    misses: list[str] = Field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        return (self.given - self.false) / self.given if self.given else 0.0


def text_eval_dir(folder: Path | None = None) -> Path:
    return folder or bundled_dir("evals") / "text"


def load_dates(path: Path) -> DateSet:
    return DateSet.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def load_strengths(path: Path) -> StrengthSet:
    return StrengthSet.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def score_dates(cases: DateSet) -> DateScores:
    from guidance_assistant.text.dates import find_dates

    exact = close = none_right = false_dates = with_date = 0
    misses: list[str] = []
    for case in cases.cases:
        found = find_dates(case.text, case.today)
        got = found[0].when if found else None
        if case.expect is None:
            if got is None:
                none_right += 1
            else:
                false_dates += 1
                misses.append(f"{case.today} {case.text!r}: none expected, got {got}")
            continue
        with_date += 1
        if got == case.expect:
            exact += 1
            close += 1
            continue
        near = got is not None and case.approximate and abs((got - case.expect).days) <= 7
        close += int(near)
        misses.append(f"{case.today} {case.text!r}: expected {case.expect}, got {got}")
    return DateScores(
        cases=len(cases.cases),
        with_date=with_date,
        exact=exact,
        close=close,
        none_right=none_right,
        false_dates=false_dates,
        misses=misses,
    )


def _content(phrase: str) -> set[str]:
    words = re.findall(r"[a-z0-9']+", phrase.lower())
    return {w for w in words if w not in _FUNCTION_WORDS}


def score_strengths(cases: StrengthSet) -> StrengthScores:
    from guidance_assistant.text.strengths import strength_phrases

    gold_n = found_n = given_n = false_n = empty_right = empty_cases = 0
    misses: list[str] = []
    for case in cases.cases:
        given = [_content(p) for p in strength_phrases(case.text, limit=4)]
        gold = [_content(p) for p in case.expect]
        gold_n += len(gold)
        given_n += len(given)
        hits = [g for g in gold if g and any(g <= p for p in given)]
        found_n += len(hits)
        false = [p for p in given if not any(g and g <= p for g in gold)]
        false_n += len(false)
        if not case.expect:
            empty_cases += 1
            empty_right += int(not given)
        if len(hits) < len(gold) or false:
            misses.append(
                f"{case.text!r}: expected {case.expect}, got {strength_phrases(case.text, limit=4)}"
            )
    return StrengthScores(
        cases=len(cases.cases),
        gold=gold_n,
        found=found_n,
        given=given_n,
        false=false_n,
        empty_right=empty_right,
        empty_cases=empty_cases,
        misses=misses,
    )


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parent,
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def run_readers_eval(folder: Path | None = None, *, misses: int = 0) -> str:
    """The report ``eval readers`` prints."""
    base = text_eval_dir(folder)
    lines = [
        "# Text readers on sentences written blind (evals/text)",
        f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; commit {_commit()}; {platform.platform()}",
    ]
    for path in sorted(base.glob("dates-*.yaml")):
        d = score_dates(load_dates(path))
        nulls = d.cases - d.with_date
        lines += [
            f"\n## dates: {path.name} ({d.cases} sentences, {d.with_date} with a date)",
            f"exact date {d.exact}/{d.with_date} ({d.exact_rate:.1%}); "
            f"within a week for periods {d.close}/{d.with_date} ({d.close_rate:.1%})",
            f"no date, rightly {d.none_right}/{nulls}; a date where there is none {d.false_dates}",
        ]
        lines += [f"  - {m}" for m in d.misses[:misses]]
    for path in sorted(base.glob("strengths-*.yaml")):
        s = score_strengths(load_strengths(path))
        lines += [
            f"\n## strengths: {path.name} ({s.cases} sentences, {s.gold} strengths named)",
            f"recall {s.found}/{s.gold} ({s.recall:.1%}); precision "
            f"{s.given - s.false}/{s.given} ({s.precision:.1%}); "
            f"sentences with none left empty {s.empty_right}/{s.empty_cases}",
        ]
        lines += [f"  - {m}" for m in s.misses[:misses]]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    import sys

    print(run_readers_eval(misses=int(sys.argv[1]) if len(sys.argv) > 1 else 0))
