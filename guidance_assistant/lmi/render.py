"""Occupation records as Markdown, written by our own templates from the records' facts.

Every figure in the text is followed by its source and year. The text holds no publisher prose:
the National Careers Service's own descriptions are separate documents
(:mod:`guidance_assistant.lmi.ncs_prose`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from guidance_assistant.lmi.models import (
    ASHE_YEAR,
    NCS_YEAR,
    EntryRoute,
    Figure,
    OccupationRecord,
    QualificationRequirement,
    RouteType,
)
from guidance_assistant.lmi.store import LMIStore
from guidance_assistant.sources import Document

PUBLISHER = "National Careers Service; Office for National Statistics"
DOCUMENT_YEAR = ASHE_YEAR
NCS_CITE = f"National Careers Service job profile, {NCS_YEAR}"
ASHE_CITE = f"ONS Annual Survey of Hours and Earnings {ASHE_YEAR}, provisional"

ROUTE_LABELS: dict[RouteType, str] = {
    "university": "University",
    "college": "College",
    "apprenticeship": "Apprenticeship",
    "work": "Working towards this role",
    "volunteering": "Volunteering",
    "direct_application": "Applying directly",
    "other": "Other routes",
}
APPRENTICESHIP_LEVEL_WORDS = {
    2: "intermediate",
    3: "advanced",
    4: "higher",
    5: "higher",
    6: "degree",
    7: "degree",
}
_PLURALS = {"GCSE": "GCSEs", "A level": "A levels", "T level": "T levels"}


def money(value: float, *, pence: bool = False) -> str:
    """``£20,000`` (whole pounds) or ``£16.41`` (with pence)."""
    return f"£{value:,.2f}" if pence else f"£{value:,.0f}"


def number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def cite(figure: Figure) -> str:
    """The source and year of a figure, as written after it."""
    source = figure.source
    return source if str(figure.year) in source else f"{source}, {figure.year}"


def _join(items: Sequence[str], last: str = "and") -> str:
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def _article(phrase: str) -> str:
    if phrase.split(" ")[-1] in {"study", "teaching", "training"}:
        return phrase
    return ("an " if phrase[:1].lower() in "aeiou" else "a ") + phrase


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


# --------------------------------------------------------------------------- sections


def _heading(record: OccupationRecord) -> list[str]:
    lines = [f"# {record.title}", ""]
    lines.append(
        f"Facts and figures for the job '{record.title}', from the National Careers Service "
        f"job profile ({NCS_YEAR}) and Office for National Statistics (ONS) data."
    )
    if record.alternative_titles:
        lines.append(f"Other job titles: {', '.join(record.alternative_titles)}.")
    if record.job_categories:
        lines.append(f"Job categories: {'; '.join(record.job_categories)}.")
    codes = f"Occupation codes: SOC 2010 {record.soc2010.code} '{record.soc2010.title}'"
    primary = record.primary_soc2020
    if primary is not None:
        codes += f"; SOC 2020 {primary.code} '{primary.title}'"
        others = [f"{c.code} '{c.title}'" for c in record.soc2020 if not c.primary][:3]
        if others:
            codes += f" (some jobholders are coded to {_join(others, 'or')})"
    lines.append(codes + ".")
    return lines


def _pay(record: OccupationRecord) -> list[str]:
    lines = ["## Pay", ""]
    salary = record.salary
    parts: list[str] = []
    if salary.starter is not None:
        parts.append(f"Starting salary: {money(salary.starter.value)} a year")
    if salary.experienced is not None:
        parts.append(f"experienced: {money(salary.experienced.value)} a year")
    figure = salary.starter or salary.experienced
    if figure is not None:
        lines.append(f"{'; '.join(parts)} ({cite(figure)}).")
    elif salary.note:
        lines.append(f"Starting and experienced salary: variable ({NCS_CITE}).")
    ashe = record.ashe
    if ashe is None:
        primary = record.primary_soc2020
        group = f" for the SOC 2020 group {primary.code} '{primary.title}'" if primary else ""
        lines.append(
            f"ONS publishes no full-time pay figure{group} or its minor group in the {ASHE_CITE}."
        )
        return lines
    level = "unit group" if ashe.soc_level_used == "unit" else "minor group"
    group = f"the SOC 2020 {level} {ashe.soc2020_code} '{ashe.soc2020_title}'"
    if ashe.median is not None:
        spread = []
        if ashe.p25 is not None:
            spread.append(f"25th percentile {money(ashe.p25.value)}")
        if ashe.p75 is not None:
            spread.append(f"75th percentile {money(ashe.p75.value)}")
        if ashe.mean is not None:
            spread.append(f"mean {money(ashe.mean.value)}")
        detail = "; ".join(
            [", ".join(spread), cite(ashe.median)] if spread else [cite(ashe.median)]
        )
        lines.append(
            f"Median full-time pay for {group}: {money(ashe.median.value)} a year ({detail})."
        )
    if ashe.hourly_median is not None:
        lines.append(
            f"Median hourly pay of full-time employees in the group: "
            f"{money(ashe.hourly_median.value, pence=True)} an hour ({cite(ashe.hourly_median)})."
        )
    if ashe.n_jobs_thousands is not None:
        jobs = ashe.n_jobs_thousands.value * 1000
        lines.append(
            f"Full-time jobs in the group: about {number(jobs)} ({cite(ashe.n_jobs_thousands)})."
        )
    if ashe.note:
        lines.append(ashe.note)
    if salary.starter is not None or salary.experienced is not None:
        lines.append(
            f"The National Careers Service salaries are typical figures for this job from "
            f"{NCS_YEAR}; the ONS figures are {ASHE_YEAR} survey estimates for a whole "
            f"occupational group, so the two do not compare directly."
        )
    return lines


def _hours(record: OccupationRecord) -> list[str]:
    hours = record.hours
    lines = ["## Hours and working pattern", ""]
    if hours.min is not None and hours.max is not None:
        span = (
            f"{number(hours.min.value)} to {number(hours.max.value)}"
            if hours.min.value != hours.max.value
            else number(hours.min.value)
        )
        period = hours.period or "a week"
        wording = f"hours {period}" if period == "a week" else f"hours a week ({period})"
        lines.append(f"Typical hours: {span} {wording} ({cite(hours.min)}).")
    elif hours.period:
        lines.append(f"Typical hours: {hours.period} ({NCS_CITE}).")
    pattern = [p for p in (hours.working_pattern, hours.working_pattern_details) if p]
    if pattern:
        lines.append(f"Working pattern: {', '.join(pattern)} ({NCS_CITE}).")
    if len(lines) == 2:
        lines.append(f"The National Careers Service gives no hours for this job ({NCS_YEAR}).")
    return lines


def _count(requirement: QualificationRequirement) -> str:
    low, high = requirement.min_count, requirement.max_count
    if low is not None and high is not None:
        return str(low) if low == high else f"{low} to {high}"
    if low is not None:
        return f"at least {low}"
    if high is not None:
        return f"up to {high}"
    return ""


def _qualification_name(name: str, plural: bool) -> str:
    if name in _PLURALS:
        return _PLURALS[name] if plural else name
    if name.startswith("Level "):
        return f"{name} qualifications" if plural else f"a {name} qualification"
    return name if plural else _article(name)


def render_requirement(requirement: QualificationRequirement) -> str:
    """e.g. ``4 to 5 GCSEs at grades 9 to 4 (A* to C) including English and maths, or
    equivalent, for an advanced apprenticeship``."""
    count = _count(requirement)
    plural = count not in ("1", "at least 1", "up to 1")
    text = _qualification_name(requirement.qualification, plural)
    text = f"{count} {text}" if count else text
    if requirement.grades:
        text += f" at grades {requirement.grades}"
    if requirement.subjects:
        text += f" including {_join(requirement.subjects)}"
    if requirement.together_with:
        names = [_qualification_name(q, q in _PLURALS) for q in requirement.together_with]
        text += f" and {_join(names)}"
    if requirement.alternatives:
        names = [_qualification_name(q, False) for q in requirement.alternatives]
        text += f" (or {_join(names, 'or')})"
    if requirement.or_equivalent:
        text += ", or equivalent"
    if requirement.purpose:
        text += f", for {_article(requirement.purpose)}"
    return text


def _route_line(route: EntryRoute) -> str:
    facts: list[str] = []
    if route.apprenticeship_levels:
        facts.append(f"{_join(list(route.apprenticeship_levels), 'or')} apprenticeship")
    if route.qualification_levels:
        facts.append(f"qualifications named: {', '.join(route.qualification_levels)}")
    if route.course_levels:
        levels = _join([str(level) for level in route.course_levels], "or")
        facts.append(f"courses at level {levels}")
    needs = "; ".join(render_requirement(r) for r in route.requirements)
    if route.no_set_requirements:
        facts.append(
            f"no set entry requirements, though it may help to have: {needs}"
            if needs
            else "no set entry requirements"
        )
    elif needs:
        facts.append(f"entry requirements: {needs}")
    label = ROUTE_LABELS[route.route]
    return f"- {label}: {'; '.join(facts)}." if facts else f"- {label}."


def _entry_routes(record: OccupationRecord) -> list[str]:
    lines = ["## Entry routes", ""]
    if not record.entry_routes:
        lines.append(f"The National Careers Service lists no entry routes ({NCS_YEAR}).")
        return lines
    names = [ROUTE_LABELS[r.route].lower() for r in record.entry_routes]
    lines.append(f"Ways into this job: {_join(names)} ({NCS_CITE}).")
    lines.append("")
    lines += [_route_line(route) for route in record.entry_routes]
    return lines


def _apprenticeships(record: OccupationRecord) -> list[str]:
    if not record.apprenticeship_standards:
        return []
    lines = ["## Apprenticeships", ""]
    lines.append(f"Apprenticeship standards for this job ({NCS_CITE}):")
    lines.append("")
    for standard in record.apprenticeship_standards:
        word = APPRENTICESHIP_LEVEL_WORDS.get(standard.level)
        kind = f" ({word} apprenticeship)" if word else ""
        lines.append(f"- {standard.title} ({standard.reference}), level {standard.level}{kind}")
    return lines


def _skills(record: OccupationRecord) -> list[str]:
    if not record.skills:
        return []
    return [
        "## Skills",
        "",
        f"Skills this job needs ({NCS_CITE}, using O*NET skill names): {', '.join(record.skills)}.",
    ]


def _sources(record: OccupationRecord) -> list[str]:
    lines = ["## Sources", ""]
    lines.append(f"- National Careers Service job profile ({NCS_YEAR}): {record.ncs_url}")
    if record.ashe is not None:
        url = next((f.url for _, f in record.figures() if f.url and "ons.gov.uk" in f.url), None)
        lines.append(
            f"- ONS Annual Survey of Hours and Earnings {ASHE_YEAR} (provisional), Table 14"
            + (f": {url}" if url else "")
        )
    lines.append("")
    lines.append(_sentence(record.attribution))
    return lines


def render_record(record: OccupationRecord, *, with_sources: bool = True) -> str:
    """The record as Markdown: pay, hours, entry routes, apprenticeships, skills, sources.

    The indexed text leaves out the closing list of sources (``with_sources=False``): every
    figure still names its source and year inline, and each passage's citation carries the
    publisher and link, so 829 copies of the same links would only add noise to search.
    """
    sections: Iterable[list[str]] = (
        _heading(record),
        _pay(record),
        _hours(record),
        _entry_routes(record),
        _apprenticeships(record),
        _skills(record),
        _sources(record) if with_sources else [],
    )
    return "\n\n".join("\n".join(section) for section in sections if section) + "\n"


def record_document(record: OccupationRecord) -> Document:
    """One record as a :class:`Document` cited as ``lmi/<id>``."""
    primary = record.primary_soc2020
    return Document(
        doc_id=f"lmi/{record.id}",
        title=record.title,
        text=render_record(record, with_sources=False),
        doc_type="lmi",
        source=f"lmi/{record.id}",
        publisher=PUBLISHER,
        year=DOCUMENT_YEAR,
        url=record.ncs_url,
        metadata={
            "occupation_id": record.id,
            "soc2010": record.soc2010.code,
            "soc2020": primary.code if primary else None,
        },
    )


def record_documents(store: LMIStore) -> list[Document]:
    """One document per record of ``store``, in the store's order."""
    return [record_document(record) for record in store.all()]
