"""A preparation brief from an adviser's notes on a client, before the interview.

:func:`prepare_brief` reads free-text notes (with :func:`~guidance_assistant.prepare.notes.
read_notes`) and gathers what an adviser would look up:

* any safeguarding concern, flagged at the top, and a clear note about unusable input (empty
  notes, markup, very long notes, text that reads like instructions to software);
* the client: year group, age, grades, subjects, strengths, interests and ideas, routes
  mentioned and what the notes say about them;
* the needs to plan for (young carer, money, travel, SEND, EAL, family expectations...), each
  with the notes' words, preparation points and facts cited from the framework notes;
* occupations linked to the notes, each with the reason ("from 'thinking about architecture'"),
  real pay figures with their source and year, and every route in side by side: jobs named in
  the notes first, then job titles that match the interests ("architecture" → architect,
  architectural technician), jobs in the same ONS occupation group whose titles link to the
  notes, and jobs matching the subjects the client is strong in. Every link needs shared words
  (a precision guard), so an unrelated job is never shown;
* points to test with the client, framework points (whole sentences, each cited), a suggested
  opening and questions.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from guidance_assistant.errors import LMIError
from guidance_assistant.interview import grounding
from guidance_assistant.interview.drafts import DraftWriter
from guidance_assistant.interview.grounding import KnowledgeSource, PassageLike, cite_figure, money
from guidance_assistant.interview.model import (
    NEEDS,
    TOPIC_IDS,
    Need,
    load_interview,
    load_signals,
)
from guidance_assistant.interview.phrases import load_phrasebook
from guidance_assistant.interview.reading import (
    AmbiguousMention,
    MessageAnalysis,
    OccupationMention,
    analyse_message,
    find_occupations,
)
from guidance_assistant.interview.state import ClientCriterion, ClientProfile, SessionState
from guidance_assistant.interview.updates import article, make_option, refresh_discrepancies
from guidance_assistant.lmi.models import OccupationRecord
from guidance_assistant.prepare.notes import (
    MAX_NOTES_CHARS,
    ClientNotes,
    Interest,
    RouteName,
    content_words,
    read_notes,
    related_words,
    word_forms,
    words_of,
)
from guidance_assistant.safeguarding.rules import detect_safeguarding
from guidance_assistant.sources import Citation
from guidance_assistant.text.clean import clean_input, normalise_for_matching, sentences
from guidance_assistant.text.subjects import subjects_in

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
LinkKind = Literal["named", "suggested", "family", "ambiguous", "interest", "related", "subject"]
SAFEGUARDING_ACTION = (
    "Speak to the designated safeguarding lead before the interview and follow the school's "
    "procedure. Do not treat this as a routine careers interview until the DSL has advised."
)
#: The most occupations a brief shows.
MAX_OCCUPATIONS = 6
#: The safeguarding check reads notes up to this long (far beyond any real notes).
MAX_SAFEGUARDING_CHARS = 5_000_000


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
    link: LinkKind = "named"
    pay: list[BriefFigure] = Field(default_factory=list)
    routes: list[BriefRoute] = Field(default_factory=list)
    apprenticeship_standards: list[str] = Field(default_factory=list)
    citation: Citation

    @property
    def has_apprenticeship(self) -> bool:
        return any(route.family == "apprenticeship" for route in self.routes)


class BriefPoint(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    citation: Citation


class BriefNeed(BaseModel):
    """A need to plan for: the notes' words, what to prepare, and cited facts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    need: str
    label: str
    evidence: str = Field(default="", description="The words of the notes that suggest it.")
    plan_for: list[str] = Field(default_factory=list)
    points: list[BriefPoint] = Field(
        default_factory=list, description="Facts for it, cited from the framework notes."
    )


class SafeguardingNote(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    category: str | None
    reason: str
    action: str = SAFEGUARDING_ACTION


class PreparationBrief(BaseModel):
    """What an adviser needs before meeting the client (see :func:`prepare_brief`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    safeguarding: SafeguardingNote | None = None
    notices: list[str] = Field(
        default_factory=list, description="About the notes themselves: empty, cut, markup..."
    )
    name: str | None = None
    year_group: int | None = None
    age: int | None = None
    grades: list[str] = Field(default_factory=list)
    subjects: list[str] = Field(default_factory=list)
    experience: list[str] = Field(default_factory=list)
    needs: list[BriefNeed] = Field(default_factory=list)
    interests: list[str] = Field(default_factory=list)
    strengths: list[str] = Field(default_factory=list)
    dislikes: list[str] = Field(default_factory=list)
    routes: list[str] = Field(
        default_factory=list, description="Routes the notes mention and what they say of each."
    )
    worries: list[str] = Field(default_factory=list)
    criteria: list[str] = Field(default_factory=list)
    occupations: list[BriefOccupation] = Field(default_factory=list)
    points_to_test: list[str] = Field(default_factory=list)
    framework_points: list[BriefPoint] = Field(default_factory=list)
    opening: str = ""
    questions: list[str] = Field(default_factory=list)
    reading: ClientNotes | None = Field(
        default=None,
        description="Everything read from the notes, with the words behind each item (the "
        "notes' full text is left out).",
    )

    def to_markdown(self) -> str:
        lines = ["# Preparation brief", ""]
        if self.safeguarding is not None:
            lines += [
                "> **Safeguarding concern in the notes** "
                f"({self.safeguarding.category or 'unspecified'}): {self.safeguarding.reason}.",
                f"> {self.safeguarding.action}",
                "",
            ]
        for notice in self.notices:
            lines += [f"> _Note: {notice}_", ""]
        about: list[str] = []
        if self.name:
            about.append(f"- Name in the notes: {self.name}")
        stage = ", ".join(
            part
            for part in (
                f"Year {self.year_group}" if self.year_group is not None else "",
                f"age {self.age}" if self.age is not None else "",
            )
            if part
        )
        if stage:
            about.append(f"- {stage}")
        if self.grades:
            about.append(f"- Grades and qualifications: {'; '.join(self.grades)}")
        if self.subjects:
            about.append(f"- Subjects named: {', '.join(self.subjects)}")
        if self.strengths:
            about.append(f"- Strengths: {'; '.join(self.strengths)}")
        if self.experience:
            about.append(f"- Experience: {'; '.join(self.experience)}")
        if about:
            lines += ["## The client", "", *about, ""]
        if self.needs:
            lines += ["## Needs to plan for", ""]
            for need in self.needs:
                lines.append(f"### {need.label[:1].upper() + need.label[1:]}")
                if need.evidence:
                    lines.append(f"_From the notes: “{need.evidence}”_")
                lines += [f"- {item}" for item in need.plan_for]
                lines += [f"- {p.text} ({p.citation.render()})" for p in need.points]
                lines.append("")
        for heading, items in (
            ("Interests and ideas (from the notes)", self.interests),
            ("Routes mentioned", self.routes),
            ("Not keen on", self.dislikes),
            ("Worries (from the notes)", self.worries),
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
            if len(self.occupations) > 1:
                lines += _routes_table(self.occupations)
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


def _routes_table(occupations: Sequence[BriefOccupation]) -> list[str]:
    """Every occupation's routes in one table, so no route looks like the default."""
    lines = [
        "### Routes side by side",
        "",
        "| Occupation | University | College | Apprenticeship | Other ways in |",
        "|---|---|---|---|---|",
    ]
    for occupation in occupations:
        record = _record(occupation.occupation_id)
        cells = {"university": "—", "college": "—", "apprenticeship": "—"}
        others: list[str] = []
        for route in record.entry_routes if record is not None else []:
            if route.route == "apprenticeship":
                levels = ", ".join(route.apprenticeship_levels)
                cells["apprenticeship"] = levels or "yes"
            elif route.route in cells:
                cells[route.route] = "yes"
            else:
                others.append(grounding.ROUTE_WORDS[route.route])
        lines.append(
            f"| {occupation.title} | {cells['university']} | {cells['college']} | "
            f"{cells['apprenticeship']} | {', '.join(dict.fromkeys(others)) or '—'} |"
        )
    return [*lines, "", "Source: the occupation records above (National Careers Service).", ""]


# ------------------------------------------------------------------------ occupation records


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
    record: OccupationRecord, why: str, link: LinkKind, knowledge: KnowledgeSource | None
) -> BriefOccupation:
    citation = grounding.lmi_citation(knowledge, record, "Pay", "pay salary entry routes").citation
    return BriefOccupation(
        occupation_id=record.id,
        title=record.title,
        why=why,
        link=link,
        pay=_figures(record),
        routes=_routes(record),
        apprenticeship_standards=[
            f"{s.title} ({s.reference}, level {s.level})"
            for s in record.apprenticeship_standards[:4]
        ],
        citation=citation,
    )


# --------------------------------------------------------------------- linking to occupations


@dataclass(frozen=True)
class _Title:
    text: str
    words: tuple[str, ...]  # content words: acronyms keep capitals, others lowercase


@dataclass(frozen=True)
class _Entry:
    record: OccupationRecord
    titles: tuple[_Title, ...]


_TITLE_STOP_WORDS = "a an the and of in for to with or on at by"
_TITLE_STOP = frozenset(_TITLE_STOP_WORDS.split())


def _title_words(title: str) -> tuple[str, ...]:
    result: list[str] = []
    for word in words_of(title):
        if word.isupper() and 2 <= len(word) <= 4:
            result.append(word)
        elif word.lower() not in _TITLE_STOP:
            result.append(word.lower())
    return tuple(result)


@functools.lru_cache(maxsize=1)
def _title_index() -> tuple[_Entry, ...]:
    from guidance_assistant import lmi

    entries: list[_Entry] = []
    for record in lmi.bundled_store().all():
        titles = [record.title, *record.alternative_titles]
        entries.append(
            _Entry(
                record=record,
                titles=tuple(_Title(text=t, words=_title_words(t)) for t in dict.fromkeys(titles)),
            )
        )
    return tuple(entries)


TitleClass = Literal["exact", "modifier", "head"]
_CLASS_ORDER: dict[TitleClass, int] = {"exact": 0, "modifier": 1, "head": 2}


@dataclass(frozen=True)
class _TitleMatch:
    record: OccupationRecord
    title: str
    kind: TitleClass
    matched: tuple[str, ...]
    extra: int
    title_word: str = ""


def _title_matches(phrase: str) -> list[_TitleMatch]:
    """Records whose title (or another title) shares the words of ``phrase``: "architecture"
    finds Architect (exact), Architectural technician (the word modifies the title) and
    Landscape architect (the title's head word, with a modifier)."""
    wanted = content_words(phrase)
    if not wanted:
        return []
    strict = _title_matches_at(wanted, full=True)
    return strict or _title_matches_at(wanted, full=False)


def _derived_only(wanted: Sequence[str], title_word: str) -> bool:
    """Whether the title word links to the phrase only as the person who does it ("medicine"
    → "doctor"), not as a form of it: such links must name the job itself (its head word), so
    "medicine" does not lead to Doctor's receptionist."""
    return not any(word_forms(w, title_word) for w in wanted)


def _title_matches_at(wanted: Sequence[str], *, full: bool) -> list[_TitleMatch]:
    """``full``: every word of the phrase is in the title ("civil service" → Civil Service
    manager, not Civil engineer); otherwise half of them are."""
    found: list[_TitleMatch] = []
    for entry in _title_index():
        best: _TitleMatch | None = None
        for title in entry.titles:
            if not title.words:
                continue
            matched = tuple(w for w in wanted if any(related_words(w, t) for t in title.words))
            if not matched or len(matched) * 2 < len(wanted):
                continue
            if full and len(matched) < len(wanted):
                continue
            extra = [t for t in title.words if not any(related_words(w, t) for w in wanted)]
            head = any(related_words(w, title.words[-1]) for w in wanted)
            kind: TitleClass = (
                "exact"
                if not extra and len(matched) == len(wanted)
                else "head"
                if head
                else "modifier"
            )
            title_word = next(t for t in title.words if any(related_words(w, t) for w in wanted))
            if kind == "modifier" and _derived_only(wanted, title_word):
                continue  # "medicine" → Doctor's receptionist: not the job itself
            candidate = _TitleMatch(entry.record, title.text, kind, matched, len(extra), title_word)
            if best is None or (_CLASS_ORDER[kind], len(extra)) < (
                _CLASS_ORDER[best.kind],
                best.extra,
            ):
                best = candidate
        if best is not None:
            found.append(best)
    found.sort(key=lambda m: (_CLASS_ORDER[m.kind], m.extra, m.record.title))
    return found


def _similarities(
    knowledge: KnowledgeSource | None, query: str, ids: Sequence[str]
) -> dict[str, float] | None:
    """How close each record's passages are to ``query`` (cosine of the dense embeddings), or
    None when the knowledge base cannot say (no dense search)."""
    if knowledge is None or not ids or not query.strip():
        return None
    sources = [f"ncs/{i}" for i in ids] + [f"lmi/{i}" for i in ids]
    search: Any = knowledge.search
    try:
        passages = search(
            query[:1000], k=min(12 * len(ids), 800), filters={"source": sources}, mode="dense"
        )
    except Exception:  # a stand-in without dense search (no ``mode``), or a broken index
        return None
    scores: dict[str, float] = {}
    for passage in passages:
        score = getattr(passage, "score", None)
        source = str(passage.metadata.get("source", passage.citation.source))
        if not isinstance(score, int | float) or "/" not in source:
            continue
        occupation_id = source.split("/", 1)[1]
        scores[occupation_id] = max(scores.get(occupation_id, -1.0), float(score))
    return scores or None


@dataclass
class _Candidate:
    record: OccupationRecord
    why: str
    link: LinkKind
    tier: int  # named 0, suggested 1, ambiguous 2, interest 4, related 5, subject 6...


@dataclass
class _Linker:
    """Gathers the occupations a brief shows, best links first, each with its reason."""

    notes: ClientNotes
    knowledge: KnowledgeSource | None
    prefer_apprenticeship: bool
    context: str
    chosen: list[_Candidate] = field(default_factory=list)
    spare: list[_Candidate] = field(default_factory=list)

    def ids(self) -> set[str]:
        return {c.record.id for c in self.chosen}

    def add(self, candidate: _Candidate) -> bool:
        if candidate.record.id in self.ids():
            return False
        if len(self.chosen) >= MAX_OCCUPATIONS:
            self.spare.append(candidate)
            return False
        self.chosen.append(candidate)
        return True

    def ranked(self, query: str, matches: Sequence[_TitleMatch]) -> list[_TitleMatch]:
        """Title matches ordered: exact titles first, then by closeness to ``query`` (dense
        search, when the knowledge base has it), then apprenticeship routes when the notes
        lean that way, then fewer extra words."""
        scores = _similarities(self.knowledge, query, [m.record.id for m in matches]) or {}

        def key(match: _TitleMatch) -> tuple[float, ...]:
            apprenticeship = float(self.prefer_apprenticeship and _has_apprenticeship(match.record))
            return (
                float(match.kind != "exact"),
                -scores.get(match.record.id, 0.0),
                -apprenticeship,
                float(match.extra),
            )

        return sorted(matches, key=key)


def _has_apprenticeship(record: OccupationRecord) -> bool:
    return any(route.route == "apprenticeship" for route in record.entry_routes)


def _soc_group(record: OccupationRecord) -> tuple[str, str] | None:
    primary = record.primary_soc2020
    return (primary.code, primary.title) if primary is not None else None


def _quote(text: str) -> str:
    """The notes' words to quote inside a sentence: one line, Markdown-safe, lower-case start
    (unless it starts with an acronym or name-like capitals such as "DT")."""
    text = _md(" ".join(text.split()))
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _md(text: str) -> str:
    """Text from the notes made safe to place in Markdown: no links, tables, code, headings or
    tags; a lone "*" (a grade: "A*AA") stays, pairs that would make emphasis are escaped."""
    text = re.sub(r"[\[\]`|_#<>\\]", "", text).strip()
    return text.replace("*", "\\*") if text.count("*") >= 2 else text


def _own_idea_for(notes: ClientNotes, record: OccupationRecord) -> str | None:
    """The client's own idea in the notes that names this job ("wants to be a doctor")."""
    head = _title_words(record.title)[-1:]
    for interest in notes.interests:
        if interest.kind != "idea":
            continue
        for item in interest.items:
            if any(related_words(w, h) for w in content_words(item) for h in head):
                return interest.quote
    return None


def _named(
    linker: _Linker,
    mentions: Sequence[OccupationMention],
    ambiguous: Sequence[AmbiguousMention],
) -> None:
    for mention in mentions:
        record = _record(mention.occupation_id)
        if record is None:
            continue
        phrase = _md(mention.phrase)
        link: LinkKind
        own = _own_idea_for(linker.notes, record)
        if (mention.suggested_by_others or not mention.own_idea) and own is not None:
            why = f"Named in the notes ('{_quote(own)}'), and by someone else ('{phrase}')."
            link = "named"
        elif mention.suggested_by_others:
            why, link = f"Suggested by someone else in the notes ('{phrase}').", "suggested"
        elif not mention.own_idea:
            why, link = f"A family member's or friend's job in the notes ('{phrase}').", "family"
        else:
            why, link = f"Named in the notes ('{phrase}').", "named"
        order = {"named": 0, "suggested": 1, "family": 9}[link]
        linker.add(_Candidate(record, why, link, tier=order))
    for unclear in ambiguous:
        phrase = unclear.phrase
        head = phrase.split()[-1]
        candidates = [  # jobs whose title ends in the word: "engineer" → Civil engineer...
            m
            for m in _title_matches(head)
            if m.kind in ("exact", "head")
            and any(related_words(head, w) for w in _title_words(m.title)[-1:])
        ]
        if not candidates:
            continue
        if len(candidates) == 1:
            record = candidates[0].record
            linker.add(
                _Candidate(record, f"Named in the notes ('{_md(phrase)}').", "named", tier=0)
            )
            continue
        ranked = linker.ranked(f"{phrase} {linker.context}", candidates)
        shown = [m.record.title for m in ranked[:2]]
        for match in ranked[:2]:
            others = [t for t in shown if t != match.record.title]
            why = (
                f"One of {len(candidates)} jobs '{_md(phrase)}' could mean in the records "
                f"(also shown: {', '.join(others)}); check which the client has in mind."
            )
            linker.add(_Candidate(match.record, why, "ambiguous", tier=2))


def _by_interest(
    linker: _Linker, interests: Sequence[Interest], handled: set[str]
) -> list[OccupationRecord]:
    """Title matches for each interest, interleaved so every interest gets a place."""
    per_interest: list[list[_Candidate]] = []
    subjects = set(linker.notes.positive_subjects())
    for interest in interests:
        for item in interest.items:
            norm = normalise_for_matching(item)
            if norm in handled or not content_words(item):
                continue
            if (
                interest.kind == "interest"
                and subjects_in(item)
                and set(subjects_in(item)) <= subjects
            ):
                continue  # "enjoys science": a subject, linked with the strengths below
            matches = _title_matches(item)
            anchors = [m for m in matches if m.kind == "exact"]
            if anchors:
                groups = {m.record.soc2010.code[:2] for m in anchors}
                matches = [
                    m for m in matches if m.kind != "head" or m.record.soc2010.code[:2] in groups
                ]
            ranked = linker.ranked(item, matches)[:3]
            quote = _quote(interest.quote)
            candidates = []
            for match in ranked:
                if match.kind == "exact":
                    why = f"From the notes: '{quote}' (the job title matches)."
                else:
                    why = (
                        f"From the notes: '{quote}' (the title '{match.title}' shares the "
                        f"word '{match.title_word}')."
                    )
                candidates.append(_Candidate(match.record, why, "interest", tier=4))
            per_interest.append(candidates)
    added: list[OccupationRecord] = []
    for position in range(3):
        for candidates in per_interest:
            if position < len(candidates) and linker.add(candidates[position]):
                added.append(candidates[position].record)
    return added


def _positive_words(notes: ClientNotes) -> list[tuple[str, str]]:
    """(word, the notes' words it comes from) for every interest, strength and subject."""
    found: list[tuple[str, str]] = []
    for interest in notes.interests:
        for item in interest.items:
            found.extend((w, interest.quote) for w in content_words(item))
    for strength in notes.strengths:
        for subject in subjects_in(strength.text) or [strength.text]:
            found.extend((w, strength.quote) for w in content_words(subject))
    return found


def _related(linker: _Linker, anchors: Sequence[OccupationRecord]) -> None:
    """Jobs in the same ONS occupation group as an anchor whose titles link to the notes."""
    from guidance_assistant import lmi

    positive = _positive_words(linker.notes)
    candidates: list[_Candidate] = []
    for anchor in anchors:
        group = _soc_group(anchor)
        if group is None:
            continue
        own = {w for t in [anchor.title, *anchor.alternative_titles] for w in _title_words(t)}
        telling = [(w, q) for w, q in positive if not any(related_words(w, o) for o in own)]
        for record in lmi.bundled_store().all():
            if record.id == anchor.id or _soc_group(record) != group:
                continue
            for title in [record.title, *record.alternative_titles]:
                words = _title_words(title)
                link = next(
                    ((w, q) for w, q in telling if any(related_words(w, t) for t in words)), None
                )
                if link is None:
                    continue
                also = f" (also called '{title}')" if title != record.title else ""
                why = (
                    f"Close to {anchor.title}: the same ONS occupation group ('{group[1]}'), "
                    f"and its title{also} links to '{_quote(link[1])}'."
                )
                candidates.append(_Candidate(record, why, "related", tier=5))
                break
    _add_ranked(linker, candidates, limit=2)


def _by_subject(linker: _Linker) -> None:
    """Jobs whose titles match a subject the client is strong in or enjoys."""
    quotes: dict[str, str] = {}
    interests = [i for i in linker.notes.interests if i.kind == "interest"]
    for mention in [*linker.notes.strengths, *interests]:  # ideas are linked above
        for subject in subjects_in(mention.text):
            quotes.setdefault(subject, mention.quote)
    candidates: list[_Candidate] = []
    for subject, quote in quotes.items():
        for match in _title_matches(subject):
            why = (
                f"From the notes: '{_quote(quote)}' (the title '{match.title}' shares the word "
                f"'{match.title_word}')."
            )
            candidates.append(_Candidate(match.record, why, "subject", tier=6))
    _add_ranked(linker, candidates, limit=2)


def _add_ranked(linker: _Linker, candidates: list[_Candidate], limit: int) -> None:
    unique: dict[str, _Candidate] = {}
    for candidate in candidates:
        if candidate.record.id not in linker.ids():
            unique.setdefault(candidate.record.id, candidate)
    if not unique:
        return
    scores = _similarities(linker.knowledge, linker.context, list(unique)) or {}
    positive = [w for w, _ in _positive_words(linker.notes)]

    def key(candidate: _Candidate) -> tuple[float, ...]:
        words = _title_words(candidate.record.title)
        overlap = sum(1 for w in positive if any(related_words(w, t) for t in words))
        apprenticeship = linker.prefer_apprenticeship and _has_apprenticeship(candidate.record)
        return (
            -float(apprenticeship),
            -scores.get(candidate.record.id, 0.0),
            -float(overlap),
            float(len(candidate.record.title)),
        )

    added = 0
    for candidate in sorted(unique.values(), key=key):
        if added >= limit:
            linker.spare.append(candidate)
            continue
        if linker.add(candidate):
            added += 1


def _by_knowledge(linker: _Linker, handled: set[str], wanted: int) -> None:
    """When the titles give few links: job profiles whose entry routes (first: "medicine" →
    GP, "a 5-year degree in medicine") or description ("fixing bikes" → Cycle mechanic) name
    an interest, from the knowledge base."""
    items = [
        (item, interest.quote)
        for interest in linker.notes.interests
        for item in interest.items
        if normalise_for_matching(item) not in handled and content_words(item)
    ]
    for query, section_start in (("degree in {item}", "Entry route"), ("{item}", "Description")):
        for item, quote in items:
            words = content_words(item)
            search = query.format(item=item)
            for passage in grounding.safe_search(linker.knowledge, search, 25, {"doc_type": "lmi"}):
                if len(linker.chosen) >= wanted:
                    return
                source = str(passage.metadata.get("source", passage.citation.source))
                section = passage.citation.section or ""
                if not source.startswith("ncs/") or not section.startswith(section_start):
                    continue
                shared = next(
                    (t for t in words_of(passage.text) for w in words if word_forms(w, t)), None
                )
                record = _record(source.split("/", 1)[1])
                if shared is None or record is None:
                    continue
                why = (
                    f"From the notes: '{_quote(quote)}' (the job profile's '{section}' "
                    f"mentions '{shared.lower()}')."
                )
                linker.add(_Candidate(record, why, "interest", tier=7))


def _link_occupations(
    notes: ClientNotes,
    text: str,
    analysis: MessageAnalysis,
    knowledge: KnowledgeSource | None,
) -> list[BriefOccupation]:
    signals = load_signals()
    route_apprenticeship = notes.route("apprenticeship")
    prefer_apprenticeship = bool(
        (route_apprenticeship is not None and "not keen" not in route_apprenticeship.views)
        or notes.has_need("money")
        or {"earn_soon", "avoid_study"} & set(analysis.criteria)
    )
    context = " ".join(
        [*(i for interest in notes.interests for i in interest.items), *notes.positive_subjects()]
    )
    linker = _Linker(notes, knowledge, prefer_apprenticeship, context)
    mentions, ambiguous = find_occupations(text, signals)
    _named(linker, mentions, ambiguous)
    handled = {normalise_for_matching(m.phrase) for m in mentions} | {
        normalise_for_matching(a.phrase) for a in ambiguous
    }
    for mention in mentions:
        handled.add(normalise_for_matching(mention.title))
    anchors = [c.record for c in linker.chosen if c.link in ("named", "ambiguous")]
    anchors += _by_interest(linker, notes.interests, handled)
    _related(linker, anchors)
    _by_subject(linker)
    if len(linker.chosen) < 3:
        _by_knowledge(linker, handled, 3)
    chosen = sorted(linker.chosen, key=lambda c: c.tier)
    if (
        linker.spare
        and not any(_has_apprenticeship(c.record) for c in chosen)
        and chosen
        and chosen[-1].tier >= 5
    ):
        # Impartiality: an apprenticeship route beside the others when one is linked.
        spare = next((c for c in linker.spare if _has_apprenticeship(c.record)), None)
        if spare is not None:
            chosen[-1] = spare
    return [_occupation(c.record, c.why, c.link, knowledge) for c in chosen]


# --------------------------------------------------------------------------- cited sentences

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'0-9£])")


@functools.lru_cache(maxsize=1)
def _framework_files() -> dict[str, str]:
    """The bundled framework notes by file name, as plain text (for whole-sentence checks)."""
    from guidance_assistant.paths import bundled_dir

    try:
        folder = bundled_dir("knowledge") / "frameworks"
        return {
            path.name: _plain(path.read_text(encoding="utf-8"))
            for path in sorted(folder.glob("*.md"))
        }
    except (OSError, FileNotFoundError):
        return {}


def _plain(text: str) -> str:
    """Markdown as plain text on one line: headings dropped, bullets and emphasis removed."""
    lines = [
        re.sub(r"^\s*[-*]\s+", "", line)
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    joined = re.sub(r"\s[-*]\s+(?=\*\*)", " ", " ".join(lines))  # "... - **Label**: ..."
    return " ".join(joined.replace("**", "").replace("*", "").split())


def whole_sentences(text: str, source: str | None = None) -> list[str]:
    """The complete sentences of a retrieved passage: a passage cut from the middle of a
    document may start or end mid-sentence, and those pieces are left out. When the source is
    one of the bundled framework notes, each sentence is checked against the note itself."""
    parts = [p.strip() for p in _SENTENCE_SPLIT.split(_plain(text)) if p.strip()]
    document = _framework_files().get(source or "")
    kept: list[str] = []
    for index, part in enumerate(parts):
        if not re.search(r"[.!?][\"')]?$", part):
            continue
        if document is not None:
            at = document.find(part)
            if at < 0 or (
                at > 0 and not re.search(r"[.!?:][\"')]?\s$", document[max(0, at - 3) : at])
            ):
                continue
        elif index == 0 and not re.match(r"[A-Z0-9\"'(£]", part):
            continue
        kept.append(part)
    return kept


def _framework_filter() -> dict[str, str | list[str]]:
    files = sorted(_framework_files())
    return {"doc_type": "framework", "source": files} if files else {"doc_type": "framework"}


def _cited(
    knowledge: KnowledgeSource | None,
    query: str,
    must: Sequence[str],
    *,
    exclude: set[str],
    limit: int = 2,
    max_words: int = 75,
) -> BriefPoint | None:
    """One or two whole sentences from the framework notes that answer ``query`` and name one
    of ``must``, with their citation; None when the notes hold none (nothing is made up)."""
    passages: list[PassageLike] = grounding.safe_search(knowledge, query, 5, _framework_filter())
    if not passages:
        passages = grounding.safe_search(knowledge, query, 5, {"doc_type": "framework"})
    wanted = [m.lower() for m in must]
    for passage in passages:
        source = str(passage.metadata.get("source", passage.citation.source))
        found = [
            s
            for s in whole_sentences(passage.text, source)
            if (not wanted or any(m in s.lower() for m in wanted)) and s not in exclude
        ]
        if not found:
            continue
        ranked = sorted(range(len(found)), key=lambda i: (-grounding.relevance(found[i], query), i))
        chosen: list[str] = []
        words = 0
        for index in sorted(ranked[:limit]):
            size = len(found[index].split())
            if chosen and words + size > max_words:
                break
            chosen.append(found[index])
            words += size
        exclude.update(chosen)
        return BriefPoint(text=" ".join(chosen), citation=passage.citation)
    return None


# ------------------------------------------------------------------------------------ needs


@dataclass(frozen=True)
class _NeedGuide:
    label: str
    plan_for: tuple[str, ...] = ()
    question: str | None = None


#: Needs the interview engine does not know (its needs come from ``needs.yaml``).
_EXTRA_NEEDS: dict[str, _NeedGuide] = {
    "money": _NeedGuide(
        "money worries",
        (
            "Talk about money openly, without assuming what the family can afford; have the "
            "facts on costs and financial support for each route ready.",
            "Set routes that pay while training (apprenticeships, including degree "
            "apprenticeships) beside full-time study, so the comparison is fair.",
        ),
        "What have you heard about the costs of the options you're thinking about, and how much "
        "does money shape your choice?",
    ),
    "travel": _NeedGuide(
        "limits on travel",
        (
            "Check which colleges, training providers and employers are realistically "
            "reachable, with the travel time and cost to each.",
        ),
        "How do you get around at the moment, and how far could you travel each day?",
    ),
    "confidence": _NeedGuide(
        "low confidence",
        (
            "Plan to affirm specific strengths from the notes, and break next steps into small, "
            "achievable ones.",
        ),
        "What is something you've done recently that went better than you expected?",
    ),
    "exams": _NeedGuide(
        "worry about exams",
        (
            "Compare how each route is assessed (exams, coursework, practical work) as well as "
            "where it leads.",
        ),
        "How do you show what you can do best: exams, coursework or practical tasks?",
    ),
    "family_expectations": _NeedGuide(
        "family expectations",
        (
            "Explore whose idea each option is and how the client feels about the family's "
            "hopes; keep the decision the client's.",
            "Consider information for parents or carers about routes the family may know less "
            "about.",
        ),
        "What do the people at home hope you'll do, and how do you feel about that?",
    ),
    "family_circumstances": _NeedGuide(
        "family circumstances (to explore sensitively)",
        (
            "Ask open, non-judgemental questions about home; don't assume what the family can "
            "or cannot support.",
            "Find out what practical support (time, travel, money) the client has for the next "
            "step.",
        ),
    ),
    "neet_risk": _NeedGuide(
        "at risk of not being in education, employment or training (NEET)",
        (
            "Plan earlier and repeated contact with the same adviser, with tasters and visits to "
            "providers.",
            "Check the local authority's follow-up for young people without a place.",
        ),
        "What would make it easier to get started somewhere new?",
    ),
    "disadvantage": _NeedGuide(
        "financial disadvantage (pupil premium, free school meals)",
        (
            "Raise financial support openly, and look for outreach, widening participation "
            "schemes and work experience that do not rely on family contacts.",
        ),
    ),
    "new_arrival": _NeedGuide(
        "a recent arrival in the UK",
        (
            "Ask about education and qualifications from before arriving, and check how they "
            "compare with UK ones.",
            "Flag any question about immigration status and eligibility for funding early, and "
            "refer to a qualified adviser rather than advising on it.",
        ),
        "What were you studying before you came here, and what did you enjoy most?",
    ),
    "career_change": _NeedGuide(
        "an adult changing career or returning to learning",
        (
            "Map the skills and experience from past work that carry over.",
            "Look at adult routes and funding: part-time and distance study, apprenticeships, "
            "retraining courses.",
        ),
        "What from your past work would you like to keep doing, and what would you leave behind?",
    ),
}

_Facts = tuple[tuple[str, tuple[str, ...]], ...]
#: What the framework notes are searched for, per need, and words a cited sentence must hold.
_NEED_FACTS: dict[str, _Facts] = {
    "young_carer": (
        (
            "young carers support student carers bursaries flexible young carers services",
            ("carer",),
        ),
    ),
    "care_experienced": (
        ("care leavers bursary personal adviser virtual school personal education plan", ("care",)),
    ),
    "eal": (
        (
            "English as an additional language plain English interpreter more time",
            ("interpret", "plain english", "language ability"),
        ),
    ),
    "new_arrival": (
        (
            "UK ENIC statements comparing overseas qualifications with UK ones",
            ("enic",),
        ),
        (
            "immigration status student finance eligibility refer qualified adviser",
            ("immigration",),
        ),
    ),
    "send": (
        ("SEND careers guidance ambitious SENCO personalised supported internships", ("send",)),
    ),
    "ehcp": (("EHC plan annual review Year 9 preparing for adulthood", ("ehc",)),),
    "autism": (
        (
            "adapting guidance interviews quiet room literal language processing time visual",
            ("literal", "sensory", "processing"),
        ),
    ),
    "adhd": (
        (
            "adapting guidance interviews shorter sessions breaks one question at a time",
            ("breaks", "one question"),
        ),
    ),
    "dyslexia": (
        ("accessible action plans easy-read recorded plain language", ("accessible", "easy-read")),
    ),
    "anxiety": (
        (
            "adapting guidance interviews quiet room breaks preparation visits tasters",
            ("quiet", "visits", "breaks"),
        ),
    ),
    "physical_disability": (
        (
            "Access to Work reasonable adjustments Equality Act disabled",
            ("access to work", "reasonable adjustments"),
        ),
    ),
    "sensory_impairment": (
        (
            "interpreters signers reasonable adjustments communication",
            ("signers", "interpreter", "reasonable adjustments"),
        ),
    ),
    "mental_health": (
        ("mental health difficulties referral boundaries wellbeing", ("mental health",)),
    ),
    "travel": (
        (
            "local authority transport policies post-16 travel discretionary bursaries",
            ("transport", "travel"),
        ),
    ),
    "confidence": (
        ("affirmation recognises strengths specific honest builds confidence", ("confidence",)),
    ),
    "exams": (
        (
            "how they prefer to be assessed exams coursework practical tasks comparing routes",
            ("assess",),
        ),
    ),
    "family_expectations": (
        ("influences parents carers siblings friends expectations exploration", ("parents",)),
    ),
    "family_circumstances": (
        (
            "exploration influences barriers circumstances home family",
            ("circumstances", "barriers"),
        ),
    ),
    "neet_risk": (
        (
            "NEET risk effective support repeated guidance tasters visits September Guarantee",
            ("neet", "september guarantee", "repeated"),
        ),
    ),
    "disadvantage": (
        (
            "disadvantaged pupils financial worries discussed openly widening participation",
            ("financial", "widening"),
        ),
    ),
    "career_change": (
        (
            "adults Access to Higher Education Diploma without the usual qualifications",
            ("access to higher education", "age limit"),
        ),
    ),
}


def _money_facts(notes: ClientNotes) -> _Facts:
    if notes.life_stage == "adult":
        return (
            ("Advanced Learner Loan course fees adults free Level 3 courses", ("loan", "free")),
        )
    university = notes.route("university")
    text = " ".join(m.quote for m in notes.needs if m.need == "money").lower()
    if university is not None or re.search(r"\b(?:uni|university|debt|loan|fees|degree)\b", text):
        return (
            ("student finance loan repayments depend on earnings headline debt", ("repay",)),
            (
                "degree apprenticeships paid job no tuition fees without student debt",
                ("debt", "tuition"),
            ),
        )
    return (("16 to 19 Bursary Fund discretionary bursaries travel equipment meals", ("bursar",)),)


def _needs(
    notes: ClientNotes, knowledge: KnowledgeSource | None, used: set[str]
) -> tuple[list[BriefNeed], dict[str, str]]:
    """Each need with its preparation points and cited facts, and the question for it."""
    phrases = load_phrasebook()
    plain = any((g := phrases.need(n)) is not None and g.plain_language for n in notes.need_ids())
    needs: list[BriefNeed] = []
    questions: dict[str, str] = {}
    for mention in notes.needs:
        need = mention.need
        guidance = phrases.need(need) if need in NEEDS else None
        extra = _EXTRA_NEEDS.get(need)
        if guidance is not None:
            label, plan_for = guidance.label, list(guidance.plan_for)
            if guidance.question is not None:
                pool = guidance.question.plain if plain and guidance.question.plain else None
                questions[need] = (pool or guidance.question.standard)[0]
            facts = _NEED_FACTS.get(need, ())
            if not facts and guidance.framework_query:
                facts = ((guidance.framework_query, ()),)
        elif extra is not None:
            label, plan_for = extra.label, list(extra.plan_for)
            if extra.question:
                questions[need] = extra.question
            facts = _money_facts(notes) if need == "money" else _NEED_FACTS.get(need, ())
        else:  # pragma: no cover - every need id has guidance
            continue
        points = [
            point
            for query, must in facts
            if (point := _cited(knowledge, query, must, exclude=used, limit=1)) is not None
        ]
        evidence = "" if mention.quote in ("adult",) else _md(mention.quote)
        needs.append(
            BriefNeed(need=need, label=label, evidence=evidence, plan_for=plan_for, points=points)
        )
    return needs, questions


# ---------------------------------------------------------------------------------- wording

_ROUTE_WORDS: dict[RouteName, str] = {
    "apprenticeship": "apprenticeships",
    "university": "university",
    "college": "college",
    "sixth form": "sixth form",
    "A levels": "A levels",
    "T Levels": "T Levels",
    "gap year": "a gap year",
}
_VIEW_WORDS = {
    "interested": "interested",
    "considering": "considering it",
    "has an offer": "has an offer",
    "doubts": "has doubts",
    "not keen": "not keen",
    "knows little": "knows little about this route",
    "worried about": "a worry",
    "expected by family": "the family expects it",
    "mentioned": "mentioned",
}


def _route_lines(notes: ClientNotes) -> list[str]:
    lines = []
    for mention in notes.routes:
        name = _ROUTE_WORDS[mention.route]
        if mention.detail:
            name = f"{name} ({mention.detail})"
        views = "; ".join(_VIEW_WORDS[v] for v in mention.views)
        lines.append(f"{name[:1].upper() + name[1:]}: {views} — “{_md(mention.quote)}”")
    return lines


_DEDUPE_STOP_WORDS = (
    "a an the and or of to in on if is are you your youll you'll we our it i me my can "
    "for with this that be will"
)
_DEDUPE_STOP = frozenset(_DEDUPE_STOP_WORDS.split())


def _stems(sentence: str) -> set[str]:
    return {
        w[:5]
        for w in re.findall(r"[a-z']+", sentence.lower())
        if w not in _DEDUPE_STOP and len(w) > 2
    }


def dedupe_sentences(text: str) -> str:
    """``text`` with a sentence dropped when another says nearly the same (the more specific,
    longer one is kept in the earlier place): "You'll get a copy of our plan." and "You'll get
    your plan in writing, in another format if you like." become the second alone."""
    kept: list[str] = []
    for sentence in sentences(text):
        stems = _stems(sentence)
        twin = next(
            (
                i
                for i, other in enumerate(kept)
                if (shared := stems & _stems(other))
                and len(shared) >= 2
                and len(shared) / max(1, min(len(stems), len(_stems(other)))) >= 0.6
            ),
            None,
        )
        if twin is None:
            kept.append(sentence)
        elif len(sentence) > len(kept[twin]):
            kept[twin] = sentence
    return " ".join(kept)


def _notices(notes: ClientNotes, raw_length: int) -> list[str]:
    found: list[str] = []
    if notes.empty:
        found.append(
            "The notes are empty (or hold no words): write or paste your notes on the client to "
            "get a brief."
        )
    if notes.markup_removed:
        found.append("HTML or other markup in the notes was removed; they were read as plain text.")
    if notes.truncated:
        checked = min(raw_length, MAX_SAFEGUARDING_CHARS)
        found.append(
            f"The notes are very long ({raw_length:,} characters): the first {MAX_NOTES_CHARS:,} "
            f"were read for this brief, and the safeguarding check read {checked:,}."
        )
    if notes.instructions_ignored:
        found.append(
            "Part of the notes reads like an instruction to software (for example, to ignore "
            "rules); it was treated as part of the notes and not followed."
        )
    return found


# ---------------------------------------------------------------------------- points to test


def _points_to_test(
    state: SessionState, notes: ClientNotes, occupations: Sequence[BriefOccupation]
) -> list[str]:
    signals = load_signals()
    points: list[str] = []
    for discrepancy in state.discrepancies:
        option = state.option(discrepancy.occupation_id)
        signal = signals.criterion(discrepancy.criterion_id)
        record = _record(discrepancy.occupation_id)
        if option is None or signal is None or record is None:
            continue
        if discrepancy.kind == "high_pay":
            pay = grounding.pay_phrase(record)
            if not pay:
                continue
            detail = f"pay is {pay[0]} ({pay[1]}), in the lower quarter of the records"
        elif discrepancy.kind in ("avoid_study", "earn_soon"):
            detail = (
                f"every route in involves degree-level study ({grounding.route_phrase(record)})"
            )
        elif discrepancy.kind == "study_route":
            detail = (
                f"the university route means more study, beside {grounding.route_phrase(record)}"
            )
        elif signal.subject:
            detail = f"entry requirements include {signal.subject}"
        else:
            continue
        points.append(f"The notes suggest '{signal.label}', but for {option.title} {detail}.")
    money_need = notes.need("money")
    if money_need is not None and occupations:
        with_apprenticeship = [o.title for o in occupations if o.has_apprenticeship]
        without = [o.title for o in occupations if not o.has_apprenticeship]
        if with_apprenticeship:
            line = (
                f"Money (“{_md(money_need.quote)}”): {_join(with_apprenticeship)} "
                f"{'lists' if len(with_apprenticeship) == 1 else 'list'} an apprenticeship route "
                "in the records"
            )
            if without:
                line += f"; {_join(without)} {'does' if len(without) == 1 else 'do'} not"
            points.append(line + ". Compare the routes' costs and pay side by side.")
    apprenticeship = notes.route("apprenticeship")
    if (
        apprenticeship is not None
        and {"interested", "considering", "has an offer"} & set(apprenticeship.views)
        and occupations
        and not any(o.has_apprenticeship for o in occupations)
    ):
        points.append(
            f"The notes say “{_md(apprenticeship.quote)}”, but none of the occupations here "
            "lists an apprenticeship route in the records: ask which fields the client has in "
            "mind for one."
        )
    expectations = notes.need("family_expectations")
    own = [i for i in notes.interests if i.kind == "idea"]
    if expectations is not None and own:
        points.append(
            f"The notes say “{_md(expectations.quote)}”, and the client is "
            f"“{_md(own[0].quote)}”: explore how the two sit together, and whose idea each is."
        )
    for mention in notes.routes:
        if "doubts" in mention.views or "not keen" in mention.views:
            points.append(
                f"{_ROUTE_WORDS[mention.route].capitalize()}: “{_md(mention.quote)}”. Explore "
                "what lies behind this before comparing routes."
            )
    return points


def _join(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


# ---------------------------------------------------------------------------- framework points


def _framework_queries(notes: ClientNotes, occupations: Sequence[BriefOccupation]) -> _Facts:
    queries: list[tuple[str, tuple[str, ...]]] = []
    apprenticeship = notes.route("apprenticeship")
    if apprenticeship is not None and "not keen" not in apprenticeship.views:
        queries.append(
            (
                "apprenticeship is a real job with training levels intermediate advanced higher degree",
                ("apprentice",),
            )
        )
        if any(
            "degree" in r.text
            for o in occupations
            for r in o.routes
            if r.family == "apprenticeship"
        ) or (apprenticeship.detail or "").startswith("degree"):
            queries.append(
                (
                    "degree apprenticeships combine a paid job with study for a degree",
                    ("degree apprenticeship",),
                )
            )
    university = notes.route("university")
    if university is not None and {"doubts", "worried about", "not keen"} & set(university.views):
        queries.append(
            (
                "foundation degrees HNCs HNDs higher technical qualifications shorter cheaper",
                ("hnd", "higher technical", "foundation degree"),
            )
        )
    if notes.year_group == 9:
        queries.append(
            ("guidance interviews big decision points Year 9 option choices", ("year 9",))
        )
    elif notes.year_group == 11 or (notes.age is not None and notes.age in (15, 16)):
        queries.append(("raising of the participation age education or training until 18", ("18",)))
    if notes.year_group in (12, 13) or notes.life_stage == "post-16":
        queries.append(
            ("comparing routes preferred option and a back-up grades competitive", ("back-up",))
        )
    queries.append(
        (
            "preparing for the interview predicted grades SENCO pre-interview starting hypothesis",
            ("prepar", "hypothesis"),
        )
    )
    queries.append(
        (
            "impartial adviser full range of relevant routes balanced sourced information",
            ("impartial", "full range"),
        )
    )
    return tuple(queries)


def _framework_points(
    knowledge: KnowledgeSource | None,
    notes: ClientNotes,
    occupations: Sequence[BriefOccupation],
    used: set[str],
    safeguarding: bool,
    limit: int = 5,
) -> list[BriefPoint]:
    queries = list(_framework_queries(notes, occupations))
    if safeguarding:
        queries.insert(
            0, ("responding to a disclosure designated safeguarding lead record", ("safeguarding",))
        )
    points: list[BriefPoint] = []
    for query, must in queries:
        point = _cited(knowledge, query, must, exclude=used, limit=2, max_words=60)
        if point is not None:
            points.append(point)
        if len(points) >= limit:
            break
    return points


# ----------------------------------------------------------------------------------- brief


_THIRD_TO_FIRST = {
    "hates": "hate",
    "loves": "love",
    "likes": "like",
    "wants": "want",
    "needs": "need",
    "doesnt": "dont",
    "doesn't": "don't",
    "does not": "do not",
    "struggles": "struggle",
    "finds": "find",
}
_THIRD_PERSON_VERB = re.compile(r"\b(" + "|".join(map(re.escape, _THIRD_TO_FIRST)) + r")\b", re.I)


def _first_person(text: str) -> str:
    """Notes' third person read as the client's words for the criteria cues: "hates maths" →
    "hate maths", "doesn't want to go to uni" → "don't want to go to uni"."""
    return _THIRD_PERSON_VERB.sub(lambda m: _THIRD_TO_FIRST[m.group(1).lower()], text)


def prepare_brief(notes: str, knowledge: KnowledgeSource | None = None) -> PreparationBrief:
    """A :class:`PreparationBrief` from an adviser's free-text ``notes`` on a client.

    ``knowledge``: the knowledge base for framework points, citations and ranking related jobs
    (the bundled one when not given). Never raises on odd input: empty notes, markup, very long
    notes and text that reads like instructions give a brief with a clear notice.
    """
    if knowledge is None:
        from guidance_assistant.retrieval.knowledge_base import KnowledgeBase

        knowledge = KnowledgeBase.bundled(progress=False)
    raw = clean_input(notes if isinstance(notes, str) else "")
    signals = load_signals()
    reading = read_notes(raw, signals=signals)

    result = detect_safeguarding(raw[:MAX_SAFEGUARDING_CHARS]) if raw.strip() else None
    safeguarding = (
        SafeguardingNote(category=result.category, reason=result.reason)
        if result is not None and result.flagged
        else None
    )
    notices = _notices(reading, len(raw))
    if reading.empty:
        return PreparationBrief(safeguarding=safeguarding, notices=notices, reading=reading)
    text = reading.text
    analysis = analyse_message(_first_person(text), today=date.today(), signals=signals)
    norm = _first_person(normalise_for_matching(text))
    criteria = [signal.label for signal in signals.criteria if signal.id in analysis.criteria]
    for criterion in signals.criteria:
        if criterion.label not in criteria and any(
            re.search(rf"\b{re.escape(normalise_for_matching(cue))}\b", norm)
            for cue in criterion.cues
        ):
            criteria.append(criterion.label)

    used: set[str] = set()
    needs, need_questions = _needs(reading, knowledge, used)
    occupations = _link_occupations(reading, text, analysis, knowledge)

    engine_needs: list[Need] = [n for n in NEEDS if n in reading.need_ids()]
    profile = ClientProfile(
        name=reading.name, year_group=reading.year_group, age=reading.age, needs=engine_needs
    )
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

    phrases = load_phrasebook()
    plain = any((g := phrases.need(n)) is not None and g.plain_language for n in engine_needs)
    writer = DraftWriter(
        phrases=phrases,
        interview=load_interview(),
        knowledge=knowledge,
        state=state,
        analysis=MessageAnalysis(text=""),
        plain=plain,
    )
    # The contracting phrase and a need's reassurance can say the same thing twice ("You'll get
    # a copy of our plan." / "You'll get your plan in writing..."): keep the fuller one.
    opening = dedupe_sentences(writer.opening(with_agenda=False))

    questions = _questions(reading, occupations, need_questions, writer, criteria)
    return PreparationBrief(
        safeguarding=safeguarding,
        notices=notices,
        name=reading.name,
        year_group=reading.year_group,
        age=reading.age,
        grades=[_md(g) for g in reading.grades],
        subjects=reading.subjects,
        experience=[_md(m.quote) for m in reading.experience],
        needs=needs,
        interests=[f"{_md(i.text)} (“{_md(i.quote)}”)" for i in reading.interests],
        strengths=[_md(m.quote) for m in reading.strengths],
        dislikes=[_md(m.text) for m in reading.dislikes],
        routes=_route_lines(reading),
        worries=[
            _md(m.quote)
            for m in reading.worries
            if not any(m.quote in n.quote or n.quote in m.quote for n in reading.needs)
        ],
        criteria=criteria,
        occupations=occupations,
        points_to_test=_points_to_test(state, reading, occupations),
        framework_points=_framework_points(
            knowledge, reading, occupations, used, safeguarding is not None
        ),
        opening=opening,
        questions=questions,
        reading=reading.model_copy(update={"text": ""}),  # the brief does not carry the notes
    )


def _questions(
    notes: ClientNotes,
    occupations: Sequence[BriefOccupation],
    need_questions: Mapping[str, str],
    writer: DraftWriter,
    criteria: Sequence[str],
) -> list[str]:
    questions: list[str] = list(need_questions.values())[:3]
    titles = [w for o in occupations if o.link != "interest" for w in _title_words(o.title)]
    for interest in [i for i in notes.interests if i.kind == "idea"][:2]:
        fields = [
            item
            for item in interest.items
            if not any(related_words(w, t) for w in content_words(item) for t in titles)
        ]
        if fields:
            joiner = " or " if " or " in interest.text else " and "
            questions.append(f"What draws you to {_md(joiner.join(fields))}?")
    for mention in notes.routes:
        name = _ROUTE_WORDS[mention.route]
        if "knows little" in mention.views:
            questions.append(
                f"What do you know about {name} so far, and what would you like to find out?"
            )
        elif "doubts" in mention.views:
            questions.append(f"What is making you unsure about {name}?")
    for occupation in occupations[:2]:
        questions.append(writer.say("open_question.option_view", option=article(occupation.title)))
    known: set[str] = set()
    if notes.interests:
        known.add("interests")
    if notes.strengths:
        known.add("strengths")
    if criteria:
        known.add("values")
    if need_questions:
        known.add("circumstances")
    for topic in TOPIC_IDS:
        if topic not in known:
            questions.append(writer.topic_question(topic))
    return list(dict.fromkeys(questions))[:10]
