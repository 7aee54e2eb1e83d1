"""The facts a careful reader takes from an adviser's notes, in one flat record.

:class:`NoteFacts` is both what the labelled notes in ``evals/brief`` hold as gold and what
:func:`facts_of` gives back from the notes reader, so the brief eval compares like with like.
Every field is about the client: another person's age or job is never the client's (a
brother's age, a father's trade), and jobs of the people in the client's life are listed under
``people``, never under ``ideas``.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from guidance_assistant.prepare.notes_model import ClientNotes, NoteNeed

GradeStatus = Literal["predicted", "achieved", "working_at", "target", "none"]
OfferStatus = Literal[
    "pending", "conditional", "unconditional", "firm", "insurance", "rejected", "withdrawn"
]
CircumstanceKind = Literal[
    "attendance", "travel", "money", "caring", "housing", "health", "work", "family"
]
LifeStageName = Literal["pre-16", "post-16", "adult"]
CIRCUMSTANCE_KINDS: tuple[CircumstanceKind, ...] = get_args(CircumstanceKind)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SubjectGrade(_Model):
    subject: str = Field(min_length=1)
    grade: str | None = None
    status: GradeStatus = "none"


class Offer(_Model):
    what: str = Field(
        min_length=1, description="Where and what, e.g. 'Leeds - mechanical engineering'."
    )
    status: OfferStatus = "pending"


class Circumstance(_Model):
    kind: CircumstanceKind
    detail: str = ""


class Person(_Model):
    who: str = Field(min_length=1, description="mum, father, older brother, Mrs Patel (TA)...")
    job: str | None = None


class NoteFacts(_Model):
    """What the notes say about the client. List items are short phrases; in gold files two
    equally right wordings of one item are written ``a | b``."""

    name: str | None = None
    age: int | None = Field(default=None, ge=0, le=120)
    year_group: int | None = Field(default=None, ge=1, le=14)
    life_stage: LifeStageName | None = None
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


_NEED_CIRCUMSTANCES: dict[str, CircumstanceKind] = {
    "money": "money",
    "disadvantage": "money",
    "travel": "travel",
    "young_carer": "caring",
    "family_circumstances": "family",
}


def facts_of(notes: ClientNotes) -> NoteFacts:
    """The reader's findings as :class:`NoteFacts` (what the brief eval scores)."""
    ideas: list[str] = []
    interests: list[str] = []
    for interest in notes.interests:
        (ideas if interest.kind == "idea" else interests).extend(interest.items or [interest.text])
    rejected = [mention.text for mention in notes.dislikes]
    offers: list[Offer] = []
    for route in notes.routes:
        label = f"{route.route} {route.detail}" if route.detail else route.route
        if "has an offer" in route.views:
            offers.append(Offer(what=label, status="pending"))
        if "not keen" in route.views:
            rejected.append(label)
        elif {"interested", "considering"} & set(route.views):
            ideas.append(label)
    circumstances = [
        Circumstance(kind=_NEED_CIRCUMSTANCES[m.need], detail=m.quote)
        for m in notes.needs
        if m.need in _NEED_CIRCUMSTANCES
    ]
    return NoteFacts(
        name=notes.name,
        age=notes.age,
        year_group=notes.year_group,
        life_stage=notes.life_stage,
        subjects=[SubjectGrade(subject=s) for s in notes.subjects],
        offers=offers,
        interests=list(dict.fromkeys(interests)),
        strengths=list(dict.fromkeys(m.text for m in notes.strengths)),
        ideas=list(dict.fromkeys(ideas)),
        rejected=list(dict.fromkeys(rejected)),
        needs=list(dict.fromkeys(notes.need_ids())),
        circumstances=circumstances,
        people=[],
    )
