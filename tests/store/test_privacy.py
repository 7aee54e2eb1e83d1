"""Redaction, retention, deleting a client for good, export."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from guidance_assistant.store import NotFoundError, Store, redact_text
from guidance_assistant.store.commands import purge_expired

from .conftest import People
from .helpers import add_entry, make_practice, make_state
from .test_schema_and_sessions import count

SENSITIVE = (
    "My name is Jamie, email jamie.smith@example.co.uk, mobile 07700 900123, "
    "I live at 14 Acacia Avenue, Leeds LS1 4AP"
)


@pytest.mark.parametrize(
    ("said", "gone", "placeholder"),
    [
        ("write to jo.bloggs+cv@school.sch.uk please", "jo.bloggs", "[email]"),
        ("ring 07700 900123", "900123", "[phone]"),
        ("ring 07700900123", "900123", "[phone]"),
        ("ring +44 7700 900123", "900123", "[phone]"),
        ("ring +44 (0)20 7946 0958", "7946", "[phone]"),
        ("ring (0161) 496 0000", "496", "[phone]"),
        ("ring 020-7946-0958", "7946", "[phone]"),
        ("we live at 12 High Street", "High Street", "[address]"),
        ("we live on Park Road now", "Park Road", "[address]"),
        ("postcode SW1A 1AA", "SW1A", "[postcode]"),
        ("postcode m1 1ae", "m1 1ae", "[postcode]"),
        ("my name is Kai", "Kai", "[name]"),
        ("call me Jo", "Jo", "[name]"),
        ("my mum Sarah says", "Sarah", "[name]"),
        ("Mrs Patel said so", "Patel", "[name]"),
    ],
)
def test_redact_text(said: str, gone: str, placeholder: str) -> None:
    out = redact_text(said)
    assert gone not in out and placeholder in out


def test_redaction_leaves_ordinary_words() -> None:
    said = "I'm not sure, I'm in Year 11 and I got 7 GCSEs in 2025; I'm English."
    assert redact_text(said) == said
    assert redact_text("Jamie is fine", names=["Jamie Smith"]) == "[name] is fine"


def test_transcripts_are_redacted_before_writing(
    make_store: Callable[..., Store], people_factory: Callable[[Store], People]
) -> None:
    store = make_store(redact_transcripts=True)
    people = people_factory(store)
    client = store.create_client(people.adviser, "C-R", display_name="Jamie Smith")
    state = make_state(2)
    state.transcript[0].text = SENSITIVE
    state.transcript.append(state.transcript[0].model_copy(update={"text": "Smith is my surname"}))
    session_id = store.save_guidance_session(people.adviser, client.id, state)
    recorder = store.recorder(people.adviser, session_id)
    recorder.written = len(state.transcript)
    add_entry(state, 3, text="you can email me at kai@example.com")
    recorder.record(state)

    with store.engine.connect() as connection:
        texts = [row[0] for row in connection.execute(text("SELECT text FROM turns"))]
        state_json = connection.execute(text("SELECT state_json FROM guidance_sessions")).scalar()
    stored = " ".join(texts) + str(state_json)
    for secret in ("Jamie", "Smith", "jamie.smith@", "07700", "Acacia", "LS1 4AP", "kai@"):
        assert secret not in stored, secret
    assert "[email]" in texts[0] and "[phone]" in texts[0] and "[postcode]" in texts[0]
    # the knowledge passages cited keep their helpline number
    assert "0800 015 0400" in str(state_json)


def test_without_redaction_text_is_kept(store: Store, people: People) -> None:
    client = store.create_client(people.adviser, "C-K")
    state = make_state(1)
    state.transcript[0].text = SENSITIVE
    session_id = store.save_guidance_session(people.adviser, client.id, state)
    assert store.load_session_state(people.adviser, session_id).transcript[0].text == SENSITIVE


def _age(store: Store, table: str, column: str, when: datetime) -> None:
    stamp = when if store.engine.dialect.name != "sqlite" else when.replace(tzinfo=None)
    with store.engine.begin() as connection:
        connection.execute(text(f"UPDATE {table} SET {column} = :t"), {"t": stamp})


def test_retention_purges_old_sessions(
    make_store: Callable[..., Store], people_factory: Callable[[Store], People]
) -> None:
    store = make_store(retention_days=30)
    people = people_factory(store)
    client = store.create_client(people.adviser, "C-OLD")
    old = store.save_guidance_session(people.adviser, client.id, make_state(4))
    store.save_brief(people.adviser, client.id, "# Brief")
    now = datetime(2026, 6, 1, tzinfo=UTC)
    _age(store, "guidance_sessions", "updated_at", now - timedelta(days=31))
    _age(store, "briefs", "created_at", now - timedelta(days=31))
    fresh = store.save_guidance_session(people.adviser, client.id, make_state(2))
    with store.engine.begin() as connection:
        stamp = now - timedelta(days=29)
        connection.execute(
            text("UPDATE guidance_sessions SET updated_at = :t WHERE id = :i"),
            {
                "t": stamp if store.engine.dialect.name != "sqlite" else stamp.replace(tzinfo=None),
                "i": fresh,
            },
        )

    result = store.purge_expired(now=now)
    assert (result.guidance_sessions, result.briefs) == (1, 1)
    assert count(store.engine, "SELECT count(*) FROM guidance_sessions WHERE id=:i", i=old) == 0
    assert count(store.engine, "SELECT count(*) FROM turns WHERE session_id=:i", i=old) == 0
    assert count(store.engine, "SELECT count(*) FROM action_items WHERE session_id=:i", i=old) == 0
    assert count(store.engine, "SELECT count(*) FROM turns WHERE session_id=:i", i=fresh) == 2
    assert count(store.engine, "SELECT count(*) FROM clients") == 1
    assert store.purge_expired(now=now).guidance_sessions == 0


def test_no_retention_keeps_everything(store: Store, people: People) -> None:
    client = store.create_client(people.adviser, "C-KEEP")
    store.save_guidance_session(people.adviser, client.id, make_state(2))
    far = datetime(2100, 1, 1, tzinfo=UTC)
    assert store.purge_expired(now=far).guidance_sessions == 0
    assert purge_expired(far, settings=store.settings).guidance_sessions == 0


MARKER = "Zebulon-Quixote-unique-marker"


def test_delete_client_removes_every_row(store: Store, people: People, tmp_path: Path) -> None:
    client = store.create_client(people.adviser, "C-DEL")
    kept = store.create_client(people.adviser, "C-KEPT")
    for _ in range(2):
        state = make_state(4)
        state.transcript[0].text = f"My secret is {MARKER} " * 20
        store.save_guidance_session(people.adviser, client.id, state)
    store.save_brief(people.adviser, client.id, f"# Brief\n{MARKER}")
    store.save_guidance_session(people.adviser, kept.id, make_state(2))
    store.save_brief(people.adviser, kept.id, "# Other")

    if store.engine.dialect.name == "sqlite":  # the marker is on disk before...
        database = Path(str(store.engine.url.database))
        on_disk = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
        assert MARKER.encode() in on_disk
    removed = store.delete_client(people.adviser, client.id)
    assert removed == {
        "clients": 1,
        "guidance_sessions": 2,
        "turns": 8,
        "action_items": 4,
        "briefs": 1,
    }
    sessions = "SELECT id FROM guidance_sessions WHERE client_id = :c"
    for sql in (
        "SELECT count(*) FROM clients WHERE id = :c",
        "SELECT count(*) FROM guidance_sessions WHERE client_id = :c",
        f"SELECT count(*) FROM turns WHERE session_id IN ({sessions})",
        f"SELECT count(*) FROM action_items WHERE session_id IN ({sessions})",
        "SELECT count(*) FROM briefs WHERE client_id = :c",
    ):
        assert count(store.engine, sql, c=client.id) == 0, sql
    assert count(store.engine, "SELECT count(*) FROM turns") == 2  # the other client's
    assert count(store.engine, "SELECT count(*) FROM action_items") == 2
    assert count(store.engine, "SELECT count(*) FROM briefs") == 1
    assert count(store.engine, "SELECT count(*) FROM clients") == 1
    with store.engine.connect() as connection:
        found = connection.execute(
            text("SELECT count(*) FROM turns WHERE text LIKE :m"), {"m": f"%{MARKER}%"}
        ).scalar_one()
    assert found == 0
    if store.engine.dialect.name == "sqlite":  # ...and gone after
        store.close()
        database = Path(str(store.engine.url.database))
        for path in database.parent.glob(database.name + "*"):
            assert MARKER.encode() not in path.read_bytes(), path


def test_export_client_json(store: Store, people: People) -> None:
    client = store.create_client(people.adviser, "C-EXP", display_name="Kai")
    session_id = store.save_guidance_session(people.adviser, client.id, make_state(4))
    store.save_brief(people.adviser, client.id, "# Brief for Kai")
    data = json.loads(store.export_client_json(people.adviser, client.id))
    assert data["client"]["reference"] == "C-EXP"
    assert data["client"]["display_name"] == "Kai"
    [session] = data["sessions"]
    assert session["id"] == session_id
    assert [t["speaker"] for t in session["turns"]] == ["client", "adviser"] * 2
    assert session["turns"][1]["citations"][0]["citation"]["title"] == "Apprenticeships guide"
    assert session["actions"][0] == {
        "what": "Look up art apprenticeships",
        "who": "You",
        "when": "2026-01-19",
        "turn": 2,
    }
    assert session["state"]["profile"]["age"] == 16
    assert data["briefs"][0]["markdown"] == "# Brief for Kai"


def test_delete_practice_session_removes_every_row(store: Store, people: People) -> None:
    said = [f"Tell me about {MARKER} and school", "What matters most to you in a job?"]
    practice = make_practice(said)
    practice.add_comment(f"Self-review: {MARKER}", author="tom")
    doomed = store.save_practice_session(people.trainee, practice)
    store.add_supervisor_comment(people.supervisor, doomed, "Good open question", turn=1)
    kept = store.save_practice_session(people.trainee, make_practice(["How are you today?"]))
    store.add_supervisor_comment(people.supervisor, kept, "Fine start")

    if store.engine.dialect.name == "sqlite":  # the marker is on disk before...
        database = Path(str(store.engine.url.database))
        on_disk = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
        assert MARKER.encode() in on_disk
    removed = store.delete_practice_session(people.trainee, doomed)
    assert removed == {"practice_sessions": 1, "turns": 2, "comments": 2, "feedback": 1}
    for sql in (
        "SELECT count(*) FROM practice_sessions WHERE id = :p",
        "SELECT count(*) FROM practice_turns WHERE practice_id = :p",
        "SELECT count(*) FROM supervisor_comments WHERE practice_id = :p",
    ):
        assert count(store.engine, sql, p=doomed) == 0, sql
    assert count(store.engine, "SELECT count(*) FROM practice_sessions") == 1  # the other one
    assert count(store.engine, "SELECT count(*) FROM practice_turns") == 1
    assert count(store.engine, "SELECT count(*) FROM supervisor_comments") == 1
    assert [s.id for s in store.list_practice_sessions(people.trainee)] == [kept]
    with pytest.raises(NotFoundError):
        store.get_practice_session(people.trainee, doomed)
    with pytest.raises(NotFoundError):
        store.delete_practice_session(people.trainee, doomed)
    if store.engine.dialect.name == "sqlite":  # ...and gone after
        store.close()
        database = Path(str(store.engine.url.database))
        for path in database.parent.glob(database.name + "*"):
            assert MARKER.encode() not in path.read_bytes(), path
