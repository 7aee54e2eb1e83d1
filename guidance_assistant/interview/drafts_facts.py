"""Drafts that give information: a job's routes, pay (with its source and year), hours,
outlook, skills and description from the occupation record, and framework passages."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from guidance_assistant.interview import grounding
from guidance_assistant.interview.grounding import cite_figure, money
from guidance_assistant.interview.policy import Move
from guidance_assistant.interview.question_kinds import (
    answers_kind,
    kind_noun,
    question_kinds,
    topic_of,
)
from guidance_assistant.interview.state import (
    TurnCitation,
)
from guidance_assistant.interview.updates import article
from guidance_assistant.lmi.render import NCS_CITE
from guidance_assistant.text.clean import join_words
from guidance_assistant.text.words import match_key

if TYPE_CHECKING:
    from guidance_assistant.lmi.models import OccupationRecord


from guidance_assistant.interview.drafts_base import Draft, _mid_document, _record
from guidance_assistant.interview.drafts_options import WideningDrafts
from guidance_assistant.retrieval.answers import load_answers


class FactDrafts(WideningDrafts):
    """The information moves (and, through the base, widening the options)."""

    # -- information ----------------------------------------------------------------------

    def _information(self, move: Move) -> Draft:
        if move.variant == "answer" and move.answer_id:
            answer = self._bank_answer(move.answer_id)
            if answer is None:
                return self._framework(self.analysis.text)
            answer.text = f"{answer.text} {self.say('information.check')}"
            return answer
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
        beside = self._bank_answer(move.answer_id) if move.answer_id else None
        if beside is not None:
            blocks.append(beside.text)
            draft.citations += beside.citations
            draft.grounding += beside.grounding
        end = self.say("information.check")
        if move.stage == "options_and_challenge" and not move.info_kinds:
            end = self.fit_question() or end
        draft.text = "\n\n".join([*blocks, end])
        return draft

    def _bank_answer(self, answer_id: str) -> Draft | None:
        """The answers bank's entry ``answer_id`` with its source, or ``None`` when the bank no
        longer has it (an adviser edited the file mid-session)."""
        entry = next((e for e in load_answers() if e.id == answer_id), None)
        if entry is None:
            return None
        source = f"{entry.source.publisher}, {entry.source.year}"
        return Draft(
            text=self.say("information.answer", text=entry.answer.strip(), source=source),
            citations=[TurnCitation(text=entry.answer, citation=entry.citation)],
            grounding=[entry.answer],
        )

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

    def _occupation(self, record: OccupationRecord, move: Move, draft: Draft) -> str:
        job = article(record.title)
        kinds: list[str] = list(dict.fromkeys(move.info_kinds)) or ["overview"]
        parts: list[str] = []
        # A question the record's fields do not answer as asked ("do you have to be good at
        # maths to be a marine biologist?", "is it unpaid at first?"): the sentence of the job's
        # own passages closest in meaning to it, first, when one is close enough.
        specific = self._specific(record, job, draft)
        if specific is not None:
            parts.append(specific)
            if kinds == ["overview"]:
                return specific
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

    def _specific(self, record: OccupationRecord, job: str, draft: Draft) -> str | None:
        if not self.analysis.is_question:
            return None  # an option presented, not a question asked: the headline, not a detail
        asked = grounding.question_part(self.analysis.text)
        if not asked.strip() or len(asked.split()) < _SPECIFIC_WORDS:
            return None
        sources = [f"lmi/{record.id}", f"ncs/{record.id}"]
        passages = grounding.safe_search(self.knowledge, asked, 6, {"source": sources})
        candidates = [
            (passage, sentence)
            for passage in passages
            for sentence in grounding.passage_sentences(
                passage.text, mid_document=_mid_document(passage), for_client=True
            )
            if len(sentence.split()) >= _SHORTEST_ANSWER
        ]
        sims = grounding.sentence_similarity(self.knowledge, asked, [c[1] for c in candidates])
        if not sims:
            return None
        best = max(range(len(candidates)), key=lambda i: sims[i])
        if sims[best] < SPECIFIC_SURE:
            return None
        passage, sentence = candidates[best]
        draft.citations.append(TurnCitation(text=passage.text, citation=passage.citation))
        draft.grounding.append(passage.text)
        year = passage.citation.year
        publisher = passage.citation.publisher or "National Careers Service"
        source = f"{publisher}{f', {year}' if year else ''}"
        return self.say("information.description", occupation=job, text=sentence, source=source)

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
        passages = _for_the_client(
            grounding.safe_search(self.knowledge, query, 12, {"doc_type": ["framework", "user"]})
        )
        needed = 2 if len(grounding.query_stems(query)) >= 3 else 1
        kinds = question_kinds(self.analysis.text)
        topic = _without_generic(topic_of(self.analysis.text, kinds)) if kinds else ""
        if kinds and grounding.query_stems(topic):
            needed_on_topic = 2 if len(grounding.query_stems(topic)) >= 3 else 1
            # The topic with the kind named ("t level how long it takes") finds the passage
            # that answers more surely than the client's whole sentence does.
            focused = f"{topic} {' '.join(kind_noun(k) for k in kinds[:2])}"
            extra = _for_the_client(
                grounding.safe_search(
                    self.knowledge, focused, 12, {"doc_type": ["framework", "user"]}
                )
            )
            seen = {p.text for p in extra}
            pool = [*extra, *(p for p in passages if p.text not in seen)]
            answer = self._kind_answer(pool, topic, kinds, needed_on_topic)
            if answer is not None:
                return answer

        semantic = self._semantic_answer(passages, query, needed)
        if semantic is not None:
            return semantic

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
                for_client=True,
            )
            if not text:
                continue
            sims = grounding.sentence_similarity(
                self.knowledge, grounding.question_part(self.analysis.text or query), [text]
            )
            if sims is not None and sims[0] < ANSWER_FLOOR:
                continue  # shares words with the question but is about something else
            citation = passage.citation
            source = _framework_source(passage)
            body = self.say("information.framework", title=citation.title, text=text, source=source)
            return Draft(
                text=f"{body} {self.say('information.check')}",
                citations=[TurnCitation(text=passage.text, citation=citation)],
                grounding=[passage.text],
            )
        return Draft(text=self.say("information.not_found"))

    def _semantic_answer(
        self, passages: Sequence[grounding.PassageLike], query: str, needed: int
    ) -> Draft | None:
        """The sentence of ``passages`` closest in meaning to what the client asked (sentence
        embeddings, with shared words and the passage's rank as tie-breaks), with the sentence
        after it when that continues it. ``None`` when the knowledge source has no embedder or
        no sentence is close enough and on the topic: the word-matching answer (or an honest
        decline) follows."""
        asked = grounding.question_part(self.analysis.text or query)
        candidates: list[tuple[int, grounding.PassageLike, int, list[str]]] = []
        for rank, passage in enumerate(passages):
            sentences = grounding.passage_sentences(
                passage.text, mid_document=_mid_document(passage), for_client=True
            )
            candidates += [
                (rank, passage, index, sentences)
                for index, sentence in enumerate(sentences)
                if len(sentence.split()) >= _SHORTEST_ANSWER
            ]
        sims = grounding.sentence_similarity(
            self.knowledge, asked, [c[3][c[2]] for c in candidates]
        )
        if sims is None or not candidates:
            return None
        similarity = {(id(c[1]), c[2]): sim for c, sim in zip(candidates, sims, strict=True)}

        def score(i: int) -> float:
            rank, _, index, sentences = candidates[i]
            return 10 * sims[i] + grounding.relevance(sentences[index], query) - 0.3 * rank

        best = max(range(len(candidates)), key=score)
        _, passage, index, sentences = candidates[best]
        sentence = sentences[index]
        on_topic = grounding.relevance(sentence, query) >= needed
        if sims[best] < SEMANTIC_SURE and not (sims[best] >= SEMANTIC_FLOOR and on_topic):
            return None
        chosen = [sentence]
        if index + 1 < len(sentences):
            following = sentences[index + 1]
            close = similarity.get((id(passage), index + 1), -1.0) >= sims[best] - 0.12
            if len(f"{sentence} {following}".split()) <= 70 and (
                close or grounding.relevance(following, query) >= max(needed, 2)
            ):
                chosen.append(following)
        body = self._framework_sentence(passage, " ".join(chosen))
        return Draft(
            text=f"{body} {self.say('information.check')}",
            citations=[TurnCitation(text=passage.text, citation=passage.citation)],
            grounding=[passage.text],
        )

    def _kind_answer(
        self,
        passages: list[grounding.PassageLike],
        query: str,
        kinds: list[str],
        needed: int,
    ) -> Draft | None:
        """The answer to a question of a known kind (pay, how long, entry requirements...):
        among the sentences of the passages about its topic, the one that gives that kind of
        answer (best on the topic, then on the passage's rank), with the sentence after it when
        that continues it; for two kinds ("how much are you paid, and who pays the fees?") one
        sentence each. When the topic is covered but no sentence gives the kind asked, it says
        so honestly and what the sources do say. ``None`` when nothing is on the topic."""
        on_topic = [
            (rank, p)
            for rank, p in enumerate(passages)
            if grounding.relevance(p.text, query) >= needed
        ]
        if not on_topic:
            return None
        parts: list[str] = []
        used: list[grounding.PassageLike] = []
        missing: list[str] = []
        asked = grounding.question_part(self.analysis.text or query)
        topic = grounding.query_stems(query)
        every = [
            (id(p), index, sentence)
            for _, p in on_topic
            for index, sentence in enumerate(
                grounding.passage_sentences(p.text, mid_document=_mid_document(p), for_client=True)
            )
        ]
        # Meaning is not weighed for "what is X?" (below): nothing to embed for it alone.
        weighed = any(kind != "definition" for kind in kinds[:2])
        sims = (
            grounding.sentence_similarity(self.knowledge, asked, [e[2] for e in every])
            if weighed
            else None
        )
        meaning = {(e[0], e[1]): sim for e, sim in zip(every, sims, strict=True)} if sims else {}
        for kind in kinds[:2]:
            best: tuple[float, int, int, list[str], grounding.PassageLike] | None = None
            for rank, passage in on_topic:
                sentences = grounding.passage_sentences(
                    passage.text, mid_document=_mid_document(passage), for_client=True
                )
                heading = f"{passage.citation.section or ''} {passage.citation.title}"
                for index, sentence in enumerate(sentences):
                    opening = " ".join(sentence.split()[:8])
                    opens_on_topic = grounding.relevance(opening, query) > 0
                    # "What is X?": a sentence that starts with X says what it is.
                    if not answers_kind(sentence, kind) and not (
                        kind == "definition" and opens_on_topic
                    ):
                        continue
                    about = grounding.relevance(sentence, query)
                    if about + grounding.relevance(heading, query) == 0:
                        continue  # a pay sentence about something else answers nothing
                    score = (
                        # closeness in meaning, except for "what is X?", where the sentence
                        # that opens with X says what it is better than any close one
                        (0 if kind == "definition" else 8) * meaning.get((id(passage), index), 0)
                        + 3 * about
                        + (2 if opens_on_topic else 0)
                        + grounding.relevance(heading, query)
                        + (3 if kind in _FIGURES and _FIGURES[kind].search(sentence) else 0)
                        + (_defines(sentence, heading, topic) if kind == "definition" else 0)
                        - rank
                    )
                    if best is None or score > best[0]:
                        best = (score, rank, index, sentences, passage)
            if best is None:
                missing.append(kind)
                continue
            _, _, index, sentences, passage = best
            chosen = [sentences[index]]
            following = sentences[index + 1] if index + 1 < len(sentences) else ""
            if (
                following
                and len(" ".join([*chosen, following]).split()) <= 70
                and (
                    answers_kind(following, kind) or grounding.relevance(following, query) >= needed
                )
            ):
                chosen.append(following)
            text = " ".join(chosen)
            if any(text in part for part in parts):
                continue
            parts.append(self._framework_sentence(passage, text))
            used.append(passage)
        if not parts:
            rank, passage = on_topic[0]
            text = grounding.best_sentences(
                passage.text,
                query,
                limit=1,
                max_words=45,
                mid_document=_mid_document(passage),
                for_client=True,
            )
            decline = self.say(
                "information.kind.none", kind=join_words([kind_noun(k) for k in missing])
            )
            sims = grounding.sentence_similarity(self.knowledge, asked, [text]) if text else None
            close = sims is None or sims[0] >= ANSWER_FLOOR  # "clear procedures" for clearing
            if text and close and grounding.relevance(text, query) >= needed:  # on the topic
                citation = passage.citation
                also = self.say(
                    "information.kind.also",
                    text=text,
                    title=citation.title,
                    source=_framework_source(passage),
                )
                decline = f"{decline} {also}"
                used.append(passage)
            return Draft(
                text=decline,
                citations=[TurnCitation(text=p.text, citation=p.citation) for p in used],
                grounding=[p.text for p in used],
            )
        return Draft(
            text=f"{' '.join(parts)} {self.say('information.check')}",
            citations=[TurnCitation(text=p.text, citation=p.citation) for p in used],
            grounding=[p.text for p in used],
        )

    def _framework_sentence(self, passage: grounding.PassageLike, text: str) -> str:
        return self.say(
            "information.framework",
            title=passage.citation.title,
            text=text,
            source=_framework_source(passage),
        )


#: A sentence this close in meaning to the question answers it; one at least at the floor
#: answers it when it also shares the question's words. Set on the first-contact rounds 1-3
#: (development), never on a round measured after.
SEMANTIC_SURE = 0.55
SEMANTIC_FLOOR = 0.35
#: Below this closeness in meaning, sentences found by shared words alone are not an answer:
#: the client is told honestly that the sources do not say (rounds 1-3: wrong answers sat at
#: 0.27-0.33).
ANSWER_FLOOR = 0.33
#: A sentence of a job's own passages this close in meaning to a question about the job answers
#: it before the record's fields do; questions shorter than _SPECIFIC_WORDS words ("pay?") are
#: left to the fields. Set on rounds 1-3 (development).
SPECIFIC_SURE = 0.6
_SPECIFIC_WORDS = 5
#: Fewer words than this is a heading or a fragment, not an answer.
_SHORTEST_ANSWER = 5

#: The figure the best answer of a kind holds: an amount, a length of time, an age.
_FIGURES = {
    "pay": re.compile(r"£\s?\d"),
    "cost": re.compile(r"£\s?\d"),
    "duration": re.compile(
        r"\b(\d+|one|two|three|four|five|six|eight)[ -](years?|months?|weeks?)\b", re.I
    ),
    "age": re.compile(r"\b(1[4-9]|2[0-9])\b"),
}


#: Words too general to put a passage on a question's topic by themselves ("foundation
#: year": a passage with "year" in it is not about foundation years).
_GENERIC_TOPIC_WORDS = frozenset(
    match_key(w) for w in ("year", "years", "time", "course", "job", "work", "people", "thing")
)


def _without_generic(topic: str) -> str:
    """``topic`` less its general words, when something else is left."""
    kept = [w for w in topic.split() if match_key(w) not in _GENERIC_TOPIC_WORDS]
    return " ".join(kept) if kept else topic


def _defines(sentence: str, heading: str, topic: set[str]) -> int:
    """How surely ``sentence`` says what the topic is: the section is about the whole topic
    ("Degree apprenticeships" for "what is a degree apprenticeship?") and the sentence opens
    with it ("Degree apprenticeships, introduced in 2015, combine..."), not a sentence that
    only mentions its words ("An apprentice at 16 can reach degree level...")."""
    if not topic:
        return 0
    whole_section = topic <= grounding.query_stems(heading)
    opening = " ".join(sentence.split()[: len(topic) + 2])
    opens_with = topic <= grounding.query_stems(opening)
    return (4 if whole_section else 0) + (3 if opens_with else 0)


def _for_the_client(
    passages: list[grounding.PassageLike], k: int = 6
) -> list[grounding.PassageLike]:
    """The first ``k`` passages a client may be read: the project's own notes and an adviser's
    uploads, never the shared research documents written for advisers and careers leaders
    ("Careers Coordinators in Schools: Working Papers", 2009), which are indexed for the search."""
    kept = [p for p in passages if not str(p.metadata.get("doc_id", "")).startswith("file:shared/")]
    return kept[:k]


def _framework_source(passage: grounding.PassageLike) -> str:
    citation = passage.citation
    return ", ".join(
        part for part in (citation.section, str(citation.year) if citation.year else None) if part
    )
