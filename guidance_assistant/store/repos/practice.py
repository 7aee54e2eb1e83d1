"""Practice sessions and their supervisor comments."""

from __future__ import annotations

from sqlalchemy import delete, select

from guidance_assistant.practice.feedback import TurnRecord
from guidance_assistant.practice.review import SupervisorComment, make_comment
from guidance_assistant.practice.session import PracticeSession
from guidance_assistant.store.accounts import (
    PermissionDeniedError,
)
from guidance_assistant.store.models import (
    PracticeSessionRecord,
    PracticeTurnRow,
    SupervisorCommentRow,
    User,
    utcnow,
)
from guidance_assistant.store.repos.base import StoreCore
from guidance_assistant.store.views import PracticeSummary, PracticeView


class PracticeRepo(StoreCore):
    """Practice sessions and their supervisor comments."""

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
