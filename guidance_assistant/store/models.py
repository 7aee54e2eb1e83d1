"""The database tables, as typed SQLAlchemy 2 models.

Every child row is removed with its parent twice over: ``ON DELETE CASCADE`` in the schema (so a
raw ``DELETE`` cannot leave orphans) and ORM ``delete-orphan`` cascades. Time stamps are kept in
UTC and come back timezone-aware on every database (:class:`UTCDateTime`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar, Literal, get_args

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

Role = Literal["adviser", "trainee", "supervisor", "evaluator", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC time stamp on every database (SQLite keeps no time zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return aware.replace(tzinfo=None) if dialect.name == "sqlite" else aware

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class User(Base):
    """An account. ``supervisor_id`` links a trainee to their supervisor."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('adviser', 'trainee', 'supervisor', 'evaluator', 'admin')", name="role"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str | None] = mapped_column(String(120))
    supervisor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"User(id={self.id!r}, username={self.username!r}, role={self.role!r})"


class Client(Base):
    """A client, known by a pseudonymous reference; a name only if the service chooses."""

    __tablename__ = "clients"
    __table_args__ = (UniqueConstraint("owner_id", "reference", name="uq_clients_owner_reference"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(80))
    display_name: Mapped[str | None] = mapped_column(String(120))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sessions: Mapped[list[GuidanceSessionRecord]] = relationship(
        back_populates="client", cascade="all, delete-orphan", passive_deletes=True
    )
    briefs: Mapped[list[Brief]] = relationship(
        back_populates="client", cascade="all, delete-orphan", passive_deletes=True
    )


class GuidanceSessionRecord(Base):
    """One guidance interview: the whole :class:`SessionState` as JSON, plus its turns."""

    __tablename__ = "guidance_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    session_date: Mapped[date | None] = mapped_column(Date)
    stage: Mapped[str | None] = mapped_column(String(40))
    ended: Mapped[bool] = mapped_column(Boolean, default=False)
    state_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    client: Mapped[Client] = relationship(back_populates="sessions")
    turns: Mapped[list[TurnRow]] = relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="TurnRow.index",
    )
    actions: Mapped[list[ActionItemRow]] = relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ActionItemRow.position",
    )


class TurnRow(Base):
    """One transcript entry; ``index`` is its place in the transcript (0-based)."""

    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("session_id", "turn_index", name="uq_turns_session_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("guidance_sessions.id", ondelete="CASCADE"), index=True
    )
    index: Mapped[int] = mapped_column("turn_index", Integer)
    turn: Mapped[int] = mapped_column(Integer, default=0)
    speaker: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(40))
    move: Mapped[str | None] = mapped_column(String(40))
    citations: Mapped[list[Any]] = mapped_column(default=list)
    flags: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[GuidanceSessionRecord] = relationship(back_populates="turns")


class ActionItemRow(Base):
    """A SMART action agreed in a session: what, who, by when."""

    __tablename__ = "action_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("guidance_sessions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    what: Mapped[str] = mapped_column(Text)
    who: Mapped[str] = mapped_column(String(120))
    due: Mapped[date | None] = mapped_column("due_date", Date)
    turn: Mapped[int] = mapped_column(Integer, default=0)

    session: Mapped[GuidanceSessionRecord] = relationship(back_populates="actions")


class Brief(Base):
    """A preparation brief for a client, in Markdown."""

    __tablename__ = "briefs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    markdown: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    client: Mapped[Client] = relationship(back_populates="briefs")


class PracticeSessionRecord(Base):
    """A trainee's practice conversation with a persona, with its feedback."""

    __tablename__ = "practice_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    persona_id: Mapped[str] = mapped_column(String(80))
    seed: Mapped[int] = mapped_column(Integer, default=0)
    feedback: Mapped[dict[str, Any] | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    turns: Mapped[list[PracticeTurnRow]] = relationship(
        back_populates="practice",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="PracticeTurnRow.number",
    )
    comments: Mapped[list[SupervisorCommentRow]] = relationship(
        back_populates="practice",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="SupervisorCommentRow.id",
    )


class PracticeTurnRow(Base):
    """One trainee turn and the persona's reply (``record`` is the full ``TurnRecord``)."""

    __tablename__ = "practice_turns"
    __table_args__ = (
        UniqueConstraint("practice_id", "number", name="uq_practice_turns_practice_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practice_sessions.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    trainee_text: Mapped[str] = mapped_column(Text)
    skill: Mapped[str] = mapped_column(String(40))
    client_text: Mapped[str] = mapped_column(Text)
    record: Mapped[dict[str, Any]] = mapped_column()

    practice: Mapped[PracticeSessionRecord] = relationship(back_populates="turns")


class SupervisorCommentRow(Base):
    """A supervisor's comment on one practice turn or (``turn`` None) the whole session."""

    __tablename__ = "supervisor_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practice_sessions.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author: Mapped[str] = mapped_column(String(120))
    turn: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(default=utcnow)

    practice: Mapped[PracticeSessionRecord] = relationship(back_populates="comments")


class EvalRun(Base):
    """One evaluation run: its configuration and summary."""

    __tablename__ = "eval_runs"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    summary: Mapped[dict[str, Any] | None] = mapped_column()
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    results: Mapped[list[EvalResult]] = relationship(
        back_populates="run",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="EvalResult.id",
    )


class EvalResult(Base):
    """One case scored under one configuration in an eval run."""

    __tablename__ = "eval_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("eval_runs.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[str] = mapped_column(String(200))
    config: Mapped[str] = mapped_column(String(200))
    scores: Mapped[dict[str, Any]] = mapped_column(default=dict)
    transcript: Mapped[Any] = mapped_column(JSON, nullable=True)

    run: Mapped[EvalRun] = relationship(back_populates="results")


class RateLimitRow(Base):
    """One counter of the sign-in limiter (``limits``' storage, :mod:`~.store.ratelimit`): its
    key, its count and when it lapses (seconds since the epoch, as ``limits`` counts time)."""

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[float] = mapped_column(Float, index=True)


class AuditEvent(Base):
    """A sign-in, a failed sign-in, a lock or a refusal, for admins to read
    (:meth:`~guidance_assistant.store.services.Store.audit_log`)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    event: Mapped[str] = mapped_column(String(40), index=True)
    username: Mapped[str | None] = mapped_column(String(80), index=True)
    address: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(String(255), default="")
