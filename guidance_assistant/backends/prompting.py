"""The words a model backend is given: the system prompt and one turn's request.

The system prompt lives in ``prompts/backends/system.md`` so that guidance experts can edit
it. :func:`build_messages` turns a :class:`ResponseRequest` into chat messages. Text that
comes from the client or from documents (the client's message, the state summary, passages)
and the draft are placed inside tags and treated as data; every angle bracket in them (and
look-alikes such as ``&lt;`` or full-width brackets) is replaced, so that a client cannot
close a tag and smuggle instructions in (prompt injection).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from guidance_assistant.backends.base import BackendError, ResponseRequest
from guidance_assistant.paths import bundled_dir

SYSTEM_PROMPT_FILE = ("backends", "system.md")
"""Path of the system prompt inside the bundled ``prompts`` folder."""

Message = tuple[str, str]
"""A chat message as ``(role, content)``; roles are ``"system"`` and ``"user"``."""

# Every character or entity a model might read as an angle bracket.
_OPENERS = re.compile(r"<|＜|﹤|〈|⟨|&(?:lt|#0*60|#x0*3c);", re.IGNORECASE)
_CLOSERS = re.compile(r">|＞|﹥|〉|⟩|&(?:gt|#0*62|#x0*3e);", re.IGNORECASE)
_SAFE_OPEN = "‹"  # U+2039, read as punctuation, never as markup
_SAFE_CLOSE = "›"  # U+203A

_INSTRUCTION = (
    "Rephrase the draft naturally as the adviser's next turn. Keep its meaning, its move and "
    "its citations. Use only facts from the passages, the summary and the client's words. "
    "Reply with the adviser's words only."
)


@lru_cache(maxsize=1)
def load_system_prompt() -> str:
    """The system prompt from the bundled ``prompts/backends/system.md``."""
    try:
        path = bundled_dir("prompts").joinpath(*SYSTEM_PROMPT_FILE)
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise BackendError(
            f"The backend system prompt could not be read ({exc}). Reinstall "
            "guidance-assistant or restore prompts/backends/system.md."
        ) from exc
    if not text:
        raise BackendError(f"The backend system prompt {path} is empty.")
    return text


def neutralise(text: str) -> str:
    """``text`` made safe to place inside a tag: no character can open or close a tag.

    Angle brackets and their look-alikes become ``‹`` and ``›``; control characters other
    than newlines and tabs are dropped. Digits and words are left exactly as they are, so the
    engine's checks on numbers still hold.
    """
    text = _OPENERS.sub(_SAFE_OPEN, text)
    text = _CLOSERS.sub(_SAFE_CLOSE, text)
    return "".join(
        ch for ch in text if ch in "\n\t" or not unicodedata.category(ch).startswith("C")
    )


def _tagged(tag: str, text: str) -> str:
    return f"<{tag}>\n{neutralise(text).strip()}\n</{tag}>"


def build_user_message(request: ResponseRequest) -> str:
    """The per-turn message: the engine's decision, the data in tags, then the instruction."""
    lines = [
        f"Move: {neutralise(request.move)}",
        f"Stage: {neutralise(request.stage)} (purpose: {neutralise(request.stage_purpose)})",
    ]
    if request.constraints:
        lines.append("Rules for this turn:")
        lines.extend(f"- {neutralise(rule)}" for rule in request.constraints)
    parts = ["\n".join(lines), _tagged("state_summary", request.state_summary)]
    if request.passages:
        passages = [
            f'<passage n="{number}">\nSource: {neutralise(passage.citation).strip()}\n'
            f"{neutralise(passage.text).strip()}\n</passage>"
            for number, passage in enumerate(request.passages, start=1)
        ]
        parts.append("Passages you may draw on:\n" + "\n".join(passages))
    else:
        parts.append("Passages you may draw on: none. Give no facts about jobs, pay or courses.")
    parts.append(_tagged("client_message", request.client_message))
    parts.append("The engine's draft, the reference wording:\n" + _tagged("draft", request.draft))
    parts.append(_INSTRUCTION)
    return "\n\n".join(parts)


def build_messages(request: ResponseRequest, system_prompt: str) -> list[Message]:
    """Chat messages ``[(role, content), ...]`` for one adviser turn."""
    return [("system", system_prompt), ("user", build_user_message(request))]


def plain_prompt(messages: list[Message]) -> str:
    """A prompt for models without a chat template: ``System:/User:`` then ``Assistant:``."""
    names = {"system": "System", "user": "User", "assistant": "Assistant"}
    body = "\n\n".join(f"{names.get(role, role.title())}: {content}" for role, content in messages)
    return f"{body}\n\nAssistant:"
