"""The Knowledge tab: search the bundled knowledge; advisers add documents."""

# No ``from __future__ import annotations`` here: Gradio reads the handlers' annotations to
# pass ``gr.Request`` and ``gr.Progress``.

from pathlib import Path
from typing import Any

import gradio as gr

from guidance_assistant.errors import DocumentError
from guidance_assistant.retrieval.library import accept_uploads, discard, remove_documents
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
from guidance_assistant.ui.uploads import upload_folder


def _address(request: gr.Request) -> str | None:
    client = getattr(request, "client", None)
    return getattr(client, "host", None)


def _progress_bar(done: int, total: int, width: int = 30) -> str:
    """A bar drawn in text (it reads the same to a screen reader: the share in words)."""
    share = done / total if total else 0.0
    filled = round(share * width)
    return f"`{'█' * filled}{'░' * (width - filled)}` {share:.0%}\n\n"


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
            rebuild = gr.Button(
                "Re-index the bundled knowledge", elem_id="kb-reindex", visible=False
            )
        status = gr.Markdown(elem_id="kb-status", min_height=60)  # room for Gradio's progress
        ticker = gr.Timer(value=1.0, active=False)
        gr.Markdown("### Documents added by advisers")
        with gr.Row():
            added = gr.Dropdown(
                label="Documents",
                multiselect=True,
                choices=[],
                allow_custom_value=True,  # the choices are per user; the index checks each id
                scale=4,
                elem_id="kb-documents",
            )
            remove = gr.Button("Remove from the index", variant="stop", elem_id="kb-remove")

    def run(q: str, n: float, types: list[str], request: gr.Request) -> str:
        try:
            ctx.user(request)
        except Exception as error:
            return message(error)
        return search_to_markdown(ctx.knowledge, q, int(n), types)

    def document_choices() -> Any:
        docs = ctx.knowledge.user_documents()
        shown = sorted((f"{d['title']} ({d['source']})", doc_id) for doc_id, d in docs.items())
        return gr.update(choices=shown, value=[])

    @_guard(3)
    def add_docs(paths: list[str] | None, request: gr.Request) -> Outputs:
        root = upload_folder(ctx.settings)
        try:
            user = ctx.user(request)
            require_role(user, KNOWLEDGE_EDIT_ROLES, "add documents to the index")
            if ctx.indexer.busy:
                raise DocumentError(
                    "Documents are being indexed already; add these when that has finished."
                )
        except Exception:
            for path in paths or []:
                discard(Path(path), within=root)
            raise
        if not paths:
            return ("Choose documents first.", gr.skip(), gr.skip(), gr.skip())
        accepted = accept_uploads(paths, ctx.settings.data_dir, upload_root=root)
        lines = [f"- not added: {escape(name)}: {escape(why)}" for name, why in accepted.rejected]
        if not accepted.kept:
            return ("\n".join(lines), None, gr.skip(), gr.skip())
        address = _address(request)

        def recorded(_report: object) -> None:
            for kept in accepted.kept:
                ctx.store.record_event("document_added", user.username, address, kept.name)

        status = ctx.indexer.start(ctx.knowledge, accepted.kept, on_done=recorded)
        lines.insert(
            0,
            escape(status.describe())
            + " Indexing goes on in the background; its progress shows here.",
        )
        return ("\n".join(lines), None, gr.Timer(active=True), gr.skip())

    def watch(request: gr.Request) -> Outputs:
        """The timer's tick while documents are being indexed: progress, then the outcome."""
        try:
            user = ctx.user(request)
            require_role(user, KNOWLEDGE_EDIT_ROLES, "see the indexing")
        except Exception as error:
            return (message(error), gr.Timer(active=False), gr.skip())
        status = ctx.indexer.status
        if status.state == "running":
            bar = _progress_bar(status.done, status.total)
            return (bar + escape(status.describe()), gr.skip(), gr.skip())
        text = escape(status.describe())
        shown = ok(text) if status.state == "done" else f"**Cannot do that:** {text}"
        return (shown if text else "", gr.Timer(active=False), document_choices())

    @_guard(1)
    def remove_docs(doc_ids: list[str] | None, request: gr.Request) -> Outputs:
        user = ctx.user(request)
        require_role(user, KNOWLEDGE_EDIT_ROLES, "remove documents from the index")
        if not doc_ids:
            return ("Choose the documents to remove first.", gr.skip())
        titles = [ctx.knowledge.user_documents().get(d, {}).get("source", d) for d in doc_ids]
        report = remove_documents(ctx.knowledge, doc_ids, ctx.settings.data_dir)
        for title in titles:
            ctx.store.record_event("document_removed", user.username, _address(request), str(title))
        return (
            ok(
                f"Removed {escape(', '.join(map(str, titles)))}: {report.chunk_count} passages "
                "left in the index."
            ),
            document_choices(),
        )

    def list_docs(request: gr.Request) -> Any:
        try:
            user = ctx.user(request)
            require_role(user, KNOWLEDGE_EDIT_ROLES, "see the added documents")
        except Exception:
            return gr.update(choices=[], value=[])
        return document_choices()

    @_guard(0)
    def reindex(
        request: gr.Request,
        progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008
    ) -> Outputs:
        from guidance_assistant.retrieval import KnowledgeBase

        user = ctx.user(request)
        require_role(user, ("admin",), "re-index the knowledge")
        if ctx.indexer.busy:
            raise DocumentError("Documents are being indexed; re-index when that has finished.")
        progress(0, desc="Re-indexing")
        fresh = KnowledgeBase.bundled(
            settings=ctx.settings, index_dir=ctx.knowledge.index_dir, reuse=False
        )
        ctx.knowledge = fresh
        assert fresh.last_update is not None
        return (ok(f"{escape(fresh.last_update.summary())} ({len(fresh)} passages)."),)

    ask.click(run, [question, k, doc_types], results, api_name="search")
    question.submit(run, [question, k, doc_types], results, api_visibility="undocumented")
    add.click(add_docs, uploads, [status, uploads, ticker, added], api_name="add_documents")
    ticker.tick(
        watch,
        None,
        [status, ticker, added],
        api_name="indexing_status",
        api_visibility="undocumented",
    )
    remove.click(remove_docs, added, [status, added], api_name="remove_documents")
    rebuild.click(reindex, None, status, api_name="reindex")
    return editor, rebuild, added, list_docs


# -- the app ------------------------------------------------------------------------------------
