"""Retention: deleting what is older than the configured number of days."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete

from guidance_assistant.store.models import (
    Brief,
    GuidanceSessionRecord,
    PracticeSessionRecord,
    utcnow,
)
from guidance_assistant.store.repos.base import StoreCore
from guidance_assistant.store.views import PurgeResult


class RetentionRepo(StoreCore):
    """Retention: deleting what is older than the configured number of days."""

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
