"""The conversation eval's command-line actions, one function per command (wired in ``cli.py``).

Each returns the text to print (and :func:`cli_compare` the exit code too), so the CLI stays a
thin layer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from guidance_assistant.evals.agreement import agreement_report, render_agreement
from guidance_assistant.evals.records import EvalRun
from guidance_assistant.evals.report import compare_runs, write_html_report
from guidance_assistant.evals.runner import run_suites
from guidance_assistant.evals.suites import OFFLINE, load_config


def cli_run(
    suites: list[Path],
    config: Path | None,
    workers: int,
    out: Path,
    *,
    agreement: bool = True,
    skills_agreement: bool = False,
    knowledge: Any | None = None,
    progress: bool = True,
) -> str:
    """``evals run``: run ``suites`` (default: the bundled conversation suites) against the
    configuration at ``config`` (default: offline) and write the results to ``out`` (JSONL).

    ``agreement`` adds the safeguarding scorer's agreement with its labelled set to the run;
    ``skills_agreement`` the skill classifier's too (slower: it embeds every utterance).
    """
    configs = [load_config(config)] if config is not None else [OFFLINE]
    run = run_suites(
        suites or None, configs, workers=workers, knowledge=knowledge, progress=progress
    )
    if agreement:
        run.header.agreement = agreement_report(skills=skills_agreement)
    path = run.write_jsonl(out)
    text = run.summary()
    if run.header.agreement:
        text += "\n" + render_agreement(run.header.agreement)
    return f"{text}\nResults: {path}"


def cli_report(run_jsonl: Path, out: Path) -> str:
    """``evals report``: the HTML report of a run's JSONL results."""
    run = EvalRun.read_jsonl(run_jsonl)
    path = write_html_report(run, out)
    return f"{run.summary()}\nReport: {path}"


def cli_compare(a: Path, b: Path, threshold: float) -> tuple[str, int]:
    """``evals compare``: run ``b`` against baseline ``a``; exit code 1 when any scorer's mean
    dropped by more than ``threshold``, else 0."""
    comparison = compare_runs(EvalRun.read_jsonl(a), EvalRun.read_jsonl(b), threshold=threshold)
    return comparison.render(), 1 if comparison.regressed else 0
