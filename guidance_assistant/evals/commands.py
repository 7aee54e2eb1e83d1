"""The conversation eval's command-line actions, one function per command (wired in ``cli.py``).

Each returns the text to print (and :func:`cli_compare` the exit code too), so the CLI stays a
thin layer. A run given to ``report`` or ``compare`` is a JSONL file or the id of a run in the
database (see :mod:`guidance_assistant.evals.persist`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guidance_assistant.config import Settings, get_settings
from guidance_assistant.evals.agreement import agreement_report
from guidance_assistant.evals.persist import (
    command_line_evaluator,
    open_run,
    open_store,
    save_run,
)
from guidance_assistant.evals.records import EvalRun
from guidance_assistant.evals.report import compare_runs, write_html_report
from guidance_assistant.evals.runner import run_suites
from guidance_assistant.evals.suites import OFFLINE, load_config

#: Where a run's agreement figures are cached, inside the data folder.
AGREEMENT_CACHE = "eval-cache"


@dataclass(frozen=True)
class SaveToDatabase:
    """Store the run in the project's database as ``username`` (default: the local admin)."""

    username: str | None = None


def cli_run(
    suites: list[Path],
    config: Path | None,
    workers: int,
    out: Path,
    *,
    agreement: bool = True,
    knowledge: Any | None = None,
    progress: bool = True,
    ray_address: str | None = None,
    database: SaveToDatabase | None = None,
    settings: Settings | None = None,
) -> str:
    """``eval run``: run ``suites`` (default: the bundled conversation suites) against the
    configuration at ``config`` (default: offline) and write the results to ``out`` (JSONL)
    and, with ``database``, to the project's database.

    ``agreement`` adds the safeguarding scorer's and the skill classifier's agreement with
    their labelled sets (the classifier's from its cache in the data folder when nothing it
    depends on changed). ``ray_address`` runs the cases on Ray instead of local processes.
    """
    settings = settings if settings is not None else get_settings()
    configs = [load_config(config)] if config is not None else [OFFLINE]
    run = run_suites(
        suites or None,
        configs,
        workers=workers,
        knowledge=knowledge,
        progress=progress,
        ray_address=ray_address,
    )
    if agreement:
        run.header.agreement = agreement_report(cache_dir=settings.data_dir / AGREEMENT_CACHE)
    path = run.write_jsonl(out)
    lines = [run.summary(), f"Results: {path}"]
    if database is not None:
        lines.append(_save(run, database, settings))
    return "\n".join(lines)


def _save(run: EvalRun, database: SaveToDatabase, settings: Settings) -> str:
    with open_store(settings) as store:
        evaluator = command_line_evaluator(store, database.username, make_first_admin=True)
        run_id = save_run(store, evaluator.user, run)
    saved = f"Stored in the database as run {run_id} (by {evaluator.user.username})."
    note = evaluator.first_run_note()
    return f"{note}\n{saved}" if note else saved


def cli_report(
    run: Path | str,
    out: Path,
    *,
    username: str | None = None,
    settings: Settings | None = None,
) -> str:
    """``eval report``: the HTML report of a run (JSONL file or stored run id)."""
    loaded = open_run(run, settings=settings, username=username)
    path = write_html_report(loaded, out)
    return f"{loaded.summary()}\nReport: {path}"


def cli_compare(
    a: Path | str,
    b: Path | str,
    threshold: float,
    *,
    username: str | None = None,
    settings: Settings | None = None,
) -> tuple[str, int]:
    """``eval compare``: run ``b`` against baseline ``a`` (each a JSONL file or stored run id);
    exit code 1 when any scorer's mean dropped by more than ``threshold``, else 0."""
    run_a = open_run(a, settings=settings, username=username)
    run_b = open_run(b, settings=settings, username=username)
    comparison = compare_runs(run_a, run_b, threshold=threshold)
    return comparison.render(), 1 if comparison.regressed else 0


def cli_interview(
    paths: list[Path],
    *,
    personas: bool = True,
    out_json: Path | None = None,
    out_text: Path | None = None,
    knowledge: Any | None = None,
    progress: bool = True,
) -> str:
    """``eval interview``: play the first-contact files at ``paths`` (default: the bundled
    ``evals/interview``) through the interview engine and, with ``personas``, let each practice
    persona talk to it; write every transcript and measure to ``out_json`` and the text report
    to ``out_text`` (when given), and return the text report."""
    from guidance_assistant.evals.interview import run_interview_eval

    report = run_interview_eval(
        paths or None, personas=personas, knowledge=knowledge, progress=progress
    )
    text = report.render()
    lines = [text]
    if out_json is not None:
        out_json.parent.mkdir(parents=True, exist_ok=True)
        out_json.write_text(report.model_dump_json(indent=1), encoding="utf-8")
        lines.append(f"Transcripts and measures: {out_json}")
    if out_text is not None:
        out_text.parent.mkdir(parents=True, exist_ok=True)
        out_text.write_text(text + "\n", encoding="utf-8")
        lines.append(f"Report: {out_text}")
    return "\n".join(lines)


def cli_brief(split: str = "dev", *, folder: Path | None = None, misses: int = 0) -> str:
    """``eval brief``: precision and recall per field of the notes reader on the labelled notes
    of ``evals/brief``; with ``misses``, the first mistakes too."""
    from guidance_assistant.evals.brief import BriefEvalError, run_brief_eval

    if split not in ("dev", "test"):
        raise BriefEvalError(f"unknown split {split!r}: use dev or test")
    return run_brief_eval("dev" if split == "dev" else "test", folder=folder, misses=misses)


def cli_redaction(split: str = "dev", *, folder: Path | None = None, misses: int = 0) -> str:
    """``eval redaction``: precision and recall per kind of personal data, and the share of keep
    words kept, for the store's redactor on the labelled ``split`` (``dev`` or ``test``) of
    ``evals/redaction``; with ``misses``, the first mistakes too."""
    from guidance_assistant.evals.redaction import run_redaction_eval

    return run_redaction_eval(split, folder=folder, misses=misses)


def cli_practice(
    *,
    seeds: list[int],
    engine: bool = True,
    personas: list[str] | None = None,
    out_text: Path | None = None,
    out_json: Path | None = None,
    knowledge: Any | None = None,
    progress: bool = True,
) -> tuple[str, int]:
    """``eval practice``: play every practice persona (or those named) against the scripted
    trainees of good and poor practice in ``evals/practice`` (once per seed) and, with
    ``engine``, against the interview engine; the report (contradictions, repeated lines, the
    opening repeated, non-answers, unearned disclosures, per persona, with examples) and its
    totals, and exit code 1 when a conversation crashed."""
    import json
    import sys

    from guidance_assistant.evals.practice_client import render, run, to_json, totals
    from guidance_assistant.practice.personas import get_persona, load_personas

    cast = [get_persona(p) for p in dict.fromkeys(personas)] if personas else load_personas()
    result = run(
        seeds=seeds,
        engine=engine,
        personas=cast,
        knowledge=knowledge,
        progress=(lambda pid: print(f"played {pid}", file=sys.stderr)) if progress else None,
    )
    text = render(result)
    lines = [text, "## Totals", "", totals(result)]
    if out_text is not None:
        out_text.parent.mkdir(parents=True, exist_ok=True)
        out_text.write_text(text + "\n", encoding="utf-8")
        lines.append(f"Report: {out_text}")
    if out_json is not None:
        out_json.parent.mkdir(parents=True, exist_ok=True)
        out_json.write_text(json.dumps(to_json(result), indent=1, default=str), encoding="utf-8")
        lines.append(f"Conversations and counts: {out_json}")
    return "\n".join(lines), 1 if result.errors else 0


def cli_retrieval_users(knowledge: Any, split: str, *, misses: int = 0) -> str:
    """``eval retrieval --users``: recall@5, MRR@5 and nDCG@10 of BM25 alone, dense alone and
    the hybrid on the users' queries (``dev``, ``test`` or a YAML path), with breakdowns by
    kind of question and by who asked; with ``misses``, the hybrid's first misses."""
    from guidance_assistant.evals.retrieval_users import evaluate_users, load_user_split

    return evaluate_users(knowledge, load_user_split(split)).render(misses=misses)
