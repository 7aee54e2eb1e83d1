"""A whole first-contact run: every case, and each practice persona, played and measured."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from guidance_assistant.evals.interview.cases import (
    PERSONA_SEEDS,
    PERSONA_TURNS,
    load_interview_cases,
)
from guidance_assistant.evals.interview.measures import measure, measure_persona
from guidance_assistant.evals.interview.played import _bundled_knowledge, play, play_persona
from guidance_assistant.evals.interview.report import (
    InterviewEvalReport,
    PersonaRow,
    Scored,
    per_kind,
    summarise,
)

# ------------------------------------------------------------------------------ a whole run


def _commit() -> str:
    import subprocess

    from guidance_assistant.paths import REPO_ROOT

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()

    try:
        head = git("rev-parse", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    return f"{head} (with uncommitted changes)" if dirty else head


def _machine() -> str:
    import os
    import platform

    return (
        f"{platform.platform()}; {platform.machine()}; {os.cpu_count()} CPUs; "
        f"Python {platform.python_version()}"
    )


def run_interview_eval(
    paths: Sequence[Path] | None = None,
    *,
    personas: bool = True,
    knowledge: Any | None = None,
    progress: bool = True,
    seeds: Sequence[int] = PERSONA_SEEDS,
    persona_turns: int = PERSONA_TURNS,
    skill_of: Callable[[str], Any] | None = None,
) -> InterviewEvalReport:
    """Play every case of the files at ``paths`` (default: the bundled ``evals/interview``)
    and, with ``personas``, every practice persona for each of ``seeds``; measure them all."""
    from datetime import UTC, datetime

    from tqdm import tqdm

    started = time.perf_counter()
    files = load_interview_cases(paths)
    cases = [case for case_file in files for case in case_file.cases]
    knowledge = knowledge if knowledge is not None else _bundled_knowledge()
    scored: list[Scored] = []
    for case in tqdm(cases, desc="conversations", unit="case", disable=not progress):
        record = play(case, knowledge=knowledge)
        scored.append(Scored(case=case, record=record, measures=measure(case, record)))
    rows: list[PersonaRow] = []
    if personas:
        from guidance_assistant.practice import load_personas

        today = files[0].today if files else None
        plays = [(p, seed) for p in load_personas() for seed in seeds]
        for persona, seed in tqdm(plays, desc="personas", unit="play", disable=not progress):
            record = play_persona(
                persona,
                seed,
                knowledge=knowledge,
                today=today,
                max_turns=persona_turns,
                skill_of=skill_of,
            )
            rows.append(
                PersonaRow(
                    persona=persona.id, seed=seed, record=record, measures=measure_persona(record)
                )
            )
    return InterviewEvalReport(
        date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        machine=_machine(),
        commit=_commit(),
        files=[case_file.path or case_file.suite for case_file in files],
        seconds=time.perf_counter() - started,
        summary=summarise(scored),
        per_kind=per_kind(scored),
        conversations=scored,
        personas=rows,
    )
