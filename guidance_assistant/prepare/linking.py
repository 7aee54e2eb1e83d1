"""Linking an adviser's notes to occupations, each link with its reason (a precision guard: every
link needs shared words), and the records' figures and routes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from guidance_assistant.interview import grounding
from guidance_assistant.interview.grounding import KnowledgeSource, cite_figure, money
from guidance_assistant.interview.message import (
    AmbiguousMention,
    MessageAnalysis,
    OccupationMention,
)
from guidance_assistant.interview.model import (
    load_signals,
)
from guidance_assistant.interview.occupations import find_occupations
from guidance_assistant.lmi.models import OccupationRecord
from guidance_assistant.lmi.titles import TitleMatch, title_matches, title_words
from guidance_assistant.prepare.brief_model import (
    MAX_OCCUPATIONS,
    ROUTE_FAMILY,
    BriefFigure,
    BriefOccupation,
    BriefRoute,
    LinkKind,
    _record,
)
from guidance_assistant.prepare.notes import (
    ClientNotes,
    Interest,
    content_words,
    related_words,
    word_forms,
    words_of,
)
from guidance_assistant.text.clean import normalise_for_matching
from guidance_assistant.text.subjects import subjects_in

# ------------------------------------------------------------------------ occupation records


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

    def ranked(self, query: str, matches: Sequence[TitleMatch]) -> list[TitleMatch]:
        """Title matches ordered: exact titles first, then by closeness to ``query`` (dense
        search, when the knowledge base has it), then apprenticeship routes when the notes
        lean that way, then fewer extra words."""
        scores = _similarities(self.knowledge, query, [m.record.id for m in matches]) or {}

        def key(match: TitleMatch) -> tuple[float, ...]:
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
    head = title_words(record.title)[-1:]
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
            for m in title_matches(head)
            if m.kind in ("exact", "head")
            and any(related_words(head, w) for w in title_words(m.title)[-1:])
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
            matches = title_matches(item)
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
        own = {w for t in [anchor.title, *anchor.alternative_titles] for w in title_words(t)}
        telling = [(w, q) for w, q in positive if not any(related_words(w, o) for o in own)]
        for record in lmi.bundled_store().all():
            if record.id == anchor.id or _soc_group(record) != group:
                continue
            for title in [record.title, *record.alternative_titles]:
                words = title_words(title)
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
        for match in title_matches(subject):
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
        words = title_words(candidate.record.title)
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
    others = _SomeoneElses(notes)
    mentions = [m for m in mentions if not others.holds(m.title)]
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
    chosen = [c for c in chosen if not others.holds(c.record.title)]
    return [_occupation(c.record, c.why, c.link, knowledge) for c in chosen]


class _SomeoneElses:
    """Job titles that are the job or the role of a person in the client's life (a parent's
    trade, the foster carer, the TA) and not one of the client's own ideas: the brief never turns
    them into options."""

    def __init__(self, notes: ClientNotes) -> None:
        self.own = list(
            dict.fromkeys(
                item for i in notes.interests if i.kind == "idea" for item in (i.items or [i.text])
            )
        )
        self.theirs = list(
            dict.fromkeys(
                phrase for p in notes.people for phrase in (p.who, p.job) if phrase is not None
            )
        )
        self._seen: dict[str, bool] = {}

    def holds(self, title: str) -> bool:
        from guidance_assistant.prepare.facts import phrase_matches

        if title not in self._seen:
            self._seen[title] = bool(self.theirs) and (
                not any(phrase_matches(idea, title) for idea in self.own)
                and any(phrase_matches(title, phrase) for phrase in self.theirs)
            )
        return self._seen[title]
