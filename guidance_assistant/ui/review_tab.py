"""The Review tab: an adviser reviews sessions, comments, exports and deletes a client's data."""

# No ``from __future__ import annotations`` here: Gradio reads the handlers' annotations to
# pass ``gr.Request`` and ``gr.Progress``.

from pathlib import Path
from typing import Any

import gradio as gr

from guidance_assistant.store import SessionSummary
from guidance_assistant.ui.common import (
    GUIDANCE_ROLES,
    ListLoader,
    Outputs,
    _downloads_box,
    _guard,
    _quiet,
    choices_keeping,
)
from guidance_assistant.ui.context import AppContext, ok
from guidance_assistant.ui.practice_tab import practice_review_panel
from guidance_assistant.ui.render import (
    escape,
    stage_words,
    transcript_markdown,
)


def session_choice(row: SessionSummary) -> tuple[str, int]:
    """A stored guidance session as a dropdown choice: client, date, stage in words, turns."""
    day = row.session_date or row.created_at.date()
    turns = f"{row.turns} turn" + ("" if row.turns == 1 else "s")
    return (
        f"#{row.id} · {row.client_reference} · {day} · {stage_words(row.stage)} · {turns}",
        row.id,
    )


def build_review_tab(ctx: AppContext) -> tuple[Any, Any, Any, list[ListLoader]]:
    """The Review tab: guidance sessions (advisers, admins) and practice transcripts. Returns
    the two boxes and the commenting controls (shown by role) and the tab's lists."""
    with gr.Column(visible=False) as guidance_box:
        gr.Markdown("### Guidance sessions")
        with gr.Row():
            query = gr.Textbox(label="Search the turns", elem_id="review-query", scale=3)
            find = gr.Button("Search sessions", elem_id="review-search", scale=1)
        status = gr.Markdown(elem_id="review-status")
        pick = gr.Dropdown(label="Session", choices=[], elem_id="review-pick")
        found = gr.Markdown(elem_id="review-matches")
        transcript = gr.Markdown(elem_id="review-transcript")
        notes = gr.Textbox(label="Notes on this client", lines=3, elem_id="review-notes")
        with gr.Row():
            save_notes = gr.Button("Save notes", elem_id="review-save-notes")
            export = gr.Button("Export", elem_id="review-export")
            export_client = gr.Button(
                "Export all this client's data", elem_id="review-export-client"
            )
            confirm = gr.Checkbox(label="Yes, delete this session", value=False)
            delete = gr.Button("Delete session", variant="stop", elem_id="review-delete")
        with gr.Row():
            confirm_client = gr.Checkbox(
                label="Yes, delete everything about this client (every session, brief and note)",
                value=False,
                elem_id="review-client-confirm",
            )
            delete_client = gr.Button(
                "Delete this client's data", variant="stop", elem_id="review-delete-client"
            )
        files = _downloads_box("review-files")
    with gr.Column(visible=False) as practice_box:
        gr.Markdown("### Practice transcripts")
        practice_commenting, practice_list = practice_review_panel(
            ctx, "review-practice", deletable=True
        )

    @_guard(2)
    def find_sessions(text: str, request: gr.Request) -> Outputs:
        user = ctx.user(request)
        if user.role not in GUIDANCE_ROLES:
            return ("", gr.update(choices=[], value=None), "")
        rows = ctx.store.search_sessions(user, text or None)
        choices = [session_choice(r) for r in rows]
        matches = "\n".join(
            f"- **#{r.id}** ({escape(r.client_reference)}): "
            + " … ".join(escape(m) for m in r.matches)
            for r in rows
            if r.matches
        )
        return (f"{len(rows)} session(s).", gr.update(choices=choices, value=None), matches)

    @_guard(2)
    def show(session_id: Any, request: gr.Request) -> Outputs:
        user = ctx.user(request)
        if session_id is None:  # cleared (a new search, a deletion): keep their message
            return (gr.skip(), "", "")
        state = ctx.store.load_session_state(user, int(session_id))
        return ("", transcript_markdown(state), state.profile.notes or "")

    @_guard(0)
    def store_notes(session_id: Any, text: str, request: gr.Request) -> Outputs:
        user = ctx.user(request)
        if session_id is None:
            return ("Choose a session first.",)
        state = ctx.store.load_session_state(user, int(session_id))
        client_id = ctx.store.session_client_id(user, int(session_id))
        state.profile.notes = text.strip() or None
        ctx.store.save_guidance_session(user, client_id, state, session_id=int(session_id))
        return (ok("Notes saved."),)

    @_guard(1)
    def export_session(session_id: Any, request: gr.Request) -> Outputs:
        user = ctx.user(request)
        if session_id is None:
            return ("Choose a session first.", gr.skip())
        sid = int(session_id)
        session = ctx.store.load_guidance_session(user, sid, knowledge=ctx.knowledge)
        plan = session.action_plan()

        def write(folder: Path) -> list[Path]:
            md = folder / f"action-plan-{sid}.md"
            md.write_text(plan.to_markdown(), encoding="utf-8")
            pdf = plan.to_pdf(folder / f"action-plan-{sid}.pdf")
            data = folder / f"session-{sid}.json"
            data.write_text(session.to_json(), encoding="utf-8")
            return [md, pdf, data]

        return (ok("Exports ready to download."), ctx.offer_downloads(user, write))

    @_guard(1)
    def export_client_data(session_id: Any, request: gr.Request) -> Outputs:
        """Everything stored about the chosen session's client, as JSON (a subject access
        request)."""
        user = ctx.user(request)
        if session_id is None:
            return ("Choose a session of the client first.", gr.skip())
        client_id = ctx.store.session_client_id(user, int(session_id))
        data = ctx.store.export_client_json(user, client_id)

        def write(folder: Path) -> list[Path]:
            path = folder / f"client-{client_id}.json"
            path.write_text(data, encoding="utf-8")
            return [path]

        return (ok("The client's data is ready to download."), ctx.offer_downloads(user, write))

    @_guard(4)
    def remove(session_id: Any, sure: bool, query_text: str, request: gr.Request) -> Outputs:
        user = ctx.user(request)
        if session_id is None:
            return ("Choose a session first.", *([gr.skip()] * 4))
        if not sure:
            return ("Tick “Yes, delete this session” first.", *([gr.skip()] * 4))
        ctx.store.delete_session(user, int(session_id))
        _, choices, matches = find_sessions(query_text, request)
        return (ok(f"Session {int(session_id)} deleted."), choices, matches, "", False)

    @_guard(4)
    def remove_client(session_id: Any, sure: bool, query_text: str, request: gr.Request) -> Outputs:
        """Erase everything stored about the chosen session's client (right to erasure)."""
        user = ctx.user(request)
        if session_id is None:
            return ("Choose a session of the client first.", *([gr.skip()] * 4))
        if not sure:
            return ("Tick “Yes, delete everything about this client” first.", *([gr.skip()] * 4))
        client_id = ctx.store.session_client_id(user, int(session_id))
        removed = ctx.store.delete_client(user, client_id)
        counts = ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in removed.items() if n)
        _, choices, matches = find_sessions(query_text, request)
        return (
            ok(f"Everything about the client was deleted ({escape(counts or 'nothing else')})."),
            choices,
            matches,
            "",
            False,
        )

    @_quiet(1)
    def reload(text: str, current: Any, request: gr.Request) -> Outputs:
        """The sessions found by the search in the box (all, when it is empty), the one chosen
        kept."""
        user = ctx.user(request)
        if user.role not in GUIDANCE_ROLES:
            return (gr.skip(),)
        rows = ctx.store.search_sessions(user, text or None)
        return (choices_keeping([session_choice(r) for r in rows], current),)

    find.click(find_sessions, query, [status, pick, found], api_name="search_sessions")
    query.submit(find_sessions, query, [status, pick, found], api_visibility="undocumented")
    pick.change(show, pick, [status, transcript, notes], api_name="show_session")
    save_notes.click(store_notes, [pick, notes], status, api_name="save_notes")
    export.click(export_session, pick, [status, files], api_name="export_session")
    export_client.click(export_client_data, pick, [status, files], api_name="export_client")
    delete.click(
        remove,
        [pick, confirm, query],
        [status, pick, found, transcript, confirm],
        api_name="delete_session",
    )
    delete_client.click(
        remove_client,
        [pick, confirm_client, query],
        [status, pick, found, transcript, confirm_client],
        api_name="delete_client",
    )
    lists = [ListLoader(reload, [query, pick], [pick]), practice_list]
    return guidance_box, practice_box, practice_commenting, lists


# -- Evaluate -----------------------------------------------------------------------------------
