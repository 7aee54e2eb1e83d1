"""The Knowledge tab: search the bundled knowledge; advisers add documents."""

# No ``from __future__ import annotations`` here: Gradio reads the handlers' annotations to
# pass ``gr.Request`` and ``gr.Progress``.

import shutil
from pathlib import Path
from typing import Any

import gradio as gr

from guidance_assistant.ui.common import (
    KNOWLEDGE_EDIT_ROLES,
    Outputs,
    _guard,
)
from guidance_assistant.ui.context import AppContext, message, ok, require_role
from guidance_assistant.ui.render import (
    escape,
)
from guidance_assistant.ui.search_page import DOC_TYPES, search_to_markdown


def build_knowledge_tab(ctx: AppContext) -> Any:
    gr.Markdown(
        "Search the careers knowledge base: Gatsby Benchmarks, CDI Framework, routes, and labour "
        "market information. Every passage shows its source.\n\n"
        "*Contains public sector information licensed under the Open Government Licence v3.0 "
        "(National Careers Service; Office for National Statistics).*"
    )
    with gr.Row():
        question = gr.Textbox(
            label="Question",
            placeholder="e.g. What do game designers earn when they start?",
            scale=4,
            elem_id="question",
        )
        k = gr.Slider(1, 20, value=ctx.settings.k, step=1, label="Passages", scale=1)
    doc_types = gr.CheckboxGroup(DOC_TYPES, value=DOC_TYPES, label="Document types")
    ask = gr.Button("Search", variant="primary", elem_id="search")
    results = gr.Markdown(elem_id="results")
    with gr.Column(visible=False) as editor:
        gr.Markdown("### Add documents to the index")
        uploads = gr.File(
            label="Documents (.md, .txt, .pdf, .html)",
            file_count="multiple",
            file_types=[".md", ".txt", ".pdf", ".html"],
            type="filepath",
            elem_id="kb-uploads",
        )
        with gr.Row():
            add = gr.Button("Add to the index", elem_id="kb-add")
            rebuild = gr.Button("Re-index the bundled knowledge", elem_id="kb-reindex")
        status = gr.Markdown(elem_id="kb-status")

    def run(q: str, n: float, types: list[str], request: gr.Request) -> str:
        try:
            ctx.user(request)
        except Exception as error:
            return message(error)
        return search_to_markdown(ctx.knowledge, q, int(n), types)

    @_guard(0)
    def add_docs(
        paths: list[str] | None,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008
    ) -> Outputs:
        user = ctx.user(request)
        require_role(user, KNOWLEDGE_EDIT_ROLES, "add documents to the index")
        if not paths:
            return ("Choose documents first.",)
        folder = ctx.settings.data_dir / "documents"
        folder.mkdir(parents=True, exist_ok=True)
        kept = []
        for path in paths:
            target = folder / Path(path).name
            shutil.copyfile(path, target)
            kept.append(target)
        progress(0, desc="Indexing")
        report = ctx.knowledge.add_paths(kept, progress=True)
        problems = "".join(f"\n- skipped {escape(str(p))}" for p in ctx.knowledge.load_problems)
        return (ok(escape(report.summary())) + problems,)

    @_guard(0)
    def reindex(
        request: gr.Request,
        progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008
    ) -> Outputs:
        from guidance_assistant.retrieval import KnowledgeBase

        user = ctx.user(request)
        require_role(user, ("admin",), "re-index the knowledge")
        progress(0, desc="Re-indexing")
        fresh = KnowledgeBase.bundled(settings=ctx.settings, index_dir=ctx.knowledge.index_dir)
        ctx.knowledge = fresh
        assert fresh.last_update is not None
        return (ok(f"{escape(fresh.last_update.summary())} ({len(fresh)} passages)."),)

    ask.click(run, [question, k, doc_types], results, api_name="search")
    question.submit(run, [question, k, doc_types], results, api_visibility="undocumented")
    add.click(add_docs, uploads, status, api_name="add_documents")
    rebuild.click(reindex, None, status, api_name="reindex")
    return editor


# -- the app ------------------------------------------------------------------------------------
