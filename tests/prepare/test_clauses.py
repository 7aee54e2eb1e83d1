"""The clause part of the notes reader: clauses, their items, the bank's validation and the
shipped head (trained on the bank, never on evals/brief)."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidance_assistant.prepare.clauses import (
    MODEL_DIR,
    WEIGHTS_FILE,
    ClauseBankError,
    ClauseWeights,
    clause_items,
    clause_segments,
    load_bank,
)


def test_notes_are_cut_into_clauses_and_items_keep_their_head_words() -> None:
    text = (
        '- likes PE + fixing bikes w/ his uncle at weekends\n- said mechanic "maybe"\n'
        "Very into trains - knows every timetable and has a huge model railway in the garage."
    )
    clauses = clause_segments(text)
    assert clauses[:3] == [
        "likes PE + fixing bikes w/ his uncle at weekends",
        'said mechanic "maybe"',
        "Very into trains",
    ]
    assert clause_items(clauses[0]) == ["PE", "fixing bikes"]
    assert clause_items(clauses[1]) == ["mechanic"]
    assert clause_items(clauses[2]) == ["trains"]
    assert "model railway" in clause_items(clauses[3])
    assert clause_items("") == [] and clause_items("and, or") == []


def test_a_malformed_bank_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("clauses:\n  - {label: hobby, text: x}\n", encoding="utf-8")
    with pytest.raises(ClauseBankError, match=r"bad\.yaml"):
        load_bank(tmp_path)


def test_the_bank_is_balanced_enough_and_never_holds_the_labelled_notes() -> None:
    bank = load_bank()
    labels = {c.label for c in bank}
    assert labels == {"interest", "strength", "idea", "rejected", "other"}
    assert len(bank) >= 800
    import yaml

    from guidance_assistant.paths import REPO_ROOT

    held_out = set()
    for split in ("dev", "test"):
        data = yaml.safe_load((REPO_ROOT / "evals" / "brief" / f"notes-{split}.yaml").read_text())
        for note in data["notes"]:
            held_out.update(" ".join(c.lower().split()) for c in clause_segments(note["text"]))
    assert not [c.text for c in bank if " ".join(c.text.lower().split()) in held_out]


@pytest.mark.skipif(not (MODEL_DIR / WEIGHTS_FILE).is_file(), reason="no shipped head")
def test_the_shipped_head_matches_the_bank_and_reads_plain_cases() -> None:
    from guidance_assistant.prepare.clauses import shared_clause_reader

    weights = ClauseWeights.load()
    assert weights.card["clauses"] == len(load_bank())
    reader = shared_clause_reader()
    assert reader is not None
    labels = {
        r.clause: r.label
        for r in reader.read(
            "Obsessed with Formula 1 and builds Lego Technic cars.\nWants to be a paramedic.\n"
            "Mum is a nurse and works nights.\nAttendance 96%."
        )
    }
    assert labels.get("Wants to be a paramedic") == "idea"
    assert "Mum is a nurse and works nights" not in labels
    assert "Attendance 96%" not in labels
