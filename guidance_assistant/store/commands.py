"""Plain functions for the command line (``guidance-assistant users add`` and friends).

They act as the machine's local administrator: whoever can run the command can read the
database file anyway, so no signed-in user is asked for. The app itself goes through
:class:`~guidance_assistant.store.services.Store`, which checks the acting user every time.
"""

from __future__ import annotations

from datetime import datetime

from guidance_assistant.config import Settings, get_settings
from guidance_assistant.store.models import User
from guidance_assistant.store.services import PurgeResult, Store


def _store(settings: Settings | None) -> Store:
    return Store(settings if settings is not None else get_settings())


def add_user(
    username: str,
    password: str,
    role: str,
    *,
    supervisor: str | None = None,
    display_name: str | None = None,
    settings: Settings | None = None,
) -> User:
    """Create an account (raises :class:`~guidance_assistant.store.accounts.AccountError` with a
    plain reason: taken name, unknown role, short password, unknown supervisor)."""
    with _store(settings) as store, store._tx() as db:
        return store._create_user(
            db, username, password, role, supervisor=supervisor, display_name=display_name
        )


def ensure_admin(username: str = "admin", *, settings: Settings | None = None) -> str | None:
    """First run: create a local admin and return its password (print it once); ``None`` when
    accounts exist already."""
    with _store(settings) as store:
        return store.ensure_admin(username)


def authenticate(username: str, password: str, *, settings: Settings | None = None) -> User:
    with _store(settings) as store:
        return store.authenticate(username, password)


def purge_expired(now: datetime | None = None, *, settings: Settings | None = None) -> PurgeResult:
    """Delete what is older than ``retention_days`` (nothing when it is unset)."""
    with _store(settings) as store:
        return store.purge_expired(now)
