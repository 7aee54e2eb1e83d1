"""The tabs through the app's API: prepare a brief, the store's permission checks, a supervisor's
comment on a trainee's practice, deleting a practice session, exports fetched by their owner
only."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import httpx
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
    status, _uploads, _timer, _documents = app_server.client("trainee").predict(
        None, api_name="/add_documents"
    )
    assert "Not allowed" in status
    status = app_server.client("evaluator").predict(api_name="/reindex")
    assert "Not allowed" in status and "admins" in status


def _links(downloads_html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', downloads_html)


def test_an_export_is_fetched_by_its_owner_only(app_server: AppServer) -> None:
    owner = app_server.client("adviser")
    _, choices, _ = owner.predict("EXPORT-1", api_name="/session_add_client")
    owner.predict(choices["value"], 11, [], api_name="/start_session")
    owner.predict("I want to talk about what to do after Year 11", api_name="/send_message")
    status, links = owner.predict(api_name="/export_plan")
    assert "ready" in status
    urls = [urljoin(app_server.url, href) for href in _links(links)]
    assert [url.rsplit(".", 1)[1] for url in urls] == ["md", "pdf"]
    mine = httpx.get(urls[0], cookies=owner.cookies)
    assert mine.status_code == 200 and "careers action plan" in mine.text
    assert mine.headers["content-disposition"].startswith("attachment")
    assert httpx.get(urls[0]).status_code == 401  # not signed in
    for other in ("adviser2", "admin", "trainee"):  # signed in, but not theirs
        refused = httpx.get(urls[0], cookies=app_server.client(other).cookies)
        assert refused.status_code == 404, other
        assert "careers action plan" not in refused.text


def test_a_practice_session_is_deleted_by_its_trainee_not_their_supervisor(
    app_server: AppServer,
) -> None:
    trainee = app_server.client("trainee")
    trainee.predict("year11-undecided", 0, api_name="/start_practice")
    trainee.predict("What would you like to talk about?", api_name="/practice_say")
    saved = trainee.predict(api_name="/save_practice")
    practice_id = int(saved.split("session ")[1].split()[0])
    supervisor = app_server.client("supervisor")
    supervisor.predict("", api_name="/supervise_list")
    supervisor.predict(practice_id, None, "Good <b>start</b>", api_name="/supervise_comment")

    supervisor.predict("", api_name="/review-practice_list")
    status, *_ = supervisor.predict(practice_id, True, "", api_name="/review-practice_delete")
    assert "Not allowed" in status and "Only the trainee" in status
    status, listing = supervisor.predict("", api_name="/supervise_list")
    assert any(value == practice_id for _, value in listing["choices"])

    trainee.predict("", api_name="/review-practice_list")
    status, *_ = trainee.predict(practice_id, False, "", api_name="/review-practice_delete")
    assert "Tick" in status  # not without the confirmation
    status, report = trainee.predict(practice_id, api_name="/review-practice_show")
    assert "Good &lt;b&gt;start&lt;/b&gt;" in report and "<b>" not in report
    status, listing, report, confirm, _ = trainee.predict(
        practice_id, True, "", api_name="/review-practice_delete"
    )
    assert "deleted" in status and "1 turn(s) and 1 comment(s)" in status
    assert all(value != practice_id for _, value in listing["choices"])
    assert report == "" and confirm is False
    status, listing = supervisor.predict("", api_name="/supervise_list")
    assert all(value != practice_id for _, value in listing["choices"])
    # The live practice is still open: saving it again stores it afresh, nothing is lost.
    saved_again = trainee.predict(api_name="/save_practice")
    assert "saved" in saved_again
    new_id = int(saved_again.split("session ")[1].split()[0])
    trainee.predict("", api_name="/review-practice_list")
    status, report = trainee.predict(new_id, api_name="/review-practice_show")
    assert "What would you like to talk about?" in report
    assert "Good &lt;b&gt;start" not in report  # the deleted comment did not come back


def test_a_clients_data_is_exported_to_their_adviser_only(app_server: AppServer) -> None:
    owner = app_server.client("adviser")
    _, choices, _ = owner.predict("SAR-1", api_name="/session_add_client")
    owner.predict(choices["value"], 11, [], api_name="/start_session")
    owner.predict("I like drawing <i>a lot</i>", api_name="/send_message")
    session_id = int(owner.predict(api_name="/save_session").split("Session ")[1].split()[0])
    owner.predict("", api_name="/search_sessions")
    status, links = owner.predict(session_id, api_name="/export_client")
    assert "ready" in status
    [href] = _links(links)
    url = urljoin(app_server.url, href)
    data = httpx.get(url, cookies=owner.cookies).json()
    assert data["client"]["reference"] == "SAR-1"
    [session] = data["sessions"]
    assert any("drawing <i>a lot</i>" in turn["text"] for turn in session["turns"])
    assert httpx.get(url, cookies=app_server.client("adviser2").cookies).status_code == 404


def test_everything_about_a_client_is_deleted_by_their_adviser_only(app_server: AppServer) -> None:
    owner = app_server.client("adviser")
    _, choices, _ = owner.predict("ERASE-1", api_name="/session_add_client")
    owner.predict(choices["value"], 11, [], api_name="/start_session")
    owner.predict("I would like to talk about apprenticeships", api_name="/send_message")
    session_id = int(owner.predict(api_name="/save_session").split("Session ")[1].split()[0])
    other = app_server.client("adviser2")
    other.predict("", api_name="/search_sessions")
    with pytest.raises(AppError, match="not in the list of choices"):
        other.predict(session_id, True, "", api_name="/delete_client")
    owner.predict("", api_name="/search_sessions")
    status, *_ = owner.predict(session_id, False, "", api_name="/delete_client")
    assert "Tick" in status  # nothing deleted without the confirmation
    status, listing, *_ = owner.predict(session_id, True, "", api_name="/delete_client")
    assert "Everything about the client was deleted" in status and "1 guidance sessions" in status
    assert all(value != session_id for _, value in listing["choices"])
    _, clients, _ = owner.predict("ERASE-2", api_name="/session_add_client")
    assert all("ERASE-1" not in str(label) for label, _ in clients["choices"])
