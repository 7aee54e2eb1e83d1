"""The command line, as an adviser uses it: plain messages, never tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from guidance_assistant.cli import app

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GA_EXTRA_SOURCES", "[]")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "local-lmi.md").write_text(
        "# Local labour market\n## Growing sectors\nThe port is hiring engineering apprentices "
        "every September.\n",
        encoding="utf-8",
    )
    (docs / "empty.txt").write_text("")
    return docs


def test_index_then_search_prints_cited_passages(env: Path) -> None:
    result = runner.invoke(app, ["index", str(env)])
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output
    assert "Skipped" in result.output and "empty.txt" in result.output
    result = runner.invoke(app, ["search", "engineering apprentices at the port", "-k", "1"])
    assert result.exit_code == 0, result.output
    assert "Local labour market — Growing sectors" in result.output
    assert "[local-lmi.md]" in result.output


def test_search_without_an_index_explains_how_to_build_one(env: Path) -> None:
    result = runner.invoke(app, ["search", "anything"])
    assert result.exit_code == 1
    assert "No knowledge index" in result.output and "guidance-assistant index" in result.output
    assert "Traceback" not in result.output


def test_empty_question_is_a_plain_error(env: Path) -> None:
    runner.invoke(app, ["index", str(env)])
    result = runner.invoke(app, ["search", "   "])
    assert result.exit_code == 1
    assert "The question is empty" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_index_of_nothing_usable_is_a_plain_error(env: Path) -> None:
    result = runner.invoke(app, ["index", str(env / "empty.txt")])
    assert result.exit_code == 1
    assert "Nothing to index" in result.output


def test_help_is_fast_and_lists_commands() -> None:
    import subprocess
    import sys
    import time

    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "guidance_assistant.cli", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert time.perf_counter() - started < 5
    for command in ("index", "search", "serve", "eval", "lmi"):
        assert command in out.stdout


def test_practice_runs_in_the_terminal_and_ends_with_the_feedback_report(
    tmp_path: Path,
) -> None:
    report = tmp_path / "feedback.md"
    trainee = "What would you like to get out of today?\nTell me about school.\n\n"
    result = runner.invoke(
        app, ["practice", "--persona", "year11-undecided", "--report", str(report)], input=trainee
    )
    assert result.exit_code == 0, result.output
    assert "Maisie:" in result.output
    assert "[open_question]" in result.output
    assert "# Practice session with Maisie" in result.output
    assert report.read_text(encoding="utf-8").startswith("# Practice session with Maisie")


def test_practice_with_an_unknown_persona_is_a_plain_error() -> None:
    result = runner.invoke(app, ["practice", "--persona", "nobody"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output


@pytest.mark.slow  # the whole check over every bank, round, suite and persona: minutes
@pytest.mark.usefixtures("safeguarding_eval_read")  # the bank's vectors, shared with test_bank
def test_safeguarding_eval_prints_the_detector_beside_its_baseline() -> None:
    result = runner.invoke(app, ["eval", "safeguarding"])
    assert result.exit_code == 0, result.output
    assert "recall" in result.output.lower() and "baseline" in result.output.lower()
    from guidance_assistant.safeguarding.external import default_esconv_path

    expected = "External check: " if default_esconv_path() else "External check skipped"
    assert expected in result.output


def test_users_add_creates_an_account_that_can_log_in(env: Path) -> None:
    from guidance_assistant.config import get_settings
    from guidance_assistant.store.commands import authenticate

    result = runner.invoke(
        app, ["users", "add", "msmith", "--role", "adviser", "--password", "a-long-password-1"]
    )
    assert result.exit_code == 0, result.output
    assert "Created adviser account 'msmith'" in result.output
    user = authenticate("msmith", "a-long-password-1", settings=get_settings())
    assert user.role == "adviser"
    again = runner.invoke(
        app, ["users", "add", "msmith", "--role", "adviser", "--password", "a-long-password-1"]
    )
    assert again.exit_code == 1 and "Traceback" not in again.output
