"""The knowledge search page: ask a question, read cited passages."""

from __future__ import annotations

from typing import Any

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


def build_search_app(kb: KnowledgeBase) -> Any:
    import gradio as gr

    with gr.Blocks(title="Guidance assistant — knowledge search") as demo:
        gr.Markdown(
            "# Guidance assistant\n"
            "Search the careers knowledge base: Gatsby Benchmarks, CDI Framework, routes, "
            "and labour market information. Every passage shows its source.\n\n"
            "*Contains public sector information licensed under the Open Government Licence "
            "v3.0 (National Careers Service; Office for National Statistics).*"
        )
        with gr.Row():
            question = gr.Textbox(
                label="Question",
                placeholder="e.g. What do game designers earn when they start?",
                scale=4,
                elem_id="question",
            )
            k = gr.Slider(1, 20, value=kb.settings.k, step=1, label="Passages", scale=1)
        doc_types = gr.CheckboxGroup(DOC_TYPES, value=DOC_TYPES, label="Document types")
        ask = gr.Button("Search", variant="primary", elem_id="search")
        results = gr.Markdown(elem_id="results")

        def run(q: str, n: float, types: list[str]) -> str:
            return search_to_markdown(kb, q, int(n), types)

        ask.click(run, [question, k, doc_types], results, api_name="search")
        question.submit(run, [question, k, doc_types], results)
    return demo
