"""The one sentence splitter every reader uses (client messages, notes, passages, utterances).

:func:`split_sentences` cuts text after ``.``, ``!`` or ``?`` (and any closing quotes or
brackets) followed by white space, and at line breaks, keeping each sentence's words and end
punctuation as written. A full stop after a common abbreviation ("e.g.", "Mr.", "Dr.") never ends
a sentence. Options say what else counts as an end, for the kinds of text this project reads:

* chat and notes (the default): people type lower case after a full stop, so any letter may start
  the next sentence; every line is a sentence of its own;
* ``prose=True`` (documents, passages): a sentence starts with a capital, a digit, a quote, a
  bracket or "£", so "approx. the same" and "2.5 hours. then" stay whole;
* ``clauses=True`` (safeguarding): semicolons and a spaced dash between words also end one,
  so each clause of a run-on message is read on its own;
* ``lines=False``: a line break alone is not an end (a paragraph wrapped by an editor); the
  sentence keeps its words as written.
"""

from __future__ import annotations

import functools
import re

#: Abbreviations whose full stop does not end a sentence (case-insensitive).
ABBREVIATIONS = (
    "e.g",
    "i.e",
    "etc",
    "approx",
    "incl",
    "esp",
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "cf",
    "vs",
)

_END = r"(?:(?<=[.!?])|(?<=[.!?][\"'’”)\]]))"
_PROSE_START = r"(?=[A-Z0-9\"'‘“(£])"
_CLAUSE_ENDS = r"|(?<=\w)\s+-\s+(?=\w)|\s*;\s*"


@functools.lru_cache(maxsize=16)
def _splitter(*, prose: bool, clauses: bool, lines: bool) -> re.Pattern[str]:
    ends = _END + r"\s+" + (_PROSE_START if prose else "")
    if lines:
        ends += r"|\n+"
    if clauses:
        ends += _CLAUSE_ENDS
    return re.compile(ends)


_ABBREVIATION = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(a) for a in ABBREVIATIONS) + r")\.(?=\s)", re.IGNORECASE
)
_HELD = "\u2024"  # ONE DOT LEADER: stands in for an abbreviation's full stop while splitting


def split_sentences(
    text: str, *, prose: bool = False, clauses: bool = False, lines: bool = True
) -> list[str]:
    """The sentences of ``text``, stripped, non-empty, in order (see the module docstring)."""
    if not text:
        return []
    hold = "." in text and _HELD not in text
    held = _ABBREVIATION.sub(lambda m: m.group(1) + _HELD, text) if hold else text
    parts = _splitter(prose=prose, clauses=clauses, lines=lines).split(held)
    kept = [part.strip() for part in parts if part and part.strip()]
    return [part.replace(_HELD, ".") for part in kept] if hold else kept
