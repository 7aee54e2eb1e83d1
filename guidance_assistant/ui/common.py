"""What every tab shares: the roles that may use each tab, the guard that turns errors into
plain messages, the live session records kept per browser, small widgets."""

# No ``from __future__ import annotations`` here: Gradio reads the handlers' annotations to
# pass ``gr.Request`` and ``gr.Progress``.

import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, get_args

import gradio as gr

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.interview import GuidanceSession
from guidance_assistant.interview.model import Need
from guidance_assistant.interview.state import ClientProfile
from guidance_assistant.practice import PracticeSession
from guidance_assistant.store import Store, User
from guidance_assistant.ui.context import message
from guidance_assistant.ui.render import need_words, year_words

log = logging.getLogger(__name__)

NEEDS: list[str] = list(get_args(Need))
GUIDANCE_ROLES = ("adviser", "admin")
PRACTICE_ROLES = ("trainee", "supervisor", "admin")
EVAL_ROLES = ("evaluator", "admin")
KNOWLEDGE_EDIT_ROLES = ("adviser", "admin")

Outputs = tuple[Any, ...]


def _guard(
    count: int, on_error: Outputs | None = None
) -> Callable[[Callable[..., Outputs]], Callable[..., Outputs]]:
    """Turn any error of a handler with ``count`` outputs besides its status message into that
    message, leaving the other outputs as they were (or setting them to ``on_error``)."""

    def decorate(func: Callable[..., Outputs]) -> Callable[..., Outputs]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                result = func(*args, **kwargs)
            except Exception as error:  # shown to the user as a plain message
                rest = on_error if on_error is not None else tuple([gr.skip()] * count)
                result = (message(error), *rest)
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


def need_choices() -> list[tuple[str, str]]:
    """The needs a session plans for, as tick-box choices: shown in words, stored as ids."""
    return [(need_words(need), need) for need in NEEDS]


#: The school year's choice "not known" (a session then opens with no year).
YEAR_NOT_KNOWN = 0


def school_year_choices() -> list[tuple[str, int]]:
    """ "not known", then every school year a session takes (the bounds of
    ``ClientProfile.year_group``), as choices: a list, so an empty year shows as "not known"
    (Gradio's number field shows an empty value as 0)."""
    bounds = ClientProfile.model_fields["year_group"].metadata
    low = next(int(b.ge) for b in bounds if hasattr(b, "ge"))
    high = next(int(b.le) for b in bounds if hasattr(b, "le"))
    years = [(year_words(year), year) for year in range(low, high + 1)]
    return [(year_words(None), YEAR_NOT_KNOWN), *years]


def choices_keeping(choices: Sequence[tuple[str, Any]], current: Any) -> Any:
    """A dropdown update to ``choices`` that keeps the value chosen (``current``) where it is
    still one of them and clears it only where it is gone (deleted, or another user's): the
    value is not sent at all otherwise, so a choice another handler makes meanwhile stands."""
    if current is None or current in [value for _, value in choices]:
        return gr.update(choices=list(choices))
    return gr.update(choices=list(choices), value=None)


@dataclass(frozen=True)
class ListLoader:
    """A list a tab shows: ``load`` (a handler taking ``inputs`` and the request) fills
    ``outputs``. :func:`load_lists` runs it when the page loads and whenever its tab is opened,
    so nobody has to press a button to see what is there."""

    load: Callable[..., Any]
    inputs: list[Any]
    outputs: list[Any]


def load_lists(demo: gr.Blocks, tab: Any, loaders: Sequence[ListLoader]) -> None:
    """Fill each of ``loaders``' lists when ``demo`` loads and when ``tab`` is selected."""
    for loader in loaders:
        gr.on(
            [demo.load, tab.select],
            loader.load,
            loader.inputs,
            loader.outputs,
            api_visibility="undocumented",
            show_progress="hidden",
        )


def _quiet(count: int) -> Callable[[Callable[..., Outputs]], Callable[..., Any]]:
    """For a list loader with ``count`` outputs and no message of its own: on any error the
    lists stay as they were (an action's own message says what went wrong)."""

    def decorate(func: Callable[..., Outputs]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                result = func(*args, **kwargs)
            except GuidanceAssistantError:  # not signed in, not allowed: nothing to list
                result = tuple(gr.skip() for _ in range(count))
            except Exception:
                log.exception("a list could not be loaded")
                result = tuple(gr.skip() for _ in range(count))
            return result[0] if count == 1 else result

        return wrapper

    return decorate


def _downloads_box(elem_id: str) -> Any:
    """Where an export's links appear (each served to its owner only)."""
    return gr.HTML(elem_id=elem_id, elem_classes=["ga-downloads"])


def _timestamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")


# -- Prepare ------------------------------------------------------------------------------------
