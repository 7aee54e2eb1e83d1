"""A storage for the ``limits`` library in the store's database, so that sign-in limits and
locks outlive a restart and are shared by every server process on one database.

``limits`` ships storages for memory, Redis, Memcached and MongoDB, none over SQL. This one
keeps each counter as a row of ``rate_limits`` (key, count, when it lapses) and supports the
fixed-window strategy (:class:`limits.strategies.FixedWindowRateLimiter`). Every increment is
one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` statement, atomic on SQLite and
PostgreSQL alike: two processes counting the same key never lose a count.
"""

from __future__ import annotations

import time
from typing import Any, cast

from limits.storage import Storage
from sqlalchemy import Engine, Table, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from guidance_assistant.store.models import RateLimitRow

_ROWS = cast(Table, RateLimitRow.__table__)


class SQLStorage(Storage):
    """``limits`` storage over the ``rate_limits`` table of ``engine`` (SQLite or
    PostgreSQL). A lapsed counter reads as 0 and starts afresh on its next increment."""

    STORAGE_SCHEME = None  # made in code from the store's engine, not from a URI

    def __init__(self, engine: Engine, *, wrap_exceptions: bool = False) -> None:
        if engine.dialect.name not in ("sqlite", "postgresql"):
            raise ValueError(f"no rate-limit storage for {engine.dialect.name} databases")
        self.engine = engine
        super().__init__(None, wrap_exceptions=wrap_exceptions)

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Add ``amount`` to ``key``'s count (a lapsed or new counter starts at ``amount`` and
        lapses ``expiry`` seconds from now); the new count."""
        now = time.time()
        dialect: Any = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        insert = dialect.insert(_ROWS).values(key=key, count=amount, expires_at=now + expiry)
        lapsed = _ROWS.c.expires_at <= now
        upsert = insert.on_conflict_do_update(
            index_elements=[_ROWS.c.key],
            set_={
                "count": case((lapsed, amount), else_=_ROWS.c.count + amount),
                "expires_at": case((lapsed, now + expiry), else_=_ROWS.c.expires_at),
            },
        ).returning(_ROWS.c.count)
        with self.engine.begin() as connection:
            return int(connection.execute(upsert).scalar_one())

    def get(self, key: str) -> int:
        """``key``'s count, 0 when it has lapsed or was never counted."""
        query = select(_ROWS.c.count).where(_ROWS.c.key == key, _ROWS.c.expires_at > time.time())
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar() or 0)

    def get_expiry(self, key: str) -> float:
        """When ``key``'s counter lapses (seconds since the epoch); now when it has none."""
        now = time.time()
        query = select(_ROWS.c.expires_at).where(_ROWS.c.key == key, _ROWS.c.expires_at > now)
        with self.engine.connect() as connection:
            found = connection.execute(query).scalar()
        return float(found) if found is not None else now

    def check(self) -> bool:
        """Whether the database answers."""
        try:
            with self.engine.connect() as connection:
                connection.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        """Drop every counter; how many there were."""
        with self.engine.begin() as connection:
            return int(connection.execute(delete(_ROWS)).rowcount)

    def clear(self, key: str) -> None:
        """Drop ``key``'s counter."""
        with self.engine.begin() as connection:
            connection.execute(delete(_ROWS).where(_ROWS.c.key == key))

    def prune(self) -> int:
        """Drop lapsed counters (they read as 0 anyway); how many."""
        with self.engine.begin() as connection:
            gone = connection.execute(delete(_ROWS).where(_ROWS.c.expires_at <= time.time()))
            return int(gone.rowcount)
