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

import re
from collections.abc import Mapping, Sequence
from datetime import date

from guidance_assistant.interview import grounding
from guidance_assistant.interview.drafts import DraftWriter
from guidance_assistant.interview.grounding import KnowledgeSource
from guidance_assistant.interview.message import MessageAnalysis
from guidance_assistant.interview.model import (
    NEEDS,
    TOPIC_IDS,
    Need,
    load_interview,
    load_signals,
)
from guidance_assistant.interview.phrases import load_phrasebook
from guidance_assistant.interview.reading import analyse_message
from guidance_assistant.interview.state import ClientCriterion, ClientProfile, SessionState
from guidance_assistant.interview.updates import article, make_option, refresh_discrepancies
from guidance_assistant.lmi.titles import title_words
from guidance_assistant.prepare.brief_model import (
    MAX_SAFEGUARDING_CHARS,
    BriefOccupation,
    BriefPoint,
    PreparationBrief,
    SafeguardingNote,
    _record,
)
from guidance_assistant.prepare.citing import (
    _cited,
    _Facts,
    _needs,
    whole_sentences,
)
from guidance_assistant.prepare.linking import _link_occupations, _md
from guidance_assistant.prepare.notes import (
    MAX_NOTES_CHARS,
    ClientNotes,
    RouteName,
    content_words,
    read_notes,
    related_words,
)
from guidance_assistant.safeguarding.rules import detect_safeguarding
from guidance_assistant.text.clean import clean_input, normalise_for_matching, sentences
from guidance_assistant.text.words import stem_words

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
    return set(
        stem_words(
            w
            for w in re.findall(r"[a-z']+", sentence.lower())
            if w not in _DEDUPE_STOP and len(w) > 2
        )
    )


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


_TARIFF = {"A*": 56, "A": 48, "B": 40, "C": 32, "D": 24, "E": 16}


def _grade_lines(notes: ClientNotes) -> list[str]:
    """Grades with their subjects and status ("maths 6, predicted"); the notes' own words for
    grades the reader could not pair with a subject."""
    lines = [
        f"{g.subject} {g.grade}" + ("" if g.status == "none" else f", {g.status.replace('_', ' ')}")
        for g in notes.subject_grades
        if g.grade
    ]
    paired = {g.subject.lower() for g in notes.subject_grades}
    lines += [g for g in notes.grades if not any(subject in g.lower() for subject in paired)]
    return [_md(line) for line in lines]


def _letters_points(letters: str) -> int | None:
    grades = re.findall(r"A\*|[A-E]", letters)
    return sum(_TARIFF[g] for g in grades) if len(grades) >= 3 else None


def _gaps(notes: ClientNotes) -> list[str]:
    """What the adviser should check: predicted A level grades below an offer's conditions,
    attendance below 95%, travel."""
    gaps: list[str] = []
    predicted = sorted(
        (
            _TARIFF[g.grade]
            for g in notes.subject_grades
            if g.grade in _TARIFF and g.status in ("predicted", "working_at")
        ),
        reverse=True,
    )[:3]
    letters = "".join(
        g.grade or ""
        for g in notes.subject_grades
        if g.grade in _TARIFF and g.status in ("predicted", "working_at")
    )
    if len(predicted) == 3:
        below = [
            o
            for o in notes.offers
            if o.conditions
            and o.status in ("conditional", "firm", "insurance", "pending")
            and (need := _letters_points(o.conditions)) is not None
            and sum(predicted) < need
        ]
        if below:
            gaps.append(
                f"Predicted {letters} is below the conditions of "
                + "; ".join(f"{o.what} ({o.conditions})" for o in below)
                + ": talk about a back-up and what happens on results day."
            )
    for circumstance in notes.circumstances:
        if circumstance.kind == "attendance":
            rate = re.search(r"(\d{2}(?:\.\d)?)\s*%", circumstance.detail)
            if rate is None or float(rate.group(1)) < 95:
                gaps.append(
                    f"Attendance (“{circumstance.detail}”): check how it bears on the routes, "
                    "courses and entry conditions discussed."
                )
        elif circumstance.kind == "travel":
            gaps.append(
                f"Travel (“{circumstance.detail}”): check which providers are realistically "
                "reachable, and the time and cost of each."
            )
    return [_md(gap) for gap in gaps]


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
        grades=_grade_lines(reading),
        offers=[
            _md(
                f"{o.what}: {o.status.replace('_', ' ')}"
                + (f" ({o.conditions})" if o.conditions else "")
            )
            for o in reading.offers
        ],
        people=[_md(f"{p.who}: {p.job}") for p in reading.people if p.job],
        ruled_out=[_md(m.text) for m in reading.rejected],
        gaps=_gaps(reading),
        subjects=reading.subjects,
        experience=[_md(m.quote) for m in reading.experience],
        needs=needs,
        interests=[f"{_md(i.text)} (“{_md(i.quote)}”)" for i in reading.interests],
        strengths=list(dict.fromkeys(_md(m.quote) for m in reading.strengths)),
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
    titles = [w for o in occupations if o.link != "interest" for w in title_words(o.title)]
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


__all__ = ["PreparationBrief", "dedupe_sentences", "prepare_brief", "whole_sentences"]
