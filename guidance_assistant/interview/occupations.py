"""Occupations named in a client message, and whose they are.

Titles are looked up through :mod:`guidance_assistant.lmi.titles`; this module finds where a
message names a job (exact titles, "be a X", "work as X", "how much do X earn") and reads the words
before it: someone else's job ("my mum is a nurse"), the client's current one, or someone's
suggestion is not the client's own idea.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from guidance_assistant.interview.model import (
    SignalsFile,
    load_signals,
)
from guidance_assistant.text.clean import (
    analysis_view,
    normalise_for_matching,
)

if TYPE_CHECKING:
    pass
from guidance_assistant.interview.lexicon import Lexicon, any_cue, lexicon_for
from guidance_assistant.interview.message import AmbiguousMention, OccupationMention
from guidance_assistant.lmi.titles import (
    FUZZY_ACCEPT,
    FUZZY_SURE,
    JOB_CONTEXT,
    compound_lookup,
    find_forms,
    longest_title_words,
    same_head,
    shares_word,
    singulars,
    subject_teacher,
    title_lookup,
    title_tails,
    titles_within,
    trim_phrase,
)
from guidance_assistant.text.words import STOP_WORDS

_WORD_ = r"(?P<phrase>[a-z][a-z -]{1,60})"


#: Patterns that introduce a job title, and whether they are "strong" (the words after them are
#: almost surely a job: fuzzy matches are accepted) or "weak" (only near-exact matches count).
_JOB_PATTERNS: list[tuple[re.Pattern[str], bool]] = [
    (re.compile(p), strong)
    for p, strong in (
        (rf"\b(?:be|become|becoming|being)\s+(?:an?\s+|the\s+)?{_WORD_}", True),
        (
            r"\b(?:work|working|worked|job|jobs|career|careers|train|training|trained|start|"
            rf"starting|qualify|qualified)\s+as\s+(?:an?\s+)?{_WORD_}",
            True,
        ),
        (rf"\b(?:train|training|study|studying)\s+to\s+be\s+(?:an?\s+)?{_WORD_}", True),
        (
            r"\bhow\s+much\s+(?:do|does|would|could|can|will)\s+(?:an?\s+)?"
            r"(?P<phrase>[a-z][a-z -]{1,60}?)\s+(?:earn|make|get|take)",
            True,
        ),
        (r"\bwhat\s+(?:do|does)\s+(?:an?\s+)?(?P<phrase>[a-z][a-z -]{1,60}?)\s+do\b", True),
        (
            r"\bwhat\s+(?:do|does|would|could|can|will)\s+(?:an?\s+)?"
            r"(?P<phrase>[a-z][a-z -]{1,60}?)\s+(?:earn|make|get\s+paid)\b",
            True,
        ),
        (
            r"\b(?:pay|salary|salaries|wages?|hours|earnings)\s+(?:of|for|as)\s+(?:an?\s+)?"
            + _WORD_,
            True,
        ),
        (
            r"\bhow\s+(?:do|can|would|could)\s+(?:i|you|someone|people)\s+(?:become|get\s+into|"
            rf"train\s+as|qualify\s+as)\s+(?:an?\s+)?{_WORD_}",
            True,
        ),
        (
            r"\b(?:make|making|design|designing|create|creating|develop|developing|build|"
            r"building|program|programming|code|coding)\s+(?:my\s+own\s+|their\s+own\s+)?"
            r"(?P<phrase>(?:video|computer|mobile)\s+games?)\b",
            True,
        ),
        (rf"\b(?:go|going|get|getting|move|moving)\s+into\s+{_WORD_}", False),
        (rf"\bcareers?\s+in\s+{_WORD_}", False),
        (
            r"\b(?:thinking|thought|wondering)\s+(?:about|of)\s+(?:being\s+an?\s+|becoming\s+an?\s+|"
            rf"an?\s+)?{_WORD_}",
            False,
        ),
        (
            r"\b(?:interested\s+in|tell\s+me\s+about|information\s+(?:on|about)|what\s+about|"
            r"how\s+about|looking\s+at|look\s+at)\s+(?:being\s+an?\s+|becoming\s+an?\s+|an?\s+)?"
            + _WORD_,
            False,
        ),
        (
            r"\b(?:the|an?)\s+(?P<phrase>[a-z][a-z -]{1,40}?)\s+(?:apprenticeship|course|degree|"
            r"route|training)\b",
            False,
        ),
    )
]


#: Words that follow "be a", "into" and the like without naming a job.
_NOT_JOBS_WORDS = (
    "good great bad better best happy able rich famous successful sure honest part careful nice "
    "independent creative outside outdoors free done finished sorted ok okay fine own boss "
    "college uni university school sixth form a level levels apprenticeship apprenticeships "
    "course courses degree t btec work job jobs money options option it something stuff things "
    "careers career future art arts science sciences maths math english music sport sports "
    "football gaming games computing computers design drama dance history geography biology "
    "chemistry physics business animals cooking drawing writing reading fashion cars technology "
    "tech media film films photography languages french spanish german psychology sociology law "
    "medicine engineering health healthcare education politics economics travel people kids "
    "children helping help that this them him her one something anything everything nothing "
    "retail hospitality construction"
)


_NOT_JOBS = frozenset(_NOT_JOBS_WORDS.split())


def _attributed(before: str, lexicon: Lexicon) -> tuple[bool, bool]:
    """(not the client's idea, someone else's suggestion) from the words just before a title:
    someone else's job ("my mum is a nurse") or the client's current one ("I'm doing a plumbing
    apprenticeship") is not an idea to explore."""
    tail = before[-80:]
    others = any(pattern.search(tail) for pattern in lexicon.others_jobs) or any(
        pattern.search(tail) for pattern in lexicon.current_jobs
    )
    suggested = any(pattern.search(tail) for pattern in lexicon.suggested_jobs)
    return others, suggested


def _scan_titles(norm: str, lexicon: Lexicon) -> list[tuple[int, int, OccupationMention]]:
    tokens = [(m.group(), m.start(), m.end()) for m in re.finditer(r"[a-z0-9]+", norm)]
    found: list[tuple[int, int, OccupationMention]] = []
    taken: set[int] = set()
    longest = longest_title_words()
    for size in range(min(longest, 6), 0, -1):
        for i in range(len(tokens) - size + 1):
            if any(j in taken for j in range(i, i + size)):
                continue
            window = [t[0] for t in tokens[i : i + size]]
            if size == 1 and (window[0] in STOP_WORDS or len(window[0]) < 2):
                continue
            start, end = tokens[i][1], tokens[i + size - 1][2]
            before = norm[:start]
            hit = title_lookup(window)
            score = 100.0
            if hit is None and size >= 2 and not re.search(r"[^a-z0-9 ]", norm[start:end]):
                hit = subject_teacher(window, before) or compound_lookup(window)
                score = FUZZY_SURE
            if hit is None:
                continue
            if (
                size == 1
                and window[0] in lexicon.ambiguous_titles
                and not JOB_CONTEXT.search(before)
            ):
                continue
            others, suggested = _attributed(before, lexicon)
            found.append(
                (
                    start,
                    end,
                    OccupationMention(
                        occupation_id=hit[0],
                        title=hit[1],
                        phrase=norm[start:end],
                        score=score,
                        own_idea=not others and not suggested,
                        suggested_by_others=suggested,
                    ),
                )
            )
            taken.update(range(i, i + size))
    return found


def _fuzzy_mentions(
    norm: str, covered: list[tuple[int, int]], lexicon: Lexicon
) -> tuple[list[tuple[int, int, OccupationMention]], list[AmbiguousMention]]:
    from guidance_assistant import lmi
    from guidance_assistant.errors import LMIError

    found: list[tuple[int, int, OccupationMention]] = []
    ambiguous: list[AmbiguousMention] = []
    seen: set[str] = set()
    tails = title_tails()
    for pattern, strong in _JOB_PATTERNS:
        for match in pattern.finditer(norm):
            start = match.start("phrase")
            phrase = trim_phrase(match.group("phrase"))
            if not phrase or phrase in seen:
                continue
            seen.add(phrase)
            end = start + len(phrase)
            if any(start < e and s < end for s, e in covered):
                continue
            others, suggested = _attributed(norm[:start], lexicon)
            alias = lexicon.aliases.get(phrase)
            record_hit: tuple[str, str, float] | None = None
            if alias is not None:
                try:
                    record = lmi.get(alias)
                    record_hit = (record.id, record.title, 100.0)
                except LMIError:
                    record_hit = None
            if record_hit is None:
                if phrase in _NOT_JOBS or all(
                    w in _NOT_JOBS or w in STOP_WORDS for w in phrase.split()
                ):
                    continue
                singular = " ".join([*phrase.split()[:-1], singulars(phrase.split()[-1])[-1]])
                heads = tails.get(phrase) or tails.get(singular) or []
                if len(heads) >= 2:
                    if strong:
                        ambiguous.append(AmbiguousMention(phrase=phrase, candidates=heads[:12]))
                    continue
                if len(heads) == 1 and len(singular.split()) >= 2 and strong:
                    # "games developers" is the tail of exactly one title: that job.
                    record_hit = (heads[0][0], heads[0][1], FUZZY_SURE)
            if record_hit is None:
                within = titles_within(phrase)
                if len(within) == 1:
                    # "IT technician": the words of exactly one title, in order, same head noun.
                    record_hit = (within[0][0], within[0][1], FUZZY_SURE)
                elif len(within) >= 2 and strong:
                    ambiguous.append(AmbiguousMention(phrase=phrase, candidates=within[:12]))
                    continue
            if record_hit is None:
                try:
                    matches = find_forms(phrase)
                except LMIError:
                    continue
                matches = [m for m in matches if shares_word(phrase, m.matched_title)]
                # "doctor" is the head of "Hospital doctor", not of "Doctor's receptionist":
                # titles that end with the phrase's head noun come first.
                headed = [m for m in matches if same_head(phrase, m.matched_title)]
                matches = headed or matches
                if not matches:
                    continue
                top = matches[0]
                close = [m for m in matches[1:] if m.score >= top.score - 3]
                threshold = FUZZY_ACCEPT if strong else FUZZY_SURE
                if top.score < threshold or (top.score < FUZZY_SURE and close):
                    if strong and top.score >= FUZZY_ACCEPT and close:
                        ambiguous.append(
                            AmbiguousMention(
                                phrase=phrase,
                                candidates=[(m.record.id, m.record.title) for m in [top, *close]][
                                    :4
                                ],
                            )
                        )
                    continue
                record_hit = (top.record.id, top.record.title, top.score)
            found.append(
                (
                    start,
                    end,
                    OccupationMention(
                        occupation_id=record_hit[0],
                        title=record_hit[1],
                        phrase=phrase,
                        score=record_hit[2],
                        own_idea=not others and not suggested,
                        suggested_by_others=suggested,
                    ),
                )
            )
            covered.append((start, end))
    return found, ambiguous


def criteria_of(text: str, signals: SignalsFile | None = None) -> list[str]:
    """The ids of the client criteria that ``text`` speaks to ("a job that pays well" →
    ``high_pay``)."""
    lexicon = lexicon_for(signals or load_signals())
    norm = normalise_for_matching(analysis_view(text))
    return [
        criterion_id
        for criterion_id, pattern in lexicon.criteria.items()
        if any_cue(pattern, norm, negatable=criterion_id not in lexicon.subjects.values())
    ]


def find_occupations(
    text: str, signals: SignalsFile | None = None
) -> tuple[list[OccupationMention], list[AmbiguousMention]]:
    """Occupations named in ``text`` (exact titles first, then fuzzy matches), in text order."""
    lexicon = lexicon_for(signals or load_signals())
    norm = normalise_for_matching(analysis_view(text))
    exact = _scan_titles(norm, lexicon)
    covered = [(start, end) for start, end, _ in exact]
    fuzzy, ambiguous = _fuzzy_mentions(norm, covered, lexicon)
    ordered = sorted([*exact, *fuzzy], key=lambda item: item[0])
    mentions: list[OccupationMention] = []
    ids: set[str] = set()
    for _, _, mention in ordered:
        if mention.occupation_id not in ids:
            ids.add(mention.occupation_id)
            mentions.append(mention)
    ambiguous = [a for a in ambiguous if not any(c[0] in ids for c in a.candidates)]
    return mentions, ambiguous
