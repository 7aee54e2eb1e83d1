"""The preparation brief's records: figures, routes, occupations, needs, points, the brief."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from guidance_assistant.errors import LMIError
from guidance_assistant.interview import grounding
from guidance_assistant.lmi.models import OccupationRecord
from guidance_assistant.prepare.notes import (
    ClientNotes,
)
from guidance_assistant.sources import Citation

RouteFamily = Literal["academic", "technical", "apprenticeship", "other"]
ROUTE_FAMILY: dict[str, RouteFamily] = {
    "university": "academic",
    "college": "technical",
    "apprenticeship": "apprenticeship",
    "work": "other",
    "volunteering": "other",
    "direct_application": "other",
    "other": "other",
}
LinkKind = Literal["named", "suggested", "family", "ambiguous", "interest", "related", "subject"]
SAFEGUARDING_ACTION = (
    "Speak to the designated safeguarding lead before the interview and follow the school's "
    "procedure. Do not treat this as a routine careers interview until the DSL has advised."
)
#: The most occupations a brief shows.
MAX_OCCUPATIONS = 6
#: The safeguarding check reads notes up to this long (far beyond any real notes).
MAX_SAFEGUARDING_CHARS = 5_000_000


class BriefFigure(BaseModel):
    """One figure with what it is, its source and year."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    value: float
    text: str
    source: str
    year: int


class BriefRoute(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    family: RouteFamily
    route: str
    text: str


class BriefOccupation(BaseModel):
    """An occupation to prepare: figures with sources, every route in, its citation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    occupation_id: str
    title: str
    why: str = Field(description="How it came up: named in the notes, or linked to interests.")
    link: LinkKind = "named"
    pay: list[BriefFigure] = Field(default_factory=list)
    routes: list[BriefRoute] = Field(default_factory=list)
    apprenticeship_standards: list[str] = Field(default_factory=list)
    citation: Citation

    @property
    def has_apprenticeship(self) -> bool:
        return any(route.family == "apprenticeship" for route in self.routes)


class BriefPoint(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    citation: Citation


class BriefNeed(BaseModel):
    """A need to plan for: the notes' words, what to prepare, and cited facts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    need: str
    label: str
    evidence: str = Field(default="", description="The words of the notes that suggest it.")
    plan_for: list[str] = Field(default_factory=list)
    points: list[BriefPoint] = Field(
        default_factory=list, description="Facts for it, cited from the framework notes."
    )


class SafeguardingNote(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    category: str | None
    reason: str
    action: str = SAFEGUARDING_ACTION


class PreparationBrief(BaseModel):
    """What an adviser needs before meeting the client (see :func:`prepare_brief`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    safeguarding: SafeguardingNote | None = None
    notices: list[str] = Field(
        default_factory=list, description="About the notes themselves: empty, cut, markup..."
    )
    name: str | None = None
    year_group: int | None = None
    age: int | None = None
    grades: list[str] = Field(default_factory=list)
    subjects: list[str] = Field(default_factory=list)
    offers: list[str] = Field(default_factory=list, description="Applications and offers.")
    people: list[str] = Field(
        default_factory=list,
        description="People in the client's life and their jobs (theirs, never the client's options).",
    )
    ruled_out: list[str] = Field(default_factory=list, description="What the client ruled out.")
    gaps: list[str] = Field(
        default_factory=list,
        description="Gaps to check: predicted grades against offers, attendance, travel.",
    )
    experience: list[str] = Field(default_factory=list)
    needs: list[BriefNeed] = Field(default_factory=list)
    interests: list[str] = Field(default_factory=list)
    strengths: list[str] = Field(default_factory=list)
    dislikes: list[str] = Field(default_factory=list)
    routes: list[str] = Field(
        default_factory=list, description="Routes the notes mention and what they say of each."
    )
    worries: list[str] = Field(default_factory=list)
    criteria: list[str] = Field(default_factory=list)
    occupations: list[BriefOccupation] = Field(default_factory=list)
    points_to_test: list[str] = Field(default_factory=list)
    framework_points: list[BriefPoint] = Field(default_factory=list)
    opening: str = ""
    questions: list[str] = Field(default_factory=list)
    reading: ClientNotes | None = Field(
        default=None,
        description="Everything read from the notes, with the words behind each item (the "
        "notes' full text is left out).",
    )

    def to_markdown(self) -> str:
        lines = ["# Preparation brief", ""]
        if self.safeguarding is not None:
            lines += [
                "> **Safeguarding concern in the notes** "
                f"({self.safeguarding.category or 'unspecified'}): {self.safeguarding.reason}.",
                f"> {self.safeguarding.action}",
                "",
            ]
        for notice in self.notices:
            lines += [f"> _Note: {notice}_", ""]
        about: list[str] = []
        if self.name:
            about.append(f"- Name in the notes: {self.name}")
        stage = ", ".join(
            part
            for part in (
                f"Year {self.year_group}" if self.year_group is not None else "",
                f"age {self.age}" if self.age is not None else "",
            )
            if part
        )
        if stage:
            about.append(f"- {stage}")
        if self.grades:
            about.append(f"- Grades and qualifications: {'; '.join(self.grades)}")
        if self.subjects:
            about.append(f"- Subjects named: {', '.join(self.subjects)}")
        if self.strengths:
            about.append(f"- Strengths: {'; '.join(self.strengths)}")
        if self.experience:
            about.append(f"- Experience: {'; '.join(self.experience)}")
        if self.offers:
            about.append(f"- Applications and offers: {'; '.join(self.offers)}")
        if self.people:
            about.append(
                f"- People in their life (their jobs are theirs, not options): {'; '.join(self.people)}"
            )
        if about:
            lines += ["## The client", "", *about, ""]
        if self.gaps:
            lines += ["## Gaps to check", "", *(f"- {gap}" for gap in self.gaps), ""]
        if self.needs:
            lines += ["## Needs to plan for", ""]
            for need in self.needs:
                lines.append(f"### {need.label[:1].upper() + need.label[1:]}")
                if need.evidence:
                    lines.append(f"_From the notes: “{need.evidence}”_")
                lines += [f"- {item}" for item in need.plan_for]
                lines += [f"- {p.text} ({p.citation.render()})" for p in need.points]
                lines.append("")
        for heading, items in (
            ("Interests and ideas (from the notes)", self.interests),
            ("Routes mentioned", self.routes),
            ("Not keen on", self.dislikes),
            ("Ruled out by the client", self.ruled_out),
            ("Worries (from the notes)", self.worries),
            ("What seems to matter to them", self.criteria),
        ):
            if items:
                lines += [f"## {heading}", "", *(f"- {item}" for item in items), ""]
        if self.occupations:
            lines += ["## Occupations", ""]
            for occupation in self.occupations:
                lines += [f"### {occupation.title}", "", f"_{occupation.why}_", ""]
                if occupation.pay:
                    lines.append("Pay:")
                    lines += [
                        f"- {figure.label}: {figure.text} ({figure.source})"
                        for figure in occupation.pay
                    ]
                else:
                    lines.append("Pay: no figure in the records.")
                lines.append("")
                lines.append("Routes in (side by side):")
                if not occupation.routes:
                    lines.append("- The records list no entry routes for this job.")
                for family in ("academic", "technical", "apprenticeship", "other"):
                    for route in occupation.routes:
                        if route.family == family:
                            lines.append(f"- {family.capitalize()} — {route.text}")
                if occupation.apprenticeship_standards:
                    lines.append(
                        "- Apprenticeship standards: "
                        + "; ".join(occupation.apprenticeship_standards)
                    )
                lines += ["", f"Source: {occupation.citation.render()}", ""]
            if len(self.occupations) > 1:
                lines += _routes_table(self.occupations)
        if self.points_to_test:
            lines += ["## Points to test with the client", ""]
            lines += [f"- {item}" for item in self.points_to_test] + [""]
        if self.framework_points:
            lines += ["## Framework points", ""]
            lines += [f"- {p.text} ({p.citation.render()})" for p in self.framework_points] + [""]
        if self.opening:
            lines += ["## Suggested opening", "", self.opening, ""]
        if self.questions:
            lines += ["## Suggested questions", ""]
            lines += [f"- {question}" for question in self.questions] + [""]
        return "\n".join(lines)


def _record(occupation_id: str) -> OccupationRecord | None:
    from guidance_assistant import lmi

    try:
        return lmi.get(occupation_id)
    except LMIError:
        return None


def _routes_table(occupations: Sequence[BriefOccupation]) -> list[str]:
    """Every occupation's routes in one table, so no route looks like the default."""
    lines = [
        "### Routes side by side",
        "",
        "| Occupation | University | College | Apprenticeship | Other ways in |",
        "|---|---|---|---|---|",
    ]
    for occupation in occupations:
        record = _record(occupation.occupation_id)
        cells = {"university": "—", "college": "—", "apprenticeship": "—"}
        others: list[str] = []
        for route in record.entry_routes if record is not None else []:
            if route.route == "apprenticeship":
                levels = ", ".join(route.apprenticeship_levels)
                cells["apprenticeship"] = levels or "yes"
            elif route.route in cells:
                cells[route.route] = "yes"
            else:
                others.append(grounding.ROUTE_WORDS[route.route])
        lines.append(
            f"| {occupation.title} | {cells['university']} | {cells['college']} | "
            f"{cells['apprenticeship']} | {', '.join(dict.fromkeys(others)) or '—'} |"
        )
    return [*lines, "", "Source: the occupation records above (National Careers Service).", ""]
