"""Exports reach the person who made them and nobody else: the private folders, the
``/downloads/...`` route behind Gradio's login, and Gradio's own file route refusing them."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.store import Store, User, accounts
from guidance_assistant.ui.downloads import DownloadVault, downloads_html
from tests.ui.conftest import PASSWORD

SECRET = "Action plan for C-0042: visit the college open evening"


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def store(make_settings: Callable[..., Any]) -> Iterator[Store]:
    with Store(make_settings()) as opened:
        yield opened


@pytest.fixture
def people(store: Store) -> dict[str, User]:
    password = store.ensure_admin()
    assert password is not None
    admin = store.authenticate("admin", password)
    return {name: store.add_user(admin, name, PASSWORD, "adviser") for name in ("alice", "bob")}


def _write_plan(folder: Path) -> list[Path]:
    plan = folder / "action-plan-7.md"
    plan.write_text(SECRET, encoding="utf-8")
    return [plan]


def _href(links_html: str) -> str:
    found = re.search(r'href="([^"]+)"', links_html)
    assert found, links_html
    return found.group(1)


def test_the_vault_looks_only_in_its_owners_folder(tmp_path: Path, people: dict[str, User]) -> None:
    alice, bob = people["alice"], people["bob"]
    vault = DownloadVault(tmp_path / "vault")
    folder, token = vault.new_folder(alice)
    [download] = vault.offer(alice, folder, token, _write_plan(folder))
    assert download.url == f"downloads/{token}/action-plan-7.md"
    assert vault.locate(alice.id, token, "action-plan-7.md") == folder / "action-plan-7.md"
    assert vault.locate(bob.id, token, "action-plan-7.md") is None
    for name in ("../action-plan-7.md", "..", ".hidden", "a/b"):
        assert vault.locate(alice.id, token, name) is None
    assert vault.locate(alice.id, "../" + token, "action-plan-7.md") is None
    with pytest.raises(GuidanceAssistantError):
        vault.offer(bob, folder, token, [folder / "action-plan-7.md"])  # not bob's folder
    outside = tmp_path / "elsewhere.md"
    outside.write_text("x", encoding="utf-8")
    with pytest.raises(GuidanceAssistantError):
        vault.offer(alice, folder, token, [outside])


def test_old_exports_expire_and_are_pruned(tmp_path: Path, people: dict[str, User]) -> None:
    alice = people["alice"]
    vault = DownloadVault(tmp_path / "vault", keep_for=timedelta(minutes=30))
    old_folder, old_token = vault.new_folder(alice)
    _write_plan(old_folder)
    an_hour_ago = time.time() - 3600
    os.utime(old_folder, (an_hour_ago, an_hour_ago))
    assert vault.locate(alice.id, old_token, "action-plan-7.md") is None  # expired
    fresh_folder, fresh_token = vault.new_folder(alice)  # prunes the old one
    _write_plan(fresh_folder)
    assert not old_folder.exists()
    assert vault.locate(alice.id, fresh_token, "action-plan-7.md") is not None


def test_links_are_escaped_html() -> None:
    from guidance_assistant.ui.downloads import Download

    shown = downloads_html([Download("plan-1.md", "tok")])
    assert shown == (
        '<ul class="ga-downloads"><li><a href="downloads/tok/plan-1.md" download="plan-1.md">'
        "plan-1.md</a></li></ul>"
    )
    assert downloads_html([]) == ""


def test_the_server_gives_an_export_to_its_owner_only(
    tmp_path: Path, store: Store, people: dict[str, User]
) -> None:
    import gradio as gr

    from guidance_assistant.ui.context import AppContext
    from guidance_assistant.ui.server import build_server

    context = AppContext(
        settings=store.settings,
        store=store,
        knowledge=None,
        downloads=DownloadVault(tmp_path / "vault"),
    )
    with gr.Blocks() as demo:
        gr.Markdown("An app")
    server = build_server(context, demo)
    url = "/" + _href(context.offer_downloads(people["alice"], _write_plan))
    [stored] = (tmp_path / "vault").glob("u*/*/action-plan-7.md")

    def signed_in(username: str | None) -> TestClient:
        http = TestClient(server)
        if username is not None:
            answer = http.post("/login", data={"username": username, "password": PASSWORD})
            assert answer.status_code == 200, answer.text
        return http

    wrong = TestClient(server).post("/login", data={"username": "alice", "password": "nope"})
    assert wrong.status_code == 400  # the store refused it (checked off the event loop)
    assert signed_in(None).get(url).status_code == 401  # anonymous
    assert signed_in("bob").get(url).status_code == 404  # another signed-in user
    owner = signed_in("alice")
    answer = owner.get(url)
    assert answer.status_code == 200 and answer.text == SECRET
    assert answer.headers["content-disposition"].startswith("attachment")
    assert answer.headers["cache-control"] == "no-store"
    # Gradio's own file route does not serve the private folder, even to its owner
    for route in (f"/gradio_api/file={stored}", f"/gradio_api/file={quote(str(stored))}"):
        refused = owner.get(route)
        assert refused.status_code in (403, 404), (route, refused.status_code)
        assert SECRET not in refused.text
    # a deactivated account loses its downloads at once
    with store.engine.begin() as connection:
        from sqlalchemy import text

        connection.execute(text("UPDATE users SET active = false WHERE username = 'alice'"))
    assert owner.get(url).status_code == 401
