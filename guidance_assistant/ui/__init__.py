"""Gradio front end: thin builders over the library."""

from __future__ import annotations

import logging

from guidance_assistant.config import Settings

log = logging.getLogger(__name__)


def launch(settings: Settings) -> None:
    """Open (building on first run) the bundled knowledge and serve the app."""
    from guidance_assistant.retrieval import KnowledgeBase
    from guidance_assistant.ui.search_page import build_search_app

    if settings.host not in ("127.0.0.1", "localhost", "::1"):
        log.warning(
            "The app listens on %s, beyond this computer, and has no accounts yet: "
            "anyone who can reach it can use it.",
            settings.host,
        )
    print(f"Loading the knowledge index in {settings.resolved_index_dir} ...", flush=True)
    kb = KnowledgeBase.bundled(settings=settings)
    for problem in kb.load_problems:
        print(f"Skipped {problem}", flush=True)
    print(f"{len(kb)} passages ready.", flush=True)
    demo = build_search_app(kb)
    demo.launch(server_name=settings.host, server_port=settings.port, show_error=True)
