"""Turning library results into safe Markdown for the app (HTML is shown as text)."""

from __future__ import annotations

import html

from guidance_assistant.retrieval.knowledge_base import Passage


def escape(text: str) -> str:
    """Escape HTML and Markdown-active characters so user or document text is shown as text."""
    escaped = html.escape(text, quote=True)
    for ch in ("\\", "`", "*", "_", "[", "]", "#", "|"):
        escaped = escaped.replace(ch, "\\" + ch)
    return escaped


def passages_markdown(question: str, passages: list[Passage]) -> str:
    if not passages:
        return f"No passages found for *{escape(question)}*."
    parts = [f"**{len(passages)} passages for:** {escape(question)}\n"]
    for rank, passage in enumerate(passages, start=1):
        parts.append(
            f"### {rank}. {escape(passage.citation.title)}\n"
            f"{escape(passage.text)}\n\n"
            f"> Source: {escape(passage.citation.render())} · "
            f"{escape(passage.doc_type)} · score {passage.score:.3f}\n"
        )
    return "\n".join(parts)
