"""The facts a careful reader takes from an adviser's notes, in one flat record.

:class:`NoteFacts` is both what the labelled notes in ``evals/brief`` hold as gold and what
:func:`facts_of` gives back from the notes reader, so the brief eval compares like with like.
Every field is about the client: another person's age or job is never the client's (a
brother's age, a father's trade), and jobs of the people in the client's life are listed under
``people``, never under ``ideas``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from guidance_assistant.lmi.title_words import content_words, related_words
from guidance_assistant.prepare.notes_model import (
    CIRCUMSTANCE_KINDS,
    Circumstance,
    CircumstanceKind,
    ClientNotes,
    GradeStatus,
    LifeStage,
    NoteNeed,
    Offer,
    OfferStatus,
    Person,
    SubjectGrade,
)
from guidance_assistant.text.clean import normalise_for_matching

__all__ = [
    "CIRCUMSTANCE_KINDS",
    "Circumstance",
    "CircumstanceKind",
    "GradeStatus",
    "NoteFacts",
    "Offer",
    "OfferStatus",
    "Person",
    "SubjectGrade",
    "facts_of",
    "phrase_matches",
]


#: Family words that name the same person ("mum" ~ "mother").
_KIN: dict[str, str] = {
    "mother": "mum",
    "mom": "mum",
    "mam": "mum",
    "mummy": "mum",
    "father": "dad",
    "daddy": "dad",
    "stepmother": "stepmum",
    "stepfather": "stepdad",
    "grandmother": "nan",
    "gran": "nan",
    "granny": "nan",
    "nana": "nan",
    "nanna": "nan",
    "grandma": "nan",
    "grandfather": "grandad",
    "granddad": "grandad",
    "grandpa": "grandad",
    "bro": "brother",
    "sis": "sister",
}


def _words(text: str) -> list[str]:
    folded = normalise_for_matching(text)
    found = content_words(folded) or folded.split()
    return [_KIN.get(word, word) for word in found]


def phrase_matches(found: str, labelled: str) -> bool:
    """Whether a phrase the reader found names the labelled item (any of its ``a | b``
    wordings): every content word of the shorter side has a form in the longer one."""
    for option in labelled.split("|"):
        a, b = _words(found), _words(option)
        if not a or not b:
            continue
        short, long = (a, b) if len(a) <= len(b) else (b, a)
        if all(any(related_words(w, v) for v in long) for w in short):
            return True
    return False


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NoteFacts(_Model):
    """What the notes say about the client. List items are short phrases; in gold files two
    equally right wordings of one item are written ``a | b``."""

    name: str | None = None
    age: int | None = Field(default=None, ge=0, le=120)
    year_group: int | None = Field(default=None, ge=1, le=14)
    life_stage: LifeStage | None = None
    subjects: list[SubjectGrade] = Field(default_factory=list)
    offers: list[Offer] = Field(default_factory=list)
    interests: list[str] = Field(default_factory=list)
    strengths: list[str] = Field(default_factory=list)
    ideas: list[str] = Field(default_factory=list)
    rejected: list[str] = Field(default_factory=list)
    needs: list[NoteNeed] = Field(default_factory=list)
    circumstances: list[Circumstance] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    not_options: list[str] = Field(
        default_factory=list,
        description="Jobs named in the notes that are not the client's ideas (gold only).",
    )


def facts_of(notes: ClientNotes) -> NoteFacts:
    """The reader's findings as :class:`NoteFacts` (what the brief eval scores)."""
    ideas: list[str] = []
    interests: list[str] = []
    for interest in notes.interests:
        items = interest.items or [interest.text]
        if interest.kind == "idea":
            items = [item for item in items if not _someone_elses(item, interest.quote, notes)]
        (ideas if interest.kind == "idea" else interests).extend(items)
    rejected = [mention.text for mention in notes.rejected]
    offers: list[Offer] = []
    for route in notes.routes:
        label = f"{route.route} {route.detail}" if route.detail else route.route
        if "has an offer" in route.views:
            offers.append(Offer(what=label, status="pending"))
        if "not keen" in route.views:
            if not any(_names_route(item, route.route) for item in rejected):
                rejected.append(label)
        elif {"interested", "considering"} & set(route.views):
            ideas.append(label)
    rejected = _one_each(rejected)
    ideas, rejected = _latest_stance(notes, ideas, rejected)
    circumstances = list(notes.circumstances)
    offers = list(notes.offers) or offers
    return NoteFacts(
        name=notes.name,
        age=notes.age,
        year_group=notes.year_group,
        life_stage=notes.life_stage,
        subjects=notes.subject_grades or [SubjectGrade(subject=s) for s in notes.subjects],
        offers=offers,
        interests=list(dict.fromkeys(interests)),
        strengths=list(dict.fromkeys(m.text for m in notes.strengths)),
        ideas=list(dict.fromkeys(ideas)),
        rejected=list(dict.fromkeys(rejected)),
        needs=list(dict.fromkeys(notes.need_ids())),
        circumstances=circumstances,
        people=list(notes.people),
    )


def _someone_elses(item: str, quote: str, notes: ClientNotes) -> bool:
    """Whether an idea read from ``quote`` is the job of someone the same clause names ("his
    dad is a mechanic"), not the client's own (a client may still want a relative's job when
    the notes say so in a clause of their own)."""
    said = normalise_for_matching(quote)
    return any(
        person.job
        and phrase_matches(item, person.job)
        and normalise_for_matching(person.who) in said
        for person in notes.people
    )


def _names_route(item: str, route: str) -> bool:
    """Whether a rejected item already names ``route`` ("uni" names university, "specialist
    college" names college)."""
    from guidance_assistant.prepare.notes_cues import _ROUTES

    return any(name == route and pattern.search(item) for name, pattern in _ROUTES)


def _one_each(items: list[str]) -> list[str]:
    """``items`` less any that names the same thing as one before it ("nurse", "adult
    nursing")."""
    kept: list[str] = []
    for item in items:
        if not any(phrase_matches(item, k) for k in kept):
            kept.append(item)
    return kept


def _latest_stance(
    notes: ClientNotes, ideas: list[str], rejected: list[str]
) -> tuple[list[str], list[str]]:
    """The note's latest stance on a thing both wanted and turned down (LABELLING.md): first
    wanted then rejected is rejected only; first rejected then wanted again is an idea only."""
    text = notes.text.lower()

    def where(quote: str) -> int:
        at = text.find(quote.lower()[:40])
        return at if at >= 0 else -1

    idea_at: dict[str, int] = {}
    for interest in notes.interests:
        if interest.kind == "idea":
            for item in interest.items or [interest.text]:
                idea_at.setdefault(item, where(interest.quote))
    rejected_at = {m.text: where(m.quote) for m in notes.rejected}
    drop_ideas: set[str] = set()
    drop_rejected: set[str] = set()
    for idea in ideas:
        for item in rejected:
            if not phrase_matches(idea, item):
                continue
            a, r = idea_at.get(idea, -1), rejected_at.get(item, -1)
            if a > r >= 0 and a >= 0:
                drop_rejected.add(item)
            else:
                drop_ideas.add(idea)
    return (
        [i for i in ideas if i not in drop_ideas],
        [r for r in rejected if r not in drop_rejected],
    )
