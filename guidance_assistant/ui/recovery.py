"""A tab that recovers: the page notices when its sign-in no longer holds (the server restarted,
or the session expired) and says so plainly, instead of a bare "Error" on every panel.

The page polls ``/session/alive`` (:data:`ALIVE_PATH`, signed-in only) every
:data:`POLL_SECONDS` and after every failed request; when it answers 401, or the server cannot
be reached, a notice covers the page with what happened and a link to sign in again. After
signing in, the Session tab lists the interrupted session, which resumes at its last stored turn.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from importlib import resources

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from guidance_assistant.store import User

ALIVE_PATH = "/session/alive"
POLL_SECONDS = 15
#: Changes at every start of the server, so a page can tell a restart from an expiry.
BOOT_ID = secrets.token_hex(8)


def recovery_js() -> str:
    """The page script (Gradio's ``js=``: a function run once when the page loads)."""
    source = resources.files("guidance_assistant.ui").joinpath("recovery.js").read_text("utf-8")
    return source.replace("__ALIVE_PATH__", ALIVE_PATH).replace(
        "__POLL_MS__", str(POLL_SECONDS * 1000)
    )


def add_recovery_route(server: FastAPI, signed_in: Callable[[Request], User | None]) -> None:
    @server.get(ALIVE_PATH, include_in_schema=False)
    def alive(request: Request) -> Response:
        if signed_in(request) is None:
            return JSONResponse({"signed_in": False}, status_code=401)
        return JSONResponse({"signed_in": True, "boot": BOOT_ID})
