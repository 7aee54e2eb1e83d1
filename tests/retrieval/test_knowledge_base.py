"""Search over the framework notes and the shared source documents, as an adviser would."""

from __future__ import annotations

from typing import Any

import pytest

from guidance_assistant.errors import QueryError
from tests.conftest import needs_shared


def test_passages_carry_a_full_citation(small_kb: Any) -> None:
    passages = small_kb.search("What is personal guidance in the Gatsby Benchmarks?", k=5)
    assert len(passages) == 5
    assert passages == sorted(passages, key=lambda p: -p.score)
    for passage in passages:
        assert passage.citation.title and passage.citation.source
        assert passage.metadata["position"] >= 0
        assert passage.text
    assert any("gatsby" in p.citation.title.lower() for p in passages)


def test_filters_restrict_by_type_and_source(small_kb: Any) -> None:
    only_notes = small_kb.search(
        "careers leader", k=10, filters={"source": ["gatsby-benchmarks.md"]}
    )
    assert only_notes and {p.source for p in only_notes} == {"gatsby-benchmarks.md"}
    users = small_kb.search("careers leader", k=10, filters={"doc_type": "lmi"})
    assert users == []
    with pytest.raises(ValueError, match="Unknown filter"):
        small_kb.search("x", filters={"colour": "red"})


@needs_shared
def test_shared_documents_are_found_and_cited_by_title(small_kb: Any) -> None:
    passages = small_kb.search(
        "national professional qualification for careers coordinators",
        k=5,
        filters={"source": ["003_81605542c3013df9.txt", "001_275f2df5c7da8f57.txt"]},
    )
    assert passages
    assert all(not p.citation.title.startswith("00") for p in passages)


@pytest.mark.parametrize("bad", ["", "x" * 100_000, "\x00\x01\x02\x03"])
def test_bad_questions_raise_query_errors(small_kb: Any, bad: str) -> None:
    with pytest.raises(QueryError):
        small_kb.search(bad)


def test_every_mode_returns_cited_passages(small_kb: Any) -> None:
    for mode in ("bm25", "dense", "hybrid"):
        passages = small_kb.search("CDI framework learning areas", k=3, mode=mode)
        assert passages, mode
        assert all(p.citation.source for p in passages)


def test_langchain_retriever_returns_documents_with_citations(small_kb: Any) -> None:
    from langchain_core.retrievers import BaseRetriever

    from guidance_assistant import KnowledgeBaseRetriever

    retriever = KnowledgeBaseRetriever(knowledge_base=small_kb, k=3)
    assert isinstance(retriever, BaseRetriever)
    documents = retriever.invoke("What does a careers leader do?")
    assert len(documents) == 3
    for document in documents:
        assert document.page_content
        assert "[" in document.metadata["citation"] and document.metadata["source"]
