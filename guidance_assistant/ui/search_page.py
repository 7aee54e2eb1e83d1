"""Knowledge search for the app: a question in, cited passages (or a plain message) out."""

from __future__ import annotations

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.retrieval.knowledge_base import KnowledgeBase
from guidance_assistant.ui.render import escape, passages_markdown

DOC_TYPES = ["framework", "lmi", "user"]


def search_to_markdown(
    kb: KnowledgeBase, question: str, k: int = 5, doc_types: list[str] | None = None
) -> str:
    """What the page shows for a question: cited passages, or a plain error message."""
    filters = {"doc_type": doc_types} if doc_types and set(doc_types) != set(DOC_TYPES) else None
    try:
        passages = kb.search(question, k=int(k), filters=filters)
    except GuidanceAssistantError as error:
        return f"**Cannot search:** {escape(str(error))}"
    return passages_markdown(question, passages)
