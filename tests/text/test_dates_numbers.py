"""The one home for dates and number words: calendar arithmetic through ``dateparser`` with the
session's date as base, UK conventions kept, and number words shared with the figure validator."""

from __future__ import annotations

from datetime import date

import pytest

from guidance_assistant.text.dates import find_dates
from guidance_assistant.text.numbers import count_value, word_number

SUNDAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("by 12/03", date(2027, 3, 12)),  # day before month; past this year means next year
        ("on 3rd of March 2027", date(2027, 3, 3)),
        ("by 3rd sept", date(2027, 9, 3)),
        ("12/03/26", date(2026, 3, 12)),  # two-digit years are this century, not 2126
        ("in a couple of weeks", date(2026, 12, 20)),
        ("in three months", date(2027, 3, 6)),
        ("in 10 days", date(2026, 12, 16)),
        ("on 29 feb", date(2028, 2, 29)),  # the next 29 February there is
        ("this weekend", date(2026, 12, 12)),
        ("to start next September", date(2027, 9, 15)),
        ("I'll do it in the holidays", date(2026, 12, 28)),  # the next holiday: Christmas
        ("shadow her in February half term", date(2027, 2, 15)),  # that half term, not the 15th
    ],
)
def test_dates_are_resolved_against_the_session_date(text: str, expected: date) -> None:
    found = find_dates(text, SUNDAY)
    assert [m.when for m in found] == [expected]


@pytest.mark.parametrize("text", ["by 31/02", "2027-13-01", "on 45/12", "see you soon"])
def test_impossible_or_absent_dates_give_nothing(text: str) -> None:
    assert find_dates(text, SUNDAY) == []


def test_number_words() -> None:
    assert word_number("twenty-five thousand") == 25_000.0
    assert word_number("a hundred and ten") == 110.0
    assert word_number("one") is None and word_number("banana") is None
    assert count_value("a couple of") == 2 and count_value("12") == 12
    assert count_value("several") is None
