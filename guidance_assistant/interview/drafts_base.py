"""The draft writer's shared parts: the :class:`Draft` record, tidying, and the base class
with the session, the phrasebook and the wording helpers every move uses.

The writer itself is :class:`guidance_assistant.interview.drafts.DraftWriter`; its information
moves are in :mod:`.drafts_facts` and widening the options in :mod:`.drafts_options`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from guidance_assistant.errors import LMIError
from guidance_assistant.interview import grounding
from guidance_assistant.interview.grounding import KnowledgeSource
from guidance_assistant.interview.message import MessageAnalysis
from guidance_assistant.interview.model import TOPIC_IDS, InterviewModel, TopicId
from guidance_assistant.interview.phrases import Phrasebook, PhraseSet
from guidance_assistant.interview.state import (
    OptionConsidered,
    SessionState,
    TurnCitation,
)
from guidance_assistant.interview.updates import article, read_agenda
from guidance_assistant.text.clean import join_words

if TYPE_CHECKING:
    from guidance_assistant.lmi.models import OccupationRecord

#: Criteria that describe the kind of work (used to find related jobs).
DESCRIPTIVE_CRITERIA = frozenset(
    {"helping_people", "creative", "outdoors", "practical", "working_with_people"}
)
_GENERIC_TEXT = (
    "the and for you your with that this have has not can are was were but what when where which "
    "who will would could should like love loves enjoy enjoys really want wants good great best "
    "job jobs work working money pay paid earn earning salary well lot lots hate hates study "
    "studying school uni university college exams more also just things thing stuff something "
    "matters matter important spend hours time get got being doing make makes little big own "
    "think maybe sure feel person day days year years know"
)
_GENERIC_WORDS = frozenset(_GENERIC_TEXT.split())

WHO_LABELS = {
    "You": "You",
    "Adviser": "Your careers adviser",
    "Parent or carer": "Your parent or carer",
    "Tutor": "Your tutor",
    "SENCO": "The SENCO",
}


def display_who(who: str) -> str:
    return WHO_LABELS.get(who, who)


#: Phrasings shorter than this may be said again ("OK.", "Thanks.").
_REPEAT_WORDS = 8


@dataclass
class Draft:
    """A move in words, with the passages it cites and what the turn changes."""

    text: str
    citations: list[TurnCitation] = field(default_factory=list)
    grounding: list[str] = field(default_factory=list)
    widened: list[OptionConsidered] = field(default_factory=list)
    suggested_action: str | None = None


def _record(occupation_id: str) -> OccupationRecord | None:
    from guidance_assistant import lmi

    try:
        return lmi.get(occupation_id)
    except LMIError:
        return None


def _mid_document(passage: grounding.PassageLike) -> bool:
    """Whether a passage visibly starts mid-sentence (a chunk cut from a longer section)."""
    text = passage.text.lstrip(" -\n")
    return bool(text) and not (text[0].isupper() or text[0] in "#\"'(£0123456789")


def tidy(text: str) -> str:
    """Sentence starts capitalised, spaces tidied (lists and line breaks kept)."""
    lines = []
    for line in text.split("\n"):
        line = re.sub(r"[ \t]+", " ", line).strip()
        line = re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), line)
        line = re.sub(r"^(- )([a-z])", lambda m: m.group(1) + m.group(2).upper(), line)
        lines.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class WriterBase:
    """What every part of the draft writer shares: the session it writes for, the phrasebook,
    the wording helpers and citing a job profile."""

    def __init__(
        self,
        *,
        phrases: Phrasebook,
        interview: InterviewModel,
        knowledge: KnowledgeSource | None,
        state: SessionState,
        analysis: MessageAnalysis,
        plain: bool,
        citation_cache: dict[tuple[str, str], TurnCitation] | None = None,
    ) -> None:
        self.phrases = phrases
        self.interview = interview
        self.knowledge = knowledge
        self.state = state
        self.analysis = analysis
        self.plain = plain
        self.turn = state.client_turns
        self.citation_cache: dict[tuple[str, str], TurnCitation] = (
            citation_cache if citation_cache is not None else {}
        )

    # -- wording helpers ------------------------------------------------------------------

    def say(self, key: str, **slots: str) -> str:
        """``key``'s phrasing for this turn, or another of its phrasings when that one was
        already said word for word in this session (a decline or a holding reply asked for
        twice is not repeated while the phrasebook has another way to say it)."""
        options = self.phrases.phrases.get(key)
        tries = len(options.standard) if options is not None else 1
        first = ""
        for offset in range(max(tries, 1)):
            text = self.phrases.render(
                key, seed=self.state.seed, turn=self.turn + offset, plain=self.plain, **slots
            )
            if offset == 0:
                first = text
            if len(text.split()) < _REPEAT_WORDS or not self._said_before(text):
                return text
        return first

    def _pick(self, phrase_set: PhraseSet) -> str:
        pool = phrase_set.plain if self.plain and phrase_set.plain else phrase_set.standard
        return pool[(self.state.seed + self.turn) % len(pool)]

    def _need_question(self) -> str | None:
        for need in self.state.profile.needs:
            guidance = self.phrases.need(need)
            if guidance is not None and guidance.question is not None:
                return self._pick(guidance.question)
        return None

    def topic_question(self, topic: TopicId) -> str:
        if topic == "circumstances":
            question = self._need_question()
            if question:
                return question
        return self.say(f"open_question.{topic}")

    def bridge(self, bridge: str | None) -> str:
        if bridge is None:
            return ""
        if bridge == "circumstances":
            question = self._need_question()
            if question:
                return question
        if bridge in TOPIC_IDS or bridge in ("more", "compare", "decide"):
            return self.say(f"bridge.{bridge}")
        return ""

    def fact_gist(self, topic: TopicId, *, latest: bool = True) -> str:
        facts = self.state.facts.get(topic, [])
        if not facts:
            return ""
        chosen = [facts[-1]] if latest else facts[:2]
        gists = [fact.gist or self.say(f"fact.none.{topic}") for fact in chosen]
        return join_words(gists)

    def criteria_text(self) -> str:
        labels = [criterion.label for criterion in self.state.criteria][:4]
        if not labels:
            gist = self.fact_gist("values")
            return gist or ""
        return join_words(labels)

    def agenda_text(self) -> str:
        return join_words(self.state.agenda[-2:]) or self.say("agenda.default")

    def agenda_check(self) -> str:
        """The agenda checked with the client: their situation in their words first when that
        is what this message gave ("So you dropped out of college... Shall we use today to look
        at what you could do next?")."""
        said = read_agenda(self.analysis.text)[1] if self.analysis.text else ""
        if said and self.state.agenda_turn == self.turn and self.state.agenda:
            return self.say("contracting.agenda_check_said", said=said, agenda=self.agenda_text())
        return self.say("contracting.agenda_check", agenda=self.agenda_text())

    def option_names(self, options: list[OptionConsidered]) -> str:
        return join_words([article(option.title) for option in options][:4], "and")

    # -- shared by the information moves -------------------------------------------------

    def fit_question(self) -> str:
        """How an option fits the client's criteria: named in full the first time, then
        briefly (they have heard the list)."""
        criteria = self.criteria_text()
        if not criteria:
            return ""
        if self._said_before(criteria):
            return self.say("information.fit_again")
        return self.say("information.fit", criteria=criteria)

    def _said_before(self, *texts: str) -> bool:
        """Whether every one of ``texts`` appeared in an earlier adviser turn of this session."""
        earlier = [e.text for e in self.state.transcript if e.speaker == "adviser"]
        return all(any(text in turn for turn in earlier) for text in texts)

    def _cite(self, draft: Draft, record: OccupationRecord, section: str, query: str) -> None:
        citation = grounding.lmi_citation(
            self.knowledge, record, section, query, cache=self.citation_cache
        )
        if all(c.citation != citation.citation for c in draft.citations):
            draft.citations.append(citation)
        text = grounding.record_text(record)
        if text not in draft.grounding:
            draft.grounding.append(text)
