"""Schema by migrations; guidance sessions round-trip; turns committed one by one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import Engine, inspect, text

from guidance_assistant.interview.session import GuidanceSession
from guidance_assistant.store import Store, init_database, make_engine
from guidance_assistant.store.db import alembic_config, current_revision, head_revision
from guidance_assistant.store.models import Base

from .conftest import People
from .helpers import CITATION, add_entry, make_state

TABLES = {
    "users",
    "clients",
    "guidance_sessions",
    "turns",
    "action_items",
    "briefs",
    "practice_sessions",
    "practice_turns",
    "supervisor_comments",
    "eval_runs",
    "eval_results",
    "rate_limits",
    "audit_events",
}


def count(engine: Engine, sql: str, **params: Any) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(sql), params).scalar_one())


def test_migrations_create_every_table_and_rerun_cleanly(
    store: Store, make_store: Callable[..., Store]
) -> None:
    names = set(inspect(store.engine).get_table_names())
    assert names >= TABLES | {"alembic_version"}
    assert set(Base.metadata.tables) == TABLES
    assert current_revision(store.engine) == head_revision() == "0002"
    again = make_store()  # an existing database is opened (and upgraded) without error
    assert current_revision(again.engine) == "0002"


def test_an_old_database_is_upgraded(store: Store, make_store: Callable[..., Store]) -> None:
    """Down to an empty schema (as before the first release) and up again on the next start."""
    config = alembic_config(store.engine)
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert current_revision(store.engine) is None
    assert "users" not in inspect(store.engine).get_table_names()
    store.close()
    again = make_store()
    assert current_revision(again.engine) == head_revision()
    assert set(inspect(again.engine).get_table_names()) >= TABLES
    assert again.ensure_admin() is not None


def test_sqlite_is_a_file_in_the_data_dir_with_wal_and_foreign_keys(
    make_settings: Callable[..., Any],
) -> None:
    settings = make_settings()
    engine = init_database(settings)
    try:
        assert (settings.data_dir / "guidance.db").is_file()
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
    finally:
        engine.dispose()


def test_guidance_session_round_trip(store: Store, people: People) -> None:
    client = store.create_client(people.adviser, "C-001")
    state = make_state(4)
    session_id = store.save_guidance_session(people.adviser, client.id, state)

    assert store.load_session_state(people.adviser, session_id) == state
    restored = store.load_guidance_session(people.adviser, session_id, knowledge=_NoKnowledge())
    assert isinstance(restored, GuidanceSession)
    assert restored.state == state
    assert restored.state.transcript[1].citations == [CITATION]

    with store.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT turn_index, speaker, stage, move, citations, flags FROM turns "
                "WHERE session_id = :s ORDER BY turn_index"
            ),
            {"s": session_id},
        ).all()
        actions = connection.execute(
            text(
                "SELECT what, who, due_date FROM action_items WHERE session_id = :s "
                "ORDER BY position"
            ),
            {"s": session_id},
        ).all()
    assert [r[0] for r in rows] == [0, 1, 2, 3]
    assert [r[1] for r in rows] == ["client", "adviser", "client", "adviser"]
    assert rows[1][3] == "open_question"
    citations = rows[1][4] if not isinstance(rows[1][4], str) else json.loads(rows[1][4])
    assert citations[0]["citation"]["source"] == "apprenticeships.md"
    flags = rows[3][5] if not isinstance(rows[3][5], str) else json.loads(rows[3][5])
    assert flags == ["flag-x"]
    assert [a[0] for a in actions] == ["Look up art apprenticeships", "Email the college"]
    assert str(actions[0][2]) == "2026-01-19" and actions[1][2] is None

    # saving again adds only the new turns and replaces the actions
    add_entry(state, 4)
    state.actions.pop()
    store.save_guidance_session(people.adviser, client.id, state, session_id=session_id)
    assert count(store.engine, "SELECT count(*) FROM turns WHERE session_id=:s", s=session_id) == 5
    assert count(store.engine, "SELECT count(*) FROM action_items") == 1


class _NoKnowledge:
    def search(self, query: str, k: int | None = None, filters: Any = None) -> Sequence[Any]:
        return []


def test_recorder_commits_each_turn(store: Store, people: People) -> None:
    client = store.create_client(people.adviser, "C-002")
    state = make_state(0)
    recorder = store.start_recording(people.adviser, client.id, _Live(state))
    for index in range(3):
        add_entry(state, index)
        assert recorder.record(state) == 1
        turns = "SELECT count(*) FROM turns WHERE session_id=:s"
        assert count(store.engine, turns, s=recorder.session_id) == index + 1
    assert store.load_session_state(people.adviser, recorder.session_id) == state
    assert recorder.record(state) == 0  # nothing new: the state is saved again


class _Live(GuidanceSession):
    def __init__(self, state: Any) -> None:  # a session without engine parts, for the recorder
        self.state = state


WRITER = textwrap.dedent(
    """
    import sys, time
    from guidance_assistant.config import get_settings
    from guidance_assistant.store import Store, User
    sys.path.insert(0, sys.argv[4])
    from helpers import add_entry, make_state

    store = Store(get_settings(database_url=sys.argv[1], extra_sources=[]))
    actor = User(id=int(sys.argv[2]))
    recorder = store.recorder(actor, int(sys.argv[3]))
    state = make_state(0)
    for index in range(1000):
        add_entry(state, index)
        recorder.record(state)
        print(index, flush=True)
        time.sleep(0.01)
    """
)


def test_turns_survive_a_killed_process(
    store: Store, people: People, database_url: str, tmp_path: Path
) -> None:
    client = store.create_client(people.adviser, "C-003")
    session_id = store.create_session(people.adviser, client.id, make_state(0))
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    helpers_dir = str(Path(__file__).parent)
    process = subprocess.Popen(
        [
            sys.executable,
            str(script),
            database_url,
            str(people.adviser.id),
            str(session_id),
            helpers_dir,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "GA_DATA_DIR": str(tmp_path / "data")},
    )
    assert process.stdout is not None
    seen = 0
    try:
        for line in process.stdout:
            seen = int(line) + 1
            if seen == 5:
                break
    finally:
        process.send_signal(signal.SIGKILL)
        _, err = process.communicate(timeout=30)
    assert seen == 5, err
    store.close()  # drop every connection of this process too, then reopen from the files
    reopened = Store(store.settings)
    try:
        stored = count(
            reopened.engine, "SELECT count(*) FROM turns WHERE session_id=:s", s=session_id
        )
        assert stored >= 5  # every confirmed turn is there (at most the one in flight more)
        assert stored <= 6
        state = reopened.load_session_state(people.adviser, session_id)
        assert len(state.transcript) in (stored - 1, stored)
    finally:
        reopened.close()


def test_postgres_url_without_driver_uses_psycopg() -> None:
    engine = make_engine("postgresql://user@127.0.0.1:1/db")
    assert engine.url.drivername == "postgresql+psycopg"
    engine.dispose()


def test_search_sessions(store: Store, people: People) -> None:
    first = store.create_client(people.adviser, "REF-A")
    second = store.create_client(people.adviser, "REF-B")
    theirs = store.create_client(people.other_adviser, "REF-A")
    state = make_state(2)
    state.transcript[0].text = "I love 100% Marine_Biology and the sea"
    a = store.save_guidance_session(people.adviser, first.id, state)
    store.save_guidance_session(people.adviser, second.id, make_state(2))
    store.save_guidance_session(people.other_adviser, theirs.id, state)

    hits = store.search_sessions(people.adviser, "marine_biology")
    assert [h.id for h in hits] == [a]
    assert "Marine_Biology" in hits[0].matches[0]
    assert store.search_sessions(people.adviser, "100%")[0].id == a
    assert store.search_sessions(people.adviser, "zzz-not-there") == []
    by_ref = store.search_sessions(people.adviser, client_reference="REF-A")
    assert [h.client_reference for h in by_ref] == ["REF-A"]
    assert by_ref[0].turns == 2
    assert len(store.search_sessions(people.admin, client_reference="REF-A")) == 2
    assert len(store.list_sessions(people.adviser, client_id=second.id)) == 1


def test_a_live_session_recorded_reply_by_reply(store: Store, people: People) -> None:
    from datetime import date

    from guidance_assistant.backends.base import OfflineResponder
    from guidance_assistant.interview.state import SessionState

    client = store.create_client(people.adviser, "C-LIVE")
    session = GuidanceSession(
        SessionState(session_date=date(2026, 1, 5)),
        responder=OfflineResponder(),
        knowledge=_NoKnowledge(),
    )
    session.opening()
    recorder = store.start_recording(people.adviser, client.id, session)
    for message in ["Hi, I'm in Year 11 and not sure what to do", "I like drawing and games"]:
        session.reply(message)
        recorder.record(session)
        turns = "SELECT count(*) FROM turns WHERE session_id=:s"
        assert count(store.engine, turns, s=recorder.session_id) == len(session.state.transcript)
    restored = store.load_guidance_session(
        people.adviser, recorder.session_id, knowledge=_NoKnowledge()
    )
    assert restored.state == session.state
    restored.reply("Maybe something with computers")  # carries on where it stopped
    store.recorder(people.adviser, recorder.session_id).record(restored)
    assert store.load_session_state(people.adviser, recorder.session_id) == restored.state
