"""The whole app: one tab per job, each a thin shell over the library and the store.

Every handler looks the signed-in user up from the request (``gr.Request.username``, set by
Gradio's login) and passes them to the :class:`~guidance_assistant.store.Store`, which checks
what they may do; a refusal or any library error becomes a plain message on the page. Tabs a
role cannot use are hidden, but hiding is only a convenience: the store decides.
"""

# No ``from __future__ import annotations`` here: Gradio reads the handlers' annotations to
# pass ``gr.Request`` and ``gr.Progress``.

from typing import Any, cast

import gradio as gr

from guidance_assistant.config import Settings
from guidance_assistant.store import Store
from guidance_assistant.ui.common import (
    EVAL_ROLES,
    GUIDANCE_ROLES,
    KNOWLEDGE_EDIT_ROLES,
    PRACTICE_ROLES,
    Outputs,
    load_lists,
)
from guidance_assistant.ui.context import AppContext, message
from guidance_assistant.ui.evaluate_tab import (
    build_evaluate_tab,
)
from guidance_assistant.ui.knowledge_tab import (
    build_knowledge_tab,
)
from guidance_assistant.ui.practice_tab import (
    build_practice_tab,
)
from guidance_assistant.ui.prepare_tab import (
    build_prepare_tab,
)
from guidance_assistant.ui.recovery import recovery_js
from guidance_assistant.ui.render import (
    escape,
)
from guidance_assistant.ui.review_tab import (
    build_review_tab,
)
from guidance_assistant.ui.session_tab import (
    build_session_tab,
)
from guidance_assistant.ui.uploads import DELETE_CACHE, use_private_upload_folder


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
    """The app's page over the shared objects in ``ctx``. Every list a tab shows is loaded
    when the page loads and again whenever its tab is opened (:func:`load_lists`)."""
    use_private_upload_folder(ctx.settings)
    with gr.Blocks(title="Guidance assistant", delete_cache=DELETE_CACHE, js=recovery_js()) as demo:
        with gr.Row():
            gr.Markdown("# Guidance assistant")
            who = gr.Markdown(elem_id="signed-in")
            gr.Button("Sign out", link="/logout", size="sm", scale=0)
        with gr.Tabs():
            with gr.Tab("Prepare", id="prepare", visible=False) as prepare_tab:
                prepared = build_prepare_tab(ctx)
            with gr.Tab("Session", id="session", visible=False) as session_tab:
                session_lists = build_session_tab(ctx, prepared.handover)
            with gr.Tab("Practice", id="practice", visible=False) as practice_tab:
                trainee_box, supervisor_box, practice_lists = build_practice_tab(ctx)
            with gr.Tab("Review", id="review", visible=False) as review_tab:
                guidance_box, practice_box, practice_commenting, review_lists = build_review_tab(
                    ctx
                )
            with gr.Tab("Evaluate", id="evaluate", visible=False) as evaluate_tab:
                evaluate_lists = build_evaluate_tab(ctx)
            with gr.Tab("Knowledge", id="knowledge") as knowledge_tab:
                editor, reindex_button, added_documents, list_documents = build_knowledge_tab(ctx)
        del knowledge_tab

        def on_load(request: gr.Request) -> Outputs:
            try:
                user = ctx.user(request)
            except Exception as error:
                return (message(error), *([gr.skip()] * 13))
            role = user.role
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
                gr.update(visible=role == "admin"),
                list_documents(request),
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
                reindex_button,
                added_documents,
            ],
            api_visibility="undocumented",
        )
        for tab, lists in [
            (prepare_tab, prepared.lists),
            (session_tab, session_lists),
            (practice_tab, practice_lists),
            (review_tab, review_lists),
            (evaluate_tab, evaluate_lists),
        ]:
            load_lists(demo, tab, lists)
    demo.queue(default_concurrency_limit=8)
    return cast(gr.Blocks, demo)
