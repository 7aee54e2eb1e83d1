"""The National Careers Service's own words about each job, read at run time.

The bundled occupation records hold facts and figures only. The publisher's prose (description,
entry requirements, day-to-day tasks, working environment, career path) is read from the shared
``ncs_job_profiles.jsonl`` when the index is built, and each profile becomes one
:class:`Document` cited as ``ncs/<url_name>``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from guidance_assistant.errors import LMIError
from guidance_assistant.sources import Document

logger = logging.getLogger(__name__)

NCS_PROFILES_FILE = "ncs_job_profiles.jsonl"
PUBLISHER = "National Careers Service"
YEAR = 2020
ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0 "
    "(National Careers Service)."
)
ROUTE_HEADINGS = {
    "university": "University",
    "college": "College",
    "apprenticeship": "Apprenticeship",
    "work": "Work",
    "volunteering": "Volunteering",
    "direct_application": "Direct application",
    "other": "Other routes",
}


def _text(value: Any) -> str:
    """A tidy paragraph block: stripped lines, no runs of blank lines."""
    if not isinstance(value, str):
        return ""
    lines = [line.strip() for line in value.replace("\r\n", "\n").split("\n")]
    blocks: list[str] = []
    for line in lines:
        if line or (blocks and blocks[-1]):
            blocks.append(line)
    return "\n".join(blocks).strip()


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [" ".join(item.split()) for item in value if isinstance(item, str) and item.strip()]


def _bullets(items: Iterable[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def _route_section(route: str, entries: list[Any]) -> list[str]:
    parts: list[str] = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        for key in ("relevant_subjects", "further_info", "text"):
            text = _text(entry.get(key))
            if text:
                parts.append(text)
        requirements = _strings(entry.get("requirements"))
        prefix = " ".join(_strings(entry.get("requirements_prefix")))
        if requirements:
            parts.append(f"{prefix or 'Entry requirements:'}\n\n{_bullets(requirements)}")
        elif prefix:
            parts.append(prefix)
    if not parts:
        return []
    heading = ROUTE_HEADINGS.get(route, route.replace("_", " ").capitalize())
    return [f"## Entry route: {heading.lower()}", *parts]


def _working_environment(profile: dict[str, Any]) -> list[str]:
    sentences: list[str] = []
    locations = _strings(profile.get("working_location"))
    if locations:
        sentences.append(f"You could work {' or '.join(locations)}.")
    environment = _strings(profile.get("working_environment"))
    if environment:
        sentences.append(f"Your working environment may be {' and '.join(environment)}.")
    uniform = _strings(profile.get("working_uniform"))
    if uniform:
        sentences.append(f"You may need to wear {' and '.join(uniform)}.")
    return ["## Working environment", " ".join(sentences)] if sentences else []


def profile_text(profile: dict[str, Any]) -> str:
    """One profile's prose as Markdown with a ``##`` heading per part."""
    title = " ".join(str(profile.get("title", "")).split())
    blocks: list[list[str]] = [[f"# {title}"]]
    description = _text(profile.get("description"))
    if description:
        blocks.append(["## Description", description])
    routes = profile.get("entry_routes")
    if isinstance(routes, dict):
        for route in ROUTE_HEADINGS:
            entries = routes.get(route)
            if isinstance(entries, list):
                section = _route_section(route, entries)
                if section:
                    blocks.append(section)
    other: list[str] = []
    for key in ("registrations", "restrictions", "other_requirements"):
        other += _strings(profile.get(key))
    if other:
        blocks.append(["## Other requirements", _bullets(other)])
    tasks = _strings(profile.get("day_to_day_tasks"))
    if tasks:
        blocks.append(["## Day-to-day tasks", _bullets(tasks)])
    blocks.append(_working_environment(profile))
    career = _text(profile.get("career_path_and_progression"))
    if career:
        blocks.append(["## Career path and progression", career])
    # The attribution travels with every passage's citation (publisher, year, link) and is
    # shown by the app, so it is not repeated inside 829 indexed texts.
    return "\n\n".join("\n\n".join(block) for block in blocks if block) + "\n"


def profile_document(profile: dict[str, Any]) -> Document:
    """One NCS job profile as a :class:`Document` cited as ``ncs/<url_name>``."""
    url_name = str(profile["url_name"]).strip()
    title = " ".join(str(profile["title"]).split())
    if not url_name or not title:
        raise ValueError("a profile needs a url_name and a title")
    url = profile.get("ncs_url")
    return Document(
        doc_id=f"ncs/{url_name}",
        title=f"{title} (National Careers Service job profile)",
        text=profile_text(profile),
        doc_type="lmi",
        source=f"ncs/{url_name}",
        publisher=PUBLISHER,
        year=YEAR,
        url=url if isinstance(url, str) and url else None,
        metadata={"occupation_id": url_name, "attribution": ATTRIBUTION},
    )


def ncs_profile_documents(lmi_source_dir: Path) -> list[Document]:
    """One document per profile in ``lmi_source_dir/ncs_job_profiles.jsonl``.

    A missing folder or file raises :class:`LMIError`; a line that cannot be read is skipped
    with a warning.
    """
    if not lmi_source_dir.is_dir():
        raise LMIError(
            f"The LMI source folder {lmi_source_dir} does not exist. Point GA_LMI_SOURCE_DIR at "
            f"the folder holding {NCS_PROFILES_FILE} (the shared 'lmi' folder)."
        )
    path = lmi_source_dir / NCS_PROFILES_FILE
    if not path.is_file():
        raise LMIError(
            f"The LMI source folder {lmi_source_dir} has no {NCS_PROFILES_FILE}, so the "
            f"National Careers Service job profiles cannot be indexed."
        )
    documents: list[Document] = []
    seen: set[str] = set()
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    profile = json.loads(line)
                    if not isinstance(profile, dict):
                        raise ValueError("not a JSON object")
                    document = profile_document(profile)
                except (ValueError, KeyError, TypeError) as error:
                    logger.warning("Skipping %s line %d: %s", path, number, error)
                    continue
                if document.doc_id in seen:
                    logger.warning(
                        "Skipping %s line %d: %s appears twice", path, number, document.doc_id
                    )
                    continue
                seen.add(document.doc_id)
                documents.append(document)
    except OSError as error:
        raise LMIError(f"Cannot read {path}: {error}.") from error
    return documents
