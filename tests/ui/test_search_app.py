"""The app as a person reaches it: a real server on 127.0.0.1, asked over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from guidance_assistant.paths import REPO_ROOT
from guidance_assistant.ui.search_page import search_to_markdown

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(bundled_kb: Any) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "GA_INDEX_DIR": str(bundled_kb.index_dir), "GA_PORT": str(port)}
    log = Path(bundled_kb.index_dir).parent / "app.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, str(REPO_ROOT / "app.py")], env=env, stdout=out, stderr=out
        )
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"the app exited early:\n{log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.5)
        else:
            process.kill()
            pytest.fail(f"the app did not start:\n{log.read_text()}")
        try:
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)


def test_asking_a_question_returns_cited_passages(server: str) -> None:
    from gradio_client import Client

    client = Client(server, verbose=False)
    result = client.predict(
        "How much does a paramedic earn?", 3, ["framework", "lmi", "user"], api_name="/search"
    )
    assert "3 passages" in result
    assert "Source:" in result and "Paramedic" in result


def test_empty_question_shows_a_message_not_an_error(server: str) -> None:
    from gradio_client import Client

    result = Client(server, verbose=False).predict("", 3, ["lmi"], api_name="/search")
    assert "Cannot search" in result and "empty" in result


def test_html_in_a_question_is_shown_as_text(bundled_kb: Any) -> None:
    shown = search_to_markdown(bundled_kb, "<script>alert('x')</script> nurse pay", 2)
    assert "<script>" not in shown
    assert "&lt;script&gt;" in shown
