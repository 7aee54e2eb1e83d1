"""The one negation scope every reader uses: does a denial just before a phrase deny it?

Readers match a phrase (a safeguarding pattern, a cue for an interest, a need in the notes) and
then ask :func:`negated_before` about the words in front of it, in the same clause. A negation
word among the last few words denies the phrase ("not good at maths", "no EHCP", "nobody hits
me"); words like "really" or "ever" may sit between ("never really liked", "not been hurt").
:func:`hedged` finds words near a match that make a denial partial ("nobody hits me any more"),
which a careful reader treats as not denied at all.

Text is expected lower-cased with apostrophes dropped ("dont", "isnt"), as
:func:`guidance_assistant.text.clean.normalise_for_matching` gives it; curly or straight
apostrophes are tolerated.
"""

from __future__ import annotations

import re
from typing import Literal

#: Words that deny the clause after them ("never hits me", "dont like maths"). The default.
CLAUSE_NEGATORS = frozenset(
    [
        "not",
        "never",
        "nobody",
        "nobodys",  # "nobody's locked me in", its apostrophe gone
        "noone",
        "noones",
        "none",
        "nothing",
        "nor",
        "neither",
        "hardly",
        "dont",
        "doesnt",
        "didnt",
        "isnt",
        "wasnt",
        "arent",
        "werent",
        "havent",
        "hasnt",
        "hadnt",
        "wont",
        "wouldnt",
        "cant",
        "cannot",
        "couldnt",
        "shouldnt",
        "aint",
    ]
)
#: ...and words that deny a thing rather than an event ("no car", "without a plan"): for readers
#: of wants and circumstances, not of events (a safeguarding reader keeps "no food" a concern).
NEGATORS = CLAUSE_NEGATORS | {"no", "without"}
#: The adviser's notes' register: short clinical denials ("no EHCP", "denies self-harm").
NOTE_NEGATORS = frozenset(
    [
        "no",
        "not",
        "never",
        "without",
        "isnt",
        "doesnt",
        "dont",
        "wasnt",
        "arent",
        "nor",
        "denies",
        "neither",
        "hasnt",
        "havent",
    ]
)
#: The plainest of them: for a barrier, only a plain denial counts ("no", "not", "never").
STRONG_NEGATORS = frozenset(("no", "not", "without", "never", "nor"))
#: Words that may sit between a negation and what it denies ("never been", "not really").
BRIDGES = frozenset(
    [
        "been",
        "be",
        "being",
        "get",
        "got",
        "ever",
        "really",
        "even",
        "actually",
        "am",
        "was",
        "is",
        "are",
        "were",
        "do",
        "did",
        "have",
        "has",
        "had",
        "feel",
        "felt",
        "once",
    ]
)
#: Clause boundaries: a negation never reaches across them.
_CLAUSE_BREAK = re.compile(r"[.!?;:,()\"\n]|\b(?:but|and|because|cos|coz|so|then|though|tho)\b")
#: Words near a denied match that make the denial partial ("nobody hits me anymore").
_HEDGES = re.compile(
    r"\b(?:anymore|any more|no more|until|till|used to|yet|except|apart from|unless|only when"
    r"|sometimes|lately|recently|again|still)\b"
)
_APOSTROPHES = str.maketrans("", "", "'’")

Between = Literal["bridge", "any", "none"]


def clause_before(text: str, start: int, reach: int = 60) -> str:
    """The words of ``text`` before ``start`` (at most ``reach`` characters) back to the last
    clause boundary."""
    before = text[max(0, start - reach) : start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    return before[breaks[-1].end() :] if breaks else before


def negated_before(
    before: str,
    *,
    words: int = 2,
    between: Between = "bridge",
    negators: frozenset[str] = CLAUSE_NEGATORS,
) -> bool:
    """Whether the last ``words`` words of ``before`` deny what follows.

    ``between``: "bridge" — the negation is the last word, or the one before it with a
    :data:`BRIDGES` word after it ("not really"); "any" — the negation is the last word or the
    one before it, whatever follows ("dont like", "not a"); "none" — a negation anywhere among the
    last ``words`` words ("no statement of needs": a list of notes). "no one" counts as one.
    """
    tail = before.translate(_APOSTROPHES).lower().split()[-words:]
    if not tail:
        return False
    if tail[-2:] in (["no", "one"], ["no", "ones"]):
        return True
    if between == "none":
        return any(word in negators for word in tail)
    if tail[-1] in negators:
        return True
    if len(tail) < 2 or tail[-2] not in negators:
        return False
    return between == "any" or tail[-1] in BRIDGES


def hedged(text: str, start: int, end: int, reach: int = 120) -> bool:
    """Whether words near ``text[start:end]`` make a denial of it partial."""
    return _HEDGES.search(text, max(0, start - reach), min(len(text), end + reach)) is not None


#: A denied list: "not doing police, plumbing or hair", "no nursing, no care work", "I don't
#: want vet or nursing": a negation, at most three words, then items (one to three words each)
#: joined by commas, "or", "nor" or "and", up to the item asked about. "not sure, plumbing
#: maybe" and "don't know, nursing?" are not denials of what follows.
_LIST_NEGATION = re.compile(
    r"\b(?:not|never|no|dont|didnt|wont|neither|nor|without)\s+"
    r"(?!sure\b|know\b|mind\b|care\b|bothered\b|bad\b|yet\b|really\s+sure\b)"
    r"(?:[a-z]+\s+){0,3}?[a-z][\w-]*(?:\s+[a-z][\w-]*){0,2}"
    r"(?:\s*(?:,|\bor\b|\bnor\b|\band\b)\s*(?:no\s+)?[a-z][\w-]*(?:\s+[a-z][\w-]*){0,2})*"
    r"\s*(?:,|\bor\b|\bnor\b|\band\b)\s*(?:no\s+|not\s+)?$"
)


def negated_in_list(text: str, start: int, reach: int = 90) -> bool:
    """Whether the phrase at ``text[start:]`` is a later item of a denied list ("not doing
    police, plumbing or hair": plumbing and hair are denied too)."""
    before = text[max(0, start - reach) : start].translate(_APOSTROPHES).lower()
    sentence = re.split(r"[.!?;:\n]", before)[-1]
    return _LIST_NEGATION.search(sentence) is not None
