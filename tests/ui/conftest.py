"""The app as a person reaches it: ``app.py`` started as a real server on a free port on
127.0.0.1, with a temporary data folder (its own accounts database) and its own copy of the
session's bundled index (``bundled_kb``; set GA_TEST_DATA_DIR to reuse one between runs), so
documents added through the app never reach the index other tests search."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from guidance_assistant.config import get_settings
from guidance_assistant.paths import REPO_ROOT

ARTIFACTS = REPO_ROOT / "test-artifacts"
PASSWORD = "correct-horse-battery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class AppServer:
    url: str
    data_dir: Path
    log: Path
    admin_password: str
    passwords: dict[str, str] = field(default_factory=dict)

    def client(self, username: str) -> Any:
        from gradio_client import Client

        return Client(self.url, auth=(username, self.passwords[username]), verbose=False)


def start_app(
    data_dir: Path,
    port: int,
    log: Path,
    *,
    script: Path = REPO_ROOT / "app.py",
    extra_env: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """``script`` (``app.py``) serving ``data_dir`` (its index in ``data_dir/index``) on
    ``port``, once it accepts connections; its output is appended to ``log``."""
    env = {
        **os.environ,
        "GA_DATA_DIR": str(data_dir),
        "GA_INDEX_DIR": str(data_dir / "index"),
        # Set to show that the app ignores it: uploads go to DATA_DIR/uploads, private.
        "GRADIO_TEMP_DIR": str(data_dir / "gradio-cache"),
        "GA_PORT": str(port),
        "GA_HOST": "127.0.0.1",
        **(extra_env or {}),
    }
    with log.open("a") as out:
        process = subprocess.Popen([sys.executable, str(script)], env=env, stdout=out, stderr=out)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the app exited early:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    pytest.fail(f"the app did not start:\n{log.read_text()}")


def new_app_server(
    data_dir: Path, bundled_kb: Any, **start: Any
) -> tuple[AppServer, subprocess.Popen[bytes]]:
    """A new app over a copy of the bundled index, with one account of each role (``start``:
    :func:`start_app`'s keywords)."""
    from guidance_assistant.store import add_user

    shutil.copytree(bundled_kb.index_dir, data_dir / "index")
    port = _free_port()
    log = data_dir / "app.log"
    process = start_app(data_dir, port, log, **start)
    try:
        found = re.search(r"password:\s+(\S+)", log.read_text())
        assert found, f"the first run printed no admin password:\n{log.read_text()}"
        server = AppServer(f"http://127.0.0.1:{port}/", data_dir, log, found.group(1))
        server.passwords["admin"] = found.group(1)
        settings = get_settings(data_dir=data_dir)
        for name, role, supervisor in [
            ("adviser", "adviser", None),
            ("adviser2", "adviser", None),
            ("supervisor", "supervisor", None),
            ("trainee", "trainee", "supervisor"),
            ("evaluator", "evaluator", None),
        ]:
            add_user(name, PASSWORD, role, supervisor=supervisor, settings=settings)
            server.passwords[name] = PASSWORD
    except BaseException:
        process.terminate()
        raise
    return server, process


@pytest.fixture(scope="session")
def app_server(bundled_kb: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    server, process = new_app_server(tmp_path_factory.mktemp("app-data"), bundled_kb)
    try:
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)
