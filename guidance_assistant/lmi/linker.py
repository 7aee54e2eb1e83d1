"""The one occupation linker: the jobs a piece of text names, and where it names them.

The interview (a client's message), the preparation brief (an adviser's notes, through the
interview's reading) and the search (a question) all link job names here, on the title index of
:mod:`guidance_assistant.lmi.titles`:

1. **Titles said whole**: main and alternative titles, singular or plural, longest first ("hospital
   doctor" is one job, not two), never across a comma or full stop; for two or more words, a
   school subject then "teacher" or the one record whose titles hold the phrase ("vet nurse");
2. **Words that introduce a job** ("be a", "work as", "how much does a X earn"): the phrase
   after them, through the caller's aliases ("go into nursing" → Nurse), the tail or the words of
   exactly one title, or a fuzzy match; a phrase that fits several jobs ("teacher") is returned
   as ambiguous;
3. **A word for the work** (optional): a word such as "plumbing" or "midwifery" that is a form of
   exactly one one-word title.

Callers decide whose job it is (the client's idea, someone else's): this module says only which
record and where. The words that tune it per reader (aliases, everyday words that are also
titles, phrases that are never a job) come in a :class:`LinkWords`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

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
    title_index,
    title_lookup,
    title_tails,
    titles_by_head,
    titles_within,
    trim_phrase,
)
from guidance_assistant.text.subjects import subjects_in
from guidance_assistant.text.words import STOP_WORDS

_WORD_ = r"(?P<phrase>[a-z][a-z -]{1,60})"

#: Patterns that introduce a job title, and whether they are "strong" (the words after them are
#: almost surely a job: fuzzy matches are accepted) or "weak" (only near-exact matches count).
JOB_PATTERNS: tuple[tuple[re.Pattern[str], bool], ...] = tuple(
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
        (
            # without "do": "How much pilots earn when they start?"
            r"\bhow\s+much\s+(?:an?\s+)?(?P<phrase>[a-z][a-z -]{1,40}?)\s+(?:earn|make|get\s+paid)\b",
            True,
        ),
        (
            # a plural asked about: "do journalists actually get paid", "do pilots need a degree"
            r"\b(?:do|are|can|will)\s+(?P<phrase>[a-z]{3,}s)\s+(?:actually\s+|really\s+|even\s+|"
            r"still\s+)?(?:get\s+paid|earn|make\s+money|need|have\s+to)\b",
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
)

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
NOT_JOB_WORDS = frozenset(_NOT_JOBS_WORDS.split())

#: Endings of words that name an activity rather than a job ("plumbing", "midwifery").
_ACTIVITY_ENDINGS = ("ing", "ery", "ry", "phy", "acy", "ism", "ice", "ure", "apy")
#: Words that put a school subject's word to work ("go into", "a career in", "work in").
_WORK_BEFORE = re.compile(r"\b(?:into|career in|careers in|work in|working in|job in|jobs in)\s+$")

#: Punctuation a title said whole never spans ("a vet, nurse" is two jobs).
_BREAK = re.compile(r"[,.!?;:]")
_TOKEN = re.compile(r"[a-z0-9]+|[,.!?;:]")


@dataclass(frozen=True)
class LinkWords:
    """What a reader tells the linker about its words (all normalised for matching).

    ``aliases``: a phrase after words that introduce a job → the record it names ("nursing" →
    ``nurse``); ``ambiguous``: one-word titles that are also everyday words ("judge", "writer"),
    linked only after "be a", "as" and the like; ``not_jobs``: phrases that hold a title but are
    never a job ("baker clause"); ``skip``: words never linked on their own (chat words)."""

    aliases: Mapping[str, str] = field(default_factory=dict)
    ambiguous: frozenset[str] = frozenset()
    not_jobs: tuple[str, ...] = ()
    skip: frozenset[str] = frozenset()

    @functools.cached_property
    def not_jobs_re(self) -> re.Pattern[str] | None:
        if not self.not_jobs:
            return None
        phrases = sorted(set(self.not_jobs), key=lambda p: (-len(p), p))
        return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in phrases) + r")(?!\w)")


NO_WORDS = LinkWords()


@dataclass(frozen=True)
class JobLink:
    """A job named in the text: where (character offsets in :attr:`Links.text`), the words that
    named it, the record, and how sure the match is (100 for a title said whole)."""

    start: int
    end: int
    phrase: str
    occupation_id: str
    title: str
    score: float


@dataclass(frozen=True)
class AmbiguousLink:
    """Words after "be a" and the like that fit several jobs ("teacher")."""

    start: int
    phrase: str
    candidates: tuple[tuple[str, str], ...]  # (occupation id, title)


@dataclass(frozen=True)
class Links:
    """The jobs a text names, in text order, each record once, and the ambiguous phrases that
    name none of them. Offsets refer to ``text``, the normalised text that was read."""

    text: str
    jobs: tuple[JobLink, ...]
    ambiguous: tuple[AmbiguousLink, ...]

    @property
    def ids(self) -> list[str]:
        return [job.occupation_id for job in self.jobs]


def link_occupations(
    norm: str,
    words: LinkWords = NO_WORDS,
    *,
    phrases: bool = True,
    compounds: bool = True,
    activities: bool = False,
) -> Links:
    """The jobs ``norm`` (a text normalised by :func:`~guidance_assistant.text.clean.
    normalise_for_matching`) names: titles said whole (with ``compounds``, also a subject then
    "teacher" and one-record phrases), then (with ``phrases``) the phrases after words that
    introduce a job, then (with ``activities``) words for the work. See the module docstring."""
    read = norm
    if words.not_jobs_re is not None:
        # Same length, so offsets still point into ``norm``.
        read = words.not_jobs_re.sub(lambda m: ";" + " " * (len(m.group()) - 1), norm)
    exact = _titles_said(read, words, compounds)
    covered = [(link.start, link.end) for link in exact]
    found = list(exact)
    ambiguous: list[AmbiguousLink] = []
    if phrases:
        fuzzy, ambiguous = _introduced(read, covered, words)
        found += fuzzy
    if activities:
        found += _activity_words(read, covered, words)
    found.sort(key=lambda link: link.start)
    jobs: list[JobLink] = []
    ids: set[str] = set()
    for link in found:
        if link.occupation_id not in ids:
            ids.add(link.occupation_id)
            jobs.append(link)
    kept = tuple(a for a in ambiguous if not any(c[0] in ids for c in a.candidates))
    return Links(text=norm, jobs=tuple(jobs), ambiguous=kept)


def _titles_said(norm: str, words: LinkWords, compounds: bool) -> list[JobLink]:
    found: list[JobLink] = []
    for segment in _segments(norm):
        found += _titles_in(segment, norm, words, compounds)
    return found


def _segments(norm: str) -> list[list[tuple[str, int, int]]]:
    """The words of ``norm`` (word, start, end), in runs between the punctuation a title
    never spans."""
    segments: list[list[tuple[str, int, int]]] = [[]]
    for match in _TOKEN.finditer(norm):
        word = match.group()
        if _BREAK.fullmatch(word):
            segments.append([])
        else:
            segments[-1].append((word, match.start(), match.end()))
    return [segment for segment in segments if segment]


def _titles_in(
    tokens: list[tuple[str, int, int]], norm: str, words: LinkWords, compounds: bool
) -> list[JobLink]:
    found: list[JobLink] = []
    taken = [False] * len(tokens)
    starts, heads = _title_starts(), titles_by_head()
    for size in range(min(longest_title_words(), 6), 0, -1):
        for i in range(len(tokens) - size + 1):
            first, last = tokens[i][0], tokens[i + size - 1][0]
            # Set look-ups rule out most windows before any is built: a title starts with a
            # word that starts titles; a compound or subject teacher ends with a title's head.
            whole = size == 1 or first in starts
            compound = compounds and size >= 2 and any(form in heads for form in singulars(last))
            if not whole and not compound:
                continue
            if any(taken[i : i + size]):
                continue
            window = [t[0] for t in tokens[i : i + size]]
            if size == 1 and (first in STOP_WORDS or first in words.skip or len(first) < 2):
                continue
            start, end = tokens[i][1], tokens[i + size - 1][2]
            before = norm[:start]
            hit = title_lookup(window) if whole else None
            score = 100.0
            if hit is None and compound and not re.search(r"[^a-z0-9 ]", norm[start:end]):
                hit = subject_teacher(window, before) or compound_lookup(window)
                score = FUZZY_SURE
            if hit is None:
                continue
            if size == 1 and first in words.ambiguous and not JOB_CONTEXT.search(before):
                continue
            found.append(JobLink(start, end, norm[start:end], hit[0], hit[1], score))
            taken[i : i + size] = [True] * size
    return found


def _introduced(
    norm: str, covered: list[tuple[int, int]], words: LinkWords
) -> tuple[list[JobLink], list[AmbiguousLink]]:
    from guidance_assistant import lmi
    from guidance_assistant.errors import LMIError

    found: list[JobLink] = []
    ambiguous: list[AmbiguousLink] = []
    seen: set[str] = set()
    tails = title_tails()
    for pattern, strong in JOB_PATTERNS:
        for match in pattern.finditer(norm):
            start = match.start("phrase")
            phrase = trim_phrase(match.group("phrase"))
            if not phrase or phrase in seen:
                continue
            seen.add(phrase)
            end = start + len(phrase)
            if any(start < e and s < end for s, e in covered):
                continue
            alias = words.aliases.get(phrase)
            record_hit: tuple[str, str, float] | None = None
            if alias is not None:
                try:
                    record = lmi.get(alias)
                    record_hit = (record.id, record.title, 100.0)
                except LMIError:
                    record_hit = None
            if record_hit is None:
                if phrase in NOT_JOB_WORDS or all(
                    w in NOT_JOB_WORDS or w in STOP_WORDS for w in phrase.split()
                ):
                    continue
                singular = " ".join([*phrase.split()[:-1], singulars(phrase.split()[-1])[-1]])
                heads = tails.get(phrase) or tails.get(singular) or []
                if len(heads) >= 2:
                    if strong:
                        ambiguous.append(AmbiguousLink(start, phrase, tuple(heads[:12])))
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
                    ambiguous.append(AmbiguousLink(start, phrase, tuple(within[:12])))
                    continue
            if record_hit is None:
                record_hit = _fuzzy(phrase, strong, start, ambiguous)
                if record_hit is None:
                    continue
            found.append(JobLink(start, end, phrase, *record_hit))
            covered.append((start, end))
    return found, ambiguous


def _fuzzy(
    phrase: str, strong: bool, start: int, ambiguous: list[AmbiguousLink]
) -> tuple[str, str, float] | None:
    """The record a fuzzy title match gives ``phrase`` when it is clear; close rivals after a
    strong pattern are added to ``ambiguous``."""
    from guidance_assistant.errors import LMIError

    try:
        matches = find_forms(phrase)
    except LMIError:
        return None
    matches = [m for m in matches if shares_word(phrase, m.matched_title)]
    # "doctor" is the head of "Hospital doctor", not of "Doctor's receptionist": titles that end
    # with the phrase's head noun come first.
    headed = [m for m in matches if same_head(phrase, m.matched_title)]
    matches = headed or matches
    if not matches:
        return None
    top = matches[0]
    close = [m for m in matches[1:] if m.score >= top.score - 3]
    threshold = FUZZY_ACCEPT if strong else FUZZY_SURE
    if top.score < threshold or (top.score < FUZZY_SURE and close):
        if strong and top.score >= FUZZY_ACCEPT and close:
            candidates = tuple((m.record.id, m.record.title) for m in [top, *close])[:4]
            ambiguous.append(AmbiguousLink(start, phrase, candidates))
        return None
    return (top.record.id, top.record.title, top.score)


def _activity_words(norm: str, covered: list[tuple[int, int]], words: LinkWords) -> list[JobLink]:
    found: list[JobLink] = []
    for match in re.finditer(r"[a-z0-9]+", norm):
        word, start, end = match.group(), match.start(), match.end()
        if len(word) < 6 or not word.endswith(_ACTIVITY_ENDINGS) or word in words.skip:
            continue
        if any(start < e and s < end for s, e in covered):
            continue
        # A school subject is a subject ("I love chemistry", "do I need chemistry A level for
        # radiography?"), a job only after words for work ("a career in photography").
        if subjects_in(word) and not _WORK_BEFORE.search(norm[:start]):
            continue
        hit = activity_title(word)
        if hit is not None:
            found.append(JobLink(start, end, word, hit[0], hit[1], FUZZY_SURE))
    return found


@functools.lru_cache(maxsize=1)
def _title_starts() -> frozenset[str]:
    """The first word of every title of two or more words."""
    return frozenset(key.split()[0] for key in title_index() if " " in key)


@functools.lru_cache(maxsize=4096)
def activity_title(word: str) -> tuple[str, str] | None:
    """The one occupation with a one-word title that ``word`` is a form of ("plumbing" →
    Plumber, by :func:`~guidance_assistant.lmi.title_words.related_words`), else ``None``."""
    from guidance_assistant.lmi.title_words import related_words

    hits = {hit for title, hit in _one_word_titles() if related_words(word, title)}
    return hits.pop() if len({hit[0] for hit in hits}) == 1 else None


@functools.lru_cache(maxsize=1)
def _one_word_titles() -> tuple[tuple[str, tuple[str, str]], ...]:
    return tuple((key, hit) for key, hit in title_index().items() if " " not in key)
