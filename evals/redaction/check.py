"""Check the labelled redaction cases in dev.yaml and test.yaml.

Run from anywhere: ``.venv/bin/python evals/redaction/check.py [FOLDER]`` (FOLDER defaults to the
folder this script is in). It reports every problem it finds (case id and what is wrong) and exits
1 if there was any; it always prints, per split, how many cases and spans of each kind there are.
Only the standard library and PyYAML are used, so the check does not depend on the redactor it is
meant to measure.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

KINDS = (
    "PERSON",
    "UK_PHONE",
    "UK_POSTCODE",
    "UK_NI_NUMBER",
    "NHS_NUMBER",
    "UPN",
    "ULN",
    "EMAIL",
    "STREET_ADDRESS",
    "DATE_OF_BIRTH",
)
SPLITS = ("dev", "test")
CASE_KEYS = {"id", "register", "text", "known_names", "spans", "keep"}
SPAN_KEYS = {"text", "kind", "occurrence"}
HERE = Path(__file__).resolve().parent


def starts(text: str, part: str) -> list[int]:
    """Every index at which ``part`` begins in ``text`` (case-sensitive, overlaps allowed)."""
    found: list[int] = []
    at = text.find(part)
    while at != -1:
        found.append(at)
        at = text.find(part, at + 1)
    return found


def on_word_edges(text: str, begin: int, end: int) -> bool:
    """True when the characters either side of text[begin:end] are not letters or digits."""
    before_ok = begin == 0 or not text[begin - 1].isalnum()
    after_ok = end == len(text) or not text[end].isalnum()
    return before_ok and after_ok


def nhs_check_digit_ok(digits: str) -> bool:
    """The NHS number modulus 11 check: weights 10..2 on the first nine digits."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def check_span(case_id: str, text: str, span: Any, problems: list[str]) -> tuple[int, int] | None:
    """Validate one span; return its (begin, end) in ``text`` or None when it is unusable."""
    if not isinstance(span, dict):
        problems.append(f"{case_id}: a span must be a mapping, got {span!r}")
        return None
    extra = set(span) - SPAN_KEYS
    if extra:
        problems.append(f"{case_id}: span {span!r} has unknown keys {sorted(extra)}")
    part, kind = span.get("text"), span.get("kind")
    if not isinstance(part, str) or not part:
        problems.append(f"{case_id}: span {span!r} needs a non-empty text")
        return None
    if kind not in KINDS:
        problems.append(
            f"{case_id}: span {part!r} has kind {kind!r}; use one of {', '.join(KINDS)}"
        )
    where = starts(text, part)
    if not where:
        problems.append(f"{case_id}: span {part!r} does not occur in the text")
        return None
    occurrence = span.get("occurrence")
    if occurrence is None:
        if len(where) > 1:
            problems.append(
                f"{case_id}: span {part!r} occurs {len(where)} times; say which with occurrence"
            )
            return None
        occurrence = 1
    if not isinstance(occurrence, int) or isinstance(occurrence, bool) or occurrence < 1:
        problems.append(f"{case_id}: span {part!r} has occurrence {occurrence!r}; use 1, 2, ...")
        return None
    if occurrence > len(where):
        problems.append(
            f"{case_id}: span {part!r} occurrence {occurrence} asked, only {len(where)} in the text"
        )
        return None
    begin = where[occurrence - 1]
    end = begin + len(part)
    if not on_word_edges(text, begin, end):
        problems.append(f"{case_id}: span {part!r} (occurrence {occurrence}) cuts a word")
    if part != part.strip():
        problems.append(f"{case_id}: span {part!r} has spaces at its ends")
    if kind == "NHS_NUMBER":
        digits = "".join(ch for ch in part if ch.isdigit())
        if len(digits) != 10 or not nhs_check_digit_ok(digits):
            problems.append(f"{case_id}: NHS number {part!r} fails the modulus 11 check")
    return begin, end


def check_case(case: Any, split: str, problems: list[str]) -> dict[str, Any] | None:
    """Validate one case; return it when its id and text are usable, for counting."""
    if not isinstance(case, dict):
        problems.append(f"{split}: a case must be a mapping, got {case!r:.60}")
        return None
    case_id = case.get("id")
    if not isinstance(case_id, str) or not case_id.startswith(f"{split}-"):
        problems.append(f"{split}: case id {case_id!r} must be a string starting {split}-")
        case_id = f"{split}:?"
    extra = set(case) - CASE_KEYS
    if extra:
        problems.append(f"{case_id}: unknown keys {sorted(extra)}")
    missing = CASE_KEYS - {"keep"} - set(case)
    if missing:
        problems.append(f"{case_id}: missing keys {sorted(missing)}")
    text = case.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.append(f"{case_id}: text must be a non-empty string")
        return None
    if not isinstance(case.get("register"), str) or not case["register"]:
        problems.append(f"{case_id}: register must be a short non-empty label")
    known = case.get("known_names", [])
    if not isinstance(known, list) or not all(isinstance(n, str) and n for n in known):
        problems.append(f"{case_id}: known_names must be a list of names")
    spans = case.get("spans", [])
    if not isinstance(spans, list):
        problems.append(f"{case_id}: spans must be a list")
        return None
    taken: list[tuple[int, int, str]] = []
    for span in spans:
        placed = check_span(case_id, text, span, problems)
        if placed is None:
            continue
        begin, end = placed
        for other_begin, other_end, other in taken:
            if begin < other_end and other_begin < end:
                problems.append(f"{case_id}: span {span['text']!r} overlaps span {other!r}")
        taken.append((begin, end, span["text"]))
    keep = case.get("keep", [])
    if not isinstance(keep, list) or not all(isinstance(k, str) and k for k in keep):
        problems.append(f"{case_id}: keep must be a list of words")
        keep = []
    for word in keep:
        where = starts(text, word)
        if not where:
            problems.append(f"{case_id}: keep word {word!r} does not occur in the text")
        for begin in where:
            end = begin + len(word)
            if any(begin < t_end and t_begin < end for t_begin, t_end, _ in taken):
                problems.append(f"{case_id}: keep word {word!r} overlaps a span")
        if where and not any(on_word_edges(text, b, b + len(word)) for b in where):
            problems.append(f"{case_id}: keep word {word!r} only occurs inside other words")
    return case


def load(path: Path, problems: list[str]) -> list[Any]:
    """The cases of one file, or an empty list (with a problem noted) when it cannot be read."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        problems.append(f"{path.name}: cannot read it: {error}")
        return []
    if not isinstance(data, dict) or data.get("version") != 1 or set(data) != {"version", "cases"}:
        problems.append(f"{path.name}: must be a mapping with version: 1 and cases: [...]")
        return []
    cases = data["cases"]
    if not isinstance(cases, list):
        problems.append(f"{path.name}: cases must be a list")
        return []
    return cases


def summary(cases: list[dict[str, Any]]) -> dict[str, int]:
    """Counts for one split: cases, spans per kind, keep words, cases with no spans, names."""
    counts: Counter[str] = Counter()
    counts["cases"] = len(cases)
    for case in cases:
        spans = case.get("spans") or []
        for span in spans:
            if isinstance(span, dict):
                counts[str(span.get("kind"))] += 1
        counts["keep words"] += len(case.get("keep") or [])
        counts["no personal data"] += not spans
        known = case.get("known_names") or []
        counts["known_names given"] += bool(known)
        lowered = case["text"].casefold()
        counts["known name in text"] += any(n.casefold() in lowered for n in known)
    return dict(counts)


def main(folder: Path = HERE) -> int:
    problems: list[str] = []
    seen: set[str] = set()
    per_split: dict[str, dict[str, int]] = {}
    for split in SPLITS:
        good: list[dict[str, Any]] = []
        for raw in load(folder / f"{split}.yaml", problems):
            case = check_case(raw, split, problems)
            if case is None:
                continue
            if case["id"] in seen:
                problems.append(f"{case['id']}: id used twice")
            seen.add(case["id"])
            good.append(case)
        per_split[split] = summary(good)
    rows = ["cases", *KINDS, "keep words", "no personal data"]
    rows += ["known_names given", "known name in text"]
    print(f"{'':22}" + "".join(f"{s:>8}" for s in SPLITS))
    for row in rows:
        print(f"{row:22}" + "".join(f"{per_split[s].get(row, 0):>8}" for s in SPLITS))
    for problem in problems:
        print(f"PROBLEM {problem}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE))
