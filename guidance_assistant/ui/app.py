"""The whole app: one tab per job, each a thin shell over the library and the store.

Every handler looks the signed-in user up from the request (``gr.Request.username``, set by
Gradio's login) and passes them to the :class:`~guidance_assistant.store.Store`, which checks
what they may do; a refusal or any library error becomes a plain message on the page. Tabs a
role cannot use are hidden, but hiding is only a convenience: the store decides.
"""

# No ``from __future__ import annotations`` here: Gradio reads the handlers' annotations to
# pass ``gr.Request`` and ``gr.Progress``.

import functools
import html
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast, get_args

import gradio as gr

from guidance_assistant.config import Settings
from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.evals.commands import cli_compare, cli_report, cli_run
from guidance_assistant.evals.persist import save_run
from guidance_assistant.evals.records import EvalRun
from guidance_assistant.evals.suites import default_suite_paths, default_suites_dir
from guidance_assistant.interview import GuidanceSession, open_session
from guidance_assistant.interview.model import Need
from guidance_assistant.practice import PracticeSession, load_personas
from guidance_assistant.practice.feedback import SessionFeedback, load_targets, turn_feedback
from guidance_assistant.practice.review import annotated_transcript, export_report, full_report
from guidance_assistant.prepare import prepare_brief
from guidance_assistant.store import NotFoundError, Store, User
from guidance_assistant.ui.context import AppContext, message, ok, require_role
from guidance_assistant.ui.render import (
    chat_messages,
    citations_markdown,
    escape,
    safe_markdown,
    safeguarding_markdown,
    stage_tracker_html,
    state_markdown,
    transcript_markdown,
)
from guidance_assistant.ui.search_page import DOC_TYPES, search_to_markdown

NEEDS: list[str] = list(get_args(Need))
GUIDANCE_ROLES = ("adviser", "admin")
PRACTICE_ROLES = ("trainee", "supervisor", "admin")
EVAL_ROLES = ("evaluator", "admin")
KNOWLEDGE_EDIT_ROLES = ("adviser", "admin")

Outputs = tuple[Any, ...]


def _guard(count: int) -> Callable[[Callable[..., Outputs]], Callable[..., Outputs]]:
    """Turn any error of a handler with ``count`` outputs besides its status message into that
    message, leaving the other outputs as they were."""

    def decorate(func: Callable[..., Outputs]) -> Callable[..., Outputs]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                result = func(*args, **kwargs)
            except Exception as error:  # shown to the user as a plain message
                result = (message(error), *([gr.skip()] * count))
            return result[0] if count == 0 else result  # one output: Gradio wants the value

        return wrapper

    return decorate


@dataclass
class LiveSession:
    """A guidance session in progress in one browser tab."""

    session: GuidanceSession
    session_id: int
    client_id: int
    username: str


@dataclass
class LivePractice:
    practice: PracticeSession
    username: str
    practice_id: int | None = None


def _owned(live: Any, user: User, kind: type) -> Any:
    if not isinstance(live, kind) or getattr(live, "username", None) != user.username:
        raise GuidanceAssistantError("Start a session first.")
    return live


def _client_choices(store: Store, user: User) -> list[tuple[str, int]]:
    if user.role not in GUIDANCE_ROLES:
        return []
    return [(client.reference, client.id) for client in store.list_clients(user)]


def _downloads_box(elem_id: str) -> Any:
    """Where an export's links appear (each served to its owner only)."""
    return gr.HTML(elem_id=elem_id, elem_classes=["ga-downloads"])


def _timestamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")


# -- Prepare ------------------------------------------------------------------------------------


def _prepare_tab(ctx: AppContext, clients: list[Any]) -> None:
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


def _session_views(live: LiveSession, citations: Any) -> Outputs:
    state = live.session.state
    banner = safeguarding_markdown(state)
    return (
        chat_messages(state.transcript),
        stage_tracker_html(state.stage, state.stage_history()),
        state_markdown(state),
        citations_markdown(citations),
        gr.update(value=banner, visible=bool(banner)),
    )


def _session_tab(ctx: AppContext, clients: list[Any]) -> None:
    with gr.Row():
        client = gr.Dropdown(label="Client", choices=[], elem_id="session-client", scale=2)
        new_ref = gr.Textbox(label="New client reference", scale=2, elem_id="session-new-ref")
        add = gr.Button("Add client", scale=1, elem_id="session-add-client")
    clients.append(client)
    with gr.Row():
        year = gr.Number(label="School year (empty if not known)", precision=0, value=None)
        needs = gr.CheckboxGroup(NEEDS, label="Needs to plan for")
    start = gr.Button("Start session", variant="primary", elem_id="session-start")
    status = gr.Markdown(elem_id="session-status")
    banner = gr.Markdown(visible=False, elem_id="session-safeguarding")
    tracker = gr.HTML(stage_tracker_html(None), elem_id="session-stages")
    with gr.Row():
        with gr.Column(scale=3):
            chat = gr.Chatbot(label="Conversation", height=420, elem_id="session-chat")
            text = gr.Textbox(
                label="The client says",
                placeholder="Type what the client says, then Enter",
                elem_id="session-message",
            )
            send = gr.Button("Send", elem_id="session-send")
        with gr.Column(scale=2):
            state_view = gr.Markdown(elem_id="session-state")
            cited = gr.Markdown(elem_id="session-citations")
    with gr.Row():
        save = gr.Button("Save session", elem_id="session-save")
        export = gr.Button("Export action plan", elem_id="session-export")
    files = _downloads_box("session-files")
    live_state = gr.State(None)
    views = [chat, tracker, state_view, cited, banner]

    @_guard(2)
    def add_client(reference: str, request: gr.Request) -> Outputs:
        user = ctx.user(request)
        made = ctx.store.create_client(user, reference)
        return (
            ok(f"Added client {escape(made.reference)}."),
            gr.update(choices=_client_choices(ctx.store, user), value=made.id),
            "",
        )

    @_guard(6)
    def begin(
        client_id: Any, year_group: float | None, need_list: list[str], request: gr.Request
    ) -> Outputs:
        user = ctx.user(request)
        if client_id is None:
            return ("Choose or add a client first.", *([gr.skip()] * 6))
        profile = {"year_group": int(year_group) if year_group else None, "needs": need_list}
        session = open_session(profile, knowledge=ctx.knowledge, settings=ctx.settings)
        turn = session.opening()
        recorder = ctx.store.start_recording(user, int(client_id), session)
        live = LiveSession(session, recorder.session_id, int(client_id), user.username)
        return (
            ok(f"Session {live.session_id} started; every turn is saved as it happens."),
            *_session_views(live, turn.citations),
            live,
        )

    @_guard(7)
    def say(message_text: str, live: Any, request: gr.Request) -> Outputs:
        user = ctx.user(request)
        current: LiveSession = _owned(live, user, LiveSession)
        turn = current.session.reply(message_text)
        ctx.store.recorder(user, current.session_id).record(current.session)
        return ("", *_session_views(current, turn.citations), current, "")

    @_guard(0)
    def save_all(live: Any, request: gr.Request) -> Outputs:
        user = ctx.user(request)
        current: LiveSession = _owned(live, user, LiveSession)
        ctx.store.save_guidance_session(
            user, current.client_id, current.session, session_id=current.session_id
        )
        return (ok(f"Session {current.session_id} saved."),)

    @_guard(1)
    def export_plan(live: Any, request: gr.Request) -> Outputs:
        user = ctx.user(request)
        current: LiveSession = _owned(live, user, LiveSession)
        ctx.store.load_session_state(user, current.session_id)  # may this user see it?
        plan = current.session.action_plan()

        def write(folder: Path) -> list[Path]:
            md = folder / f"action-plan-{current.session_id}.md"
            md.write_text(plan.to_markdown(), encoding="utf-8")
            return [md, plan.to_pdf(folder / f"action-plan-{current.session_id}.pdf")]

        return (ok("Action plan ready to download."), ctx.offer_downloads(user, write))

    add.click(add_client, new_ref, [status, client, new_ref], api_name="session_add_client")
    start.click(
        begin, [client, year, needs], [status, *views, live_state], api_name="start_session"
    )
    send.click(say, [text, live_state], [status, *views, live_state, text], api_name="send_message")
    text.submit(
        say, [text, live_state], [status, *views, live_state, text], api_visibility="undocumented"
    )
    save.click(save_all, live_state, status, api_name="save_session")
    export.click(export_plan, live_state, [status, files], api_name="export_plan")


# -- Practice -----------------------------------------------------------------------------------


def _practice_view_markdown(ctx: AppContext, user: User, practice_id: int) -> tuple[str, str]:
    """A stored practice session's report and annotated transcript (Markdown, unescaped)."""
    view = ctx.store.get_practice_session(user, practice_id)
    personas = {p.id: p for p in load_personas()}
    persona = personas.get(view.persona_id)
    name = persona.display_name if persona else view.persona_id
    targets = load_targets()
    tips = [
        turn_feedback(
            record.skill,
            targets,
            premature_advice=record.premature_advice,
            unsourced=record.unsourced_information,
            wrong_summary=record.wrong_summary,
            problem=record.problem,
        )
        for record in view.records
    ]
    transcript = annotated_transcript(name, view.records, tips, view.comments)
    if view.feedback:
        report = full_report(SessionFeedback.model_validate(view.feedback), transcript)
    else:
        report = transcript
    return report, name


def _practice_review_panel(ctx: AppContext, prefix: str, *, deletable: bool = False) -> Any:
    """List the practice sessions the user may see, read one annotated, comment, export; and,
    when ``deletable``, delete one (the store lets only its trainee or an admin). Returns the
    commenting controls, which only supervisors and admins are shown (the store checks too)."""
    with gr.Row():
        query = gr.Textbox(label="Filter (trainee or persona)", elem_id=f"{prefix}-filter")
        refresh = gr.Button("List practice sessions", elem_id=f"{prefix}-list")
    pick = gr.Dropdown(label="Practice session", choices=[], elem_id=f"{prefix}-pick")
    status = gr.Markdown(elem_id=f"{prefix}-status")
    report = gr.Markdown(elem_id=f"{prefix}-report")
    with gr.Row() as commenting:
        turn = gr.Number(label="Turn (empty: the whole session)", precision=0, value=None)
        comment = gr.Textbox(label="Supervisor's comment", elem_id=f"{prefix}-comment", scale=3)
        add = gr.Button("Add comment", elem_id=f"{prefix}-add-comment", scale=1)
    with gr.Row():
        export = gr.Button("Export report", elem_id=f"{prefix}-export")
        if deletable:
            confirm = gr.Checkbox(
                label="Yes, delete this practice session", value=False, elem_id=f"{prefix}-confirm"
            )
            delete = gr.Button(
                "Delete practice session", variant="stop", elem_id=f"{prefix}-delete"
            )
    files = _downloads_box(f"{prefix}-files")

    @_guard(1)
    def listing(text: str, request: gr.Request) -> Outputs:
        user = ctx.user(request)
        if user.role not in PRACTICE_ROLES:
            return ("", gr.update(choices=[], value=None))
        term = (text or "").strip().lower()
        rows = ctx.store.list_practice_sessions(user)
        choices = [
            (
                f"#{r.id} · {r.trainee} · {r.persona_id} · {r.turns} turns · {r.comments} comments",
                r.id,
            )
            for r in rows
            if not term or term in r.trainee.lower() or term in r.persona_id.lower()
        ]
        return (f"{len(choices)} practice session(s).", gr.update(choices=choices, value=None))

    @_guard(1)
    def show(practice_id: Any, request: gr.Request) -> Outputs:
        user = ctx.user(request)
        if practice_id is None:  # cleared (a new listing, a deletion): keep their message
            return (gr.skip(), "")
        text, _ = _practice_view_markdown(ctx, user, int(practice_id))
        return ("", safe_markdown(text))

    @_guard(2)
    def add_comment(
        practice_id: Any, number: float | None, text: str, request: gr.Request
    ) -> Outputs:
        user = ctx.user(request)
        if practice_id is None:
            return ("Choose a practice session first.", gr.skip(), gr.skip())
        ctx.store.add_supervisor_comment(
            user, int(practice_id), text, turn=int(number) if number else None
        )
        body, _ = _practice_view_markdown(ctx, user, int(practice_id))
        return (ok("Comment added."), safe_markdown(body), "")

    @_guard(1)
    def export_view(practice_id: Any, request: gr.Request) -> Outputs:
        user = ctx.user(request)
        if practice_id is None:
            return ("Choose a practice session first.", gr.skip())
        body, _ = _practice_view_markdown(ctx, user, int(practice_id))

        def write(folder: Path) -> list[Path]:
            return [
                export_report(body, folder / f"practice-{int(practice_id)}{ext}")
                for ext in (".md", ".pdf")
            ]

        return (ok("Report ready to download."), ctx.offer_downloads(user, write))

    refresh.click(listing, query, [status, pick], api_name=f"{prefix}_list")
    query.submit(listing, query, [status, pick], api_visibility="undocumented")
    pick.change(show, pick, [status, report], api_name=f"{prefix}_show")
    add.click(
        add_comment, [pick, turn, comment], [status, report, comment], api_name=f"{prefix}_comment"
    )
    export.click(export_view, pick, [status, files], api_name=f"{prefix}_export")
    if not deletable:
        return commenting

    @_guard(4)
    def remove(practice_id: Any, sure: bool, text: str, request: gr.Request) -> Outputs:
        user = ctx.user(request)
        if practice_id is None:
            return ("Choose a practice session first.", *([gr.skip()] * 4))
        if not sure:
            return ("Tick “Yes, delete this practice session” first.", *([gr.skip()] * 4))
        removed = ctx.store.delete_practice_session(user, int(practice_id))
        _, choices = listing(text, request)
        done = ok(
            f"Practice session {int(practice_id)} deleted, with its {removed['turns']} turn(s) "
            f"and {removed['comments']} comment(s)."
        )
        return (done, choices, "", False, "")

    delete.click(
        remove,
        [pick, confirm, query],
        [status, pick, report, confirm, files],
        api_name=f"{prefix}_delete",
    )
    return commenting


def _practice_tab(ctx: AppContext) -> tuple[Any, Any]:
    personas = load_personas()
    with gr.Column(visible=True) as trainee_box:
        gr.Markdown("Practise an interview with a simulated client; feedback on every turn.")
        with gr.Row():
            persona = gr.Dropdown(
                [(f"{p.display_name}: {p.profile.situation}", p.id) for p in personas],
                value=personas[0].id if personas else None,
                label="Persona",
                elem_id="practice-persona",
                scale=3,
            )
            seed = gr.Number(label="Seed", value=0, precision=0, scale=1)
        start = gr.Button("Start practice", variant="primary", elem_id="practice-start")
        status = gr.Markdown(elem_id="practice-status")
        chat = gr.Chatbot(label="Practice conversation", height=360, elem_id="practice-chat")
        text = gr.Textbox(label="You (the adviser) say", elem_id="practice-message")
        send = gr.Button("Send", elem_id="practice-send")
        tip = gr.Markdown(elem_id="practice-tip")
        with gr.Row():
            finish = gr.Button("End and see feedback", elem_id="practice-finish")
            save = gr.Button("Save practice", elem_id="practice-save")
            export = gr.Button("Export report", elem_id="practice-export")
        report = gr.Markdown(elem_id="practice-report")
        files = _downloads_box("practice-files")
        live_state = gr.State(None)
    with gr.Column(visible=False) as supervisor_box:
        gr.Markdown("### Your trainees' practice sessions")
        _practice_review_panel(ctx, "supervise")

    @_guard(4)
    def begin(persona_id: str, seed_value: float | None, request: gr.Request) -> Outputs:
        user = ctx.user(request)
        require_role(user, ("trainee", "admin"), "practise")
        practice = PracticeSession(persona_id, seed=int(seed_value or 0))
        live = LivePractice(practice, user.username)
        who = practice.persona
        intro = f"{escape(who.display_name)} ({escape(who.profile.situation)}) is with you."
        return (ok(intro), [], "", "", live)

    @_guard(4)
    def say(message_text: str, live: Any, request: gr.Request) -> Outputs:
        user = ctx.user(request)
        current: LivePractice = _owned(live, user, LivePractice)
        turn = current.practice.say(message_text)
        messages: list[dict[str, Any]] = []
        for record in current.practice.records:
            messages.append({"role": "user", "content": escape(record.trainee_text)})
            messages.append({"role": "assistant", "content": escape(record.client_text)})
        feedback = f"**Skill:** {escape(turn.skill.replace('_', ' '))}  \n**Tip:** {escape(turn.feedback.tip)}"
        if turn.feedback.alternative:
            feedback += f"  \n**Try:** {escape(turn.feedback.alternative)}"
        return ("", messages, feedback, current, "")

    @_guard(1)
    def end(live: Any, request: gr.Request) -> Outputs:
        user = ctx.user(request)
        current: LivePractice = _owned(live, user, LivePractice)
        return ("", safe_markdown(current.practice.report_markdown()))

    @_guard(1)
    def store_it(live: Any, request: gr.Request) -> Outputs:
        user = ctx.user(request)
        current: LivePractice = _owned(live, user, LivePractice)
        try:
            current.practice_id = ctx.store.save_practice_session(
                user, current.practice, practice_id=current.practice_id
            )
        except NotFoundError:  # deleted in Review since the last save: save it afresh
            current.practice_id = ctx.store.save_practice_session(user, current.practice)
        return (ok(f"Practice session {current.practice_id} saved."), current)

    @_guard(1)
    def export_it(live: Any, request: gr.Request) -> Outputs:
        user = ctx.user(request)
        current: LivePractice = _owned(live, user, LivePractice)

        def write(folder: Path) -> list[Path]:
            return [
                current.practice.export(folder / f"practice-report{ext}") for ext in (".md", ".pdf")
            ]

        return (ok("Report ready to download."), ctx.offer_downloads(user, write))

    start.click(
        begin, [persona, seed], [status, chat, tip, report, live_state], api_name="start_practice"
    )
    send.click(
        say, [text, live_state], [status, chat, tip, live_state, text], api_name="practice_say"
    )
    text.submit(
        say,
        [text, live_state],
        [status, chat, tip, live_state, text],
        api_visibility="undocumented",
    )
    finish.click(end, live_state, [status, report], api_name="practice_feedback")
    save.click(store_it, live_state, [status, live_state], api_name="save_practice")
    export.click(export_it, live_state, [status, files], api_name="export_practice")
    return trainee_box, supervisor_box


# -- Review -------------------------------------------------------------------------------------


def _review_tab(ctx: AppContext) -> tuple[Any, Any, Any]:
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
        practice_commenting = _practice_review_panel(ctx, "review-practice", deletable=True)

    @_guard(2)
    def find_sessions(text: str, request: gr.Request) -> Outputs:
        user = ctx.user(request)
        if user.role not in GUIDANCE_ROLES:
            return ("", gr.update(choices=[], value=None), "")
        rows = ctx.store.search_sessions(user, text or None)
        choices = [
            (
                f"#{r.id} · {r.client_reference} · {r.session_date or r.created_at.date()} · "
                f"{r.stage or '-'} · {r.turns} turns",
                r.id,
            )
            for r in rows
        ]
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
    return guidance_box, practice_box, practice_commenting


# -- Evaluate -----------------------------------------------------------------------------------


def _runs_dir(ctx: AppContext) -> Path:
    folder = ctx.settings.data_dir / "eval-runs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _report_frame(report_html: str) -> str:
    """The report in a sandboxed frame: shown, never allowed to run scripts."""
    return (
        f'<iframe sandbox="" title="Evaluation report" srcdoc="{html.escape(report_html, quote=True)}" '
        'style="width:100%;height:720px;border:1px solid #ddd"></iframe>'
    )


def _evaluate_tab(ctx: AppContext) -> Any:
    suites_root = default_suites_dir()
    suites = [str(p.relative_to(suites_root)) for p in default_suite_paths()]
    configs_dir = suites_root / "configs"
    configs = ["offline (built in)", *sorted(p.name for p in configs_dir.glob("*.yaml"))]
    with gr.Row():
        suite_pick = gr.CheckboxGroup(
            suites, value=suites[:1], label="Suites", elem_id="eval-suites"
        )
        config = gr.Dropdown(
            configs, value=configs[0], label="Configuration", elem_id="eval-config"
        )
    run = gr.Button("Run evaluation", variant="primary", elem_id="eval-run")
    status = gr.Markdown(elem_id="eval-status")
    summary = gr.Code(label="Summary", language=None, elem_id="eval-summary")
    report = gr.HTML(elem_id="eval-report")
    files = _downloads_box("eval-files")
    gr.Markdown("### Compare two runs")
    with gr.Row():
        base = gr.Dropdown(label="Baseline run (A)", choices=[], elem_id="eval-a")
        other = gr.Dropdown(label="New run (B)", choices=[], elem_id="eval-b")
        threshold = gr.Number(label="Regression threshold", value=0.05)
    compare = gr.Button("Compare", elem_id="eval-compare")
    comparison = gr.Code(label="Comparison", language=None, elem_id="eval-comparison")

    def run_choices(user: User) -> Any:
        runs = ctx.store.list_eval_runs(user)
        folder = _runs_dir(ctx)
        choices = [
            (f"{r.id} ({r.created_at:%Y-%m-%d %H:%M})", r.id)
            for r in runs
            if (folder / f"{r.id}.jsonl").is_file()
        ]
        return gr.update(choices=choices)

    @_guard(5)
    def evaluate(
        picked: list[str],
        config_name: str,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008
    ) -> Outputs:
        user = ctx.user(request)
        ctx.store.list_eval_runs(user)  # the store says who may run evaluations
        if not picked:
            return ("Choose at least one suite.", *([gr.skip()] * 5))
        chosen = [suites_root / name for name in picked if name in suites]
        config_path = None if config_name not in configs[1:] else configs_dir / config_name
        progress(0, desc="Running conversations")
        scratch = _runs_dir(ctx) / f"running-{_timestamp()}.jsonl"
        text = cli_run(
            chosen,
            config_path,
            1,
            scratch,
            agreement=True,
            knowledge=ctx.knowledge,
            progress=True,
            settings=ctx.settings,
        )
        run_data = EvalRun.read_jsonl(scratch)
        results = _runs_dir(ctx) / f"{run_data.run_id}.jsonl"
        shutil.move(scratch, results)
        report_path = _runs_dir(ctx) / f"{run_data.run_id}.html"
        cli_report(results, report_path)
        save_run(ctx.store, user, run_data)  # with every result: reportable by its id
        choices = run_choices(user)
        frame = _report_frame(report_path.read_text(encoding="utf-8"))
        return (
            ok(f"Run {escape(run_data.run_id)} finished."),
            text,
            frame,
            ctx.offer_copies(user, [results, report_path]),
            choices,
            choices,
        )

    @_guard(1)
    def compare_them(
        a: str | None, b: str | None, limit: float | None, request: gr.Request
    ) -> Outputs:
        user = ctx.user(request)
        known = {r.id for r in ctx.store.list_eval_runs(user)}
        if not a or not b or a not in known or b not in known:
            return ("Choose two stored runs.", gr.skip())
        folder = _runs_dir(ctx)
        text, code = cli_compare(folder / f"{a}.jsonl", folder / f"{b}.jsonl", float(limit or 0.05))
        verdict = (
            "⚠️ Regression beyond the threshold."
            if code
            else ok("No regression beyond the threshold.")
        )
        return (verdict, text)

    run.click(
        evaluate,
        [suite_pick, config],
        [status, summary, report, files, base, other],
        api_name="run_eval",
    )
    compare.click(
        compare_them, [base, other, threshold], [status, comparison], api_name="compare_runs"
    )
    return (base, other, run_choices)


# -- Knowledge ----------------------------------------------------------------------------------


def _knowledge_tab(ctx: AppContext) -> Any:
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


def build_app(
    settings: Settings, knowledge: Any | None = None, store: Store | None = None
) -> gr.Blocks:
    """The app's page over ``knowledge`` (the bundled knowledge base when not given) and the
    store in ``settings``. Serve it as :func:`guidance_assistant.ui.launch` does, through
    :func:`guidance_assistant.ui.server.build_server`: that adds the login and the route that
    hands exports to their owners (without it, export links answer 404)."""
    if knowledge is None:
        from guidance_assistant.retrieval import KnowledgeBase

        knowledge = KnowledgeBase.bundled(settings=settings, progress=False)
    ctx = AppContext(settings=settings, store=store or Store(settings), knowledge=knowledge)
    return build_blocks(ctx)


def build_blocks(ctx: AppContext) -> gr.Blocks:
    """The app's page over the shared objects in ``ctx``."""
    clients: list[Any] = []
    with gr.Blocks(title="Guidance assistant") as demo:
        with gr.Row():
            gr.Markdown("# Guidance assistant")
            who = gr.Markdown(elem_id="signed-in")
            gr.Button("Sign out", link="/logout", size="sm", scale=0)
        with gr.Tabs():
            with gr.Tab("Prepare", id="prepare", visible=False) as prepare_tab:
                _prepare_tab(ctx, clients)
            with gr.Tab("Session", id="session", visible=False) as session_tab:
                _session_tab(ctx, clients)
            with gr.Tab("Practice", id="practice", visible=False) as practice_tab:
                trainee_box, supervisor_box = _practice_tab(ctx)
            with gr.Tab("Review", id="review", visible=False) as review_tab:
                guidance_box, practice_box, practice_commenting = _review_tab(ctx)
            with gr.Tab("Evaluate", id="evaluate", visible=False) as evaluate_tab:
                run_a, run_b, run_choices = _evaluate_tab(ctx)
            with gr.Tab("Knowledge", id="knowledge") as knowledge_tab:
                editor = _knowledge_tab(ctx)
        del knowledge_tab

        def on_load(request: gr.Request) -> Outputs:
            try:
                user = ctx.user(request)
            except Exception as error:
                return (message(error), *([gr.skip()] * 15))
            role = user.role
            choices = _client_choices(ctx.store, user)
            runs = run_choices(user) if role in EVAL_ROLES else gr.update(choices=[])
            shown = escape(user.display_name or user.username)
            return (
                f"Signed in as **{shown}** ({escape(role)})",
                gr.update(visible=role in GUIDANCE_ROLES),
                gr.update(visible=role in GUIDANCE_ROLES),
                gr.update(visible=role in PRACTICE_ROLES),
                gr.update(visible=role in (*GUIDANCE_ROLES, *PRACTICE_ROLES)),
                gr.update(visible=role in EVAL_ROLES),
                gr.update(visible=role in ("trainee", "admin")),
                gr.update(visible=role in ("supervisor", "admin")),
                gr.update(visible=role in GUIDANCE_ROLES),
                gr.update(visible=role in PRACTICE_ROLES),
                gr.update(visible=role in ("supervisor", "admin")),
                gr.update(visible=role in KNOWLEDGE_EDIT_ROLES),
                *[gr.update(choices=choices) for _ in clients],
                runs,
                runs,
            )

        demo.load(
            on_load,
            None,
            [
                who,
                prepare_tab,
                session_tab,
                practice_tab,
                review_tab,
                evaluate_tab,
                trainee_box,
                supervisor_box,
                guidance_box,
                practice_box,
                practice_commenting,
                editor,
                *clients,
                run_a,
                run_b,
            ],
            api_visibility="undocumented",
        )
    demo.queue(default_concurrency_limit=8)
    return cast(gr.Blocks, demo)
