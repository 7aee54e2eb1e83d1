"""Words every reader shares: the one list of stop words (function words and fillers that carry
no content in a client's message) and the one stemmer (Snowball English through PyStemmer)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

_STOP_WORDS_TEXT = (
    "a an the and or but so to of in on at for with by from as is are was were be been am i im "
    "me my you your it its this that these those there here do does did dont not no yes yeah ok "
    "okay just really very quite maybe um er like well then than too also about what how when "
    "who which would could should will can cant wont i'd id ill ive we our they them he she his "
    "her"
)
#: Function words and fillers: never a job, a topic or a content word on their own.
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


@functools.lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def stem(word: str) -> str:
    """The Snowball (Porter 2) English stem of one lower-case word (PyStemmer)."""
    return str(_stemmer().stemWord(word))


def stem_words(words: Iterable[str]) -> list[str]:
    """The Snowball stems of ``words``, in order."""
    return [str(s) for s in _stemmer().stemWords(list(words))]


_SHIP = re.compile(r"ships?$")
#: Endings that name a person or an adjective of the same field ("teacher" / "teaching",
#: "electrician" / "electricity", "apprentic(e)" / "apprenticeship"); "-er" only after a
#: consonant, so "career" stays apart from "care".
_FIELD_ENDING = re.compile(r"(ician|ist|ian|iti|(?<=[^aeiou])er|or|ic|al|y|i)$")


@functools.lru_cache(maxsize=65536)
def match_key(word: str) -> str:
    """The key two words are matched by when a question is set against a passage: the Snowball
    stem, less "-ship" and the endings above, cut to six letters. "nurse"/"nursing",
    "teacher"/"teaching" and "apprentice"/"apprenticeships" meet; "traineeship" and
    "training", "foundation" and "found", "physio" and "physics", "nursery" and "nurse" stay
    apart (a five-letter prefix joined them and split the first pairs)."""
    word = word.lower()
    if len(word) > 8:
        word = _SHIP.sub("", word)
    if len(word) >= 5 and word.endswith("in"):
        word += "g"  # "plumbin", "fixin": the dropped g of text-speak (both sides alike)
    key = stem(word)
    if len(key) > 5:
        key = _FIELD_ENDING.sub("", key)
    return key[:6]
