"""The core every repository shares: the engine, one transaction per call, who is acting and
what they may touch (reloaded from the database on every call)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Self

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from guidance_assistant.config import Settings, get_settings
from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.store.accounts import (
    PermissionDeniedError,
)
from guidance_assistant.store.db import init_database
from guidance_assistant.store.models import (
    Client,
    GuidanceSessionRecord,
    PracticeSessionRecord,
    User,
)


class NotFoundError(GuidanceAssistantError, LookupError):
    """The client, session or run asked for does not exist."""


class StoreCore:
    """The database, the transaction and the permission checks every repository shares."""

    def __init__(self, settings: Settings | None = None, *, engine: Engine | None = None) -> None:
        self.settings = settings if settings is not None else get_settings()
        self.engine = engine if engine is not None else init_database(self.settings)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with self._factory.begin() as db:
            yield db

    # -- who is acting -------------------------------------------------------------------

    @staticmethod
    def _actor(db: Session, user: User) -> User:
        row = db.get(User, user.id)
        if row is None or not row.active:
            raise PermissionDeniedError("Your account is no longer active; ask an admin.")
        return row

    @staticmethod
    def _require(actor: User, roles: Iterable[str], doing: str) -> None:
        allowed = tuple(roles)
        if actor.role not in allowed:
            who = " or ".join(f"{r}s" for r in allowed)
            raise PermissionDeniedError(f"Only {who} can {doing}.")

    def _client(self, db: Session, actor: User, client_id: int) -> Client:
        self._require(actor, ("adviser", "admin"), "work with clients")
        client = db.get(Client, client_id)
        if client is None:
            raise NotFoundError(f"There is no client {client_id}.")
        if actor.role != "admin" and client.owner_id != actor.id:
            raise PermissionDeniedError("This client belongs to another adviser.")
        return client

    def _session(self, db: Session, actor: User, session_id: int) -> GuidanceSessionRecord:
        self._require(actor, ("adviser", "admin"), "work with guidance sessions")
        record = db.get(GuidanceSessionRecord, session_id)
        if record is None:
            raise NotFoundError(f"There is no guidance session {session_id}.")
        if actor.role != "admin" and record.owner_id != actor.id:
            raise PermissionDeniedError("This session belongs to another adviser.")
        return record

    def _practice(self, db: Session, actor: User, practice_id: int) -> PracticeSessionRecord:
        record = db.get(PracticeSessionRecord, practice_id)
        if record is None:
            raise NotFoundError(f"There is no practice session {practice_id}.")
        if actor.role == "admin" or (actor.role == "trainee" and record.trainee_id == actor.id):
            return record
        if actor.role == "supervisor":
            trainee = db.get(User, record.trainee_id)
            if trainee is not None and trainee.supervisor_id == actor.id:
                return record
            raise PermissionDeniedError(
                "This practice session is by a trainee you don't supervise."
            )
        if actor.role == "trainee":
            raise PermissionDeniedError("This practice session is another trainee's.")
        raise PermissionDeniedError("Only the trainee, their supervisor or an admin can see this.")

    @staticmethod
    def _count(db: Session, column: Any, value: Any) -> int:
        return db.scalar(select(func.count()).where(column == value)) or 0

    def compact(self) -> None:
        """SQLite: VACUUM and truncate the WAL so deleted data is gone from the files (deleted
        pages are also zeroed as they go: ``secure_delete``). PostgreSQL: nothing here; its
        own VACUUM reclaims space."""
        if self.engine.dialect.name != "sqlite":
            return
        with self.engine.connect() as connection:
            auto = connection.execution_options(isolation_level="AUTOCOMMIT")
            auto.execute(text("VACUUM"))
            auto.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
