"""What every tab shares: the roles that may use each tab, the guard that turns errors into
plain messages, the live session records kept per browser, small widgets."""

# No ``from __future__ import annotations`` here: Gradio reads the handlers' annotations to
# pass ``gr.Request`` and ``gr.Progress``.

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, get_args

import gradio as gr

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.interview import GuidanceSession
from guidance_assistant.interview.model import Need
from guidance_assistant.practice import PracticeSession
from guidance_assistant.store import Store, User
from guidance_assistant.ui.context import message

NEEDS: list[str] = list(get_args(Need))
GUIDANCE_ROLES = ("adviser", "admin")
PRACTICE_ROLES = ("trainee", "supervisor", "admin")
EVAL_ROLES = ("evaluator", "admin")
KNOWLEDGE_EDIT_ROLES = ("adviser", "admin")

Outputs = tuple[Any, ...]


def _guard(count: int) -> Callable[[Callable[..., Outputs]], Callable[..., Outputs]]:
    """Turn any error of a handler with ``count`` outputs besides its status message into that
    message, leaving the other outputs as they were."""

    def decorate(func: Callable[..., Outputs]) -> Callable[..., Outputs]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                result = func(*args, **kwargs)
            except Exception as error:  # shown to the user as a plain message
                result = (message(error), *([gr.skip()] * count))
            return result[0] if count == 0 else result  # one output: Gradio wants the value

        return wrapper

    return decorate


@dataclass
class LiveSession:
    """A guidance session in progress in one browser tab."""

    session: GuidanceSession
    session_id: int
    client_id: int
    username: str


@dataclass
class LivePractice:
    practice: PracticeSession
    username: str
    practice_id: int | None = None


def _owned(live: Any, user: User, kind: type) -> Any:
    if not isinstance(live, kind) or getattr(live, "username", None) != user.username:
        raise GuidanceAssistantError("Start a session first.")
    return live


def _client_choices(store: Store, user: User) -> list[tuple[str, int]]:
    if user.role not in GUIDANCE_ROLES:
        return []
    return [(client.reference, client.id) for client in store.list_clients(user)]


def _downloads_box(elem_id: str) -> Any:
    """Where an export's links appear (each served to its owner only)."""
    return gr.HTML(elem_id=elem_id, elem_classes=["ga-downloads"])


def _timestamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")


# -- Prepare ------------------------------------------------------------------------------------
