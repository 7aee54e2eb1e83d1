"""Job titles said in words the records do not use: a school subject before "teacher", and a
compound title ("vet nurse", "nursery nurse") that names one job, not one job per word. The
occupation records are the bundled ones."""

from __future__ import annotations

import pytest

from guidance_assistant.interview.reading import find_occupations


def ids(text: str) -> list[str]:
    mentions, ambiguous = find_occupations(text)
    assert not ambiguous
    return [m.occupation_id for m in mentions]


@pytest.mark.parametrize(
    "text",
    [
        "I want to be an english teacher",
        "English teacher.",
        "I'd like to be a maths teacher",
        "I want to become a history teacher",
        "I'm thinking about being a science teacher",
        "I want to train as a computer science teacher",
        "I want to be a drama teacher",
    ],
)
def test_a_subject_teacher_is_a_secondary_school_teacher(text: str) -> None:
    assert ids(text) == ["secondary-school-teacher"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # subjects with a record of their own keep it
        ("I want to be a music teacher", ["music-teacher"]),
        ("I want to be a PE teacher", ["pe-teacher"]),
        ("I want to be a primary teacher", ["primary-school-teacher"]),
        # someone's teacher is not a job idea, and a word that is no subject is not a subject
        ("My english teacher said I should do law", []),
        ("I want to be a good english teacher", []),
    ],
)
def test_other_teachers_are_not_taken_for_a_subject_teacher(text: str, expected: list[str]) -> None:
    assert ids(text) == expected


def test_teacher_on_its_own_still_asks_which_teacher() -> None:
    mentions, ambiguous = find_occupations("I want to be a teacher")
    assert mentions == []
    assert [a.phrase for a in ambiguous] == ["teacher"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I want to be a vet nurse", "veterinary-nurse"),
        ("vet nurse", "veterinary-nurse"),
        ("How much does a vet nurse earn?", "veterinary-nurse"),
        ("I want to be a nursery nurse", "nursery-worker"),
        ("I'd like to work as a dental nurse", "dental-nurse"),
    ],
)
def test_a_compound_title_is_one_job(text: str, expected: str) -> None:
    mentions, _ = find_occupations(text)
    assert [m.occupation_id for m in mentions] == [expected]
    assert mentions[0].phrase in text.lower()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I want to be a nurse", ["nurse"]),
        ("I want to be a vet", ["vet"]),
        ("I want to be a nurse or a vet", ["nurse", "vet"]),
        ("I want to be a vet or a nurse", ["vet", "nurse"]),
        # words split by punctuation are a list, not a compound
        ("Maybe a vet, nurse, something like that", ["vet", "nurse"]),
        ("I'd like to be a vet nurse or a dental nurse", ["veterinary-nurse", "dental-nurse"]),
    ],
)
def test_separate_jobs_stay_separate(text: str, expected: list[str]) -> None:
    assert ids(text) == expected
