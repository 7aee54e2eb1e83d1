"""Cues that add up across turns (``prompts/safeguarding/cues.yaml``) and requests for secrecy."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.paths import bundled_dir
from guidance_assistant.safeguarding.rules import negated_at, normalise_text

CUES_FILE = "cues.yaml"


class CuesError(GuidanceAssistantError):
    """``cues.yaml`` is missing or malformed."""


class Cue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    weight: int = Field(ge=1, le=4)
    patterns: list[str] = Field(min_length=1)


class Secrecy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    weight: int = Field(ge=0, le=4)
    patterns: list[str] = Field(min_length=1)


class CuesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    check_in_at: int = Field(ge=1)
    escalate_at: int = Field(ge=1)
    secrecy: Secrecy
    cues: list[Cue] = Field(min_length=1)


class CueHit(BaseModel):
    """A cue heard in one message, with the words that showed it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cue: str
    label: str
    weight: int
    words: str


class CueBook:
    """The compiled cues."""

    def __init__(self, spec: CuesFile, path: Path) -> None:
        self.spec = spec
        try:
            self._cues = [(cue, [re.compile(p) for p in cue.patterns]) for cue in spec.cues]
            self._secrecy = [re.compile(p) for p in spec.secrecy.patterns]
        except re.error as error:
            raise CuesError(f"{path}: a pattern does not compile ({error}).") from error

    def hits(self, text: str) -> list[CueHit]:
        """The cues in ``text`` (each at most once), negated mentions set aside."""
        view = normalise_text(text)
        out: list[CueHit] = []
        for cue, patterns in self._cues:
            for pattern in patterns:
                match = next(
                    (m for m in pattern.finditer(view) if not negated_at(view, m.start(), m.end())),
                    None,
                )
                if match is not None:
                    out.append(
                        CueHit(cue=cue.id, label=cue.label, weight=cue.weight, words=match.group(0))
                    )
                    break
        return out

    def secrecy_request(self, text: str) -> str | None:
        """The words of a request to keep something secret, or ``None``."""
        view = normalise_text(text)
        for pattern in self._secrecy:
            match = pattern.search(view)
            if match is not None:
                return match.group(0)
        return None


def cues_path() -> Path:
    return bundled_dir("prompts") / "safeguarding" / CUES_FILE


@functools.lru_cache(maxsize=4)
def load_cues(path: Path | None = None) -> CueBook:
    file = path or cues_path()
    try:
        spec = CuesFile.model_validate(yaml.safe_load(file.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise CuesError(f"{file}: not a valid cues file ({error}).") from error
    return CueBook(spec, file)
