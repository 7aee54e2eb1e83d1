"""The notes reader on the labelled notes of ``evals/brief`` (dev: built on; test: written by
other hands and only measured). Floors sit at the figures measured on 2026-12-07 (evals/README.md):
a change that loses ground on either split fails here. They are not the aims (0.9 on every field)."""

from __future__ import annotations

import pytest

from guidance_assistant.evals.brief import BriefReport, evaluate_reader, load_notes_set
from guidance_assistant.prepare.facts import facts_of
from guidance_assistant.prepare.notes import read_notes

#: (field, precision floor, recall floor) per split.
FLOORS: dict[str, list[tuple[str, float, float]]] = {
    "dev": [
        ("name", 0.90, 0.88),
        ("age", 0.95, 0.90),
        ("year_group", 0.93, 0.80),
        ("subjects", 0.90, 0.72),
        ("people", 0.85, 0.40),
        ("rejected", 0.70, 0.55),
        ("circumstances", 0.60, 0.50),
        ("needs", 0.65, 0.60),
    ],
    "test": [
        ("name", 0.92, 0.88),
        ("age", 0.90, 0.80),
        ("year_group", 0.93, 0.88),
        ("subjects", 0.84, 0.70),
        ("people", 0.80, 0.45),
        ("rejected", 0.60, 0.40),
        ("circumstances", 0.48, 0.48),
        ("needs", 0.63, 0.66),
    ],
}


def _report(split: str) -> BriefReport:
    notes = load_notes_set("dev" if split == "dev" else "test")
    return evaluate_reader(lambda text: facts_of(read_notes(text)), notes, split)


@pytest.mark.parametrize("split", ["dev", "test"])
def test_the_reader_holds_its_figures_on_the_labelled_notes(split: str) -> None:
    report = _report(split)
    for field, precision, recall in FLOORS[split]:
        score = report.total(field)
        assert score.precision is not None and score.precision >= precision, (field, score)
        assert score.recall is not None and score.recall >= recall, (field, score)
    leaked = sum(len(n.leaked) for n in report.notes)
    assert leaked <= 4, [(n.note_id, n.leaked) for n in report.notes if n.leaked]


def test_a_siblings_age_is_never_the_clients() -> None:
    notes = read_notes(
        "Yr 10, Maisie. Young carer for mum and her brother Alfie (7). She turns 15 in May. "
        "Her sister (19) is a nurse."
    )
    assert notes.age == 14
    assert notes.year_group == 10
    assert notes.name == "Maisie"
    facts = facts_of(notes)
    assert any(p.who == "sister" and p.job == "nurse" for p in facts.people)
    assert "nurse" not in facts.ideas
