"""What a conversation eval records: transcripts, scores and whole runs (JSONL on disk)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from statistics import fmean
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from guidance_assistant.evals.agreement import render_agreement
from guidance_assistant.evals.suites import ConversationSuiteError, RunConfig

#: Client messages longer than this are stored shortened in the results.
MAX_STORED_CHARS = 4000


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Score(_Model):
    """One scorer's verdict on one case: ``value`` in 0..1 and whether it passed."""

    name: str
    value: float = Field(ge=0.0, le=1.0)
    passed: bool
    details: str = ""


class CitationRecord(_Model):
    source: str
    title: str
    section: str | None = None
    text: str
    rendered: str


class TurnRecord(_Model):
    """One exchange: the client's message and the adviser's reply with its annotations."""

    index: int = Field(description="1-based client turn.")
    client: str
    client_chars: int
    adviser: str
    stage: str
    move: str
    variant: str = ""
    flags: list[str] = Field(default_factory=list)
    citations: list[CitationRecord] = Field(default_factory=list)
    seconds: float = 0.0
    backend: str = Field(default="", description="What wrote the words: 'offline' or a model.")
    fallback: str | None = Field(
        default=None, description="Why the engine's draft was shown instead of the model's words."
    )
    rejected: list[str] = Field(
        default_factory=list, description="Why the engine refused each of the model's replies."
    )


class ActionRecord(_Model):
    what: str
    who: str
    when: date | None = None


class CaseTranscript(_Model):
    """Everything the scorers read about one conversation (pure data, so tests can build one)."""

    case_id: str
    profile: dict[str, Any] = Field(default_factory=dict)
    session_date: date
    turns: list[TurnRecord] = Field(default_factory=list)
    stage_history: list[str] = Field(default_factory=list)
    actions: list[ActionRecord] = Field(default_factory=list)
    next_contact: str | None = None
    safeguarding_flags: list[str] = Field(default_factory=list)
    error: str | None = None


class CaseResult(_Model):
    suite: str
    suite_kind: str
    case_id: str
    config: str
    fairness_group: str | None = None
    variant: str | None = None
    transcript: CaseTranscript
    scores: list[Score] = Field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return all(s.passed for s in self.scores)

    def score(self, name: str) -> Score | None:
        return next((s for s in self.scores if s.name == name), None)


class RunHeader(_Model):
    kind: str = "header"
    run_id: str
    timestamp: datetime
    configs: list[RunConfig]
    seed: int
    workers: int
    executor: str = Field(default="", description="Where the cases ran (see evals.executors).")
    suites: list[str]
    wall_seconds: float = 0.0
    agreement: dict[str, Any] | None = None


class EvalRun(_Model):
    """A whole run: its header (id, time, configurations) and one result per case and config."""

    header: RunHeader
    results: list[CaseResult] = Field(default_factory=list)

    @property
    def run_id(self) -> str:
        return self.header.run_id

    def scorer_names(self) -> list[str]:
        names: dict[str, None] = {}
        for result in self.results:
            for score in result.scores:
                names.setdefault(score.name, None)
        return list(names)

    def scorer_means(self) -> dict[str, float]:
        """Each scorer's mean value over the cases it applied to."""
        values: dict[str, list[float]] = {}
        for result in self.results:
            for score in result.scores:
                values.setdefault(score.name, []).append(score.value)
        return {name: fmean(v) for name, v in values.items()}

    def pass_rates(self) -> dict[str, float]:
        passed: dict[str, list[bool]] = {}
        for result in self.results:
            for score in result.scores:
                passed.setdefault(score.name, []).append(score.passed)
        return {name: sum(p) / len(p) for name, p in passed.items()}

    def result(self, case_id: str, config: str | None = None) -> CaseResult:
        for result in self.results:
            if result.case_id == case_id and (config is None or result.config == config):
                return result
        raise KeyError(case_id)

    def summary(self) -> str:
        means = self.scorer_means()
        rates = self.pass_rates()
        failed = sum(not r.passed for r in self.results)
        lines = [
            f"Run {self.run_id}: {len(self.results)} conversations "
            f"({', '.join(c.name for c in self.header.configs)}), {failed} with a failure, "
            f"{self.header.wall_seconds:.1f} s",
            f"{'scorer':<22}{'mean':>8}{'passed':>9}",
        ]
        for name in self.scorer_names():
            lines.append(f"{name:<22}{means[name]:>8.3f}{rates[name]:>8.0%} ")
        from guidance_assistant.evals.backend_stats import run_backend_stats  # imports this

        lines.append(run_backend_stats(self).render())
        if self.header.agreement:
            lines.append(render_agreement(self.header.agreement))
        return "\n".join(lines)

    # -- JSONL ------------------------------------------------------------------------------

    def write_jsonl(self, path: str | Path) -> Path:
        """One header line (run id, timestamp, configurations), then one line per case result."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8") as out:
            out.write(self.header.model_dump_json() + "\n")
            for result in self.results:
                line = {"kind": "case", "run_id": self.run_id, **result.model_dump(mode="json")}
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
        return target

    @classmethod
    def read_jsonl(cls, path: str | Path) -> EvalRun:
        source = Path(path)
        try:
            lines = [ln for ln in source.read_text(encoding="utf-8").splitlines() if ln.strip()]
        except OSError as error:
            raise ConversationSuiteError(f"Cannot read the run {source}: {error}") from error
        if not lines:
            raise ConversationSuiteError(f"{source} is empty, not an eval run.")
        try:
            header = RunHeader.model_validate_json(lines[0])
            results = []
            for number, line in enumerate(lines[1:], start=2):
                data = json.loads(line)
                if data.pop("kind", None) != "case" or data.pop("run_id", None) != header.run_id:
                    raise ConversationSuiteError(f"{source}:{number}: not a case of this run.")
                results.append(CaseResult.model_validate(data))
        except (ValidationError, json.JSONDecodeError) as error:
            raise ConversationSuiteError(f"{source} is not a valid eval run: {error}") from error
        return cls(header=header, results=results)
