"""What every page shares: the settings, the store, the knowledge base, and the signed-in user
looked up from the request on every action (never from anything the browser sends)."""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guidance_assistant.config import Settings
from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.store import PermissionDeniedError, Store, User
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
    exports: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="ga-exports-")))

    def user(self, request: Any) -> User:
        """The signed-in user of ``request`` (a ``gr.Request``), loaded from the store now."""
        username = getattr(request, "username", None) if request is not None else None
        if not username:
            raise NotSignedInError("You are not signed in: reload the page and sign in.")
        user = self.store.signed_in_user(username)
        if user is None:
            raise PermissionDeniedError("Your account is no longer active; ask an admin.")
        return user

    def export_dir(self, user: User) -> Path:
        """A fresh folder for one export by ``user`` (files are served from here)."""
        base = self.exports / f"u{user.id}"
        base.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=base))

    def check_login(self, username: str, password: str) -> bool:
        """Gradio's ``auth=`` callable: the store checks the password."""
        try:
            self.store.authenticate(username, password)
        except GuidanceAssistantError:
            return False
        return True


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
