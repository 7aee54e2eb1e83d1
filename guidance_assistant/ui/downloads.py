"""Exports handed to the person who made them, and to nobody else.

Files the app makes for download (action plans, session and client JSON, practice reports, eval
results) are written under ``ROOT/u<user id>/<random token>/`` in a private folder that Gradio
does not serve (it is never in ``allowed_paths`` and never returned through a component, which
would copy it into Gradio's shared cache). They are fetched at ``downloads/<token>/<name>``
through :func:`add_download_route`, which looks the signed-in user up from the request and
looks *only in that user's own folder*: another account, or a request with no sign-in, gets a
404 or a 401 for the same link. Exports are removed after :attr:`DownloadVault.keep_for`.
"""

from __future__ import annotations

import html
import logging
import re
import secrets
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.store import User

log = logging.getLogger(__name__)

DOWNLOAD_ROUTE = "downloads"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,150}")


@dataclass(frozen=True)
class Download:
    """One file ready for its owner: ``url`` is relative to the app's page."""

    name: str
    token: str

    @property
    def url(self) -> str:
        return f"{DOWNLOAD_ROUTE}/{self.token}/{quote(self.name)}"


class DownloadVault:
    """Per-user export folders under ``root`` (a private folder, not served by Gradio)."""

    def __init__(self, root: Path, keep_for: timedelta = timedelta(hours=1)) -> None:
        self.root = root
        self.keep_for = keep_for
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)

    def _user_root(self, user_id: int) -> Path:
        return self.root / f"u{int(user_id)}"

    def new_folder(self, user: User) -> tuple[Path, str]:
        """A fresh folder for one export by ``user`` and its token (old exports are pruned)."""
        self.prune()
        token = secrets.token_urlsafe(24)
        folder = self._user_root(user.id) / token
        folder.mkdir(parents=True, mode=0o700)
        return folder, token

    def offer(self, user: User, folder: Path, token: str, paths: Iterable[Path]) -> list[Download]:
        """The files in ``folder`` (from :meth:`new_folder`) as downloads for ``user``."""
        expected = (self._user_root(user.id) / token).resolve()
        if folder.resolve() != expected:
            raise GuidanceAssistantError("That export folder is not this user's.")
        offered = []
        for path in paths:
            if path.resolve().parent != expected or not _NAME.fullmatch(path.name):
                raise GuidanceAssistantError(f"Cannot offer {path.name!r} for download.")
            offered.append(Download(path.name, token))
        return offered

    def copy_in(self, user: User, sources: Sequence[Path]) -> list[Download]:
        """Copies of existing files (e.g. a shared eval run's results) for ``user`` only."""
        folder, token = self.new_folder(user)
        copies = []
        for source in sources:
            target = folder / source.name
            shutil.copyfile(source, target)
            copies.append(target)
        return self.offer(user, folder, token, copies)

    def locate(self, user_id: int, token: str, name: str) -> Path | None:
        """The file ``name`` of export ``token`` in *this* user's folder, or ``None``."""
        if not _TOKEN.fullmatch(token) or not _NAME.fullmatch(name):
            return None
        path = self._user_root(user_id) / token / name
        if not path.is_file() or self._expired(path.parent):
            return None
        return path

    def _expired(self, folder: Path, now: float | None = None) -> bool:
        age = (time.time() if now is None else now) - folder.stat().st_mtime
        return age > self.keep_for.total_seconds()

    def prune(self, now: float | None = None) -> int:
        """Remove exports older than :attr:`keep_for`. Returns how many were removed."""
        removed = 0
        for folder in self.root.glob("u*/*"):
            try:
                if folder.is_dir() and self._expired(folder, now):
                    shutil.rmtree(folder)
                    removed += 1
            except OSError as error:  # another request pruned it first
                log.debug("could not prune %s: %s", folder, error)
        return removed


def downloads_html(downloads: Sequence[Download]) -> str:
    """Links to the files (names are ours, escaped all the same)."""
    if not downloads:
        return ""
    items = "".join(
        f'<li><a href="{html.escape(d.url, quote=True)}" download="{html.escape(d.name)}">'
        f"{html.escape(d.name)}</a></li>"
        for d in downloads
    )
    return f'<ul class="ga-downloads">{items}</ul>'


def add_download_route(
    server: FastAPI, vault: DownloadVault, signed_in: Callable[[Request], User | None]
) -> None:
    """Serve ``GET /downloads/<token>/<name>`` to the signed-in owner only.

    ``signed_in`` returns the active user of a request (``None`` when nobody is signed in).
    Register this before mounting the Gradio app at ``/``, so that it is matched first.
    """

    @server.get(f"/{DOWNLOAD_ROUTE}/{{token}}/{{name}}", include_in_schema=False)
    def download(token: str, name: str, request: Request) -> FileResponse:
        user = signed_in(request)
        if user is None:
            raise HTTPException(status_code=401, detail="Sign in to download your exports.")
        path = vault.locate(user.id, token, name)
        if path is None:  # also when it is someone else's: their folder is never looked in
            raise HTTPException(status_code=404, detail="No such export of yours.")
        return FileResponse(
            path,
            filename=name,
            headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
        )
