"""A LangChain retriever over a :class:`KnowledgeBase`, for use in people's own chains."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from guidance_assistant.retrieval.knowledge_base import KnowledgeBase


class KnowledgeBaseRetriever(BaseRetriever):
    """``retriever.invoke("question")`` returns LangChain documents whose metadata carries the
    citation (``citation`` as a rendered line, plus title, source, section, year)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    knowledge_base: KnowledgeBase
    k: int = 5
    filters: dict[str, Any] | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[LCDocument]:
        passages = self.knowledge_base.search(query, k=self.k, filters=self.filters)
        return [
            LCDocument(
                page_content=p.text,
                metadata={
                    **p.metadata,
                    "score": p.score,
                    "citation": p.citation.render(),
                    "publisher": p.citation.publisher,
                    "year": p.citation.year,
                    "url": p.citation.url,
                },
            )
            for p in passages
        ]
