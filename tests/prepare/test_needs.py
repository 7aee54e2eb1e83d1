"""The learned part of the notes reader's needs: the bank (the session's need vocabulary, never
the labelled notes) and the shipped head."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidance_assistant.interview.model import NEEDS
from guidance_assistant.prepare.clauses import clause_segments
from guidance_assistant.prepare.needs import (
    MODEL_DIR,
    READ_THRESHOLD,
    WEIGHTS_FILE,
    NeedBankError,
    NeedWeights,
    load_bank,
)


def test_a_need_outside_the_shared_vocabulary_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("needs:\n  homesick: [misses home]\n", encoding="utf-8")
    with pytest.raises(NeedBankError, match=r"bad\.yaml"):
        load_bank(tmp_path)


def test_the_bank_covers_every_need_and_never_holds_the_labelled_notes() -> None:
    bank = load_bank()
    assert {label for _, label in bank} == {"none", *NEEDS}
    import yaml

    from guidance_assistant.paths import REPO_ROOT

    held_out = set()
    for split in ("dev", "test"):
        data = yaml.safe_load((REPO_ROOT / "evals" / "brief" / f"notes-{split}.yaml").read_text())
        for note in data["notes"]:
            held_out.update(" ".join(c.lower().split()) for c in clause_segments(note["text"]))
    assert not [t for t, _ in bank if " ".join(t.lower().split()) in held_out]


@pytest.mark.skipif(not (MODEL_DIR / WEIGHTS_FILE).is_file(), reason="no shipped head")
def test_the_shipped_head_matches_the_bank_and_never_reads_anothers_condition() -> None:
    from guidance_assistant.prepare.needs import shared_need_reader
    from guidance_assistant.prepare.notes import _learned_needs

    assert NeedWeights.load().card["clauses"] == len(load_bank())
    reader = shared_need_reader()
    assert reader is not None
    reader.threshold = 0.0
    try:
        top = {
            r.clause: r.need for r in reader.read(["very low self-belief", "wears hearing aids"])
        }
        assert top == {
            "very low self-belief": "confidence",
            "wears hearing aids": "sensory_impairment",
        }
        assert not _learned_needs(["Her brother wears hearing aids"], [])
        assert not _learned_needs(["No hearing problems"], [])
    finally:
        reader.threshold = READ_THRESHOLD
