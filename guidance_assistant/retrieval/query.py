"""Checking a search question before it reaches an index."""

from __future__ import annotations

import re
import unicodedata

from guidance_assistant.errors import QueryError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_SPACE = re.compile(r"\s+")


def clean_query(query: object, max_chars: int) -> str:
    """Return the question as searchable text, or raise :class:`QueryError` saying why not."""
    if not isinstance(query, str):
        raise QueryError("The question must be text.")
    if len(query) > max_chars:
        raise QueryError(
            f"The question is {len(query):,} characters long; the limit is {max_chars:,}. "
            "Shorten it to the words that matter (or raise GA_MAX_QUERY_CHARS)."
        )
    unprintable = sum(not (ch.isprintable() or ch.isspace()) for ch in query)
    if unprintable > max(2, len(query) // 10):
        raise QueryError(
            "The question looks like binary data, not text: it has no readable words. "
            "Type it as plain text."
        )
    text = unicodedata.normalize("NFKC", query)
    text = _SPACE.sub(" ", _CONTROL.sub(" ", text)).strip()
    if not text:
        raise QueryError("The question is empty: type a few words about what you want to find.")
    if not any(ch.isalnum() for ch in text):
        raise QueryError(
            "The question has no readable words (only symbols or binary data). "
            "Type it as plain text."
        )
    return text
