"""Drafts that widen the options: related jobs chosen from what the client enjoys, is good
at and values, and the job family of an option."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from guidance_assistant.interview import grounding
from guidance_assistant.interview.grounding import cite_figure, money
from guidance_assistant.interview.policy import Move
from guidance_assistant.interview.updates import article
from guidance_assistant.lmi.render import NCS_CITE
from guidance_assistant.text.clean import join_words
from guidance_assistant.text.words import match_key

if TYPE_CHECKING:
    from guidance_assistant.lmi.models import OccupationRecord


from guidance_assistant.interview.drafts_base import (
    _GENERIC_WORDS,
    DESCRIPTIVE_CRITERIA,
    Draft,
    WriterBase,
    _record,
)


class WideningDrafts(WriterBase):
    """The moves that suggest options the client has not named."""

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
            # the same word key ("animals", "Animal care"), or a short form ("vet")
            shared = {
                w for w in said if any(match_key(o) == match_key(w) or o.startswith(w) for o in own)
            }
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
