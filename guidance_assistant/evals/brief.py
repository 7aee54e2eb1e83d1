"""The brief eval: adviser notes labelled with what a careful reader takes from them
(``evals/brief/notes-{dev,test}.yaml``, :class:`~guidance_assistant.prepare.facts.NoteFacts`),
and the notes reader scored field by field.

Counting, per field, over every note of the split (micro-averaged):

- **single values** (name, age, year group, life stage): precision = right / given,
  recall = right / labelled. A value given where the notes state none counts against precision
  (a sibling's age read as the client's is wrong twice: a wrong value, and a missed one when the
  client's age is stated elsewhere).
- **phrases** (interests, strengths, ideas, rejected): an item found matches a labelled one when
  their content words agree (word forms matched: "animals" ~ "animal care"; a labelled ``a | b``
  matches either wording); each labelled item is matched at most once.
- **subjects with grades**: a subject with its grade, both right (grades compared as written,
  case-blind); the grade's status (predicted, achieved...) is counted separately on the pairs
  found.
- **offers**: matched on the words of ``what``; their status counted on the offers found.
- **needs** and **circumstances**: sets of ids per note (circumstances by kind).
- **people**: a person and their job, both right (family words folded: mum ~ mother).
- **others' jobs kept out**: the share of labelled ``not_options`` that do not appear among the
  client's ideas the reader found (1.0 = none leaked).
"""

from __future__ import annotations

import platform
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.paths import bundled_dir
from guidance_assistant.prepare.facts import (
    NoteFacts,
    Offer,
    OfferStatus,
    Person,
    SubjectGrade,
    phrase_matches,
)
from guidance_assistant.text.clean import normalise_for_matching

T = TypeVar("T")
Split = Literal["dev", "test"]
NoteStyle = Literal[
    "bullets",
    "referral_form",
    "senco_email",
    "ucas_season",
    "adult",
    "handover",
    "prose",
    "mixed",
]
#: The fields in the order the table prints them.
FIELDS: tuple[str, ...] = (
    "name",
    "age",
    "year_group",
    "life_stage",
    "subjects",
    "offers",
    "interests",
    "strengths",
    "ideas",
    "rejected",
    "needs",
    "circumstances",
    "people",
)


class BriefEvalError(GuidanceAssistantError):
    """The labelled notes could not be read."""


class LabelledNote(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    style: NoteStyle
    text: str = Field(min_length=1)
    gold: NoteFacts


class NotesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    split: Split
    notes: list[LabelledNote] = Field(min_length=1)


def brief_eval_dir(folder: Path | None = None) -> Path:
    return folder or bundled_dir("evals") / "brief"


def load_notes_set(split: Split, folder: Path | None = None) -> list[LabelledNote]:
    """The labelled notes of ``split`` (ids unique)."""
    path = brief_eval_dir(folder) / f"notes-{split}.yaml"
    try:
        data = NotesFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise BriefEvalError(f"cannot read {path}: {error}") from error
    if data.split != split:
        raise BriefEvalError(f"{path} says split {data.split!r}, expected {split!r}")
    ids = [note.id for note in data.notes]
    if len(set(ids)) != len(ids):
        raise BriefEvalError(f"{path}: note ids repeat")
    return data.notes


# ---------------------------------------------------------------------------------------------
# Matching


def _grade(text: str | None) -> str:
    return re.sub(r"[\s*]+", "", (text or "").lower()).replace("grade", "")


@dataclass
class FieldScore:
    """Counts for one field: ``right`` items found and labelled; ``found``; ``labelled``."""

    right: int = 0
    found: int = 0
    labelled: int = 0
    right_recall: int = 0  # labelled items matched (one-to-one matching makes it equal to right)

    @property
    def precision(self) -> float | None:
        return self.right / self.found if self.found else None

    @property
    def recall(self) -> float | None:
        return self.right_recall / self.labelled if self.labelled else None

    def add(self, other: FieldScore) -> None:
        self.right += other.right
        self.found += other.found
        self.labelled += other.labelled
        self.right_recall += other.right_recall


def _match(
    found: Sequence[T], labelled: Sequence[T], same: Callable[[T, T], bool]
) -> tuple[FieldScore, list[tuple[int, int]]]:
    """Greedy one-to-one matching of found to labelled items."""
    used: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for i, item in enumerate(found):
        for j, gold in enumerate(labelled):
            if j not in used and same(item, gold):
                used.add(j)
                pairs.append((i, j))
                break
    score = FieldScore(
        right=len(pairs), found=len(found), labelled=len(labelled), right_recall=len(pairs)
    )
    return score, pairs


def _single(found: T | None, labelled: T | None, same: Callable[[T, T], bool]) -> FieldScore:
    right = found is not None and labelled is not None and same(found, labelled)
    return FieldScore(
        right=int(right),
        found=int(found is not None),
        labelled=int(labelled is not None),
        right_recall=int(right),
    )


def _eq(a: object, b: object) -> bool:
    return a == b


def _name_same(a: str, b: str) -> bool:
    return any(
        normalise_for_matching(a) == normalise_for_matching(option) for option in b.split("|")
    )


def _offer_same(a: Offer, b: Offer) -> bool:
    return phrase_matches(a.what, b.what)


def score_offers(
    found: Sequence[Offer], labelled: Sequence[Offer]
) -> tuple[FieldScore, int, list[tuple[int, int]]]:
    """Offers matched on the words of ``what`` (one to one), the number of matched offers whose
    status is right too, and the matched pairs (found index, labelled index)."""
    score, pairs = _match(found, labelled, _offer_same)
    return score, sum(found[i].status == labelled[j].status for i, j in pairs), pairs


@dataclass
class NoteScore:
    note_id: str
    fields: dict[str, FieldScore]
    status_right: int = 0
    status_found: int = 0
    offer_status_right: int = 0
    offer_status_found: int = 0
    leaked: list[str] = field(default_factory=list)
    not_options: int = 0
    misses: list[str] = field(default_factory=list)


def score_note(note_id: str, found: NoteFacts, gold: NoteFacts) -> NoteScore:
    """Every field of one note (see the module docstring for the counting)."""
    fields: dict[str, FieldScore] = {
        "name": _single(found.name, gold.name, _name_same),
        "age": _single(found.age, gold.age, _eq),
        "year_group": _single(found.year_group, gold.year_group, _eq),
        "life_stage": _single(found.life_stage, gold.life_stage, _eq),
    }
    misses: list[str] = []
    for name in ("name", "age", "year_group", "life_stage"):
        if fields[name].right < max(fields[name].found, fields[name].labelled):
            misses.append(
                f"{name}: found {getattr(found, name)!r}, labelled {getattr(gold, name)!r}"
            )

    graded = [s for s in found.subjects if s.grade]
    gold_graded = [s for s in gold.subjects if s.grade]

    def subject_same(a: SubjectGrade, b: SubjectGrade) -> bool:
        return phrase_matches(a.subject, b.subject) and _grade(a.grade) == _grade(b.grade)

    fields["subjects"], pairs = _match(graded, gold_graded, subject_same)
    status_right = sum(graded[i].status == gold_graded[j].status for i, j in pairs)

    fields["offers"], offer_status, offer_pairs = score_offers(found.offers, gold.offers)
    for name in ("interests", "strengths", "ideas", "rejected"):
        fields[name], _ = _match(getattr(found, name), getattr(gold, name), phrase_matches)
    fields["needs"], _ = _match(sorted(set(found.needs)), sorted(set(gold.needs)), _eq)
    fields["circumstances"], _ = _match(
        sorted({c.kind for c in found.circumstances}),
        sorted({c.kind for c in gold.circumstances}),
        _eq,
    )

    def person_same(a: Person, b: Person) -> bool:
        return phrase_matches(a.who, b.who) and phrase_matches(a.job or "", b.job or "")

    fields["people"], _ = _match(
        [p for p in found.people if p.job], [p for p in gold.people if p.job], person_same
    )
    for name in FIELDS[4:]:
        score = fields[name]
        if score.right < max(score.found, score.labelled):
            misses.append(
                f"{name}: found {_show(getattr(found, name))}, labelled {_show(getattr(gold, name))}"
            )
    leaked = [job for job in gold.not_options if any(phrase_matches(i, job) for i in found.ideas)]
    return NoteScore(
        note_id=note_id,
        fields=fields,
        status_right=status_right,
        status_found=len(pairs),
        offer_status_right=offer_status,
        offer_status_found=len(offer_pairs),
        leaked=leaked,
        not_options=len(gold.not_options),
        misses=misses,
    )


def _show(items: object) -> str:
    if isinstance(items, list):
        return "[" + "; ".join(_item(i) for i in items) + "]"
    return repr(items)


def _item(item: object) -> str:
    if isinstance(item, BaseModel):
        return " ".join(str(v) for v in item.model_dump().values() if v not in (None, "", "none"))
    return str(item)


# ---------------------------------------------------------------------------------------------
# The report


@dataclass
class BriefReport:
    split: str
    notes: list[NoteScore]

    def total(self, name: str) -> FieldScore:
        total = FieldScore()
        for note in self.notes:
            total.add(note.fields[name])
        return total

    def render(self, *, misses: int = 0) -> str:
        lines = [
            f"Brief eval, split {self.split}: {len(self.notes)} labelled notes "
            f"({date.today().isoformat()}, {platform.node()}, Python {platform.python_version()})",
            "",
            f"{'field':<16} {'precision':>9} {'recall':>7} {'found':>6} {'labelled':>8}",
        ]
        for name in FIELDS:
            score = self.total(name)
            lines.append(
                f"{name:<16} {_pct(score.precision):>9} {_pct(score.recall):>7} "
                f"{score.found:>6} {score.labelled:>8}"
            )
        status = sum(n.status_right for n in self.notes), sum(n.status_found for n in self.notes)
        offers = (
            sum(n.offer_status_right for n in self.notes),
            sum(n.offer_status_found for n in self.notes),
        )
        leaked = sum(len(n.leaked) for n in self.notes)
        others = sum(n.not_options for n in self.notes)
        lines += [
            "",
            f"grade status right on the subjects found: {_ratio(*status)}",
            f"offer status right on the offers found: {_ratio(*offers)}",
            f"others' jobs kept out of the client's ideas: {_ratio(others - leaked, others)}",
        ]
        if misses:
            lines += ["", "Mistakes:"]
            shown = 0
            for note in self.notes:
                for miss in [*note.misses, *(f"others' job as an idea: {j}" for j in note.leaked)]:
                    if shown >= misses:
                        break
                    lines.append(f"  {note.note_id}: {miss}")
                    shown += 1
        return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _ratio(right: int, total: int) -> str:
    return f"{right}/{total}" + (f" ({right / total:.2f})" if total else "")


Reader = Callable[[str], NoteFacts]


def _notes_reader(text: str) -> NoteFacts:
    from guidance_assistant.prepare.facts import facts_of
    from guidance_assistant.prepare.notes import read_notes

    return facts_of(read_notes(text))


def evaluate_reader(reader: Reader, notes: Sequence[LabelledNote], split: str) -> BriefReport:
    return BriefReport(split=split, notes=[score_note(n.id, reader(n.text), n.gold) for n in notes])


def run_brief_eval(
    split: Split = "dev",
    *,
    reader: Reader | None = None,
    folder: Path | None = None,
    misses: int = 0,
) -> str:
    """``eval brief``: the per-field table for ``split`` (the notes reader unless another is
    given)."""
    report = evaluate_reader(reader or _notes_reader, load_notes_set(split, folder), split)
    return report.render(misses=misses)


# ---------------------------------------------------------------------------------------------
# The offers bank: snippets about applications written by a third hand

#: The bank's status words; ``declined`` (the client turned the place down or withdrew) is the
#: reader's ``withdrawn``.
BankStatus = Literal[
    "pending", "conditional", "unconditional", "firm", "insurance", "rejected", "declined"
]


class BankOffer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    what: str = Field(min_length=1)
    status: BankStatus

    def as_offer(self) -> Offer:
        status: OfferStatus = "withdrawn" if self.status == "declined" else self.status
        return Offer(what=self.what, status=status)


class BankSnippet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    style: str = Field(min_length=1)
    text: str = Field(min_length=1)
    offers: list[BankOffer]


class OffersBank(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    snippets: list[BankSnippet] = Field(min_length=1)


_Bank = TypeVar("_Bank", "OffersBank", "ProfileBank")


def _load_bank(path: Path, model: type[_Bank]) -> _Bank:
    """A bank of snippets (``evals/brief/*-dev.yaml``) validated by ``model``, ids unique."""
    try:
        data = model.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise BriefEvalError(f"cannot read {path}: {error}") from error
    ids = [snippet.id for snippet in data.snippets]
    if len(set(ids)) != len(ids):
        raise BriefEvalError(f"{path}: snippet ids repeat")
    return data


def load_offers_bank(path: Path) -> list[BankSnippet]:
    """The snippets of an offers bank (``evals/brief/offers-dev.yaml``), ids unique."""
    return _load_bank(path, OffersBank).snippets


@dataclass
class OffersBankReport:
    """The offers field over a bank: matching as the notes eval matches (see
    :func:`score_offers`), totals overall and per style."""

    path: str
    snippets: int = 0
    total: FieldScore = field(default_factory=FieldScore)
    status_right: int = 0
    status_found: int = 0
    by_style: dict[str, FieldScore] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def render(self, *, misses: int = 0) -> str:
        lines = [
            f"Offers bank {self.path}: {self.snippets} snippets "
            f"({date.today().isoformat()}, {platform.node()}, Python {platform.python_version()})",
            "",
            f"{'style':<16} {'precision':>9} {'recall':>7} {'found':>6} {'labelled':>8}",
        ]
        for name, score in [*sorted(self.by_style.items()), ("all", self.total)]:
            lines.append(
                f"{name:<16} {_pct(score.precision):>9} {_pct(score.recall):>7} "
                f"{score.found:>6} {score.labelled:>8}"
            )
        lines += [
            "",
            f"offers: precision {_pct(self.total.precision)}, recall {_pct(self.total.recall)}",
            f"offer status right on the offers found: {_ratio(self.status_right, self.status_found)}",
        ]
        if misses:
            lines += ["", "Mistakes:", *(f"  {m}" for m in self.misses[:misses])]
        return "\n".join(lines)


def evaluate_offers_bank(
    snippets: Sequence[BankSnippet], path: str, reader: Reader | None = None
) -> OffersBankReport:
    read = reader or _notes_reader
    report = OffersBankReport(path=path, snippets=len(snippets))
    for snippet in snippets:
        found = read(snippet.text).offers
        gold = [offer.as_offer() for offer in snippet.offers]
        score, status_right, pairs = score_offers(found, gold)
        report.total.add(score)
        report.by_style.setdefault(snippet.style, FieldScore()).add(score)
        report.status_right += status_right
        report.status_found += len(pairs)
        matched_found = {i for i, _ in pairs}
        matched_gold = {j for _, j in pairs}
        for i, j in pairs:
            if found[i].status != gold[j].status:
                report.misses.append(
                    f"{snippet.id}: status of {found[i].what!r}: found {found[i].status}, "
                    f"labelled {gold[j].status}"
                )
        for i, offer in enumerate(found):
            if i not in matched_found:
                report.misses.append(f"{snippet.id}: extra {offer.what!r} ({offer.status})")
        for j, offer in enumerate(gold):
            if j not in matched_gold:
                report.misses.append(f"{snippet.id}: missed {offer.what!r} ({offer.status})")
    return report


def run_offers_bank_eval(path: Path, *, reader: Reader | None = None, misses: int = 0) -> str:
    """``eval brief --offers-bank PATH``: precision and recall of offers over a bank of
    snippets, and status accuracy on the offers found."""
    return evaluate_offers_bank(load_offers_bank(path), str(path), reader).render(misses=misses)


# ---------------------------------------------------------------------------------------------
# The profile bank: snippets about the client's interests, strengths and ideas, written by a
# third hand

#: The phrase fields of a profile snippet, in the order the table prints them.
PROFILE_FIELDS: tuple[str, ...] = ("interests", "strengths", "ideas", "rejected")


class ProfileSnippet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    style: str = Field(min_length=1)
    text: str = Field(min_length=1)
    interests: list[str] = Field(default_factory=list)
    strengths: list[str] = Field(default_factory=list)
    ideas: list[str] = Field(default_factory=list)
    rejected: list[str] = Field(default_factory=list)
    not_options: list[str] = Field(default_factory=list)


class ProfileBank(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    snippets: list[ProfileSnippet] = Field(min_length=1)


def load_profile_bank(path: Path) -> list[ProfileSnippet]:
    """The snippets of a profile bank (``evals/brief/profile-dev.yaml``), ids unique."""
    return _load_bank(path, ProfileBank).snippets


@dataclass
class ProfileBankReport:
    """Interests, strengths, ideas and rejected over a bank, matched as the notes eval matches
    them (content words with word forms, ``a | b`` either, one to one); others' jobs
    (``not_options``) scored as the notes eval does: the share kept out of the client's ideas,
    and how many the reader found among the jobs of the people it read."""

    path: str
    snippets: int = 0
    totals: dict[str, FieldScore] = field(
        default_factory=lambda: {name: FieldScore() for name in PROFILE_FIELDS}
    )
    by_style: dict[str, dict[str, FieldScore]] = field(default_factory=dict)
    others_jobs: FieldScore = field(default_factory=FieldScore)
    leaked: int = 0
    misses: list[str] = field(default_factory=list)

    def render(self, *, misses: int = 0) -> str:
        lines = [
            f"Profile bank {self.path}: {self.snippets} snippets "
            f"({date.today().isoformat()}, {platform.node()}, Python {platform.python_version()})",
            "",
            f"{'field':<16} {'precision':>9} {'recall':>7} {'found':>6} {'labelled':>8}",
        ]
        rows = [*self.totals.items(), ("others' jobs", self.others_jobs)]
        for name, score in rows:
            lines.append(
                f"{name:<16} {_pct(score.precision):>9} {_pct(score.recall):>7} "
                f"{score.found:>6} {score.labelled:>8}"
            )
        lines += ["", "By style (precision / recall):"]
        header = f"{'style':<16}" + "".join(f" {name:>13}" for name in PROFILE_FIELDS)
        lines.append(header)
        for style, scores in sorted(self.by_style.items()):
            cells = "".join(
                f" {_pct(scores[n].precision) + ' / ' + _pct(scores[n].recall):>13}"
                for n in PROFILE_FIELDS
            )
            lines.append(f"{style:<16}{cells}")
        others = self.others_jobs.labelled
        lines += [
            "",
            f"others' jobs kept out of the client's ideas: {_ratio(others - self.leaked, others)}",
        ]
        if misses:
            lines += ["", "Mistakes:", *(f"  {m}" for m in self.misses[:misses])]
        return "\n".join(lines)


def evaluate_profile_bank(
    snippets: Sequence[ProfileSnippet], path: str, reader: Reader | None = None
) -> ProfileBankReport:
    read = reader or _notes_reader
    report = ProfileBankReport(path=path, snippets=len(snippets))
    for snippet in snippets:
        facts = read(snippet.text)
        style = report.by_style.setdefault(
            snippet.style, {name: FieldScore() for name in PROFILE_FIELDS}
        )
        for name in PROFILE_FIELDS:
            found: list[str] = getattr(facts, name)
            gold: list[str] = getattr(snippet, name)
            score, pairs = _match(found, gold, phrase_matches)
            report.totals[name].add(score)
            style[name].add(score)
            matched_found = {i for i, _ in pairs}
            matched_gold = {j for _, j in pairs}
            report.misses += [
                f"{snippet.id} {name}: extra {item!r}"
                for i, item in enumerate(found)
                if i not in matched_found
            ]
            report.misses += [
                f"{snippet.id} {name}: missed {item!r}"
                for j, item in enumerate(gold)
                if j not in matched_gold
            ]
        jobs = [p.job for p in facts.people if p.job]
        score, _ = _match(jobs, snippet.not_options, phrase_matches)
        report.others_jobs.add(score)
        leaked = [j for j in snippet.not_options if any(phrase_matches(i, j) for i in facts.ideas)]
        report.leaked += len(leaked)
        report.misses += [f"{snippet.id} others' job as an idea: {job!r}" for job in leaked]
    return report


def run_profile_bank_eval(path: Path, *, reader: Reader | None = None, misses: int = 0) -> str:
    """``eval brief --profile-bank PATH``: precision and recall of interests, strengths, ideas
    and rejected over a bank of snippets, and others' jobs kept out of the client's ideas."""
    return evaluate_profile_bank(load_profile_bank(path), str(path), reader).render(misses=misses)
