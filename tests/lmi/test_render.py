"""Occupation records as text (our templates) and the NCS profiles' own text as documents."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
import yaml

from guidance_assistant import lmi
from guidance_assistant.errors import LMIError
from guidance_assistant.lmi import LMIStore
from guidance_assistant.lmi.models import ASHE_SOURCE, NCS_SOURCE
from guidance_assistant.lmi.ncs_prose import ncs_profile_documents
from guidance_assistant.lmi.render import money, record_documents, render_record
from guidance_assistant.paths import REPO_ROOT, shared_dir

SHARED_LMI = shared_dir("lmi")
needs_shared = pytest.mark.skipif(
    SHARED_LMI is None, reason="the shared LMI folder (../shared/lmi) is not present"
)
NCS_CITE = "(National Careers Service job profile, 2020)"
ASHE_CITE = "ONS Annual Survey of Hours and Earnings 2023 (provisional), Table 14"
FIGURE = re.compile(r"£\d|\d+ hours|about \d")


@pytest.fixture(scope="module")
def store() -> LMIStore:
    return lmi.bundled_store()


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def test_money_format() -> None:
    assert money(20000) == "£20,000"
    assert money(1234567.4) == "£1,234,567"
    assert money(16.41, pence=True) == "£16.41"


def test_rendered_record_has_figures_with_source_and_year(store: LMIStore) -> None:
    record = store.get("3d-printing-technician")
    text = render_record(record)
    assert text.startswith("# 3D printing technician\n")
    for heading in ("## Pay", "## Hours and working pattern", "## Entry routes"):
        assert heading in text
    assert f"Starting salary: £18,000 a year; experienced: £33,000 a year {NCS_CITE}." in text
    assert record.ashe is not None and record.ashe.median is not None
    median = money(record.ashe.median.value)
    assert (
        f"Median full-time pay for the SOC 2020 unit group 3120 "
        f"'CAD, drawing and architectural technicians': {median} a year" in text
    )
    assert f"Typical hours: 37 to 42 hours a week {NCS_CITE}." in text
    assert "Digital engineering technician (ST0266), level 3" in text
    assert "Open Government Licence v3.0" in text


def test_every_figure_line_names_source_and_year(store: LMIStore) -> None:
    for record in store:
        for line in render_record(record).splitlines():
            if not FIGURE.search(line) or line.startswith("- "):
                continue
            assert NCS_CITE[1:-1] in line or ASHE_CITE in line, (record.id, line)
            if "£" in line and ASHE_CITE not in line:
                assert "2020" in line, (record.id, line)


def test_every_figure_of_every_record_is_in_its_text(store: LMIStore) -> None:
    for record in store:
        text = render_record(record)
        for name, figure in record.figures():
            if figure.unit == "GBP per year":
                assert money(figure.value) in text, (record.id, name)
            elif figure.unit == "GBP per hour":
                assert money(figure.value, pence=True) in text, (record.id, name)


def test_variable_salary_and_minor_group_fallback(store: LMIStore) -> None:
    text = render_record(store.get("actor"))
    assert f"Starting and experienced salary: variable {NCS_CITE}." in text
    assert "minor group 341" in text
    assert "unit group 3413" in text


def test_record_without_ashe_says_so(store: LMIStore) -> None:
    text = render_record(store.get("florist"))
    assert "ONS publishes no full-time pay figure for the SOC 2020 group 5443" in text
    assert "Median full-time pay" not in text


def test_render_holds_no_publisher_prose(store: LMIStore) -> None:
    text = render_record(store.get("3d-printing-technician"))
    assert "manufacture products, including biomedical implants" not in text
    assert "taking customer orders" not in text


def test_record_documents(store: LMIStore) -> None:
    documents = record_documents(store)
    assert len(documents) == len(store)
    document = next(d for d in documents if d.doc_id == "lmi/nurse")
    assert document.source == "lmi/nurse"
    assert document.doc_type == "lmi"
    assert document.title == "Nurse"
    assert document.publisher == "National Careers Service; Office for National Statistics"
    assert document.year == 2023
    assert document.url == "https://nationalcareers.service.gov.uk/job-profiles/nurse"
    assert document.metadata["occupation_id"] == "nurse"
    assert document.text == render_record(store.get("nurse"), with_sources=False)
    assert "## Sources" not in document.text and "£" in document.text
    assert len({d.doc_id for d in documents}) == len(documents)


def test_figure_sources_are_the_two_publishers(store: LMIStore) -> None:
    sources = {figure.source for record in store for _, figure in record.figures()}
    assert sources == {NCS_SOURCE, ASHE_SOURCE}


@needs_shared
def test_ncs_profile_documents_from_shared_folder() -> None:
    assert SHARED_LMI is not None
    documents = ncs_profile_documents(SHARED_LMI)
    assert len(documents) == 829
    by_id = {d.doc_id: d for d in documents}
    document = by_id["ncs/3d-printing-technician"]
    assert document.source == "ncs/3d-printing-technician"
    assert document.doc_type == "lmi"
    assert document.title == "3D printing technician (National Careers Service job profile)"
    assert document.publisher == "National Careers Service"
    assert document.year == 2020
    assert (
        document.url == "https://nationalcareers.service.gov.uk/job-profiles/3d-printing-technician"
    )
    text = document.text
    for heading in (
        "## Description",
        "## Entry route: university",
        "## Day-to-day tasks",
        "## Working environment",
        "## Career path and progression",
    ):
        assert heading in text
    assert "manufacture products, including biomedical implants" in text
    assert "- operating 3D scanning and printing machinery" in text
    assert "2 to 3 A levels, or equivalent, for a degree" in text


def _profile_line(title: str, url_name: str) -> str:
    return json.dumps(
        {
            "title": title,
            "url_name": url_name,
            "ncs_url": f"https://nationalcareers.service.gov.uk/job-profiles/{url_name}",
            "description": f"{title}s do things.",
            "day_to_day_tasks": ["one task"],
            "career_path_and_progression": "You could be promoted.",
        }
    )


def test_ncs_prose_skips_bad_lines_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    lines = [
        _profile_line("Tester", "tester"),
        "{not json",
        json.dumps({"title": "No id"}),
        "[]",
        _profile_line("Baker", "baker"),
    ]
    (tmp_path / "ncs_job_profiles.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="guidance_assistant.lmi.ncs_prose"):
        documents = ncs_profile_documents(tmp_path)
    assert [d.doc_id for d in documents] == ["ncs/tester", "ncs/baker"]
    warned = " ".join(record.getMessage() for record in caplog.records)
    assert "line 2" in warned and "line 3" in warned and "line 4" in warned
    assert "## Description\n\nTesters do things." in documents[0].text


def test_ncs_prose_missing_folder_or_file(tmp_path: Path) -> None:
    with pytest.raises(LMIError, match="does not exist"):
        ncs_profile_documents(tmp_path / "absent")
    with pytest.raises(LMIError, match=r"ncs_job_profiles\.jsonl"):
        ncs_profile_documents(tmp_path)


def test_eval_phrases_occur_in_their_documents(store: LMIStore) -> None:
    data = yaml.safe_load((REPO_ROOT / "evals" / "retrieval" / "lmi.yaml").read_text("utf-8"))
    questions = data["questions"]
    assert data["suite"] == "retrieval" and data["name"] == "lmi"
    assert len(questions) >= 12
    assert len({q["id"] for q in questions}) == len(questions)
    texts = {d.doc_id: d.text for d in record_documents(store)}
    if SHARED_LMI is not None:
        texts.update({d.doc_id: d.text for d in ncs_profile_documents(SHARED_LMI)})
    checked = 0
    for question in questions:
        source = question["source"]
        assert source.startswith(("lmi/", "ncs/")), question["id"]
        if source not in texts:
            assert source.startswith("ncs/") and SHARED_LMI is None, question["id"]
            continue
        assert _normalise(question["phrase"]) in _normalise(texts[source]), question["id"]
        checked += 1
    assert checked >= 1
