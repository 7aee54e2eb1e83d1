"""Clients: create, list, delete, export (a subject access request)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, func, select

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.store.accounts import (
    PermissionDeniedError,
)
from guidance_assistant.store.models import (
    ActionItemRow,
    Brief,
    Client,
    GuidanceSessionRecord,
    TurnRow,
    User,
    utcnow,
)
from guidance_assistant.store.repos.base import StoreCore


class ClientsRepo(StoreCore):
    """Clients: create, list, delete, export (a subject access request)."""

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
