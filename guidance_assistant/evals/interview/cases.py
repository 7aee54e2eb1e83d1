"""The first-contact case files: scripted clients and the labels a whole conversation is judged by."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.paths import bundled_dir

#: The planning stage, and the client turn by which a conversation should have reached it.
PLANNING: Literal["decision_and_action_planning"] = "decision_and_action_planning"
PLANNING_BY = 15
#: An adviser turn at least this long, said twice word for word, is a repeated summary.
REPEAT_MIN_WORDS = 12
#: Client turns a simulated client gets (persona play), and the seeds each persona is played with.
PERSONA_TURNS = 15
PERSONA_SEEDS = (0, 1, 2)
#: The engine's phrase keys that say honestly that it has no information (``prompts/offline``).
DECLINE_KEY = re.compile(r"^information\.(?:.+\.none|not_found)$")
CASE_FILE_GLOB = "first-contact-*.yaml"


class InterviewCaseError(GuidanceAssistantError):
    """A first-contact case file that is missing or malformed."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ------------------------------------------------------------------------------- the cases


class MustAnswer(_Strict):
    """A question the client asks at ``turn`` that the adviser must answer (or honestly say
    it has no information on)."""

    turn: int = Field(ge=1, description="The client turn (1-based) that asks it.")
    question: str = Field(min_length=1)
    answer_should_mention: list[str] = Field(min_length=1)


class ClientStep(_Strict):
    """A step the client names at ``turn``, and when they said they would do it."""

    turn: int = Field(ge=1)
    step: str = Field(min_length=1)
    when: str | None = None


class InterviewCase(_Strict):
    """One scripted client (see the module docstring)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    kind: str = Field(min_length=1)
    client_type: str = ""
    profile: dict[str, Any] = Field(default_factory=dict)
    messages: list[str] = Field(min_length=1)
    must_answer: list[MustAnswer] = Field(default_factory=list)
    must_reflect: list[str] = Field(default_factory=list)
    decided: str | None = None
    not_in_plan: list[str] = Field(default_factory=list)
    client_steps: list[ClientStep] = Field(default_factory=list)
    expect_routes: list[str] = Field(default_factory=list)
    reach_plan: bool = True
    expect_safeguarding: bool = False
    today: date | None = Field(default=None, description="The session date (default: the file's).")

    @model_validator(mode="after")
    def _turns_in_range(self) -> InterviewCase:
        last = len(self.messages)
        for name, items in (("must_answer", self.must_answer), ("client_steps", self.client_steps)):
            for item in items:
                if item.turn > last:
                    raise ValueError(
                        f"{name} turn {item.turn} is out of range: the case has {last} client "
                        f"messages (turns 1-{last})"
                    )
        return self

    @property
    def guidance(self) -> bool:
        """A guidance conversation (no disclosure expected)."""
        return not self.expect_safeguarding


class InterviewCaseFile(_Strict):
    """One case file: a suite name, the session date and the cases."""

    suite: str = Field(min_length=1)
    today: date
    cases: list[InterviewCase] = Field(min_length=1)
    path: str | None = Field(default=None, description="Where it was read from (set on load).")

    @model_validator(mode="after")
    def _dates_and_ids(self) -> InterviewCaseFile:
        seen: set[str] = set()
        for case in self.cases:
            if case.id in seen:
                raise ValueError(f"case id {case.id!r} is used twice")
            seen.add(case.id)
            if case.today is None:
                case.today = self.today
        return self


def default_cases_dir() -> Path:
    return bundled_dir("evals") / "interview"


def _error_text(path: Path, data: Any, error: ValidationError) -> str:
    problems = []
    for item in error.errors()[:5]:
        loc = list(item.get("loc", ()))
        where = ".".join(str(p) for p in loc)
        if len(loc) >= 2 and loc[0] == "cases" and isinstance(loc[1], int):
            try:
                case_id = data["cases"][loc[1]]["id"]
            except (KeyError, IndexError, TypeError):
                case_id = None
            if case_id:
                where = f"case {case_id!r}" + (
                    f" ({'.'.join(map(str, loc[2:]))})" if loc[2:] else ""
                )
        message = str(item.get("msg", "")).removeprefix("Value error, ")
        problems.append(f"{where or 'file'}: {message}")
    return f"The first-contact file {path} is not valid: " + "; ".join(problems)


def load_case_file(path: Path) -> InterviewCaseFile:
    """One case file, validated; :class:`InterviewCaseError` names the file, case and fault."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise InterviewCaseError(
            f"The first-contact file {path} could not be read: {error}"
        ) from error
    if not isinstance(data, dict):
        raise InterviewCaseError(f"The first-contact file {path} must hold a mapping with 'cases'.")
    try:
        loaded = InterviewCaseFile.model_validate(data)
    except ValidationError as error:
        raise InterviewCaseError(_error_text(path, data, error)) from error
    loaded.path = str(path)
    return loaded


def load_interview_cases(paths: Sequence[Path] | None = None) -> list[InterviewCaseFile]:
    """The case files at ``paths`` (files, or folders of ``first-contact-*.yaml``; default: the
    bundled ``evals/interview``). Case ids must be unique across them."""
    files: list[Path] = []
    for path in paths or [default_cases_dir()]:
        path = Path(path)
        if path.is_dir():
            found = sorted(path.glob(CASE_FILE_GLOB))
            if not found:
                raise InterviewCaseError(f"The folder {path} holds no {CASE_FILE_GLOB} files.")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise InterviewCaseError(f"The first-contact file or folder {path} does not exist.")
    loaded = [load_case_file(p) for p in dict.fromkeys(files)]
    seen: dict[str, str | None] = {}
    for case_file in loaded:
        for case in case_file.cases:
            if case.id in seen:
                raise InterviewCaseError(
                    f"Case id {case.id!r} is in both {seen[case.id]} and {case_file.path}."
                )
            seen[case.id] = case_file.path
    return loaded
