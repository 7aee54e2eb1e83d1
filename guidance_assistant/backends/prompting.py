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
from typing import Literal

from guidance_assistant.backends.base import BackendError, ResponseRequest
from guidance_assistant.paths import bundled_dir

SYSTEM_PROMPT_FILE = ("backends", "system.md")
"""Path of the system prompt inside the bundled ``prompts`` folder."""

SHORT_PROMPT_FILE = ("backends", "short.md")
"""The system prompt of the ``short`` style, for very small models."""

PromptStyle = Literal["full", "short"]
"""``full``: the system prompt, the engine's decision, the passages, the client's words and the
draft (:func:`build_messages`). ``short``: a few lines of system prompt and the draft alone
(:func:`build_short_messages`), for a model too small to follow the full prompt: it never sees
the client's words or the passages, only what the engine already wrote."""

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


@lru_cache(maxsize=2)
def load_system_prompt(style: PromptStyle = "full") -> str:
    """The system prompt from the bundled ``prompts/backends/system.md`` (``short.md`` for the
    short style)."""
    name = SYSTEM_PROMPT_FILE if style == "full" else SHORT_PROMPT_FILE
    try:
        path = bundled_dir("prompts").joinpath(*name)
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise BackendError(
            f"The backend system prompt could not be read ({exc}). Reinstall "
            f"guidance-assistant or restore prompts/{'/'.join(name)}."
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


SHORT_INSTRUCTION = "Rewrite this message:"


def build_short_messages(request: ResponseRequest, system_prompt: str) -> list[Message]:
    """The short style's chat messages: the system prompt, then the draft and nothing else."""
    return [
        ("system", system_prompt),
        ("user", f"{SHORT_INSTRUCTION}\n\n{neutralise(request.draft)}"),
    ]


def plain_prompt(messages: list[Message]) -> str:
    """A prompt for models without a chat template: ``System:/User:`` then ``Assistant:``."""
    names = {"system": "System", "user": "User", "assistant": "Assistant"}
    body = "\n\n".join(f"{names.get(role, role.title())}: {content}" for role, content in messages)
    return f"{body}\n\nAssistant:"


# -- replies a model should never have written -------------------------------------------------

# The prompt's own scaffolding: its tags and the words that introduce the draft and the rules.
_SCAFFOLD = re.compile(
    r"[<‹]\s*/?\s*(?:draft|state_summary|client_message|passage)\b"
    r"|engine'?s draft|reference wording|rules for this turn|passages you may draw on"
    r"|rewritten version|rewrite of (?:the|this) message|here'?s (?:a|the|my) rewrite"
    r"|the answer to this question is"
    r"|^\s*(?:move|stage)\s*:",
    re.IGNORECASE | re.MULTILINE,
)
_CLAUSE = re.compile(r"[^.!?\n]+")
_LETTERS = re.compile(r"[a-z0-9£%]+")


def unusable_reply(text: str) -> str | None:
    """Why a model's reply cannot be shown whatever the figures in it, or ``None``.

    Small models often copy the prompt's tags and headings, talk about the rewriting ("Here's a
    rewritten version of the message"), or say one sentence again and again until they run out
    of tokens; none of these is an adviser's turn. A sentence of four words or more
    said twice counts as repeating.
    """
    if _SCAFFOLD.search(text):
        return "it copied the prompt's scaffolding"
    seen: set[tuple[str, ...]] = set()
    for clause in _CLAUSE.findall(text.lower()):
        words = tuple(_LETTERS.findall(clause))
        if len(words) < 4:
            continue
        if words in seen:
            return "it repeated itself"
        seen.add(words)
    return None
