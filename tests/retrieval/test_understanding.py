"""Reading questions as people type them: text-speak, abbreviations, chat words, job names.

Cases are written for these tests, not taken from the users' queries of evals/retrieval/users.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from guidance_assistant.retrieval.understanding import (
    QueryWordsError,
    content_text,
    expansions_of,
    linked_occupations,
    load_query_words,
    respell,
    route_of,
    understand,
)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("wen r u allowed 2 leave skool", "when are you allowed to leave school"),
        ("wat jobs can i get wiv ur help", "what jobs can i get wiv your help"),
        ("is codin hard", "is coding hard"),
        ("can i get a loan 4 an access course", "can i get a loan for an access course"),
        ("I need 4 GCSEs at grade 4", "I need 4 GCSEs at grade 4"),
        ("level 4 or 5 courses", "level 4 or 5 courses"),
        ("top 4", "top 4"),
        ("Ｗａｔ is a HND", "what is a HND"),
    ],
)
def test_text_speak_and_digits_are_written_out(typed: str, meant: str) -> None:
    assert respell(typed) == meant


def test_abbreviations_are_expanded_in_capitals_and_by_name() -> None:
    assert any("senior leadership team" in a for a in expansions_of("get the SLT on side"))
    assert not expansions_of("a slt in the wall")  # "SLT" only in capitals
    assert any("designated safeguarding lead" in a for a in expansions_of("tell the DSL"))
    assert any("education health and care plan" in a for a in expansions_of("has an ehc plan"))
    assert any("further education" in a for a in expansions_of("an FE course"))
    assert any("university" in a for a in expansions_of("which unis do nursing"))
    assert any("provider access" in a for a in expansions_of("the Baker Clause rules"))
    assert expansions_of("becoming a baker") == []


def test_chat_words_leave_the_bm25_query_only() -> None:
    understood = understand("i really want to know how much do dentists earn")
    assert "dentists" in understood.sparse and "salary" in understood.sparse
    assert not {"want", "really", "know", "much"} & set(understood.sparse.split())
    assert understood.expanded.startswith("i really want to know")
    assert content_text("dont want a degree") == "a degree"


def test_occupations_are_linked_through_the_title_index() -> None:
    assert linked_occupations("what does a florist earn") == ["florist"]
    assert linked_occupations("train to be a dental hygienist") == ["dental-hygienist"]
    assert linked_occupations("is carpentry hard") == ["carpenter"]  # the work, not the title
    assert linked_occupations("how many encounters under the baker clause") == []
    assert linked_occupations("what do careers leaders do") == []
    assert understand("wat does a chippy earn").occupations == ("carpenter",)


def test_the_dense_query_gets_only_what_capitals_stand_for() -> None:
    typed = understand("is EYTS the same as QTS")
    assert "early years teacher status" in typed.dense
    assert "qualified teacher status" in typed.dense
    plain = understand("do i need a degree for uni")  # "uni" is written out for BM25 only
    assert plain.dense == plain.respelled
    assert "university" in plain.sparse


def test_leadership_questions_are_routed_to_weigh_bm25_more() -> None:
    routed = understand("how do we get the governors to back the careers programme")
    assert routed.kind == "leadership" and routed.bm25_factor > 1
    plain = understand("how much do dental nurses earn")
    assert plain.kind is None and plain.bm25_factor == 1.0
    assert route_of("what is an apprenticeship") is None


def test_a_broken_query_words_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "query_words.yaml"
    bad.write_text("spellings: {u: you}\nexpansions: [{adds: nothing}]\n", encoding="utf-8")
    with pytest.raises(QueryWordsError, match="capitals or terms"):
        load_query_words(bad)
