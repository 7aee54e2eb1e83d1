"""What the notes reader gives back: the client's notes as records, each with the clause it came
from."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from guidance_assistant.interview.model import Need
from guidance_assistant.text.subjects import subjects_in

#: Notes longer than this are read only up to here (the safeguarding check still reads them all).
MAX_NOTES_CHARS = 20_000

#: Needs, in the order a brief lists them: care and caring first, then SEND and health,
#: language, risk, money and practical limits, family, confidence, adult change.
NoteNeed = Need
NOTE_NEEDS: tuple[NoteNeed, ...] = get_args(NoteNeed)
InterestKind = Literal["idea", "interest"]
RouteName = Literal[
    "apprenticeship", "university", "college", "sixth form", "A levels", "T Levels", "gap year"
]
RouteView = Literal[
    "interested",
    "considering",
    "has an offer",
    "doubts",
    "not keen",
    "knows little",
    "worried about",
    "expected by family",
    "mentioned",
]
LifeStage = Literal["pre-16", "post-16", "adult"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


GradeStatus = Literal["predicted", "achieved", "working_at", "target", "none"]
OfferStatus = Literal[
    "pending", "conditional", "unconditional", "firm", "insurance", "rejected", "withdrawn"
]
CircumstanceKind = Literal[
    "attendance", "travel", "money", "caring", "housing", "health", "work", "family"
]
CIRCUMSTANCE_KINDS: tuple[CircumstanceKind, ...] = get_args(CircumstanceKind)


class SubjectGrade(_Model):
    subject: str = Field(min_length=1)
    grade: str | None = None
    status: GradeStatus = "none"


class Offer(_Model):
    what: str = Field(
        min_length=1, description="Where and what, e.g. 'Leeds - mechanical engineering'."
    )
    status: OfferStatus = "pending"
    conditions: str | None = Field(default=None, description="e.g. 'AAB', '112 UCAS points'.")


class Circumstance(_Model):
    kind: CircumstanceKind
    detail: str = ""


class Person(_Model):
    who: str = Field(min_length=1, description="mum, father, older brother, Mrs Patel (TA)...")
    job: str | None = None


class Mention(_Model):
    """Something the notes say, with the clause that said it."""

    text: str = Field(description="What was said, e.g. 'art and DT'.")
    quote: str = Field(description="The clause of the notes, e.g. 'strong in art and DT'.")


class Interest(Mention):
    """An interest or an idea for the future, split into items ("teaching", "IT")."""

    kind: InterestKind = Field(
        description="'idea': thinking about, considering, wants to be; 'interest': likes, enjoys."
    )
    items: list[str] = Field(default_factory=list)


class RouteMention(_Model):
    """A route named in the notes and what the notes say about it."""

    route: RouteName
    views: list[RouteView] = Field(default_factory=list)
    detail: str | None = Field(default=None, description="e.g. 'degree apprenticeship'.")
    quote: str


class NeedMention(_Model):
    """A need, worry or circumstance to plan for, with the notes' words for it."""

    need: NoteNeed
    quote: str


class ClientNotes(_Model):
    """What :func:`read_notes` found in the notes."""

    text: str = Field(description="The text read: cleaned, markup removed, perhaps cut.")
    empty: bool = False
    original_length: int = 0
    truncated: bool = False
    markup_removed: bool = False
    instructions_ignored: bool = Field(
        default=False, description="Part of the notes reads like an instruction to software."
    )
    name: str | None = None
    year_group: int | None = None
    age: int | None = None
    life_stage: LifeStage | None = None
    grades: list[str] = Field(default_factory=list)
    subjects: list[str] = Field(default_factory=list)
    strengths: list[Mention] = Field(default_factory=list)
    interests: list[Interest] = Field(default_factory=list)
    dislikes: list[Mention] = Field(default_factory=list)
    routes: list[RouteMention] = Field(default_factory=list)
    needs: list[NeedMention] = Field(default_factory=list)
    worries: list[Mention] = Field(default_factory=list)
    experience: list[Mention] = Field(default_factory=list)
    rejected: list[Mention] = Field(
        default_factory=list, description="Ideas, jobs and routes the client has ruled out."
    )
    subject_grades: list[SubjectGrade] = Field(default_factory=list)
    offers: list[Offer] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    circumstances: list[Circumstance] = Field(default_factory=list)

    def need_ids(self) -> list[NoteNeed]:
        return [mention.need for mention in self.needs]

    def has_need(self, *needs: NoteNeed) -> bool:
        return any(mention.need in needs for mention in self.needs)

    def need(self, need: NoteNeed) -> NeedMention | None:
        return next((mention for mention in self.needs if mention.need == need), None)

    def route(self, route: RouteName) -> RouteMention | None:
        return next((mention for mention in self.routes if mention.route == route), None)

    def positive_subjects(self) -> list[str]:
        """Subjects the notes name as strengths or interests (not dislikes)."""
        found: list[str] = []
        for mention in [*self.strengths, *self.interests]:
            found.extend(subjects_in(mention.text))
        return list(dict.fromkeys(found))
