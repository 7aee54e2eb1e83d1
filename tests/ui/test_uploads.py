"""Uploaded documents through the real server: private while they wait, moved (not copied)
into the documents folder when they can be indexed, deleted at once when they cannot, and
removable from the index and the disk by an adviser only."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from gradio_client import handle_file

from tests.ui.conftest import AppServer

pytestmark = pytest.mark.slow


def _indexed(client: Any, seconds: float = 300) -> tuple[str, Any]:
    """Polls the indexing status as the page's timer does, until it is no longer running."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, _timer, choices = client.predict(api_name="/indexing_status")
        if "so far" not in status:  # "Reading ... (n s so far)", "Indexing ...: n of m passages"
            return status, choices
        assert "passages" in status or "Reading" in status, status
        time.sleep(0.5)
    raise AssertionError(f"still indexing after {seconds} s: {status}")


def _leftovers(server: AppServer, name: str) -> list[Path]:
    return [p for p in (server.data_dir / "uploads").rglob(name) if p.is_file()]


def test_an_adviser_adds_then_removes_a_document(app_server: AppServer, tmp_path: Path) -> None:
    document = tmp_path / "wibbleford-glassworks.md"
    document.write_text(
        "# Glassblowing apprenticeships at Wibbleford\n\n"
        "Wibbleford Glassworks takes two glassblowing apprentices each spring.\n",
        encoding="utf-8",
    )
    adviser = app_server.client("adviser")
    status, _uploads, _timer, _choices = adviser.predict(
        [handle_file(str(document))], api_name="/add_documents"
    )
    assert "in the background" in status, status
    status, choices = _indexed(adviser)
    assert "1 added" in status, status
    assert not _leftovers(app_server, document.name)
    stored = app_server.data_dir / "documents" / document.name
    assert stored.is_file() and stored.stat().st_mode & 0o077 == 0  # readable by the server only
    hits = adviser.predict("glassblowing apprentices Wibbleford", 3, ["user"], api_name="/search")
    assert document.name in hits

    listed = {value for _label, value in choices["choices"]}
    [doc_id] = [d for d in listed if d.endswith(document.name)]
    trainee = app_server.client("trainee")
    refused, _ = trainee.predict([doc_id], api_name="/remove_documents")
    assert "Not allowed" in refused
    assert stored.is_file()

    status, choices = adviser.predict([doc_id], api_name="/remove_documents")
    assert "Removed" in status and document.name in status, status
    assert not stored.exists()
    assert doc_id not in {value for _label, value in choices["choices"]}
    hits = adviser.predict("glassblowing apprentices Wibbleford", 3, ["user"], api_name="/search")
    assert document.name not in hits
    events = {(e.event, e.username, e.detail) for e in _audit(app_server)}
    assert ("document_added", "adviser", document.name) in events
    assert ("document_removed", "adviser", document.name) in events


def _audit(server: AppServer) -> list[Any]:
    from guidance_assistant.config import get_settings
    from guidance_assistant.store import Store

    with Store(get_settings(data_dir=server.data_dir)) as store:
        admin = store.signed_in_user("admin")
        assert admin is not None
        return store.audit_log(admin, limit=500)


def test_a_rejected_upload_is_deleted_at_once(app_server: AppServer, tmp_path: Path) -> None:
    empty = tmp_path / "blank-notes.txt"
    empty.write_text("   \n", encoding="utf-8")
    status, _uploads, _timer, _choices = app_server.client("adviser").predict(
        [handle_file(str(empty))], api_name="/add_documents"
    )
    assert "not added" in status and empty.name in status, status
    assert not _leftovers(app_server, empty.name)
    assert not (app_server.data_dir / "documents" / empty.name).exists()


def test_an_upload_by_a_role_that_may_not_add_is_deleted(
    app_server: AppServer, tmp_path: Path
) -> None:
    document = tmp_path / "trainee-upload.md"
    document.write_text("# A trainee's file\n\nSome text about careers.\n", encoding="utf-8")
    status, _uploads, _timer, _choices = app_server.client("trainee").predict(
        [handle_file(str(document))], api_name="/add_documents"
    )
    assert "Not allowed" in status
    assert not _leftovers(app_server, document.name)
    assert not (app_server.data_dir / "documents" / document.name).exists()
