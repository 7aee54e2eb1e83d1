"""The brief eval's counting (on notes written here, not the labelled splits) and its files."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidance_assistant.evals.brief import (
    BriefEvalError,
    LabelledNote,
    evaluate_reader,
    load_notes_set,
    phrase_matches,
    score_note,
)
from guidance_assistant.prepare.facts import NoteFacts, Person, SubjectGrade


def test_phrases_match_on_content_words_and_alternatives() -> None:
    assert phrase_matches("working with animals", "animals")
    assert phrase_matches("vet nurse", "veterinary nurse | vet nurse")
    assert phrase_matches("Horse riding", "horse riding")
    assert not phrase_matches("animation", "animals")
    assert not phrase_matches("electrician", "veterinary nurse")
    assert not phrase_matches("", "maths")


def test_a_siblings_age_is_wrong_twice_and_a_missing_age_only_once() -> None:
    gold = NoteFacts(age=14, year_group=10)
    wrong = score_note("n", NoteFacts(age=7, year_group=10), gold)
    assert (wrong.fields["age"].right, wrong.fields["age"].found, wrong.fields["age"].labelled) == (
        0,
        1,
        1,
    )
    assert wrong.fields["year_group"].precision == 1.0
    missing = score_note("n", NoteFacts(year_group=10), gold)
    assert missing.fields["age"].precision is None and missing.fields["age"].recall == 0.0
    invented = score_note("n", NoteFacts(age=16), NoteFacts())
    assert invented.fields["age"].precision == 0.0 and invented.fields["age"].recall is None


def test_grades_need_their_subject_and_status_is_counted_apart() -> None:
    gold = NoteFacts(
        subjects=[
            SubjectGrade(subject="maths", grade="6", status="predicted"),
            SubjectGrade(subject="English language", grade="4", status="achieved"),
            SubjectGrade(subject="art"),
        ]
    )
    found = NoteFacts(
        subjects=[
            SubjectGrade(subject="Maths", grade="6", status="achieved"),
            SubjectGrade(subject="history", grade="4", status="achieved"),
        ]
    )
    score = score_note("n", found, gold)
    subjects = score.fields["subjects"]
    assert (subjects.right, subjects.found, subjects.labelled) == (1, 2, 2)
    assert (score.status_right, score.status_found) == (0, 1)


def test_others_jobs_that_leak_into_ideas_are_counted() -> None:
    gold = NoteFacts(
        ideas=["vet nurse"],
        people=[Person(who="father", job="electrician")],
        not_options=["electrician"],
    )
    found = NoteFacts(
        ideas=["electrician", "vet nurse"], people=[Person(who="dad", job="electrician")]
    )
    score = score_note("n", found, gold)
    assert score.leaked == ["electrician"]
    assert score.fields["ideas"].precision == 0.5 and score.fields["ideas"].recall == 1.0
    assert score.fields["people"].right == 1


def test_the_report_prints_every_field_and_the_mistakes() -> None:
    note = LabelledNote(
        id="x-1",
        style="bullets",
        text="Yr 10, 14. Likes animals.",
        gold=NoteFacts(age=14, year_group=10, interests=["animals"], needs=["young_carer"]),
    )
    report = evaluate_reader(lambda text: NoteFacts(age=14, needs=["anxiety"]), [note], "dev")
    text = report.render(misses=5)
    for field in ("age", "year_group", "needs", "people", "others' jobs kept out"):
        assert field in text
    assert "x-1: needs" in text
    assert report.total("age").precision == 1.0
    assert report.total("needs").recall == 0.0


def test_a_bad_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "notes-dev.yaml").write_text("split: test\nnotes: []\n", encoding="utf-8")
    with pytest.raises(BriefEvalError, match=r"notes-dev\.yaml"):
        load_notes_set("dev", tmp_path)


@pytest.mark.parametrize("split", ["dev", "test"])
def test_the_labelled_splits_load(split: str) -> None:
    notes = load_notes_set("dev" if split == "dev" else "test")
    assert len(notes) >= 40
    assert len({n.style for n in notes}) >= 5
