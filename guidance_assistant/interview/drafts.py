"""The engine's own wording of each move: the *draft* every backend starts from.

The offline responder returns the draft as it is; model backends rephrase it. A draft is grounded
by construction: every figure in it is copied from an occupation record or a cited passage (with
its source and year beside it), or from the client's own words, or is a fact of the session (its
length, an action's date). Wording comes from ``prompts/offline/*.yaml``; which phrasing is used
depends on the session's seed and turn only.
"""

from __future__ import annotations

import re

from guidance_assistant.interview import grounding
from guidance_assistant.interview.drafts_base import Draft, _record, display_who, tidy
from guidance_assistant.interview.drafts_facts import FactDrafts
from guidance_assistant.interview.occupations import criteria_of
from guidance_assistant.interview.policy import Move, next_topic
from guidance_assistant.interview.reading import make_gist
from guidance_assistant.interview.state import (
    ActionItem,
    OptionConsidered,
)
from guidance_assistant.interview.updates import article, suggested_date
from guidance_assistant.text.clean import join_words, sentences
from guidance_assistant.text.dates import format_date
from guidance_assistant.text.strengths import strength_phrases

__all__ = ["Draft", "DraftWriter", "display_who", "tidy"]


class DraftWriter(FactDrafts):
    """Writes the draft of one move for one session state.

    Parts: the shared helpers (:mod:`.drafts_base`), information (:mod:`.drafts_facts`),
    widening the options (:mod:`.drafts_options`); the moves of each stage are here.
    """

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
        if move.held:
            draft.text = f"{self.say('safeguarding_response.held_answer')} {draft.text}"
        if move.check_in:
            # The check-in is the turn's question: a short closing question of the answer
            # ("What do you make of that?") gives way to it.
            body = re.sub(r"\s*(?<=[.!)\n])\s*[A-Z][^.?!\n]{0,60}\?\s*$", "", draft.text)
            draft.text = f"{body} {self.say('open_question.check_in_after_answer')}"
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
            "confidentiality": "contracting.confidentiality",
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
            if move.topic == "strengths" and gist and not strength_phrases(self.analysis.text):
                # "That's a real strength" only for a strength the client named as one.
                text = self.say("reflection.content", gist=gist)
            else:
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
            # Praise only what the client named as a strength, in their words; anything else
            # they said about it ("I missed a lot of school") is reflected as content.
            named = strength_phrases(self.analysis.text)
            gist = join_words(named) if named else ""
            if gist:
                text = self.say("affirmation.strengths", gist=gist)
            elif content := self.fact_gist("strengths"):
                text = self.say("reflection.content", gist=content)
            else:
                text = self.say("affirmation.effort")
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

        def phrase(action: ActionItem) -> str:
            # someone else's step under their name ("Mr Patel will email the college")
            if action.who == "You":
                return action.what
            return f"{display_who(action.who)} will {action.what}"

        dates = {a.when for a in chosen}
        if len(dates) == 1:
            when = next(iter(dates))
            what = join_words([phrase(a) for a in chosen], "and")
            return f"{what}, by {format_date(when)}" if when else what
        return join_words(
            [f"{phrase(a)} by {format_date(a.when)}" if a.when else phrase(a) for a in chosen],
            "and",
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
            when = format_date(suggested_date(state))
            text = self.say("action_planning.suggest", idea=idea, when=when)
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
