"""Grounding: facts for replies come from occupation records and cited passages, and every number a
reply shows must be found in them or in the client's own words.

* :func:`validate_numbers` checks a reply: each number in it (``£20,000``, ``20000``, ``20k``,
  ``twenty thousand``, ``37.5``) must equal a number in the allowed source texts or the client's
  words. It is how the engine catches a model backend that invents a figure.
* :class:`KnowledgeSource` is what the engine needs from a knowledge base: ``search`` with
  filters (:class:`~guidance_assistant.retrieval.KnowledgeBase` is one).
* The helpers below turn an :class:`~guidance_assistant.lmi.OccupationRecord` into cited facts:
  pay, hours, entry routes (every route the record lists, side by side), skills and job counts.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Mapping, Sequence
from statistics import quantiles
from typing import Any, Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from guidance_assistant.interview.state import PayBand, TurnCitation
from guidance_assistant.lmi.models import EntryRoute, OccupationRecord
from guidance_assistant.lmi.render import (
    PUBLISHER,
    ROUTE_LABELS,
    render_record,
    render_requirement,
)
from guidance_assistant.sources import Citation
from guidance_assistant.text.numbers import NUMBER_WORDS, word_number
from guidance_assistant.text.sentences import split_sentences
from guidance_assistant.text.words import match_key

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------- the knowledge seam


class PassageLike(Protocol):
    """A search result: text, citation and metadata (``doc_id``, ``source``, ``doc_type``...)."""

    @property
    def text(self) -> str: ...

    @property
    def citation(self) -> Citation: ...

    @property
    def metadata(self) -> dict[str, Any]: ...


class KnowledgeSource(Protocol):
    """What the interview engine needs from a knowledge base."""

    def search(
        self,
        query: str,
        k: int | None = None,
        filters: Mapping[str, str | Sequence[str]] | None = None,
    ) -> Sequence[PassageLike]:
        """The ``k`` best passages for ``query``, best first, each with its citation."""
        ...


class _Embeds(Protocol):
    def embed(self, texts: list[str], *, progress: bool = False) -> Any: ...


def sentence_similarity(
    knowledge: KnowledgeSource | None, query: str, sentences: Sequence[str]
) -> list[float] | None:
    """How close in meaning each of ``sentences`` is to ``query`` (cosine of the knowledge
    base's own sentence embeddings, which are unit length, so a dot product; -1 to 1), or ``None`` when the knowledge source has no
    embedder (a test's word-matching stub): the caller then ranks by shared words alone."""
    embedder: _Embeds | None = getattr(knowledge, "embedder", None)
    if embedder is None or not sentences or not query.strip():
        return None
    # The knowledge's sentences come back turn after turn (the same framework notes and job
    # profiles): each is embedded once per process and encoder.
    cache = _SENTENCE_VECTORS.setdefault(id(embedder), {})
    if len(cache) > _SENTENCE_CACHE_LIMIT:
        cache.clear()
    unseen = list(dict.fromkeys(s for s in sentences if s not in cache))
    try:
        vectors = np.asarray(embedder.embed([query, *unseen]), dtype=np.float64)
    except Exception:
        logger.warning(
            "sentence embeddings failed; ranking answer sentences by words", exc_info=True
        )
        return None
    for sentence, vector in zip(unseen, vectors[1:], strict=True):
        cache[sentence] = vector
    question = vectors[0]
    return [float(cache[s] @ question) for s in sentences]


#: Sentence vectors kept per encoder (a few MB at most).
_SENTENCE_VECTORS: dict[int, dict[str, Any]] = {}
_SENTENCE_CACHE_LIMIT = 20_000


def question_part(text: str) -> str:
    """The sentences of a message that ask (those ending in "?"), else the whole message: what
    an answer should be close to ("my mum can't afford it. do u get paid when training?")."""
    asked = [s for s in split_sentences(text) if s.rstrip().endswith("?")]
    return " ".join(asked) if asked else text


def safe_search(
    knowledge: KnowledgeSource | None,
    query: str,
    k: int,
    filters: Mapping[str, str | Sequence[str]] | None = None,
    *,
    keywords_only: bool = False,
) -> list[PassageLike]:
    """``knowledge.search`` that never raises (an unusable query or a broken index → no passages).

    ``keywords_only`` asks a knowledge base that supports it for a BM25-only search (no query
    embedding): enough, and much faster, when the filter already picks the document.
    """
    if knowledge is None or not query.strip():
        return []
    search: Any = knowledge.search
    try:
        if keywords_only:
            try:
                return list(search(query[:1000], k=k, filters=filters, mode="bm25"))
            except TypeError:
                pass
        return list(search(query[:1000], k=k, filters=filters))
    except Exception:  # a failed search must never lose a turn: the draft says "not found"
        return []


# --------------------------------------------------------------------------------- validator

_NUMBER = re.compile(
    r"(?<![\d.,])(?P<cur>[£$€])?\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<suffix>k|bn|m|thousand|million|billion)(?![a-z]))?",
    re.IGNORECASE,
)
_LIST_MARKER = re.compile(r"^\s*\d{1,2}[.)]\s+", re.MULTILINE)
_SUFFIX = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}


class NumberToken(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    raw: str
    value: float


class NumberCheck(BaseModel):
    """The result of :func:`validate_numbers`; true when every number is supported."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ok: bool
    unsupported: list[str] = Field(default_factory=list)
    checked: int = 0

    def __bool__(self) -> bool:
        return self.ok


def extract_numbers(text: str) -> list[NumberToken]:
    """Every number in ``text``, normalised: ``£20,000``, ``20000`` and ``20k`` are 20000.0.

    Leading list markers ("1. ") are not numbers; "one" and "a" alone are not counted.
    """
    text = _LIST_MARKER.sub(" ", text)
    tokens: list[NumberToken] = []
    for match in _NUMBER.finditer(text):
        raw_number = match.group("num").replace(",", "")
        try:
            value = float(raw_number)
        except ValueError:  # pragma: no cover - the pattern only matches numbers
            continue
        suffix = (match.group("suffix") or "").lower()
        if suffix:
            value *= _SUFFIX[suffix]
        tokens.append(NumberToken(raw=match.group().strip(), value=value))
    for match in NUMBER_WORDS.finditer(text):
        value_or_none = word_number(match.group())
        if value_or_none is not None:
            tokens.append(NumberToken(raw=match.group(), value=value_or_none))
    return tokens


def _supported(value: float, allowed: set[float]) -> bool:
    return any(abs(value - other) <= 1e-6 * max(1.0, abs(other)) for other in allowed)


def validate_numbers(
    reply: str, allowed_sources_texts: Sequence[str], client_texts: Sequence[str]
) -> NumberCheck:
    """Whether every number in ``reply`` appears in the allowed source texts (cited records and
    passages, the engine's own draft) or in the client's own words.

    Numbers are compared by value after normalisation, so ``£20,000``, ``20000``, ``20k`` and
    ``twenty thousand`` are the same figure; ``£31,000`` is not ``£31,194``.
    """
    allowed: set[float] = set()
    for text in (*allowed_sources_texts, *client_texts):
        allowed.update(token.value for token in extract_numbers(text))
    found = extract_numbers(reply)
    unsupported = [token.raw for token in found if not _supported(token.value, allowed)]
    return NumberCheck(
        ok=not unsupported, unsupported=list(dict.fromkeys(unsupported)), checked=len(found)
    )


# ----------------------------------------------------------------------------- LMI records


def money(value: float) -> str:
    return f"£{value:,.0f}" if float(value).is_integer() else f"£{value:,.2f}"


def amount(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def cite_figure(source: str, year: int) -> str:
    return source if str(year) in source else f"{source}, {year}"


_RECORD_TEXT: dict[str, tuple[OccupationRecord, str]] = {}


def record_text(record: OccupationRecord) -> str:
    """The record rendered by our templates: the text every figure of it can be checked against."""
    cached = _RECORD_TEXT.get(record.id)
    if cached is not None and cached[0] is record:
        return cached[1]
    text = render_record(record)
    _RECORD_TEXT[record.id] = (record, text)
    return text


def record_section(record: OccupationRecord, heading: str) -> str:
    """One ``## heading`` section of the rendered record (the whole text if missing)."""
    text = record_text(record)
    parts = re.split(r"(?m)^## ", text)
    for part in parts[1:]:
        if part.startswith(heading):
            return "## " + part.strip()
    return text


def record_citation(record: OccupationRecord, section: str | None = None) -> Citation:
    """How the bundled index cites a record (``lmi/<id>``)."""
    year = record.ashe.median.year if record.ashe and record.ashe.median else None
    return Citation(
        title=record.title,
        source=f"lmi/{record.id}",
        section=section,
        publisher=PUBLISHER,
        year=year or 2023,
        url=record.ncs_url,
    )


def lmi_citation(
    knowledge: KnowledgeSource | None,
    record: OccupationRecord,
    section: str,
    query: str,
    cache: dict[tuple[str, str], TurnCitation] | None = None,
) -> TurnCitation:
    """The cited passage of ``record``'s section from the knowledge base (the same citation a
    search shows), or one built from the record when the knowledge base lacks it."""
    key = (record.id, section)
    if cache is not None and key in cache:
        return cache[key]
    found: TurnCitation | None = None
    passages = safe_search(
        knowledge,
        f"{record.title} {section} {query}",
        12,
        {"source": f"lmi/{record.id}"},
        keywords_only=True,
    )
    for passage in passages:
        if passage.citation.section == section:
            found = TurnCitation(text=passage.text, citation=passage.citation)
            break
    if found is None:
        found = TurnCitation(
            text=record_section(record, section), citation=record_citation(record, section)
        )
    if cache is not None:
        cache[key] = found
    return found


def route_types(record: OccupationRecord) -> list[str]:
    return list(dict.fromkeys(route.route for route in record.entry_routes))


def is_degree_only(record: OccupationRecord) -> bool:
    """Every listed route to the job involves degree-level study (university or a degree
    apprenticeship); volunteering alone is not a way in."""
    ways = [r for r in record.entry_routes if r.route not in ("volunteering", "other")]
    if not ways:
        return False
    for route in ways:
        if route.route == "university":
            continue
        if route.route == "apprenticeship" and route.apprenticeship_levels == ["degree"]:
            continue
        return False
    return True


def required_subjects(record: OccupationRecord) -> list[str]:
    subjects: list[str] = []
    for route in record.entry_routes:
        for requirement in route.requirements:
            subjects.extend(s.lower() for s in requirement.subjects)
    return list(dict.fromkeys(subjects))


def _pay_value(record: OccupationRecord) -> float | None:
    if record.salary.experienced is not None:
        return record.salary.experienced.value
    if record.ashe is not None and record.ashe.median is not None:
        return record.ashe.median.value
    return None


@functools.lru_cache(maxsize=1)
def _pay_cut_points() -> tuple[float, float]:
    from guidance_assistant import lmi

    values = sorted(v for r in lmi.bundled_store().all() if (v := _pay_value(r)) is not None)
    quarters = quantiles(values, n=4)
    return quarters[0], quarters[2]


def pay_band(record: OccupationRecord) -> PayBand | None:
    """Where the job's pay sits among all bundled records: the lower or higher quarter, or the
    middle (experienced salary, else the ONS median)."""
    value = _pay_value(record)
    if value is None:
        return None
    low, high = _pay_cut_points()
    if value < low:
        return "lower"
    if value > high:
        return "higher"
    return "middle"


ROUTE_WORDS = {
    "university": "university",
    "college": "college",
    "apprenticeship": "an apprenticeship",
    "work": "working your way up",
    "volunteering": "volunteering",
    "direct_application": "applying directly",
    "other": "other routes",
}


def route_phrase(record: OccupationRecord, *, with_levels: bool = True) -> str:
    """The ways in, side by side: "university, college or an apprenticeship (advanced or higher)"."""
    names: list[str] = []
    for route in record.entry_routes:
        if route.route in ("volunteering", "other"):
            continue
        name = ROUTE_WORDS[route.route]
        if with_levels and route.route == "apprenticeship" and route.apprenticeship_levels:
            levels = route.apprenticeship_levels
            name = (
                f"{'an' if levels[0][:1].lower() in 'aeiou' else 'a'} {levels[0]} apprenticeship"
                if len(levels) == 1
                else f"an apprenticeship ({', '.join(levels[:-1])} or {levels[-1]})"
            )
        names.append(name)
    names = list(dict.fromkeys(names))
    if not names:
        return ""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _route_detail(route: EntryRoute, plain: bool) -> str:
    label = ROUTE_LABELS[route.route]
    facts: list[str] = []
    if route.route == "apprenticeship" and route.apprenticeship_levels:
        levels = route.apprenticeship_levels
        joined = levels[0] if len(levels) == 1 else f"{', '.join(levels[:-1])} or {levels[-1]}"
        facts.append(f"{joined} apprenticeship")
    if route.route == "college" and route.qualification_levels and not plain:
        facts.append("courses such as " + ", ".join(route.qualification_levels[:3]))
    if route.requirements and not plain:
        facts.append(
            render_requirement(
                route.requirements[-1] if route.route == "university" else route.requirements[0]
            )
        )
    elif route.no_set_requirements:
        facts.append("no set entry requirements")
    return f"{label}: {'; '.join(facts)}" if facts else label


def route_lines(record: OccupationRecord, *, plain: bool = False) -> list[str]:
    """One line per route the record lists, in the publisher's order, none left out."""
    return [_route_detail(route, plain) for route in record.entry_routes]


def standards_phrase(record: OccupationRecord, limit: int = 3) -> str:
    items = [f"{s.title} (level {s.level})" for s in record.apprenticeship_standards[:limit]]
    return ", ".join(items)


def pay_phrase(record: OccupationRecord) -> tuple[str, str] | None:
    """("£12,500 starting and £25,000 with experience", source) for challenges, or the ONS median."""
    salary = record.salary
    if salary.starter is not None and salary.experienced is not None:
        return (
            f"{money(salary.starter.value)} a year starting and about "
            f"{money(salary.experienced.value)} with experience",
            cite_figure(salary.starter.source, salary.starter.year),
        )
    figure = salary.experienced or salary.starter
    if figure is not None:
        return f"about {money(figure.value)} a year", cite_figure(figure.source, figure.year)
    if record.ashe is not None and record.ashe.median is not None:
        median = record.ashe.median
        return (
            f"a median of {money(median.value)} a year for the wider group",
            cite_figure(median.source, median.year),
        )
    return None


# --------------------------------------------------------------------- passages as sentences

_WORDS = re.compile(r"[a-z]{3,}")
_SKIP_WORDS = (
    "the and for are you your with what that this from have has not can how does about into "
    "they them their there which who why when where will would should could tell know want"
)
_SKIP = frozenset(_SKIP_WORDS.split())


_LETTER_LEVEL = re.compile(r"\b([a-z])\s+(levels?)\b")


def _stems(text: str) -> set[str]:
    lowered = _LETTER_LEVEL.sub(r"\1\2", text.lower())  # "T Levels" -> "tlevels"
    return {match_key(word) for word in _WORDS.findall(lowered) if word not in _SKIP}


def query_stems(query: str) -> set[str]:
    return _stems(query)


#: A sentence written for the adviser, not the client ("Advisers should encourage pupils...",
#: "the adviser names the discrepancy", "careers leaders should..."): never read to a client.
ADVISER_FACING = re.compile(
    r"\b(?:the|an|each|every|a|their|your) (?:careers )?advisers?\b|\badvisers\b"
    r"|\bthe client(?:'s)?\b|\b(?:pupils|students|schools?|colleges?) should\b"
    r"|\bcareers leaders?\b|\bpractitioners?\b|\bthe interview\b",
    re.I,
)


def passage_sentences(
    text: str, *, mid_document: bool = False, for_client: bool = False
) -> list[str]:
    """The sentences of a passage (headings left out); a passage cut from the middle of a
    document loses its first "sentence", which may be the tail of one. ``for_client``: only
    sentences a client may be read (none written for the adviser: :data:`ADVISER_FACING`)."""
    body = "\n".join(
        line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    )
    sentences = [
        s.strip(" -\n") for s in split_sentences(body.replace("\n", " "), prose=True, lines=False)
    ]
    sentences = [s for s in sentences if s]
    if mid_document and len(sentences) > 1:
        sentences = sentences[1:]
    if for_client:
        sentences = [s for s in sentences if not ADVISER_FACING.search(s)]
    return sentences


def best_sentences(
    text: str,
    query: str,
    limit: int = 2,
    max_words: int = 70,
    *,
    mid_document: bool = False,
    for_client: bool = False,
) -> str:
    """The sentences of ``text`` that best answer ``query`` (in their original order).

    ``mid_document``: the passage is a chunk cut from the middle of a document, so its first
    "sentence" may be the tail of one; it is used only when nothing else is there.
    """
    sentences = passage_sentences(text, mid_document=mid_document, for_client=for_client)
    if not sentences:
        return ""
    wanted = _stems(query)
    scored = sorted(
        range(len(sentences)),
        key=lambda i: (-len(_stems(sentences[i]) & wanted), i),
    )
    chosen = sorted(scored[:limit])
    result: list[str] = []
    count = 0
    for index in chosen:
        size = len(sentences[index].split())
        if result and count + size > max_words:
            break
        result.append(sentences[index])
        count += size
    return " ".join(result)


def relevance(text: str, query: str) -> int:
    """How many of the query's word stems the text holds."""
    return len(_stems(text) & _stems(query))
