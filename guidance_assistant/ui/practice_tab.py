"""The Practice tab: a trainee practises with a simulated client; supervisors review."""

# No ``from __future__ import annotations`` here: Gradio reads the handlers' annotations to
# pass ``gr.Request`` and ``gr.Progress``.

from pathlib import Path
from typing import Any

import gradio as gr

from guidance_assistant.practice import PracticeSession, load_personas
from guidance_assistant.practice.feedback import SessionFeedback, load_targets, turn_feedback
from guidance_assistant.practice.review import annotated_transcript, export_report, full_report
from guidance_assistant.store import NotFoundError, User
from guidance_assistant.ui.common import (
    PRACTICE_ROLES,
    ListLoader,
    LivePractice,
    Outputs,
    _downloads_box,
    _guard,
    _owned,
    _quiet,
    choices_keeping,
)
from guidance_assistant.ui.context import AppContext, ok, require_role
from guidance_assistant.ui.render import (
    escape,
    safe_markdown,
)


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
            stereotype=record.stereotype,
        )
        for record in view.records
    ]
    transcript = annotated_transcript(name, view.records, tips, view.comments)
    if view.feedback:
        report = full_report(SessionFeedback.model_validate(view.feedback), transcript)
    else:
        report = transcript
    return report, name


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def practice_choices(ctx: AppContext, user: User, text: str = "") -> list[tuple[str, int]]:
    """The practice sessions ``user`` may see, as dropdown choices, filtered by ``text`` (a
    trainee's name or a persona), each with its turns and supervisors' comments counted."""
    if user.role not in PRACTICE_ROLES:
        return []
    term = (text or "").strip().lower()
    return [
        (
            f"#{r.id} · {r.trainee} · {r.persona_id} · {_plural(r.turns, 'turn')} · "
            f"{_plural(r.comments, 'comment')}",
            r.id,
        )
        for r in ctx.store.list_practice_sessions(user)
        if not term or term in r.trainee.lower() or term in r.persona_id.lower()
    ]


def practice_review_panel(
    ctx: AppContext, prefix: str, *, deletable: bool = False
) -> tuple[Any, ListLoader]:
    """List the practice sessions the user may see, read one annotated, comment, export; and,
    when ``deletable``, delete one (the store lets only its trainee or an admin). Returns the
    commenting controls, which only supervisors and admins are shown (the store checks too),
    and the list, to load when the page loads and its tab opens."""
    with gr.Row():
        query = gr.Textbox(label="Filter (trainee or persona)", elem_id=f"{prefix}-filter")
        refresh = gr.Button("List practice sessions", elem_id=f"{prefix}-list")
    pick = gr.Dropdown(label="Practice session", choices=[], elem_id=f"{prefix}-pick")
    status = gr.Markdown(elem_id=f"{prefix}-status")
    report = gr.Markdown(elem_id=f"{prefix}-report")
    with gr.Row() as commenting:
        turn = gr.Number(  # Gradio shows an empty number as 0: 0 says it plainly
            label="Turn (0: the whole session)",
            precision=0,
            minimum=0,
            value=0,
            elem_id=f"{prefix}-turn",
        )
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
        choices = practice_choices(ctx, user, text)
        return (f"{len(choices)} practice session(s).", gr.update(choices=choices, value=None))

    @_quiet(1)
    def reload(text: str, current: Any, request: gr.Request) -> Outputs:
        """The list again, the session chosen kept (its comment count brought up to date)."""
        return (choices_keeping(practice_choices(ctx, ctx.user(request), text), current),)

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
    ).then(reload, [query, pick], pick, api_visibility="undocumented", show_progress="hidden")
    export.click(export_view, pick, [status, files], api_name=f"{prefix}_export")
    loader = ListLoader(reload, [query, pick], [pick])
    if not deletable:
        return commenting, loader

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
    return commenting, loader


def build_practice_tab(ctx: AppContext) -> tuple[Any, Any, list[ListLoader]]:
    """The Practice tab: the trainee's practice, and supervisors' list of their trainees'
    sessions. Returns the two boxes (shown by role) and the tab's lists."""
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
        _, supervised = practice_review_panel(ctx, "supervise")

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
    return trainee_box, supervisor_box, [supervised]


# -- Review -------------------------------------------------------------------------------------
