"""The store: every read and write the app makes, with the permission check for each.

Authorisation lives here, not in the UI: each method takes the acting :class:`User` (reloaded
from the database on every call, so a changed role or a deactivated account counts at once) and
raises :class:`PermissionDeniedError` when the rules say no:

- advisers see and change only their own clients, sessions and briefs (admins see all);
- trainees see only their own practice sessions; supervisors only those of their trainees;
  only the trainee (or an admin) deletes one;
- only evaluators and admins see or save eval runs;
- only admins add users or link trainees to supervisors.

Turns are committed one by one (:meth:`Store.append_turn`, :class:`SessionRecorder`), so a
process killed mid-session loses at most the turn in flight.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from guidance_assistant.config import Settings, get_settings
from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.interview.grounding import KnowledgeSource
from guidance_assistant.interview.session import GuidanceSession
from guidance_assistant.interview.state import SessionState, TranscriptEntry
from guidance_assistant.practice.feedback import TurnRecord
from guidance_assistant.practice.review import SupervisorComment, make_comment
from guidance_assistant.practice.session import PracticeSession
from guidance_assistant.store.accounts import (
    AccountError,
    AuthenticationError,
    PermissionDeniedError,
    check_password,
    hash_password,
    needs_rehash,
    random_password,
    verify_password,
)
from guidance_assistant.store.db import init_database
from guidance_assistant.store.models import (
    ROLES,
    ActionItemRow,
    Brief,
    Client,
    EvalResult,
    EvalRun,
    GuidanceSessionRecord,
    PracticeSessionRecord,
    PracticeTurnRow,
    SupervisorCommentRow,
    TurnRow,
    User,
    utcnow,
)
from guidance_assistant.store.redaction import redact_state, redact_text


@functools.cache
def _dummy_hash() -> str:
    """A hash to check unknown user names against, so they take as long as wrong passwords."""
    return hash_password("not-a-real-password-0")


class NotFoundError(GuidanceAssistantError, LookupError):
    """The client, session or run asked for does not exist."""


# -- what the store hands back ---------------------------------------------------------------


@dataclass(frozen=True)
class SessionSummary:
    id: int
    client_id: int
    client_reference: str
    owner_id: int
    session_date: date | None
    stage: str | None
    ended: bool
    created_at: datetime
    updated_at: datetime
    turns: int
    matches: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PracticeSummary:
    id: int
    trainee_id: int
    trainee: str
    persona_id: str
    seed: int
    turns: int
    comments: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class PracticeView:
    id: int
    trainee_id: int
    persona_id: str
    seed: int
    feedback: dict[str, Any] | None
    records: list[TurnRecord]
    comments: list[SupervisorComment]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class EvalRunSummary:
    id: str
    config: dict[str, Any]
    summary: dict[str, Any] | None
    created_at: datetime
    results: int


@dataclass(frozen=True)
class EvalResultView:
    run_id: str
    case_id: str
    config: str
    scores: dict[str, Any]
    transcript: Any


@dataclass(frozen=True)
class PurgeResult:
    guidance_sessions: int = 0
    practice_sessions: int = 0
    briefs: int = 0
    cutoff: datetime | None = None


# -- helpers ---------------------------------------------------------------------------------


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _snippet(text_: str, term: str, width: int = 60) -> str:
    at = text_.lower().find(term.lower())
    if at < 0:
        return text_[: 2 * width]
    start, end = max(0, at - width), min(len(text_), at + len(term) + width)
    return ("…" if start else "") + text_[start:end] + ("…" if end < len(text_) else "")


def _turn_row(session_id: int, index: int, entry: TranscriptEntry, text_: str) -> TurnRow:
    return TurnRow(
        session_id=session_id,
        index=index,
        turn=entry.turn,
        speaker=entry.speaker,
        text=text_,
        stage=entry.stage,
        move=entry.move,
        citations=[c.model_dump(mode="json") for c in entry.citations],
        flags=list(entry.flags),
    )


class Store:
    """The app's one way to the database. Open with ``Store(settings)`` (runs migrations)."""

    def __init__(self, settings: Settings | None = None, *, engine: Engine | None = None) -> None:
        self.settings = settings if settings is not None else get_settings()
        self.engine = engine if engine is not None else init_database(self.settings)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
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

    # -- accounts ------------------------------------------------------------------------

    def _create_user(
        self,
        db: Session,
        username: str,
        password: str,
        role: str,
        *,
        supervisor: str | None = None,
        display_name: str | None = None,
    ) -> User:
        name = username.strip()
        if not name or len(name) > 80 or any(ch.isspace() for ch in name):
            raise AccountError("A user name needs 1 to 80 characters and no spaces.")
        if role not in ROLES:
            raise AccountError(f"Unknown role {role!r}: use one of {', '.join(ROLES)}.")
        check_password(password)
        if db.scalar(select(User.id).where(User.username == name)) is not None:
            raise AccountError(f"The user name {name!r} is taken.")
        supervisor_id = None
        if supervisor is not None:
            if role != "trainee":
                raise AccountError("Only trainees have a supervisor.")
            supervisor_id = self._supervisor_id(db, supervisor)
        user = User(
            username=name,
            password_hash=hash_password(password),
            role=role,
            display_name=display_name,
            supervisor_id=supervisor_id,
            active=True,
        )
        db.add(user)
        db.flush()
        return user

    @staticmethod
    def _supervisor_id(db: Session, username: str) -> int:
        found = db.scalar(select(User).where(User.username == username))
        if found is None or found.role != "supervisor":
            raise AccountError(f"There is no supervisor called {username!r}.")
        return found.id

    def add_user(
        self,
        actor: User,
        username: str,
        password: str,
        role: str,
        *,
        supervisor: str | None = None,
        display_name: str | None = None,
    ) -> User:
        """A new account (admins only). ``supervisor``: a supervisor's user name, for trainees."""
        with self._tx() as db:
            self._require(self._actor(db, actor), ("admin",), "add users")
            return self._create_user(
                db, username, password, role, supervisor=supervisor, display_name=display_name
            )

    def set_supervisor(self, actor: User, trainee: str, supervisor: str | None) -> None:
        """Link trainee ``trainee`` to ``supervisor`` (None unlinks); admins only."""
        with self._tx() as db:
            self._require(self._actor(db, actor), ("admin",), "link trainees to supervisors")
            row = db.scalar(select(User).where(User.username == trainee))
            if row is None or row.role != "trainee":
                raise AccountError(f"There is no trainee called {trainee!r}.")
            row.supervisor_id = None if supervisor is None else self._supervisor_id(db, supervisor)

    def list_users(self, actor: User) -> list[User]:
        with self._tx() as db:
            self._require(self._actor(db, actor), ("admin",), "list users")
            return list(db.scalars(select(User).order_by(User.username)))

    def list_trainees(self, actor: User) -> list[User]:
        """The supervisor's own trainees (all trainees for an admin)."""
        with self._tx() as db:
            me = self._actor(db, actor)
            self._require(me, ("supervisor", "admin"), "list trainees")
            query = select(User).where(User.role == "trainee")
            if me.role == "supervisor":
                query = query.where(User.supervisor_id == me.id)
            return list(db.scalars(query.order_by(User.username)))

    def authenticate(self, username: str, password: str) -> User:
        """The user with these credentials; :class:`AuthenticationError` otherwise."""
        with self._tx() as db:
            user = db.scalar(select(User).where(User.username == username.strip()))
            if user is None:
                verify_password(_dummy_hash(), password)  # same time as a wrong password
                raise AuthenticationError("Wrong user name or password.")
            if not verify_password(user.password_hash, password) or not user.active:
                raise AuthenticationError("Wrong user name or password.")
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            return user

    def set_password(self, actor: User, username: str, password: str) -> None:
        """Change a password: one's own, or anyone's for an admin."""
        with self._tx() as db:
            me = self._actor(db, actor)
            row = db.scalar(select(User).where(User.username == username))
            if row is None or (me.role != "admin" and row.id != me.id):
                raise PermissionDeniedError("Only an admin can change another user's password.")
            check_password(password)
            row.password_hash = hash_password(password)

    def signed_in_user(self, username: str) -> User | None:
        """The active account named ``username`` (for a session the web server has already
        authenticated), or ``None``."""
        with self._tx() as db:
            user = db.scalar(select(User).where(User.username == username))
            return user if user is not None and user.active else None

    def has_users(self) -> bool:
        """Whether any account exists (a first run has none)."""
        with self._tx() as db:
            return db.scalar(select(User.id).limit(1)) is not None

    def ensure_admin(self, username: str = "admin") -> str | None:
        """On first run (no users at all), make a local admin and return its random password
        (show it once); ``None`` when users exist already."""
        with self._tx() as db:
            if db.scalar(select(func.count()).select_from(User)):
                return None
            password = random_password()
            self._create_user(db, username, password, "admin", display_name="Local admin")
            return password

    # -- clients -------------------------------------------------------------------------

    def create_client(
        self,
        actor: User,
        reference: str,
        *,
        display_name: str | None = None,
        owner: User | None = None,
    ) -> Client:
        """A client known by ``reference`` (a pseudonym); a display name only if the service
        chooses to keep names. Admins may create one for another adviser (``owner``)."""
        with self._tx() as db:
            me = self._actor(db, actor)
            self._require(me, ("adviser", "admin"), "add clients")
            owner_id = me.id
            if owner is not None and owner.id != me.id:
                if me.role != "admin":
                    raise PermissionDeniedError("Only admins can add clients for other advisers.")
                owner_id = owner.id
            ref = reference.strip()
            if not ref or len(ref) > 80:
                raise GuidanceAssistantError("A client reference needs 1 to 80 characters.")
            exists = select(Client.id).where(Client.owner_id == owner_id, Client.reference == ref)
            if db.scalar(exists) is not None:
                raise GuidanceAssistantError(f"There is already a client {ref!r}.")
            client = Client(reference=ref, display_name=display_name, owner_id=owner_id)
            db.add(client)
            db.flush()
            return client

    def list_clients(self, actor: User) -> list[Client]:
        with self._tx() as db:
            me = self._actor(db, actor)
            self._require(me, ("adviser", "admin"), "work with clients")
            query = select(Client).order_by(Client.reference)
            if me.role != "admin":
                query = query.where(Client.owner_id == me.id)
            return list(db.scalars(query))

    def get_client(self, actor: User, client_id: int) -> Client:
        with self._tx() as db:
            return self._client(db, self._actor(db, actor), client_id)

    def delete_client(self, actor: User, client_id: int) -> dict[str, int]:
        """Delete the client and everything about them (sessions, turns, actions, briefs), then
        compact the database so nothing is left in its file. Returns the rows removed."""
        with self._tx() as db:
            client = self._client(db, self._actor(db, actor), client_id)
            session_ids = select(GuidanceSessionRecord.id).where(
                GuidanceSessionRecord.client_id == client.id
            )
            counts = {
                "clients": 1,
                "guidance_sessions": self._count(db, GuidanceSessionRecord.client_id, client.id),
                "turns": db.scalar(select(func.count()).where(TurnRow.session_id.in_(session_ids)))
                or 0,
                "action_items": db.scalar(
                    select(func.count()).where(ActionItemRow.session_id.in_(session_ids))
                )
                or 0,
                "briefs": self._count(db, Brief.client_id, client.id),
            }
            db.execute(delete(Client).where(Client.id == client.id))
        self.compact()
        return counts

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

    def export_client(self, actor: User, client_id: int) -> dict[str, Any]:
        """Everything stored about a client, as JSON-ready data (a subject access request)."""
        with self._tx() as db:
            client = self._client(db, self._actor(db, actor), client_id)
            sessions = []
            for record in client.sessions:
                sessions.append(
                    {
                        "id": record.id,
                        "session_date": record.session_date.isoformat()
                        if record.session_date
                        else None,
                        "stage": record.stage,
                        "ended": record.ended,
                        "created_at": record.created_at.isoformat(),
                        "updated_at": record.updated_at.isoformat(),
                        "state": json.loads(record.state_json),
                        "turns": [
                            {
                                "index": t.index,
                                "turn": t.turn,
                                "speaker": t.speaker,
                                "text": t.text,
                                "stage": t.stage,
                                "move": t.move,
                                "citations": t.citations,
                                "flags": t.flags,
                                "created_at": t.created_at.isoformat(),
                            }
                            for t in record.turns
                        ],
                        "actions": [
                            {
                                "what": a.what,
                                "who": a.who,
                                "when": a.due.isoformat() if a.due else None,
                                "turn": a.turn,
                            }
                            for a in record.actions
                        ],
                    }
                )
            return {
                "client": {
                    "id": client.id,
                    "reference": client.reference,
                    "display_name": client.display_name,
                    "created_at": client.created_at.isoformat(),
                },
                "sessions": sessions,
                "briefs": [
                    {"id": b.id, "markdown": b.markdown, "created_at": b.created_at.isoformat()}
                    for b in sorted(client.briefs, key=lambda b: b.id)
                ],
                "exported_at": utcnow().isoformat(),
            }

    def export_client_json(self, actor: User, client_id: int) -> str:
        return json.dumps(self.export_client(actor, client_id), indent=2, ensure_ascii=False)

    # -- guidance sessions ---------------------------------------------------------------

    def _names(self, client: Client, state: SessionState | None, extra: Iterable[str]) -> list[str]:
        names = [n for n in extra if n]
        if client.display_name:
            names.append(client.display_name)
        if state is not None and state.profile.name:
            names.append(state.profile.name)
        return names

    def _stored_state(self, state: SessionState, names: Sequence[str]) -> SessionState:
        return redact_state(state, names) if self.settings.redact_transcripts else state

    def _write_state(
        self, db: Session, record: GuidanceSessionRecord, state: SessionState, names: list[str]
    ) -> None:
        stored = self._stored_state(state, names)
        record.state_json = stored.model_dump_json()
        record.session_date = stored.session_date
        record.stage = stored.stage
        record.ended = stored.ended
        record.updated_at = utcnow()
        db.execute(delete(ActionItemRow).where(ActionItemRow.session_id == record.id))
        for position, action in enumerate(stored.actions):
            db.add(
                ActionItemRow(
                    session_id=record.id,
                    position=position,
                    what=action.what,
                    who=action.who,
                    due=action.when,
                    turn=action.turn,
                )
            )

    def _turn_count(self, db: Session, session_id: int) -> int:
        return self._count(db, TurnRow.session_id, session_id)

    def create_session(
        self, actor: User, client_id: int, session: GuidanceSession | SessionState
    ) -> int:
        """A new stored session for the client (its state; no turns yet). Returns its id."""
        state = session.state if isinstance(session, GuidanceSession) else session
        with self._tx() as db:
            me = self._actor(db, actor)
            client = self._client(db, me, client_id)
            record = GuidanceSessionRecord(client_id=client.id, owner_id=client.owner_id)
            record.state_json = "{}"
            db.add(record)
            db.flush()
            self._write_state(db, record, state, self._names(client, state, ()))
            return record.id

    def save_guidance_session(
        self,
        actor: User,
        client_id: int,
        session: GuidanceSession | SessionState,
        *,
        session_id: int | None = None,
    ) -> int:
        """Store the whole session (new, or ``session_id`` updated): its state, actions and any
        turns not stored yet, in one transaction. Returns the session id."""
        state = session.state if isinstance(session, GuidanceSession) else session
        if session_id is None:
            session_id = self.create_session(actor, client_id, state)
        with self._tx() as db:
            record = self._session(db, self._actor(db, actor), session_id)
            if record.client_id != client_id:
                raise GuidanceAssistantError(
                    f"Session {session_id} is not a session of client {client_id}."
                )
            client = db.get(Client, record.client_id)
            assert client is not None
            names = self._names(client, state, ())
            stored = self._turn_count(db, record.id)
            for index, entry in enumerate(state.transcript[stored:], start=stored):
                db.add(_turn_row(record.id, index, entry, self._turn_text(entry.text, names)))
            self._write_state(db, record, state, names)
            return record.id

    def _turn_text(self, text_: str, names: Sequence[str]) -> str:
        return redact_text(text_, names) if self.settings.redact_transcripts else text_

    def append_turn(
        self,
        actor: User,
        session_id: int,
        entry: TranscriptEntry,
        *,
        state: SessionState | None = None,
        names: Iterable[str] = (),
    ) -> int:
        """Commit one turn now, in its own transaction (with the session's new ``state`` when
        given). Returns the turn's index in the transcript."""
        with self._tx() as db:
            record = self._session(db, self._actor(db, actor), session_id)
            client = db.get(Client, record.client_id)
            assert client is not None
            all_names = self._names(client, state, names)
            index = self._turn_count(db, record.id)
            db.add(_turn_row(record.id, index, entry, self._turn_text(entry.text, all_names)))
            if state is not None:
                self._write_state(db, record, state, all_names)
            else:
                record.updated_at = utcnow()
            return index

    def recorder(self, actor: User, session_id: int) -> SessionRecorder:
        """A :class:`SessionRecorder` for a stored session."""
        with self._tx() as db:
            record = self._session(db, self._actor(db, actor), session_id)
            written = self._turn_count(db, record.id)
        return SessionRecorder(self, actor, session_id, written)

    def start_recording(
        self, actor: User, client_id: int, session: GuidanceSession
    ) -> SessionRecorder:
        """Store a new session for the client and return its recorder (call
        ``recorder.record(session)`` after every reply)."""
        session_id = self.create_session(actor, client_id, session)
        recorder = self.recorder(actor, session_id)
        recorder.record(session)
        return recorder

    def load_session_state(self, actor: User, session_id: int) -> SessionState:
        with self._tx() as db:
            record = self._session(db, self._actor(db, actor), session_id)
            return SessionState.model_validate_json(record.state_json)

    def load_guidance_session(
        self,
        actor: User,
        session_id: int,
        *,
        backend: Any = "offline",
        knowledge: KnowledgeSource | None = None,
    ) -> GuidanceSession:
        """The stored session back as a :class:`GuidanceSession` (via its JSON)."""
        with self._tx() as db:
            record = self._session(db, self._actor(db, actor), session_id)
            data = record.state_json
        return GuidanceSession.from_json(
            data, backend=backend, knowledge=knowledge, settings=self.settings
        )

    def session_client_id(self, actor: User, session_id: int) -> int:
        """The client of a stored session (checked like every read of the session)."""
        with self._tx() as db:
            return self._session(db, self._actor(db, actor), session_id).client_id

    def delete_session(self, actor: User, session_id: int) -> None:
        with self._tx() as db:
            record = self._session(db, self._actor(db, actor), session_id)
            db.execute(delete(GuidanceSessionRecord).where(GuidanceSessionRecord.id == record.id))
        self.compact()

    def list_sessions(self, actor: User, client_id: int | None = None) -> list[SessionSummary]:
        return self.search_sessions(actor, client_id=client_id)

    def search_sessions(
        self,
        actor: User,
        text: str | None = None,
        *,
        client_reference: str | None = None,
        client_id: int | None = None,
        limit: int = 100,
    ) -> list[SessionSummary]:
        """Sessions the actor may see, newest first: whose turns contain ``text`` (any case),
        of the client with ``client_reference`` (exact) or ``client_id``."""
        with self._tx() as db:
            me = self._actor(db, actor)
            self._require(me, ("adviser", "admin"), "search guidance sessions")
            if client_id is not None:
                self._client(db, me, client_id)
            query = (
                select(GuidanceSessionRecord, Client.reference)
                .join(Client, Client.id == GuidanceSessionRecord.client_id)
                .order_by(GuidanceSessionRecord.updated_at.desc(), GuidanceSessionRecord.id.desc())
            )
            if me.role != "admin":
                query = query.where(GuidanceSessionRecord.owner_id == me.id)
            if client_reference is not None:
                query = query.where(Client.reference == client_reference.strip())
            if client_id is not None:
                query = query.where(GuidanceSessionRecord.client_id == client_id)
            term = (text or "").strip()
            if term:
                hits = select(TurnRow.session_id).where(
                    TurnRow.text.ilike(_like(term), escape="\\")
                )
                query = query.where(GuidanceSessionRecord.id.in_(hits))
            out = []
            for record, reference in db.execute(query.limit(limit)).all():
                matches = []
                if term:
                    rows = db.scalars(
                        select(TurnRow.text)
                        .where(
                            TurnRow.session_id == record.id,
                            TurnRow.text.ilike(_like(term), escape="\\"),
                        )
                        .order_by(TurnRow.index)
                        .limit(5)
                    )
                    matches = [_snippet(t, term) for t in rows]
                out.append(
                    SessionSummary(
                        id=record.id,
                        client_id=record.client_id,
                        client_reference=reference,
                        owner_id=record.owner_id,
                        session_date=record.session_date,
                        stage=record.stage,
                        ended=record.ended,
                        created_at=record.created_at,
                        updated_at=record.updated_at,
                        turns=self._turn_count(db, record.id),
                        matches=matches,
                    )
                )
            return out

    # -- briefs ------------------------------------------------------------------------

    def save_brief(self, actor: User, client_id: int, markdown: str) -> int:
        with self._tx() as db:
            me = self._actor(db, actor)
            client = self._client(db, me, client_id)
            brief = Brief(client_id=client.id, author_id=me.id, markdown=markdown)
            db.add(brief)
            db.flush()
            return brief.id

    def list_briefs(self, actor: User, client_id: int) -> list[Brief]:
        with self._tx() as db:
            client = self._client(db, self._actor(db, actor), client_id)
            return list(
                db.scalars(select(Brief).where(Brief.client_id == client.id).order_by(Brief.id))
            )

    # -- practice ----------------------------------------------------------------------

    def save_practice_session(
        self, actor: User, practice: PracticeSession, *, practice_id: int | None = None
    ) -> int:
        """Store a trainee's own practice session (turns, feedback and any comments not stored
        yet); ``practice_id`` updates an earlier save. Returns its id."""
        feedback = practice.feedback().model_dump(mode="json")
        with self._tx() as db:
            me = self._actor(db, actor)
            if practice_id is None:
                self._require(me, ("trainee",), "save practice sessions")
                record = PracticeSessionRecord(
                    trainee_id=me.id, persona_id=practice.persona.id, seed=practice.seed
                )
                db.add(record)
                db.flush()
            else:
                record = self._practice(db, me, practice_id)
                if me.id != record.trainee_id and me.role != "admin":
                    raise PermissionDeniedError("Only the trainee can change their practice.")
            record.feedback = feedback
            record.updated_at = utcnow()
            db.execute(delete(PracticeTurnRow).where(PracticeTurnRow.practice_id == record.id))
            for turn in practice.records:
                db.add(
                    PracticeTurnRow(
                        practice_id=record.id,
                        number=turn.number,
                        trainee_text=turn.trainee_text,
                        skill=turn.skill,
                        client_text=turn.client_text,
                        record=turn.model_dump(mode="json"),
                    )
                )
            stored = {
                (c.turn, c.text)
                for c in db.scalars(
                    select(SupervisorCommentRow).where(
                        SupervisorCommentRow.practice_id == record.id
                    )
                )
            }
            for comment in practice.comments:
                if (comment.turn, comment.text) not in stored:
                    db.add(
                        SupervisorCommentRow(
                            practice_id=record.id,
                            author=comment.author,
                            turn=comment.turn,
                            text=comment.text,
                            written_at=comment.written_at,
                        )
                    )
            return record.id

    def add_supervisor_comment(
        self, actor: User, practice_id: int, text: str, *, turn: int | None = None
    ) -> SupervisorComment:
        """A supervisor's comment on their trainee's practice (turn ``turn`` or the whole)."""
        with self._tx() as db:
            me = self._actor(db, actor)
            self._require(me, ("supervisor", "admin"), "comment on practice sessions")
            record = self._practice(db, me, practice_id)
            turns = self._count(db, PracticeTurnRow.practice_id, record.id)
            comment = make_comment(
                text, turn=turn, author=me.display_name or me.username, turns=turns
            )
            db.add(
                SupervisorCommentRow(
                    practice_id=record.id,
                    author_id=me.id,
                    author=comment.author,
                    turn=comment.turn,
                    text=comment.text,
                    written_at=comment.written_at,
                )
            )
            record.updated_at = utcnow()
            return comment

    def get_practice_session(self, actor: User, practice_id: int) -> PracticeView:
        with self._tx() as db:
            record = self._practice(db, self._actor(db, actor), practice_id)
            return PracticeView(
                id=record.id,
                trainee_id=record.trainee_id,
                persona_id=record.persona_id,
                seed=record.seed,
                feedback=record.feedback,
                records=[TurnRecord.model_validate(t.record) for t in record.turns],
                comments=[
                    SupervisorComment(
                        turn=c.turn, author=c.author, text=c.text, written_at=c.written_at
                    )
                    for c in record.comments
                ],
                created_at=record.created_at,
                updated_at=record.updated_at,
            )

    def delete_practice_session(self, actor: User, practice_id: int) -> dict[str, int]:
        """Delete a practice session with its turns, feedback and supervisor's comments, then
        compact the database so nothing is left in its file. Only the trainee who practised
        and admins may: a supervisor reads and comments on a trainee's record but does not
        remove it. Returns the rows removed (``feedback``: 1 when a report was stored)."""
        with self._tx() as db:
            me = self._actor(db, actor)
            record = self._practice(db, me, practice_id)
            if me.role != "admin" and record.trainee_id != me.id:
                raise PermissionDeniedError(
                    "Only the trainee who practised, or an admin, can delete a practice session."
                )
            counts = {
                "practice_sessions": 1,
                "turns": self._count(db, PracticeTurnRow.practice_id, record.id),
                "comments": self._count(db, SupervisorCommentRow.practice_id, record.id),
                "feedback": 0 if record.feedback is None else 1,
            }
            db.execute(delete(PracticeSessionRecord).where(PracticeSessionRecord.id == record.id))
        self.compact()
        return counts

    def list_practice_sessions(
        self, actor: User, *, trainee_id: int | None = None
    ) -> list[PracticeSummary]:
        """Trainee: their own. Supervisor: their trainees' (optionally one trainee's). Admin:
        all (optionally one trainee's)."""
        with self._tx() as db:
            me = self._actor(db, actor)
            self._require(me, ("trainee", "supervisor", "admin"), "list practice sessions")
            query = (
                select(PracticeSessionRecord, User.username)
                .join(User, User.id == PracticeSessionRecord.trainee_id)
                .order_by(PracticeSessionRecord.updated_at.desc(), PracticeSessionRecord.id.desc())
            )
            if me.role == "trainee":
                if trainee_id not in (None, me.id):
                    raise PermissionDeniedError("You can only see your own practice sessions.")
                query = query.where(PracticeSessionRecord.trainee_id == me.id)
            elif me.role == "supervisor":
                if trainee_id is not None:
                    trainee = db.get(User, trainee_id)
                    if trainee is None or trainee.supervisor_id != me.id:
                        raise PermissionDeniedError("That trainee is not one you supervise.")
                query = query.where(User.supervisor_id == me.id)
            if trainee_id is not None:
                query = query.where(PracticeSessionRecord.trainee_id == trainee_id)
            return [
                PracticeSummary(
                    id=record.id,
                    trainee_id=record.trainee_id,
                    trainee=username,
                    persona_id=record.persona_id,
                    seed=record.seed,
                    turns=self._count(db, PracticeTurnRow.practice_id, record.id),
                    comments=self._count(db, SupervisorCommentRow.practice_id, record.id),
                    created_at=record.created_at,
                    updated_at=record.updated_at,
                )
                for record, username in db.execute(query).all()
            ]

    # -- evals -------------------------------------------------------------------------

    def save_eval_run(
        self,
        actor: User,
        run_id: str,
        config: dict[str, Any],
        *,
        summary: dict[str, Any] | None = None,
        results: Iterable[EvalResultView] = (),
    ) -> str:
        """Store (or update the summary of) an eval run, with any results. Returns its id.

        Saving a stored run again with results replaces its results (a rerun, not a duplicate).
        """
        results = list(results)
        with self._tx() as db:
            me = self._actor(db, actor)
            self._require(me, ("evaluator", "admin"), "save eval runs")
            run = db.get(EvalRun, run_id)
            if run is None:
                run = EvalRun(id=run_id, config=config, summary=summary, created_by=me.id)
                db.add(run)
                db.flush()
            else:
                run.config = config
                if summary is not None:
                    run.summary = summary
                if results:
                    db.execute(delete(EvalResult).where(EvalResult.run_id == run.id))
            for result in results:
                db.add(
                    EvalResult(
                        run_id=run.id,
                        case_id=result.case_id,
                        config=result.config,
                        scores=result.scores,
                        transcript=result.transcript,
                    )
                )
            return run.id

    def add_eval_result(
        self,
        actor: User,
        run_id: str,
        case_id: str,
        config: str,
        scores: dict[str, Any],
        transcript: Any = None,
    ) -> None:
        with self._tx() as db:
            self._require(self._actor(db, actor), ("evaluator", "admin"), "save eval results")
            if db.get(EvalRun, run_id) is None:
                raise NotFoundError(f"There is no eval run {run_id!r}.")
            db.add(
                EvalResult(
                    run_id=run_id,
                    case_id=case_id,
                    config=config,
                    scores=scores,
                    transcript=transcript,
                )
            )

    def list_eval_runs(self, actor: User) -> list[EvalRunSummary]:
        with self._tx() as db:
            self._require(self._actor(db, actor), ("evaluator", "admin"), "see eval runs")
            runs = db.scalars(select(EvalRun).order_by(EvalRun.created_at.desc(), EvalRun.id))
            return [
                EvalRunSummary(
                    id=run.id,
                    config=run.config,
                    summary=run.summary,
                    created_at=run.created_at,
                    results=self._count(db, EvalResult.run_id, run.id),
                )
                for run in runs
            ]

    def get_eval_results(self, actor: User, run_id: str) -> list[EvalResultView]:
        with self._tx() as db:
            self._require(self._actor(db, actor), ("evaluator", "admin"), "see eval runs")
            if db.get(EvalRun, run_id) is None:
                raise NotFoundError(f"There is no eval run {run_id!r}.")
            rows = db.scalars(
                select(EvalResult).where(EvalResult.run_id == run_id).order_by(EvalResult.id)
            )
            return [
                EvalResultView(
                    run_id=r.run_id,
                    case_id=r.case_id,
                    config=r.config,
                    scores=r.scores,
                    transcript=r.transcript,
                )
                for r in rows
            ]

    # -- retention -----------------------------------------------------------------------

    def purge_expired(self, now: datetime | None = None) -> PurgeResult:
        """Delete guidance sessions, practice sessions and briefs not changed for
        ``settings.retention_days`` days (nothing when it is unset); a system task, so no
        actor. Compacts the database afterwards."""
        days = self.settings.retention_days
        if days is None:
            return PurgeResult()
        cutoff = (now if now is not None else utcnow()) - timedelta(days=days)
        with self._tx() as db:
            guidance = db.execute(
                delete(GuidanceSessionRecord).where(GuidanceSessionRecord.updated_at < cutoff)
            )
            practice = db.execute(
                delete(PracticeSessionRecord).where(PracticeSessionRecord.updated_at < cutoff)
            )
            briefs = db.execute(delete(Brief).where(Brief.created_at < cutoff))
            result = PurgeResult(
                guidance_sessions=_rowcount(guidance),
                practice_sessions=_rowcount(practice),
                briefs=_rowcount(briefs),
                cutoff=cutoff,
            )
        if result.guidance_sessions or result.practice_sessions or result.briefs:
            self.compact()
        return result


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


class SessionRecorder:
    """Writes a live session's new turns as they happen, each in its own transaction.

    Call :meth:`record` after every ``session.reply(...)`` (and after ``opening()``): every
    transcript entry not yet stored is committed one by one; the last one's transaction also
    stores the session state and actions, so state and turns never disagree for long.
    """

    def __init__(self, store: Store, actor: User, session_id: int, written: int = 0) -> None:
        self.store = store
        self.actor = actor
        self.session_id = session_id
        self.written = written

    def record(self, session: GuidanceSession | SessionState) -> int:
        """Commit the turns added since the last call. Returns how many were written."""
        state = session.state if isinstance(session, GuidanceSession) else session
        new = state.transcript[self.written :]
        names = [state.profile.name] if state.profile.name else []
        for position, entry in enumerate(new):
            last = position == len(new) - 1
            try:
                self.store.append_turn(
                    self.actor,
                    self.session_id,
                    entry,
                    state=state if last else None,
                    names=names,
                )
            except IntegrityError as error:  # another writer took this index
                raise GuidanceAssistantError(
                    "This session was changed elsewhere; reload it before going on."
                ) from error
            self.written += 1
        if not new:
            self.store.save_guidance_session(
                self.actor, self._client_id(), state, session_id=self.session_id
            )
        return len(new)

    def _client_id(self) -> int:
        with self.store._tx() as db:
            record = db.get(GuidanceSessionRecord, self.session_id)
            if record is None:
                raise NotFoundError(f"There is no guidance session {self.session_id}.")
            return record.client_id
