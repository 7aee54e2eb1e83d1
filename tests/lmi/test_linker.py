"""The one occupation linker (`lmi.linker`): what each reader (interview, brief, search) gets.
The occupation records are the bundled ones; the texts are written for these tests."""

from __future__ import annotations

import pytest

from guidance_assistant.lmi.linker import LinkWords, activity_title, link_occupations
from guidance_assistant.text.clean import normalise_for_matching


def ids(text: str, words: LinkWords | None = None, **options: bool) -> list[str]:
    links = link_occupations(normalise_for_matching(text), words or LinkWords(), **options)
    return links.ids


def test_a_title_said_whole_is_one_job_longest_first() -> None:
    assert ids("what does a hospital doctor earn") == ["hospital-doctor"]
    assert ids("Dental nurses and florists") == ["dental-nurse", "florist"]


def test_offsets_point_at_the_words_that_named_the_job() -> None:
    links = link_occupations(normalise_for_matching("I might be a florist one day"))
    (job,) = links.jobs
    assert links.text[job.start : job.end] == job.phrase == "florist"
    assert job.score == 100.0


def test_a_title_is_never_read_across_a_full_stop_or_comma() -> None:
    assert ids("I keep my hoodie on in PE. Teachers moan") == []
    assert ids("Maybe a vet, nurse, something like that") == ["vet", "nurse"]


def test_compounds_and_subject_teachers_only_when_asked() -> None:
    assert ids("I want to be a vet nurse") == ["veterinary-nurse"]
    assert ids("I want to be a maths teacher") == ["secondary-school-teacher"]
    assert ids("vet nurse", compounds=False, phrases=False) == ["vet", "nurse"]


def test_a_phrase_that_fits_several_jobs_is_ambiguous() -> None:
    links = link_occupations(normalise_for_matching("I want to be a teacher"))
    assert links.jobs == ()
    assert [a.phrase for a in links.ambiguous] == ["teacher"]


def test_the_callers_words_tune_it() -> None:
    words = LinkWords(
        aliases={"nursing": "nurse"},
        ambiguous=frozenset({"writer"}),
        not_jobs=("baker clause",),
        skip=frozenset({"help"}),
    )
    assert ids("I might go into nursing", words) == ["nurse"]
    assert ids("the writer of the book was there", words) == []
    assert ids("I want to be a writer", words) == ["writer"]
    assert ids("encounters under the baker clause", words) == []
    assert ids("encounters under the baker clause") == ["baker"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("is carpentry hard", ["carpenter"]), ("midwifery at uni", ["midwife"]), ("hello", [])],
)
def test_words_for_the_work_only_when_asked(text: str, expected: list[str]) -> None:
    assert ids(text, phrases=False, activities=True) == expected
    assert ids(text, phrases=False) == []


def test_a_word_for_the_work_names_one_record_or_none() -> None:
    assert activity_title("plumbing") == ("plumber", "Plumber")
    assert activity_title("something") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I want to be a physio", ["physiotherapist"]),
        ("my uncle is a lorry driver", ["large-goods-vehicle-driver"]),
        ("Programmer, how much money in England?", ["software-developer"]),
        ("how much do digger drivers get", ["construction-plant-operator"]),
        ("What actually is an ODP?", ["operating-department-practitioner"]),
    ],
)
def test_everyday_words_for_a_job_name_its_record(text: str, expected: list[str]) -> None:
    # knowledge/lmi/everyday_titles.yaml: words people use that are not a record's title.
    assert ids(text) == expected


def test_a_family_word_or_a_plural_asked_about_is_ambiguous() -> None:
    lawyer = link_occupations(normalise_for_matching("I want to be a lawyer"))
    assert lawyer.jobs == () and {"solicitor", "barrister"} <= {
        c[0] for c in lawyer.ambiguous[0].candidates
    }
    for text in ("How much pilots earn when they start?", "do journalists actually get paid?"):
        links = link_occupations(normalise_for_matching(text))
        assert links.jobs == () and len(links.ambiguous) == 1, text
    # plurals that are not jobs stay unlinked
    for text in ("do parents need to sign anything", "do students need a laptop"):
        links = link_occupations(normalise_for_matching(text))
        assert links.jobs == () and links.ambiguous == (), text


def test_the_everyday_titles_file_is_validated() -> None:
    from pydantic import ValidationError

    from guidance_assistant.lmi.titles import EverydayTitles, everyday_titles, title_index

    with pytest.raises(ValidationError, match="two or more"):
        EverydayTitles.model_validate({"families": {"lawyer": ["solicitor"]}})
    with pytest.raises(ValidationError):
        EverydayTitles.model_validate({"titles": {"physio": "physiotherapist"}, "jobs": {}})
    # every word in the shipped file names a bundled record (title_index raises otherwise)
    index = title_index()
    assert all(word in index for word in everyday_titles().titles)
