"""The span reader of the notes: the bank's markup and validation, candidate phrases, and the
shipped head (trained on knowledge/notes/spans, never on evals/brief)."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidance_assistant.prepare.clauses import clause_segments
from guidance_assistant.prepare.spans import (
    MODEL_DIR,
    WEIGHTS_FILE,
    SpanBankError,
    SpanWeights,
    candidate_label,
    candidates,
    load_span_bank,
    parse_marked,
)


def test_marked_clauses_give_their_text_and_spans() -> None:
    text, spans = parse_marked("likes [i:PE] and [i:fixing bikes] - wants to be a [d:mechanic]")
    assert text == "likes PE and fixing bikes - wants to be a mechanic"
    assert [(s.label, s.text(text)) for s in spans] == [
        ("interest", "PE"),
        ("interest", "fixing bikes"),
        ("idea", "mechanic"),
    ]


def test_a_badly_marked_bank_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(
        'style: bullets\nclauses:\n  - "likes [x:football]"\n  - "[i:the]"\n', encoding="utf-8"
    )
    with pytest.raises(SpanBankError, match=r"bad\.yaml"):
        load_span_bank(tmp_path)


def test_candidates_are_phrases_between_function_and_cue_words() -> None:
    texts = [
        c.text for c in candidates("plays keyboard at church most Sundays, his dad is a vicar")
    ]
    assert "keyboard" in texts and "church" in texts
    assert not any(t.lower() in {"at", "his", "is", "a", "most"} for t in texts)
    joined = [c.text for c in candidates("wants to be a speech and language therapist")]
    assert "speech and language therapist" in joined
    assert [c.text for c in candidates("Interests: football, A levels")] == ["football", "A levels"]
    assert not [c.text for c in candidates("CAREERS GUIDANCE REFERRAL - 11JW")]


def test_a_candidate_is_labelled_by_the_span_that_holds_its_head_word() -> None:
    text, spans = parse_marked("Dance: [i:street dance], 3x a week")
    labels = {c.text: candidate_label(c, spans, text) for c in candidates(text)}
    assert labels["street dance"] == "interest"
    assert labels.get("street") in (None, "none")


def test_the_bank_is_big_enough_and_never_holds_the_labelled_notes() -> None:
    bank = load_span_bank()
    assert len(bank) >= 600
    assert {s.label for c in bank for s in c.spans} == {"interest", "strength", "idea"}
    assert sum(not c.spans for c in bank) >= 150  # clauses with nothing to take
    import yaml

    from guidance_assistant.paths import REPO_ROOT

    held_out = set()
    for split in ("dev", "test"):
        data = yaml.safe_load((REPO_ROOT / "evals" / "brief" / f"notes-{split}.yaml").read_text())
        for note in data["notes"]:
            held_out.update(" ".join(c.lower().split()) for c in clause_segments(note["text"]))
    assert not [c.text for c in bank if " ".join(c.text.lower().split()) in held_out]


@pytest.mark.skipif(not (MODEL_DIR / WEIGHTS_FILE).is_file(), reason="no shipped head")
def test_the_shipped_head_matches_the_bank_and_takes_the_words_not_the_clause() -> None:
    from guidance_assistant.prepare.spans import shared_span_reader

    weights = SpanWeights.load()
    assert weights.card["clauses"] == len(load_span_bank())
    reader = shared_span_reader()
    assert reader is not None
    found = {
        (r.label, r.text)
        for r in reader.read(
            "Very into trains, knows every timetable.\nWants to be a paramedic.\n"
            "Mum is a nurse and works nights.\nAttendance 96%."
        )
    }
    assert ("interest", "trains") in found
    assert ("idea", "paramedic") in found
    assert not {text for _, text in found} & {"nurse", "Mum", "Attendance", "nights"}
