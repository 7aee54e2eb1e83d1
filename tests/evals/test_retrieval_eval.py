"""The retrieval eval on the full bundled knowledge: measured, and hybrid must win."""

from __future__ import annotations

from typing import Any

import pytest

from guidance_assistant.evals.retrieval import (
    SuiteError,
    evaluate_retrieval,
    load_retrieval_suites,
)
from tests.conftest import needs_shared


def test_suites_have_enough_valid_questions() -> None:
    suites = load_retrieval_suites()
    questions = [q for s in suites for q in s.questions]
    assert len(questions) >= 40
    assert {s.name for s in suites} >= {"frameworks", "lmi", "shared_sources"}


def test_a_malformed_suite_is_a_clear_error(tmp_path: Any) -> None:
    (tmp_path / "bad.yaml").write_text("suite: retrieval\nname: x\nquestions:\n  - id: 1\n")
    with pytest.raises(SuiteError, match=r"bad\.yaml"):
        load_retrieval_suites(tmp_path)


@pytest.mark.slow
@needs_shared
def test_every_labelled_source_and_phrase_exists(bundled_kb: Any) -> None:
    """A question whose answer is not in the index could never be answered: catch typos."""
    rows = bundled_kb._data.rows
    for question in (q for s in load_retrieval_suites() for q in s.questions):
        texts = [r.chunk.text for r in rows if r.source in question.sources]
        assert texts, f"{question.id}: no document {question.sources}"
        phrase = " ".join(question.phrase.lower().split())
        assert any(phrase in " ".join(t.lower().split()) for t in texts), question.id


@pytest.mark.slow
@needs_shared
def test_hybrid_beats_bm25_and_dense_on_recall_at_5(bundled_kb: Any) -> None:
    report = evaluate_retrieval(bundled_kb, load_retrieval_suites())
    print("\n" + report.render())
    modes = report.by_mode()
    assert modes["hybrid"].recall_at_5 > modes["bm25"].recall_at_5
    assert modes["hybrid"].recall_at_5 > modes["dense"].recall_at_5
    assert modes["hybrid"].recall_at_5 >= 0.8


@pytest.mark.slow
@needs_shared
def test_pay_question_finds_the_record_with_its_source(bundled_kb: Any) -> None:
    from guidance_assistant import lmi

    record = lmi.get("paramedic")
    passages = bundled_kb.search("What does a paramedic earn?", k=5, filters={"doc_type": "lmi"})
    pay = [p for p in passages if p.source == "lmi/paramedic" and "£" in p.text]
    assert pay, [p.citation.render() for p in passages]
    assert record.salary.starter is not None
    assert f"£{record.salary.starter.value:,.0f}" in pay[0].text
    assert "2020" in pay[0].text and "National Careers Service" in pay[0].text
