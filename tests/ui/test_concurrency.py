"""Twenty guidance sessions at once through the app's API: no state leaks between them."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from guidance_assistant.config import get_settings
from guidance_assistant.store import Store
from tests.ui.conftest import AppServer

pytestmark = pytest.mark.slow

SESSIONS = 20


def _text(message: dict[str, Any]) -> str:
    content = message["content"]
    if isinstance(content, list):
        return " ".join(str(part.get("text", "")) for part in content)
    return str(content)


def _one_session(server: AppServer, number: int) -> tuple[int, list[str], int]:
    owner = "adviser" if number % 2 == 0 else "adviser2"
    client = server.client(owner)
    marker = f"zebra{number:02d}"
    status, choices, _ = client.predict(f"CONC-{number:02d}", api_name="/session_add_client")
    assert "Added client" in status, status
    client_id = choices["value"]
    status, *_ = client.predict(client_id, 11, [], api_name="/start_session")
    assert "started" in status, status
    said = [f"Hi, I am {marker}", f"I want to talk about {marker} after Year 11", "yes"]
    chat: list[dict[str, Any]] = []
    for text in said:
        status, chat, *_ = client.predict(text, api_name="/send_message")
        assert not status.startswith("**"), status
    saved = client.predict(api_name="/save_session")
    assert "saved" in saved, saved
    session_id = int(saved.split("Session ")[1].split()[0])
    return number, [_text(m) for m in chat if m["role"] == "user"], session_id


def test_twenty_concurrent_sessions_keep_to_themselves(app_server: AppServer) -> None:
    with ThreadPoolExecutor(max_workers=SESSIONS) as pool:
        results = list(pool.map(lambda n: _one_session(app_server, n), range(SESSIONS)))
    store = Store(get_settings(data_dir=app_server.data_dir))
    try:
        admin = store.authenticate("admin", app_server.admin_password)
        for number, client_texts, session_id in results:
            mine = f"zebra{number:02d}"
            assert len(client_texts) == 3
            assert all(mine in t or t == "yes" for t in client_texts), client_texts
            state = store.load_session_state(admin, session_id)
            stored = " ".join(e.text for e in state.transcript)
            assert mine in stored
            others = [f"zebra{n:02d}" for n in range(SESSIONS) if n != number]
            assert not any(other in stored for other in others)
    finally:
        store.close()
