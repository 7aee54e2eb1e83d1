"""The engine's own wording of each move: the *draft* every backend starts from.

The offline responder returns the draft as it is; model backends rephrase it. A draft is grounded
by construction: every figure in it is copied from an occupation record or a cited passage (with
its source and year beside it), or from the client's own words, or is a fact of the session (its
length, an action's date). Wording comes from ``prompts/offline/*.yaml``; which phrasing is used
depends on the session's seed and turn only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from guidance_assistant.errors import LMIError
from guidance_assistant.interview import grounding
from guidance_assistant.interview.grounding import KnowledgeSource, cite_figure, money
from guidance_assistant.interview.model import TOPIC_IDS, InterviewModel, TopicId
from guidance_assistant.interview.phrases import Phrasebook, PhraseSet
from guidance_assistant.interview.policy import Move, next_topic
from guidance_assistant.interview.reading import MessageAnalysis, criteria_of, make_gist
from guidance_assistant.interview.state import (
    ActionItem,
    OptionConsidered,
    SessionState,
    TurnCitation,
)
from guidance_assistant.interview.updates import article, read_agenda, suggested_date
from guidance_assistant.lmi.render import NCS_CITE
from guidance_assistant.text.clean import join_words, sentences
from guidance_assistant.text.dates import format_date

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


class DraftWriter:
    """Writes the draft of one move for one session state."""

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
        return self.phrases.render(
            key, seed=self.state.seed, turn=self.turn, plain=self.plain, **slots
        )

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

    # -- dispatch -----------------------------------------------------------------------

    def write(self, move: Move) -> Draft:
        draft = self._write(move)
        dated_now = [a for a in self.state.actions if a.turn == self.turn and a.when is not None]
        if (
            dated_now
            and self.turn > 0
            and move.kind not in ("action_planning", "summary", "safeguarding_response")
            and move.variant not in ("action_date", "action_date_offer")
        ):
            noted = self.say("action_planning.noted", steps=self._steps_text(dated_now))
            draft.text = f"{noted} {draft.text}"
        draft.text = tidy(draft.text)
        return draft

    def _write(self, move: Move) -> Draft:
        kind = move.kind
        if kind == "contracting":
            return self._contracting(move)
        if kind == "open_question":
            return self._open_question(move)
        if kind == "closed_question":
            return self._closed_question(move)
        if kind == "reflection":
            return self._reflection(move)
        if kind == "affirmation":
            return self._affirmation(move)
        if kind == "summary":
            return self._summary(move)
        if kind == "information":
            return self._information(move)
        if kind == "challenge":
            return self._challenge(move)
        if kind == "action_planning":
            return self._action_planning(move)
        return Draft(text=self.say("safeguarding_response.holding"))

    # -- contracting ----------------------------------------------------------------------

    def opening(self, *, with_agenda: bool) -> str:
        name = self.state.profile.name or "there"
        parts = [
            self.say("contracting.welcome", name=name),
            self.say("contracting.purpose"),
            self.say("contracting.time", minutes=str(self.interview.session_minutes)),
            self.say("contracting.confidentiality"),
        ]
        reassurances = 0
        for need in self.state.profile.needs:
            guidance = self.phrases.need(need)
            if guidance is not None and guidance.reassurance is not None and reassurances < 2:
                parts.append(self._pick(guidance.reassurance))
                reassurances += 1
        if with_agenda and self.state.agenda:
            parts.append(self.agenda_check())
        else:
            parts.append(self.say("contracting.agenda_question"))
        return " ".join(parts)

    def resume_prompt(self) -> str:
        """The question the interview is waiting on, to repeat after a redirect."""
        state = self.state
        if state.pending_transition is not None:
            if state.stage == "contracting":
                return self.say("contracting.agenda_check", agenda=self.agenda_text())
            return self.say(f"summary.bridge.{state.pending_transition}")
        stage = self.interview.stage(state.stage)
        if state.stage == "contracting":
            if not all(i in state.contract_items for i in ("purpose", "time", "confidentiality")):
                return self.opening(with_agenda=False)
            return self.say("contracting.agenda_question")
        if state.stage == "exploration":
            topic = state.last_question_topic or next_topic(state, stage) or "interests"
            return self.topic_question(topic)
        if state.stage == "options_and_challenge":
            focus = state.option(state.focus_option) if state.focus_option else None
            if focus is not None and focus.client_view is None:
                return self.say("open_question.option_view", option=article(focus.title))
            return self.say("open_question.ideas")
        if state.stage == "decision_and_action_planning":
            undated = state.undated_action()
            if undated is not None:
                return self.say("closed_question.action_date", action=undated.what)
            if not state.decisions:
                return self.say("open_question.decision", options=self._decision_options())
            if state.dated_actions():
                return self.say("closed_question.another_action")
            return self.say("action_planning.invite", decision=state.decisions[-1].text)
        if state.ended:
            return ""
        return self.say("closed_question.next_contact")

    def _contracting(self, move: Move) -> Draft:
        variant = move.variant
        if variant == "opening":
            return Draft(text=self.opening(with_agenda=move.propose_stage is not None))
        if variant == "agenda_check":
            return Draft(text=self.agenda_check())
        if variant in ("agenda_offer", "agenda_revise", "agenda_question", "empty_prompt",
                       "session_closed"):  # fmt: skip
            return Draft(text=self.say(f"contracting.{variant}"))
        lead = {
            "redirect": "contracting.redirect",
            "injection": "contracting.injection",
            "about_adviser": "contracting.about_adviser",
            "resume": "contracting.resume",
        }.get(variant, "contracting.redirect")
        text = self.say(lead)
        if move.resume or variant == "resume":
            follow = self.resume_prompt()
            if follow:
                text = f"{text} {follow}"
        return Draft(text=text)

    # -- questions ----------------------------------------------------------------------

    def _decision_options(self) -> str:
        options = [o for o in self.state.options if o.client_view != "negative"]
        return self.option_names(options) or self.option_names(self.state.options)

    def _open_question(self, move: Move) -> Draft:
        variant = move.variant
        if variant == "topic" and move.topic is not None:
            return Draft(text=self.topic_question(move.topic))
        if variant == "alternative" and move.topic is not None:
            lead = self.say("reflection.dont_know")
            return Draft(text=f"{lead} {self.say(f'open_question.alternative.{move.topic}')}")
        if variant == "option_view" and move.occupation_ids:
            option = self.state.option(move.occupation_ids[0])
            title = option.title if option else move.occupation_ids[0]
            return Draft(text=self.say("open_question.option_view", option=article(title)))
        if variant == "decision":
            names = self._decision_options()
            if not names:
                return Draft(text=self.say("open_question.next_step"))
            return Draft(text=self.say("open_question.decision", options=names))
        if variant == "weigh":
            options = [o for o in self.state.options if o.occupation_id in move.occupation_ids]
            names = join_words([article(o.title) for o in options], "and")
            return Draft(
                text=self.say("open_question.weigh", criteria=self.criteria_text(), options=names)
            )
        if variant in (
            "ideas",
            "criteria_first",
            "more",
            "anything_to_add",
            "check_in",
            "secrecy_limits",
        ):
            return Draft(text=self.say(f"open_question.{variant}"))
        return Draft(text=self.say("open_question.more"))

    def _closed_question(self, move: Move) -> Draft:
        variant = move.variant
        if variant == "which_job":
            titles = [title for _, title in move.candidates][:4]
            if not titles:
                return Draft(text=self.say("closed_question.which_job_open"))
            return Draft(
                text=self.say("closed_question.which_job", candidates=join_words(titles, "or"))
            )
        if variant in ("action_date", "action_date_offer"):
            undated = self.state.undated_action()
            action = undated.what if undated else "that step"
            if variant == "action_date_offer":
                when = format_date(suggested_date(self.state))
                return Draft(
                    text=self.say("closed_question.action_date_offer", action=action, when=when)
                )
            return Draft(text=self.say("closed_question.action_date", action=action))
        if variant in ("next_contact", "another_action"):
            return Draft(text=self.say(f"closed_question.{variant}"))
        return Draft(text=self.say("closed_question.next_contact"))

    # -- reflections and affirmations ------------------------------------------------------

    def _reflection(self, move: Move) -> Draft:
        variant = move.variant
        text = ""
        if variant == "topic" and move.topic is not None:
            # Everything this message said on the topic ("your mum wants you to do A levels
            # and your friends are going to college"), else the latest thing said on it.
            now = [
                f.gist
                for f in self.state.facts.get(move.topic, [])
                if f.turn == self.turn and f.gist
            ]
            gist = join_words(list(dict.fromkeys(now))[:2]) or self.fact_gist(move.topic)
            also = self._also_said(gist)
            if gist and also:
                gist = f"{gist}, {also}"
            text = self.say(f"reflection.{move.topic}", gist=gist) if gist else ""
        elif variant == "feeling" and move.feeling is not None:
            text = self.say(f"reflection.feeling.{move.feeling}")
        elif variant == "ideas" and move.occupation_ids:
            named = [o for o in map(self.state.option, move.occupation_ids) if o is not None]
            if len(named) == 1:
                text = self.say("reflection.idea", option=article(named[0].title))
            elif named:
                titles = [article(o.title).split(" ", 1)[1] for o in named]
                text = self.say("reflection.ideas", titles=join_words(titles, "and"))
        elif variant in ("idea", "suggested_idea") and move.occupation_ids:
            option = self.state.option(move.occupation_ids[0])
            record = _record(move.occupation_ids[0])
            title = option.title if option else (record.title if record else "")
            text = self.say(f"reflection.{variant}", option=article(title))
        elif variant == "option_view" and move.occupation_ids:
            option = self.state.option(move.occupation_ids[0])
            if option is not None and option.client_view is not None:
                text = self.say(
                    f"reflection.option_view.{option.client_view}", option=article(option.title)
                )
        elif variant == "criteria":
            text = self.say("reflection.criteria", criteria=self.criteria_text())
        elif variant in ("dont_know", "defer_information"):
            text = self.say(f"reflection.{variant}")
        if not text:
            first = sentences(self.analysis.text)[:1]
            gist = make_gist(first[0], "circumstances") if first else ""
            text = (
                self.say("reflection.content", gist=gist)
                if gist
                else self.say("open_question.more")
            )
        follow = self.bridge(move.bridge)
        if variant == "defer_information":
            follow = self.resume_prompt()
        return Draft(text=f"{text} {follow}".strip())

    def _also_said(self, gist: str) -> str:
        """What else the client's message said that matters to them ("but you hate exams"),
        for reflecting it beside the topic (empty when nothing, or already in ``gist``)."""
        extra: list[str] = []
        lowered = self.analysis.text.lower()
        covered = set(criteria_of(gist))  # what the reflected words already say
        seen: set[str] = set()
        for criterion_id, criterion_gist in self.analysis.criteria_gists.items():
            if criterion_id in covered or criterion_gist in gist or criterion_gist in seen:
                continue
            seen.add(criterion_gist)
            clause = criterion_gist.split(" ", 1)[-1]
            joiner = (
                "but"
                if re.search(rf"\bbut\s+(?:i\s+|i'm\s+)?{re.escape(clause)}", lowered)
                else "and"
            )
            extra.append(f"{joiner} {criterion_gist}")
        return " ".join(extra[:2])

    def _affirmation(self, move: Move) -> Draft:
        if move.variant == "strengths":
            gist = self.fact_gist("strengths")
            text = (
                self.say("affirmation.strengths", gist=gist)
                if gist
                else self.say("affirmation.effort")
            )
            enjoys = [f.gist for f in self.state.facts.get("interests", []) if f.turn == self.turn]
            if enjoys and gist:
                text = f"{self.say('reflection.interests', gist=join_words(enjoys[:2]))} {text}"
            return Draft(text=f"{text} {self.bridge(move.bridge)}".strip())
        if move.variant == "goodbye":
            if self.state.next_contact:
                lead = self.say("close.next_contact_noted", when=self.state.next_contact)
            else:
                lead = self.say("close.no_next_contact")
            return Draft(text=f"{lead} {self.say('affirmation.goodbye')}")
        if move.variant == "decision" and self.state.decisions:
            return Draft(
                text=self.say("affirmation.decision", decision=self.state.decisions[-1].text)
            )
        return Draft(text=self.say("affirmation.effort"))

    # -- summaries ----------------------------------------------------------------------

    def _action_line(self, action: ActionItem) -> str:
        when = format_date(action.when) if action.when else "a date to agree"
        return self.say(
            "summary.line.action", who=display_who(action.who), what=action.what, when=when
        )

    def _steps_text(self, actions: list[ActionItem] | None = None) -> str:
        """The client's steps in a phrase: "look at apprenticeships and talk to your mum, by
        Friday 20 March 2026" (each with its own date when they differ)."""
        chosen = self.state.actions if actions is None else actions
        if not chosen:
            return ""
        dates = {a.when for a in chosen}
        if len(dates) == 1:
            when = next(iter(dates))
            what = join_words([a.what for a in chosen], "and")
            return f"{what}, by {format_date(when)}" if when else what
        return join_words(
            [f"{a.what} by {format_date(a.when)}" if a.when else a.what for a in chosen], "and"
        )

    def _option_line(self, option: OptionConsidered) -> str:
        view = self.say(f"view.{option.client_view or 'none'}")
        return self.say("summary.line.option", option=article(option.title), view=view)

    def _summary(self, move: Move) -> Draft:
        state = self.state
        stage_id = move.stage
        lines: list[str] = []
        if move.variant == "close":
            # What was asked for, what was looked at and what was agreed; the client's own
            # picture was summed up (and checked) at the end of exploration.
            lines.append(self.say("summary.close.intro"))
            if state.agenda:
                lines.append(self.say("summary.line.agenda", agenda=self.agenda_text()))
            looked = [
                o
                for o in state.options
                if o.presented and (o.origin != "widening" or o.client_view)
            ]
            if looked:
                lines.append(self.say("summary.line.ideas", options=self.option_names(looked)))
            lines += [
                self.say("summary.line.decision", decision=d.text) for d in state.decisions[-2:]
            ]
            if "decision_and_action_planning" not in state.summaries:
                # (when the plan was just read back, its steps are not read out again)
                lines += [self._action_line(action) for action in state.actions]
            lines.append(self.say("closed_question.next_contact"))
            return Draft(text=" ".join(lines))
        lines.append(self.say(f"summary.{stage_id}.intro"))
        if stage_id == "exploration":
            # One point per topic, each said once (a message can feed several topics); a
            # "nothing there" answer is not read back.
            stage = self.interview.stage("exploration")
            given: set[str] = set()
            for spec in stage.topics:
                facts = self.state.facts.get(spec.id, [])
                gist = next(
                    (
                        f.gist
                        for f in facts
                        if f.gist and not any(f.gist in other for other in given)
                    ),
                    "",
                )
                if gist:
                    given.add(gist)
                    lines.append(self.say(f"summary.line.{spec.id}", gist=gist))
            said = " ".join(lines).lower()
            unsaid = [
                c.label
                for c in state.criteria
                if not (c.gist and c.gist.lower() in said) and c.label.lower() not in said
            ]
            if unsaid:
                # (criteria the lines above already gave in the client's words are not
                # listed again)
                lines.append(self.say("summary.line.criteria", criteria=join_words(unsaid[:4])))
            ideas = [o for o in state.options if o.origin == "client"]
            if ideas:
                lines.append(self.say("summary.line.ideas", options=self.option_names(ideas)))
            # Someone else's idea is said as theirs (and not at all when a line above already
            # gave it, as in "your parents want you to be a doctor").
            said = " ".join(lines).lower()
            suggested = [
                o
                for o in state.options
                if o.origin == "others" and o.title.split()[-1].lower() not in said
            ]
            if suggested:
                lines.append(
                    self.say("summary.line.suggested", options=self.option_names(suggested))
                )
            if state.actions:
                lines.append(self.say("summary.line.steps", steps=self._steps_text()))
        elif stage_id == "options_and_challenge":
            shown = [
                o
                for o in state.options
                if o.presented and (o.origin != "widening" or o.client_view)
            ]
            lines += [self._option_line(option) for option in shown[:5]]
            if state.decisions:
                lines.append(self.say("summary.line.decision", decision=state.decisions[-1].text))
        elif stage_id == "decision_and_action_planning":
            lines += [
                self.say("summary.line.decision", decision=d.text) for d in state.decisions[-2:]
            ]
            lines += [self._action_line(action) for action in state.actions]
        if len(lines) == 1:
            lines = [self.say("summary.empty")]
        if move.propose_stage is not None:
            # The bridge checks the summary and asks to move on, in one question.
            lines.append(self.say(f"summary.bridge.{move.propose_stage}"))
        return Draft(text=" ".join(lines))

    # -- information ----------------------------------------------------------------------

    def _information(self, move: Move) -> Draft:
        if move.variant == "framework":
            return self._framework(move.query or self.analysis.text)
        if move.variant == "widening":
            return self._widening()
        if move.variant == "family":
            return self._family(move)
        draft = Draft(text="")
        blocks: list[str] = []
        for occupation_id in move.occupation_ids[:2]:
            record = _record(occupation_id)
            if record is None:
                continue
            block = self._occupation(record, move, draft)
            if move.info_kinds and self._renamed(record):
                block = f"{self.say('information.profile', title=record.title)} {block}"
            blocks.append(block)
        if not blocks:
            return Draft(text=self.say("information.not_found"))
        end = self.say("information.check")
        if move.stage == "options_and_challenge" and not move.info_kinds:
            end = self.fit_question() or end
        draft.text = "\n\n".join([*blocks, end])
        return draft

    def fit_question(self) -> str:
        """How an option fits the client's criteria: named in full the first time, then
        briefly (they have heard the list)."""
        criteria = self.criteria_text()
        if not criteria:
            return ""
        if self._said_before(criteria):
            return self.say("information.fit_again")
        return self.say("information.fit", criteria=criteria)

    def _renamed(self, record: OccupationRecord) -> bool:
        """Whether the client named this job in other words than its profile's title ("games
        developers" for "Computer games developer"; plurals and articles aside): the answer
        then says which profile its figures come from."""

        def norm(text: str) -> str:
            return " ".join(w.rstrip("s") for w in re.findall(r"[a-z]+", text.lower()))

        title = norm(record.title)
        return any(
            m.occupation_id == record.id and norm(m.phrase) != title
            for m in self.analysis.occupations
        )

    def _cite(self, draft: Draft, record: OccupationRecord, section: str, query: str) -> None:
        citation = grounding.lmi_citation(
            self.knowledge, record, section, query, cache=self.citation_cache
        )
        if all(c.citation != citation.citation for c in draft.citations):
            draft.citations.append(citation)
        text = grounding.record_text(record)
        if text not in draft.grounding:
            draft.grounding.append(text)

    def _occupation(self, record: OccupationRecord, move: Move, draft: Draft) -> str:
        job = article(record.title)
        kinds: list[str] = list(dict.fromkeys(move.info_kinds)) or ["overview"]
        parts: list[str] = []
        if "overview" in kinds:
            # The headline only: the ways in side by side and the typical pay. The detail
            # (entry requirements, national pay figures, hours) is there when the client asks.
            pay = self._pay(record, job, draft, brief=True)
            # One citation for both sentences when the pay comes from the same job profile.
            shared = bool(pay) and f"({NCS_CITE})" in pay
            brief = [self._routes_brief(record, job, draft, cited=not shared)]
            if pay:
                brief.append(pay)
            parts.append(" ".join(brief))
        for kind in kinds:
            if kind == "pay":
                parts.append(self._pay(record, job, draft, brief=False))
            elif kind == "hours":
                parts.append(self._hours(record, job, draft))
            elif kind == "routes":
                parts.append(self._routes(record, job, draft))
            elif kind == "outlook":
                parts.append(self._outlook(record, job, draft))
            elif kind == "description":
                parts.append(self._description(record, job, draft))
            elif kind == "skills":
                parts.append(self._skills(record, job, draft))
        return "\n\n".join(part for part in parts if part)

    def _said_before(self, *texts: str) -> bool:
        """Whether every one of ``texts`` appeared in an earlier adviser turn of this session."""
        earlier = [e.text for e in self.state.transcript if e.speaker == "adviser"]
        return all(any(text in turn for turn in earlier) for text in texts)

    def _pay(self, record: OccupationRecord, job: str, draft: Draft, *, brief: bool) -> str:
        """The pay figures to give now: the job's typical pay (the National Careers Service's
        starting and experienced salary), or the wider group's national figures (ONS) when the
        typical pay was already given this session and the client asks again, or when there is
        no typical figure. One set of figures per turn. ``brief`` (beside the routes when an
        option is first looked at): no caveat, and nothing when the typical pay was already
        given."""
        salary = record.salary
        figures = [f for f in (salary.starter, salary.experienced) if f is not None]
        typical_said = bool(figures) and self._said_before(*(money(f.value) for f in figures))
        if brief and typical_said:
            return ""
        typical = self._typical_pay(record, job)
        national = self._national_pay(record)
        if typical is None and national is None:
            return self.say("information.pay.none", occupation=job)
        self._cite(draft, record, "Pay", "pay salary")
        ashe = record.ashe
        national_said = (
            ashe is not None
            and ashe.median is not None
            and self._said_before(money(ashe.median.value))
        )
        if national is not None and (
            not figures or (not brief and typical_said and not national_said)
        ):
            lines = [typical] if typical is not None and not figures else []
            lines.append(national)
            if not brief:
                lines.append(self.say("information.pay.caveat"))
            return " ".join(lines)
        return typical or ""

    def _typical_pay(self, record: OccupationRecord, job: str) -> str | None:
        salary = record.salary
        if salary.starter is not None and salary.experienced is not None:
            return self.say(
                "information.pay.range",
                occupation=job,
                starter=money(salary.starter.value),
                experienced=money(salary.experienced.value),
                source=cite_figure(salary.starter.source, salary.starter.year),
            )
        if salary.starter is not None:
            return self.say(
                "information.pay.starter",
                occupation=job,
                starter=money(salary.starter.value),
                source=cite_figure(salary.starter.source, salary.starter.year),
            )
        if salary.experienced is not None:
            return self.say(
                "information.pay.experienced",
                occupation=job,
                experienced=money(salary.experienced.value),
                source=cite_figure(salary.experienced.source, salary.experienced.year),
            )
        if salary.note:
            return self.say("information.pay.variable", occupation=job, source=NCS_CITE)
        return None

    def _national_pay(self, record: OccupationRecord) -> str | None:
        ashe = record.ashe
        if ashe is None or ashe.median is None:
            return None
        source = cite_figure(ashe.median.source, ashe.median.year)
        if ashe.p25 is not None and ashe.p75 is not None and not self.plain:
            return self.say(
                "information.pay.ashe",
                group=ashe.soc2020_title,
                median=money(ashe.median.value),
                p25=money(ashe.p25.value),
                p75=money(ashe.p75.value),
                source=source,
            )
        return self.say(
            "information.pay.ashe_median",
            group=ashe.soc2020_title,
            median=money(ashe.median.value),
            source=source,
        )

    def _hours(self, record: OccupationRecord, job: str, draft: Draft) -> str:
        hours = record.hours
        lines: list[str] = []
        if hours.min is not None and hours.max is not None:
            lines.append(
                self.say(
                    "information.hours.range",
                    occupation=job,
                    low=grounding.amount(hours.min.value),
                    high=grounding.amount(hours.max.value),
                    source=cite_figure(hours.min.source, hours.min.year),
                )
            )
        elif hours.period:
            lines.append(
                self.say(
                    "information.hours.period", occupation=job, period=hours.period, source=NCS_CITE
                )
            )
        pattern = [p for p in (hours.working_pattern, hours.working_pattern_details) if p]
        if pattern:
            lines.append(
                self.say("information.hours.pattern", pattern=", ".join(pattern), source=NCS_CITE)
            )
        if not lines:
            return self.say("information.hours.none", occupation=job)
        self._cite(draft, record, "Hours and working pattern", "hours working pattern")
        return " ".join(lines)

    def _routes(self, record: OccupationRecord, job: str, draft: Draft) -> str:
        routes = [r for r in record.entry_routes if r.route not in ("volunteering", "other")]
        if not record.entry_routes:
            return self.say("information.routes.none", occupation=job)
        self._cite(draft, record, "Entry routes", "entry routes apprenticeship university college")
        lines = grounding.route_lines(record, plain=self.plain)
        kinds = {r.route for r in routes}
        if len(kinds) <= 1:
            text = self.say(
                "information.routes.only",
                occupation=job,
                routes=grounding.route_phrase(record)
                or grounding.ROUTE_WORDS[record.entry_routes[0].route],
            )
            if len(lines) > 1:
                text += "\n" + "\n".join(f"- {line}" for line in lines)
        else:
            intro = self.say("information.routes.intro", occupation=job, source=NCS_CITE)
            text = intro + "\n" + "\n".join(f"- {line}" for line in lines)
            text += "\n" + self.say("information.routes.impartial")
        if (
            record.apprenticeship_standards
            and not self.plain
            and "apprenticeship" in self.analysis.routes
        ):
            # The named apprenticeships only when the client asked about apprenticeships.
            self._cite(draft, record, "Apprenticeships", "apprenticeship standards")
            text += "\n" + self.say(
                "information.routes.standards",
                standards=grounding.standards_phrase(record),
                source=NCS_CITE,
            )
        return text

    def _routes_brief(
        self, record: OccupationRecord, job: str, draft: Draft, *, cited: bool = True
    ) -> str:
        """The ways in, side by side in one sentence (the detail when the client asks);
        ``cited=False`` when the next sentence names the same job profile."""
        if not record.entry_routes:
            return self.say("information.routes.none", occupation=job)
        self._cite(draft, record, "Entry routes", "entry routes apprenticeship university college")
        kinds = {r.route for r in record.entry_routes if r.route not in ("volunteering", "other")}
        routes = grounding.route_phrase(record, with_levels=False)
        if len(kinds) <= 1:
            return self.say(
                "information.routes.only",
                occupation=job,
                routes=routes or grounding.ROUTE_WORDS[record.entry_routes[0].route],
            )
        if not cited:
            return self.say("information.routes.side_by_side", occupation=job, routes=routes)
        return self.say("information.routes.brief", occupation=job, routes=routes, source=NCS_CITE)

    def _outlook(self, record: OccupationRecord, job: str, draft: Draft) -> str:
        ashe = record.ashe
        if ashe is None or ashe.n_jobs_thousands is None:
            return f"{self.say('information.outlook.none', occupation=job)} {self.say('information.outlook.caveat')}"
        figure = ashe.n_jobs_thousands
        self._cite(draft, record, "Pay", "full-time jobs in the group")
        jobs = self.say(
            "information.outlook.jobs",
            group=ashe.soc2020_title,
            jobs=grounding.amount(figure.value * 1000),
            source=cite_figure(figure.source, figure.year),
        )
        return f"{jobs} {self.say('information.outlook.caveat')}"

    def _skills(self, record: OccupationRecord, job: str, draft: Draft) -> str:
        if not record.skills:
            return self.say("information.skills.none", occupation=job)
        self._cite(draft, record, "Skills", "skills")
        skills = join_words([skill.lower() for skill in record.skills[:5]])
        return self.say("information.skills", occupation=job, skills=skills, source=NCS_CITE)

    def _description(self, record: OccupationRecord, job: str, draft: Draft) -> str:
        query = f"{record.title} day-to-day tasks what the job involves description"
        for passage in grounding.safe_search(
            self.knowledge, query, 3, {"source": f"ncs/{record.id}"}, keywords_only=True
        ):
            text = grounding.best_sentences(passage.text, query, limit=2, max_words=60)
            if text:
                draft.citations.append(TurnCitation(text=passage.text, citation=passage.citation))
                draft.grounding.append(passage.text)
                year = passage.citation.year
                source = f"{passage.citation.publisher or 'National Careers Service'}{f', {year}' if year else ''}"
                return self.say("information.description", occupation=job, text=text, source=source)
        return self._skills(record, job, draft)

    def _framework(self, query: str) -> Draft:
        passages = grounding.safe_search(
            self.knowledge, query, 6, {"doc_type": ["framework", "user"]}
        )
        needed = 2 if len(grounding.query_stems(query)) >= 3 else 1

        def score(passage: grounding.PassageLike) -> int:
            heading = f"{passage.citation.section or ''} {passage.citation.title}"
            return grounding.relevance(passage.text, query) + 2 * grounding.relevance(
                heading, query
            )

        ranked = sorted(enumerate(passages), key=lambda item: (-score(item[1]), item[0]))
        for _, passage in ranked:
            if grounding.relevance(passage.text, query) < needed:
                continue
            text = grounding.best_sentences(
                passage.text,
                query,
                limit=2,
                max_words=70,
                mid_document=_mid_document(passage),
            )
            if not text:
                continue
            citation = passage.citation
            source = ", ".join(
                part
                for part in (citation.section, str(citation.year) if citation.year else None)
                if part
            )
            body = self.say("information.framework", title=citation.title, text=text, source=source)
            return Draft(
                text=f"{body} {self.say('information.check')}",
                citations=[TurnCitation(text=passage.text, citation=citation)],
                grounding=[passage.text],
            )
        return Draft(text=self.say("information.not_found"))

    def _widening_query(self) -> str:
        """Content words of what the client enjoys, is good at and values (not pay or study:
        those are for testing options, not finding them)."""
        parts: list[str] = []
        for topic in ("interests", "strengths", "values"):
            parts += [fact.text for fact in self.state.facts.get(topic, []) if fact.gist]
        parts += [c.label for c in self.state.criteria if c.id in DESCRIPTIVE_CRITERIA]
        kept = [
            word
            for word in re.findall(r"[a-z]+", " ".join(parts).lower())
            if len(word) > 2 and word not in _GENERIC_WORDS
        ]
        return " ".join(dict.fromkeys(kept))[:400]

    def _closest_to_client(self, records: list[OccupationRecord]) -> list[OccupationRecord]:
        """``records`` with those nearest to what the client enjoys and is good at first (by a
        search of the LMI records for the client's own words); the rest keep their order."""
        query = self._widening_query()
        if not query or len(records) < 2:
            return records
        wanted = {f"lmi/{r.id}" for r in records}
        order: dict[str, int] = {}
        for passage in grounding.safe_search(self.knowledge, query, 200, {"doc_type": "lmi"}):
            source = str(passage.metadata.get("source", passage.citation.source))
            if source in wanted and source not in order:
                order[source] = len(order)
        return sorted(records, key=lambda r: order.get(f"lmi/{r.id}", len(order)))

    def _discussed(self) -> list[str]:
        """The jobs talked about: the focus option, the other options, then the jobs named or
        cited in the last few turns (most recent first)."""
        ids = [self.state.focus_option] if self.state.focus_option else []
        ids += [option.occupation_id for option in self.state.options]
        for entry in reversed(self.state.transcript[-6:]):
            ids += entry.occupations
            ids += [
                c.citation.source.split("/", 1)[1]
                for c in entry.citations
                if c.citation.source.startswith("lmi/")
            ]
        return list(dict.fromkeys(ids))

    def _rank_related(
        self, hits: list[OccupationRecord], anchors: list[OccupationRecord], query: str
    ) -> list[OccupationRecord]:
        """``hits`` (found by a search for the client's words, best first) and the records in
        the SOC 2020 minor group of the jobs discussed (``anchors``), most plausibly related
        first: two points for sharing a minor group with a job discussed, a point for each job
        category shared with them and for each of the client's own words in the title or
        categories (up to two of each). A record whose only link is the search comes after
        every record with a link of its own; ties keep the search's order, then the titles most
        like those discussed come first."""
        from guidance_assistant import lmi

        def soc(record: OccupationRecord) -> str:
            primary = record.primary_soc2020
            return primary.code if primary is not None else record.soc2010.code

        minor_groups = {soc(a)[:3] for a in anchors}
        categories = {c for a in anchors for c in a.job_categories}
        said = {word for word in query.split() if len(word) > 2}
        found = {r.id: index for index, r in enumerate(hits)}
        pool = {r.id: r for r in hits}
        for record in lmi.bundled_store().all():
            if record.id not in pool and soc(record)[:3] in minor_groups:
                pool[record.id] = record

        def score(record: OccupationRecord) -> int:
            points = 2 if soc(record)[:3] in minor_groups else 0
            points += min(2, len(set(record.job_categories) & categories))
            own = re.findall(r"[a-z]+", f"{record.title} {' '.join(record.job_categories)}".lower())
            # the same first five letters ("animals", "Animal care"), or a short form ("vet")
            shared = {w for w in said if any(o[:5] == w[:5] or o.startswith(w) for o in own)}
            return points + min(2, len(shared))

        def likeness(record: OccupationRecord) -> float:
            return max((fuzz.token_set_ratio(record.title, a.title) for a in anchors), default=0)

        return sorted(
            pool.values(),
            key=lambda r: (-score(r), found.get(r.id, len(found)), -likeness(r), r.title),
        )

    def related_occupations(self, count: int) -> list[OccupationRecord]:
        """Jobs linked to what the client said and the jobs discussed, not yet considered; those
        in the same occupation group or job category as a job discussed, or named in the
        client's own words, before those only found by a search; at least one with a college or
        apprenticeship route when there is one."""
        from guidance_assistant import lmi

        discussed = self._discussed()
        existing = {option.occupation_id for option in self.state.options} | set(discussed)
        hits: list[OccupationRecord] = []
        query = self._widening_query()
        for passage in grounding.safe_search(self.knowledge, query, 60, {"doc_type": "lmi"}):
            source = str(passage.metadata.get("source", passage.citation.source))
            occupation_id = source.split("/", 1)[1] if "/" in source else source
            if occupation_id in existing or any(r.id == occupation_id for r in hits):
                continue
            record = _record(occupation_id)
            if record is not None:
                hits.append(record)
        anchors = [r for r in (_record(i) for i in discussed[:6]) if r is not None]
        ranked = [r for r in self._rank_related(hits, anchors, query) if r.id not in existing]
        if not hits and self.state.focus_option:
            focus = _record(self.state.focus_option)
            if focus is not None:
                siblings = [
                    r
                    for r in lmi.bundled_store().all()
                    if r.id not in existing and set(r.job_categories) & set(focus.job_categories)
                ]
                siblings.sort(key=lambda r: (-fuzz.token_set_ratio(r.title, focus.title), r.id))
                ranked = siblings
        chosen = ranked[:count]
        technical = {"college", "apprenticeship"}

        def has_technical(record: OccupationRecord) -> bool:
            return bool(technical & {route.route for route in record.entry_routes})

        if chosen and not any(has_technical(r) for r in chosen):
            extra = next((r for r in ranked[count:] if has_technical(r)), None)
            if extra is not None:
                chosen[-1] = extra
        return chosen

    def _widening(self) -> Draft:
        count = self.interview.practice.widening_count
        records = self.related_occupations(count)
        if not records:
            return Draft(text=self.say("information.widening.none"))
        draft = Draft(text="")
        items = []
        for record in records:
            routes = grounding.route_phrase(record, with_levels=False) or "see the job profile"
            items.append(
                self.say("information.widening.item", occupation=record.title, routes=routes)
            )
            self._cite(draft, record, "Entry routes", "entry routes")
            from guidance_assistant.interview.updates import make_option

            option = make_option(record.id, "widening", self.turn)
            if option is not None:
                draft.widened.append(option)
        end = self.fit_question() or self.say("information.check")
        draft.text = "\n".join(
            [self.say("information.widening.intro"), *(f"- {i}" for i in items), end]
        )
        return draft

    def _family(self, move: Move) -> Draft:
        """A word for a family of jobs ("engineer") asked about: a few of the jobs it covers,
        with the ways in (those with the route the client named first) or their typical pay,
        each from its record; then which one the client means."""
        records = [r for r in (_record(i) for i, _ in move.candidates) if r is not None]
        if not records:
            return Draft(text=self.say("closed_question.which_job_open"))
        family = records[0].title.split()[-1].lower()
        records = self._closest_to_client(records)
        route = next((r for r in self.analysis.routes if r in grounding.ROUTE_WORDS), None)
        count = self.interview.practice.widening_count
        draft = Draft(text="")
        items: list[str] = []
        intro = ""
        if "pay" in move.info_kinds:
            paid = [r for r in records if r.salary.starter and r.salary.experienced][:count]
            sources = {
                cite_figure(r.salary.starter.source, r.salary.starter.year)
                for r in paid
                if r.salary.starter is not None
            }
            if paid and len(sources) == 1:
                for record in paid:
                    starter, experienced = record.salary.starter, record.salary.experienced
                    assert starter is not None and experienced is not None
                    items.append(
                        self.say(
                            "information.family.pay_item",
                            occupation=record.title,
                            starter=money(starter.value),
                            experienced=money(experienced.value),
                        )
                    )
                    self._cite(draft, record, "Pay", "pay salary")
                intro = self.say("information.family.pay", family=family, source=sources.pop())
        if not items:
            with_route = [
                r for r in records if route and route in {e.route for e in r.entry_routes}
            ]
            if with_route and route:
                # The client asked about one route: the jobs it leads to, by name.
                chosen = with_route[:count]
                for record in chosen:
                    self._cite(draft, record, "Entry routes", "entry routes")
                draft.text = " ".join(
                    [
                        self.say(
                            "information.family.route",
                            family=family,
                            route=grounding.ROUTE_WORDS[route],
                            jobs=join_words(
                                [article(r.title).split(" ", 1)[1] for r in chosen], "and"
                            ),
                            source=NCS_CITE,
                        ),
                        self.say("information.family.check"),
                    ]
                )
                return draft
            for record in records[:count]:
                routes = grounding.route_phrase(record, with_levels=False) or "see the job profile"
                items.append(
                    self.say("information.widening.item", occupation=record.title, routes=routes)
                )
                self._cite(draft, record, "Entry routes", "entry routes")
            intro = self.say("information.family.routes", family=family)
        draft.text = "\n".join(
            [intro, *(f"- {item}" for item in items), self.say("information.family.check")]
        )
        return draft

    # -- challenge ------------------------------------------------------------------------

    def _challenge(self, move: Move) -> Draft:
        discrepancy = move.discrepancy
        record = _record(discrepancy.occupation_id) if discrepancy else None
        if discrepancy is None or record is None:
            return Draft(text=self.say("open_question.more"))
        job = article(record.title)
        draft = Draft(text="")
        if discrepancy.kind == "study_route":
            self._cite(draft, record, "Entry routes", "entry routes apprenticeship university")
            criterion = next(
                (c for c in self.state.criteria if c.id == discrepancy.criterion_id), None
            )
            said = (criterion.gist if criterion else None) or "you'd rather not keep studying"
            others = [r for r in record.entry_routes if r.route not in ("university", "other")]
            other = join_words(
                list(dict.fromkeys(grounding.ROUTE_WORDS[r.route] for r in others)), "and"
            )
            kinds = {r.route for r in others}
            route = "apprenticeship" if "apprenticeship" in kinds else "college"
            draft.text = self.say(
                "challenge.study_route", option=job, said=said, other=other, route=route
            )
        elif discrepancy.kind in ("avoid_study", "earn_soon"):
            self._cite(draft, record, "Entry routes", "entry routes")
            routes = grounding.route_phrase(record)
            single = len({r.route for r in record.entry_routes if r.route not in ("other",)}) == 1
            key = f"challenge.{discrepancy.kind}{'_only' if single else ''}"
            draft.text = self.say(key, option=job, routes=routes)
        elif discrepancy.kind == "high_pay":
            pay = grounding.pay_phrase(record)
            if pay is None:
                return Draft(text=self.say("open_question.more"))
            self._cite(draft, record, "Pay", "pay salary")
            draft.text = self.say("challenge.high_pay", option=job, pay=pay[0], source=pay[1])
        else:
            from guidance_assistant.interview.model import load_signals

            signal = load_signals().criterion(discrepancy.criterion_id)
            subject = signal.subject if signal and signal.subject else "that subject"
            self._cite(draft, record, "Entry routes", "entry requirements")
            draft.text = self.say("challenge.dislike_subject", option=job, subject=subject)
        return draft

    # -- action planning --------------------------------------------------------------------

    def _idea(self) -> str:
        decision = self.state.decisions[-1] if self.state.decisions else None
        occupation_id = decision.occupation_id if decision else self.state.focus_option
        option = self.state.option(occupation_id) if occupation_id else None
        if option is None:
            option = next((o for o in self.state.options if o.client_view == "positive"), None)
        if option is None:
            return self.say("action_planning.idea.explore")
        route = decision.route if decision and decision.route else "general"
        if route not in ("apprenticeship", "university", "college"):
            route = "general"
        return self.say(f"action_planning.idea.{route}", option=article(option.title))

    def _action_planning(self, move: Move) -> Draft:
        state = self.state
        variant = move.variant
        if variant == "invite":
            decision = state.decisions[-1].text if state.decisions else self.say("agenda.default")
            return Draft(text=self.say("action_planning.invite", decision=decision))
        if variant == "suggest":
            idea = self._idea()
            text = self.say("action_planning.suggest", idea=idea)
            for need in state.profile.needs:
                guidance = self.phrases.need(need)
                if guidance is not None and guidance.action_ideas:
                    text += " " + self.say(
                        "action_planning.need_idea", idea=guidance.action_ideas[0]
                    )
                    break
            return Draft(text=text, suggested_action=idea)
        if variant == "confirm":
            action = next((a for a in reversed(state.actions) if a.dated), None)
            if action is None or action.when is None:
                return Draft(text=self.say("action_planning.ask_what"))
            when = format_date(action.when)
            if action.who == "You":
                text = self.say("action_planning.confirm", what=action.what, when=when)
            else:
                text = self.say(
                    "action_planning.confirm_other",
                    who=display_who(action.who),
                    what=action.what,
                    when=when,
                )
            limit = self.interview.stage("decision_and_action_planning").max_actions
            follow = (
                self.say("action_planning.plan_full")
                if len(state.actions) >= limit
                else self.say("closed_question.another_action")
            )
            return Draft(text=f"{text} {follow}")
        if variant == "review":
            return Draft(text=self.say("action_planning.review", steps=self._steps_text()))
        if variant == "ask_what":
            return Draft(text=self.say("action_planning.ask_what"))
        return Draft(text=self.say("action_planning.ask_what"))
