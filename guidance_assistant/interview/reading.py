"""A light, rule-based reading of one client message: what they did and what they said.

:func:`analyse_message` finds intents (asked for information, expressed a feeling, agreed, went
off topic...), the exploration topics the message speaks to (with a short gist in the client's
own words), the client's criteria ("good pay", "no more studying"), occupations mentioned (exact
titles, "be a X", "work as X", fuzzy matches through :func:`guidance_assistant.lmi.find`),
feelings, views of an option, routes, dates and actions.

It is pure: the same text and ``today`` always give the same analysis. The phrases it listens
for are data (``prompts/interview/signals.yaml``). Client text is only ever matched, never run.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz

from guidance_assistant.interview.model import (
    FeelingKind,
    InfoKind,
    Need,
    RouteKind,
    SignalsFile,
    TopicId,
    load_signals,
)
from guidance_assistant.safeguarding.rules import SafeguardingResult, detect_safeguarding
from guidance_assistant.text.clean import (
    MAX_ANALYSIS_CHARS,
    analysis_view,
    clip_words,
    normalise_for_matching,
    second_person,
    truncate,
    words,
)
from guidance_assistant.text.dates import DateMention, find_dates

if TYPE_CHECKING:
    from guidance_assistant.lmi.models import OccupationMatch

Intent = Literal[
    "ask_information",
    "ask_framework",
    "ask_opinion",
    "express_feeling",
    "state_interest",
    "state_strength",
    "state_criteria",
    "mention_occupation",
    "agree",
    "disagree",
    "dont_know",
    "finished",
    "decide",
    "keep_open",
    "propose_action",
    "off_topic",
    "injection",
    "about_adviser",
    "greeting",
    "thanks",
]
OptionView = Literal["positive", "negative", "unsure"]

#: A fuzzy job-title match is accepted at or above this score (0–100) when it is clearly best.
FUZZY_ACCEPT = 88.0
#: ...and always at or above this one.
FUZZY_SURE = 95.0

_STOPWORDS_WORDS = (
    "a an the and or but so to of in on at for with by from as is are was were be been am i im "
    "me my you your it its this that these those there here do does did dont not no yes yeah ok "
    "okay just really very quite maybe um er like well then than too also about what how when "
    "who which would could should will can cant wont i'd id ill ive we our they them he she his "
    "her"
)
_STOPWORDS = frozenset(_STOPWORDS_WORDS.split())
_CONTENT_WORD = re.compile(r"[a-z][a-z'-]+")
_NEGATORS = re.compile(
    r"\b(?:not|never|dont|doesnt|didnt|isnt|arent|wasnt|wont|cant|no|hardly|nobody)\s+(?:\w+\s+)?$"
)
_CLAUSE_SPLIT = re.compile(
    r"[.!?;\n]+|,\s*(?:but|and|so|because|although|though)\s+|\s+but\s+"
    r"|,\s*(?=(?:i|im|i'm|i've|ive|my|we|me)\b)|\s+and\s+(?=(?:i|im|ive)\b)",
    re.IGNORECASE,
)
_PHRASE_STOP_WORDS = (
    "because and but or so when if like in at for with after before since though although as "
    "one day someday eventually later maybe probably then too also either either really"
)
_PHRASE_STOP = frozenset(_PHRASE_STOP_WORDS.split())
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


class OccupationMention(BaseModel):
    """A job the client named, matched to an occupation record."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    occupation_id: str
    title: str
    phrase: str = Field(description="The client's words that named it.")
    score: float
    own_idea: bool = Field(default=True, description="False when it is someone else's job.")
    suggested_by_others: bool = False


class AmbiguousMention(BaseModel):
    """Words that could name several jobs ("engineer"): the adviser should ask which."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    phrase: str
    candidates: list[tuple[str, str]] = Field(description="(occupation id, title) pairs.")


class TopicEvidence(BaseModel):
    """Something the client said about an exploration topic."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    topic: TopicId
    gist: str = Field(description="A short clause in the client's words, turned to 'you'.")
    text: str = Field(description="The client's clause, as typed.")
    weight: int = Field(default=1, description="How many of the topic's cues the clause holds.")


class ActionMention(BaseModel):
    """A step someone will take ("I'll email the college by Friday")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    what: str
    who: str
    text: str
    concrete: bool = Field(
        default=False, description="Starts with a doing word ('look at', 'talk to'): a real step."
    )
    anaphoric: bool = Field(
        default=False, description="Points back at steps already said ('I'll do it', 'do both')."
    )


class MessageAnalysis(BaseModel):
    """What the analyser found in one client message."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(description="The text analysed (cleaned, HTML tags dropped, maybe cut).")
    safeguarding: SafeguardingResult | None = Field(
        default=None, description="The safeguarding check of the whole message (run first)."
    )
    empty: bool = False
    distress: float | None = Field(
        default=None,
        description="Set when the safeguarding check found a concern, not a disclosure (the "
        "learned reader's score, or 1.0 when cues raised it): the adviser checks in.",
    )
    secrecy_request: bool = Field(
        default=False,
        description="Asked to keep something secret after a worrying remark (safeguarding).",
    )
    truncated: bool = False
    original_length: int = 0
    word_count: int = 0
    content_words: int = 0
    is_question: bool = False
    intents: list[Intent] = Field(default_factory=list)
    info_kinds: list[InfoKind] = Field(default_factory=list)
    topics: list[TopicEvidence] = Field(default_factory=list)
    feelings: list[FeelingKind] = Field(default_factory=list)
    criteria: list[str] = Field(default_factory=list)
    occupations: list[OccupationMention] = Field(default_factory=list)
    ambiguous: list[AmbiguousMention] = Field(default_factory=list)
    option_view: OptionView | None = None
    routes: list[RouteKind] = Field(default_factory=list)
    dates: list[DateMention] = Field(default_factory=list)
    action: ActionMention | None = None
    actions: list[ActionMention] = Field(
        default_factory=list, description="Every step named ('look at X and talk to Y': two)."
    )
    refers_back: bool = Field(
        default=False, description="Points at something already discussed ('into it', 'that job')."
    )
    agenda_change: bool = Field(
        default=False, description="Names a (new) focus for the session ('I want to talk about')."
    )
    criteria_gists: dict[str, str] = Field(
        default_factory=dict, description="Criterion id → the clause that said it, turned to 'you'."
    )
    needs: list[Need] = Field(default_factory=list)
    subject_words: list[str] = Field(
        default_factory=list, description="Subjects named, e.g. 'maths' (for challenges)."
    )

    def has(self, *intents: Intent) -> bool:
        """Whether any of ``intents`` was found."""
        return any(intent in self.intents for intent in intents)

    @property
    def own_occupations(self) -> list[OccupationMention]:
        return [m for m in self.occupations if m.own_idea]

    def topic_ids(self) -> list[TopicId]:
        return list(dict.fromkeys(evidence.topic for evidence in self.topics))


# ------------------------------------------------------------------------------- lexicon


def _cue_pattern(cues: Iterable[str]) -> re.Pattern[str] | None:
    normalised = sorted(
        {normalise_for_matching(cue) for cue in cues if normalise_for_matching(cue)},
        key=len,
        reverse=True,
    )
    if not normalised:
        return None
    body = "|".join(r"\s+".join(re.escape(part) for part in cue.split()) for cue in normalised)
    return re.compile(rf"(?<![a-z0-9])(?:{body})(?![a-z0-9])")


class _Lexicon:
    """The compiled phrases of one :class:`SignalsFile`."""

    def __init__(self, signals: SignalsFile) -> None:
        self.signals = signals

        def cues(items: Iterable[str]) -> re.Pattern[str] | None:
            return _cue_pattern(items)

        self.agreement = cues(signals.agreement)
        self.disagreement = cues(signals.disagreement)
        self.dont_know = cues(signals.dont_know)
        self.finished = cues(signals.finished)
        self.greetings = cues(signals.greetings)
        self.thanks = cues(signals.thanks)
        self.feelings = {kind: cues(items) for kind, items in signals.feelings.items()}
        self.topics = {topic: cues(items) for topic, items in signals.topics.items()}
        self.criteria = {c.id: cues(c.cues) for c in signals.criteria}
        self.information = {kind: cues(items) for kind, items in signals.information.items()}
        self.framework = cues(signals.framework_terms)
        self.question_starts = cues(signals.question_starts)
        self.ask_opinion = cues(signals.ask_opinion)
        self.view_positive = cues(signals.option_view.positive)
        self.view_negative = cues(signals.option_view.negative)
        self.view_unsure = cues(signals.option_view.unsure)
        self.decision = cues(signals.decision)
        self.keep_open = cues(signals.keep_open)
        self.action_starts = cues(signals.action_starts)
        self.action_verbs = cues(signals.action_verbs)
        self.refers_back = cues(signals.refers_back)
        self.owners = [(label, cues(items)) for label, items in signals.owners.items()]
        self.routes = {route: cues(items) for route, items in signals.routes.items()}
        self.needs = {need: cues(items) for need, items in signals.needs.items()}
        self.off_topic = [re.compile(p) for p in signals.off_topic]
        self.injection = [re.compile(p) for p in signals.injection]
        self.about_adviser = [re.compile(p) for p in signals.about_adviser]
        self.others_jobs = [re.compile(p) for p in signals.others_jobs]
        self.suggested_jobs = [re.compile(p) for p in signals.suggested_jobs]
        self.current_jobs = [re.compile(p) for p in signals.current_jobs]
        self.ambiguous_titles = {normalise_for_matching(t) for t in signals.ambiguous_titles}
        self.aliases = {
            normalise_for_matching(alias): target
            for alias, target in signals.occupation_aliases.items()
        }
        self.subjects = {
            (c.subject or "").lower(): c.id for c in signals.criteria if c.subject is not None
        }


_LEXICONS: dict[int, tuple[SignalsFile, _Lexicon]] = {}


def _lexicon(signals: SignalsFile) -> _Lexicon:
    cached = _LEXICONS.get(id(signals))
    if cached is not None and cached[0] is signals:
        return cached[1]
    lexicon = _Lexicon(signals)
    _LEXICONS[id(signals)] = (signals, lexicon)
    return lexicon


def _found(
    pattern: re.Pattern[str] | None, text: str, *, negatable: bool = False
) -> list[re.Match[str]]:
    if pattern is None:
        return []
    matches = []
    for match in pattern.finditer(text):
        if negatable and _NEGATORS.search(text[max(0, match.start() - 30) : match.start()]):
            continue
        matches.append(match)
    return matches


def _any(pattern: re.Pattern[str] | None, text: str, *, negatable: bool = False) -> bool:
    return bool(_found(pattern, text, negatable=negatable))


# ------------------------------------------------------------------------------ job titles


@functools.lru_cache(maxsize=1)
def _title_index() -> dict[str, tuple[str, str]]:
    """Normalised job title → (occupation id, display title), main titles first."""
    from guidance_assistant import lmi

    index: dict[str, tuple[str, str]] = {}
    records = lmi.bundled_store().all()
    for record in records:
        index.setdefault(_norm_title(record.title), (record.id, record.title))
    for record in records:
        for title in record.alternative_titles:
            index.setdefault(_norm_title(title), (record.id, record.title))
    return index


@functools.lru_cache(maxsize=1)
def _longest_title_words() -> int:
    return max(len(key.split()) for key in _title_index())


@functools.lru_cache(maxsize=1)
def _title_tails() -> dict[str, list[tuple[str, str]]]:
    """The last one or two words of titles ("teacher", "software engineer") → the records whose
    main title ends with them, used to spot words that name a family of jobs."""
    from guidance_assistant import lmi

    tails: dict[str, list[tuple[str, str]]] = {}
    for record in lmi.bundled_store().all():
        parts = _norm_title(record.title).split()
        for size in (1, 2):
            if len(parts) > size:
                key = " ".join(parts[-size:])
                tails.setdefault(key, []).append((record.id, record.title))
    return tails


def _norm_title(title: str) -> str:
    return " ".join(normalise_for_matching(title.replace("-", " ")).replace(",", " ").split())


def _singulars(word: str) -> list[str]:
    forms = [word]
    if word.endswith("ies") and len(word) > 4:
        forms.append(word[:-3] + "y")
    if word.endswith("es") and len(word) > 3:
        forms.append(word[:-2])
    if word.endswith("s") and len(word) > 3:
        forms.append(word[:-1])
    if word == "people":
        forms.append("person")
    return forms


def _title_lookup(tokens: list[str]) -> tuple[str, str] | None:
    index = _title_index()
    for last in _singulars(tokens[-1]):
        key = " ".join([*tokens[:-1], last])
        if key in index:
            return index[key]
    return None


@functools.lru_cache(maxsize=1)
def _title_texts() -> tuple[
    tuple[tuple[tuple[str, ...], tuple[str, str]], ...],
    tuple[tuple[tuple[str, ...], tuple[str, str]], ...],
]:
    """(Every main and alternative title, the occupation group titles of each record: SOC 2010
    and primary SOC 2020), as word tuples with the record they name."""
    from guidance_assistant import lmi

    titles = tuple((tuple(key.split()), hit) for key, hit in _title_index().items())
    groups: list[tuple[tuple[str, ...], tuple[str, str]]] = []
    for record in lmi.bundled_store().all():
        names = [record.soc2010.title]
        primary = record.primary_soc2020
        if primary is not None:
            names.append(primary.title)
        for name in dict.fromkeys(names):
            groups.append((tuple(_norm_title(name).split()), (record.id, record.title)))
    return titles, tuple(groups)


@functools.lru_cache(maxsize=1)
def _short_forms() -> dict[str, frozenset[str]]:
    """A one-word title that is also the short form of a longer word in other titles ("vet" →
    "veterinary"), where the records share a job category: word → the records it abbreviates."""
    from guidance_assistant import lmi

    records = {r.id: r for r in lmi.bundled_store().all()}
    singles = {key: hit for key, hit in _title_index().items() if " " not in key and len(key) >= 3}
    found: dict[str, set[str]] = {}
    for parts, hit in _title_texts()[0]:
        for word in parts[:-1]:
            for short, short_hit in singles.items():
                if len(word) > len(short) + 2 and word.startswith(short):
                    mine, theirs = records.get(hit[0]), records.get(short_hit[0])
                    if mine and theirs and set(mine.job_categories) & set(theirs.job_categories):
                        found.setdefault(short, set()).add(hit[0])
    return {short: frozenset(ids) for short, ids in found.items()}


def _holds_phrase(parts: tuple[str, ...], words_: list[str], record_id: str) -> bool:
    """Whether ``parts`` (a title's words) hold ``words_`` as a run ending in a head-noun form,
    each other word the same or its short form ("vet" for "veterinary")."""
    size = len(words_)
    heads = set(_singulars(words_[-1]))
    for start in range(len(parts) - size + 1):
        run = parts[start : start + size]
        if not (heads & set(_singulars(run[-1]))):
            continue
        if all(
            said == word
            or (word.startswith(said) and record_id in _short_forms().get(said, frozenset()))
            for said, word in zip(words_[:-1], run[:-1], strict=True)
        ):
            return True
    return False


def _compound_lookup(words_: list[str]) -> tuple[str, str] | None:
    """The one record whose titles (or, failing those, whose occupation group) hold a phrase of
    two or more words that is no title itself ("vet nurse" → Veterinary nurse, "nursery nurse"
    → the record in the group "Nursery nurses and assistants"): one job, not one per word."""
    if len(words_) < 2 or any(w in _STOPWORDS or len(w) < 2 for w in words_):
        return None
    if not any(form in _titles_by_head() for form in _singulars(words_[-1])):
        return None
    for texts in _title_texts():
        found = {hit for parts, hit in texts if _holds_phrase(parts, words_, hit[0])}
        if len({hit[0] for hit in found}) == 1:
            return found.pop()
        if found:
            return None
    return None


#: The record for a teacher of a school subject ("an English teacher") with no record of its own.
_SUBJECT_TEACHER = "secondary school teacher"


def _subject_teacher(words_: list[str], before: str) -> tuple[str, str] | None:
    """A school subject then "teacher" ("a maths teacher"), at the start of the message or after
    words that make it a job ("be a", "as an"); not "my English teacher said"."""
    from guidance_assistant.text.subjects import SUBJECTS

    if len(words_) < 2 or "teacher" not in _singulars(words_[-1]):
        return None
    subject = " ".join(words_[:-1])
    if (before.strip() and not _JOB_CONTEXT.search(before)) or not any(
        p.fullmatch(subject) for _, p in SUBJECTS
    ):
        return None
    return _title_index().get(_SUBJECT_TEACHER)


def _attributed(before: str, lexicon: _Lexicon) -> tuple[bool, bool]:
    """(not the client's idea, someone else's suggestion) from the words just before a title:
    someone else's job ("my mum is a nurse") or the client's current one ("I'm doing a plumbing
    apprenticeship") is not an idea to explore."""
    tail = before[-80:]
    others = any(pattern.search(tail) for pattern in lexicon.others_jobs) or any(
        pattern.search(tail) for pattern in lexicon.current_jobs
    )
    suggested = any(pattern.search(tail) for pattern in lexicon.suggested_jobs)
    return others, suggested


_JOB_CONTEXT = re.compile(r"(?:\b(?:be|become|becoming|being|as|into|about|a|an)\s+(?:an?\s+)?)$")


def _scan_titles(norm: str, lexicon: _Lexicon) -> list[tuple[int, int, OccupationMention]]:
    tokens = [(m.group(), m.start(), m.end()) for m in re.finditer(r"[a-z0-9]+", norm)]
    found: list[tuple[int, int, OccupationMention]] = []
    taken: set[int] = set()
    longest = _longest_title_words()
    for size in range(min(longest, 6), 0, -1):
        for i in range(len(tokens) - size + 1):
            if any(j in taken for j in range(i, i + size)):
                continue
            window = [t[0] for t in tokens[i : i + size]]
            if size == 1 and (window[0] in _STOPWORDS or len(window[0]) < 2):
                continue
            start, end = tokens[i][1], tokens[i + size - 1][2]
            before = norm[:start]
            hit = _title_lookup(window)
            score = 100.0
            if hit is None and size >= 2 and not re.search(r"[^a-z0-9 ]", norm[start:end]):
                hit = _subject_teacher(window, before) or _compound_lookup(window)
                score = FUZZY_SURE
            if hit is None:
                continue
            if (
                size == 1
                and window[0] in lexicon.ambiguous_titles
                and not _JOB_CONTEXT.search(before)
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


_PHRASE_END = frozenset(("i", "my", "me", "you", "it", "is", "are", "was"))


@functools.lru_cache(maxsize=1)
def _title_companions() -> dict[str, frozenset[str]]:
    """For a word that usually ends a job phrase but is part of some titles ("it" in "IT
    support technician"): the other words of those titles."""
    companions: dict[str, set[str]] = {}
    for key in _title_index():
        parts = key.split()
        for word in set(parts) & (_PHRASE_END | _PHRASE_STOP):
            companions.setdefault(word, set()).update(p for p in parts if p != word)
    return {word: frozenset(others) for word, others in companions.items()}


def _trim_phrase(raw: str) -> str:
    """The words of a job phrase: up to four, stopping at words that end it ("plumber because
    ..."). A leading word that is part of job titles ("IT" in "IT technician") is kept when the
    next word belongs to one of those titles."""
    parts = raw.split()
    kept: list[str] = []
    for index, word in enumerate(parts):
        if word in _PHRASE_STOP or word in _PHRASE_END:
            following = parts[index + 1] if index + 1 < len(parts) else ""
            acronym = (
                not kept
                and bool(following)
                and any(
                    form in _title_companions().get(word, frozenset())
                    for form in _singulars(following)
                )
            )
            if not acronym:
                break
        kept.append(word)
        if len(kept) >= 4:
            break
    return " ".join(kept).strip(" -")


@functools.lru_cache(maxsize=1)
def _titles_by_head() -> dict[str, list[tuple[tuple[str, ...], tuple[str, str]]]]:
    """Titles (main and alternative, normalised) grouped by their last word (the head noun)."""
    heads: dict[str, list[tuple[tuple[str, ...], tuple[str, str]]]] = {}
    for key, hit in _title_index().items():
        parts = tuple(key.split())
        if parts:
            heads.setdefault(parts[-1], []).append((parts, hit))
    return heads


def _titles_within(phrase: str) -> list[tuple[str, str]]:
    """Records with a title that holds every word of ``phrase`` in order, with one word more,
    and ends with its last word ("IT technician" → "IT support technician", "primary teacher" →
    "Primary school teacher"), each once, in title order. Only for phrases of two or more
    words."""
    words_ = phrase.split()
    if len(words_) < 2:
        return []
    found: dict[str, tuple[str, str]] = {}
    for head in dict.fromkeys(_singulars(words_[-1])):
        for parts, hit in _titles_by_head().get(head, []):
            if len(parts) != len(words_) + 1:
                continue
            remaining = iter(parts[:-1])
            if all(word in remaining for word in words_[:-1]):
                found.setdefault(hit[0], hit)
    return list(found.values())


def _shares_word(phrase: str, title: str) -> bool:
    title_words = _norm_title(title).split()
    for word in phrase.split():
        if word in _STOPWORDS or len(word) < 3:
            continue
        for candidate in title_words:
            if fuzz.ratio(word, candidate) >= 80 or any(
                fuzz.ratio(form, candidate) >= 85 for form in _singulars(word)
            ):
                return True
    return False


def _fuzzy_mentions(
    norm: str, covered: list[tuple[int, int]], lexicon: _Lexicon
) -> tuple[list[tuple[int, int, OccupationMention]], list[AmbiguousMention]]:
    from guidance_assistant import lmi
    from guidance_assistant.errors import LMIError

    found: list[tuple[int, int, OccupationMention]] = []
    ambiguous: list[AmbiguousMention] = []
    seen: set[str] = set()
    tails = _title_tails()
    for pattern, strong in _JOB_PATTERNS:
        for match in pattern.finditer(norm):
            start = match.start("phrase")
            phrase = _trim_phrase(match.group("phrase"))
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
                    w in _NOT_JOBS or w in _STOPWORDS for w in phrase.split()
                ):
                    continue
                singular = " ".join([*phrase.split()[:-1], _singulars(phrase.split()[-1])[-1]])
                heads = tails.get(phrase) or tails.get(singular) or []
                if len(heads) >= 2:
                    if strong:
                        ambiguous.append(AmbiguousMention(phrase=phrase, candidates=heads[:12]))
                    continue
                if len(heads) == 1 and len(singular.split()) >= 2 and strong:
                    # "games developers" is the tail of exactly one title: that job.
                    record_hit = (heads[0][0], heads[0][1], FUZZY_SURE)
            if record_hit is None:
                within = _titles_within(phrase)
                if len(within) == 1:
                    # "IT technician": the words of exactly one title, in order, same head noun.
                    record_hit = (within[0][0], within[0][1], FUZZY_SURE)
                elif len(within) >= 2 and strong:
                    ambiguous.append(AmbiguousMention(phrase=phrase, candidates=within[:12]))
                    continue
            if record_hit is None:
                try:
                    matches = _find_forms(phrase)
                except LMIError:
                    continue
                matches = [m for m in matches if _shares_word(phrase, m.matched_title)]
                # "doctor" is the head of "Hospital doctor", not of "Doctor's receptionist":
                # titles that end with the phrase's head noun come first.
                headed = [m for m in matches if _same_head(phrase, m.matched_title)]
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


def _same_head(phrase: str, title: str) -> bool:
    """Whether ``title`` ends with the last word of ``phrase`` (singular or plural)."""
    parts = _norm_title(title).split()
    words_ = phrase.split()
    return bool(parts and words_) and parts[-1] in _singulars(words_[-1])


def _find_forms(phrase: str) -> list[OccupationMatch]:
    """:func:`lmi.find` for ``phrase`` and its singular ("games developers" → "games
    developer"), best score first, each record once."""
    from guidance_assistant import lmi

    words_ = phrase.split()
    forms = [phrase]
    for form in _singulars(words_[-1])[1:]:
        forms.append(" ".join([*words_[:-1], form]))
    best: dict[str, OccupationMatch] = {}
    for form in dict.fromkeys(forms):
        for match in lmi.find(form, limit=4):
            known = best.get(match.record.id)
            if known is None or match.score > known.score:
                best[match.record.id] = match
    return sorted(best.values(), key=lambda m: -m.score)[:4]


def criteria_of(text: str, signals: SignalsFile | None = None) -> list[str]:
    """The ids of the client criteria that ``text`` speaks to ("a job that pays well" →
    ``high_pay``)."""
    lexicon = _lexicon(signals or load_signals())
    norm = normalise_for_matching(analysis_view(text))
    return [
        criterion_id
        for criterion_id, pattern in lexicon.criteria.items()
        if _any(pattern, norm, negatable=criterion_id not in lexicon.subjects.values())
    ]


def find_occupations(
    text: str, signals: SignalsFile | None = None
) -> tuple[list[OccupationMention], list[AmbiguousMention]]:
    """Occupations named in ``text`` (exact titles first, then fuzzy matches), in text order."""
    lexicon = _lexicon(signals or load_signals())
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


# ----------------------------------------------------------------------------------- gists

_TOPIC_FRAMES: dict[str, str] = {
    "interests": "you enjoy {x}",
    "strengths": "you're good at {x}",
    "values": "{x} matters to you",
    "circumstances": "{x}",
    "influences": "{x}",
    "barriers": "{x} might get in the way",
}
_PERSONAL = re.compile(r"\b(?:i|im|i'm|ive|i've|id|i'd|my|me|we|our|us)\b", re.IGNORECASE)
#: A verb that makes a clause a statement of its own, which a topic frame would garble.
_FINITE_VERB = re.compile(
    r"\b(?:is|are|was|were|isn'?t|aren'?t|has|have|had|can'?t|could|will|would|matters?|"
    r"means?|gets?|makes?|seems?|feels?)\b",
    re.IGNORECASE,
)
_LEADING_FILLER = re.compile(
    r"^(?:(?:and|but|so|well|um+|er+|erm|like|yeah|yes|yep|no|nah|ok|okay|not really|oh|hmm|i mean|"
    r"maybe|perhaps|probably|something like|kind of|sort of)\b[,\s]*)+",
    re.IGNORECASE,
)


def make_gist(clause: str, topic: str) -> str:
    """A short clause for reflecting ``clause`` back: "you love drawing", "money matters to you"."""
    text = _LEADING_FILLER.sub("", clause.strip()).strip(" ,;:-").rstrip(".!?")
    if not text:
        return ""
    text = clip_words(text, 16)
    if _PERSONAL.search(text):
        result = second_person(text)
    elif _FINITE_VERB.search(text):
        # Already a statement ("time and money are the main barriers"): given back as it is.
        result = text
    else:
        result = _TOPIC_FRAMES.get(topic, "{x}").format(x=text[:1].lower() + text[1:])
    return result[:1].lower() + result[1:] if not result.startswith("I ") else result


# -------------------------------------------------------------------------------- analyser


def split_clauses(text: str) -> list[str]:
    """``text`` cut into clauses at sentence ends, semicolons and ", but", ", I"..."""
    return [part.strip() for part in _CLAUSE_SPLIT.split(text) if part and part.strip()]


_clauses = split_clauses


def _is_question(clause: str, norm: str, lexicon: _Lexicon) -> bool:
    if clause.rstrip().endswith("?"):
        return True
    if lexicon.question_starts is None:
        return False
    match = lexicon.question_starts.match(norm)
    return match is not None


_ANAPHORIC_STEP = re.compile(
    r"^(?:do|sort|get|have)\s+(?:it|that|this|them|those|these|both|all|everything)"
    r"(?:\s+(?:done|sorted|of\s+them))?$"
)
_AGENDA_CHANGE = re.compile(
    r"\b(?:actually|instead|rather talk|talk about|help with|help me with|main thing|"
    r"want to (?:talk|discuss|focus|look at))\b"
)


def _action(
    clause: str, norm: str, lexicon: _Lexicon, dates: list[DateMention]
) -> list[ActionMention]:
    starts = _found(lexicon.action_starts, norm)
    if not starts:
        return []
    first = starts[0]
    who = "You"
    for label, pattern in lexicon.owners:
        if _any(pattern, norm):
            who = label
            break
    rest = norm[first.end() :]
    for mention in dates:
        rest = rest.replace(normalise_for_matching(mention.phrase), " ")
    rest = re.sub(r"\b(?:by|on|before|until|till|this|next)\s*$", "", rest.strip())
    rest = re.sub(r"^(?:also|then|probably|definitely|maybe|try to|try and)\s+", "", rest.strip())
    rest = re.sub(r"\s+", " ", rest).strip(" ,.-")
    if who == "Adviser":
        rest = re.sub(r"^(?:please\s+)?", "", rest)
        rest = re.sub(r"\bme\b", "the client", rest)
    if len(rest.split()) < 2:
        return []

    def starts_with_verb(part: str) -> bool:
        match = lexicon.action_verbs.match(part) if lexicon.action_verbs else None
        return match is not None

    # "look at apprenticeships and talk to my mum": two steps, each starting with a verb.
    parts = [rest]
    if starts_with_verb(rest):
        pieces = re.split(r"\s+(?:and|and then|then|and also)\s+", rest)
        if len(pieces) > 1 and all(
            len(piece.split()) >= 2 and starts_with_verb(piece) for piece in pieces
        ):
            parts = pieces
    return [
        ActionMention(
            what=part,
            who=who,
            text=clause,
            concrete=starts_with_verb(part),
            anaphoric=_ANAPHORIC_STEP.match(part) is not None,
        )
        for part in parts
    ]


def analyse_message(
    text: str,
    *,
    today: date | None = None,
    signals: SignalsFile | None = None,
    safeguarding: SafeguardingResult | None = None,
) -> MessageAnalysis:
    """Read one client message (see the module docstring). ``text`` should already be cleaned
    with :func:`~guidance_assistant.text.clean.clean_input`. ``safeguarding``: the result of
    the check already run on the whole message (the session runs it first, before this); when
    not given it is run here, on the whole message, before anything else is read."""
    if safeguarding is None:
        safeguarding = detect_safeguarding(text)
    signals = signals or load_signals()
    lexicon = _lexicon(signals)
    today = today or date.today()
    original_length = len(text)
    view, truncated = truncate(analysis_view(text), MAX_ANALYSIS_CHARS)
    norm = normalise_for_matching(view)
    if not norm:
        return MessageAnalysis(
            text=view, empty=True, original_length=original_length, safeguarding=safeguarding
        )

    tokens = words(view)
    content = [w for w in _CONTENT_WORD.findall(norm) if w not in _STOPWORDS]
    intents: list[Intent] = []

    def add(intent: Intent) -> None:
        if intent not in intents:
            intents.append(intent)

    first_words = " ".join(norm.split()[:3])
    short = len(tokens) <= 4
    is_question = _is_question(view, norm, lexicon) or any(
        _is_question(c, normalise_for_matching(c), lexicon) for c in _clauses(view)
    )

    if any(p.search(norm) for p in lexicon.injection):
        add("injection")
    if any(p.search(norm) for p in lexicon.off_topic):
        add("off_topic")
    if any(p.search(norm) for p in lexicon.about_adviser):
        add("about_adviser")
    if _any(lexicon.disagreement, first_words) or (short and _any(lexicon.disagreement, norm)):
        add("disagree")
    if (_any(lexicon.agreement, first_words) or (short and _any(lexicon.agreement, norm))) and (
        "disagree" not in intents
    ):
        add("agree")
    if _any(lexicon.dont_know, norm):
        add("dont_know")
    if _any(lexicon.finished, norm):
        add("finished")
    if short and _any(lexicon.greetings, norm) and not content[1:]:
        add("greeting")
    if _any(lexicon.thanks, norm):
        add("thanks")
    if _any(lexicon.ask_opinion, norm):
        add("ask_opinion")
    if _any(lexicon.keep_open, norm):
        add("keep_open")
        add("decide")
    elif _any(lexicon.decision, norm, negatable=True):
        add("decide")

    feelings: list[FeelingKind] = [
        kind for kind, pattern in lexicon.feelings.items() if _any(pattern, norm, negatable=True)
    ]
    if feelings:
        add("express_feeling")

    info_kinds: list[InfoKind] = [
        kind for kind, pattern in lexicon.information.items() if _any(pattern, norm)
    ]
    occupations, ambiguous = find_occupations(view, signals)
    if occupations:
        add("mention_occupation")
    framework = _any(lexicon.framework, norm)
    if is_question and "ask_opinion" not in intents:
        if occupations or ambiguous or (info_kinds and not framework):
            add("ask_information")
        elif framework:
            add("ask_framework")

    topics: list[TopicEvidence] = []
    criteria: list[str] = []
    dates = find_dates(view, today)
    actions: list[ActionMention] = []
    criteria_gists: dict[str, str] = {}
    for clause in _clauses(view):
        clause_norm = normalise_for_matching(clause)
        if _is_question(clause, clause_norm, lexicon):
            continue
        weights = {
            topic: len(_found(pattern, clause_norm)) for topic, pattern in lexicon.topics.items()
        }
        for topic, weight in weights.items():
            if weight:
                gist = make_gist(clause, topic)
                if gist:
                    topics.append(
                        TopicEvidence(topic=topic, gist=gist, text=clause.strip(), weight=weight)
                    )
        for criterion_id, pattern in lexicon.criteria.items():
            negatable = criterion_id not in lexicon.subjects.values()
            if criterion_id not in criteria and _any(pattern, clause_norm, negatable=negatable):
                criteria.append(criterion_id)
        for criterion_id in criteria:
            if criterion_id not in criteria_gists:
                gist = make_gist(clause, "values")
                if gist:
                    criteria_gists[criterion_id] = gist
        if not actions:
            actions = _action(clause, clause_norm, lexicon, dates)
    action = actions[0] if actions else None
    if any(t.topic == "interests" for t in topics):
        add("state_interest")
    if any(t.topic == "strengths" for t in topics):
        add("state_strength")
    if criteria:
        add("state_criteria")
    if action is not None:
        add("propose_action")

    option_view: OptionView | None = None
    if _any(lexicon.view_negative, norm) or (
        _found(lexicon.view_positive, norm)
        and not _found(lexicon.view_positive, norm, negatable=True)
    ):
        option_view = "negative"
    elif _any(lexicon.view_positive, norm, negatable=True):
        option_view = "positive"
    elif _any(lexicon.view_unsure, norm):
        option_view = "unsure"

    routes: list[RouteKind] = [
        route for route, pattern in lexicon.routes.items() if _any(pattern, norm)
    ]
    needs: list[Need] = [
        need for need, pattern in lexicon.needs.items() if _any(pattern, norm, negatable=True)
    ]
    subjects = [
        subject
        for subject in lexicon.subjects
        if subject and re.search(rf"\b{re.escape(subject.lower())}\b", norm)
    ]

    return MessageAnalysis(
        text=view,
        safeguarding=safeguarding,
        truncated=truncated,
        original_length=original_length,
        word_count=len(tokens),
        content_words=len(content),
        is_question=is_question,
        intents=intents,
        info_kinds=info_kinds,
        topics=topics,
        feelings=feelings,
        criteria=criteria,
        occupations=occupations,
        ambiguous=ambiguous,
        option_view=option_view,
        routes=routes,
        dates=dates,
        action=action,
        actions=actions,
        refers_back=_any(lexicon.refers_back, norm),
        agenda_change=_AGENDA_CHANGE.search(norm) is not None,
        criteria_gists=criteria_gists,
        needs=needs,
        subject_words=subjects,
    )
