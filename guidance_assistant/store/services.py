"""The store: every read and write the app makes, with the permission check for each.

Authorisation lives here, not in the UI: each method takes the acting :class:`User` (reloaded
from the database on every call, so a changed role or a deactivated account counts at once) and
raises :class:`PermissionDeniedError` when the rules say no:

- advisers see and change only their own clients, sessions and briefs (admins see all);
- trainees see only their own practice sessions; supervisors only those of their trainees;
  only the trainee (or an admin) deletes one;
- only evaluators and admins see or save eval runs;
- only admins add users, link trainees to supervisors or read the audit log of sign-ins.

Turns are committed one by one (:meth:`Store.append_turn`, :class:`SessionRecorder`), so a
process killed mid-session loses at most the turn in flight.
"""

from __future__ import annotations

from guidance_assistant.store.repos.accounts import AccountsRepo
from guidance_assistant.store.repos.base import NotFoundError, StoreCore
from guidance_assistant.store.repos.briefs import BriefsRepo
from guidance_assistant.store.repos.clients import ClientsRepo
from guidance_assistant.store.repos.evals import EvalRunsRepo
from guidance_assistant.store.repos.practice import PracticeRepo
from guidance_assistant.store.repos.retention import RetentionRepo
from guidance_assistant.store.repos.sessions import SessionRecorder, SessionsRepo
from guidance_assistant.store.repos.signin import AuditEntry, SignInRepo, SignInResult
from guidance_assistant.store.views import (
    EvalResultView,
    EvalRunSummary,
    PracticeSummary,
    PracticeView,
    PurgeResult,
    SessionSummary,
)


class Store(
    SignInRepo,
    AccountsRepo,
    ClientsRepo,
    SessionsRepo,
    BriefsRepo,
    PracticeRepo,
    EvalRunsRepo,
    RetentionRepo,
    StoreCore,
):
    """The app's one way to the database. Open with ``Store(settings)`` (runs migrations).

    A thin facade: each concern's reads and writes, with their permission checks, live in its
    own repository under ``store/repos/``."""


__all__ = [
    "AuditEntry",
    "EvalResultView",
    "EvalRunSummary",
    "NotFoundError",
    "PracticeSummary",
    "PracticeView",
    "PurgeResult",
    "SessionRecorder",
    "SessionSummary",
    "SignInResult",
    "Store",
]
