"""The web server's closed surface: who may reach which route, idle sessions, security headers,
the sign-in page, and errors shown by reference only.

:class:`Gatekeeper` is an ASGI middleware in front of everything the server answers (the Gradio
app and the export route):

- Without a signed-in session only the sign-in page (``/login``, its style sheet and the icon)
  answers; a page asked for by a browser is sent to ``/login``, anything else gets 401. No API
  description, schema or configuration reaches anyone who has not signed in.
- Signed in, only the routes the app's page and the Python client use answer (:data:`SIGNED_IN`);
  every other route Gradio registers (its OpenAPI schema, ``/gradio_api/token``, the proxy,
  monitoring, MCP, ...) answers 404 to everyone. ``/gradio_api/file=`` serves only files the app
  declared as its own static files (none today) and never anything in Gradio's upload or cache
  folders, to no one.
- A session unused for ``session_idle_minutes`` is signed out: its token is dropped and the
  request is treated as anonymous.
- Every response carries a Content-Security-Policy (the app's own inline scripts get a fresh
  nonce on each page; no other inline script and nothing from other origins runs; Gradio's
  HTML component needs ``'unsafe-eval'``), ``frame-ancestors 'none'``,
  ``X-Frame-Options: DENY``, ``X-Content-Type-Options: nosniff``, a Referrer-Policy, and HSTS
  when served over HTTPS.
- A server error is answered with a reference id only; the id and the traceback go to the log.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
import os
import re
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

LOGIN_PATH = "/login"
LOGIN_STYLE_PATH = "/login.css"
#: Answer without a session: the sign-in page and what it needs (browsers fetch the web app
#: manifest without cookies; it holds the app's name only).
PUBLIC = frozenset({LOGIN_PATH, LOGIN_STYLE_PATH, "/favicon.ico", "/manifest.json"})
#: Answer to a signed-in session: exact paths, and path prefixes (the page's own assets, the
#: queue, uploads, the exports route). Everything else answers 404.
SIGNED_IN_EXACT = frozenset(
    {
        "/",
        "/session/alive",  # the page's check that its sign-in holds (ui.recovery)
        "/config",
        "/logout",
        "/theme.css",
        "/gradio_api/info",
        "/gradio_api/upload",
        "/gradio_api/upload_progress",
        "/gradio_api/cancel",
        "/gradio_api/reset",
        "/gradio_api/user",
        "/gradio_api/login_check",
        "/gradio_api/app_id",
        "/gradio_api/startup-events",
    }
)
SIGNED_IN_PREFIXES = (
    "/assets/",
    "/static/",
    "/svelte/",
    "/downloads/",
    "/gradio_api/queue/",
    "/gradio_api/heartbeat/",
    "/gradio_api/call/",
    "/gradio_api/stream/",
)
FILE_ROUTES = ("/gradio_api/file=", "/gradio_api/file/")
#: Cached by browsers (the page's built assets); everything else is ``no-store``.
CACHEABLE_PREFIXES = ("/assets/", "/static/", "/svelte/")

_SCRIPT_TAG = re.compile(rb"<script(?=[\s>])")


def error_reference() -> str:
    """A short id to quote to an admin; the log holds it with the traceback."""
    return f"E-{secrets.token_hex(4).upper()}"


def content_security_policy(nonce: str | None = None) -> str:
    """The policy every response carries; ``nonce`` lets a page's own inline scripts run."""
    # 'unsafe-eval': Gradio 6's HTML component compiles its template with Function(), and
    # without it every gr.HTML on the page stays empty. Inline scripts and scripts from other
    # sites stay refused: only the page's own tags (with this response's nonce) run.
    scripts = "'self' 'unsafe-eval'" + (f" 'nonce-{nonce}'" if nonce else "")
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",  # Gradio's components set styles inline
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "media-src 'self' blob:",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def security_headers(*, https: bool, nonce: str | None, cacheable: bool) -> dict[str, str]:
    headers = {
        "content-security-policy": content_security_policy(nonce),
        "x-frame-options": "DENY",
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "cross-origin-opener-policy": "same-origin",
        "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    }
    if not cacheable:
        headers["cache-control"] = "no-store"
    if https:
        headers["strict-transport-security"] = "max-age=31536000"
    return headers


@dataclass
class SessionClock:
    """When each signed-in session (a Gradio token) was last used. A token not seen for
    ``idle_seconds``, or never started here, is expired."""

    idle_seconds: float
    _seen: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self, token: str) -> None:
        with self._lock:
            self._seen[token] = time.monotonic()

    def touch(self, token: str) -> bool:
        """Whether ``token`` is live (then its idle time starts again)."""
        now = time.monotonic()
        with self._lock:
            last = self._seen.get(token)
            if last is None or now - last > self.idle_seconds:
                self._seen.pop(token, None)
                return False
            self._seen[token] = now
            return True

    def forget(self, token: str) -> None:
        with self._lock:
            self._seen.pop(token, None)

    def sweep(self) -> list[str]:
        """Forget every expired token; which they were."""
        now = time.monotonic()
        with self._lock:
            gone = [t for t, last in self._seen.items() if now - last > self.idle_seconds]
            for token in gone:
                del self._seen[token]
        return gone


@dataclass
class GradioSessions:
    """Gradio's sign-in tokens (``App.tokens``, read by ``gr.Request.username``) and the
    cookies that carry them, with idle expiry."""

    gradio_app: Callable[[], Any]
    clock: SessionClock
    https: bool

    def cookie_names(self) -> tuple[str, str]:
        cookie_id = self.gradio_app().cookie_id
        return f"access-token-{cookie_id}", f"access-token-unsecure-{cookie_id}"

    def token(self, cookies: dict[str, str]) -> str | None:
        secure, plain = self.cookie_names()
        return cookies.get(secure) or cookies.get(plain)

    def username(self, token: str | None) -> str | None:
        """The signed-in user name of a live ``token`` (the token is dropped once idle)."""
        if not token:
            return None
        name = self.gradio_app().tokens.get(token)
        if not isinstance(name, str):
            return None
        if not self.clock.touch(token):
            self.end(token)
            return None
        return name

    def begin(self, username: str) -> tuple[str, str]:
        """A new session for ``username``: its cookie's name and value. Sessions left idle
        (a closed browser never comes back) are dropped on the way."""
        for stale in self.clock.sweep():
            self.gradio_app().tokens.pop(stale, None)
        token = secrets.token_urlsafe(32)
        self.gradio_app().tokens[token] = username
        self.clock.start(token)
        secure, plain = self.cookie_names()
        return (secure if self.https else plain), token

    def end(self, token: str) -> None:
        self.gradio_app().tokens.pop(token, None)
        self.clock.forget(token)

    def cookie_options(self) -> dict[str, Any]:
        return {"httponly": True, "samesite": "strict", "secure": self.https, "path": "/"}


def _cache_folders(gradio_app: Any) -> list[Path]:
    """Every folder Gradio may keep uploads or processed files in."""
    from gradio.utils import get_cache_folder, get_upload_folder

    found = [get_upload_folder(), str(get_cache_folder())]
    found.append(getattr(gradio_app, "uploaded_file_dir", ""))
    found.append(os.environ.get("GRADIO_TEMP_DIR", ""))
    found.append(str(Path(tempfile.gettempdir()) / "gradio"))
    return [Path(folder).resolve() for folder in found if folder]


def _inside(path: Path, folders: Iterable[Path]) -> bool:
    return any(path == folder or folder in path.parents for folder in folders)


def file_route_allows(gradio_app: Any, target: str) -> bool:
    """Whether ``/gradio_api/file=<target>`` may be served: a local file the app declared
    static or allowed, and nowhere in Gradio's upload and cache folders; never a URL."""
    from gradio.data_classes import _StaticFiles

    if not target or "://" in target or target.startswith(("http:", "https:", "//")):
        return False
    try:
        path = Path(target).resolve()
    except (OSError, ValueError):
        return False
    if _inside(path, _cache_folders(gradio_app)):
        return False
    blocks = gradio_app.get_blocks()
    declared = [*blocks.allowed_paths, *_StaticFiles.all_paths]
    return path.is_file() and _inside(path, [Path(p).resolve() for p in declared])


def _signed_in_route(path: str) -> bool:
    return path in SIGNED_IN_EXACT or path.startswith(SIGNED_IN_PREFIXES)


def _wants_html(scope: Scope) -> bool:
    return "text/html" in Headers(scope=scope).get("accept", "")


class Gatekeeper:
    """The ASGI middleware described in the module's docstring."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        sessions: GradioSessions,
        on_expired: Callable[[str], None] | None = None,
    ) -> None:
        self.app = app
        self.sessions = sessions
        self.on_expired = on_expired

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":  # the app uses none
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        method: str = scope["method"]
        cacheable = path.startswith(CACHEABLE_PREFIXES)
        nonce = secrets.token_urlsafe(16) if path == "/" and method == "GET" else None
        headers = security_headers(https=self.sessions.https, nonce=nonce, cacheable=cacheable)
        guarded = _HeaderedSend(send, headers)

        if path in PUBLIC:
            await self._forward(scope, receive, guarded, None)
            return
        username = await self._username(scope)
        if username is None:
            await self._refuse_anonymous(scope, guarded)
            return
        if not _signed_in_route(path) and not path.startswith(FILE_ROUTES):
            await _plain(guarded, 404, "Not found.", scope)
            return
        if path.startswith(FILE_ROUTES):
            target = next(path[len(route) :] for route in FILE_ROUTES if path.startswith(route))
            if not file_route_allows(self.sessions.gradio_app(), target):
                await _plain(guarded, 404, "Not found.", scope)
                return
        await self._forward(scope, receive, guarded, nonce)

    async def _username(self, scope: Scope) -> str | None:
        request = Request(scope)
        token = self.sessions.token(dict(request.cookies))
        if not token:
            return None
        known = self.sessions.gradio_app().tokens.get(token)
        name = self.sessions.username(token)
        if name is None and isinstance(known, str) and self.on_expired is not None:
            await asyncio.to_thread(self.on_expired, known)
        return name

    async def _refuse_anonymous(self, scope: Scope, send: Send) -> None:
        if scope["method"] in ("GET", "HEAD") and _wants_html(scope):
            await send(
                {
                    "type": "http.response.start",
                    "status": 303,
                    "headers": [(b"location", LOGIN_PATH.encode()), (b"content-length", b"0")],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        await _plain(send, 401, "Sign in first.", scope)

    async def _forward(
        self, scope: Scope, receive: Receive, send: _HeaderedSend, nonce: str | None
    ) -> None:
        if nonce is not None:  # the page is rewritten: ask for it uncompressed
            scope = dict(scope)
            scope["headers"] = [(k, v) for k, v in scope["headers"] if k != b"accept-encoding"]
        reply = _ReplyWatch(send, nonce)
        try:
            await self.app(scope, receive, reply)
        except Exception:
            reference = error_reference()
            log.exception("server error %s on %s %s", reference, scope["method"], scope["path"])
            if not reply.started:
                await _error_page(send, reference, scope)
            return
        if reply.failed is not None:
            reference = error_reference()
            log.error(
                "server error %s on %s %s: %s answered %s",
                reference,
                scope["method"],
                scope["path"],
                reply.failed,
                reply.held_body[:2000].decode("utf-8", "replace"),
            )
            await _error_page(send, reference, scope)


class _HeaderedSend:
    """``send`` with the security headers set on the response's start."""

    def __init__(self, send: Send, headers: dict[str, str]) -> None:
        self.send = send
        self.headers = headers

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            ours = {name.encode("latin-1") for name in self.headers}
            kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in ours]
            added = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in self.headers.items()]
            message = {**message, "headers": kept + added}
        await self.send(message)


class _ReplyWatch:
    """Passes a response on, except that a 5xx is held back (to be replaced by a page with a
    reference id) and an HTML page gets ``nonce`` on each of its ``<script>`` tags."""

    def __init__(self, send: _HeaderedSend, nonce: str | None) -> None:
        self.send = send
        self.nonce = nonce
        self.started = False
        self.failed: int | None = None
        self.held_start: Message | None = None
        self.held_body = b""

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            status = int(message["status"])
            if status >= 500:
                self.failed = status
                return
            content_type = Headers(raw=message.get("headers", [])).get("content-type", "")
            if self.nonce is not None and content_type.startswith("text/html"):
                self.held_start = message
                return
            self.started = True
            await self.send(message)
            return
        if message["type"] != "http.response.body":
            await self.send(message)
            return
        if self.failed is not None:
            self.held_body += message.get("body", b"")
            return
        if self.held_start is None:
            await self.send(message)
            return
        self.held_body += message.get("body", b"")
        if message.get("more_body", False):
            return
        assert self.nonce is not None
        body = _SCRIPT_TAG.sub(f'<script nonce="{self.nonce}"'.encode(), self.held_body)
        headers = [(k, v) for k, v in self.held_start["headers"] if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        self.started = True
        await self.send({**self.held_start, "headers": headers})
        await self.send({"type": "http.response.body", "body": body})


async def _plain(send: Send, status: int, text: str, scope: Scope, **extra: str) -> None:
    if _wants_html(scope):
        body = page_html("Guidance assistant", f"<p>{html.escape(text)}</p>").encode()
        content_type = b"text/html; charset=utf-8"
    else:
        body = json.dumps({"detail": text, **extra}).encode()
        content_type = b"application/json"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _error_page(send: Send, reference: str, scope: Scope) -> None:
    text = (
        f"Something went wrong on the server. If it happens again, tell an admin the reference "
        f"{reference}."
    )
    await _plain(send, 500, text, scope, reference=reference)


def page_html(title: str, body: str) -> str:
    """A plain page of the app's own (the sign-in page, messages), with no script."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        f'<link rel="stylesheet" href="{LOGIN_STYLE_PATH}"></head>'
        f"<body><main>{body}</main></body></html>"
    )


def login_page(message: str | None = None, username: str = "") -> str:
    """The sign-in form; ``message`` (plain text) is shown above it."""
    shown = f'<p class="message" role="alert">{html.escape(message)}</p>' if message else ""
    return page_html(
        "Sign in - Guidance assistant",
        "<h1>Guidance assistant</h1>"
        "<p>Sign in with your guidance-assistant account.</p>"
        f"{shown}"
        f'<form method="post" action="{LOGIN_PATH}">'
        '<label for="username">Username</label>'
        f'<input id="username" name="username" autocomplete="username" required autofocus '
        f'value="{html.escape(username)}">'
        '<label for="password">Password</label>'
        '<input id="password" name="password" type="password" '
        'autocomplete="current-password" required>'
        '<button type="submit">Login</button></form>',
    )


LOGIN_CSS = """
body { font-family: system-ui, sans-serif; background: #f6f7f9; color: #1f2937; margin: 0; }
main { max-width: 22rem; margin: 10vh auto; background: #fff; padding: 2rem;
       border-radius: 0.5rem; box-shadow: 0 1px 4px rgba(0, 0, 0, 0.12); }
h1 { font-size: 1.4rem; margin-top: 0; }
form { display: flex; flex-direction: column; gap: 0.5rem; }
input { font: inherit; padding: 0.5rem; border: 1px solid #9ca3af; border-radius: 0.25rem; }
button { font: inherit; margin-top: 0.75rem; padding: 0.6rem; border: 0; border-radius: 0.25rem;
         background: #c2410c; color: #fff; cursor: pointer; }
.message { background: #fef2f2; border-left: 4px solid #b91c1c; padding: 0.5rem 0.75rem; }
"""
