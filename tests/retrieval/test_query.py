import pytest

from guidance_assistant.errors import QueryError
from guidance_assistant.retrieval.query import clean_query


@pytest.mark.parametrize("query", ["", "   ", "\u200b\u200b", "\t\n"])
def test_empty_query_is_refused_in_plain_words(query: str) -> None:
    with pytest.raises(QueryError, match="empty"):
        clean_query(query, 2000)


def test_huge_query_is_refused_with_its_length_and_the_limit() -> None:
    with pytest.raises(QueryError, match=r"100,000 characters long; the limit is 2,000"):
        clean_query("pay " * 25_000, 2000)


@pytest.mark.parametrize("junk", ["\x89PNG\r\n\x1a\n\x00\x00 %$#@!", "\x00\x01\x02", "%$#@!"])
def test_binary_junk_is_refused(junk: str) -> None:
    with pytest.raises(QueryError, match="no readable words"):
        clean_query(junk, 2000)


def test_control_characters_and_spacing_are_cleaned() -> None:
    assert clean_query("  nurse\x00 pay\t\n levels ", 2000) == "nurse pay levels"


def test_non_text_is_refused() -> None:
    with pytest.raises(QueryError):
        clean_query(b"bytes", 2000)
