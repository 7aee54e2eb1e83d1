"""Persistence and accounts: SQLite by default (``DATA_DIR/guidance.db``), PostgreSQL with
``GA_DATABASE_URL``; schema by Alembic migrations run in code; argon2 password hashes; the
:class:`Store` facade that checks the acting user's permission for every action."""

from guidance_assistant.store.accounts import (
    AccountError,
    AuthenticationError,
    PermissionDeniedError,
    hash_password,
    verify_password,
)
from guidance_assistant.store.commands import add_user, authenticate, ensure_admin, purge_expired
from guidance_assistant.store.db import StoreError, init_database, make_engine
from guidance_assistant.store.models import ROLES, Base, Client, Role, User
from guidance_assistant.store.redaction import redact_state, redact_text
from guidance_assistant.store.services import (
    AuditEntry,
    EvalResultView,
    EvalRunSummary,
    NotFoundError,
    PracticeSummary,
    PracticeView,
    PurgeResult,
    SessionRecorder,
    SessionSummary,
    SignInResult,
    Store,
)

__all__ = [
    "ROLES",
    "AccountError",
    "AuditEntry",
    "AuthenticationError",
    "Base",
    "Client",
    "EvalResultView",
    "EvalRunSummary",
    "NotFoundError",
    "PermissionDeniedError",
    "PracticeSummary",
    "PracticeView",
    "PurgeResult",
    "Role",
    "SessionRecorder",
    "SessionSummary",
    "SignInResult",
    "Store",
    "StoreError",
    "User",
    "add_user",
    "authenticate",
    "ensure_admin",
    "hash_password",
    "init_database",
    "make_engine",
    "purge_expired",
    "redact_state",
    "redact_text",
    "verify_password",
]
