"""Dates in a client's words ("by Friday", "next week", "12 March", "12/03") as calendar dates.

Pure: every function takes the session's ``today``. Patterns find where a date is said; the
calendar arithmetic of written dates and counted spans ("12/03", "3rd of March 2027", "in three
weeks") is ``dateparser``'s, with day before month and the future preferred. The conventions
``dateparser`` does not know stay here: "this weekend" is the coming Saturday, "end of the week"
and "this week" are Friday, "next Friday" is the Friday of next week, "end of the month" its
last day, "a fortnight" fourteen days. A month on its own is its next occurrence ("in March":
the 15th; "by March": the 1st; "end of March", "early March"...), and the school year's
holidays are dated by :data:`SCHOOL_HOLIDAYS` (an approximation of the English school calendar:
"before Christmas" and "when we break up" are the last school day before the break, "after half
term" the first day back; "on the 14th", "14/1", "nxt tues", "a week on Friday" are read too). Text-speak for the common ones ("tomoz", "this wkend") is read too.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

from guidance_assistant.text.numbers import count_value

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTH_ALT = "|".join(f"{m[:3]}(?:{m[3:]})?" for m in MONTHS).replace(
    "sep(?:tember)?", "sep(?:t|tember)?"
)
_WEEKDAY_SHORT = r"mon|tues?|weds?|thurs?|thu|fri|sat|sun"
_WEEKDAY_ALT = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|" + _WEEKDAY_SHORT
_COUNT = r"(?P<count>\d{1,2}|a couple of|couple of|a few|few|an|a|one|two|three|four|five|six)"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        # "in February half term", "October half term": that half term, not the month's 15th
        "month_half_term",
        re.compile(
            r"\b(?:(?:in|by|before|after|over|during|at|for)\s+)?(?:the\s+)?"
            r"(?P<month>feb(?:ruary)?|oct(?:ober)?|may)\s+half[ -]?term\b"
        ),
    ),
    ("iso", re.compile(r"\b(?P<y>20\d\d)-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b")),
    ("numeric", re.compile(r"\b(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{2}|\d{4})\b")),
    (
        "numeric",
        re.compile(
            r"\b(?:by|on|before|until|till|is|for|from|at|of)\s+(?:the\s+)?"
            r"(?P<d>\d{1,2})/(?P<m>\d{1,2})\b(?!/)"
        ),
    ),
    ("numeric", re.compile(r"^\s*(?P<d>\d{1,2})/(?P<m>\d{1,2})\b(?!/)")),
    (
        "day_month",
        re.compile(
            rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+(?P<month>{_MONTH_ALT})\b"
            r"(?:\s+(?P<y>20\d\d))?"
        ),
    ),
    (
        "month_day",
        re.compile(
            rf"\b(?P<month>{_MONTH_ALT})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>20\d\d))?"
        ),
    ),
    (
        "month",
        re.compile(
            r"\b(?P<lead>in|by|before|until|till|during|from|over|for|next|this|"
            r"(?:at\s+)?(?:the\s+)?(?:end|start|beginning|middle)\s+of|early|mid|late)"
            rf"\s+(?P<month>{_MONTH_ALT})\b"
        ),
    ),
    (
        "break_up",
        re.compile(
            r"\b(?:when|before) (?:we|school|u|you) (?:break|breaks|broke) up"
            r"(?: for (?P<holiday>christmas|xmas|half[ -]?term|easter|summer))?\b"
        ),
    ),
    (
        "holiday",
        re.compile(
            r"\b(?P<lead>before|by|after|over|at|during|in|for|until|till|after the|before the)"
            r"\s+(?:the\s+)?(?P<holiday>christmas|xmas|new year|half[ -]?term|easter|summer)"
            r"(?:\s+(?:holidays?|hols|break))?\b"
        ),
    ),
    (
        # "in the holidays", "over the hols": the next school holiday, whichever it is
        "holidays",
        re.compile(
            r"\b(?P<lead>in|over|during|at|after|before|by|for)\s+the\s+(?:school\s+)?"
            r"(?:holidays|hols)\b"
        ),
    ),
    (
        "today",
        re.compile(r"\b(?:today|tonight|tonite|2nite|2night|this evening|after school today)\b"),
    ),
    (
        "tomorrow",
        re.compile(r"\b(?:tomorrow|tomorow|tomoz|tmrw|tmr|tmoz|2moro|2morrow|2moz|2mrw|tomo)\b"),
    ),
    ("halloween", re.compile(r"\b(?:by|on|before|at|for|till|until)\s+halloween\b")),
    ("week_after_next", re.compile(r"\b(?:the )?week after (?:next|nxt)\b")),
    ("week_on", re.compile(rf"\ba week (?:on|from) (?P<wd>{_WEEKDAY_ALT})\b")),
    (
        "day_of_month",
        re.compile(
            r"(?:\b(?:on|by|before|until|till|for|from)\s+the\s+|^\s*the\s+|\bthe\s+(?=\d{1,2}(?:st|nd|rd|th)\b\s+i))"
            r"(?P<d>\d{1,2})(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?(?:" + _MONTH_ALT + r")\b)"
        ),
    ),
    ("weekend", re.compile(r"\b(?:this|the|at the|over the)\s+(?:weekend|wkend|wknd)\b")),
    # a terse answer to "by when?": "look for firms. weekend", "weekend"
    (
        "weekend",
        re.compile(r"(?:^|(?<=[.,;!-]\s)|(?<=[.,;!-]))(?:weekend|wkend|wknd)(?=\s*[.!]?\s*$)"),
    ),
    ("next_weekend", re.compile(r"\b(?:next|nxt)\s+(?:weekend|wkend|wknd)\b")),
    ("end_of_week", re.compile(r"\b(?:end of (?:the|this) week|this week)\b")),
    ("fortnight", re.compile(r"\b(?:(?:in\s+)?a\s+fortnight|fortnight'?s time|next fortnight)\b")),
    ("end_of_month", re.compile(r"\b(?:end of (?:the|this) month)\b")),
    ("end_of_next_month", re.compile(r"\bend of next month\b")),
    ("next_week", re.compile(r"\b(?:next|nxt) (?:week|wk)\b")),
    ("next_month", re.compile(r"\b(?:next|nxt) (?:month|mnth)\b")),
    (
        "in_count",
        re.compile(
            rf"\b(?:in|within)\s+(?:the\s+next\s+)?{_COUNT}\s+(?P<unit>days?|weeks?|months?)\b"
        ),
    ),
    ("in_count_time", re.compile(rf"\b{_COUNT}\s+(?P<unit>days?|weeks?|months?)(?:'s)?\s+time\b")),
    ("next_weekday", re.compile(rf"\b(?:next|nxt)\s+(?P<wd>{_WEEKDAY_ALT})\b")),
    (
        "weekday",
        re.compile(
            r"\b(?:by|on|this|before|until|till|for)?\s*"
            r"(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
        ),
    ),
    # short forms only where they cannot be another word: after "on", "by"... or opening the
    # message before "I" ("thurs i'll see her"; not "I sat my mocks")
    (
        "weekday",
        re.compile(
            rf"(?:\b(?:on|by|this|before|until|till|at)\s+|^\s*)(?P<wd>{_WEEKDAY_SHORT})\b"
            r"(?=\s*(?:[,.!?]|$|\s+i\b|\s+ill\b|\s+i'll\b|\s+morning|\s+night|\s+after))"
        ),
    ),
]


#: Where the English school year's holidays fall, as (month, day) anchors: each phrase's date
#: is the next anchor on or after the session date, moved by the words before it
#: (:data:`_HOLIDAY_LEAD`). An approximation (term dates differ between areas and years); an
#: adviser reads the date back to the client, who can correct it.
SCHOOL_HOLIDAYS: dict[str, tuple[tuple[int, int], ...]] = {
    "christmas": ((12, 19),),
    "new year": ((1, 2),),
    "half term": ((10, 26), (2, 15), (5, 25)),
    "easter": ((3, 29),),
    "summer": ((7, 22),),
}
#: Days added to a holiday's anchor for the words before it ("over Christmas" is near its end);
#: "before" and "by" a holiday are the last school day before it, "after" the first day back.
_HOLIDAY_LEAD = {
    "at": 5,
    "over": 9,
    "during": 9,
    "in": 9,
    "for": 5,
    "after": 14,
    "after the": 14,
}
_HOLIDAY_LENGTH = {"summer": 40, "christmas": 14, "easter": 14, "half term": 7, "new year": 7}


class DateMention(BaseModel):
    """A date found in a message, with the words that gave it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    when: date
    phrase: str


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    last = _last_day(year, month)
    return date(year, month, min(day.day, last))


def _last_day(year: int, month: int) -> int:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def _next_weekday(today: date, weekday: int, *, strictly_next_week: bool = False) -> date:
    ahead = (weekday - today.weekday()) % 7
    if ahead == 0:
        ahead = 7
    result = today + timedelta(days=ahead)
    if strictly_next_week and ahead < 7 and result.isocalendar()[1] == today.isocalendar()[1]:
        result += timedelta(days=7)
    return result


def _parse(words: str, today: date, *, calendar: bool) -> date | None:
    """``words`` as a date through ``dateparser``, relative to ``today``: day before month, the
    future preferred (a day and month already past this year is next year's); for a
    ``calendar`` date a day and a month are both required."""
    settings: dict[str, Any] = {
        "DATE_ORDER": "DMY",
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": datetime(today.year, today.month, today.day),
        "RETURN_TIME_AS_PERIOD": False,
    }
    if calendar:
        settings["REQUIRE_PARTS"] = ["day", "month"]
    import dateparser

    found = dateparser.parse(words, languages=["en"], settings=settings)
    return found.date() if found is not None else None


def _year_for(day: int, month: int, year: str | None, today: date) -> date | None:
    """A day and month (and perhaps a year, two or four digits) as a date."""
    if year and len(year) == 2:
        year = str(2000 + int(year))  # dateparser reads "26" as 2126 when the future is preferred
    if not 1 <= month <= 12:
        return None
    words = f"{day} {MONTHS[month - 1]} {year}" if year else f"{day} {MONTHS[month - 1]}"
    return _parse(words, today, calendar=True)


def _month_number(name: str) -> int:
    name = name.lower()[:3]
    return next(index for index, month in enumerate(MONTHS, start=1) if month.startswith(name))


def _next_on_or_after(today: date, month: int, day: int) -> date:
    this_year = date(today.year, month, min(day, _last_day(today.year, month)))
    if this_year >= today:
        return this_year
    return date(today.year + 1, month, min(day, _last_day(today.year + 1, month)))


def _month_date(lead: str, month: int, today: date) -> date:
    """ "in March" (the 15th), "by March" (the 1st), "end of March" (its last day)... of the
    month's next occurrence; the month we are in counts when the day is still ahead."""
    lead = " ".join(lead.split())
    if lead.endswith("end of") or lead == "late":
        day = 31
    elif lead.endswith(("start of", "beginning of")) or lead == "early":
        day = 7
    elif lead in ("by", "before", "until", "till"):
        day = 1
    else:
        day = 15
    if month == today.month and date(today.year, month, min(day, 28)) <= today:
        return date(today.year, month, _last_day(today.year, month))  # "by December" in December
    found = _next_on_or_after(today, month, day)
    if day == 1 and found - today < timedelta(days=3):
        # "by December" said on 30 November means the end of December, not tomorrow
        return date(found.year, found.month, _last_day(found.year, found.month))
    return found


def _holiday_date(lead: str, holiday: str, today: date) -> date:
    name = _holiday_name(holiday)
    length = _HOLIDAY_LENGTH[name]
    lead = " ".join(lead.split())
    if lead in ("before", "before the", "by", "until", "till"):
        return _break_up(name, today)  # the last school day before it
    shift = _HOLIDAY_LEAD.get(lead, 0)
    # The holiday we are in (or just before) still counts for "over" and "after" it.
    earliest = today - timedelta(days=length if shift > 0 else 0)
    anchor = min(_next_on_or_after(earliest, m, d) for m, d in SCHOOL_HOLIDAYS[name])
    if shift > 0 and anchor < today:
        shift = max(shift, (today - anchor).days + 1)
    if lead.startswith("after"):  # the first school day back
        back = anchor + timedelta(days=length)
        while back.weekday() > 4:
            back += timedelta(days=1)
        return max(back, today + timedelta(days=1))
    return max(anchor + timedelta(days=shift), today + timedelta(days=1))


def _weekday_index(name: str) -> int:
    return next(i for i, day in enumerate(WEEKDAYS) if day.startswith(name[:3]))


def _day_of_month(day: int, today: date) -> date | None:
    """ "on the 14th": this month's 14th when still ahead (today counts), else next month's."""
    if not 1 <= day <= 31:
        return None
    month = date(today.year, today.month, 1)
    for _ in range(3):
        if day <= _last_day(month.year, month.month):
            found = date(month.year, month.month, day)
            if found >= today:
                return found
        month = _add_months(month, 1)
    return None  # pragma: no cover - a day up to 31 falls within three months


def _break_up(holiday: str | None, today: date) -> date:
    """ "when we break up (for Easter)": the last school day before the holiday (the next one
    when none is named), a Friday by the :data:`SCHOOL_HOLIDAYS` anchors."""
    named = _holiday_name(holiday) if holiday else None
    names = ["christmas" if named == "new year" else named] if named else list(SCHOOL_HOLIDAYS)
    starts = [
        _next_on_or_after(today + timedelta(days=1), m, d)
        for name in names
        if name != "new year"
        for m, d in SCHOOL_HOLIDAYS[name]
    ]
    start = min(starts)
    last = start - timedelta(days=1)
    while last.weekday() > 4:  # the Friday before a break that starts at a weekend
        last -= timedelta(days=1)
    return max(last, today)


def _next_holiday(today: date) -> str:
    """The school holiday that starts next (or is on now), by :data:`SCHOOL_HOLIDAYS`."""
    return min(
        (
            _next_on_or_after(today - timedelta(days=_HOLIDAY_LENGTH[name]), m, d),
            name,
        )
        for name in SCHOOL_HOLIDAYS
        if name != "new year"
        for m, d in SCHOOL_HOLIDAYS[name]
    )[1]


def _holiday_name(holiday: str) -> str:
    name = "christmas" if holiday == "xmas" else re.sub(r"[ -]+", " ", holiday)
    return "half term" if name == "halfterm" else name


def _resolve(kind: str, match: re.Match[str], today: date) -> date | None:
    groups = match.groupdict()
    if kind == "month":
        return _month_date(groups["lead"], _month_number(groups["month"]), today)
    if kind == "holiday":
        return _holiday_date(groups["lead"], groups["holiday"], today)
    if kind == "month_half_term":
        month = _month_number(groups["month"])
        anchors = [(m, d) for m, d in SCHOOL_HOLIDAYS["half term"] if m == month]
        return _next_on_or_after(today, *anchors[0]) if anchors else None
    if kind == "holidays":
        return _holiday_date(groups["lead"], _next_holiday(today), today)
    if kind == "fortnight":
        return today + timedelta(days=14)
    if kind in ("iso", "numeric"):
        return _year_for(int(groups["d"]), int(groups["m"]), groups.get("y"), today)
    if kind in ("day_month", "month_day"):
        return _year_for(int(groups["d"]), _month_number(groups["month"]), groups.get("y"), today)
    if kind == "today":
        return today
    if kind == "tomorrow":
        return today + timedelta(days=1)
    if kind == "weekend":
        return _next_weekday(today, 5) if today.weekday() != 5 else today
    if kind == "next_weekend":
        return _next_weekday(today, 5, strictly_next_week=True)
    if kind == "end_of_week":
        return today + timedelta(days=(4 - today.weekday()) % 7)
    if kind == "end_of_month":
        return date(today.year, today.month, _last_day(today.year, today.month))
    if kind == "end_of_next_month":
        following = _add_months(date(today.year, today.month, 1), 1)
        return date(following.year, following.month, _last_day(following.year, following.month))
    if kind == "next_week":
        return today + timedelta(days=7)
    if kind == "next_month":
        return _add_months(today, 1)
    if kind in ("in_count", "in_count_time"):
        count = count_value(groups["count"])
        if count is None:  # pragma: no cover - the pattern only admits known counts
            return None
        return _parse(f"in {count} {groups['unit'].rstrip('s')}s", today, calendar=False)
    if kind == "next_weekday":
        return _next_weekday(today, _weekday_index(groups["wd"]), strictly_next_week=True)
    if kind == "weekday":
        return _next_weekday(today, _weekday_index(groups["wd"]))
    if kind == "week_on":
        return _next_weekday(today, _weekday_index(groups["wd"])) + timedelta(days=7)
    if kind == "week_after_next":
        return today + timedelta(days=14)
    if kind == "halloween":
        return _next_on_or_after(today, 10, 31)
    if kind == "day_of_month":
        return _day_of_month(int(groups["d"]), today)
    if kind == "break_up":
        return _break_up(groups.get("holiday"), today)
    return None  # pragma: no cover - every kind is handled above


def find_dates(text: str, today: date) -> list[DateMention]:
    """Every date in ``text`` (first match wins where patterns overlap), in text order."""
    lowered = text.lower()
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, DateMention]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(lowered):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            resolved = _resolve(kind, match, today)
            if resolved is None:
                continue
            taken.append((start, end))
            found.append((start, DateMention(when=resolved, phrase=text[start:end].strip())))
    return [mention for _, mention in sorted(found, key=lambda item: item[0])]


def format_date(day: date) -> str:
    """``Friday 13 March 2026``."""
    return f"{WEEKDAYS[day.weekday()].capitalize()} {day.day} {MONTHS[day.month - 1].capitalize()} {day.year}"
