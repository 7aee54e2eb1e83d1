"""The redaction eval: its counting rules on hand-made cases, and the command on the dev split."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from guidance_assistant.cli import app
from guidance_assistant.evals.redaction import (
    KINDS,
    RedactionSet,
    RedactionSetError,
    Stretch,
    evaluate_redactor,
    load_redaction_set,
    redacted_stretches,
    text_redactor_spans,
)

CASES = RedactionSet.model_validate(
    {
        "version": 1,
        "cases": [
            {
                "id": "t-1",
                "register": "transcript",
                "text": "Mrs Okafor rang 07700 900 111, I am Muslim",
                "known_names": [],
                "spans": [
                    {"text": "Okafor", "kind": "PERSON"},
                    {"text": "07700 900 111", "kind": "UK_PHONE"},
                ],
                "keep": ["Muslim"],
            },
            {
                "id": "t-2",
                "register": "transcript",
                "text": "Nothing to hide here",
                "known_names": [],
                "spans": [],
            },
        ],
    }
)


def _finder(*found: tuple[str, str, int]) -> object:
    """A redactor that redacts the given (case text part, kind, occurrence) stretches."""

    def find(text: str, names: Sequence[str]) -> list[Stretch]:
        out = []
        for part, kind, _ in found:
            at = text.find(part)
            if at >= 0:
                out.append(Stretch(at, at + len(part), frozenset({kind})))
        return out

    return find


def test_counting_rules() -> None:
    # "Mrs Okafor" covers the name with spill; the phone is half redacted; "Muslim" is hurt
    finder = _finder(("Mrs Okafor", "PERSON", 1), ("07700", "UK_PHONE", 1), ("Muslim", "PERSON", 1))
    report = evaluate_redactor(finder, CASES, "dev")  # type: ignore[arg-type]
    assert report.by_kind["PERSON"].recall == 1.0
    assert report.by_kind["UK_PHONE"].recall == 0.0
    assert report.by_kind["PERSON"].predicted == 2 and report.by_kind["PERSON"].correct == 1
    assert report.keep_kept == 0 and report.keep_words == 1
    assert report.spill_chars == len("Mrs") + len("Muslim")
    assert (report.clean_unchanged, report.clean_cases) == (1, 1)
    assert report.overall.recall == 0.5


def test_kind_strict_recall_needs_the_right_kind() -> None:
    report = evaluate_redactor(_finder(("Okafor", "EMAIL", 1)), CASES, "dev")  # type: ignore[arg-type]
    assert report.by_kind["PERSON"].recall == 1.0
    assert report.by_kind["PERSON"].recall_strict == 0.0


def test_text_only_redactors_are_aligned() -> None:
    said = "Parent email: haddock.family@example.net."
    out = "Parent email: [email]."
    [stretch] = redacted_stretches(said, out)  # one stretch, covering the whole address
    assert said[stretch.begin : stretch.end].rstrip(".") == "haddock.family@example.net"
    assert stretch.kinds == {"EMAIL"}
    finder = text_redactor_spans(lambda text, names: text.replace("Okafor", "[name]"))
    report = evaluate_redactor(finder, CASES, "dev")
    assert report.by_kind["PERSON"].found == 1 and report.by_kind["PERSON"].correct == 1


def test_a_bad_split_or_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RedactionSetError, match="Unknown split"):
        load_redaction_set("train")
    (tmp_path / "dev.yaml").write_text("version: 1\ncases: [{id: x}]\n", "utf-8")
    with pytest.raises(RedactionSetError, match="not valid"):
        load_redaction_set("dev", tmp_path)


def test_eval_command_prints_the_table_for_the_dev_split() -> None:
    result = CliRunner().invoke(app, ["eval", "redaction", "--split", "dev"])
    assert result.exit_code == 0, result.output
    assert "split dev: 250 cases" in result.output
    assert "removes all of its characters" in result.output
    for kind in KINDS:
        row = re.search(rf"^{kind}\s+(\d+)\s+([\d.]+)", result.output, flags=re.MULTILINE)
        assert row is not None, kind
        assert int(row.group(1)) > 0 and 0.0 <= float(row.group(2)) <= 1.0
    assert re.search(r"keep words kept: \d+/317", result.output)


def test_eval_command_refuses_an_unknown_split() -> None:
    result = CliRunner().invoke(app, ["eval", "redaction", "--split", "train"])
    assert result.exit_code == 1
    assert "Unknown split" in result.output
