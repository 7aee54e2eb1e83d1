"""The tabs through the app's API: prepare a brief, the store's permission checks, a supervisor's
comment on a trainee's practice."""

from __future__ import annotations

import pytest
from gradio_client.exceptions import AppError

from tests.ui.conftest import AppServer

pytestmark = pytest.mark.slow


def test_prepare_a_brief_and_save_it_to_a_client(app_server: AppServer) -> None:
    adviser = app_server.client("adviser")
    notes = "Year 11, wants to be a paramedic, worried about exams. <script>alert(1)</script>"
    status, brief = adviser.predict(notes, api_name="/prepare_brief")
    assert status == "" and "Paramedic" in brief
    assert "<script>" not in brief
    status, choices, _ = adviser.predict("PREP-1", api_name="/add_client")
    assert "Added client" in status
    saved = adviser.predict(choices["value"], api_name="/save_brief")
    assert "saved" in saved


def test_another_advisers_session_cannot_be_seen_or_deleted(app_server: AppServer) -> None:
    owner = app_server.client("adviser")
    _, choices, _ = owner.predict("PRIV-1", api_name="/session_add_client")
    owner.predict(choices["value"], 10, [], api_name="/start_session")
    owner.predict("Hi there", api_name="/send_message")
    session_id = int(owner.predict(api_name="/save_session").split("Session ")[1].split()[0])
    other = app_server.client("adviser2")
    status, listing, _ = other.predict("Hi there", api_name="/search_sessions")
    assert all(value != session_id for _, value in listing["choices"])
    with pytest.raises(AppError, match="not in the list of choices"):
        other.predict(session_id, api_name="/show_session")  # cannot even name it
    status, listing, _ = owner.predict("Hi there", api_name="/search_sessions")
    assert any(value == session_id for _, value in listing["choices"])
    status, transcript, _ = owner.predict(session_id, api_name="/show_session")
    assert status == "" and "Hi there" in transcript
    admin = app_server.client("admin")
    admin.predict("", api_name="/search_sessions")
    status, *_ = admin.predict(session_id, True, "", api_name="/delete_session")
    assert "deleted" in status


def test_supervisor_comments_on_their_trainees_practice(app_server: AppServer) -> None:
    trainee = app_server.client("trainee")
    status, *_ = trainee.predict("year11-undecided", 0, api_name="/start_practice")
    assert "is with you" in status
    trainee.predict("What would you like to talk about today?", api_name="/practice_say")
    saved = trainee.predict(api_name="/save_practice")
    practice_id = int(saved.split("session ")[1].split()[0])
    supervisor = app_server.client("supervisor")
    status, listing = supervisor.predict("", api_name="/supervise_list")
    assert any(value == practice_id for _, value in listing["choices"])
    status, report, _ = supervisor.predict(
        practice_id, 1, "Good open question <b>bold</b>", api_name="/supervise_comment"
    )
    assert "Comment added" in status
    assert "Comment from" in report and "&lt;b&gt;bold&lt;/b&gt;" in report
    adviser = app_server.client("adviser")
    status, listing = adviser.predict("", api_name="/supervise_list")
    assert listing["choices"] == []
    trainee.predict("", api_name="/review-practice_list")
    status, *_ = trainee.predict(
        practice_id, None, "my own comment", api_name="/review-practice_comment"
    )
    assert "Not allowed" in status and "supervisors" in status


def test_a_disclosure_raises_the_safeguarding_banner(app_server: AppServer) -> None:
    adviser = app_server.client("adviser")
    _, choices, _ = adviser.predict("SAFE-1", api_name="/session_add_client")
    *_, banner = adviser.predict(choices["value"], 10, [], api_name="/start_session")
    assert banner["visible"] is False
    out = adviser.predict("honestly sometimes i just want to die", api_name="/send_message")
    banner = out[5]
    assert banner["visible"] is True
    assert "Safeguarding concern" in banner["value"] and "safeguarding lead" in banner["value"]


def test_only_advisers_and_admins_add_documents(app_server: AppServer) -> None:
    status = app_server.client("trainee").predict(None, api_name="/add_documents")
    assert "Not allowed" in status
    status = app_server.client("evaluator").predict(api_name="/reindex")
    assert "Not allowed" in status and "admins" in status
