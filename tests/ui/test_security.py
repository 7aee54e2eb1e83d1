"""The server's closed surface and its sign-in, tried over real HTTP against ``app.py`` started
on 127.0.0.1 (its own server, with short locks, so the guessing here locks no one else out), and
in a real Chromium for the Content-Security-Policy.

Every route the app registers (read from the FastAPI app and the mounted Gradio app, built here
as ``launch`` builds them) and the Gradio API routes known to have answered anonymously are
tried anonymously and as every role.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from starlette.routing import Mount, Route

from guidance_assistant.config import get_settings
from guidance_assistant.paths import REPO_ROOT
from guidance_assistant.ui.security import PUBLIC
from tests.ui.conftest import PASSWORD, AppServer, _free_port

ROLES = ("admin", "adviser", "supervisor", "trainee", "evaluator")
HEADERS = {
    "content-security-policy": "frame-ancestors 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
#: Routes a tester found answering anonymously, and Gradio's API description routes.
KNOWN = [
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/redoc"),
    ("GET", "/config"),
    ("GET", "/gradio_api/info"),
    ("GET", "/gradio_api/openapi.json"),
    ("GET", "/gradio_api/info?all_endpoints=True"),
    ("GET", "/?view=api"),
    ("POST", "/gradio_api/cancel"),
    ("POST", "/gradio_api/reset"),
    ("GET", "/gradio_api/heartbeat/abc123"),
    ("POST", "/gradio_api/queue/join"),
    ("GET", "/gradio_api/queue/data?session_hash=abc123"),
    ("POST", "/gradio_api/upload"),
    ("GET", "/gradio_api/token"),
    ("GET", "/gradio_api/file=/etc/passwd"),
    ("GET", "/gradio_api/proxy=https://example.org/"),
    ("POST", "/login/"),
    ("GET", "/monitoring"),
    ("GET", "/gradio_api/mcp/sse"),
]
#: What only an API description holds: the endpoints' names and parameter listings.
API_MARKERS = ("named_endpoints", "unnamed_endpoints", '"parameters"', "/add_documents")
#: Signed in, these answer (the page and the Python client need them); the rest do not.
PAGE_ROUTES = {"/", "/config", "/gradio_api/info", "/theme.css", "/login", "/login.css"}


def _security_env(data_dir: Path, index_dir: Path, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "GA_DATA_DIR": str(data_dir),
        "GA_INDEX_DIR": str(index_dir),
        "GA_PORT": str(port),
        "GA_HOST": "127.0.0.1",
        "GA_LOGIN_MAX_FAILURES": "3",
        "GA_LOGIN_MAX_FAILURES_PER_ADDRESS": "5",
        "GA_LOGIN_LOCK_SECONDS": "2",
        "GA_LOGIN_LOCK_MAX_SECONDS": "8",
        "GA_LOGIN_DELAY_SECONDS": "0.05",
    }


@pytest.fixture(scope="module")
def server(bundled_kb: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """``app.py`` on a free port with short locks; an account of every role."""
    from guidance_assistant.store import add_user

    data_dir = tmp_path_factory.mktemp("secure-app")
    index_dir = shutil.copytree(bundled_kb.index_dir, data_dir / "index")
    port = _free_port()
    log = data_dir / "app.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, str(REPO_ROOT / "app.py")],
            env=_security_env(data_dir, index_dir, port),
            stdout=out,
            stderr=out,
        )
        try:
            deadline = time.monotonic() + 240
            while "Serving the app" not in log.read_text() or not _answers(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the app did not start:\n{log.read_text()}")
                time.sleep(0.5)
            found = re.search(r"password:\s+(\S+)", log.read_text())
            assert found, log.read_text()
            app = AppServer(f"http://127.0.0.1:{port}/", data_dir, log, found.group(1))
            app.passwords["admin"] = found.group(1)
            settings = get_settings(data_dir=data_dir)
            add_user("supervisor", PASSWORD, "supervisor", settings=settings)
            for name in ("adviser", "trainee", "evaluator"):
                supervisor = "supervisor" if name == "trainee" else None
                add_user(name, PASSWORD, name, supervisor=supervisor, settings=settings)
            app.passwords.update({name: PASSWORD for name in ROLES[1:]})
            yield app
        finally:
            process.terminate()
            process.wait(timeout=30)


def _answers(port: int) -> bool:
    try:
        httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
    except httpx.HTTPError:
        return False
    return True


def _http(server: AppServer, address: str = "127.0.0.1") -> httpx.Client:
    """A client; ``address`` is the client address the app sees (uvicorn trusts
    X-Forwarded-For from 127.0.0.1, as from a reverse proxy on the same machine)."""
    return httpx.Client(
        base_url=server.url.rstrip("/"),
        headers={"x-forwarded-for": address},
        follow_redirects=False,
        timeout=60,
    )


def _signed_in(server: AppServer, username: str) -> httpx.Client:
    http = _http(server)
    answer = http.post(
        "/login", data={"username": username, "password": server.passwords[username]}
    )
    assert answer.status_code == 200, answer.text
    return http


@pytest.fixture(scope="module")
def routes(bundled_kb: Any, tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    """(method, path) for every route the server registers, as ``launch`` builds it (path
    parameters filled with sample values), plus the known Gradio API routes."""
    from guidance_assistant.store import Store
    from guidance_assistant.ui.app import build_blocks
    from guidance_assistant.ui.context import AppContext
    from guidance_assistant.ui.server import build_server

    settings = get_settings(data_dir=tmp_path_factory.mktemp("routes"))
    with Store(settings) as store:
        context = AppContext(settings=settings, store=store, knowledge=bundled_kb)
        app = build_server(context, build_blocks(context))
    found: set[tuple[str, str]] = set(KNOWN)
    pending: list[tuple[str, Any]] = [("", route) for route in app.routes]
    while pending:
        prefix, route = pending.pop()
        if isinstance(route, Mount):
            pending.extend((prefix + route.path.rstrip("/"), inner) for inner in route.routes)
        elif hasattr(route, "original_router"):  # FastAPI's include_router(), kept lazily
            inner_prefix = prefix + route.include_context.prefix
            pending.extend((inner_prefix, inner) for inner in route.original_router.routes)
        elif isinstance(route, APIRoute | Route):
            path = re.sub(r"\{[^}:]+(:path)?\}", "x1", prefix + route.path) or "/"
            for method in sorted(route.methods or {"GET"}):
                if method != "HEAD":
                    found.add((method, path))
    assert len(found) > 60  # Gradio registers many; a short list means the walk went wrong
    return sorted(found)


def _assert_headers(answer: httpx.Response) -> None:
    for name, part in HEADERS.items():
        assert part in answer.headers.get(name, ""), (answer.request.url, name, answer.headers)


def _ask(http: httpx.Client, method: str, path: str) -> tuple[httpx.Response, str]:
    """The answer and its text (none for an event stream, which stays open)."""
    with http.stream(method, path, headers={"accept": "text/html,application/json"}) as answer:
        if "text/event-stream" in answer.headers.get("content-type", ""):
            return answer, ""
        answer.read()
        return answer, answer.text


def test_anonymous_visitors_reach_only_the_sign_in_page(
    server: AppServer, routes: list[tuple[str, str]]
) -> None:
    http = _http(server)
    for method, path in routes:
        answer, body = _ask(http, method, path)
        _assert_headers(answer)
        assert not any(marker in body for marker in API_MARKERS), (method, path, body[:300])
        if path.split("?")[0] in PUBLIC and method == "GET":
            assert answer.status_code in (200, 404), (method, path)
            continue
        if path in ("/login", "/logout") and method != "GET":
            continue  # the sign-in form's own post, tried below
        refused = answer.status_code in (401, 403) or (
            answer.status_code in (302, 303, 307) and answer.headers["location"].endswith("/login")
        )
        assert refused, (method, path, answer.status_code, body[:200])
    page = http.get("/login", headers={"accept": "text/html"})
    assert page.status_code == 200 and 'name="password"' in page.text
    assert "<script" not in page.text and "gradio_api_info" not in page.text


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_the_page_and_nothing_more(
    server: AppServer, routes: list[tuple[str, str]], role: str
) -> None:
    http = _signed_in(server, role)
    for method, path in routes:
        if path in ("/logout", "/login"):
            continue  # signing out, and signing in again
        answer, body = _ask(http, method, path)
        _assert_headers(answer)
        assert answer.status_code != 401, (method, path)
        if path.split("?")[0] not in PAGE_ROUTES and not path.startswith(("/assets/", "/static/")):
            assert not any(marker in body for marker in API_MARKERS), (method, path)
        if path in ("/openapi.json", "/gradio_api/openapi.json", "/gradio_api/token", "/docs"):
            assert answer.status_code == 404, (method, path)
    page = http.get("/", headers={"accept": "text/html"})
    assert page.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", page.headers["content-security-policy"])
    assert nonce and page.text.count("<script") == page.text.count(f'nonce="{nonce.group(1)}"')
    assert http.get("/logout").status_code == 303
    assert _ask(http, "GET", "/config")[0].status_code in (303, 401)  # signed out


def test_uploaded_files_are_served_to_no_one(server: AppServer) -> None:
    adviser = _signed_in(server, "adviser")
    sent = adviser.post(
        "/gradio_api/upload", files={"files": ("notes.txt", b"A child's notes", "text/plain")}
    )
    assert sent.status_code == 200, sent.text
    [stored] = sent.json()
    assert Path(stored).read_bytes() == b"A child's notes"  # it is on the server
    for who in ("adviser", "admin"):
        http = adviser if who == "adviser" else _signed_in(server, who)
        for route in (f"/gradio_api/file={stored}", f"/gradio_api/file/{stored}"):
            answer = http.get(route)
            assert answer.status_code == 404, (who, route, answer.status_code)
            assert "notes" not in answer.text and stored not in answer.text


def _cookie_flags(answer: httpx.Response) -> set[str]:
    """The attributes of the one cookie ``answer`` sets (after its name and value)."""
    [cookie] = answer.headers.get_list("set-cookie")
    return {part.strip().lower() for part in cookie.split(";")[1:]}


def test_session_cookies_are_http_only_and_same_site(server: AppServer) -> None:
    answer = _http(server).post("/login", data={"username": "evaluator", "password": PASSWORD})
    flags = _cookie_flags(answer)
    assert {"httponly", "samesite=strict"} <= flags
    assert "secure" not in flags  # plain HTTP on 127.0.0.1: GA_HTTPS is off


def test_guessing_locks_the_account_then_the_lock_expires(server: AppServer) -> None:
    http = _http(server, "10.0.0.1")
    wrong = {"username": "adviser", "password": "not-the-password"}
    answers = [http.post("/login", data=wrong) for _ in range(3)]
    assert [a.status_code for a in answers] == [400, 400, 429]  # the third starts a lock
    started = time.monotonic()
    right = {"username": "adviser", "password": PASSWORD}
    refused = _http(server, "10.0.0.9").post("/login", data=right)  # any address
    assert refused.status_code == 429 and "paused" in refused.json()["detail"]
    assert "retry-after" in refused.headers
    browser = http.post("/login", data=right, headers={"accept": "text/html"})
    assert browser.status_code == 429 and "paused" in browser.text  # a plain message
    time.sleep(max(0.0, 2.2 - (time.monotonic() - started)))
    assert http.post("/login", data=right).status_code == 200  # the lock is over


def test_guessing_from_one_address_locks_that_address(server: AppServer) -> None:
    http = _http(server, "10.0.0.2")
    for name in ("nobody", "somebody", "anyone", "no-one", "trainee"):
        http.post("/login", data={"username": name, "password": "guess-guess"})
    locked = http.post("/login", data={"username": "trainee", "password": PASSWORD})
    assert locked.status_code == 429
    elsewhere = _http(server, "10.0.0.3")
    assert elsewhere.post("/login", data={"username": "trainee", "password": PASSWORD}).is_success


def test_sign_ins_failures_and_locks_are_in_the_audit_log(server: AppServer) -> None:
    from typer.testing import CliRunner

    from guidance_assistant.cli import app
    from guidance_assistant.store import Store

    http = _http(server, "10.0.0.4")
    for _ in range(3):
        http.post("/login", data={"username": "evaluator", "password": "wrong-wrong"})
    http.post("/login", data={"username": "evaluator", "password": PASSWORD})
    with Store(get_settings(data_dir=server.data_dir)) as store:
        admin = store.signed_in_user("admin")
        assert admin is not None
        events = [
            (e.event, e.address) for e in store.audit_log(admin, username="evaluator", limit=5)
        ]
    assert events[:5] == [
        ("refused_locked", "10.0.0.4"),
        ("locked", "10.0.0.4"),
        ("failed", "10.0.0.4"),
        ("failed", "10.0.0.4"),
        ("failed", "10.0.0.4"),
    ]
    env = {"GA_DATA_DIR": str(server.data_dir)}
    shown = CliRunner().invoke(app, ["audit", "--user", "evaluator"], env=env)
    assert shown.exit_code == 0 and "refused_locked" in shown.output and "10.0.0.4" in shown.output
    refused = CliRunner().invoke(app, ["audit", "--as", "adviser"], env=env)
    assert refused.exit_code == 1 and "Only admins" in refused.output
    assert "refused_locked" not in refused.output


def test_a_server_error_shows_a_reference_and_no_path(server: AppServer) -> None:
    http = _signed_in(server, "adviser")
    answer = http.post(
        "/gradio_api/queue/join",
        json={"data": [], "fn_index": 10_000, "session_hash": "abc123", "event_data": None},
        headers={"accept": "text/html"},
    )
    assert answer.status_code == 500
    found = re.search(r"reference (E-[0-9A-F]{8})", answer.text)
    assert found, answer.text
    assert (
        "/work" not in answer.text and "Traceback" not in answer.text and ".py" not in answer.text
    )
    _assert_headers(answer)
    logged = server.log.read_text()
    assert found.group(1) in logged and "Traceback" in logged.split(found.group(1), 1)[1]


# -- settings that a short test run cannot reach over the shared server ----------------------


def _small_server(make_settings: Any, **overrides: Any) -> tuple[Any, Any]:
    """The real server (``build_server``) over a one-line page, served in process."""
    import gradio as gr
    from fastapi.testclient import TestClient

    from guidance_assistant.store import Store
    from guidance_assistant.ui.context import AppContext
    from guidance_assistant.ui.server import build_server

    store = Store(make_settings(**overrides))
    store.ensure_admin()
    admin = store.signed_in_user("admin")
    assert admin is not None
    store.add_user(admin, "alice", PASSWORD, "adviser")
    with gr.Blocks() as demo:
        gr.Markdown("A page")
    server = build_server(AppContext(settings=store.settings, store=store, knowledge=None), demo)
    base = "https://testserver" if overrides.get("https") else "http://testserver"
    return store, TestClient(server, base_url=base)


def test_an_idle_session_is_signed_out(make_settings: Any) -> None:
    store, http = _small_server(make_settings, session_idle_minutes=0.02)  # 1.2 s
    admin = store.signed_in_user("admin")
    assert admin is not None
    assert http.post("/login", data={"username": "alice", "password": PASSWORD}).is_success
    for _ in range(3):  # each use starts the idle time again
        time.sleep(0.6)
        assert http.get("/config").status_code == 200
    time.sleep(1.5)
    assert http.get("/config").status_code == 401
    assert http.get("/config").status_code == 401  # the token is gone, not just refused once
    assert [e.event for e in store.audit_log(admin, username="alice")] == [
        "session_expired",
        "signed_in",
    ]
    gradio_app: Any = next(r.app for r in http.app.routes if isinstance(r, Mount))
    tokens = gradio_app.tokens  # the sessions Gradio knows
    assert http.post("/login", data={"username": "alice", "password": PASSWORD}).is_success
    assert len(tokens) == 1
    time.sleep(1.5)  # left idle and never used again (a closed browser) ...
    assert http.post("/login", data={"username": "alice", "password": PASSWORD}).is_success
    assert len(tokens) == 1  # ... it was dropped when someone next signed in
    store.close()


def test_over_https_cookies_are_secure_and_browsers_keep_to_https(make_settings: Any) -> None:
    store, http = _small_server(make_settings, https=True)
    answer = http.post("/login", data={"username": "alice", "password": PASSWORD})
    assert {"secure", "httponly", "samesite=strict"} <= _cookie_flags(answer)
    assert answer.headers["strict-transport-security"].startswith("max-age=")
    assert http.get("/config").status_code == 200  # the Secure cookie signs in over HTTPS
    store.close()


def test_an_unexpected_error_in_a_tab_is_shown_by_reference(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from guidance_assistant.ui.context import message

    try:
        open("/srv/guidance/secret-folder/missing.db")  # noqa: SIM115
    except OSError as error:
        shown = message(error)
    found = re.search(r"reference (E-[0-9A-F]{8})", shown)
    assert found and "/srv" not in shown and "secret-folder" not in shown
    [record] = [r for r in caplog.records if found.group(1) in r.getMessage()]
    assert record.exc_info is not None  # the traceback is in the log, with the reference


# -- in a real browser --------------------------------------------------------------------------

TABS = ("Prepare", "Session", "Practice", "Review", "Evaluate", "Knowledge")


@pytest.mark.slow
def test_signing_in_and_every_tab_break_no_content_security_policy(server: AppServer) -> None:
    from tests.ui.test_browser import ARGS, CHROMIUM, WAIT

    playwright_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium (apt-get install chromium)")
    console: list[str] = []
    profile = tempfile.mkdtemp(prefix="ga-chromium-")
    try:
        with playwright_api.sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                profile, executable_path=str(CHROMIUM), args=ARGS, headless=True
            )
            page = context.new_page()
            page.set_default_timeout(WAIT)
            page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
            page.add_init_script(
                "document.addEventListener('securitypolicyviolation', e => console.error("
                "'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))"
            )
            page.goto(server.url)
            page.get_by_label("username").fill("admin")
            page.get_by_label("password").fill(server.passwords["admin"])
            page.get_by_role("button", name="Login").click()
            page.locator("#signed-in").get_by_text("admin").wait_for()
            for tab in TABS:
                page.get_by_role("tab", name=tab).click()
                page.get_by_role("tabpanel").first.wait_for()
                page.wait_for_timeout(500)
            context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    violations = [line for line in console if "Content Security Policy" in line or "CSP" in line]
    assert not violations, violations
