"""The Prepare tab: an adviser pastes notes and gets a brief."""

# No ``from __future__ import annotations`` here: Gradio reads the handlers' annotations to
# pass ``gr.Request`` and ``gr.Progress``.

from pathlib import Path
from typing import Any

import gradio as gr

from guidance_assistant.prepare import prepare_brief
from guidance_assistant.ui.common import (
    Outputs,
    _client_choices,
    _guard,
)
from guidance_assistant.ui.context import AppContext, ok
from guidance_assistant.ui.render import (
    escape,
    safe_markdown,
)


def build_prepare_tab(ctx: AppContext, clients: list[Any]) -> None:
    gr.Markdown(
        "Paste your notes on the client, or upload them (.txt or .md), to get a preparation "
        "brief with labour market information and framework points, each cited."
    )
    notes = gr.Textbox(label="Notes on the client", lines=6, elem_id="prep-notes")
    upload = gr.File(
        label="…or upload notes", file_types=[".txt", ".md"], type="filepath", elem_id="prep-upload"
    )
    make = gr.Button("Prepare brief", variant="primary", elem_id="prep-run")
    status = gr.Markdown(elem_id="prep-status")
    brief = gr.Markdown(elem_id="prep-brief")
    brief_source = gr.State("")
    with gr.Row():
        client = gr.Dropdown(label="Client", choices=[], elem_id="prep-client")
        new_ref = gr.Textbox(
            label="New client reference", placeholder="e.g. C-0042", elem_id="prep-new-ref"
        )
        add = gr.Button("Add client", elem_id="prep-add-client")
    save = gr.Button("Save brief to client", elem_id="prep-save")
    clients.append(client)

    def read_upload(path: str | None) -> Outputs:
        """The uploaded notes into the text box; the upload itself is deleted at once, so no
        copy of a client's notes stays in Gradio's shared upload cache."""
        if not path:
            return (gr.skip(), gr.skip())
        uploaded = Path(path)
        try:
            return (uploaded.read_text(encoding="utf-8"), None)
        except (OSError, UnicodeDecodeError) as error:
            raise gr.Error(f"Cannot read that file as text: {error}") from error
        finally:
            uploaded.unlink(missing_ok=True)

    @_guard(2)
    def run(text: str, request: gr.Request) -> Outputs:
        ctx.user(request)
        if not text.strip():
            return ("Write or upload some notes first.", "", "")
        markdown = prepare_brief(text, knowledge=ctx.knowledge).to_markdown()
        return ("", safe_markdown(markdown), markdown)

    @_guard(2)
    def add_client(reference: str, request: gr.Request) -> Outputs:
        user = ctx.user(request)
        made = ctx.store.create_client(user, reference)
        choices = _client_choices(ctx.store, user)
        return (
            ok(f"Added client {escape(made.reference)}."),
            gr.update(choices=choices, value=made.id),
            "",
        )

    @_guard(0)
    def save_brief(client_id: int | None, markdown: str, request: gr.Request) -> Outputs:
        user = ctx.user(request)
        if not markdown:
            return ("Prepare a brief first.",)
        if client_id is None:
            return ("Choose or add a client first.",)
        brief_id = ctx.store.save_brief(user, int(client_id), markdown)
        return (ok(f"Brief {brief_id} saved."),)

    upload.upload(read_upload, upload, [notes, upload], api_visibility="undocumented")
    make.click(run, notes, [status, brief, brief_source], api_name="prepare_brief")
    add.click(add_client, new_ref, [status, client, new_ref], api_name="add_client")
    save.click(save_brief, [client, brief_source], [status], api_name="save_brief")


# -- Session ------------------------------------------------------------------------------------
