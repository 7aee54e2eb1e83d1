"""Serving beyond this computer: a warning, and no automatic admin account."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.ui import launch


def test_no_accounts_and_another_interface_refuses_to_start(
    make_settings: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(host="0.0.0.0")
    with caplog.at_level(logging.WARNING), pytest.raises(GuidanceAssistantError, match="users add"):
        launch(settings)
    assert "beyond this computer" in caplog.text
    from guidance_assistant.store import Store
    from guidance_assistant.ui.context import has_users

    with Store(settings) as store:
        assert not has_users(store)  # no admin with a printed password for a network service
