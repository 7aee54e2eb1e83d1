"""Redaction of transcripts on Presidio: identifiers, names of many origins, words kept.

The cases here are made up for these tests (not taken from evals/redaction)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from guidance_assistant.store import Store, redact_text
from guidance_assistant.store.redaction import (
    PLACEHOLDERS,
    analyzer,
    find_personal_data,
)
from guidance_assistant.store.redaction_identifiers import (
    nhs_check_ok,
    ni_prefix_ok,
    upn_check_ok,
)
from guidance_assistant.text.names import (
    RedactionDataError,
    data_folder,
    find_names,
    load_name_data,
)

from .conftest import People
from .helpers import make_state


@pytest.mark.parametrize(
    ("said", "names", "gone", "placeholder"),
    [
        ("text me on 07700 900 512 after school", [], "900 512", "[phone]"),
        ("we moved to 27 Larch Crescent, Halifax HX1 2QZ", [], "Larch", "[address]"),
        ("we moved to 27 Larch Crescent, Halifax HX1 2QZ", [], "HX1 2QZ", "[postcode]"),
        ("my national insurance is AB 12 34 56 C", [], "34 56", "[NI number]"),
        ("NI no. qq 98 76 54 a", [], "98 76", "[NI number]"),
        ("her NHS number is 401 023 4571", [], "4571", "[NHS number]"),
        ("UPN K201100345678 on the report", [], "K201100345678", "[UPN]"),
        ("my ULN is 5019283746 i think", [], "5019283746", "[ULN]"),
        ("I was born on 9th of June 2009", [], "9th of June 2009", "[date of birth]"),
        ("dob 03/11/2008", [], "03/11/2008", "[date of birth]"),
        ("email me at kofi.b@example.org", [], "kofi.b", "[email]"),
        ("Priya said she would come", [], "Priya", "[name]"),
        ("me and Tomasz are going", [], "Tomasz", "[name]"),
        ("my friend Zeynep wants to be a vet", [], "Zeynep", "[name]"),
        ("Mrs Oyelaran said so", [], "Oyelaran", "[name]"),
        ("ask mary-jane about it, mary-jane's mum knows", ["Mary-Jane Okoro"], "mary", "[name]"),
        ("it's Bartłomiej, not Bartlomiej", ["Bartłomiej", "Nowicki"], "Bart", "[name]"),
        ("my aunty Bisi works at the hospital", [], "Bisi", "[name]"),
        ("grace said the course was good", [], "grace", "[name]"),
        ("K-A-M-I-L, that's how you spell it", [], "K-A-M-I-L", "[name]"),
    ],
)
def test_personal_data_is_replaced(
    said: str, names: list[str], gone: str, placeholder: str
) -> None:
    out = redact_text(said, names)
    assert gone not in out and placeholder in out, out


@pytest.mark.parametrize(
    ("said", "names"),
    [
        ("I am Muslim and I fast in Ramadan", []),
        ("I'm Polish and I speak Polish and English at home", []),
        ("I want to do Maths, Chemistry and Law at sixth form", []),
        ("I hope to be a baker one day", ["Hope", "Baker"]),
        ("Sky's the limit, my dad says", []),
        ("Faith is important to me and I go to the Gurdwara", []),
        ("a nurse or a paramedic, or maybe a mason like my uncle", []),
        ("I got a 6 in my mock in March and my mark went up", ["Mark", "Lloyd"]),
        ("Open day at the college on 14 March, bring your GCSE results", []),
        ("I work at Greggs on Saturdays and at the Co-op on Sundays", []),
        ("My son will be sixteen in May", []),
    ],
)
def test_words_that_are_not_names_are_kept(said: str, names: list[str]) -> None:
    assert redact_text(said, names) == said


def test_the_tester_findings() -> None:
    """The cases a tester found passing through, and "Muslim" taken for a name."""
    said = "Priya said she would bring anne-marie's form; NI QQ 12 34 56 C. I am Muslim."
    out = redact_text(said, ["Anne-Marie Doyle"])
    assert out == "[name] said she would bring [name]'s form; NI [NI number]. I am Muslim."


def test_check_digits_and_prefix_rules() -> None:
    assert nhs_check_ok("4010234571") and not nhs_check_ok("4010234572")
    assert upn_check_ok("K201100345678") and not upn_check_ok("A201100345678")
    assert ni_prefix_ok("AB123456C")
    for barred in ("QQ123456C", "GB123456A", "DA123456A", "AO123456A"):
        assert not ni_prefix_ok(barred), barred


def test_identifiers_that_need_context_are_kept_without_it() -> None:
    assert not nhs_check_ok("5019283745")  # ten digits, and not an NHS number either
    assert redact_text("we raised 5019283745 pence") == "we raised 5019283745 pence"
    assert redact_text("the trip is on 12/03/2026") == "the trip is on 12/03/2026"
    # an NHS-shaped number that fails the modulus 11 check is not an NHS number
    assert "[NHS number]" not in redact_text("ref 401 023 4572")


def test_each_finding_says_why() -> None:
    findings = find_personal_data("my cousin Brannoch rang from 07700 900 334", [])
    kinds = {f.kind: f.reason for f in findings}
    assert set(kinds) == {"PERSON", "UK_PHONE"}
    assert "relation" in kinds["PERSON"]
    assert "uk_phone_recogniser" in kinds["UK_PHONE"]


def test_redacted_text_replaces_exactly_the_findings() -> None:
    said = "Name: Ama Owusu. DOB 02/02/2008. Tel 0113 496 0123. Lives at 4 Mill Lane, Leeds."
    findings = find_personal_data(said, ["Ama", "Owusu"])
    expected = said
    for finding in reversed(findings):
        placeholder = {
            "PERSON": "[name]",
            "DATE_OF_BIRTH": "[date of birth]",
            "UK_PHONE": "[phone]",
            "STREET_ADDRESS": "[address]",
        }[finding.kind]
        expected = expected[: finding.start] + placeholder + expected[finding.end :]
    assert redact_text(said, ["Ama", "Owusu"]) == expected
    assert all(p.startswith("[") for p in PLACEHOLDERS)


def test_names_beside_each_other_are_one_span() -> None:
    spans = find_names("Client (Rosalinda Dela Cruz) came with R. Kaur", [])
    said = "Client (Rosalinda Dela Cruz) came with R. Kaur"
    assert [said[s.start : s.end] for s in spans] == ["Rosalinda Dela Cruz", "R. Kaur"]


def test_the_engine_is_built_once() -> None:
    assert analyzer() is analyzer()


def test_empty_text_is_left_alone() -> None:
    assert redact_text("") == "" and redact_text("   ") == "   "


def test_a_broken_word_list_is_a_clear_error(tmp_path: Path) -> None:
    for name in ("names.yaml", "not_names.yaml", "cues.yaml"):
        (tmp_path / name).write_text((data_folder() / name).read_text("utf-8"), "utf-8")
    assert "zeynep" in load_name_data(tmp_path).names
    (tmp_path / "cues.yaml").write_text("version: 1\ntitles: [mr\n", "utf-8")
    with pytest.raises(RedactionDataError, match=r"cues\.yaml is not valid"):
        load_name_data(tmp_path)


def test_a_stored_session_loses_names_and_numbers_but_keeps_other_words(
    make_store: Callable[..., Store], people_factory: Callable[[Store], People]
) -> None:
    store = make_store(redact_transcripts=True)
    people = people_factory(store)
    client = store.create_client(people.adviser, "C-RD", display_name="Lily-Rose Adebayo")
    state = make_state(2, name="Lily-Rose Adebayo")
    state.transcript[0].text = (
        "lily-rose here, my NI number is QQ 64 28 19 D. I am Muslim, my family is Polish "
        "and I like Maths."
    )
    store.save_guidance_session(people.adviser, client.id, state)
    with store.engine.connect() as connection:
        turns = [row[0] for row in connection.execute(text("SELECT text FROM turns"))]
        state_json = str(
            connection.execute(text("SELECT state_json FROM guidance_sessions")).scalar()
        )
    stored = " ".join(turns) + state_json
    for secret in ("lily", "Lily", "Adebayo", "QQ 64 28 19 D", "64 28"):
        assert secret not in stored, secret
    for kept in ("Muslim", "Polish", "Maths"):
        assert kept in turns[0], kept
    assert "[name]" in turns[0] and "[NI number]" in turns[0]
