"""Signing in that resists guessing, and the audit log of sign-ins.

Failed sign-ins are counted per account and per client address with the ``limits`` library
(fixed windows of ``login_failure_window_hours``), its counters kept in the database
(:class:`~guidance_assistant.store.ratelimit.SQLStorage`) so a restart forgets nothing. At
``login_max_failures`` failures for an account (``login_max_failures_per_address`` for an
address) it is locked for ``login_lock_seconds``; each further failure, once the lock is over,
locks it again for twice as long (up to ``login_lock_max_seconds``). While locked, even the
right password is refused, with a plain message, and the password is not checked at all. A
successful sign-in clears the account's count (not the address's: one good account must not
wipe out the guesses made at others). Unknown user names are counted like real ones, so a lock
says nothing about which names exist.

Every sign-in, failure, lock and refusal is written to ``audit_events``; only admins read it.
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from limits import RateLimitItem, RateLimitItemPerHour
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import select

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.store.models import AuditEvent, User
from guidance_assistant.store.ratelimit import SQLStorage
from guidance_assistant.store.repos.accounts import AccountsRepo

Scope = Literal["account", "address"]
AuditKind = Literal[
    "signed_in",
    "failed",
    "locked",
    "refused_locked",
    "signed_out",
    "session_expired",
    "document_added",
    "document_removed",
]

WRONG = "Wrong user name or password."
MAX_DELAY_DOUBLINGS = 3  # the pause before a failure's answer grows to 8 times its base
MAX_AUDIT_ROWS = 10_000


@dataclass(frozen=True)
class SignInResult:
    """What a sign-in attempt came to. ``message`` is for the person; ``delay`` is how long to
    wait before answering (it grows with failures); ``locked_for`` the seconds a lock has to
    run (0 when none)."""

    user: User | None
    message: str
    delay: float = 0.0
    locked_for: float = 0.0

    @property
    def ok(self) -> bool:
        return self.user is not None


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log."""

    at: datetime
    event: str
    username: str | None
    address: str | None
    detail: str


def _wait_words(seconds: float) -> str:
    if seconds < 90:
        whole = max(1, math.ceil(seconds))
        return f"{whole} second{'s' if whole != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minutes"


class SignInRepo(AccountsRepo):
    """Sign-in with limits and locks, and the audit log."""

    @functools.cached_property
    def _limits(self) -> SQLStorage:
        return SQLStorage(self.engine)

    @functools.cached_property
    def _limiter(self) -> FixedWindowRateLimiter:
        return FixedWindowRateLimiter(self._limits)

    def _failures_item(self, scope: Scope) -> RateLimitItem:
        most = (
            self.settings.login_max_failures
            if scope == "account"
            else self.settings.login_max_failures_per_address
        )
        return RateLimitItemPerHour(
            most, self.settings.login_failure_window_hours, namespace="sign-in-failures"
        )

    @staticmethod
    def _lock_key(scope: Scope, who: str) -> str:
        return f"sign-in-lock/{scope}/{who}"

    def _lock_left(self, scope: Scope, who: str) -> float:
        """Seconds left of ``who``'s lock (0 when not locked)."""
        if self._limiter.test(self._failures_item(scope), scope, who):
            return 0.0  # below the threshold: never locked
        key = self._lock_key(scope, who)
        if not self._limits.get(key):
            return 0.0
        return max(0.0, self._limits.get_expiry(key) - time.time())

    def _count_failure(self, scope: Scope, who: str) -> float:
        """Count a failure; the length of the lock it starts (0 when none)."""
        item = self._failures_item(scope)
        self._limiter.hit(item, scope, who)
        failures = self._limits.get(item.key_for(scope, who))
        if failures < item.amount:
            return 0.0
        doublings = min(failures - item.amount, 30)
        seconds = float(
            min(
                self.settings.login_lock_seconds * 2**doublings,
                self.settings.login_lock_max_seconds,
            )
        )
        key = self._lock_key(scope, who)
        self._limits.clear(key)
        self._limits.incr(key, seconds)
        return seconds

    def sign_in(self, username: str, password: str, address: str | None) -> SignInResult:
        """Check ``username``'s password unless the account or the client ``address`` is
        locked; count failures, start locks and write each outcome to the audit log."""
        name = username.strip()[:80]
        where = (address or "unknown")[:64]
        keys: list[tuple[Scope, str]] = [("account", name), ("address", where)]
        locked = max(self._lock_left(scope, who) for scope, who in keys)
        if locked > 0:
            self.record_event("refused_locked", name, where, f"{math.ceil(locked)} s left")
            return SignInResult(
                None,
                "Too many failed sign-ins: signing in is paused for "
                f"{_wait_words(locked)}. Try again then, or ask an admin.",
                locked_for=locked,
            )
        try:
            user = self.authenticate(name, password)
        except GuidanceAssistantError:
            user = None
        if user is not None:
            self._limiter.clear(self._failures_item("account"), "account", name)
            self._limits.clear(self._lock_key("account", name))
            self._limits.prune()  # lapsed counters of names guessed long ago
            self.record_event("signed_in", name, where)
            return SignInResult(user, "Signed in.")
        self.record_event("failed", name, where)
        lock = 0.0
        for scope, who in keys:
            started = self._count_failure(scope, who)
            if started:
                self.record_event("locked", name, where, f"{scope} locked for {started:.0f} s")
                lock = max(lock, started)
        failures = self._limits.get(self._failures_item("account").key_for("account", name))
        delay = self.settings.login_delay_seconds * 2 ** min(
            max(failures - 1, 0), MAX_DELAY_DOUBLINGS
        )
        if lock:
            return SignInResult(
                None,
                f"{WRONG} Too many failed sign-ins: signing in is paused for {_wait_words(lock)}.",
                delay=delay,
                locked_for=lock,
            )
        return SignInResult(None, WRONG, delay=delay)

    # -- the audit log ----------------------------------------------------------------------

    def record_event(
        self, event: AuditKind, username: str | None, address: str | None, detail: str = ""
    ) -> None:
        """Write one line to the audit log (the server does; nobody reads it but admins)."""
        with self._tx() as db:
            db.add(
                AuditEvent(
                    event=event,
                    username=username[:80] if username else None,
                    address=address[:64] if address else None,
                    detail=detail[:255],
                )
            )

    def audit_log(
        self, actor: User, *, limit: int = 200, username: str | None = None
    ) -> list[AuditEntry]:
        """The newest ``limit`` lines of the audit log (only ``username``'s when given);
        admins only."""
        if not 1 <= limit <= MAX_AUDIT_ROWS:
            raise ValueError(f"Ask for 1 to {MAX_AUDIT_ROWS} lines of the audit log.")
        with self._tx() as db:
            self._require(self._actor(db, actor), ("admin",), "read the audit log")
            query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
            if username is not None:
                query = query.where(AuditEvent.username == username)
            return [
                AuditEntry(row.at, row.event, row.username, row.address, row.detail)
                for row in db.scalars(query)
            ]
