"""Conversation eval suites and run configurations, as pydantic-validated YAML.

A suite file (``evals/guidance/*.yaml``, ``evals/fairness/``, ``evals/scope/``,
``evals/bad_input/``) holds test conversations: a client profile, the client's scripted messages
and what the session must show (stages reached, safeguarding, routes raised, a dated action, a
short redirect, plain language for EAL clients). A configuration file names a backend, a seed,
settings overrides and whether the model also judges each conversation (``judge``); every case
of every suite runs against every configuration.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.interview.model import RouteKind, StageId
from guidance_assistant.paths import bundled_dir

SUITE_KINDS = ("guidance", "fairness", "scope", "bad_input")
DEFAULT_TODAY = date(2026, 3, 10)


class ConversationSuiteError(GuidanceAssistantError):
    """A conversation suite or run configuration that is missing or malformed."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RepeatedMessage(_Strict):
    """A generated client message: ``text`` repeated ``times`` times (for huge inputs)."""

    repeat: str = Field(min_length=1)
    times: int = Field(ge=1, le=1_000_000)
    prefix: str = ""
    suffix: str = ""

    def render(self) -> str:
        return self.prefix + self.repeat * self.times + self.suffix


Message = str | RepeatedMessage


class InjectedDocument(_Strict):
    """A document added to the knowledge for one case (e.g. one carrying a prompt injection)."""

    source: str = Field(min_length=1)
    title: str = Field(min_length=1)
    text: str = Field(min_length=1)
    doc_type: str = "framework"


class Thresholds(_Strict):
    """Pass marks a suite (or a case) may tighten or loosen."""

    max_mean_sentence_length: float = Field(default=14.0, gt=0)
    latency_p95_seconds: float = Field(default=2.0, gt=0)
    min_client_talk_share: float = Field(default=0.15, ge=0, le=1)
    min_reflective_share: float = Field(default=0.4, ge=0, le=1)
    min_open_share: float = Field(default=0.5, ge=0, le=1)
    max_redirect_words: int = Field(default=60, ge=1)
    min_support_overlap: float = Field(default=0.3, ge=0, le=1)


class Case(_Strict):
    """One test conversation."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    description: str = ""
    client_type: str = ""
    profile: dict[str, Any] = Field(default_factory=dict)
    messages: list[Message] = Field(min_length=1)
    today: date | None = None
    documents: list[InjectedDocument] = Field(default_factory=list)
    reach_stages: list[StageId] = Field(default_factory=list)
    expect_safeguarding: bool | None = None
    expect_routes: list[RouteKind] = Field(default_factory=list)
    expect_action_with_date: bool | None = None
    expect_redirect: bool | None = None
    redirect_turns: list[int] = Field(
        default_factory=list,
        description="1-based client turns that must be redirected (default: the last one).",
    )
    eal: bool = False
    forbid_text: list[str] = Field(default_factory=list)
    fairness_group: str | None = None
    variant: str | None = None
    thresholds: dict[str, float] = Field(
        default_factory=dict, description="Overrides of the suite's thresholds for this case."
    )

    @model_validator(mode="after")
    def _checks(self) -> Case:
        unknown = sorted(set(self.thresholds) - set(Thresholds.model_fields))
        if unknown:
            raise ValueError(f"unknown thresholds: {', '.join(unknown)}")
        if (self.fairness_group is None) != (self.variant is None):
            raise ValueError("fairness_group and variant go together")
        for turn in self.redirect_turns:
            if not 1 <= turn <= len(self.messages):
                raise ValueError(f"redirect turn {turn} is not one of the messages")
        return self

    def rendered_messages(self) -> list[str]:
        return [m if isinstance(m, str) else m.render() for m in self.messages]


class Suite(_Strict):
    """A file of test conversations."""

    suite: Literal["guidance", "fairness", "scope", "bad_input"]
    name: str = Field(min_length=1)
    description: str = ""
    today: date = DEFAULT_TODAY
    thresholds: Thresholds = Field(default_factory=Thresholds)
    cases: list[Case] = Field(min_length=1)

    def case_thresholds(self, case: Case) -> Thresholds:
        return self.thresholds.model_copy(update=dict(case.thresholds))


class RunConfig(_Strict):
    """A configuration to run the suites against: a backend, a seed, settings overrides and
    whether the session's model also judges each conversation (``judge``: an ``llm_judge``
    score; none with the offline backend, which has no model)."""

    name: str = Field(min_length=1)
    backend: str = "offline"
    seed: int | None = None
    settings: dict[str, Any] = Field(default_factory=dict)
    judge: bool = False


def default_suites_dir() -> Path:
    return bundled_dir("evals")


def default_suite_paths() -> list[Path]:
    root = default_suites_dir()
    return [root / kind for kind in SUITE_KINDS if (root / kind).is_dir()]


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ConversationSuiteError(f"Cannot read {path}: {error}") from error


def load_suite(path: Path) -> Suite:
    try:
        return Suite.model_validate(_read_yaml(path))
    except ValidationError as error:
        raise ConversationSuiteError(
            f"The conversation suite {path} is not valid: {error}"
        ) from error


def suite_files(paths: list[Path]) -> list[Path]:
    """The ``*.yaml`` files named by ``paths``: files, or folders searched recursively (a folder
    holding the suite kinds' folders, such as ``evals/``, means just those)."""
    files: list[Path] = []
    for path in paths:
        kinds = [path / kind for kind in SUITE_KINDS if (path / kind).is_dir()]
        if kinds:
            files.extend(f for kind in kinds for f in sorted(kind.rglob("*.yaml")))
        elif path.is_dir():
            files.extend(sorted(path.rglob("*.yaml")))
        elif path.is_file():
            files.append(path)
        else:
            raise ConversationSuiteError(f"No suite file or folder at {path}.")
    return files


def load_suites(paths: list[Path] | None = None) -> list[Suite]:
    """Every suite under ``paths`` (default: the bundled conversation suites), checked for
    unique case ids."""
    files = suite_files(paths if paths is not None else default_suite_paths())
    if not files:
        raise ConversationSuiteError("No conversation suites (*.yaml) found.")
    suites = [load_suite(f) for f in files]
    ids = [c.id for s in suites for c in s.cases]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ConversationSuiteError(f"Duplicate case ids: {', '.join(duplicates)}")
    return suites


def load_config(path: Path) -> RunConfig:
    try:
        return RunConfig.model_validate(_read_yaml(path))
    except ValidationError as error:
        raise ConversationSuiteError(
            f"The run configuration {path} is not valid: {error}"
        ) from error


OFFLINE = RunConfig(name="offline", backend="offline")
