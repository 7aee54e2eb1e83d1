"""The span reader of the notes: which words of a clause are the client's interest, strength or
idea, not only which clause speaks of one.

Each clause of the notes (:func:`~guidance_assistant.prepare.clauses.clause_segments`) is cut into
candidate phrases by simple rules: runs of words between punctuation and function or cue words
("likes", "wants to be", "his", "at"), and two such runs joined by "and", "of" or "&" ("hair and
beauty", "speech and language therapist"). A small learned head scores every candidate as an
interest, a strength, an idea or none: a multinomial logistic regression over the MiniLM
embedding of the phrase, the embedding of its clause and a few features of its place in the clause
(the cue words before it, a family word before it, its position and length). Per label, a
candidate is kept when its probability reaches the threshold chosen on the development notes;
overlapping candidates give way to the surer one and adjacent ones of one label are joined. The
long object of a cue rule ("likes keyboard at church most Sundays") is cut to the phrases in it
the head takes for items ("keyboard"); the rule's label stands.

The head is trained by :mod:`guidance_assistant.prepare.spans_train` on
``knowledge/notes/spans/*.yaml``, clauses written for it in advisers' styles with the spans marked
(``[i:...]`` interest, ``[s:...]`` strength, ``[d:...]`` idea), never the labelled notes of
``evals/brief``. Its weights ship in ``spans_model/`` as plain arrays evaluated with numpy.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np
import numpy.typing as npt
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.paths import bundled_dir
from guidance_assistant.prepare.clauses import clause_segments
from guidance_assistant.retrieval.embedding import Embedder, shared_on_model

SpanLabel = Literal["interest", "strength", "idea"]
SPAN_LABELS: tuple[SpanLabel, ...] = get_args(SpanLabel)
#: The classes of the head: ``none`` first.
HEAD_LABELS: tuple[str, ...] = ("none", *SPAN_LABELS)
_MARK = {"i": "interest", "s": "strength", "d": "idea"}
MODEL_DIR = Path(__file__).with_name("spans_model")
WEIGHTS_FILE = "spans.npz"
CARD_FILE = "spans.json"
Floats = npt.NDArray[np.float32]
BankStyle = Literal["bullets", "referral_form", "senco_email", "ucas_season", "adult", "profile"]


class SpanBankError(GuidanceAssistantError):
    """The span bank could not be read."""


_MARKUP = re.compile(r"\[([isd]):([^\[\]]+)\]")


@dataclass(frozen=True)
class MarkedSpan:
    label: SpanLabel
    start: int
    end: int

    def text(self, clause: str) -> str:
        return clause[self.start : self.end]


def parse_marked(marked: str) -> tuple[str, list[MarkedSpan]]:
    """A clause written with ``[i:...]`` marks as its plain text and its spans."""
    plain: list[str] = []
    spans: list[MarkedSpan] = []
    position = 0
    length = 0
    for match in _MARKUP.finditer(marked):
        before = marked[position : match.start()]
        plain.append(before)
        length += len(before)
        inner = match.group(2)
        spans.append(MarkedSpan(_MARK[match.group(1)], length, length + len(inner)))  # type: ignore[arg-type]
        plain.append(inner)
        length += len(inner)
        position = match.end()
    plain.append(marked[position:])
    text = "".join(plain)
    if "[" in text and re.search(r"\[[a-z]:", text):
        raise ValueError(f"badly marked span in {marked!r}")
    return text, spans


class SpanFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    style: BankStyle
    clauses: list[str] = Field(min_length=1)

    @field_validator("clauses")
    @classmethod
    def _marks_parse(cls, value: list[str]) -> list[str]:
        for clause in value:
            text, spans = parse_marked(clause)
            if not text.strip():
                raise ValueError("an empty clause")
            for span in spans:
                if not _head_words(span.text(text)):
                    raise ValueError(f"a span without content words in {clause!r}")
        return value


@dataclass(frozen=True)
class BankSpanClause:
    text: str
    spans: tuple[MarkedSpan, ...]
    style: str


def span_bank_files(folder: Path | None = None) -> list[Path]:
    return sorted((folder or bundled_dir("knowledge") / "notes" / "spans").glob("*.yaml"))


def load_span_bank(folder: Path | None = None) -> list[BankSpanClause]:
    """Every marked clause of the bank (texts unique)."""
    found: list[BankSpanClause] = []
    seen: set[str] = set()
    for path in span_bank_files(folder):
        try:
            data = SpanFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        except (OSError, yaml.YAMLError, ValidationError) as error:
            raise SpanBankError(f"cannot read {path}: {error}") from error
        for marked in data.clauses:
            text, spans = parse_marked(marked)
            key = " ".join(text.lower().split())
            if key not in seen:
                seen.add(key)
                found.append(BankSpanClause(text, tuple(spans), data.style))
    return found


# ---------------------------------------------------------------------------------------------
# Candidates

_WORD = re.compile(r"\b[AT][- ][Ll]evels?\b|[A-Za-z0-9][A-Za-z0-9'’*+-]*(?<![-'’])")
#: Words that are never an item on their own: services, plans and registers the notes name.
NOT_ITEMS = frozenset(
    [
        "ehcp",
        "ehc",
        "sen",
        "send",
        "senco",
        "semh",
        "camhs",
        "ebsa",
        "fsm",
        "pp",
        "lac",
        "pep",
        "dsl",
        "iep",
        "slt",
        "ucas",
        "gcse",
        "gcses",
        "yr",
        "year",
        "age",
        "dob",
        "name",
        "referral",
        "careers",
        "pastoral",
        "notes",
        "re",
        "fao",
        "cc",
        "attendance",
        "mocks",
        "mock",
    ]
)
_BOUNDARY_WORDS = (
    # determiners, pronouns
    "a an the his her their my your our its this that these those some any every each all both "
    "he she they i we you it him them me us himself herself themselves someone something anything "
    "who which what where there here then whose whom "
    # auxiliaries and plain verbs
    "is are was were be been being am has have had do does did done will would can could should "
    "might may must shall isn't wasn't doesn't don't didn't won't can't couldn't wouldn't "
    "he's she's they're it's i'm i'd he'd she'd they'd i've "
    "get gets got getting go goes going went make makes made making "
    # prepositions and conjunctions
    "in on at to for from with without by about into onto of as than like via w w/ per after "
    "before since until during through over under off out up down around near "
    "and or but so because if when while though although whereas yet nor also "
    # cue words
    "want wants wanted wanting wanna like likes liked love loves loved enjoy enjoys enjoyed "
    "adore adores think thinks thinking thought consider considers considering considered "
    "mention mentions mentioned said says say talked talks talk spoke asked asks ask told "
    "interested interest interests keen passionate fascinated obsessed mad "
    "good great strong excellent brilliant talented gifted natural best better really very quite "
    "just still now maybe possibly perhaps probably definitely not no never always mostly mainly "
    "especially esp particularly ideally hopefully currently again already even only "
    "become becomes becoming job jobs career careers idea ideas option options "
    "lol etc atm tbc yes yeah ok okay thanks please "
    "suggested suggest suggests recommended discussed explained signposted gave "
    "most more less lots loads bit lot"
)
BOUNDARY = frozenset(_BOUNDARY_WORDS.split())
_JOINERS = frozenset({"and", "of", "&"})
_INTEREST_CUE_WORDS = frozenset(
    [
        "like",
        "likes",
        "liked",
        "love",
        "loves",
        "loved",
        "enjoy",
        "enjoys",
        "enjoyed",
        "adore",
        "adores",
        "into",
        "keen",
        "passionate",
        "fascinated",
        "obsessed",
        "mad",
        "plays",
        "play",
        "played",
        "does",
        "hobbies",
        "hobby",
        "interests",
        "interest",
        "fan",
        "volunteers",
        "volunteering",
        "spends",
        "collects",
        "watches",
        "reads",
    ]
)
_IDEA_CUE_WORDS = frozenset(
    [
        "want",
        "wants",
        "wanted",
        "wanting",
        "wanna",
        "be",
        "become",
        "becoming",
        "thinking",
        "considering",
        "considered",
        "mentioned",
        "said",
        "says",
        "talked",
        "asked",
        "idea",
        "ideas",
        "career",
        "aspiration",
        "aspirations",
        "ambition",
        "goal",
        "applying",
        "applied",
        "apply",
        "study",
        "studying",
        "train",
        "training",
        "do",
        "doing",
        "plan",
        "plans",
        "post-16",
        "dream",
        "dreams",
        "aiming",
        "route",
    ]
)
_STRENGTH_CUE_WORDS = frozenset(
    [
        "good",
        "great",
        "strong",
        "excellent",
        "brilliant",
        "talented",
        "gifted",
        "natural",
        "best",
        "skills",
        "skill",
        "strengths",
        "strength",
        "achievements",
        "very",
        "really",
        "top",
    ]
)
_KIN_WORDS = frozenset(
    [
        "mum",
        "mother",
        "dad",
        "father",
        "brother",
        "sister",
        "bro",
        "sis",
        "nan",
        "gran",
        "grandad",
        "grandma",
        "grandpa",
        "uncle",
        "aunt",
        "auntie",
        "cousin",
        "stepdad",
        "stepmum",
        "parent",
        "parents",
        "carer",
        "carers",
        "partner",
        "husband",
        "wife",
        "boyfriend",
        "girlfriend",
        "son",
        "daughter",
    ]
)
_STAFF_WORDS = frozenset(
    ["i", "we", "suggested", "showed", "adviser", "tutor", "senco", "teacher", "coach"]
)
_FIELD = re.compile(r"^\s*([A-Za-z][A-Za-z /&()'-]{0,40}):\s")
_FIELD_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("interest", re.compile(r"interest|hobb|out of school|extra|enjoy|activit|volunteer", re.I)),
    ("strength", re.compile(r"strength|skill|achievement|award|best subject|good at", re.I)),
    ("idea", re.compile(r"idea|aspiration|ambition|goal|post-16|plan|intend|route|prefer", re.I)),
)
MAX_WORDS = 6
#: How sure the head must be before the reader keeps a span, per label: chosen on the development
#: notes of ``evals/brief`` (F1 per field, 0.6 to 0.9 tried; never the test notes). The
#: thresholds cross-validation on the bank gives (``thresholds`` in the model card, for 0.8
#: precision on the bank's strict spans) are stricter than the reader needs.
#: Retrained with the profile bank (spans-6-profile.yaml, whose strengths are broader than the dev
#: notes'): strength 0.95 and idea 0.85 chosen on the dev notes (0.8 to 1.0 tried).
READ_THRESHOLDS: dict[str, float] = {"interest": 0.8, "strength": 0.95, "idea": 0.85}
#: A cue rule's object keeps the phrases in it whose probability of ``none`` is below this.
WITHIN_FLOOR = 0.5


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    text: str
    features: tuple[float, ...]


def _head_words(text: str) -> list[str]:
    """The words of ``text`` that can carry an item (not function or cue words, not numbers)."""
    return [
        w.lower()
        for w in _WORD.findall(text)
        if not _is_boundary(w) and any(ch.isalpha() for ch in w) and (len(w) > 1 or w.isupper())
    ]


def _tokens(clause: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(clause)]


def _is_boundary(word: str) -> bool:
    if len(word) >= 2 and word.isupper():  # an acronym ("IT", "PE") is never a function word
        return False
    return word.lower().strip("'’") in BOUNDARY


def candidates(clause: str) -> list[Candidate]:
    """The candidate phrases of a clause (see the module docstring), each with its features."""
    tokens = _tokens(clause)
    runs: list[tuple[int, int]] = []  # token index ranges [i, j)
    i = 0
    while i < len(tokens):
        if _is_boundary(tokens[i][2]):
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and not _is_boundary(tokens[j][2]):
            gap = clause[tokens[j - 1][1] : tokens[j][0]]
            if gap.strip():  # punctuation between the words ends the run
                break
            j += 1
        runs.append((i, j))
        i = j
    spans: list[tuple[int, int]] = [r for r in runs if r[1] - r[0] <= MAX_WORDS]
    for a, b in runs:  # a run's words without one or two at either end ("plays drums" -> "drums")
        for cut in (1, 2):
            if b - a > cut:
                spans += [(a + cut, b), (a, b - cut)]
    for (a, b), (c, d) in itertools.pairwise(runs):
        if c == b + 1 and tokens[b][2].lower() in _JOINERS and d - a <= MAX_WORDS:
            gap = clause[tokens[b - 1][1] : tokens[c][0]]
            if "," not in gap and ";" not in gap:
                spans.append((a, d))
    field = _FIELD.match(clause)
    field_kind = ""
    field_end = 0
    if field:
        field_end = field.end()
        field_kind = next((k for k, p in _FIELD_KINDS if p.search(field.group(1))), "")
    found: list[Candidate] = []
    n = max(len(tokens), 1)
    for a, b in dict.fromkeys(spans):
        if b - a > MAX_WORDS:
            continue
        start, end = tokens[a][0], tokens[b - 1][1]
        if start < field_end:  # the field's own name ("Interests:") is no item
            continue
        text = clause[start:end]
        heads = _head_words(text)
        if not heads or all(w in NOT_ITEMS for w in heads) or _not_an_item(text):
            continue
        before = [t[2].lower() for t in tokens[max(0, a - 4) : a]]
        all_before = {t[2].lower() for t in tokens[:a]}
        near = before[-2:]
        features = (
            a / n,
            min(b - a, MAX_WORDS) / MAX_WORDS,
            float(a == 0),
            float(any(w in _INTEREST_CUE_WORDS for w in near)),
            float(any(w in _IDEA_CUE_WORDS for w in near)),
            float(any(w in _STRENGTH_CUE_WORDS for w in near)),
            float(any(w in _INTEREST_CUE_WORDS for w in before)),
            float(any(w in _IDEA_CUE_WORDS for w in before)),
            float(any(w in _STRENGTH_CUE_WORDS for w in before)),
            float(any(w in _KIN_WORDS for w in before)),
            float(bool(all_before & _KIN_WORDS)),
            float(bool(all_before & _STAFF_WORDS)),
            float(any(ch.isdigit() for ch in text)),
            float(text[:1].isupper() and a > 0),
            float(field_kind == "interest"),
            float(field_kind == "strength"),
            float(field_kind == "idea"),
            float(bool(field) and not field_kind),
            float(
                bool(re.search(r"\b(?:not|no|never|n't|hates?|doesn'?t)\b", clause[:start], re.I))
            ),
        )
        found.append(Candidate(start, end, text, features))
    return found


def _not_an_item(text: str) -> bool:
    """A heading in capitals ("CAREERS GUIDANCE"), a form or group code ("11JW"), one letter."""
    words = text.split()
    if len(text.strip()) < 2:
        return True
    if all(w.isupper() for w in words) and any(len(w) > 5 for w in words):
        return True
    return any(re.fullmatch(r"\d+[A-Z]{1,3}|[A-Z]{1,3}\d+", w) is not None for w in words)


def candidate_label(candidate: Candidate, spans: Sequence[MarkedSpan], clause: str) -> str:
    """The label a marked clause gives a candidate: a span's, when the candidate lies inside it
    and holds its last content word; else ``none``."""
    for span in spans:
        if span.start <= candidate.start and candidate.end <= span.end:
            words = _head_words(span.text(clause))
            if words and words[-1] in _head_words(candidate.text):
                return span.label
    return "none"


# ---------------------------------------------------------------------------------------------
# The head


def feature_matrix(
    embedder: Embedder, clauses: Sequence[str], per_clause: Sequence[Sequence[Candidate]]
) -> Floats:
    """Rows of [phrase vector, clause vector, phrase . clause, the candidate's features]."""
    phrases = [c.text for cands in per_clause for c in cands]
    if not phrases:
        return np.zeros((0, 0), dtype=np.float32)
    unique = list(dict.fromkeys([*clauses, *phrases]))
    vectors = np.asarray(embedder.embed(unique), dtype=np.float32)
    row_of = {text: i for i, text in enumerate(unique)}
    clause_vectors = vectors[[row_of[c] for c in clauses]]
    phrase_vectors = vectors[[row_of[p] for p in phrases]]
    rows: list[Floats] = []
    k = 0
    for index, cands in enumerate(per_clause):
        for cand in cands:
            p = phrase_vectors[k]
            c = clause_vectors[index]
            extra = np.asarray([float(p @ c), *cand.features], dtype=np.float32)
            rows.append(np.concatenate([p, c, extra]))
            k += 1
    return np.vstack(rows)


@dataclass(frozen=True)
class SpanWeights:
    w: Floats  # (labels, features)
    b: Floats  # (labels,)
    labels: tuple[str, ...]
    thresholds: dict[str, float]
    card: dict[str, Any]

    @classmethod
    def load(cls, folder: Path = MODEL_DIR) -> SpanWeights:
        with np.load(folder / WEIGHTS_FILE) as data:
            w = np.asarray(data["w"], dtype=np.float32)
            b = np.asarray(data["b"], dtype=np.float32)
        card = json.loads((folder / CARD_FILE).read_text(encoding="utf-8"))
        thresholds = {str(k): float(v) for k, v in card["thresholds"].items()}
        return cls(w, b, tuple(card["labels"]), thresholds, card)

    def save(self, folder: Path = MODEL_DIR) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(folder / WEIGHTS_FILE, w=self.w, b=self.b)
        (folder / CARD_FILE).write_text(
            json.dumps(
                {**self.card, "labels": list(self.labels), "thresholds": self.thresholds},
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )

    def probabilities(self, x: Floats) -> npt.NDArray[np.float64]:
        logits = (x @ self.w.T + self.b).astype(np.float64)
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True), dtype=np.float64)


@dataclass(frozen=True)
class SpanReading:
    clause: str
    label: SpanLabel
    text: str
    score: float
    start: int = 0
    end: int = 0


def decode(
    clause: str,
    cands: Sequence[Candidate],
    probs: npt.NDArray[np.float64],
    labels: Sequence[str],
    thresholds: dict[str, float],
) -> list[SpanReading]:
    """The candidates kept (their label's probability at its threshold or above), surest first,
    none overlapping another kept one."""
    scored: list[tuple[float, int, str]] = []
    for index, row in enumerate(probs):
        best = int(np.argmax(row))
        label = labels[best]
        if label == "none" or row[best] < thresholds.get(label, 1.1):
            continue
        scored.append((float(row[best]), index, label))
    kept: list[tuple[int, int, str, float]] = []
    for score, index, label in sorted(scored, reverse=True):
        cand = cands[index]
        if any(cand.start < e and s < cand.end for s, e, _, _ in kept):
            continue
        kept.append((cand.start, cand.end, label, score))
    kept.sort()
    merged: list[tuple[int, int, str, float]] = []
    for start, end, label, score in kept:  # "fixing" + "bikes" -> "fixing bikes"
        if merged and merged[-1][2] == label and not clause[merged[-1][1] : start].strip():
            last = merged[-1]
            merged[-1] = (last[0], end, label, min(last[3], score))
        else:
            merged.append((start, end, label, score))
    return [
        SpanReading(clause, label, clause[start:end], score, start, end)  # type: ignore[arg-type]
        for start, end, label, score in merged
    ]


class SpanReader:
    """Reads the spans of notes (see the module docstring)."""

    def __init__(self, embedder: Embedder, weights: SpanWeights) -> None:
        self.embedder = embedder
        self.weights = weights
        self.thresholds = dict(READ_THRESHOLDS)
        self.within_floor = WITHIN_FLOOR

    def within(self, places: Sequence[tuple[str, int, int]]) -> list[list[str]]:
        """For each (clause, start, end), the phrases inside ``clause[start:end]`` that the head
        takes for an item of any label (probability of ``none`` under :attr:`within_floor`),
        surest first, none overlapping: what a cue rule's long object ("keyboard at church
        most Sundays") holds ("keyboard")."""
        per_clause = [
            [c for c in candidates(clause) if start <= c.start and c.end <= end]
            for clause, start, end in places
        ]
        x = feature_matrix(self.embedder, [p[0] for p in places], per_clause)
        if not x.size:
            return [[] for _ in places]
        probs = self.weights.probabilities(x)
        none = self.weights.labels.index("none")
        result: list[list[str]] = []
        k = 0
        for (clause, _, _), cands in zip(places, per_clause, strict=True):
            rows = probs[k : k + len(cands)]
            k += len(cands)
            accepted = [i for i in range(len(cands)) if rows[i][none] < self.within_floor]
            order = sorted(accepted, key=lambda i: (-len(cands[i].text), rows[i][none]))
            taken: list[Candidate] = []
            for i in order:
                cand = cands[i]
                if not any(cand.start < t.end and t.start < cand.end for t in taken):
                    taken.append(cand)
            pieces: list[list[int]] = []
            for t in sorted(taken, key=lambda t: t.start):  # "personal" + "trainer" joined
                if pieces and not clause[pieces[-1][1] : t.start].strip():
                    pieces[-1][1] = t.end
                else:
                    pieces.append([t.start, t.end])
            result.append([clause[a:b] for a, b in pieces])
        return result

    def read_clauses(self, clauses: Sequence[str]) -> list[SpanReading]:
        per_clause = [candidates(c) for c in clauses]
        x = feature_matrix(self.embedder, clauses, per_clause)
        if not x.size:
            return []
        probs = self.weights.probabilities(x)
        found: list[SpanReading] = []
        k = 0
        for clause, cands in zip(clauses, per_clause, strict=True):
            rows = probs[k : k + len(cands)]
            k += len(cands)
            found += decode(clause, cands, rows, self.weights.labels, self.thresholds)
        return found

    def read(self, text: str) -> list[SpanReading]:
        """The interests, strengths and ideas of ``text``, clause by clause."""
        clauses = [c for c in clause_segments(text) if 1 <= len(c.split()) <= 60]
        return self.read_clauses(clauses)


def shared_span_reader() -> SpanReader | None:
    """The process's span reader; ``None`` (logged once) when it cannot load: the rules run."""
    if not (MODEL_DIR / WEIGHTS_FILE).is_file():
        return None
    return shared_on_model(
        "notes: span reader", lambda embedder: SpanReader(embedder, SpanWeights.load())
    )
