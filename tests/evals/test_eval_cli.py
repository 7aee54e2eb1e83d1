"""``guidance-assistant eval run/report/compare`` as an evaluator uses them: results in JSONL and
the database, reports and comparisons from either.

Fast: the sessions search the in-memory stub instead of the bundled index, and the skill
classifier's cross-validation is stood in for (see ``conftest.py``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from guidance_assistant.cli import app
from guidance_assistant.evals import runner as runner_module
from guidance_assistant.evals.executors import InlineExecutor
from guidance_assistant.evals.persist import command_line_evaluator, open_store, save_run
from guidance_assistant.evals.records import EvalRun
from guidance_assistant.paths import REPO_ROOT
from tests.interview.helpers import StubKnowledge

SCOPE = str(REPO_ROOT / "evals" / "scope")
cli = CliRunner()


@pytest.fixture(autouse=True)
def stub_knowledge(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    monkeypatch.setattr(runner_module, "_bundled_knowledge", StubKnowledge)


def _run(tmp_path: Path, name: str, *options: str) -> tuple[str, EvalRun]:
    out = tmp_path / f"{name}.jsonl"
    result = cli.invoke(app, ["eval", "run", SCOPE, "--out", str(out), *options])
    assert result.exit_code == 0, result.output
    return result.output, EvalRun.read_jsonl(out)


def test_a_run_goes_to_jsonl_and_the_database_with_the_agreement_figures(
    tmp_path: Path, skill_measurements: list[int]
) -> None:
    output, run = _run(tmp_path, "a")
    assert f"Stored in the database as run {run.run_id} (by admin)" in output
    assert re.search(r"created the local admin account 'admin' with the password \S+", output)
    assert "skill_classifier: utterances 7, accuracy 0.625, macro_f1 0.438" in output
    assert run.header.agreement is not None
    assert run.header.agreement["skill_classifier"]["recall_summary"] == 0.5
    assert run.header.agreement["safeguarding"]["messages"] >= 100
    with open_store() as store:
        admin = command_line_evaluator(store, None).user
        stored = store.list_eval_runs(admin)
    assert [(r.id, r.results) for r in stored] == [(run.run_id, len(run.results))]
    second, _ = _run(tmp_path, "b")
    assert "created the local admin" not in second
    assert skill_measurements == [1]  # the second run read it from the cache


def test_report_and_compare_take_stored_run_ids(tmp_path: Path, skill_measurements: Any) -> None:
    _, a = _run(tmp_path, "a")
    _, b = _run(tmp_path, "b")
    report = tmp_path / "a.html"
    shown = cli.invoke(app, ["eval", "report", a.run_id, "--out", str(report)])
    assert shown.exit_code == 0, shown.output
    html = report.read_text(encoding="utf-8")
    assert f"Conversation eval run {a.run_id}" in html and "macro_f1: 0.438" in html
    same = cli.invoke(app, ["eval", "compare", a.run_id, b.run_id])
    assert same.exit_code == 0, same.output
    assert "no regression" in same.output
    worse = _worsened(b)
    with open_store() as store:
        save_run(store, command_line_evaluator(store, None).user, worse)
    regressed = cli.invoke(app, ["eval", "compare", a.run_id, worse.run_id])
    assert regressed.exit_code == 1 and "REGRESS" in regressed.output
    mixed = cli.invoke(app, ["eval", "compare", str(tmp_path / "a.jsonl"), worse.run_id])
    assert mixed.exit_code == 1


def _worsened(run: EvalRun) -> EvalRun:
    worse = run.model_copy(deep=True)
    worse.header.run_id = "worse-" + run.run_id
    for result in worse.results:
        result.scores = [
            s.model_copy(update={"value": 0.0, "passed": False})
            if s.name == "scope_redirect"
            else s
            for s in result.scores
        ]
    return worse


def test_no_db_keeps_the_run_out_of_the_database(tmp_path: Path, skill_measurements: Any) -> None:
    output, run = _run(tmp_path, "a", "--no-db")
    assert "Stored in the database" not in output
    missing = cli.invoke(app, ["eval", "report", run.run_id, "--out", str(tmp_path / "r.html")])
    assert missing.exit_code == 1 and "Traceback" not in missing.output


def test_a_named_user_who_may_not_evaluate_is_a_plain_error(
    tmp_path: Path, skill_measurements: Any
) -> None:
    added = cli.invoke(
        app, ["users", "add", "adam", "--role", "adviser", "--password", "a-long-password-1"]
    )
    assert added.exit_code == 0, added.output
    out = tmp_path / "a.jsonl"
    refused = cli.invoke(app, ["eval", "run", SCOPE, "--out", str(out), "--user", "adam"])
    assert refused.exit_code == 1
    assert "Only evaluators or admins" in refused.output and "Traceback" not in refused.output
    assert out.is_file()  # the results are kept in the file all the same


def test_the_ray_address_comes_from_the_option_or_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, skill_measurements: Any
) -> None:
    asked: list[str | None] = []

    def executor(workers: int, ray_address: str | None = None) -> InlineExecutor:
        asked.append(ray_address)
        return InlineExecutor()

    monkeypatch.setattr(runner_module, "make_executor", executor)
    _run(tmp_path, "a", "--no-db", "--ray", "ray://head:10001")
    monkeypatch.setenv("GA_EVAL_RAY_ADDRESS", "auto")
    _run(tmp_path, "b", "--no-db")
    monkeypatch.delenv("GA_EVAL_RAY_ADDRESS")
    _run(tmp_path, "c", "--no-db")
    assert asked == ["ray://head:10001", "auto", None]


def test_the_jsonl_header_says_where_the_cases_ran(tmp_path: Path, skill_measurements: Any) -> None:
    _, run = _run(tmp_path, "a", "--no-db", "--workers", "2")
    header = json.loads((tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert header["executor"] == run.header.executor
    assert run.header.executor.startswith("2 local processes")
