"""The kinds of harm the safeguarding check names (``prompts/safeguarding/kinds.yaml``)."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.paths import bundled_dir

KINDS_FILE = "kinds.yaml"


class KindsError(GuidanceAssistantError):
    """``kinds.yaml`` is missing or malformed."""


class Kind(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=3)
    rule_categories: list[str] = Field(default_factory=list)


class KindsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kinds: list[Kind] = Field(min_length=1)

    def ids(self) -> list[str]:
        return [kind.id for kind in self.kinds]

    def get(self, kind_id: str) -> Kind | None:
        return next((kind for kind in self.kinds if kind.id == kind_id), None)


def kinds_path() -> Path:
    return bundled_dir("prompts") / "safeguarding" / KINDS_FILE


@functools.lru_cache(maxsize=4)
def load_kinds(path: Path | None = None) -> KindsFile:
    """The validated kinds file (cached)."""
    file = path or kinds_path()
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        kinds = KindsFile.model_validate(data)
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise KindsError(f"{file}: not a valid kinds file ({error}).") from error
    ids = kinds.ids()
    if len(set(ids)) != len(ids):
        raise KindsError(f"{file}: duplicate kind ids.")
    return kinds
