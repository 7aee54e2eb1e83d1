"""Reading a search question as people type it, before it reaches the indexes.

Five steps, each driven by expert-editable data in ``knowledge/retrieval/query_words.yaml``
(validated by :class:`QueryWords`) and the shared text layer:

1. **Spelling and text-speak**: ``u`` → you, ``wat`` → what, ``plumbin`` → plumbing, a digit
   typed for a word (``4`` → for, unless a word around it makes it a number: "level 4");
2. **Abbreviations and users' names** for things in UK education, written out beside the term
   (``SLT`` → senior leadership team, ``uni`` → university, ``Baker Clause`` → provider access);
3. **Chat words** ("want", "dont", "how much", "can I") dropped from the BM25 query only;
4. **Occupations named** in the question, linked by the one occupation linker,
   :func:`guidance_assistant.lmi.linker.link_occupations` (titles said whole, a word for the
   work), so that the search can put that job's own records first;
5. **Routes**: a kind of question told by its words (a leadership question names SLT, governors,
   Gatsby, Compass...) and the weight the hybrid gives BM25 for it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.lmi.linker import LinkWords
from guidance_assistant.paths import bundled_dir, file_stamp
from guidance_assistant.text.clean import normalise_for_matching
from guidance_assistant.text.normalise import fold


class QueryWordsError(GuidanceAssistantError):
    """``knowledge/retrieval/query_words.yaml`` is missing or malformed."""


class Expansion(BaseModel):
    """Words the documents use for a term people type: added when the term is in a question."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    capitals: list[str] = Field(default_factory=list)  # matched only as typed ("SLT")
    terms: list[str] = Field(default_factory=list)  # matched in any case, as whole words
    adds: str = Field(min_length=2)

    @model_validator(mode="after")
    def _has_a_term(self) -> Expansion:
        if not self.capitals and not self.terms:
            raise ValueError(f"an expansion needs capitals or terms (adds: {self.adds!r})")
        return self


class Route(BaseModel):
    """A kind of question told by its words, and how the hybrid weighs BM25 for it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: str = Field(min_length=2)
    terms: list[str] = Field(min_length=1)  # matched in any case, as whole words
    bm25_factor: float = Field(gt=0)  # times the configured BM25 weight


class QueryWords(BaseModel):
    """The data of ``query_words.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    spellings: dict[str, str]
    digit_words: dict[str, str] = Field(default_factory=dict)
    number_context: str = ""
    expansions: list[Expansion] = Field(default_factory=list)
    chat_words: str = ""
    not_jobs: list[str] = Field(default_factory=list)
    routes: list[Route] = Field(default_factory=list)

    @model_validator(mode="after")
    def _plain_keys(self) -> QueryWords:
        for word in [*self.spellings, *self.digit_words]:
            if not word.strip() or " " in word.strip():
                raise ValueError(f"a spelling is one word: {word!r}")
        for digit in self.digit_words:
            if not digit.isdigit():
                raise ValueError(f"digit_words keys are digits: {digit!r}")
        return self


@functools.lru_cache(maxsize=1)
def default_query_words_path() -> Path:
    return bundled_dir("knowledge") / "retrieval" / "query_words.yaml"


def load_query_words(path: Path | None = None) -> QueryWords:
    """The query words at ``path`` (default: the bundled file), read again after an edit."""
    path = path or default_query_words_path()
    return _load(path, file_stamp(path))


@functools.lru_cache(maxsize=4)
def _load(path: Path, stamp: tuple[int, int]) -> QueryWords:
    try:
        return QueryWords.model_validate(yaml.safe_load(path.read_text("utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise QueryWordsError(f"The query words file {path} is not valid: {error}") from error


def _alternatives(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


_EDGE = r"(?<![\w'-])", r"(?![\w'-])"


@dataclass(frozen=True)
class _Compiled:
    spellings: dict[str, str]
    spelling_re: re.Pattern[str] | None
    digit_re: re.Pattern[str] | None
    digit_words: dict[str, str]
    number_context: frozenset[str]
    expansions: tuple[tuple[re.Pattern[str] | None, re.Pattern[str] | None, str], ...]
    #: For each expansion, the first words of its capitals and of its terms (``None``: any).
    firsts: tuple[tuple[frozenset[str] | None, frozenset[str] | None], ...]
    chat_words: frozenset[str]
    link_words: LinkWords
    routes: tuple[tuple[re.Pattern[str], Route], ...]


#: Compiled patterns by the id of the data they were compiled from (kept with it).
_COMPILED: dict[int, tuple[QueryWords, _Compiled]] = {}


def _compiled(words: QueryWords) -> _Compiled:
    kept = _COMPILED.get(id(words))
    if kept is not None and kept[0] is words:
        return kept[1]
    if len(_COMPILED) >= 8:
        _COMPILED.clear()
    compiled = _compile(words)
    _COMPILED[id(words)] = (words, compiled)
    return compiled


def _compile(words: QueryWords) -> _Compiled:
    spellings = {k.lower(): v for k, v in words.spellings.items()}
    spelling_re = (
        re.compile(_EDGE[0] + f"({_alternatives(list(spellings))})" + _EDGE[1], re.IGNORECASE)
        if spellings
        else None
    )
    digit_re = (
        re.compile(r"(?<![\w.,£/-])(" + _alternatives(list(words.digit_words)) + r")(?![\w.,%/-])")
        if words.digit_words
        else None
    )
    expansions = []
    firsts = []
    for item in words.expansions:
        capitals = (
            re.compile(r"(?<!\w)(?:" + _alternatives(item.capitals) + r")(?!\w)")
            if item.capitals
            else None
        )
        terms = [normalise_for_matching(t) for t in item.terms]
        lower = re.compile(r"(?<![\w])(?:" + _alternatives(terms) + r")(?![\w])") if terms else None
        expansions.append((capitals, lower, item.adds))
        firsts.append((_first_words(item.capitals), _first_words(terms)))
    return _Compiled(
        spellings=spellings,
        spelling_re=spelling_re,
        digit_re=digit_re,
        digit_words=dict(words.digit_words),
        number_context=frozenset(words.number_context.lower().split()),
        expansions=tuple(expansions),
        firsts=tuple(firsts),
        chat_words=frozenset(words.chat_words.lower().split()),
        routes=tuple(
            (
                re.compile(
                    r"(?<![\w])(?:"
                    + _alternatives([normalise_for_matching(t) for t in route.terms])
                    + r")(?![\w])"
                ),
                route,
            )
            for route in words.routes
        ),
        link_words=LinkWords(
            not_jobs=tuple(normalise_for_matching(p) for p in words.not_jobs),
            skip=frozenset(words.chat_words.lower().split()),
        ),
    )


_WORD = re.compile(r"[\w'£%+-]+")


def respell(text: str, words: QueryWords | None = None) -> str:
    """``text`` with text-speak and the listed misspellings written as the documents write them,
    and a digit typed for a word ("who pays 4 childcare") written as that word."""
    data = _compiled(words or load_query_words())
    text = fold(text)
    if data.spelling_re is not None:
        text = data.spelling_re.sub(lambda m: data.spellings[m.group(1).lower()], text)
    if data.digit_re is not None:
        text = data.digit_re.sub(lambda m: _digit_word(m, text, data), text)
    return text


def _digit_word(match: re.Match[str], text: str, data: _Compiled) -> str:
    before = _WORD.findall(text[: match.start()])
    after = _WORD.findall(text[match.end() :])
    previous = before[-1].lower() if before else ""
    following = after[0].lower() if after else ""
    if not previous or not following:  # "4" at either end is a number ("top 4")
        return match.group(1)
    if previous in data.number_context or following in data.number_context:
        return match.group(1)
    if following[:1].isdigit() or previous[:1].isdigit():
        return match.group(1)
    return data.digit_words[match.group(1)]


def expansions_of(text: str, words: QueryWords | None = None) -> list[str]:
    """What the abbreviations and users' names in ``text`` stand for, in file order, each once
    (``text`` already respelled)."""
    return _expansions(text, words)[0]


def _expansions(text: str, words: QueryWords | None = None) -> tuple[list[str], list[str]]:
    """(:func:`expansions_of`, those of abbreviations typed in capitals: "EYTS", "SLT")."""
    data = _compiled(words or load_query_words())
    lower = normalise_for_matching(text)
    said_capitals = frozenset(_ALNUM.findall(text))
    said_lower = frozenset(_ALNUM.findall(lower))
    found: list[str] = []
    by_capitals: list[str] = []
    for (capitals, terms, adds), (first_capitals, first_terms) in zip(
        data.expansions, data.firsts, strict=True
    ):
        # A term is said only where its first word is: most expansions are ruled out by a set
        # look-up, without running their patterns.
        typed = (
            capitals is not None
            and (first_capitals is None or not first_capitals.isdisjoint(said_capitals))
            and capitals.search(text) is not None
        )
        said = typed or (
            terms is not None
            and (first_terms is None or not first_terms.isdisjoint(said_lower))
            and terms.search(lower) is not None
        )
        if said and adds not in found:
            found.append(adds)
            if typed:
                by_capitals.append(adds)
    return found, by_capitals


_ALNUM = re.compile(r"[A-Za-z0-9]+")


def _first_words(terms: list[str]) -> frozenset[str] | None:
    """The first run of letters and digits of every term, when each term starts with one
    (else ``None``: the pattern is always run)."""
    firsts = set()
    for term in terms:
        match = _ALNUM.match(term)
        if match is None:
            return None
        firsts.add(match.group())
    return frozenset(firsts)


def content_text(text: str, words: QueryWords | None = None) -> str:
    """``text`` without chat words ("want", "dont", "can i", "how much"): the BM25 query."""
    data = _compiled(words or load_query_words())
    kept = [w for w in _WORD.findall(text) if w.lower().strip("'") not in data.chat_words]
    return " ".join(kept)


def linked_occupations(text: str, words: QueryWords | None = None) -> list[str]:
    """The ids of the occupations ``text`` names, in text order, through the one occupation
    linker (:func:`guidance_assistant.lmi.linker.link_occupations`): titles said whole, longest
    first, so "hospital doctor" is one job, not two, and a word for the work that is a form of
    exactly one one-word title ("plumbing" → Plumber, "midwifery" → Midwife). Chat words are
    never a job on their own, nor are the phrases of ``not_jobs`` ("Baker Clause"). Neither the
    phrases after "be a" and the like (their fuzzy matching costs milliseconds a question) nor
    compounds ("higher education" would name Higher education lecturer) are read: on the dev
    split neither changed recall@5 (0.930) and MRR@5 moved by 0.001."""
    from guidance_assistant.lmi.linker import link_occupations

    data = _compiled(words or load_query_words())
    links = link_occupations(
        normalise_for_matching(text),
        data.link_words,
        phrases=False,
        compounds=False,
        activities=True,
    )
    return links.ids


@dataclass(frozen=True)
class UnderstoodQuery:
    """A question as typed and as each search reads it."""

    text: str  # as typed (cleaned)
    respelled: str  # text-speak and misspellings written out
    dense: str  # respelled, with what abbreviations typed in capitals stand for: the dense query
    expanded: str  # respelled, with what its abbreviations stand for added
    sparse: str  # expanded without chat words: the BM25 query
    occupations: tuple[str, ...]  # ids of the occupations it names
    kind: str | None = None  # the first route whose words it uses ("leadership")
    bm25_factor: float = 1.0  # that route's weight on BM25, times the configured one


def route_of(text: str, words: QueryWords | None = None) -> Route | None:
    """The first route of ``routes`` whose words ``text`` (respelled) uses, else ``None``."""
    data = _compiled(words or load_query_words())
    lower = normalise_for_matching(text)
    return next((route for pattern, route in data.routes if pattern.search(lower)), None)


def understand(text: str, words: QueryWords | None = None) -> UnderstoodQuery:
    """Read ``text`` (a cleaned search question) as described in the module docstring."""
    words = words or load_query_words()
    respelled = respell(text, words)
    adds, typed = _expansions(respelled, words)
    expanded = " ".join([respelled, *adds])
    route = route_of(respelled, words)
    return UnderstoodQuery(
        text=text,
        respelled=respelled,
        dense=" ".join([respelled, *typed]),
        expanded=expanded,
        sparse=content_text(expanded, words),
        occupations=tuple(linked_occupations(respelled, words)),
        kind=route.kind if route is not None else None,
        bm25_factor=route.bm25_factor if route is not None else 1.0,
    )
