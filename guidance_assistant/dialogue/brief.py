"""A preparation brief from an adviser's notes on a client, before the interview.

:func:`prepare_brief` reads free-text notes and gathers what an adviser would look up: any
safeguarding concern (flagged at the top), the needs to plan for (SEND and EHCP, EAL, young
carer, care-experienced, anxiety...), the occupations mentioned (or linked to the interests in the
notes) with real pay figures (each with its source and year) and every route in (academic,
technical and apprenticeship side by side), relevant framework points with citations, a suggested
opening and questions, and any gap to test between what the notes say matters and an option.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from guidance_assistant.dialogue import grounding
from guidance_assistant.dialogue.analysis import MessageAnalysis, analyse_message, find_occupations
from guidance_assistant.dialogue.drafts import DraftWriter
from guidance_assistant.dialogue.grounding import KnowledgeSource, cite_figure, money
from guidance_assistant.dialogue.interview import TOPIC_IDS, load_interview, load_signals
from guidance_assistant.dialogue.phrases import load_phrasebook
from guidance_assistant.dialogue.safeguarding import detect_safeguarding
from guidance_assistant.dialogue.state import ClientCriterion, ClientProfile, SessionState
from guidance_assistant.dialogue.text import clean_input, normalise_for_matching
from guidance_assistant.dialogue.updates import article, make_option, refresh_discrepancies
from guidance_assistant.errors import LMIError
from guidance_assistant.lmi.models import OccupationRecord
from guidance_assistant.sources import Citation

RouteFamily = Literal["academic", "technical", "apprenticeship", "other"]
ROUTE_FAMILY: dict[str, RouteFamily] = {
    "university": "academic",
    "college": "technical",
    "apprenticeship": "apprenticeship",
    "work": "other",
    "volunteering": "other",
    "direct_application": "other",
    "other": "other",
}
SAFEGUARDING_ACTION = (
    "Speak to the designated safeguarding lead before the interview and follow the school's "
    "procedure. Do not treat this as a routine careers interview until the DSL has advised."
)
GENERAL_QUERIES = (
    "preparing for the careers guidance interview referral records adjustments",
    "impartial careers guidance technical education apprenticeships providers access",
)
_YEAR = re.compile(r"\b(?:year|yr|y)\s?(\d{1,2})\b", re.IGNORECASE)
_AGE = re.compile(
    r"\b(?:aged\s+(\d{1,2})|(\d{1,2})[- ]?(?:years?[- ]old|yo|yrs old))\b", re.IGNORECASE
)
_THIRD_PERSON = {
    "interests": re.compile(
        r"\b(?:enjoys|likes|loves|(?:is |are |shows an? )?interest(?:ed)? in|is into|"
        r"(?:is )?keen on|(?:is )?passionate about|wants to (?:be|become|work)|"
        r"spends (?:his|her|their) (?:free|spare) time)\s+(?P<x>[^.;]+)",
        re.IGNORECASE,
    ),
    "strengths": re.compile(
        r"\b(?:is (?:good|great|strong|excellent|brilliant) (?:at|with)|excels at|"
        r"achieved|won)\s+(?P<x>[^.;]+)",
        re.IGNORECASE,
    ),
}


class BriefFigure(BaseModel):
    """One figure with what it is, its source and year."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    value: float
    text: str
    source: str
    year: int


class BriefRoute(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    family: RouteFamily
    route: str
    text: str


class BriefOccupation(BaseModel):
    """An occupation to prepare: figures with sources, every route in, its citation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    occupation_id: str
    title: str
    why: str = Field(description="How it came up: named in the notes, or linked to interests.")
    pay: list[BriefFigure] = Field(default_factory=list)
    routes: list[BriefRoute] = Field(default_factory=list)
    apprenticeship_standards: list[str] = Field(default_factory=list)
    citation: Citation


class BriefPoint(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    citation: Citation


class BriefNeed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    need: str
    label: str
    plan_for: list[str] = Field(default_factory=list)


class SafeguardingNote(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    category: str | None
    reason: str
    action: str = SAFEGUARDING_ACTION


class PreparationBrief(BaseModel):
    """What an adviser needs before meeting the client (see :func:`prepare_brief`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    safeguarding: SafeguardingNote | None = None
    year_group: int | None = None
    age: int | None = None
    needs: list[BriefNeed] = Field(default_factory=list)
    interests: list[str] = Field(default_factory=list)
    strengths: list[str] = Field(default_factory=list)
    criteria: list[str] = Field(default_factory=list)
    occupations: list[BriefOccupation] = Field(default_factory=list)
    points_to_test: list[str] = Field(default_factory=list)
    framework_points: list[BriefPoint] = Field(default_factory=list)
    opening: str = ""
    questions: list[str] = Field(default_factory=list)

    def to_markdown(self) -> str:
        lines = ["# Preparation brief", ""]
        if self.safeguarding is not None:
            lines += [
                "> **Safeguarding concern in the notes** "
                f"({self.safeguarding.category or 'unspecified'}): {self.safeguarding.reason}.",
                f"> {self.safeguarding.action}",
                "",
            ]
        about = []
        if self.year_group is not None:
            about.append(f"Year {self.year_group}")
        if self.age is not None:
            about.append(f"age {self.age}")
        if about:
            lines += ["## The client", "", f"- {', '.join(about)}", ""]
        if self.needs:
            lines += ["## Needs to plan for", ""]
            for need in self.needs:
                lines.append(f"### {need.label[:1].upper() + need.label[1:]}")
                lines += [f"- {item}" for item in need.plan_for] + [""]
        for heading, items in (
            ("Interests (from the notes)", self.interests),
            ("Strengths (from the notes)", self.strengths),
            ("What seems to matter to them", self.criteria),
        ):
            if items:
                lines += [f"## {heading}", "", *(f"- {item}" for item in items), ""]
        if self.occupations:
            lines += ["## Occupations", ""]
            for occupation in self.occupations:
                lines += [f"### {occupation.title}", "", f"_{occupation.why}_", ""]
                if occupation.pay:
                    lines.append("Pay:")
                    lines += [
                        f"- {figure.label}: {figure.text} ({figure.source})"
                        for figure in occupation.pay
                    ]
                else:
                    lines.append("Pay: no figure in the records.")
                lines.append("")
                lines.append("Routes in (side by side):")
                if not occupation.routes:
                    lines.append("- The records list no entry routes for this job.")
                for family in ("academic", "technical", "apprenticeship", "other"):
                    for route in occupation.routes:
                        if route.family == family:
                            lines.append(f"- {family.capitalize()} — {route.text}")
                if occupation.apprenticeship_standards:
                    lines.append(
                        "- Apprenticeship standards: "
                        + "; ".join(occupation.apprenticeship_standards)
                    )
                lines += ["", f"Source: {occupation.citation.render()}", ""]
        if self.points_to_test:
            lines += ["## Points to test with the client", ""]
            lines += [f"- {item}" for item in self.points_to_test] + [""]
        if self.framework_points:
            lines += ["## Framework points", ""]
            lines += [f"- {p.text} ({p.citation.render()})" for p in self.framework_points] + [""]
        if self.opening:
            lines += ["## Suggested opening", "", self.opening, ""]
        if self.questions:
            lines += ["## Suggested questions", ""]
            lines += [f"- {question}" for question in self.questions] + [""]
        return "\n".join(lines)


def _record(occupation_id: str) -> OccupationRecord | None:
    from guidance_assistant import lmi

    try:
        return lmi.get(occupation_id)
    except LMIError:
        return None


def _figures(record: OccupationRecord) -> list[BriefFigure]:
    figures: list[BriefFigure] = []
    salary = record.salary
    for label, figure in (
        ("Typical starting salary", salary.starter),
        ("Typical experienced salary", salary.experienced),
    ):
        if figure is not None:
            figures.append(
                BriefFigure(
                    label=label,
                    value=figure.value,
                    text=f"{money(figure.value)} a year",
                    source=cite_figure(figure.source, figure.year),
                    year=figure.year,
                )
            )
    ashe = record.ashe
    if ashe is not None and ashe.median is not None:
        figures.append(
            BriefFigure(
                label=f"Median full-time pay, '{ashe.soc2020_title}'",
                value=ashe.median.value,
                text=f"{money(ashe.median.value)} a year",
                source=cite_figure(ashe.median.source, ashe.median.year),
                year=ashe.median.year,
            )
        )
    return figures


def _routes(record: OccupationRecord) -> list[BriefRoute]:
    lines = grounding.route_lines(record)
    return [
        BriefRoute(family=ROUTE_FAMILY[route.route], route=route.route, text=line)
        for route, line in zip(record.entry_routes, lines, strict=True)
    ]


def _occupation(
    record: OccupationRecord, why: str, knowledge: KnowledgeSource | None
) -> BriefOccupation:
    citation = grounding.lmi_citation(knowledge, record, "Pay", "pay salary entry routes").citation
    return BriefOccupation(
        occupation_id=record.id,
        title=record.title,
        why=why,
        pay=_figures(record),
        routes=_routes(record),
        apprenticeship_standards=[
            f"{s.title} ({s.reference}, level {s.level})"
            for s in record.apprenticeship_standards[:4]
        ],
        citation=citation,
    )


def _third_person(notes: str, topic: str) -> list[str]:
    found = []
    for match in _THIRD_PERSON[topic].finditer(notes):
        phrase = " ".join(match.group("x").split()[:12]).strip(" ,")
        if phrase:
            found.append(phrase)
    return list(dict.fromkeys(found))


def _framework_points(
    knowledge: KnowledgeSource | None, queries: list[str], limit: int = 6
) -> list[BriefPoint]:
    points: list[BriefPoint] = []
    seen: set[str] = set()
    for query in queries:
        for passage in grounding.safe_search(knowledge, query, 2, {"doc_type": "framework"}):
            key = passage.text[:200]
            if key in seen:
                continue
            seen.add(key)
            text = grounding.best_sentences(passage.text, query, limit=2, max_words=60)
            if text:
                points.append(BriefPoint(text=text, citation=passage.citation))
            break
        if len(points) >= limit:
            break
    return points


def prepare_brief(notes: str, knowledge: KnowledgeSource | None = None) -> PreparationBrief:
    """A :class:`PreparationBrief` from an adviser's free-text ``notes`` on a client.

    ``knowledge``: the knowledge base for framework points and citations (the bundled one when
    not given).
    """
    if knowledge is None:
        from guidance_assistant.retrieval.knowledge_base import KnowledgeBase

        knowledge = KnowledgeBase.bundled(progress=False)
    text = clean_input(notes or "")
    signals = load_signals()
    phrases = load_phrasebook()

    result = detect_safeguarding(text) if text else None
    safeguarding = (
        SafeguardingNote(category=result.category, reason=result.reason)
        if result is not None and result.flagged
        else None
    )
    analysis = analyse_message(text, today=date.today(), signals=signals)
    norm = normalise_for_matching(text)
    needs_found = list(analysis.needs)
    year_match = _YEAR.search(text)
    age_match = _AGE.search(text)
    year_group = (
        int(year_match.group(1)) if year_match and 1 <= int(year_match.group(1)) <= 14 else None
    )
    age = None
    if age_match:
        age = int(age_match.group(1) or age_match.group(2))

    needs: list[BriefNeed] = []
    for need in needs_found:
        guidance = phrases.need(need)
        if guidance is not None:
            needs.append(
                BriefNeed(need=need, label=guidance.label, plan_for=list(guidance.plan_for))
            )

    interests = _third_person(text, "interests")
    strengths = _third_person(text, "strengths")
    criteria = [signal.label for signal in signals.criteria if signal.id in analysis.criteria]
    for criterion in signals.criteria:
        if criterion.label not in criteria and any(
            re.search(rf"\b{re.escape(normalise_for_matching(cue))}\b", norm)
            for cue in criterion.cues
        ):
            criteria.append(criterion.label)

    occupations: list[BriefOccupation] = []
    mentions, ambiguous = find_occupations(text, signals)
    for mention in mentions[:4]:
        record = _record(mention.occupation_id)
        if record is None:
            continue
        if mention.suggested_by_others:
            why = f"Suggested by someone else in the notes ('{mention.phrase}')."
        elif not mention.own_idea:
            why = f"A family member's or friend's job in the notes ('{mention.phrase}')."
        else:
            why = f"Named in the notes ('{mention.phrase}')."
        occupations.append(_occupation(record, why, knowledge))
    for unclear in ambiguous[:2]:
        names = [title for _, title in unclear.candidates]
        for occupation_id, title in unclear.candidates[:2]:
            record = _record(occupation_id)
            if record is None or any(o.occupation_id == record.id for o in occupations):
                continue
            others = ", ".join(n for n in names if n != title)
            why = (
                f"One job '{unclear.phrase}' could mean (others: {others}); check with the client."
            )
            occupations.append(_occupation(record, why, knowledge))
    if len(occupations) < 2 and interests:
        query = " ".join(interests)
        existing = {o.occupation_id for o in occupations}
        for passage in grounding.safe_search(knowledge, query, 30, {"doc_type": "lmi"}):
            source = str(passage.metadata.get("source", passage.citation.source))
            occupation_id = source.split("/", 1)[1] if "/" in source else source
            if occupation_id in existing:
                continue
            record = _record(occupation_id)
            if record is None:
                continue
            existing.add(occupation_id)
            occupations.append(
                _occupation(record, "Linked to the interests in the notes.", knowledge)
            )
            if len(occupations) >= 3:
                break

    profile = ClientProfile(year_group=year_group, age=age, needs=needs_found)
    state = SessionState(session_date=date.today(), profile=profile)
    for occupation in occupations:
        option = make_option(occupation.occupation_id, "client", 0)
        if option is not None:
            state.options.append(option)
    for criterion_id in analysis.criteria:
        signal = signals.criterion(criterion_id)
        if signal is not None:
            state.criteria.append(
                ClientCriterion(id=criterion_id, label=signal.label, text="", turn=0)
            )
    refresh_discrepancies(state, signals)
    points_to_test = []
    for discrepancy in state.discrepancies:
        option = state.option(discrepancy.occupation_id)
        signal = signals.criterion(discrepancy.criterion_id)
        if option is None or signal is None:
            continue
        record = _record(option.occupation_id)
        if discrepancy.kind == "high_pay" and record is not None:
            pay = grounding.pay_phrase(record)
            detail = (
                f"pay is {pay[0]} ({pay[1]}), in the lower quarter of the records" if pay else ""
            )
        elif discrepancy.kind in ("avoid_study", "earn_soon") and record is not None:
            detail = (
                f"every route in involves degree-level study ({grounding.route_phrase(record)})"
            )
        else:
            detail = f"entry requirements include {signal.subject}"
        points_to_test.append(
            f"The notes suggest '{signal.label}', but for {option.title} {detail}."
        )

    plain = any((g := phrases.need(n)) is not None and g.plain_language for n in needs_found)
    writer = DraftWriter(
        phrases=phrases,
        interview=load_interview(),
        knowledge=knowledge,
        state=state,
        analysis=MessageAnalysis(text=""),
        plain=plain,
    )
    opening = writer.opening(with_agenda=False)
    questions: list[str] = []
    known_topics = {"interests"} if interests else set()
    if strengths:
        known_topics.add("strengths")
    if criteria:
        known_topics.add("values")
    for topic in TOPIC_IDS:
        if topic not in known_topics:
            questions.append(writer.topic_question(topic))
    for occupation in occupations[:2]:
        questions.append(writer.say("open_question.option_view", option=article(occupation.title)))
    queries = list(GENERAL_QUERIES)
    for need in needs_found:
        guidance = phrases.need(need)
        if guidance is not None and guidance.framework_query:
            queries.insert(0, guidance.framework_query)
    if safeguarding is not None:
        queries.insert(0, "safeguarding disclosure designated safeguarding lead careers adviser")
    return PreparationBrief(
        safeguarding=safeguarding,
        year_group=year_group,
        age=age,
        needs=needs,
        interests=interests,
        strengths=strengths,
        criteria=criteria,
        occupations=occupations,
        points_to_test=points_to_test,
        framework_points=_framework_points(knowledge, queries),
        opening=opening,
        questions=list(dict.fromkeys(questions)),
    )
