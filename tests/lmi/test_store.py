"""The bundled occupation records: loading, lookup by id and search by job title."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from guidance_assistant import lmi
from guidance_assistant.errors import LMIError
from guidance_assistant.lmi import LMIStore, OccupationRecord
from guidance_assistant.lmi.store import default_records_path


@pytest.fixture(scope="module")
def store() -> LMIStore:
    return lmi.bundled_store()


def _lines(count: int) -> list[str]:
    return default_records_path().read_text(encoding="utf-8").splitlines()[:count]


def test_bundled_file_loads_every_profile(store: LMIStore) -> None:
    assert len(store) == 829
    assert len(store.all()) == 829
    assert len({record.id for record in store.all()}) == 829
    assert all(isinstance(record, OccupationRecord) for record in store)


def test_get_known_record(store: LMIStore) -> None:
    record = store.get("3d-printing-technician")
    assert record.title == "3D printing technician"
    assert record.soc2010.code == "3122"
    assert record.ncs_url.endswith("/job-profiles/3d-printing-technician")
    assert record.salary.starter is not None
    assert record.salary.starter.value == 18000
    primary = record.primary_soc2020
    assert primary is not None and primary.code == "3120"


def test_module_level_get_and_find() -> None:
    assert lmi.get("3d-printing-technician").title == "3D printing technician"
    assert lmi.find("software developer", limit=1)[0].record.id == "software-developer"
    assert lmi.bundled_store() is lmi.bundled_store()


def test_unknown_id_suggests_close_ids(store: LMIStore) -> None:
    with pytest.raises(LMIError) as caught:
        store.get("software-develper")
    message = str(caught.value)
    assert "software-develper" in message
    assert "'software-developer'" in message
    assert "Did you mean" in message


def test_unknown_title_used_as_id_suggests_the_job(store: LMIStore) -> None:
    with pytest.raises(LMIError, match="computer-games-developer"):
        store.get("game designer")


def test_find_game_designer(store: LMIStore) -> None:
    matches = store.find("game designer")
    assert matches[0].record.id == "computer-games-developer"
    assert matches[0].matched_title == "Games designer"
    assert matches[0].score > 90


def test_find_nurse_ranks_nursing_jobs_first(store: LMIStore) -> None:
    matches = store.find("nurse", limit=5)
    assert matches[0].record.id == "nurse"
    assert matches[0].score == 100
    assert all("nurse" in match.matched_title.lower().split() for match in matches)


def test_find_is_typo_tolerant(store: LMIStore) -> None:
    match = store.find("software develper")[0]
    assert match.record.id == "software-developer"
    assert match.score > 90


def test_find_matches_alternative_titles(store: LMIStore) -> None:
    match = store.find("staff nurse", limit=1)[0]
    assert match.record.id == "nurse"
    assert match.matched_title == "Staff nurse"


def test_find_results_are_sorted_unique_and_limited(store: LMIStore) -> None:
    matches = store.find("teacher", limit=7)
    assert len(matches) == 7
    scores = [match.score for match in matches]
    assert scores == sorted(scores, reverse=True)
    assert len({match.record.id for match in matches}) == 7
    assert all(0 <= score <= 100 for score in scores)


@pytest.mark.parametrize("query", ["", "   ", "?!"])
def test_find_rejects_empty_query(store: LMIStore, query: str) -> None:
    with pytest.raises(LMIError, match="empty"):
        store.find(query)


def test_find_rejects_bad_limit(store: LMIStore) -> None:
    with pytest.raises(LMIError):
        store.find("nurse", limit=0)


def test_load_small_file(tmp_path: Path) -> None:
    path = tmp_path / "occupations.jsonl"
    path.write_text("\n".join(_lines(3)) + "\n\n", encoding="utf-8")
    store = LMIStore.load(path)
    assert len(store) == 3
    assert store.path == path


def test_malformed_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "occupations.jsonl"
    first, second = _lines(2)
    path.write_text(f"{first}\n{second[:40]}\n", encoding="utf-8")
    with pytest.raises(LMIError, match=r"line 2: not valid JSON"):
        LMIStore.load(path)


def test_record_not_fitting_schema_names_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "occupations.jsonl"
    first, second = _lines(2)
    broken = json.loads(second)
    broken["salary"]["starter"]["year"] = "twenty twenty"
    broken["unexpected"] = True
    path.write_text(f"{first}\n{json.dumps(broken)}\n", encoding="utf-8")
    with pytest.raises(LMIError, match=r"line 2: not a valid occupation record"):
        LMIStore.load(path)


def test_json_that_is_not_an_object(tmp_path: Path) -> None:
    path = tmp_path / "occupations.jsonl"
    path.write_text("[1, 2]\n", encoding="utf-8")
    with pytest.raises(LMIError, match="line 1: expected a JSON object"):
        LMIStore.load(path)


def test_duplicate_id_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "occupations.jsonl"
    first = _lines(1)[0]
    path.write_text(f"{first}\n{first}\n", encoding="utf-8")
    with pytest.raises(LMIError, match=r"line 2: the id '3d-printing-technician' is already used"):
        LMIStore.load(path)


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(LMIError, match="does not exist"):
        LMIStore.load(tmp_path / "absent.jsonl")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(LMIError, match="no records"):
        LMIStore.load(empty)
