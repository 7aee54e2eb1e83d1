"""The interview model as data: stages, moves and the words the analyser listens for.

Three YAML files in ``prompts/interview/`` describe the interview so that a practitioner can
change it without touching Python:

* ``stages.yaml``: the stages in order, each with its purpose, exit criteria, the moves that fit
  it and turn limits (:class:`InterviewModel`);
* ``moves.yaml``: the micro-skills and the rule a model backend is given for each
  (:class:`MovesFile`);
* ``signals.yaml``: the phrases the message analyser notices (:class:`SignalsFile`).

Every file is validated by a pydantic model with ``extra="forbid"``: a typo is an error naming the
file and the place, never a silent default. The rules of the interview (safeguarding first, no
advice before the client's criteria are known, grounded figures) are in code, not here.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.paths import bundled_dir, file_stamp

MoveKind = Literal[
    "contracting",
    "open_question",
    "closed_question",
    "reflection",
    "summary",
    "affirmation",
    "information",
    "challenge",
    "action_planning",
    "safeguarding_response",
]
StageId = Literal[
    "contracting",
    "exploration",
    "options_and_challenge",
    "decision_and_action_planning",
    "close",
]
TopicId = Literal["interests", "strengths", "values", "circumstances", "influences", "barriers"]
FeelingKind = Literal["worried", "confused", "low", "frustrated", "excited", "pressured"]
InfoKind = Literal["pay", "hours", "routes", "outlook", "description", "skills"]
RouteKind = Literal["apprenticeship", "university", "college"]
ContractItem = Literal["purpose", "time", "confidentiality", "agenda"]
Need = Literal[
    "care_experienced",
    "young_carer",
    "ehcp",
    "send",
    "autism",
    "adhd",
    "dyslexia",
    "physical_disability",
    "sensory_impairment",
    "mental_health",
    "anxiety",
    "eal",
    "new_arrival",
    "neet_risk",
    "disadvantage",
    "money",
    "travel",
    "family_circumstances",
    "family_expectations",
    "confidence",
    "exams",
    "career_change",
]

MOVE_KINDS: tuple[MoveKind, ...] = get_args(MoveKind)
STAGE_IDS: tuple[StageId, ...] = get_args(StageId)
TOPIC_IDS: tuple[TopicId, ...] = get_args(TopicId)
FEELING_KINDS: tuple[FeelingKind, ...] = get_args(FeelingKind)
INFO_KINDS: tuple[InfoKind, ...] = get_args(InfoKind)
NEEDS: tuple[Need, ...] = get_args(Need)

M = TypeVar("M", bound=BaseModel)

STAGES_FILE = "stages.yaml"
MOVES_FILE = "moves.yaml"
SIGNALS_FILE = "signals.yaml"


class InterviewModelError(GuidanceAssistantError):
    """A file of the interview model (``prompts/interview`` or ``prompts/offline``) is wrong."""


_CONTRACT_DEFAULT: tuple[ContractItem, ...] = ("purpose", "time", "confidentiality")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ------------------------------------------------------------------------------ stages.yaml


class ContractExplained(_Strict):
    kind: Literal["contract_explained"]
    items: list[ContractItem] = Field(default_factory=lambda: list(_CONTRACT_DEFAULT))


class AgendaAgreed(_Strict):
    kind: Literal["agenda_agreed"]


class TopicsKnown(_Strict):
    kind: Literal["topics_known"]
    topics: list[TopicId] = Field(default_factory=list)
    min_count: int = Field(default=0, ge=0, le=len(TOPIC_IDS))


class CriteriaKnown(_Strict):
    kind: Literal["criteria_known"]
    min_count: int = Field(default=1, ge=1)


class OptionsConsidered(_Strict):
    kind: Literal["options_considered"]
    min_count: int = Field(default=1, ge=1)
    with_client_view: bool = True


class OptionsWidened(_Strict):
    kind: Literal["options_widened"]


class DiscrepanciesNamed(_Strict):
    kind: Literal["discrepancies_named"]


class DecisionMade(_Strict):
    kind: Literal["decision_made"]


class ActionsAgreed(_Strict):
    kind: Literal["actions_agreed"]
    min_count: int = Field(default=1, ge=1)
    dated: bool = True


class NextContactAgreed(_Strict):
    kind: Literal["next_contact_agreed"]


class SummaryGiven(_Strict):
    kind: Literal["summary_given"]


class PlanOffered(_Strict):
    kind: Literal["plan_offered"]


ExitCriterion = Annotated[
    ContractExplained
    | AgendaAgreed
    | TopicsKnown
    | CriteriaKnown
    | OptionsConsidered
    | OptionsWidened
    | DiscrepanciesNamed
    | DecisionMade
    | ActionsAgreed
    | NextContactAgreed
    | SummaryGiven
    | PlanOffered,
    Field(discriminator="kind"),
]


class TopicSpec(_Strict):
    """An exploration topic, asked in the order listed."""

    id: TopicId
    required: bool = False
    none_is_an_answer: bool = Field(
        default=False, description="'Nothing really' counts as knowing this topic."
    )


class StageSpec(_Strict):
    """One stage of the interview."""

    id: StageId
    title: str = Field(min_length=1)
    purpose: str = Field(min_length=1)
    covers: list[ContractItem] = Field(default_factory=list)
    topics: list[TopicSpec] = Field(default_factory=list)
    exit_criteria: list[ExitCriterion] = Field(min_length=1)
    moves: list[MoveKind] = Field(min_length=1)
    max_client_turns: int = Field(ge=1, le=100)
    max_asks_per_topic: int = Field(default=2, ge=1, le=5)
    max_actions: int = Field(default=3, ge=1, le=10)
    summary_on_exit: bool = True

    @field_validator("topics")
    @classmethod
    def _unique_topics(cls, value: list[TopicSpec]) -> list[TopicSpec]:
        ids = [topic.id for topic in value]
        if len(ids) != len(set(ids)):
            raise ValueError("a topic is listed twice")
        return value

    def allows(self, move: MoveKind) -> bool:
        return move == "safeguarding_response" or move in self.moves


class PracticeSettings(_Strict):
    substantive_words: int = Field(default=4, ge=1, le=50)
    challenge_after_client_turns: int = Field(default=4, ge=0, le=50)
    widening_count: int = Field(default=3, ge=1, le=8)
    check_in_gap: int = Field(default=3, ge=1, le=50)
    decision_from_turn: int = Field(default=8, ge=1, le=50)


class InterviewModel(_Strict):
    """``stages.yaml``: the whole interview."""

    version: int = 1
    session_minutes: int = Field(default=30, ge=5, le=180)
    stages: list[StageSpec]
    practice: PracticeSettings = Field(default_factory=PracticeSettings)

    @model_validator(mode="after")
    def _canonical_order(self) -> InterviewModel:
        ids = tuple(stage.id for stage in self.stages)
        if ids != STAGE_IDS:
            raise ValueError(
                f"the stages must be {', '.join(STAGE_IDS)}, once each and in that order "
                f"(found: {', '.join(ids) or 'none'})"
            )
        exploration = self.stage("exploration")
        if not exploration.topics:
            raise ValueError("the exploration stage needs at least one topic")
        return self

    def stage(self, stage_id: str) -> StageSpec:
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise KeyError(stage_id)

    def next_stage(self, stage_id: str) -> StageSpec | None:
        ids = [stage.id for stage in self.stages]
        index = ids.index(stage_id)  # type: ignore[arg-type]
        return self.stages[index + 1] if index + 1 < len(self.stages) else None

    def index(self, stage_id: str) -> int:
        return [stage.id for stage in self.stages].index(stage_id)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------- moves.yaml


class MoveSpec(_Strict):
    id: MoveKind
    name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    backend_rule: str = Field(min_length=1)


class MovesFile(_Strict):
    moves: list[MoveSpec]

    @model_validator(mode="after")
    def _every_move_once(self) -> MovesFile:
        ids = [move.id for move in self.moves]
        missing = [kind for kind in MOVE_KINDS if kind not in ids]
        if missing or len(ids) != len(set(ids)):
            raise ValueError(
                f"every move must appear exactly once (missing: {', '.join(missing) or 'none'})"
            )
        return self

    def get(self, kind: str) -> MoveSpec:
        return next(move for move in self.moves if move.id == kind)


# ----------------------------------------------------------------------------- signals.yaml


class CriterionSignal(_Strict):
    """A criterion the client may hold for judging options ("good pay", "not more study")."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    cues: list[str] = Field(min_length=1)
    subject: str | None = None


class OptionViewSignals(_Strict):
    positive: list[str]
    negative: list[str]
    unsure: list[str]


class SignalsFile(_Strict):
    """``signals.yaml``: what the message analyser notices."""

    agreement: list[str]
    disagreement: list[str]
    dont_know: list[str]
    finished: list[str]
    greetings: list[str]
    thanks: list[str]
    feelings: dict[FeelingKind, list[str]]
    topics: dict[TopicId, list[str]]
    criteria: list[CriterionSignal]
    information: dict[InfoKind, list[str]]
    framework_terms: list[str]
    question_starts: list[str]
    off_topic: list[str]
    injection: list[str]
    about_adviser: list[str]
    ask_opinion: list[str]
    option_view: OptionViewSignals
    decision: list[str]
    keep_open: list[str]
    action_starts: list[str]
    action_verbs: list[str] = Field(default_factory=list)
    refers_back: list[str] = Field(default_factory=list)
    owners: dict[str, list[str]]
    others_jobs: list[str]
    suggested_jobs: list[str]
    current_jobs: list[str] = Field(default_factory=list)
    ambiguous_titles: list[str]
    occupation_aliases: dict[str, str]
    routes: dict[RouteKind, list[str]]
    needs: dict[Need, list[str]]

    @model_validator(mode="after")
    def _complete(self) -> SignalsFile:
        for name, keys, expected in (
            ("feelings", self.feelings, FEELING_KINDS),
            ("topics", self.topics, TOPIC_IDS),
        ):
            missing = [key for key in expected if key not in keys]
            if missing:
                raise ValueError(f"{name} is missing {', '.join(missing)}")
        ids = [criterion.id for criterion in self.criteria]
        if len(ids) != len(set(ids)):
            raise ValueError("two criteria share an id")
        for required in ("high_pay", "avoid_study", "earn_soon"):
            if required not in ids:
                raise ValueError(
                    f"criteria must include '{required}' (the engine's challenges use it)"
                )
        for group in (
            self.off_topic,
            self.injection,
            self.about_adviser,
            self.others_jobs,
            self.suggested_jobs,
            self.current_jobs,
        ):
            for pattern in group:
                try:
                    re.compile(pattern)
                except re.error as error:
                    raise ValueError(
                        f"{pattern!r} is not a valid regular expression: {error}"
                    ) from error
        return self

    def criterion(self, criterion_id: str) -> CriterionSignal | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)


# ---------------------------------------------------------------------------------- loading


def interview_dir() -> Path:
    return bundled_dir("prompts") / "interview"


def read_yaml(path: Path) -> Any:
    """A YAML file's data, or an :class:`InterviewModelError` saying what is wrong and where."""
    if not path.is_file():
        raise InterviewModelError(
            f"{path}: file missing. Restore it or reinstall guidance-assistant."
        )
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise InterviewModelError(f"{path}: not UTF-8 text ({error.reason}).") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise InterviewModelError(
            f"{path}: not valid YAML{where}: {problem}. Check the indentation and quotes there."
        ) from error


def validation_message(path: Path, error: ValidationError) -> str:
    problems = []
    for item in error.errors()[:5]:
        where = ".".join(str(part) for part in item.get("loc", ()))
        problems.append(f"{where}: {item.get('msg')}" if where else str(item.get("msg")))
    return f"{path}: " + "; ".join(problems)


def _load(model: type[M], path: Path) -> M:
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise InterviewModelError(f"{path}: expected a mapping at the top of the file.")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise InterviewModelError(validation_message(path, error)) from error


@functools.lru_cache(maxsize=8)
def _cached_interview(folder: Path, stamp: tuple[tuple[int, int], ...]) -> InterviewModel:
    del stamp
    return _load(InterviewModel, folder / STAGES_FILE)


@functools.lru_cache(maxsize=8)
def _cached_moves(folder: Path, stamp: tuple[tuple[int, int], ...]) -> MovesFile:
    del stamp
    return _load(MovesFile, folder / MOVES_FILE)


@functools.lru_cache(maxsize=8)
def _cached_signals(folder: Path, stamp: tuple[tuple[int, int], ...]) -> SignalsFile:
    del stamp
    return _load(SignalsFile, folder / SIGNALS_FILE)


def load_interview(folder: Path | str | None = None) -> InterviewModel:
    """The stages (``stages.yaml``), read once and again when the file changes."""
    base = Path(folder) if folder is not None else interview_dir()
    return _cached_interview(base, (file_stamp(base / STAGES_FILE),))


def load_moves(folder: Path | str | None = None) -> MovesFile:
    """The micro-skills (``moves.yaml``)."""
    base = Path(folder) if folder is not None else interview_dir()
    return _cached_moves(base, (file_stamp(base / MOVES_FILE),))


def load_signals(folder: Path | str | None = None) -> SignalsFile:
    """The analyser's phrases (``signals.yaml``)."""
    base = Path(folder) if folder is not None else interview_dir()
    return _cached_signals(base, (file_stamp(base / SIGNALS_FILE),))
