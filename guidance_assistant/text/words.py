"""Words every reader shares: the one list of stop words (function words and fillers that carry
no content in a client's message) and the one stemmer (Snowball English through PyStemmer)."""

from __future__ import annotations

import functools
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
