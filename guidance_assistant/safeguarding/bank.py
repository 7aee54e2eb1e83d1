"""The labelled safeguarding bank: messages and multi-turn conversations in ``evals/safeguarding/``.

Files (all YAML, validated here):

* ``bank/*.yaml``: the development bank, written for this project, per kind of harm
  (``prompts/safeguarding/kinds.yaml``): disclosures (``expected: true``, ``category: <kind>``)
  and hard negatives (``expected: false``, ``near: <kind>`` or ``near: ordinary``). The learned
  reader trains on it.
* ``messages.yaml``, ``heldout*.yaml``: earlier sets (rule categories, not kinds); training too.
* ``first-contact-*.yaml``: rounds written after the reader, measured once on first contact and
  kept as regression sets. The shipped reader records which rounds it has trained on.
* ``everyday.yaml``: ordinary client talk (negatives).
* ``conversations/*.yaml``: client turns of whole conversations where cues add up (or do not).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.paths import bundled_dir


class BankError(GuidanceAssistantError):
    """A labelled file is missing or malformed."""


class BankMessage(BaseModel):
    """One labelled message."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    expected: bool
    category: str | None = None
    near: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _labels(self) -> BankMessage:
        if self.expected and not self.category:
            raise ValueError(f"{self.id}: a disclosure (expected: true) needs a category")
        if not self.expected and self.category:
            raise ValueError(f"{self.id}: a non-disclosure takes `near:`, not `category:`")
        return self

    @property
    def kind(self) -> str | None:
        """The kind it shows (disclosure) or resembles (hard negative); ``ordinary`` otherwise."""
        return self.category if self.expected else (self.near or "ordinary")


class BankConversation(BaseModel):
    """The client's turns of one conversation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    expected: bool
    kind: str | None = None
    by_turn: int | None = Field(default=None, ge=1)
    note: str | None = None
    turns: list[str] = Field(min_length=1)


def safeguarding_dir() -> Path:
    return bundled_dir("evals") / "safeguarding"


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as error:
        raise BankError(f"{path}: cannot be read as YAML ({error}).") from error
    if not isinstance(data, dict):
        raise BankError(f"{path}: expected a mapping at the top.")
    return data


def load_messages(path: Path) -> list[BankMessage]:
    """The labelled messages of one file (``messages:`` list, or ``everyday``'s plain strings)."""
    data = _read(path)
    items = data.get("messages")
    if not isinstance(items, list):
        raise BankError(f"{path}: needs a `messages:` list.")
    out: list[BankMessage] = []
    for index, item in enumerate(items):
        if isinstance(item, str):  # everyday.yaml: ordinary talk, plain strings
            item = {
                "id": f"{path.stem}-{index:04d}",
                "text": item,
                "expected": False,
                "near": "ordinary",
            }
        if isinstance(item, dict) and item.get("expected") is False and not item.get("near"):
            item = {**item, "near": "unspecified"}  # earlier sets: hard negatives, kind unnamed
        try:
            out.append(BankMessage.model_validate(item))
        except ValidationError as error:
            raise BankError(f"{path}: message {index}: {error.errors()[0]['msg']}") from error
    ids = [m.id for m in out]
    if len(set(ids)) != len(ids):
        raise BankError(f"{path}: duplicate ids.")
    return out


def load_conversations(path: Path) -> list[BankConversation]:
    data = _read(path)
    items = data.get("conversations")
    if not isinstance(items, list):
        raise BankError(f"{path}: needs a `conversations:` list.")
    try:
        return [BankConversation.model_validate(item) for item in items]
    except ValidationError as error:
        raise BankError(f"{path}: {error.errors()[0]['msg']}") from error


def development_files(folder: Path | None = None) -> list[Path]:
    """The message files the reader trains on, before any first-contact round."""
    base = folder or safeguarding_dir()
    files = sorted((base / "bank").glob("*.yaml"))
    files += [base / name for name in ("messages.yaml", "heldout.yaml", "heldout-3.yaml")]
    files += [base / "heldout-4.yaml", base / "everyday.yaml"]
    return [f for f in files if f.is_file()]


def first_contact_files(folder: Path | None = None) -> list[Path]:
    base = folder or safeguarding_dir()
    return sorted(base.glob("first-contact-*.yaml"))
