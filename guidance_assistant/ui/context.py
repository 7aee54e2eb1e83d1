"""What every page shares: the settings, the store, the knowledge base, and the signed-in user
looked up from the request on every action (never from anything the browser sends)."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guidance_assistant.config import Settings
from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.store import PermissionDeniedError, Store, User
from guidance_assistant.ui.downloads import DownloadVault, downloads_html
from guidance_assistant.ui.render import escape

log = logging.getLogger(__name__)

ALL_ROLES = ("adviser", "trainee", "supervisor", "evaluator", "admin")


class NotSignedInError(GuidanceAssistantError):
    """The request carries no signed-in user (or one that no longer exists)."""


@dataclass
class AppContext:
    """The app's shared objects. ``knowledge`` may be swapped when the index is rebuilt."""

    settings: Settings
    store: Store
    knowledge: Any
    downloads: DownloadVault = field(
        default_factory=lambda: DownloadVault(Path(tempfile.mkdtemp(prefix="ga-exports-")))
    )

    def user(self, request: Any) -> User:
        """The signed-in user of ``request`` (a ``gr.Request``), loaded from the store now."""
        username = getattr(request, "username", None) if request is not None else None
        if not username:
            raise NotSignedInError("You are not signed in: reload the page and sign in.")
        user = self.store.signed_in_user(username)
        if user is None:
            raise PermissionDeniedError("Your account is no longer active; ask an admin.")
        return user

    def offer_downloads(self, user: User, write: Callable[[Path], Iterable[Path]]) -> str:
        """Links to the files ``write`` puts in a fresh private folder of ``user``'s: only
        ``user``, signed in, can fetch them (see :mod:`guidance_assistant.ui.downloads`)."""
        folder, token = self.downloads.new_folder(user)
        return downloads_html(self.downloads.offer(user, folder, token, write(folder)))

    def offer_copies(self, user: User, sources: Sequence[Path]) -> str:
        """Links to private copies of ``sources`` for ``user`` only."""
        return downloads_html(self.downloads.copy_in(user, sources))

    def check_password(self, username: str, password: str) -> bool:
        """Whether the store accepts these credentials (an argon2 check: CPU for a while)."""
        try:
            self.store.authenticate(username, password)
        except GuidanceAssistantError:
            return False
        return True

    async def check_login(self, username: str, password: str) -> bool:
        """Gradio's ``auth=`` callable. Gradio awaits a coroutine but calls a plain function
        on its event loop, so the password hash is checked in a worker thread: many people
        signing in at once do not stall every other request."""
        return await asyncio.to_thread(self.check_password, username, password)


def require_role(user: User, roles: tuple[str, ...], doing: str) -> None:
    """A server-side role check for what the store does not guard (the shared index)."""
    if user.role not in roles:
        who = " or ".join(f"{r}s" for r in roles)
        raise PermissionDeniedError(f"Only {who} can {doing}.")


def message(error: Exception) -> str:
    """A library error as a plain message for the page."""
    if isinstance(error, PermissionDeniedError):
        return f"**Not allowed:** {escape(str(error))}"
    if isinstance(error, GuidanceAssistantError):
        return f"**Cannot do that:** {escape(str(error))}"
    log.exception("unexpected error in the app", exc_info=error)
    return "**Something went wrong.** The error is in the server's log."


def ok(text: str) -> str:
    return f"✅ {text}"


def has_users(store: Store) -> bool:
    """Whether any account exists (the first run has none)."""
    return store.has_users()
