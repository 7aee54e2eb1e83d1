"""Occupation records: facts and figures about one job, each figure with its source and year.

The records are built by ``scripts/build_lmi.py`` from the National Careers Service (NCS) job
profiles and the Office for National Statistics (ONS) tables, and bundled as
``knowledge/lmi/occupations.jsonl``. They hold no publisher prose: descriptions, entry
requirement sentences and task lists are read at run time by
:mod:`guidance_assistant.lmi.ncs_prose`.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

FigureUnit = Literal["GBP per year", "GBP per hour", "hours per week", "thousand jobs"]
RouteType = Literal[
    "university",
    "college",
    "apprenticeship",
    "work",
    "volunteering",
    "direct_application",
    "other",
]
ApprenticeshipLevelName = Literal["intermediate", "advanced", "higher", "degree"]

ROUTE_TYPES: tuple[RouteType, ...] = get_args(RouteType)
APPRENTICESHIP_LEVEL_NAMES: tuple[ApprenticeshipLevelName, ...] = (
    "intermediate",
    "advanced",
    "higher",
    "degree",
)

NCS_SOURCE = "National Careers Service job profile"
NCS_YEAR = 2020
ASHE_SOURCE = "ONS Annual Survey of Hours and Earnings 2023 (provisional), Table 14"
ASHE_YEAR = 2023
ASHE_URL = (
    "https://www.ons.gov.uk/employmentandlabourmarket/peopleinwork/earningsandworkinghours/"
    "datasets/occupation4digitsoc2010ashetable14"
)
ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0 "
    "(National Careers Service; Office for National Statistics)"
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Figure(_Model):
    """One number with what it counts, who published it and when."""

    value: float
    unit: FigureUnit
    source: str = Field(min_length=1)
    year: int = Field(ge=1900, le=2100)
    url: str | None = None


class Soc2010Code(_Model):
    code: str = Field(pattern=r"^\d{4}$")
    title: str


class Soc2020Code(_Model):
    """A SOC 2020 unit group that jobholders of the profile's SOC 2010 group are coded to."""

    code: str = Field(pattern=r"^\d{4}$")
    title: str
    share: float = Field(
        ge=0.0,
        le=1.0,
        description="Share of the SOC 2010 group's jobholders coded to this SOC 2020 group in "
        "the ONS dual-coded data (men and women, LFS and Census samples, pooled by sample size).",
    )
    primary: bool = False


class Salary(_Model):
    """The NCS typical starting and experienced salaries (c. 2020)."""

    starter: Figure | None = None
    experienced: Figure | None = None
    note: str | None = None


class AshePay(_Model):
    """ONS ASHE 2023 (provisional) pay of full-time employees for one SOC 2020 group."""

    soc2020_code: str
    soc2020_title: str
    soc_level_used: Literal["unit", "minor"]
    note: str | None = None
    median: Figure | None = None
    p25: Figure | None = None
    p75: Figure | None = None
    mean: Figure | None = None
    n_jobs_thousands: Figure | None = None
    hourly_median: Figure | None = None


class Hours(_Model):
    """Typical weekly hours and the words the NCS uses for the working pattern."""

    min: Figure | None = None
    max: Figure | None = None
    period: str | None = Field(
        default=None, description="As the NCS gives it: 'a week', 'variable', 'term time'…"
    )
    working_pattern: str | None = Field(
        default=None, description="e.g. 'between 8am and 6pm', 'evenings / weekends'."
    )
    working_pattern_details: str | None = Field(
        default=None, description="e.g. 'on a rota', 'on shifts', 'away from home'."
    )


class QualificationRequirement(_Model):
    """One entry requirement reduced to facts, e.g. 4 to 5 GCSEs at grades 9 to 4."""

    qualification: str = Field(description="e.g. 'GCSE', 'A level', 'degree', 'Level 3'.")
    together_with: list[str] = Field(
        default_factory=list, description="Also needed, e.g. 'A level' in 'GCSEs and A levels'."
    )
    alternatives: list[str] = Field(
        default_factory=list, description="Accepted instead, e.g. 'Level 3' (a level 3 diploma)."
    )
    min_count: int | None = None
    max_count: int | None = None
    grades: str | None = Field(default=None, description="e.g. '9 to 4 (A* to C)'.")
    subjects: list[str] = Field(default_factory=list)
    or_equivalent: bool = False
    purpose: str | None = Field(
        default=None, description="What it is needed for, e.g. 'degree', 'advanced apprenticeship'."
    )


class EntryRoute(_Model):
    route: RouteType
    qualification_levels: list[str] = Field(
        default_factory=list, description="Qualifications named, e.g. ['GCSE', 'A level']."
    )
    requirements: list[QualificationRequirement] = Field(default_factory=list)
    apprenticeship_levels: list[ApprenticeshipLevelName] = Field(default_factory=list)
    course_levels: list[int] = Field(
        default_factory=list, description="Levels of the courses named, e.g. [2, 3]."
    )
    no_set_requirements: bool = False


class ApprenticeshipStandard(_Model):
    title: str
    reference: str = Field(pattern=r"^ST\d{4}$")
    level: int = Field(ge=1, le=8)


class OccupationRecord(_Model):
    """Facts and figures about one NCS job profile."""

    id: str = Field(min_length=1, description="The NCS url_name, e.g. '3d-printing-technician'.")
    title: str
    alternative_titles: list[str] = Field(default_factory=list)
    soc2010: Soc2010Code
    soc2020: list[Soc2020Code] = Field(default_factory=list)
    soc2020_primary_basis: Literal["highest_share", "title_match"] | None = Field(
        default=None,
        description="Why the primary SOC 2020 group was chosen: the highest share, or (among "
        "groups with a share) one whose title or ONS related job titles name this job.",
    )
    job_categories: list[str] = Field(default_factory=list)
    ncs_url: str
    salary: Salary
    ashe: AshePay | None = None
    hours: Hours
    entry_routes: list[EntryRoute] = Field(default_factory=list)
    apprenticeship_standards: list[ApprenticeshipStandard] = Field(default_factory=list)
    skills: list[str] = Field(default_factory=list)
    attribution: str = ATTRIBUTION

    @property
    def primary_soc2020(self) -> Soc2020Code | None:
        return next((code for code in self.soc2020 if code.primary), None)

    def figures(self) -> list[tuple[str, Figure]]:
        """Every figure of the record with a dotted name such as ``ashe.median``."""
        found: list[tuple[str, Figure]] = []
        for name, figure in (
            ("salary.starter", self.salary.starter),
            ("salary.experienced", self.salary.experienced),
            ("hours.min", self.hours.min),
            ("hours.max", self.hours.max),
        ):
            if figure is not None:
                found.append((name, figure))
        if self.ashe is not None:
            ashe = self.ashe
            for name, figure in (
                ("ashe.median", ashe.median),
                ("ashe.p25", ashe.p25),
                ("ashe.p75", ashe.p75),
                ("ashe.mean", ashe.mean),
                ("ashe.n_jobs_thousands", ashe.n_jobs_thousands),
                ("ashe.hourly_median", ashe.hourly_median),
            ):
                if figure is not None:
                    found.append((name, figure))
        return found


class OccupationMatch(_Model):
    """One result of :meth:`LMIStore.find`."""

    record: OccupationRecord
    score: float = Field(ge=0.0, le=100.0)
    matched_title: str
