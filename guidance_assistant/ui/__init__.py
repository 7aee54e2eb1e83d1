"""Gradio front end: thin builders over the library.

:func:`build_app` makes the app (tabs for preparing, holding, practising, reviewing and
evaluating guidance sessions, and the knowledge search); :func:`launch` opens the store and the
bundled knowledge and serves it behind Gradio's login, checked by the store, with each user's
exports served to that user only (:mod:`guidance_assistant.ui.server`).
"""

from __future__ import annotations

import logging
import shutil
from typing import TYPE_CHECKING, Any

from guidance_assistant.config import Settings
from guidance_assistant.errors import GuidanceAssistantError

if TYPE_CHECKING:
    import gradio as gr

log = logging.getLogger(__name__)

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
SHUTDOWN_GRACE_S = 5


def build_app(settings: Settings, knowledge: Any | None = None) -> gr.Blocks:
    """The app over ``knowledge`` (the bundled knowledge base when not given)."""
    from guidance_assistant.ui.app import build_app as build

    return build(settings, knowledge)


def launch(settings: Settings) -> None:
    """Open the store (making a local admin on the first run), open (building on first run) the
    bundled knowledge, and serve the app behind a login (until the process is stopped)."""
    import uvicorn

    from guidance_assistant.retrieval import KnowledgeBase
    from guidance_assistant.store import Store
    from guidance_assistant.ui.app import build_blocks
    from guidance_assistant.ui.context import AppContext, has_users
    from guidance_assistant.ui.server import build_server

    local = settings.host in LOCAL_HOSTS
    store = Store(settings)
    if not local:
        log.warning(
            "The app listens on %s, beyond this computer: anyone who can reach it can try to "
            "sign in. Give every account a strong password and serve it over HTTPS (a reverse "
            "proxy) so that passwords and transcripts are not sent in clear.",
            settings.host,
        )
    if not local and not has_users(store):
        raise GuidanceAssistantError(
            "There are no accounts yet: create one with `guidance-assistant users add NAME "
            "--role admin` before serving beyond this computer."
        )
    password = store.ensure_admin() if local else None
    if password is not None:
        print(
            "First run: created the local admin account.\n"
            f"  user name: admin\n  password:  {password}\n"
            "This password is shown only once; change it or add accounts with "
            "`guidance-assistant users add`.",
            flush=True,
        )
    from guidance_assistant.ui.uploads import clear_upload_folder

    if cleared := clear_upload_folder(settings):
        print(f"Deleted {cleared} uploads left from the last run.", flush=True)
    print(f"Loading the knowledge index in {settings.resolved_index_dir} ...", flush=True)
    kb = KnowledgeBase.bundled(settings=settings)
    for problem in kb.load_problems:
        print(f"Skipped {problem}", flush=True)
    print(f"{len(kb)} passages ready.", flush=True)
    context = AppContext(settings=settings, store=store, knowledge=kb)
    server = build_server(context, build_blocks(context))
    shown_host = f"[{settings.host}]" if ":" in settings.host else settings.host
    print(f"Serving the app on http://{shown_host}:{settings.port}/", flush=True)
    try:
        uvicorn.run(
            server,
            host=settings.host,
            port=settings.port,
            log_level="warning",
            timeout_graceful_shutdown=SHUTDOWN_GRACE_S,  # open event streams never end
        )
    finally:
        shutil.rmtree(context.downloads.root, ignore_errors=True)
