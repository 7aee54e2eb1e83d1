"""The Session tab: an adviser runs a guidance session to a written, dated plan."""

# No ``from __future__ import annotations`` here: Gradio reads the handlers' annotations to
# pass ``gr.Request`` and ``gr.Progress``.

import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from guidance_assistant.interview import open_session
from guidance_assistant.interview.session import ReplyDone
from guidance_assistant.store import User
from guidance_assistant.ui.common import (
    GUIDANCE_ROLES,
    YEAR_NOT_KNOWN,
    ListLoader,
    LiveSession,
    Outputs,
    _client_choices,
    _downloads_box,
    _guard,
    _owned,
    _quiet,
    choices_keeping,
    need_choices,
    school_year_choices,
)
from guidance_assistant.ui.context import AppContext, message, ok
from guidance_assistant.ui.prepare_tab import BriefHandover
from guidance_assistant.ui.render import (
    chat_messages,
    citations_markdown,
    escape,
    reply_in_progress,
    safeguarding_markdown,
    stage_tracker_html,
    state_markdown,
    wording_not_used,
)


def _guard_stream(
    count: int,
) -> Callable[[Callable[..., Iterator[Outputs]]], Callable[..., Iterator[Outputs]]]:
    """:func:`_guard` for a handler that yields its outputs (Gradio shows each as it comes)."""

    def decorate(func: Callable[..., Iterator[Outputs]]) -> Callable[..., Iterator[Outputs]]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Iterator[Outputs]:
            try:
                yield from func(*args, **kwargs)
            except Exception as error:  # shown to the user as a plain message
                yield (message(error), *([gr.skip()] * count))

        return wrapper

    return decorate


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


def interrupted_choices(ctx: AppContext, user: User) -> list[tuple[str, int]]:
    """The user's own sessions that were not ended, newest first, as dropdown choices."""
    if user.role not in GUIDANCE_ROLES:
        return []
    return [
        (
            f"Session {s.id}: {s.client_reference}, {s.turns} turns, "
            f"{(s.stage or 'not started').replace('_', ' ')}, last saved "
            f"{s.updated_at:%d %b %Y %H:%M} UTC",
            s.id,
        )
        for s in ctx.store.list_sessions(user)
        if not s.ended and s.owner_id == user.id
    ]


def build_session_tab(ctx: AppContext, handover: BriefHandover | None = None) -> list[ListLoader]:
    """The Session tab; a brief saved in Prepare (``handover``) chooses its client here and
    fills in the school year and needs. Returns the tab's lists, to load when it opens."""
    with gr.Row():
        client = gr.Dropdown(label="Client", choices=[], elem_id="session-client", scale=2)
        new_ref = gr.Textbox(label="New client reference", scale=2, elem_id="session-new-ref")
        add = gr.Button("Add client", scale=1, elem_id="session-add-client")
    with gr.Row():
        year = gr.Dropdown(
            school_year_choices(),
            value=YEAR_NOT_KNOWN,
            label="School year",
            elem_id="session-year",
        )
        needs = gr.CheckboxGroup(need_choices(), label="Needs to plan for", elem_id="session-needs")
    start = gr.Button("Start session", variant="primary", elem_id="session-start")
    with gr.Row():
        interrupted = gr.Dropdown(
            label="Interrupted sessions (not ended; every turn was saved)",
            choices=[],
            allow_custom_value=True,  # choices are per user; the store checks each session
            scale=4,
            elem_id="session-interrupted",
        )
        resume = gr.Button("Resume", scale=1, elem_id="session-resume")
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
        client_id: Any, year_group: int | None, need_list: list[str], request: gr.Request
    ) -> Outputs:
        user = ctx.user(request)
        if client_id is None:
            return ("Choose or add a client first.", *([gr.skip()] * 6))
        profile = {"year_group": int(year_group) if year_group else None, "needs": need_list}
        session = open_session(
            profile, backend=ctx.settings.backend, knowledge=ctx.knowledge, settings=ctx.settings
        )
        turn = session.opening()
        recorder = ctx.store.start_recording(user, int(client_id), session)
        live = LiveSession(session, recorder.session_id, int(client_id), user.username)
        return (
            ok(f"Session {live.session_id} started; every turn is saved as it happens."),
            *_session_views(live, turn.citations),
            live,
        )

    @_guard(6)
    def pick_up(session_id: Any, request: gr.Request) -> Outputs:
        user = ctx.user(request)
        if session_id is None:
            return ("Choose an interrupted session first.", *([gr.skip()] * 6))
        number = int(session_id)
        session = ctx.store.load_guidance_session(
            user, number, backend=ctx.settings.backend, knowledge=ctx.knowledge
        )
        recorder = ctx.store.recorder(user, number)
        live = LiveSession(
            session, number, ctx.store.session_client_id(user, number), user.username
        )
        turns = recorder.written
        return (
            ok(f"Session {number} resumed at its last saved turn ({turns} turns)."),
            *_session_views(live, []),
            live,
        )

    @_guard_stream(7)
    def say(message_text: str, live: Any, request: gr.Request) -> Iterator[Outputs]:
        """The reply to the client's message. A model that streams shows its words as it
        writes them, marked as a draft being checked; then they are confirmed, or replaced by
        the engine's draft with a note. Offline, the reply comes whole."""
        user = ctx.user(request)
        current: LiveSession = _owned(live, user, LiveSession)
        earlier = chat_messages(current.session.state.transcript)
        asked = {"role": "user", "content": escape(message_text)}
        rest = [gr.skip()] * 6
        try:
            for event in current.session.reply_stream(message_text):
                if not isinstance(event, ReplyDone):
                    yield ("", [*earlier, asked, reply_in_progress(event.text)], *rest)
                    continue
                ctx.store.recorder(user, current.session_id).record(current.session)
                views = _session_views(current, event.turn.citations)
                status = ""
                if event.streamed and not event.confirmed:
                    status = wording_not_used(event.turn.fallback)
                    chat = views[0]
                    chat[-1] = {**chat[-1], "content": f"{chat[-1]['content']}\n\n{status}"}
                yield (status, *views, current, "")
        except Exception as error:  # no turn was kept: the chat as it was, and why
            yield (message(error), *_session_views(current, []), current, gr.skip())

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

    @_quiet(2)
    def reload_lists(current_client: Any, current_session: Any, request: gr.Request) -> Outputs:
        user = ctx.user(request)
        return (
            choices_keeping(_client_choices(ctx.store, user), current_client),
            choices_keeping(interrupted_choices(ctx, user), current_session),
        )

    @_quiet(3)
    def take_over(handed: dict[str, Any] | None, request: gr.Request) -> Outputs:
        """A brief just saved in Prepare: its client chosen, its year and needs filled in."""
        user = ctx.user(request)
        if not handed:
            return (gr.skip(), gr.skip(), gr.skip())
        return (
            gr.update(choices=_client_choices(ctx.store, user), value=handed["client_id"]),
            handed["year_group"] or YEAR_NOT_KNOWN,
            handed["needs"],
        )

    if handover is not None:
        handover.saved.then(
            take_over,
            handover.state,
            [client, year, needs],
            api_visibility="undocumented",
            show_progress="hidden",
        )
    add.click(add_client, new_ref, [status, client, new_ref], api_name="session_add_client")
    start.click(
        begin, [client, year, needs], [status, *views, live_state], api_name="start_session"
    )
    resume.click(pick_up, interrupted, [status, *views, live_state], api_name="resume_session")
    send.click(say, [text, live_state], [status, *views, live_state, text], api_name="send_message")
    text.submit(
        say, [text, live_state], [status, *views, live_state, text], api_visibility="undocumented"
    )
    save.click(save_all, live_state, status, api_name="save_session")
    export.click(export_plan, live_state, [status, files], api_name="export_plan")
    return [ListLoader(reload_lists, [client, interrupted], [client, interrupted])]


# -- Practice -----------------------------------------------------------------------------------
