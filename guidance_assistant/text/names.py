"""The redactor's name finder: people's names in transcripts and notes, of any origin, in any case.

Each word is read with its neighbours, and the data lives in YAML that an expert can edit
(``knowledge/redaction/``):

- ``names.yaml``: given names and surnames of many origins (a gazetteer). A listed name is a
  name wherever it stands ("zain", "Łukasz", "MUHAMMAD"), unless it is also an everyday word
  (``also_words``: Hope, Will, Rich, Page), which needs a cue;
- ``not_names.yaml``: words that are never names (beliefs, nationalities and languages,
  subjects, job titles, colleges and employers, months: "I am Muslim" stays), and words kept
  unless a title or a relation names someone with them (towns: "my uncle Milan");
- ``cues.yaml``: titles ("Mrs Okafor"), relations ("my cousin Arjun", "auntie grace"),
  introductions ("call me Jo", "I'm Bill"), form labels ("Surname: Doherty"), and words after
  a name that show a person ("grace said", "Rich was my manager").

The client's own names (``known``) are found in every form: any case, with or without accents
("siobhan" for Siobhán), each part of a double-barrelled name, possessives ("Priya's": only
"Priya" goes), close misspellings ("Shukru" for Şükrü) and spelled out ("R-U-T-A"). A known
name that is also an everyday word in lower case ("i hope to be a baker" for Hope Baker) is kept
unless a cue says it is the name. Neighbouring name words become one span ("Dalia Ibrahim",
"R. Kaur", "Nguyen Van Minh").

Pure: :func:`find_names` takes the text, the known names and the loaded lists, and returns
each span with the rule that found it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError
from rapidfuzz import fuzz

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.paths import bundled_dir, file_stamp
from guidance_assistant.text import fold

DATA_FOLDER = "redaction"


class RedactionDataError(GuidanceAssistantError):
    """A redaction word list in ``knowledge/redaction/`` that is missing or malformed."""


class NameListsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Literal[1]
    given_names: dict[str, list[str]]
    surnames: dict[str, list[str]]
    also_words: list[str]


class NotNamesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Literal[1]
    never: dict[str, list[str]]
    unless_cued: list[str]


class CuesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Literal[1]
    titles: list[str]
    relations: list[str]
    introductions: list[str]
    strong_introductions: list[str]
    labels: list[str]
    after: list[str]


_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?:^|[.!?:;|\n(\[\"]|\s-\s)\s*$")
_CONTRACTION = re.compile(r"'(?:m|ve|ll|d|re|t)$|n't$")
_DETERMINERS = frozenset(
    {"a", "an", "the", "my", "your", "his", "her", "our", "their", "its", "this", "that"}
    | {"some", "any", "real", "proper", "no"}
)


def _key(word: str) -> str:
    """The form a word is looked up by: accents folded, case ignored, curly quotes plain."""
    return fold(word).casefold().replace("’", "'")


def _keys(words: Iterable[str]) -> frozenset[str]:
    out: set[str] = set()
    for word in words:
        out.add(_key(word))
    return frozenset(out)


def _phrases(words: Iterable[str]) -> frozenset[tuple[str, ...]]:
    """Phrases as tuples of looked-up words ("'s mum" is ("'s", "mum"))."""
    out = set()
    for phrase in words:
        parts = []
        for part in phrase.split():
            parts.extend(["'s"] if _key(part) == "'s" else [_key(w) for w in _WORD.findall(part)])
        if parts:
            out.add(tuple(parts))
    return frozenset(out)


@dataclass(frozen=True)
class NameData:
    """The loaded lists, as look-up sets of folded, lower-case words and phrases."""

    names: frozenset[str]
    also_words: frozenset[str]
    never: frozenset[str]
    never_phrases: frozenset[tuple[str, ...]]
    unless_cued: frozenset[str]
    titles: frozenset[str]
    relations: frozenset[str]
    introductions: frozenset[tuple[str, ...]]
    strong_introductions: frozenset[tuple[str, ...]]
    labels: frozenset[tuple[str, ...]]
    after: frozenset[tuple[str, ...]]


def _read(path: Path, model: type[BaseModel]) -> BaseModel:
    try:
        return model.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except OSError as error:
        raise RedactionDataError(f"Cannot read the redaction list {path}: {error}") from error
    except (yaml.YAMLError, ValidationError) as error:
        raise RedactionDataError(
            f"The redaction list {path} is not valid; fix it and try again: {error}"
        ) from error


def data_folder() -> Path:
    """``knowledge/redaction``: the names, the words that are not names and the cues."""
    return bundled_dir("knowledge") / DATA_FOLDER


def load_name_data(folder: Path | None = None) -> NameData:
    """The lists in ``folder`` (default: :func:`data_folder`); re-read when a file changes."""
    folder = folder or data_folder()
    stamps = tuple(file_stamp(folder / n) for n in ("names.yaml", "not_names.yaml", "cues.yaml"))
    return _load(folder, stamps)


@functools.lru_cache(maxsize=4)
def _load(folder: Path, stamps: tuple[tuple[int, int], ...]) -> NameData:
    del stamps  # part of the cache key only
    names = _read(folder / "names.yaml", NameListsFile)
    not_names = _read(folder / "not_names.yaml", NotNamesFile)
    cues = _read(folder / "cues.yaml", CuesFile)
    assert isinstance(names, NameListsFile)
    assert isinstance(not_names, NotNamesFile)
    assert isinstance(cues, CuesFile)
    listed = [
        part
        for group in (*names.given_names.values(), *names.surnames.values())
        for name in group
        for part in name.split()
    ]
    never_words = [w for group in not_names.never.values() for w in group]
    return NameData(
        names=_keys(listed),
        also_words=_keys(names.also_words),
        never=_keys(w for w in never_words if len(_WORD.findall(w)) == 1),
        never_phrases=_phrases(w for w in never_words if len(_WORD.findall(w)) > 1),
        unless_cued=_keys(not_names.unless_cued),
        titles=_keys(cues.titles),
        relations=_keys(cues.relations),
        introductions=_phrases(cues.introductions),
        strong_introductions=_phrases(cues.strong_introductions),
        labels=_phrases(cues.labels),
        after=_phrases(cues.after),
    )


@dataclass
class _Token:
    text: str
    start: int
    end: int
    key: str
    possessive: bool
    whole_key: str

    @property
    def title(self) -> bool:
        return self.text[:1].isupper() and not self.upper

    @property
    def upper(self) -> bool:
        return len(self.text) > 1 and self.text.isupper()

    @property
    def lower(self) -> bool:
        return self.text.islower()

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()

    @property
    def spelled(self) -> bool:
        """Letters spelled out one by one: R-U-T-A."""
        parts = self.text.split("-")
        return len(parts) >= 3 and all(len(p) == 1 for p in parts)


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _WORD.finditer(text):
        word, start, end = match.group(0), match.start(), match.end()
        whole_key = _key(word)
        possessive = bool(_POSSESSIVE.search(word)) and len(word) > 3
        if possessive:
            word, end = word[:-2], end - 2
        tokens.append(_Token(word, start, end, _key(word), possessive, whole_key))
    return tokens


@dataclass(frozen=True)
class NameSpan:
    """A name found in the text: where, how sure, and the rule that found it."""

    start: int
    end: int
    score: float
    reason: str


class _Reader:
    """One text read against the lists and the known names."""

    def __init__(self, text: str, known: Sequence[str], data: NameData) -> None:
        self.text = text
        self.data = data
        self.tokens = _tokens(text)
        self.keys = [t.key for t in self.tokens]
        self.known = self._known_forms(known)
        self.blocked = self._blocked()

    @staticmethod
    def _known_forms(known: Sequence[str]) -> frozenset[str]:
        forms: set[str] = set()
        for name in known:
            for part in _WORD.findall(name):
                forms.add(_key(part))
                forms.update(_key(p) for p in part.split("-") if len(p) > 1)
        return frozenset(f for f in forms if len(f) > 1)

    def _blocked(self) -> set[int]:
        """Tokens inside a phrase that is never a name ("Learning Support", "Royal Mail")."""
        blocked: set[int] = set()
        longest = max((len(p) for p in self.data.never_phrases), default=0)
        for i in range(len(self.tokens)):
            for size in range(2, longest + 1):
                if tuple(self.keys[i : i + size]) in self.data.never_phrases:
                    blocked.update(range(i, i + size))
        return blocked

    # -- neighbours ---------------------------------------------------------------------------

    def gap(self, i: int) -> str:
        """The text between token i-1 and token i."""
        before = self.tokens[i - 1].end if i > 0 else 0
        return self.text[before : self.tokens[i].start]

    def sentence_start(self, i: int) -> bool:
        return i == 0 or bool(_SENTENCE_END.search(self.gap(i)))

    def _joined(self, i: int, allow: str = ",(-–:") -> bool:
        """Token i follows token i-1 closely (a space, or one of ``allow`` and spaces)."""
        gap = self.gap(i).strip()
        return i > 0 and (gap == "" or (len(gap) == 1 and gap in allow))

    def ends_with(self, i: int, phrases: frozenset[tuple[str, ...]]) -> bool:
        """The words right before token i (closely joined) are one of ``phrases``."""
        for phrase in phrases:
            n = len(phrase)
            if i >= n and tuple(self.keys[i - n : i]) == phrase and self._joined(i, ",:-–("):
                return True
        return False

    def starts_with(self, i: int, phrases: frozenset[tuple[str, ...]]) -> bool:
        """The words right after token i are one of ``phrases`` (``'s`` counts as a word)."""
        after = self.keys[i + 1 : i + 4]
        if self.tokens[i].possessive:
            after = ["'s", *after]
        elif i + 1 < len(self.tokens) and self.gap(i + 1).strip() not in ("", ","):
            return False
        return any(tuple(after[: len(p)]) == p for p in phrases)

    def titled(self, i: int) -> bool:
        return i > 0 and self.keys[i - 1] in self.data.titles and self._joined(i, ".")

    def related(self, i: int) -> bool:
        """A relation word right before ("my cousin Arjun", "worker, Shauna", "sister is Sky",
        "Dad (Piotr)")."""
        if i > 0 and self.keys[i - 1] in self.data.relations and self._joined(i):
            return True
        return (
            i > 1
            and self.keys[i - 1] in ("is", "was")
            and self.keys[i - 2] in self.data.relations
            and self._joined(i)
        )

    def labelled(self, i: int) -> bool:
        """A form label right before ("Name: ...", "Forename Jakub", "Pupil: ...")."""
        for phrase in self.data.labels:
            n = len(phrase)
            if i >= n and tuple(self.keys[i - n : i]) == phrase:
                gap = self.gap(i).strip()
                if gap in ("", ":", "-", "–") and (i == n or self.sentence_start(i - n)):
                    return True
        return False

    def determined(self, i: int) -> bool:
        return i > 0 and self.keys[i - 1] in _DETERMINERS and self._joined(i, "")

    def person_follows(self, i: int) -> bool:
        """Words after the name show a person: "said", "was my", "'s mum", ", my sister"."""
        if self.starts_with(i, self.data.after):
            return True
        nxt = self.keys[i + 1 : i + 3]
        return (
            len(nxt) == 2
            and self.gap(i + 1).strip() == ","
            and nxt[0] in ("my", "his", "her", "our", "their")
            and nxt[1] in self.data.relations
        )

    # -- decisions ----------------------------------------------------------------------------

    def cued(self, i: int) -> str | None:
        """The strong cue before or after token i, if any."""
        if self.titled(i):
            return "title"
        if self.related(i):
            return "relation"
        if self.ends_with(i, self.data.strong_introductions):
            return "introduction"
        if self.labelled(i):
            return "form label"
        if self.person_follows(i):
            return "what follows"
        return None

    def decide(self, i: int) -> str | None:
        """Why token i is a name, or None."""
        token, key, data = self.tokens[i], self.keys[i], self.data
        if token.spelled:
            return "spelled out"
        if i in self.blocked or len(key) < 2 or _CONTRACTION.search(token.whole_key):
            return None
        everyday = key in data.also_words or key in data.unless_cued
        if key in self.known and (not everyday or token.capitalised):
            return "known name"
        if key in data.never or token.whole_key in data.never:
            return None
        if key in data.names and not everyday:
            return "listed name"
        if everyday:
            return self._everyday(i)
        if not token.capitalised or (token.upper and len(key) <= 3):
            return None  # lower case, or an acronym such as "QQ", "YP"
        if self.close_to_known(key):
            return "close to a known name"
        cue = self.cued(i)
        if cue is None and self.ends_with(i, data.introductions):
            cue = "introduction"
        if cue == "what follows" and self.sentence_start(i):
            cue = None
        return f"capitalised word, {cue}" if cue else None

    def _everyday(self, i: int) -> str | None:
        """An everyday word (Hope, will, Rich, Leeds) is a name only with a cue, and never
        after a determiner ("a baker", "my mark", "the amber light")."""
        if self.determined(i):
            return None
        cue = self.cued(i)
        token = self.tokens[i]
        if cue == "title" and not self.tokens[i - 1].capitalised:
            cue = None  # "miss can i go": a lower-case title is a word said to a teacher
        if cue == "relation" and token.lower and i > 1 and self.keys[i - 2] in _DETERMINERS:
            cue = None  # "my son will be": the relation names the son, not "will"
        if cue is None and token.capitalised and self.coordinated(i):
            cue = "listed with names"
        if cue is None:
            return None
        if self.keys[i] in self.data.unless_cued and cue not in ("title", "relation"):
            return None
        return f"everyday word as a name, {cue}"

    def coordinated(self, i: int) -> bool:
        """Listed with a name: "Precious and Blessing", "me and Liam and Connor"."""
        return i > 1 and self.keys[i - 1] in ("and", "&", "n") and self._named[i - 2]

    def close_to_known(self, key: str) -> bool:
        return len(key) >= 4 and any(
            len(k) >= 4 and fuzz.ratio(key, k) >= 80 and key[0] == k[0] for k in self.known
        )

    def find(self) -> list[NameSpan]:
        self._named = [False] * len(self.tokens)
        reasons: list[str | None] = [None] * len(self.tokens)
        for i in range(len(self.tokens)):
            reasons[i] = self.decide(i)
            self._named[i] = reasons[i] is not None
        self._extend(reasons)
        return self._spans(reasons)

    def _extend(self, reasons: list[str | None]) -> None:
        """Capitalised words beside a name join it ("Rosalinda Dela Cruz", "Grace Adjoa
        Mensah"); so do initials ("R. Kaur", "Mrs R Patel")."""
        changed = True
        while changed:
            changed = False
            for i, token in enumerate(self.tokens):
                key = self.keys[i]
                if (
                    reasons[i] is not None
                    or i in self.blocked
                    or key in self.data.never
                    or key in self.data.unless_cued
                ):
                    continue
                left = i > 0 and reasons[i - 1] is not None and self.gap(i) == " "
                right = i + 1 < len(self.tokens) and reasons[i + 1] is not None
                if len(token.text) == 1 and token.text.isupper():
                    joins = right and self.gap(i + 1) in (" ", ". ")
                else:
                    joins = token.title and (
                        left or (right and self.gap(i + 1) == " " and not self.sentence_start(i))
                    )
                if joins:
                    reasons[i] = "beside a name"
                    changed = True

    def _spans(self, reasons: list[str | None]) -> list[NameSpan]:
        spans: list[NameSpan] = []
        i = 0
        while i < len(self.tokens):
            if reasons[i] is None:
                i += 1
                continue
            j = i
            while (
                j + 1 < len(self.tokens)
                and reasons[j + 1] is not None
                and not self.tokens[j].possessive
                and self._same_name(j + 1)
            ):
                j += 1
            why = "; ".join(sorted({r for r in reasons[i : j + 1] if r}))
            spans.append(NameSpan(self.tokens[i].start, self.tokens[j].end, 0.85, why))
            i = j + 1
        return spans

    def _same_name(self, i: int) -> bool:
        """Token i continues the name before it: one space, an initial's dot, or the comma of
        "SURNAME, Forename" on a form."""
        gap = self.gap(i)
        if gap == " " or (gap == ". " and len(self.tokens[i - 1].text) == 1):
            return True
        return gap == ", " and self.tokens[i - 1].upper and self.tokens[i].title


def find_names(
    text: str, known: Sequence[str] = (), data: NameData | None = None
) -> list[NameSpan]:
    """The names in ``text`` (see the module docstring for the rules)."""
    return _Reader(text, known, data or load_name_data()).find()
