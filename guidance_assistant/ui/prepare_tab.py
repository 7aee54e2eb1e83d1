"""The Prepare tab: an adviser pastes notes and gets a brief; a brief saved to a client is
handed to the Session tab (the client chosen, with the school year and needs of the brief)."""

# No ``from __future__ import annotations`` here: Gradio reads the handlers' annotations to
# pass ``gr.Request`` and ``gr.Progress``.

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from guidance_assistant.prepare import PreparationBrief, prepare_brief
from guidance_assistant.ui.common import (
    NEEDS,
    ListLoader,
    Outputs,
    _client_choices,
    _guard,
    _quiet,
    choices_keeping,
)
from guidance_assistant.ui.context import AppContext, ok
from guidance_assistant.ui.render import (
    escape,
    need_words,
    safe_markdown,
    year_words,
)


@dataclass(frozen=True)
class BriefHandover:
    """What the Prepare tab hands on when a brief is saved: ``saved``, the save event (chain on
    it), and ``state``, a ``gr.State`` holding :func:`handover` of that brief (None when the
    last save failed)."""

    saved: Any
    state: Any


def session_profile(brief: PreparationBrief) -> dict[str, Any]:
    """What a session takes from a brief: the school year (None when the notes give none) and
    the needs a session plans for (the brief may list more, such as money worries)."""
    return {
        "year_group": brief.year_group,
        "needs": [need.need for need in brief.needs if need.need in NEEDS],
    }


def handover(client_id: int, profile: dict[str, Any] | None) -> dict[str, Any]:
    """The hand-over to Session of a brief saved to ``client_id``."""
    known = profile or {}
    return {
        "client_id": client_id,
        "year_group": known.get("year_group"),
        "needs": list(known.get("needs", [])),
    }


@dataclass(frozen=True)
class PrepareTab:
    """The parts of the Prepare tab that other parts of the page use."""

    lists: list[ListLoader]
    handover: BriefHandover


def build_prepare_tab(ctx: AppContext) -> PrepareTab:
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
    brief_profile = gr.State(None)
    handed = gr.State(None)
    with gr.Row():
        client = gr.Dropdown(label="Client", choices=[], elem_id="prep-client")
        new_ref = gr.Textbox(
            label="New client reference", placeholder="e.g. C-0042", elem_id="prep-new-ref"
        )
        add = gr.Button("Add client", elem_id="prep-add-client")
    save = gr.Button("Save brief to client", elem_id="prep-save")

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

    @_guard(3)
    def run(text: str, request: gr.Request) -> Outputs:
        ctx.user(request)
        if not text.strip():
            return ("Write or upload some notes first.", "", "", None)
        brief = prepare_brief(text, knowledge=ctx.knowledge)
        markdown = brief.to_markdown()
        return ("", safe_markdown(markdown), markdown, session_profile(brief))

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

    @_guard(1, on_error=(None,))
    def save_brief(
        client_id: int | None, markdown: str, profile: dict[str, Any] | None, request: gr.Request
    ) -> Outputs:
        user = ctx.user(request)
        if not markdown:
            return ("Prepare a brief first.", None)
        if client_id is None:
            return ("Choose or add a client first.", None)
        brief_id = ctx.store.save_brief(user, int(client_id), markdown)
        handed = handover(int(client_id), profile)
        needs = ", ".join(need_words(need) for need in handed["needs"]) or "none"
        return (
            ok(
                f"Brief {brief_id} saved. In Session this client is chosen, with school year: "
                f"{year_words(handed['year_group'])}; needs: {escape(needs)}."
            ),
            handed,
        )

    @_quiet(1)
    def reload_clients(current: Any, request: gr.Request) -> Outputs:
        return (choices_keeping(_client_choices(ctx.store, ctx.user(request)), current),)

    upload.upload(read_upload, upload, [notes, upload], api_visibility="undocumented")
    make.click(run, notes, [status, brief, brief_source, brief_profile], api_name="prepare_brief")
    add.click(add_client, new_ref, [status, client, new_ref], api_name="add_client")
    saved = save.click(
        save_brief, [client, brief_source, brief_profile], [status, handed], api_name="save_brief"
    )
    return PrepareTab(
        lists=[ListLoader(reload_clients, [client], [client])],
        handover=BriefHandover(saved=saved, state=handed),
    )


# -- Session ------------------------------------------------------------------------------------
