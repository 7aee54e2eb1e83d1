"""The web server: the Gradio app mounted at ``/`` on a FastAPI app that also serves each
user's exports to that user only (:mod:`guidance_assistant.ui.downloads`)."""

from __future__ import annotations

from typing import Any

import gradio as gr
from fastapi import FastAPI, Request
from starlette.routing import Mount

from guidance_assistant.store import User
from guidance_assistant.ui.context import AppContext
from guidance_assistant.ui.downloads import add_download_route

AUTH_MESSAGE = "Sign in with your guidance-assistant account."


def gradio_username(gradio_app: Any, request: Request) -> str | None:
    """The user name Gradio's login gave the request's session cookie (as Gradio's own
    ``/gradio_api/user`` route finds it), or ``None``."""
    cookie_id = gradio_app.cookie_id
    token = request.cookies.get(f"access-token-{cookie_id}") or request.cookies.get(
        f"access-token-unsecure-{cookie_id}"
    )
    if not token:
        return None
    username = gradio_app.tokens.get(token)
    return username if isinstance(username, str) else None


def build_server(ctx: AppContext, demo: gr.Blocks) -> FastAPI:
    """A FastAPI app serving ``demo`` behind the store's login, plus the owners-only
    ``/downloads/...`` route. Run it with uvicorn."""
    server = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    mounted: list[Any] = []

    def signed_in(request: Request) -> User | None:
        username = gradio_username(mounted[0], request) if mounted else None
        return ctx.store.signed_in_user(username) if username else None

    add_download_route(server, ctx.downloads, signed_in)  # before the catch-all mount at "/"
    gr.mount_gradio_app(
        server, demo, path="/", auth=ctx.check_login, auth_message=AUTH_MESSAGE, show_error=False
    )
    mounted.extend(
        route.app
        for route in server.routes
        if isinstance(route, Mount) and isinstance(route.app, gr.routes.App)
    )
    if len(mounted) != 1:
        raise RuntimeError("the Gradio app was not mounted")
    return server
