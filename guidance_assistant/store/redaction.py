"""Redaction of personal details in transcripts before they are stored.

Replaced by placeholders: email addresses (``[email]``), UK phone numbers (``[phone]``: 07700
900123, +44 7700 900123, 020 7946 0958, (0161) 496 0000...), street addresses (``[address]``:
"12 High Street", "I live on Park Road"), postcodes (``[postcode]``: SW1A 1AA, M1 1AE), the
client's known names and names a person gives ("my name is...", "call me...", "my mum Sarah",
"Mrs Patel") (``[name]``). It is pattern-based: it errs towards removing too much, and it cannot
catch every name said in passing; say so to the service when switching it on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from guidance_assistant.interview.state import SessionState

EMAIL = re.compile(r"\b[\w.+'-]+@[\w-]+(?:\.[\w-]+)+\b")
PHONE = re.compile(
    r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|0044\s?|\(?0)\d(?:[\s\-)]{0,2}\d){8,9}(?![\d])"
)
POSTCODE = re.compile(r"\b(?:GIR\s?0AA|[A-Z]{1,2}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2})\b", re.I)
_STREET_WORDS = (
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Crescent|Court|Ct|Place|Pl|"
    r"Gardens|Grove|Terrace|Hill|Park|Square|Sq|Mews|Row|Walk|View|Rise|Parade|Green|Estate)"
)
STREET = re.compile(
    r"\b\d{1,4}[A-Za-z]?,?\s+(?:[A-Za-z'’-]+\s+){1,3}" + _STREET_WORDS + r"\b\.?"
    r"|(?<=\b(?:on|at|in) )(?:[A-Z][a-z'’-]+\s+){1,3}" + _STREET_WORDS + r"\b\.?"
)
_NAME = r"[A-Z][a-z'’-]+(?:[ -][A-Z][a-z'’-]+)?"
NOT_NAMES = frozenset(
    [
        "I",
        "Im",
        "A",
        "An",
        "The",
        "In",
        "At",
        "On",
        "Not",
        "So",
        "Just",
        "Really",
        "Sure",
        "Going",
        "Year",
        "Here",
        "There",
        "Fine",
        "Okay",
        "Ok",
        "Good",
        "English",
        "British",
        "Welsh",
        "Scottish",
        "Irish",
        "Sorry",
        "Thinking",
        "Looking",
        "Still",
        "Also",
        "Quite",
        "Very",
        "Only",
        "Interested",
        "Worried",
        "Scared",
        "Happy",
        "Sad",
        "Hoping",
        "Trying",
        "Doing",
        "Working",
        "Studying",
        "Leaving",
        "Thanks",
        "Mum",
        "Dad",
        "Yes",
        "No",
        "Maybe",
        "Well",
    ]
)
NAME_INTRO = re.compile(
    r"(?:\b(?i:my name is|my name's|name's|i am called|i'm called|call me|this is|i am|i'm|im)"
    r"\s+)(" + _NAME + r")"
)
RELATION = re.compile(
    r"\b(?i:my|our)\s+(?i:mum|mom|mother|dad|father|brother|sister|sister-in-law|aunt|auntie|"
    r"uncle|nan|nana|gran|grandma|grandad|grandpa|cousin|friend|best friend|boyfriend|girlfriend|"
    r"partner|husband|wife|son|daughter|teacher|tutor|carer|foster carer|social worker|"
    r"key worker|keyworker|boss|manager)\s+(" + _NAME + r")"
)
TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+(" + _NAME + r")")

PLACEHOLDERS = ("[name]", "[email]", "[phone]", "[address]", "[postcode]")

# Keys of a SessionState dump whose strings are people's words (citations are left alone:
# they are the knowledge base's passages, whose helpline numbers must stay).
_FREE_TEXT_KEYS = frozenset(
    {
        "text",
        "gist",
        "label",
        "view_text",
        "source_text",
        "what",
        "who",
        "notes",
        "reason",
        "cleared_note",
        "next_contact",
        "suggested_action",
        "pending_reason",
        "agenda",
    }
)


def _name_sub(pattern: re.Pattern[str], text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.split()[0].strip("'’-") in NOT_NAMES:
            return match.group(0)
        start, end = match.span(1)
        whole = match.group(0)
        offset = match.start(0)
        return whole[: start - offset] + "[name]" + whole[end - offset :]

    return pattern.sub(replace, text)


def redact_text(text: str, names: Iterable[str] = ()) -> str:
    """``text`` with emails, UK phone numbers, addresses, postcodes and names replaced."""
    out = EMAIL.sub("[email]", text)
    out = PHONE.sub("[phone]", out)
    out = STREET.sub("[address]", out)
    out = POSTCODE.sub("[postcode]", out)
    for name in names:
        for part in {name.strip(), *name.split()}:
            cleaned = part.strip(" ,.'’")
            if len(cleaned) >= 2:
                out = re.sub(rf"(?<!\w){re.escape(cleaned)}(?!\w)", "[name]", out, flags=re.I)
    for pattern in (NAME_INTRO, RELATION, TITLE):
        out = _name_sub(pattern, out)
    return out


def _walk(value: Any, names: list[str], key: str | None) -> Any:
    if isinstance(value, dict):
        return {k: _walk(v, names, k) for k, v in value.items() if k != "citations"} | (
            {"citations": value["citations"]} if "citations" in value else {}
        )
    if isinstance(value, list):
        return [_walk(item, names, key) for item in value]
    if isinstance(value, str) and key in _FREE_TEXT_KEYS:
        return redact_text(value, names)
    return value


def redact_state(state: SessionState, names: Iterable[str] = ()) -> SessionState:
    """A copy of ``state`` with the people's words redacted and the profile's name removed."""
    known = [n for n in [*names, state.profile.name] if n]
    data = state.model_dump(mode="json")
    data = _walk(data, known, None)
    data["profile"]["name"] = None
    return SessionState.model_validate(data)
