"""The app over HTTP: sign-in, the knowledge search, and escaping of what is shown."""

from __future__ import annotations

from typing import Any

import pytest

from guidance_assistant.ui.render import chat_messages, escape, safe_markdown
from guidance_assistant.ui.search_page import search_to_markdown
from tests.ui.conftest import AppServer

ATTACKS = ["<img src=x onerror=alert(1)>", "<script>alert('x')</script>"]


@pytest.mark.slow
def test_asking_a_question_returns_cited_passages(app_server: AppServer) -> None:
    result = app_server.client("adviser").predict(
        "How much does a paramedic earn?", 3, ["framework", "lmi", "user"], api_name="/search"
    )
    assert "3 passages" in result
    assert "Source:" in result and "Paramedic" in result


@pytest.mark.slow
def test_empty_question_shows_a_message_not_an_error(app_server: AppServer) -> None:
    result = app_server.client("trainee").predict("", 3, ["lmi"], api_name="/search")
    assert "Cannot search" in result and "empty" in result


@pytest.mark.slow
def test_wrong_password_is_refused(app_server: AppServer) -> None:
    from gradio_client import Client

    with pytest.raises(Exception, match=r"(?i)login|auth|credential|401|password"):
        Client(app_server.url, auth=("adviser", "not-the-password"), verbose=False)


@pytest.mark.slow
def test_first_run_printed_the_admin_password_once(app_server: AppServer) -> None:
    text = app_server.log.read_text()
    assert text.count(app_server.admin_password) == 1
    assert "shown only once" in text


@pytest.mark.slow
def test_permission_denied_is_a_plain_message(app_server: AppServer) -> None:
    trainee = app_server.client("trainee")
    status, *_ = trainee.predict("C-9", api_name="/session_add_client")
    assert "Not allowed" in status and "advisers" in status
    status, *_ = trainee.predict(["bad_input"], "offline (built in)", api_name="/run_eval")
    assert "Not allowed" in status


@pytest.mark.slow
@pytest.mark.parametrize("attack", ATTACKS)
def test_html_in_a_question_is_shown_as_text(bundled_kb: Any, attack: str) -> None:
    shown = search_to_markdown(bundled_kb, f"{attack} nurse pay", 2)
    assert "<script>" not in shown and "<img" not in shown
    assert "&lt;" in shown


@pytest.mark.parametrize("attack", ATTACKS)
def test_rendering_escapes_html(attack: str) -> None:
    from datetime import date

    from guidance_assistant.interview.state import SessionState, TranscriptEntry

    for shown in (escape(attack), safe_markdown(f"# Brief\n\n{attack}")):
        assert "<script" not in shown and "<img" not in shown
        assert "&lt;" in shown
    state = SessionState(
        session_date=date(2026, 3, 10),
        transcript=[
            TranscriptEntry(turn=1, speaker="client", text=attack, stage="contracting"),
            TranscriptEntry(
                turn=2, speaker="adviser", text=f"You said {attack}", stage="exploration"
            ),
        ],
    )
    for item in chat_messages(state.transcript):
        assert "<" not in item["content"]
