"""One turn as the rules see it: the state, the reading of the message, the stage, and the facts
the rules test, each worked out once, when a rule first asks for it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from guidance_assistant.interview.grounding import question_part
from guidance_assistant.interview.message import Intent, MessageAnalysis
from guidance_assistant.interview.model import (
    FeelingKind,
    InterviewModel,
    PracticeSettings,
    StageSpec,
    TopicId,
)
from guidance_assistant.interview.policy.reading import (
    contract_missing,
    ideas_in_focus,
    negative_feeling,
    next_topic,
    this_turn_facts,
    unmet_criteria,
)
from guidance_assistant.interview.state import (
    ActionItem,
    Discrepancy,
    OptionConsidered,
    SessionState,
)
from guidance_assistant.retrieval.answers import AnswerMatch, match_answer

#: A bank answer this close (with a term named) is given beside a job's record; set on the
#: must-answer questions of first-contact rounds 1-6 (development).
BESIDE_JOB = 0.65

#: A question naming no job, at most this many content words long, is about the job in focus.
IMPLIED_JOB_WORDS = 4


@dataclass
class Situation:
    """What a rule's condition and move read. ``entered``: this turn is the first in the stage."""

    state: SessionState
    analysis: MessageAnalysis
    interview: InterviewModel
    stage: StageSpec
    entered: bool

    def has(self, *intents: Intent) -> bool:
        return self.analysis.has(*intents)

    @property
    def practice(self) -> PracticeSettings:
        return self.interview.practice

    @property
    def last_variant(self) -> str | None:
        return self.state.last_variant

    @property
    def at_turn_limit(self) -> bool:
        """The stage's client-turn budget (``max_client_turns`` in ``stages.yaml``) is spent."""
        return self.state.stage_client_turns + 1 >= self.stage.max_client_turns

    @property
    def substantive(self) -> bool:
        """The client said enough to reflect rather than ask (``practice.substantive_words``)."""
        return self.analysis.content_words >= self.practice.substantive_words

    @cached_property
    def contract_missing(self) -> bool:
        return contract_missing(self.state)

    @cached_property
    def unmet(self) -> list[str]:
        return unmet_criteria(self.state, self.stage)

    @cached_property
    def feeling(self) -> FeelingKind | None:
        """A negative feeling in the message (worried, low, frustrated, pressured, confused)."""
        return negative_feeling(self.analysis)

    @cached_property
    def new_facts(self) -> list[tuple[TopicId, int]]:
        return this_turn_facts(self.state)

    @cached_property
    def topics_now(self) -> list[TopicId]:
        return [topic for topic, _ in self.new_facts]

    @cached_property
    def upcoming(self) -> TopicId | None:
        """The next exploration topic (not the one just asked about)."""
        return next_topic(self.state, self.stage, skip=self.state.last_question_topic)

    @cached_property
    def in_focus(self) -> list[str]:
        return ideas_in_focus(self.state)

    @cached_property
    def asked_ids(self) -> list[str]:
        """The jobs a question is about: those named, else (when it asks about a job's pay,
        routes...) the job in focus."""
        ids = [m.occupation_id for m in self.analysis.occupations]
        if not ids and self.analysis.info_kinds and self.implies_job:
            ids = self.in_focus
        return ids

    @cached_property
    def bank_answer(self) -> AnswerMatch | None:
        """The entry of the answers bank that answers the client's question (its asking
        sentences), when one is close enough (:func:`~guidance_assistant.retrieval.answers.
        match_answer`); ``None`` for a message that asks nothing."""
        if not self.analysis.has("ask_information", "ask_framework"):
            return None
        return match_answer(question_part(self.analysis.text), context=self.analysis.text)

    @cached_property
    def bank_answer_beside_job(self) -> str | None:
        """The bank entry to give beside a job's record: only one the question names a term of,
        and close ("how much do solicitor apprentices get paid?": the apprentice rate)."""
        match = self.bank_answer
        if match is None or match.term is None or match.similarity < BESIDE_JOB:
            return None
        return match.entry.id

    @cached_property
    def way_forward(self) -> bool:
        """The client has said which way they will go, or named dated steps of their own, late
        enough in the interview (``practice.decision_from_turn``) for it to be their decision."""
        if self.state.client_turns < self.practice.decision_from_turn:
            return False
        return bool(self.state.decisions) or any(a.when is not None for a in self.state.actions)

    @cached_property
    def implies_job(self) -> bool:
        """A question that names no job means the one being talked about only when it is short
        ("pay?", "need a degree?") or points back to it ("how long does it take"); a longer one
        ("is there money to help with travel?") is about education or support, not a job's
        record."""
        return self.analysis.content_words <= IMPLIED_JOB_WORDS or self.analysis.refers_back

    # -- exploration --------------------------------------------------------------------

    @cached_property
    def steps_this_turn(self) -> list[ActionItem]:
        return [a for a in self.state.actions if a.turn == self.state.client_turns]

    @cached_property
    def own_ideas_this_turn(self) -> list[str]:
        return [
            m.occupation_id
            for m in self.analysis.own_occupations
            if (o := self.state.option(m.occupation_id)) is not None
            and o.turn == self.state.client_turns
        ]

    @cached_property
    def suggested(self) -> list[str]:
        return [m.occupation_id for m in self.analysis.occupations if m.suggested_by_others]

    @cached_property
    def asked_about(self) -> list[str]:
        return [o.occupation_id for o in reversed(self.state.options) if o.origin == "client"]

    # -- options ------------------------------------------------------------------------

    @cached_property
    def criteria_known(self) -> bool:
        return bool(self.state.criteria or self.state.facts.get("values"))

    @cached_property
    def own_unpresented_now(self) -> list[str]:
        """The client's own ideas named in this message and not yet presented (never one they
        turned down)."""
        return [
            m.occupation_id
            for m in self.analysis.own_occupations
            if (o := self.state.option(m.occupation_id)) is not None
            and not o.presented
            and o.client_view != "negative"
        ]

    @cached_property
    def unpresented(self) -> list[OptionConsidered]:
        """Options not yet presented, other than those only someone else suggested or the client
        turned down."""
        return [
            o
            for o in self.state.options
            if not o.presented and o.origin != "others" and o.client_view != "negative"
        ]

    @cached_property
    def unpresented_any(self) -> list[OptionConsidered]:
        return [o for o in self.state.options if not o.presented]

    @cached_property
    def discrepancy_to_name(self) -> tuple[Discrepancy, OptionConsidered] | None:
        """The first discrepancy not yet named whose option has been presented."""
        for discrepancy in self.state.unnamed_discrepancies():
            option = self.state.option(discrepancy.occupation_id)
            if option is not None and option.presented:
                return discrepancy, option
        return None

    @cached_property
    def focus(self) -> OptionConsidered | None:
        return self.state.option(self.state.focus_option) if self.state.focus_option else None

    @cached_property
    def widen_next(self) -> bool:
        return not (self.state.widened or len(self.state.options) >= 2)

    @cached_property
    def waiting(self) -> list[OptionConsidered]:
        """Options presented that the client has not given a view of (not widening ones)."""
        return [
            o
            for o in self.state.options
            if o.presented and o.client_view is None and o.origin != "widening"
        ]

    # -- decision and action planning ------------------------------------------------------

    @cached_property
    def dated(self) -> list[ActionItem]:
        return self.state.dated_actions()

    @cached_property
    def decided_now(self) -> bool:
        """A decision was made in this very message and no step came with it."""
        turn = self.state.client_turns
        return bool(
            self.state.decisions
            and self.state.decisions[-1].turn == turn
            and not any(a.turn == turn for a in self.state.actions)
        )

    @cached_property
    def new_actions(self) -> list[ActionItem]:
        return [a for a in self.state.actions if a.turn == self.state.client_turns]
