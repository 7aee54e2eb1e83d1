"""What the reading of one client message holds: intents, topics with gists, occupations named
(and whose they are), actions, dates, feelings, routes (the records :func:`analyse_message`
returns and the policy reads)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from guidance_assistant.interview.model import (
    FeelingKind,
    InfoKind,
    Need,
    RouteKind,
    TopicId,
)
from guidance_assistant.safeguarding.rules import SafeguardingResult
from guidance_assistant.text.dates import DateMention

Intent = Literal[
    "ask_information",
    "ask_framework",
    "ask_opinion",
    "express_feeling",
    "state_interest",
    "state_strength",
    "state_criteria",
    "mention_occupation",
    "agree",
    "disagree",
    "dont_know",
    "finished",
    "decide",
    "keep_open",
    "propose_action",
    "off_topic",
    "injection",
    "about_adviser",
    "greeting",
    "thanks",
]
OptionView = Literal["positive", "negative", "unsure"]


class OccupationMention(BaseModel):
    """A job the client named, matched to an occupation record."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    occupation_id: str
    title: str
    phrase: str = Field(description="The client's words that named it.")
    score: float
    own_idea: bool = Field(default=True, description="False when it is someone else's job.")
    suggested_by_others: bool = False


class AmbiguousMention(BaseModel):
    """Words that could name several jobs ("engineer"): the adviser should ask which."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    phrase: str
    candidates: list[tuple[str, str]] = Field(description="(occupation id, title) pairs.")


class TopicEvidence(BaseModel):
    """Something the client said about an exploration topic."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    topic: TopicId
    gist: str = Field(description="A short clause in the client's words, turned to 'you'.")
    text: str = Field(description="The client's clause, as typed.")
    weight: int = Field(default=1, description="How many of the topic's cues the clause holds.")


class ActionMention(BaseModel):
    """A step someone will take ("I'll email the college by Friday")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    what: str
    who: str
    text: str
    concrete: bool = Field(
        default=False, description="Starts with a doing word ('look at', 'talk to'): a real step."
    )
    anaphoric: bool = Field(
        default=False, description="Points back at steps already said ('I'll do it', 'do both')."
    )


class MessageAnalysis(BaseModel):
    """What the analyser found in one client message."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(description="The text analysed (cleaned, HTML tags dropped, maybe cut).")
    safeguarding: SafeguardingResult | None = Field(
        default=None, description="The safeguarding check of the whole message (run first)."
    )
    empty: bool = False
    distress: float | None = Field(
        default=None,
        description="Set when the safeguarding check found a concern, not a disclosure (the "
        "learned reader's score, or 1.0 when cues raised it): the adviser checks in.",
    )
    secrecy_request: bool = Field(
        default=False,
        description="Asked to keep something secret after a worrying remark (safeguarding).",
    )
    acts: list[str] = Field(
        default_factory=list, description="What the learned reader found the message does."
    )
    truncated: bool = False
    original_length: int = 0
    word_count: int = 0
    content_words: int = 0
    is_question: bool = False
    intents: list[Intent] = Field(default_factory=list)
    info_kinds: list[InfoKind] = Field(default_factory=list)
    topics: list[TopicEvidence] = Field(default_factory=list)
    feelings: list[FeelingKind] = Field(default_factory=list)
    criteria: list[str] = Field(default_factory=list)
    occupations: list[OccupationMention] = Field(default_factory=list)
    ambiguous: list[AmbiguousMention] = Field(default_factory=list)
    option_view: OptionView | None = None
    routes: list[RouteKind] = Field(default_factory=list)
    dates: list[DateMention] = Field(default_factory=list)
    action: ActionMention | None = None
    actions: list[ActionMention] = Field(
        default_factory=list, description="Every step named ('look at X and talk to Y': two)."
    )
    bare_actions: list[ActionMention] = Field(
        default_factory=list,
        description="Steps said without 'I'll' or 'I'm going to' ('ring grandad. tonight', 'On "
        "Wednesday I go with my mother to the open evening'): a clause that starts with a step's "
        "verb. Read as steps only when the adviser has just asked for one (planning); empty when "
        "``actions`` is not.",
    )
    refers_back: bool = Field(
        default=False, description="Points at something already discussed ('into it', 'that job')."
    )
    agenda_change: bool = Field(
        default=False, description="Names a (new) focus for the session ('I want to talk about')."
    )
    criteria_gists: dict[str, str] = Field(
        default_factory=dict, description="Criterion id → the clause that said it, turned to 'you'."
    )
    needs: list[Need] = Field(default_factory=list)
    subject_words: list[str] = Field(
        default_factory=list, description="Subjects named, e.g. 'maths' (for challenges)."
    )

    def has(self, *intents: Intent) -> bool:
        """Whether any of ``intents`` was found."""
        return any(intent in self.intents for intent in intents)

    @property
    def own_occupations(self) -> list[OccupationMention]:
        return [m for m in self.occupations if m.own_idea]

    def topic_ids(self) -> list[TopicId]:
        return list(dict.fromkeys(evidence.topic for evidence in self.topics))
