"""Matching the engine's words against a case's labels: content words, phrases, declines."""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Iterable

from guidance_assistant.evals.interview.cases import DECLINE_KEY
from guidance_assistant.text.words import STOP_WORDS, stem

# ---------------------------------------------------------------------------- matching

_WORD = re.compile(r"[a-z0-9£]+")
_AGREE_WORDS = frozenset(
    {
        "yes", "yeah", "yep", "yup", "yea", "ye", "ya", "ok", "okay", "k", "kk", "sure",
        "fine", "alright", "aight", "deal", "definitely", "agreed", "agree",
    }
)  # fmt: skip
_AGREE_PHRASES = re.compile(
    r"\b(?:sounds? (?:good|great|fine|alright|ok|okay)|of course|that works|works for me|will do|"
    r"i will|i'?ll|ill|i can do|i could do|let'?s do|happy to|go on|why not|i'?m in|fair enough)\b"
)
_REFUSE = re.compile(
    r"^\W*(?:no|nah|nope|not really|i don'?t think so|rather not)\b|"
    r"\b(?:i won'?t|i'?m not (?:going|gonna) to|don'?t want to)\b"
)


def _tokens(text: str) -> list[str]:
    """Lower-case word tokens; apostrophes dropped (``don't`` → ``dont``)."""
    return _WORD.findall(text.lower().replace("'", "").replace("’", ""))


def content_words(text: str) -> list[str]:
    """The words that carry content: 3+ letters, not in
    :data:`~guidance_assistant.text.words.STOP_WORDS`, singular (in order, once each)."""
    found = [stem(w) for w in _tokens(text) if len(w) >= 3 and w not in STOP_WORDS]
    return list(dict.fromkeys(found))


def half_present(text: str, words: Iterable[str]) -> bool:
    """Whether at least half of ``words`` (content words) occur in ``text``; False for none."""
    wanted = list(words)
    if not wanted:
        return False
    have = {stem(w) for w in _tokens(text)}
    return sum(1 for w in wanted if w in have) * 2 >= len(wanted)


def _alternatives(phrase: str) -> list[str]:
    """``veterinary surgeon (vet)`` → ``veterinary surgeon`` and ``vet``."""
    inside = [p.strip() for p in re.findall(r"\(([^()]*)\)", phrase) if p.strip()]
    outside = " ".join(re.sub(r"\([^()]*\)", " ", phrase).split())
    return [p for p in [outside, *inside] if p]


def _number_forms(word: str) -> list[str]:
    lower = word.lower()
    forms = {lower, lower + "s", lower + "es"}
    if lower.endswith("y"):
        forms.add(lower[:-1] + "ies")
    if lower.endswith("ies"):
        forms.add(lower[:-3] + "y")
    if lower.endswith("es"):
        forms.add(lower[:-2])
    if lower.endswith("s") and not lower.endswith("ss") and len(lower) > 3:
        forms.add(lower[:-1])
    return sorted(forms, key=len, reverse=True)


def _token_pattern(token: str, *, keep_acronyms: bool) -> str:
    if token.isdigit() or not token.isalnum():
        return re.escape(token)
    if keep_acronyms and len(token) >= 2 and token.isupper():
        return f"(?-i:{re.escape(token)}s?)"  # "IT" is not "it"; "GCSEs" is GCSE
    if token.isalpha() and len(token) >= 3:
        return "(?:" + "|".join(re.escape(f) for f in _number_forms(token)) + ")"
    return re.escape(token)


@functools.lru_cache(maxsize=4096)
def phrase_pattern(phrase: str, *, keep_acronyms: bool = False) -> re.Pattern[str]:
    """``phrase`` as a whole run of words: case-insensitive, each word singular or plural,
    any spaces or punctuation between words, ``£`` and digits as written (a number is not
    matched inside a longer one: ``16`` is not in ``16,000``). A part in brackets is an
    alternative (``veterinary surgeon (vet)``). ``keep_acronyms``: a word in capitals
    (``IT``, ``GCSE``) keeps its case, so ``IT`` does not match the pronoun."""
    patterns = []
    for alternative in _alternatives(phrase):
        parts = re.findall(r"[A-Za-z0-9]+|[^\sA-Za-z0-9]|\s+", alternative)
        body = ""
        previous: str | None = None
        for part in parts:
            if part.isspace() or (not part.isalnum() and part not in "£$%+"):
                previous = " "
                continue
            if body:
                body += r"[^A-Za-z0-9£]+" if previous == " " else ""
            body += _token_pattern(part, keep_acronyms=keep_acronyms)
            previous = part
        if not body:
            continue
        tokens = [p for p in parts if p.isalnum() or p in "£$%+"]
        first, last = tokens[0], tokens[-1]
        before = r"(?<![A-Za-z0-9])" if first.isalnum() else ""
        if first.isdigit():
            before += r"(?<![£$])(?<!\d[.,])"
        after = r"(?![A-Za-z0-9])" if last.isalnum() else ""
        if last.isdigit():
            after += r"(?![.,]\d)"
        patterns.append(before + body + after)
    return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!x)x", re.IGNORECASE)


def mentions(text: str, phrase: str, *, keep_acronyms: bool = False) -> bool:
    """Whether ``phrase`` occurs in ``text`` as :func:`phrase_pattern` matches it."""
    return phrase_pattern(phrase, keep_acronyms=keep_acronyms).search(text) is not None


def _template_pattern(template: str) -> str:
    """A phrase template as a pattern: each ``{slot}`` any words, apostrophes either way."""
    pattern = ""
    for literal, field, _, _ in string.Formatter().parse(template):
        for piece in re.split(r"(\s+|['’])", literal):
            if not piece:
                continue
            if piece.isspace():
                pattern += r"\s+"
            elif piece in "'’":
                pattern += "['’]"
            else:
                pattern += re.escape(piece)
        if field is not None:
            pattern += r".+?"
    return pattern


@functools.lru_cache(maxsize=1)
def decline_patterns() -> tuple[re.Pattern[str], ...]:
    """The engine's own ways of saying it has no information on something: every phrasing of
    the ``information.*.none`` and ``information.not_found`` keys in ``prompts/offline``
    (standard, plain, and the standard ones as split for plain language), loaded from there."""
    from guidance_assistant.interview.phrases import load_phrasebook
    from guidance_assistant.text.clean import split_plain

    patterns: list[re.Pattern[str]] = []
    for key, phrasings in sorted(load_phrasebook().phrases.items()):
        if not DECLINE_KEY.match(key):
            continue
        texts = [*phrasings.standard, *phrasings.plain, *map(split_plain, phrasings.standard)]
        for text in dict.fromkeys(texts):
            patterns.append(re.compile(_template_pattern(text), re.IGNORECASE))
    return tuple(patterns)


def says_no_information(text: str) -> bool:
    """Whether ``text`` says, in the engine's words, that it has no information on that."""
    return any(p.search(text) for p in decline_patterns())
