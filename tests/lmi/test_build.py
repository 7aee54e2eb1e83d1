"""scripts/build_lmi.py and the bundled file it built, checked against the shared data."""

from __future__ import annotations

import csv
import importlib.util
import json
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from guidance_assistant.lmi.models import (
    ASHE_SOURCE,
    ASHE_YEAR,
    NCS_SOURCE,
    NCS_YEAR,
    OccupationRecord,
)
from guidance_assistant.lmi.store import default_records_path
from guidance_assistant.paths import REPO_ROOT, shared_dir

SHARED_LMI = shared_dir("lmi")
needs_shared = pytest.mark.skipif(
    SHARED_LMI is None, reason="the shared LMI folder (../shared/lmi) is not present"
)
ASHE_COLUMNS = {
    "median": "annual_FT_median",
    "p25": "annual_FT_p25",
    "p75": "annual_FT_p75",
    "mean": "annual_FT_mean",
    "n_jobs_thousands": "annual_FT_n_jobs_thousands",
    "hourly_median": "hourly_FT_median",
}
UNITS = {
    "salary.starter": "GBP per year",
    "salary.experienced": "GBP per year",
    "hours.min": "hours per week",
    "hours.max": "hours per week",
    "ashe.median": "GBP per year",
    "ashe.p25": "GBP per year",
    "ashe.p75": "GBP per year",
    "ashe.mean": "GBP per year",
    "ashe.n_jobs_thousands": "thousand jobs",
    "ashe.hourly_median": "GBP per hour",
}


def _load_build_module() -> ModuleType:
    path = REPO_ROOT / "scripts" / "build_lmi.py"
    spec = importlib.util.spec_from_file_location("build_lmi_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def build() -> ModuleType:
    return _load_build_module()


@pytest.fixture(scope="module")
def committed_lines() -> dict[str, str]:
    lines: dict[str, str] = {}
    for line in default_records_path().read_text(encoding="utf-8").splitlines():
        if line.strip():
            lines[json.loads(line)["id"]] = line
    return lines


@pytest.fixture(scope="module")
def committed(committed_lines: dict[str, str]) -> dict[str, OccupationRecord]:
    return {key: OccupationRecord.model_validate_json(v) for key, v in committed_lines.items()}


def _ashe_rows() -> dict[str, dict[str, str]]:
    assert SHARED_LMI is not None
    with (SHARED_LMI / "ashe_2023p_by_soc2020_tidy.csv").open(encoding="utf-8") as handle:
        return {row["soc2020_code"]: row for row in csv.DictReader(handle)}


def _csv_number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


# --------------------------------------------------------------------------- the bundled file


def test_bundled_file_is_small_and_one_record_per_line(committed_lines: dict[str, str]) -> None:
    path = default_records_path()
    assert path.stat().st_size < 5_000_000
    assert len(committed_lines) == 829


def test_every_figure_has_source_year_and_fitting_unit(
    committed: dict[str, OccupationRecord],
) -> None:
    count = 0
    for record in committed.values():
        for name, figure in record.figures():
            count += 1
            assert figure.source in (NCS_SOURCE, ASHE_SOURCE), (record.id, name)
            expected_year = NCS_YEAR if figure.source == NCS_SOURCE else ASHE_YEAR
            assert figure.year == expected_year, (record.id, name)
            assert figure.unit == UNITS[name], (record.id, name)
            assert figure.value > 0, (record.id, name)
            assert figure.url, (record.id, name)
    assert count > 829 * 4


def test_raw_file_figures_all_carry_source_and_year() -> None:
    """Walk the JSON itself: any object with a 'value' and a 'unit' is a figure."""

    def walk(node: Any, where: str) -> int:
        found = 0
        if isinstance(node, dict):
            if "value" in node and "unit" in node:
                assert isinstance(node.get("source"), str) and node["source"], where
                assert isinstance(node.get("year"), int), where
                found += 1
            for key, value in node.items():
                found += walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                found += walk(value, f"{where}[{index}]")
        return found

    total = 0
    for number, line in enumerate(default_records_path().read_text("utf-8").splitlines(), 1):
        total += walk(json.loads(line), f"line {number}")
    assert total > 0


def test_records_hold_no_publisher_prose(committed: dict[str, OccupationRecord]) -> None:
    text = json.dumps([r.model_dump(mode="json") for r in committed.values()])
    for sentence in (
        "manufacture products, including biomedical implants",  # a description
        "You could do a foundation degree, higher national diploma",  # relevant subjects
        "taking customer orders and giving job quotes",  # a task
        "You could move into research",  # career path
    ):
        assert sentence not in text


def test_salary_variable_and_hours(committed: dict[str, OccupationRecord]) -> None:
    variable = [r for r in committed.values() if r.salary.starter is None]
    assert len(variable) == 69
    assert all(r.salary.note and "variable" in r.salary.note for r in variable)
    printing = committed["3d-printing-technician"]
    assert printing.hours.min is not None and printing.hours.min.value == 37
    assert printing.hours.working_pattern == "between 8am and 6pm"
    assert printing.hours.working_pattern_details == "on a rota"
    routes = {route.route: route for route in printing.entry_routes}
    assert list(routes) == ["university", "college", "apprenticeship", "work"]
    assert routes["apprenticeship"].apprenticeship_levels == ["advanced"]
    gcse = routes["apprenticeship"].requirements[0]
    assert (gcse.qualification, gcse.min_count, gcse.max_count) == ("GCSE", 5, 5)
    assert gcse.subjects == ["English", "maths"]
    assert "A level" in routes["university"].qualification_levels
    standard = printing.apprenticeship_standards[0]
    assert (standard.reference, standard.level) == ("ST0266", 3)


def test_soc2020_primary_has_the_highest_share_unless_title_matched(
    committed: dict[str, OccupationRecord],
) -> None:
    for record in committed.values():
        primaries = [code for code in record.soc2020 if code.primary]
        assert len(primaries) == 1, record.id
        assert record.soc2020[0].primary, record.id
        if record.soc2020_primary_basis == "highest_share":
            assert primaries[0].share == max(code.share for code in record.soc2020), record.id
    assert committed["mental-health-nurse"].soc2020[0].code == "2235"


# --------------------------------------------------------------------------- against shared data


@needs_shared
def test_ashe_figures_equal_the_shared_csv(committed: dict[str, OccupationRecord]) -> None:
    rows = _ashe_rows()
    record = committed["3d-printing-technician"]
    assert record.ashe is not None and record.ashe.median is not None
    row = rows[record.ashe.soc2020_code]
    assert record.ashe.median.value == float(row["annual_FT_median"])

    checked = 0
    for record in committed.values():
        if record.ashe is None:
            primary = record.primary_soc2020
            assert primary is not None
            for code in (primary.code, primary.code[:3]):
                assert _csv_number(rows[code]["annual_FT_median"]) is None, record.id
            continue
        row = rows[record.ashe.soc2020_code]
        for name, column in ASHE_COLUMNS.items():
            figure = getattr(record.ashe, name)
            expected = _csv_number(row[column])
            assert (figure.value if figure else None) == expected, (record.id, name)
            checked += figure is not None
        primary = record.primary_soc2020
        assert primary is not None
        if record.ashe.soc_level_used == "minor":
            assert record.ashe.soc2020_code == primary.code[:3]
            assert _csv_number(rows[primary.code]["annual_FT_median"]) is None, record.id
            assert record.ashe.note and primary.code in record.ashe.note
        else:
            assert record.ashe.soc2020_code == primary.code
    assert checked > 4000


@needs_shared
def test_ncs_salaries_equal_the_shared_profiles(committed: dict[str, OccupationRecord]) -> None:
    assert SHARED_LMI is not None
    with (SHARED_LMI / "ncs_job_profiles.jsonl").open(encoding="utf-8") as handle:
        profiles = [json.loads(line) for line in handle if line.strip()]
    assert {p["url_name"] for p in profiles} == set(committed)
    for profile in profiles:
        record = committed[profile["url_name"]]
        starter = record.salary.starter
        if isinstance(profile["salary_starter_gbp"], int):
            assert starter is not None and starter.value == profile["salary_starter_gbp"]
        else:
            assert starter is None
        assert record.soc2010.code == profile["soc2010_code"]


def _slice_for(target: str, committed: dict[str, OccupationRecord], build: ModuleType) -> set[str]:
    """The target and every profile whose data can change its record: its alternative titles
    depend on the other profiles coded to the same SOC 2020 group, and an ONS related title that
    repeats any NCS title is dropped."""
    assert SHARED_LMI is not None
    record = committed[target]
    primary = record.primary_soc2020
    assert primary is not None
    groups = build._load_soc2020(SHARED_LMI / build.SOC2020_FILE)
    related = {build._norm(title) for title in groups[primary.code].related_job_titles}
    return {
        r.id
        for r in committed.values()
        if r.id == target
        or r.soc2010.code == record.soc2010.code
        or (r.primary_soc2020 is not None and r.primary_soc2020.code == primary.code)
        or build._norm(r.title) in related
    }


@needs_shared
@pytest.mark.parametrize("target", ["computer-games-developer", "actor", "nurse", "florist"])
def test_build_on_a_slice_reproduces_the_committed_record(
    tmp_path: Path,
    build: ModuleType,
    committed: dict[str, OccupationRecord],
    committed_lines: dict[str, str],
    target: str,
) -> None:
    assert SHARED_LMI is not None
    shared = tmp_path / "shared"
    shared.mkdir()
    for name in build.INPUT_FILES:
        if name != build.NCS_FILE:
            shutil.copy(SHARED_LMI / name, shared / name)
    wanted = _slice_for(target, committed, build)
    source_lines = (SHARED_LMI / build.NCS_FILE).read_text(encoding="utf-8").splitlines()
    kept = [line for line in source_lines if json.loads(line)["url_name"] in wanted]
    (shared / build.NCS_FILE).write_text("\n".join(kept) + "\n", encoding="utf-8")

    out = tmp_path / "out" / "occupations.jsonl"
    assert build.main(["--shared", str(shared), "--out", str(out)]) == 0
    built = {json.loads(line)["id"]: line for line in out.read_text("utf-8").splitlines()}
    assert set(built) == wanted
    if target == "computer-games-developer":
        # 'Games designer' is an ONS related title of SOC 2020 2134 and names no NCS profile.
        assert "Games designer" in json.loads(built[target])["alternative_titles"]
    assert json.loads(built[target]) == json.loads(committed_lines[target])
    assert built[target] == committed_lines[target]


@needs_shared
def test_build_records_summary_numbers(build: ModuleType) -> None:
    assert SHARED_LMI is not None
    records, stats = build.build_records(SHARED_LMI)
    assert stats.records == len(records) == 829
    assert stats.with_ashe + stats.without_ashe == 829
    assert stats.ashe_unit + stats.ashe_minor_fallback == stats.with_ashe
    assert stats.salary_variable == 69
    summary = stats.summary()
    assert "records: 829" in summary and "fell back to the minor group" in summary


def test_build_reports_missing_inputs(tmp_path: Path, build: ModuleType) -> None:
    out = tmp_path / "occupations.jsonl"
    assert build.main(["--shared", str(tmp_path / "absent"), "--out", str(out)]) == 1
    assert not out.exists()
    (tmp_path / "partial").mkdir()
    assert build.main(["--shared", str(tmp_path / "partial"), "--out", str(out)]) == 1


def test_requirement_parsing(build: ModuleType) -> None:
    parse = build.parse_requirement
    gcse = parse(
        "4 or 5 GCSEs at grades 9 to 4 (A* to C), or equivalent, including English, maths and "
        "science"
    )
    assert (gcse.qualification, gcse.min_count, gcse.max_count) == ("GCSE", 4, 5)
    assert gcse.grades == "9 to 4 (A* to C)"
    assert gcse.subjects == ["English", "maths", "science"]
    assert gcse.or_equivalent
    both = parse(
        "4 or 5 GCSEs at grades 9 to 4 (A* to C) and A levels, or equivalent, for a higher or "
        "degree apprenticeship"
    )
    assert both.together_with == ["A level"]
    assert both.purpose == "higher or degree apprenticeship"
    fewer = parse("2 or fewer GCSEs at grades 3 to 1 (D to G), or equivalent, for a level 1 course")
    assert (fewer.min_count, fewer.max_count, fewer.purpose) == (None, 2, "level 1 course")
    either = parse(
        "1 or 2 A levels, a level 3 diploma or relevant experience for a level 4 or level 5 course"
    )
    assert (either.qualification, either.alternatives) == ("A level", ["Level 3"])
    assert parse("to pass an audition") is None


def test_title_variants(build: ModuleType) -> None:
    assert build.title_variants("Bus or coach driver") == ["Bus driver", "Coach driver"]
    assert build.title_variants("RAF airman or airwoman") == ["RAF airman", "RAF airwoman"]
    assert build.title_variants("User experience (UX) designer") == ["UX designer"]
    assert build.title_variants("Head of IT (IT director)") == ["IT director"]
    assert build.title_variants("Production worker (manufacturing)") == []
    assert build.titles_relate("Games designer", "Computer games developer")
    assert build.titles_relate("Staff nurse", "Nurse")
    assert not build.titles_relate("Sports therapist", "Art therapist")
    assert not build.titles_relate("Scientist", "Sports scientist")
