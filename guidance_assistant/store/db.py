"""Engines and schema migrations.

SQLite (the default, ``DATA_DIR/guidance.db``) is opened in WAL mode with foreign keys and
``secure_delete`` on; PostgreSQL is used when ``GA_DATABASE_URL`` names it
(``postgresql+psycopg://user@host/db``). :func:`init_database` runs ``alembic upgrade head``
in code (no ``alembic.ini``): a new database gets every table, an old one is brought up to date.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from guidance_assistant.config import Settings
from guidance_assistant.errors import GuidanceAssistantError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class StoreError(GuidanceAssistantError):
    """The database cannot be opened, migrated or used (the message says which and why)."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
    finally:
        cursor.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and secure delete on each connection
    and its folder is created."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.drivername == "postgresql":  # plain URL: use psycopg 3, the driver we depend on
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True, **kwargs)


def alembic_config(engine: Engine | None = None) -> Config:
    """Alembic's configuration, made in code (the migrations ship inside the package)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.set_main_option(
            "sqlalchemy.url",
            engine.url.render_as_string(hide_password=False).replace("%", "%%"),
        )
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to ``revision`` on ``engine``'s database."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def init_database(settings: Settings) -> Engine:
    """The engine for ``settings.resolved_database_url``, its schema created or upgraded."""
    url = settings.resolved_database_url
    try:
        engine = make_engine(url)
        upgrade(engine)
    except GuidanceAssistantError:
        raise
    except Exception as error:
        where = make_url(url).render_as_string(hide_password=True)
        raise StoreError(
            f"The database at {where} could not be opened or upgraded ({error.__class__.__name__}: "
            f"{error}). Check GA_DATABASE_URL and that the server is running."
        ) from error
    return engine
