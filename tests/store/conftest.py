"""Store fixtures: each test gets a fresh database, SQLite (a tmp file) and, when
GA_TEST_POSTGRES_URL is set, PostgreSQL (a schema of its own, dropped afterwards)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from guidance_assistant.config import Settings
from guidance_assistant.store import Store, User, accounts

POSTGRES_URL = os.environ.get("GA_TEST_POSTGRES_URL")
PASSWORD = "correct horse battery"


def _pg_driver(url: str) -> str:
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fast argon2 parameters so the many accounts the tests make cost little CPU."""
    monkeypatch.setattr(
        accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(
                not POSTGRES_URL,
                reason="GA_TEST_POSTGRES_URL is not set (a PostgreSQL server URL, e.g. "
                "postgresql+psycopg://postgres@127.0.0.1:5432/ga_test)",
            ),
        ),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'guidance.db'}"
        return
    assert POSTGRES_URL
    base = _pg_driver(POSTGRES_URL)
    schema = f"ga_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def make_store(
    make_settings: Callable[..., Settings], database_url: str
) -> Iterator[Callable[..., Store]]:
    opened: list[Store] = []

    def factory(**overrides: Any) -> Store:
        store = Store(make_settings(database_url=database_url, **overrides))
        opened.append(store)
        return store

    yield factory
    for store in opened:
        store.close()


@pytest.fixture
def store(make_store: Callable[..., Store]) -> Store:
    return make_store()


@dataclass
class People:
    admin: User
    adviser: User
    other_adviser: User
    supervisor: User
    other_supervisor: User
    trainee: User
    other_trainee: User
    evaluator: User


@pytest.fixture
def people(store: Store, people_factory: Callable[[Store], People]) -> People:
    return people_factory(store)


@pytest.fixture
def people_factory() -> Callable[[Store], People]:
    return make_people


def make_people(store: Store) -> People:
    """An admin (the first-run one) and two of every other role; tom is sue's trainee and tia
    is sam's."""
    password = store.ensure_admin()
    assert password is not None
    admin = store.authenticate("admin", password)

    def add(name: str, role: str, supervisor: str | None = None) -> User:
        return store.add_user(admin, name, PASSWORD, role, supervisor=supervisor)

    supervisor = add("sue", "supervisor")
    other_supervisor = add("sam", "supervisor")
    return People(
        admin=admin,
        adviser=add("alice", "adviser"),
        other_adviser=add("bob", "adviser"),
        supervisor=supervisor,
        other_supervisor=other_supervisor,
        trainee=add("tom", "trainee", supervisor="sue"),
        other_trainee=add("tia", "trainee", supervisor="sam"),
        evaluator=add("eve", "evaluator"),
    )
