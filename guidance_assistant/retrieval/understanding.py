"""Reading a search question as people type it, before it reaches the indexes.

Four steps, each driven by expert-editable data in ``knowledge/retrieval/query_words.yaml``
(validated by :class:`QueryWords`) and the shared text layer:

1. **Spelling and text-speak**: ``u`` → you, ``wat`` → what, ``plumbin`` → plumbing, a digit
   typed for a word (``4`` → for, unless a word around it makes it a number: "level 4");
2. **Abbreviations and users' names** for things in UK education, written out beside the term
   (``SLT`` → senior leadership team, ``uni`` → university, ``Baker Clause`` → provider access);
3. **Chat words** ("want", "dont", "how much", "can I") dropped from the BM25 query only;
4. **Occupations named** in the question, linked through the one title index of
   :mod:`guidance_assistant.lmi.titles` (exact main and alternative titles, one-record compound
   phrases), so that the search can put that job's own records first.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.paths import bundled_dir, file_stamp
from guidance_assistant.text.clean import normalise_for_matching
from guidance_assistant.text.normalise import fold
from guidance_assistant.text.words import STOP_WORDS


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


class QueryWords(BaseModel):
    """The data of ``query_words.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    spellings: dict[str, str]
    digit_words: dict[str, str] = Field(default_factory=dict)
    number_context: str = ""
    expansions: list[Expansion] = Field(default_factory=list)
    chat_words: str = ""
    not_jobs: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _plain_keys(self) -> QueryWords:
        for word in [*self.spellings, *self.digit_words]:
            if not word.strip() or " " in word.strip():
                raise ValueError(f"a spelling is one word: {word!r}")
        for digit in self.digit_words:
            if not digit.isdigit():
                raise ValueError(f"digit_words keys are digits: {digit!r}")
        return self


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
    chat_words: frozenset[str]
    not_jobs: re.Pattern[str] | None


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
    for item in words.expansions:
        capitals = (
            re.compile(r"(?<!\w)(?:" + _alternatives(item.capitals) + r")(?!\w)")
            if item.capitals
            else None
        )
        terms = [normalise_for_matching(t) for t in item.terms]
        lower = re.compile(r"(?<![\w])(?:" + _alternatives(terms) + r")(?![\w])") if terms else None
        expansions.append((capitals, lower, item.adds))
    return _Compiled(
        spellings=spellings,
        spelling_re=spelling_re,
        digit_re=digit_re,
        digit_words=dict(words.digit_words),
        number_context=frozenset(words.number_context.lower().split()),
        expansions=tuple(expansions),
        chat_words=frozenset(words.chat_words.lower().split()),
        not_jobs=(
            re.compile(
                r"(?<!\w)(?:"
                + _alternatives([normalise_for_matching(p) for p in words.not_jobs])
                + r")(?!\w)"
            )
            if words.not_jobs
            else None
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
    data = _compiled(words or load_query_words())
    lower = normalise_for_matching(text)
    found: list[str] = []
    for capitals, terms, adds in data.expansions:
        said = (capitals is not None and capitals.search(text)) or (
            terms is not None and terms.search(lower)
        )
        if said and adds not in found:
            found.append(adds)
    return found


def content_text(text: str, words: QueryWords | None = None) -> str:
    """``text`` without chat words ("want", "dont", "can i", "how much"): the BM25 query."""
    data = _compiled(words or load_query_words())
    kept = [w for w in _WORD.findall(text) if w.lower().strip("'") not in data.chat_words]
    return " ".join(kept)


#: Endings of words that name an activity rather than a job ("plumbing", "midwifery").
_ACTIVITY_ENDINGS = ("ing", "ery", "ry", "phy", "acy", "ism", "ice")


def linked_occupations(text: str, words: QueryWords | None = None) -> list[str]:
    """The ids of the occupations ``text`` names, in text order, through the title index of
    :mod:`guidance_assistant.lmi.titles`: exact main and alternative titles (singular or
    plural), longest first, so "hospital doctor" is one job, not two; then a word for the work
    that is a form of exactly one one-word title ("plumbing" → Plumber, "midwifery" → Midwife,
    by :func:`guidance_assistant.lmi.title_words.related_words`). One-word names that are chat
    or stop words, and the phrases of ``not_jobs`` ("Baker Clause"), are skipped."""
    from guidance_assistant.lmi.titles import longest_title_words, title_lookup

    data = _compiled(words or load_query_words())
    norm = normalise_for_matching(text)
    if data.not_jobs is not None:
        norm = data.not_jobs.sub(" , ", norm)
    tokens = re.findall(r"[a-z0-9]+|,", norm)
    taken: set[int] = set()
    found: list[tuple[int, str]] = []
    for size in range(min(longest_title_words(), 5), 0, -1):
        for i in range(len(tokens) - size + 1):
            if any(j in taken for j in range(i, i + size)):
                continue
            window = tokens[i : i + size]
            if "," in window:
                continue
            if size == 1 and (
                window[0] in STOP_WORDS or window[0] in data.chat_words or len(window[0]) < 3
            ):
                continue
            hit = title_lookup(window)
            if hit is None:
                continue
            found.append((i, hit[0]))
            taken.update(range(i, i + size))
    for i, word in enumerate(tokens):
        if i in taken or len(word) < 6 or not word.endswith(_ACTIVITY_ENDINGS):
            continue
        if word in data.chat_words:
            continue
        occupation = _activity_title(word)
        if occupation is not None:
            found.append((i, occupation))
    return list(dict.fromkeys(occupation for _, occupation in sorted(found)))


@functools.lru_cache(maxsize=4096)
def _activity_title(word: str) -> str | None:
    """The one occupation with a one-word title that ``word`` is a form of, else ``None``."""
    from guidance_assistant.lmi.title_words import related_words

    ids = {hit[0] for title, hit in _one_word_titles() if related_words(word, title)}
    return ids.pop() if len(ids) == 1 else None


@functools.lru_cache(maxsize=1)
def _one_word_titles() -> tuple[tuple[str, tuple[str, str]], ...]:
    from guidance_assistant.lmi.titles import title_index

    return tuple((key, hit) for key, hit in title_index().items() if " " not in key)


@dataclass(frozen=True)
class UnderstoodQuery:
    """A question as typed and as each search reads it."""

    text: str  # as typed (cleaned)
    respelled: str  # text-speak and misspellings written out
    expanded: str  # respelled, with what its abbreviations stand for added
    sparse: str  # expanded without chat words: the BM25 query
    occupations: tuple[str, ...]  # ids of the occupations it names


def understand(text: str, words: QueryWords | None = None) -> UnderstoodQuery:
    """Read ``text`` (a cleaned search question) as described in the module docstring."""
    words = words or load_query_words()
    respelled = respell(text, words)
    adds = expansions_of(respelled, words)
    expanded = " ".join([respelled, *adds])
    return UnderstoodQuery(
        text=text,
        respelled=respelled,
        expanded=expanded,
        sparse=content_text(expanded, words),
        occupations=tuple(linked_occupations(respelled, words)),
    )
