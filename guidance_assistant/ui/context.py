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
from guidance_assistant.retrieval.library import BackgroundIndexer
from guidance_assistant.store import PermissionDeniedError, SignInResult, Store, User
from guidance_assistant.ui.downloads import DownloadVault, downloads_html
from guidance_assistant.ui.render import escape
from guidance_assistant.ui.security import error_reference

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
    #: Adds advisers' documents in the background, one batch at a time.
    indexer: BackgroundIndexer = field(default_factory=BackgroundIndexer)

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

    async def sign_in(self, username: str, password: str, address: str | None) -> SignInResult:
        """The store's sign-in (limits, locks, audit), in a worker thread: the argon2 check
        takes CPU for a while, and many people signing in at once must not stall every other
        request on the event loop."""
        return await asyncio.to_thread(self.store.sign_in, username, password, address)


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
    reference = error_reference()
    log.error("unexpected error %s in the app", reference, exc_info=error)
    return (
        f"**Something went wrong** (reference {reference}). If it happens again, tell an admin "
        "this reference."
    )


def ok(text: str) -> str:
    return f"✅ {text}"


def has_users(store: Store) -> bool:
    """Whether any account exists (the first run has none)."""
    return store.has_users()
