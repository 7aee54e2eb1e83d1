"""The answers bank (knowledge/answers): the data validates, terms match as written, and a
question is answered by the right entry or by none. Questions written for these tests, not taken
from any first-contact round."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidance_assistant.retrieval.answers import (
    AnswerEntry,
    AnswersError,
    load_answers,
    match_answer,
    named_term,
)


def test_the_bundled_bank_validates_with_a_dated_source_for_every_answer() -> None:
    entries = load_answers()
    assert len(entries) >= 40
    assert len({e.id for e in entries}) == len(entries)
    for entry in entries:
        assert entry.source.year >= 2020, entry.id
        assert entry.citation.source == f"answers/{entry.id}"
        # An amount is never given without its year somewhere in the answer or the source.
        assert "£" not in entry.answer or entry.source.year >= 2025, entry.id


def test_a_broken_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("answers:\n  - id: Bad Id\n    asks: []\n", "utf-8")
    with pytest.raises(AnswersError, match=r"bad\.yaml"):
        load_answers(tmp_path)


def _entry(*terms: str) -> AnswerEntry:
    return AnswerEntry.model_validate(
        {
            "id": "x",
            "terms": list(terms),
            "asks": ["a question"],
            "answer": "An answer long enough to be one.",
            "source": {"title": "A source", "publisher": "Someone", "year": 2026},
        }
    )


def test_terms_all_parts_and_prefixes() -> None:
    entry = _entry("apprentic* + paid", "t level")
    assert named_term("do u get PAID on an apprentiship", entry) is None  # a typo is not a term
    assert named_term("do u get PAID on an apprenticeship", entry) == "apprentic* + paid"
    assert named_term("what's an apprenticeship", entry) is None  # both parts are needed
    assert named_term("is a T-Level hard", entry) == "t level"
    assert named_term("whats a tlevel", entry) == "t level"  # words run together still match
    assert named_term("the unpaid apprentice", entry) is None  # whole words only


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("sorry wat is RICS", "rics"),
        ("how do firm n insurance work if i miss my grades", "firm-and-insurance"),
        ("I'm 41, am I too old to start an apprenticeship?", "apprenticeship-age"),
        ("how many ucas points is AAB", "ucas-tariff"),
        ("what is a CSCS card and do i need one", "cscs-card"),
        ("Do I have to pay my university fees before I start?", "university-cost"),
        ("do you get paid on a traineeship?", "traineeship"),
        ("how much do you get paid on a foundation year", "foundation-year"),
        ("is art foundation free?", "art-foundation"),
        ("how much do vets earn", None),
        ("what's a degree apprenticeship", None),  # the knowledge base's passages answer it
        ("I like drawing and animals", None),
        ("", None),
    ],
)
def test_questions_find_their_answer_or_none(question: str, expected: str | None) -> None:
    match = match_answer(question)
    assert (match.entry.id if match else None) == expected, match
