"""Numbers written as words ("twenty-five thousand", "a couple of"): the one home for number
words, used by the figure validator and by dates ("in three weeks")."""

from __future__ import annotations

import re

UNITS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
#: Loose counts in speech: "a couple of weeks" is two, "a few days" three.
COUNT_WORDS = {
    "a": 1, "an": 1, "one": 1, "couple of": 2, "a couple of": 2, "few": 3, "a few": 3,
    **UNITS,
}  # fmt: skip

#: A run of number words: "twenty-five", "a hundred and ten", "three thousand".
NUMBER_WORDS = re.compile(
    r"\b(?:(?:a|one|"
    + "|".join([*UNITS, *TENS])
    + r")(?:[\s-]+(?:and\s+)?(?:"
    + "|".join([*UNITS, *TENS, *SCALES, "one"])
    + r"))*|"
    + "|".join([*UNITS, *TENS])
    + r")\b",
    re.IGNORECASE,
)


def word_number(phrase: str) -> float | None:
    """The value of a run of number words (``"twenty-five thousand"`` is 25000.0); None for
    words that are not a number, and for "a" or "one" alone (too common to be a figure)."""
    parts = [p for p in re.split(r"[\s-]+", phrase.lower()) if p and p != "and"]
    if not parts or parts == ["a"] or parts == ["one"]:
        return None
    total, current, seen_scale = 0, 0, False
    for part in parts:
        if part in ("a", "one"):
            current += 1
        elif part in UNITS:
            current += UNITS[part]
        elif part in TENS:
            current += TENS[part]
        elif part in SCALES:
            seen_scale = True
            scale = SCALES[part]
            if scale == 100:
                current = max(current, 1) * 100
            else:
                total += max(current, 1) * scale
                current = 0
        else:
            return None
    value = total + current
    if not seen_scale and value < 2:
        return None
    return float(value)


def count_value(words: str) -> int | None:
    """A spoken count: digits, a number word or a loose count ("a couple of")."""
    words = " ".join(words.lower().split())
    if words.isdigit():
        return int(words)
    return COUNT_WORDS.get(words)
