"""The notes reader's interests, strengths and ideas on a bank written by a third hand
(``evals/brief/profile-dev.yaml``: 200 snippets in many styles), held at the figures of 2026-12-07
less a margin, and the strength words of ``knowledge/notes/profile.yaml`` on cases written for
these tests (not taken from the bank)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from guidance_assistant.cli import app
from guidance_assistant.evals.brief import evaluate_profile_bank, load_profile_bank
from guidance_assistant.prepare.facts import facts_of, phrase_matches
from guidance_assistant.prepare.notes import read_notes
from guidance_assistant.prepare.notes_profile import roles, subject_strengths, traits

BANK = Path(__file__).resolve().parents[2] / "evals" / "brief" / "profile-dev.yaml"
#: (field, precision floor, recall floor): the figures reached on 2026-12-07 less about 0.03.
FLOORS: list[tuple[str, float, float]] = [
    ("interests", 0.78, 0.64),
    ("strengths", 0.86, 0.51),
    ("ideas", 0.84, 0.59),
    ("rejected", 0.60, 0.36),
]


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return evaluate_profile_bank(load_profile_bank(BANK), str(BANK))


def test_the_bank_loads() -> None:
    snippets = load_profile_bank(BANK)
    assert len(snippets) == 200
    assert len({s.id for s in snippets}) == 200
    assert sum(len(s.strengths) for s in snippets) > 200


def test_profile_bank_floors(report) -> None:  # type: ignore[no-untyped-def]
    assert report.snippets == 200
    for name, precision, recall in FLOORS:
        score = report.totals[name]
        assert score.precision is not None and score.precision >= precision, (name, score)
        assert score.recall is not None and score.recall >= recall, (name, score)
    assert report.leaked <= 6


def test_the_cli_prints_the_bank_table() -> None:
    result = CliRunner().invoke(
        app, ["eval", "brief", "--profile-bank", str(BANK), "--misses", "3"]
    )
    assert result.exit_code == 0, result.output
    assert "Profile bank" in result.output
    for name in ("interests", "strengths", "ideas", "rejected", "others' jobs"):
        assert name in result.output
    assert "Mistakes:" in result.output


def _has(items: list[str], wanted: str) -> bool:
    return any(phrase_matches(item, wanted) for item in items)


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("Mum says he is really reliable, never late for his paper round.", "reliable"),
        ("Year 10. She is head girl and captain of the netball team.", "head girl"),
        ("Year 10. She is head girl and captain of the netball team.", "captain"),
        ("Got his DofE bronze last summer.", "DofE bronze"),
        ("yr9 - gd at chemistry/biology, wants to be a pharmacist", "biology"),
        ("Geography is her best subject (predicted 8).", "geography"),
        ("Staff describe her as calm and patient with the younger ones.", "patient"),
    ],
)
def test_strengths_said_many_ways(text: str, wanted: str) -> None:
    assert _has(facts_of(read_notes(text)).strengths, wanted), facts_of(read_notes(text))


@pytest.mark.parametrize(
    ("text", "unwanted"),
    [
        ("Her mum is very organised and runs a bakery in town.", "organised"),
        ("Her mum is very organised and runs a bakery in town.", "bakery"),
        ("Dad (ex-forces, lives nearby) runs a garage.", "garage"),
        ("Not confident speaking in class yet.", "confident"),
        ("Took creative writing and practical cookery as options.", "creative"),
        ("Her brother is head boy at the grammar school.", "head boy"),
    ],
)
def test_traps_for_the_strength_words(text: str, unwanted: str) -> None:
    assert not _has(facts_of(read_notes(text)).strengths, unwanted), facts_of(read_notes(text))


def test_pronouns_and_people_are_never_items() -> None:
    facts = facts_of(read_notes("Y8 - goes to Scouts and loves it, plays footy w/ mates"))
    assert not {"it", "mates"} & {i.lower() for i in facts.interests}


def test_the_rules_alone() -> None:
    assert traits("v creative, always drawing") == ["creative"]
    assert traits("creative writing club on Weds") == []
    assert [w for _, _, w in roles("is a prefect and a peer mentor")] == ["prefect", "peer mentor"]
    assert subject_strengths("Maths is his best subject") == ["Maths"]
    assert subject_strengths("Lunch is his best time of day") == []
