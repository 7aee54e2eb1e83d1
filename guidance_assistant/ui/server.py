"""The web server: the Gradio app mounted at ``/`` on a FastAPI app that also serves the sign-in
page (with limits on guessing: :meth:`~guidance_assistant.store.Store.sign_in`) and each user's
exports to that user only (:mod:`guidance_assistant.ui.downloads`), all behind the
:class:`~guidance_assistant.ui.security.Gatekeeper` (closed routes, idle sessions, security
headers, errors by reference)."""

from __future__ import annotations

import asyncio
import math
from typing import Any

import gradio as gr
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount

from guidance_assistant.store import User
from guidance_assistant.ui.context import AppContext
from guidance_assistant.ui.downloads import add_download_route
from guidance_assistant.ui.recovery import add_recovery_route
from guidance_assistant.ui.security import (
    LOGIN_CSS,
    LOGIN_PATH,
    LOGIN_STYLE_PATH,
    Gatekeeper,
    GradioSessions,
    SessionClock,
    login_page,
)

AUTH_MESSAGE = "Sign in with your guidance-assistant account."
#: No fonts from other sites (the page's Content-Security-Policy would refuse them).
SYSTEM_FONTS = ["ui-sans-serif", "system-ui", "sans-serif"]
SYSTEM_MONO_FONTS = ["ui-monospace", "Consolas", "monospace"]


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


def _gradio_login_closed(username: str, password: str) -> bool:
    """Gradio's own login route is never reached (the gatekeeper answers ``/login/`` with 401
    or 404); signing in goes through ``POST /login`` here, which limits guessing."""
    del username, password
    return False


def _from_browser(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def add_login_routes(server: FastAPI, ctx: AppContext, sessions: GradioSessions) -> None:
    """``GET /login`` (the form), ``POST /login`` (a browser's form, or a client's form post
    answered in JSON as Gradio's own route answers) and ``GET /logout``."""

    @server.get(LOGIN_STYLE_PATH, include_in_schema=False)
    def login_style() -> Response:
        return Response(LOGIN_CSS, media_type="text/css")

    @server.get(LOGIN_PATH, include_in_schema=False)
    def login_form(request: Request) -> Response:
        if sessions.username(sessions.token(dict(request.cookies))):
            return RedirectResponse("/", status_code=303)
        return HTMLResponse(login_page())

    @server.post(LOGIN_PATH, include_in_schema=False)
    async def login(request: Request) -> Response:
        form = await request.form()
        username, password = str(form.get("username") or ""), str(form.get("password") or "")
        browser = _from_browser(request)
        if not username.strip() or not password:
            return _refusal(browser, 400, "Enter your user name and password.", username)
        address = request.client.host if request.client else None
        result = await ctx.sign_in(username, password, address)
        if result.user is None:
            await asyncio.sleep(result.delay)
            status = 429 if result.locked_for else 400
            refusal = _refusal(browser, status, result.message, username)
            if result.locked_for:
                refusal.headers["retry-after"] = str(math.ceil(result.locked_for))
            return refusal
        name, token = sessions.begin(result.user.username)
        answer: Response = (
            RedirectResponse("/", status_code=303) if browser else JSONResponse({"success": True})
        )
        answer.set_cookie(name, token, **sessions.cookie_options())
        return answer

    @server.get("/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        token = sessions.token(dict(request.cookies))
        username = sessions.gradio_app().tokens.get(token) if token else None
        if token:
            sessions.end(token)
        if isinstance(username, str):
            await asyncio.to_thread(ctx.store.record_event, "signed_out", username, None)
        answer = RedirectResponse(LOGIN_PATH, status_code=303)
        for cookie in sessions.cookie_names():
            answer.delete_cookie(cookie, path="/")
        return answer


def _refusal(browser: bool, status: int, message: str, username: str) -> Response:
    if browser:
        return HTMLResponse(login_page(message, username.strip()[:80]), status_code=status)
    return JSONResponse({"detail": message}, status_code=status)


def build_server(ctx: AppContext, demo: gr.Blocks) -> FastAPI:
    """A FastAPI app serving ``demo`` behind the store's login (with limits on guessing), plus
    the owners-only ``/downloads/...`` route, all behind the gatekeeper. Run it with uvicorn."""
    server = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    mounted: list[Any] = []

    def gradio_app() -> Any:
        return mounted[0]

    sessions = GradioSessions(
        gradio_app, SessionClock(ctx.settings.session_idle_minutes * 60.0), ctx.settings.https
    )

    def signed_in(request: Request) -> User | None:
        username = gradio_username(mounted[0], request) if mounted else None
        return ctx.store.signed_in_user(username) if username else None

    # before the catch-all mount at "/", so that these are matched first
    add_login_routes(server, ctx, sessions)
    add_download_route(server, ctx.downloads, signed_in)
    add_recovery_route(server, signed_in)
    gr.mount_gradio_app(
        server,
        demo,
        path="/",
        auth=_gradio_login_closed,
        auth_message=AUTH_MESSAGE,
        show_error=False,
        footer_links=[],
        theme=gr.themes.Default(font=SYSTEM_FONTS, font_mono=SYSTEM_MONO_FONTS),
        # what the page gave its Blocks, as Blocks.launch() would take it
        css=getattr(demo, "_deprecated_css", None),
        js=getattr(demo, "_deprecated_js", None),
        head=getattr(demo, "_deprecated_head", None),
        app_kwargs={"docs_url": None, "redoc_url": None, "openapi_url": None},
    )
    mounted.extend(
        route.app
        for route in server.routes
        if isinstance(route, Mount) and isinstance(route.app, gr.routes.App)
    )
    if len(mounted) != 1:
        raise RuntimeError("the Gradio app was not mounted")

    def expired(username: str) -> None:
        ctx.store.record_event("session_expired", username, None)

    server.add_middleware(Gatekeeper, sessions=sessions, on_expired=expired)
    return server
