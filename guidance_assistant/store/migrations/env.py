"""Alembic environment: uses the connection that :func:`~guidance_assistant.store.db.upgrade`
passes in ``config.attributes``, or makes one from ``sqlalchemy.url``.

A developer adds a revision with::

    python -c "from guidance_assistant.store.db import alembic_config; \
from alembic import command; c = alembic_config(); \
c.set_main_option('sqlalchemy.url', 'sqlite:///dev.db'); \
command.revision(c, 'what changed', autogenerate=True)"
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from guidance_assistant.store.db import make_engine
from guidance_assistant.store.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("No connection and no sqlalchemy.url for the migrations.")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
