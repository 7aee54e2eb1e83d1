"""Everything a guidance session knows, as one pydantic model that round-trips through JSON.

:class:`SessionState` holds the client profile, the current stage and every stage transition,
the agreed agenda, what the client said per exploration topic, their criteria, the options
considered with their view of each, discrepancies (and whether they were named), decisions,
SMART actions (what, who, by when), safeguarding flags and the annotated transcript.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from guidance_assistant.interview.model import (
    TOPIC_IDS,
    ContractItem,
    InfoKind,
    MoveKind,
    Need,
    StageId,
    TopicId,
)
from guidance_assistant.sources import Citation

STATE_VERSION = 1

OptionView = Literal["positive", "negative", "unsure"]
OptionOrigin = Literal["client", "others", "widening"]
DiscrepancyKind = Literal["avoid_study", "study_route", "earn_soon", "high_pay", "dislike_subject"]
PayBand = Literal["lower", "middle", "higher"]
Speaker = Literal["client", "adviser"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClientProfile(_Model):
    """What the adviser knows about the client before the session.

    ``name`` is used only to greet the client and ``gender`` only for the adviser's records:
    the engine never reads either to choose what to say, which options to explore or which
    figures to show.
    """

    name: str | None = Field(default=None, max_length=100)
    gender: str | None = Field(default=None, max_length=50)
    age: int | None = Field(default=None, ge=5, le=100)
    year_group: int | None = Field(default=None, ge=1, le=14, description="School year, e.g. 11.")
    needs: list[Need] = Field(default_factory=list)
    plain_language: bool | None = Field(
        default=None,
        description="Use plain-language wording; by default, when a need asks for it (EAL).",
    )
    notes: str | None = Field(default=None, max_length=5000)

    @field_validator("year_group", mode="before")
    @classmethod
    def _year(cls, value: Any) -> Any:
        if isinstance(value, str):
            found = re.search(r"\d{1,2}", value)
            return int(found.group()) if found else None
        return value

    @field_validator("needs")
    @classmethod
    def _dedupe(cls, value: list[Need]) -> list[Need]:
        return list(dict.fromkeys(value))

    @field_validator("name")
    @classmethod
    def _tidy_name(cls, value: str | None) -> str | None:
        if value is None:
            return None
        cleaned = "".join(ch for ch in value if ch.isprintable()).strip()
        return cleaned or None


class TurnCitation(_Model):
    """A passage a turn drew on: its text and where it comes from (like a search ``Passage``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    citation: Citation

    @property
    def source(self) -> str:
        return self.citation.source

    def render(self) -> str:
        return self.citation.render()


class Fact(_Model):
    """Something the client said about an exploration topic."""

    topic: TopicId
    gist: str
    text: str
    turn: int


class ClientCriterion(_Model):
    """A criterion the client holds for judging options, in their words."""

    id: str
    label: str
    text: str
    turn: int
    gist: str | None = Field(default=None, description="The clause that said it: 'you hate exams'.")


class OptionConsidered(_Model):
    """An occupation looked at in the session, with the client's view of it."""

    occupation_id: str
    title: str
    origin: OptionOrigin = "client"
    client_view: OptionView | None = None
    view_text: str | None = None
    presented: bool = Field(default=False, description="Its information has been given.")
    route_types: list[str] = Field(default_factory=list)
    degree_only: bool = Field(
        default=False, description="Every listed route involves degree-level study."
    )
    pay_band: PayBand | None = None
    required_subjects: list[str] = Field(default_factory=list)
    turn: int = 0


class Discrepancy(_Model):
    """A gap between a client's criterion and what an option involves."""

    kind: DiscrepancyKind
    occupation_id: str
    criterion_id: str
    named: bool = False
    turn_named: int | None = None


class Decision(_Model):
    text: str
    occupation_id: str | None = None
    route: str | None = None
    turn: int


class ActionItem(_Model):
    """A SMART action: what will be done, who does it and by when."""

    what: str = Field(min_length=1)
    who: str = "You"
    when: date | None = None
    turn: int = 0
    source_text: str | None = Field(default=None, description="The words that set it.")

    @property
    def dated(self) -> bool:
        return self.when is not None


class SafeguardingFlag(_Model):
    """A safeguarding concern raised in the session; only an adviser clears it."""

    category: str | None
    reason: str
    turn: int
    raised_at: datetime
    cleared: bool = False
    cleared_at: datetime | None = None
    cleared_note: str | None = None


class ConcernNote(_Model):
    """A message that sounded worrying without being a disclosure (not a safeguarding flag):
    recorded for the adviser with the words that raised it."""

    turn: int
    score: float = Field(description="The learned reader's score, 0-1 (0 when cues raised it).")
    checked_in: bool = Field(description="Whether the adviser's reply was a check-in question.")
    label: str = Field(default="", description="What it sounded like, for the adviser.")
    reason: str = Field(default="", description="Why it was raised (reader, cues, secrecy).")
    words: str = Field(default="", description="The client's words that raised it.")


class HeardCue(_Model):
    """A cue heard in the conversation (``prompts/safeguarding/cues.yaml``): cues add up."""

    turn: int
    cue: str
    label: str
    weight: int
    words: str


class StageTransition(_Model):
    from_stage: StageId
    to_stage: StageId
    turn: int
    reason: str


class TranscriptEntry(_Model):
    """One turn of the conversation with its annotations."""

    turn: int
    speaker: Speaker
    text: str
    stage: StageId
    move: MoveKind | None = None
    citations: list[TurnCitation] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)
    intents: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    occupations: list[str] = Field(default_factory=list)
    feelings: list[str] = Field(default_factory=list)
    reason: str | None = None
    rule: str | None = Field(default=None, description="The policy rule that chose the move.")
    backend: str | None = None
    fallback: str | None = Field(default=None, description="Why the draft was used instead.")


class SessionState(_Model):
    """The whole state of one guidance session (see the module docstring)."""

    version: int = STATE_VERSION
    session_date: date
    seed: int = 0
    profile: ClientProfile = Field(default_factory=ClientProfile)
    stage: StageId = "contracting"
    transitions: list[StageTransition] = Field(default_factory=list)
    pending_transition: StageId | None = None
    pending_reason: str | None = Field(
        default=None, description="Why the pending transition was proposed."
    )
    stage_client_turns: int = 0
    client_turns: int = 0
    contract_items: list[ContractItem] = Field(default_factory=list)
    agenda: list[str] = Field(default_factory=list)
    agenda_agreed: bool = False
    agenda_turn: int | None = Field(
        default=None, description="The client turn that last added to the agenda."
    )
    facts: dict[TopicId, list[Fact]] = Field(default_factory=dict)
    asked: dict[TopicId, int] = Field(default_factory=dict)
    last_question_topic: TopicId | None = None
    criteria: list[ClientCriterion] = Field(default_factory=list)
    options: list[OptionConsidered] = Field(default_factory=list)
    focus_option: str | None = None
    widened: bool = False
    asked_for_ideas: bool = False
    discrepancies: list[Discrepancy] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)
    actions: list[ActionItem] = Field(default_factory=list)
    suggested_action: str | None = None
    next_contact: str | None = None
    next_contact_agreed: bool = False
    summaries: list[StageId] = Field(default_factory=list)
    plan_offered: bool = False
    ended: bool = False
    flags: list[SafeguardingFlag] = Field(default_factory=list)
    cues: list[HeardCue] = Field(
        default_factory=list, description="Safeguarding cues heard so far (they add up)."
    )
    concerns: list[ConcernNote] = Field(
        default_factory=list, description="Possible concerns the adviser checked in about."
    )
    last_move: MoveKind | None = None
    last_variant: str | None = None
    repeats: int = Field(default=0, description="How often the last move was repeated in a row.")
    last_info: list[InfoKind] = Field(default_factory=list)
    transcript: list[TranscriptEntry] = Field(default_factory=list)

    # -- facts -------------------------------------------------------------------------

    @property
    def active_flag(self) -> SafeguardingFlag | None:
        """The latest safeguarding flag not yet cleared by an adviser."""
        return next((flag for flag in reversed(self.flags) if not flag.cleared), None)

    def known_topics(self) -> list[TopicId]:
        return [topic for topic in TOPIC_IDS if self.facts.get(topic)]

    def option(self, occupation_id: str) -> OptionConsidered | None:
        return next((o for o in self.options if o.occupation_id == occupation_id), None)

    def criterion_ids(self) -> list[str]:
        return [criterion.id for criterion in self.criteria]

    def dated_actions(self) -> list[ActionItem]:
        return [action for action in self.actions if action.dated]

    def undated_action(self) -> ActionItem | None:
        return next((action for action in reversed(self.actions) if not action.dated), None)

    def unnamed_discrepancies(self) -> list[Discrepancy]:
        return [d for d in self.discrepancies if not d.named]

    def stage_history(self) -> list[StageId]:
        """The stages visited, in order (the first is always contracting)."""
        history: list[StageId] = ["contracting"]
        history.extend(transition.to_stage for transition in self.transitions)
        return history

    def client_texts(self) -> list[str]:
        return [entry.text for entry in self.transcript if entry.speaker == "client"]
