"""The agreement figures every run reports: the skill classifier's comes from a cache that any
change to what it depends on invalidates."""

from __future__ import annotations

import shutil
from pathlib import Path

from guidance_assistant.evals.agreement import (
    SKILL_AGREEMENT_CACHE,
    agreement_report,
    cached_skills_agreement,
    render_agreement,
    skill_classifier_fingerprint,
)
from guidance_assistant.practice.skills import skills_dir
from tests.evals.conftest import MEASURED_SKILLS


def _labelled_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "skills"
    shutil.copytree(skills_dir(), folder)
    return folder


def test_the_fingerprint_changes_with_the_labelled_set_and_only_then(tmp_path: Path) -> None:
    folder = _labelled_copy(tmp_path)
    before = skill_classifier_fingerprint(folder)
    assert skill_classifier_fingerprint(folder) == before
    assert skill_classifier_fingerprint(skills_dir()) == before
    labelled = sorted(folder.glob("utterances*.yaml"))[0]
    labelled.write_text(labelled.read_text(encoding="utf-8") + "\n# relabelled\n")
    assert skill_classifier_fingerprint(folder) != before


def test_the_skill_agreement_is_measured_once_per_fingerprint(
    tmp_path: Path, skill_measurements: list[int]
) -> None:
    cache = tmp_path / "cache"
    first = cached_skills_agreement(cache, fingerprint="a" * 64)
    again = cached_skills_agreement(cache, fingerprint="a" * 64)
    assert len(skill_measurements) == 1
    assert first == again == {**MEASURED_SKILLS, "fingerprint": "a" * 12}
    cached_skills_agreement(cache, fingerprint="b" * 64)
    assert len(skill_measurements) == 2
    assert len(list(cache.iterdir())) == 1  # one file, replaced


def test_a_damaged_cache_is_measured_again(tmp_path: Path, skill_measurements: list[int]) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    for damaged in ("{not json", "[1, 2]", '{"fingerprint": "' + "a" * 64 + '", "summary": 3}'):
        (cache / SKILL_AGREEMENT_CACHE).write_text(damaged)
        assert cached_skills_agreement(cache, fingerprint="a" * 64)["macro_f1"] == 0.4375
    assert len(skill_measurements) == 3


def test_every_report_has_both_scorers_and_the_summary_shows_their_headlines(
    tmp_path: Path, skill_measurements: list[int]
) -> None:
    report = agreement_report(cache_dir=tmp_path)
    assert set(report) == {"safeguarding", "skill_classifier"}
    assert report["safeguarding"]["messages"] >= 100
    text = render_agreement(report)
    assert "skill_classifier: utterances 7, accuracy 0.625, macro_f1 0.438" in text
    assert f"safeguarding: labelled_set {report['safeguarding']['labelled_set']}" in text
    assert "recall_summary" not in text  # per-label figures stay in the header and the HTML
