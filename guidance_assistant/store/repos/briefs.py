"""Preparation briefs saved for a client."""

from __future__ import annotations

from sqlalchemy import select

from guidance_assistant.store.models import (
    Brief,
    User,
)
from guidance_assistant.store.repos.base import StoreCore


class BriefsRepo(StoreCore):
    """Preparation briefs saved for a client."""

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
