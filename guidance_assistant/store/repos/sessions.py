"""Guidance sessions: turns committed one by one, state, search."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.interview.grounding import KnowledgeSource
from guidance_assistant.interview.session import GuidanceSession
from guidance_assistant.interview.state import SessionState, TranscriptEntry
from guidance_assistant.store.models import (
    ActionItemRow,
    Client,
    GuidanceSessionRecord,
    TurnRow,
    User,
    utcnow,
)
from guidance_assistant.store.redaction import redact_state, redact_text
from guidance_assistant.store.repos.base import NotFoundError, StoreCore
from guidance_assistant.store.views import SessionSummary

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


class SessionsRepo(StoreCore):
    """Guidance sessions: turns committed one by one, state, search."""

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


class SessionRecorder:
    """Writes a live session's new turns as they happen, each in its own transaction.

    Call :meth:`record` after every ``session.reply(...)`` (and after ``opening()``): every
    transcript entry not yet stored is committed one by one; the last one's transaction also
    stores the session state and actions, so state and turns never disagree for long.
    """

    def __init__(self, store: SessionsRepo, actor: User, session_id: int, written: int = 0) -> None:
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
