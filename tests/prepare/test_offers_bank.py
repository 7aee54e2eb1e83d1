"""The notes reader's offers on a bank written by a third hand (``evals/brief/offers-dev.yaml``:
150 snippets in ten styles, 25 with no offer), held at the figure of 2026-12-07 less a margin:
precision 0.80, recall 0.67, status right on 0.88 of the offers found."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidance_assistant.evals.brief import evaluate_offers_bank, load_offers_bank
from guidance_assistant.prepare.notes import read_notes
from guidance_assistant.prepare.notes_facts import offers

BANK = Path(__file__).resolve().parents[2] / "evals" / "brief" / "offers-dev.yaml"


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return evaluate_offers_bank(load_offers_bank(BANK), str(BANK))


def test_offers_bank_floors(report) -> None:  # type: ignore[no-untyped-def]
    assert report.snippets == 150
    assert report.total.precision is not None and report.total.precision >= 0.76
    assert report.total.recall is not None and report.total.recall >= 0.64
    assert report.status_right / report.status_found >= 0.85


def test_offers_bank_list_and_table_styles(report) -> None:  # type: ignore[no-untyped-def]
    for style in ("ucas-list", "table", "terse"):
        score = report.by_style[style]
        assert score.recall is not None and score.recall >= 0.70, style


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cardiff Dent ✗ (no interview)", ("Cardiff dentistry", "rejected")),
        ("Hudds Nursing (Child) - int 11 Dec → offer BBC", ("Huddersfield Nursing", "conditional")),
        ("Nottm Biomed Sci - CF AAB", ("Nottingham biomedical science", "firm")),
        ("Sheff Biochem - CI ABB", ("Sheffield biochemistry", "insurance")),
        ("Warwick CS - A*AA", ("Warwick CS (computer science)", "conditional")),
        ("Strathclyde Hist & Pol - U", ("Strathclyde history & politics", "unconditional")),
        ("Leic Med Sci - dec", ("Leicester medical science", "withdrawn")),
    ],
)
def test_status_words_and_short_forms(text: str, expected: tuple[str, str]) -> None:
    found = offers(text)
    assert [(o.what, o.status) for o in found] == [expected]


def test_decisions_after_the_list() -> None:
    found = offers(
        "Lboro Sport Sci  ABB  ✓\nCardiff Met Sport Coaching  U  ✓\nF: Lboro / I: Cardiff Met"
    )
    assert [o.status for o in found] == ["firm", "insurance"]


@pytest.mark.parametrize(
    "text",
    [
        "Has a Saturday job at Greggs and has been offered more hours over summer.",
        "Open days: Sheffield 14/6 ✓, Leeds 21/6 ✓, York (planned)",
        "His mocks were U, D and E respectively.",
        "Eligible for contextual offers + on a Target Oxbridge style mentoring scheme.",
    ],
)
def test_no_offer(text: str) -> None:
    assert read_notes(text).offers == []
