"""Reports on eval runs: one self-contained HTML file, and the comparison of two runs.

:func:`write_html_report` writes the plots (matplotlib, embedded as base64 PNG: mean score per
scorer, a case × scorer heat-map, the skill mix of the adviser's moves, the latency
distribution), the agreement of the human-judgement scorers with their labelled sets when the
run carries it, and every transcript with its failures marked. All conversation text is
HTML-escaped. :func:`compare_runs` sets two runs side by side per case and scorer.
"""

from __future__ import annotations

import base64
import io
from collections import Counter
from html import escape
from pathlib import Path
from typing import Any, Literal

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from pydantic import BaseModel, ConfigDict

from guidance_assistant.evals.backend_stats import BackendStats, run_backend_stats
from guidance_assistant.evals.records import CaseResult, EvalRun

Verdict = Literal["better", "worse", "same", "new", "gone"]


# ------------------------------------------------------------------------------- plots


def _png(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _plot_scorers(run: EvalRun) -> str:
    means = run.scorer_means()
    rates = run.pass_rates()
    names = list(means)
    figure, axis = plt.subplots(figsize=(8, 0.35 * len(names) + 1.2))
    positions = range(len(names))
    axis.barh(list(positions), [means[n] for n in names], color="#4c72b0", label="mean value")
    axis.scatter([rates[n] for n in names], list(positions), color="#dd8452", zorder=3,
                 label="share passed")  # fmt: skip
    axis.set_yticks(list(positions), names)
    axis.set_xlim(0, 1.05)
    axis.invert_yaxis()
    axis.set_title("Scores per scorer")
    axis.legend(loc="lower right", fontsize=8)
    return _png(figure)


def _plot_heatmap(run: EvalRun) -> str:
    names = run.scorer_names()
    rows = [f"{r.case_id} [{r.config}]" for r in run.results]
    grid = [
        [float("nan") if (s := r.score(n)) is None else s.value for n in names] for r in run.results
    ]
    figure, axis = plt.subplots(figsize=(0.6 * len(names) + 3, 0.22 * len(rows) + 1.5))
    image = axis.imshow(grid, aspect="auto", cmap="RdYlGn", vmin=0, vmax=1)
    axis.set_xticks(range(len(names)), names, rotation=60, ha="right", fontsize=7)
    axis.set_yticks(range(len(rows)), rows, fontsize=6)
    axis.set_title("Per case (blank: scorer does not apply)")
    figure.colorbar(image, ax=axis, fraction=0.03)
    return _png(figure)


def _plot_moves(run: EvalRun) -> str:
    counts: Counter[str] = Counter(
        t.move for r in run.results for t in r.transcript.turns if t.move
    )
    moves = [m for m, _ in counts.most_common()]
    figure, axis = plt.subplots(figsize=(8, 3.2))
    axis.bar(moves, [counts[m] for m in moves], color="#55a868")
    axis.set_title("Skill mix: the adviser's moves over all conversations")
    axis.tick_params(axis="x", rotation=45, labelsize=8)
    return _png(figure)


def _plot_latency(run: EvalRun) -> str:
    seconds = [t.seconds * 1000 for r in run.results for t in r.transcript.turns]
    figure, axis = plt.subplots(figsize=(8, 3))
    axis.hist(seconds or [0.0], bins=40, color="#8172b3")
    axis.set_xlabel("milliseconds per turn")
    axis.set_ylabel("turns")
    axis.set_title("Latency distribution")
    return _png(figure)


# ------------------------------------------------------------------------------- HTML

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:70em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .6em}
.fail{color:#b00020;font-weight:bold}.pass{color:#1b7f3a}
.turn{margin:.4em 0;padding:.4em .6em;border-left:4px solid #ddd;white-space:pre-wrap}
.client{background:#f3f6fb}.adviser{background:#f6f6f0}
details{margin:.6em 0}summary{cursor:pointer}.meta{color:#666;font-size:.85em}
"""


def _score_rows(result: CaseResult) -> str:
    rows = []
    for score in result.scores:
        mark = "pass" if score.passed else "fail"
        rows.append(
            f"<tr><td>{escape(score.name)}</td><td>{score.value:.2f}</td>"
            f'<td class="{mark}">{mark.upper()}</td><td>{escape(score.details)}</td></tr>'
        )
    return (
        "<table><tr><th>scorer</th><th>value</th><th></th><th>details</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _transcript(result: CaseResult) -> str:
    parts = []
    if result.transcript.error:
        parts.append(f'<p class="fail">Engine error: {escape(result.transcript.error)}</p>')
    for turn in result.transcript.turns:
        parts.append(
            f'<div class="turn client"><b>Client {turn.index}:</b> {escape(turn.client)}</div>'
        )
        sources = ", ".join(dict.fromkeys(c.source for c in turn.citations))
        meta = f"{turn.stage} · {turn.move}" + (f" · {turn.variant}" if turn.variant else "")
        meta += f" · {turn.seconds * 1000:.0f} ms"
        if turn.flags:
            meta += " · flags: " + ", ".join(turn.flags)
        if sources:
            meta += " · sources: " + sources
        parts.append(
            f'<div class="turn adviser"><b>Adviser:</b> {escape(turn.adviser)}'
            f'<div class="meta">{escape(meta)}</div></div>'
        )
    return "".join(parts)


def _agreement(agreement: dict[str, Any] | None) -> str:
    if not agreement:
        return (
            "<p>Not computed for this run (run with agreement on to include the safeguarding "
            "and skill scorers' agreement with their labelled sets).</p>"
        )
    rows = []
    for name, values in agreement.items():
        if not isinstance(values, dict):
            continue
        cells = ", ".join(
            f"{escape(str(k))}: {v:.3f}"
            if isinstance(v, float)
            else f"{escape(str(k))}: {escape(str(v))}"
            for k, v in values.items()
        )
        rows.append(f"<tr><td>{escape(name)}</td><td>{cells}</td></tr>")
    return (
        "<table><tr><th>scorer</th><th>agreement with labels</th></tr>"
        + "".join(rows)
        + ("</table>")
    )


def render_html(run: EvalRun) -> str:
    """The whole report as one HTML string (see the module docstring)."""
    header = run.header
    failed = [r for r in run.results if not r.passed]
    plots = [
        ("Scores per scorer", _plot_scorers(run)),
        ("Per-case heat-map", _plot_heatmap(run)),
        ("Skill mix", _plot_moves(run)),
        ("Latency", _plot_latency(run)),
    ]
    summary = "".join(
        f"<tr><td>{escape(name)}</td><td>{value:.3f}</td><td>{run.pass_rates()[name]:.0%}</td></tr>"
        for name, value in run.scorer_means().items()
    )
    cases = []
    for result in run.results:
        status = "pass" if result.passed else "fail"
        failures = ", ".join(s.name for s in result.scores if not s.passed)
        title = f"{result.case_id} [{result.config}] — {result.suite}: " + (
            "all passed" if result.passed else f"FAILED {failures}"
        )
        cases.append(
            f'<details{" open" if not result.passed else ""}><summary class="{status}">'
            f"{escape(title)}</summary>{_score_rows(result)}{_transcript(result)}</details>"
        )
    configs = ", ".join(f"{c.name} ({c.backend})" for c in header.configs)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Eval run {escape(header.run_id)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>Conversation eval run {escape(header.run_id)}</h1>"
        f"<p>{escape(header.timestamp.isoformat())} · configurations: {escape(configs)} · "
        f"seed {header.seed} · {escape(header.executor or f'{header.workers} worker(s)')} · "
        f"{len(run.results)} conversations, "
        f"{len(failed)} with a failure · {header.wall_seconds:.1f} s</p>"
        "<h2>Summary</h2><table><tr><th>scorer</th><th>mean</th><th>passed</th></tr>"
        f"{summary}</table>"
        + "".join(
            f"<h2>{escape(title)}</h2><img alt='{escape(title)}' src='{data}'>"
            for title, data in plots
        )
        + "<h2>Agreement of scorers with labelled sets</h2>"
        + _agreement(header.agreement)
        + "<h2>Conversations</h2>"
        + "".join(cases)
        + "</body></html>"
    )


def write_html_report(run: EvalRun, path: str | Path) -> Path:
    """Write :func:`render_html` to ``path`` (folders made as needed)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_html(run), encoding="utf-8")
    return target


# --------------------------------------------------------------------------- comparison


class CaseDelta(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    case_id: str
    config: str
    scorer: str
    before: float | None
    after: float | None
    verdict: Verdict


class ScorerDelta(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    scorer: str
    before: float | None
    after: float | None
    change: float
    regressed: bool


class Comparison(BaseModel):
    """Run B against run A: per case and scorer (better/worse/same) and per scorer mean."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    run_a: str
    run_b: str
    threshold: float
    cases: list[CaseDelta]
    scorers: list[ScorerDelta]
    turns_a: BackendStats | None = None
    turns_b: BackendStats | None = None

    @property
    def regressed(self) -> bool:
        """True when any scorer's mean dropped by more than the threshold."""
        return any(s.regressed for s in self.scorers)

    def render(self) -> str:
        lines = [
            f"Comparing run {self.run_b} against {self.run_a} (regression: a mean drop of more "
            f"than {self.threshold:.2f})",
            f"{'scorer':<22}{'A':>8}{'B':>8}{'change':>9}",
        ]
        for s in self.scorers:
            a = f"{s.before:.3f}" if s.before is not None else "-"
            b = f"{s.after:.3f}" if s.after is not None else "-"
            flag = "  REGRESSED" if s.regressed else ""
            lines.append(f"{s.scorer:<22}{a:>8}{b:>8}{s.change:>+9.3f}{flag}")
        counts = Counter(c.verdict for c in self.cases)
        lines.append(
            "per case and scorer: "
            + ", ".join(f"{counts[v]} {v}" for v in ("better", "worse", "same", "new", "gone"))
        )
        for c in self.cases:
            if c.verdict in ("worse", "gone"):
                lines.append(
                    f"  worse: {c.case_id} [{c.config}] {c.scorer}: "
                    f"{c.before if c.before is None else round(c.before, 3)} → "
                    f"{c.after if c.after is None else round(c.after, 3)}"
                )
        for label, stats in (("A", self.turns_a), ("B", self.turns_b)):
            if stats is not None:
                lines.append(f"turns of {label}: " + stats.render().replace("\n", "\n  "))
        lines.append("REGRESSION" if self.regressed else "no regression")
        return "\n".join(lines)


def compare_runs(run_a: EvalRun, run_b: EvalRun, threshold: float = 0.05) -> Comparison:
    """Compare ``run_b`` (new) with ``run_a`` (baseline), matching cases by id and config (by
    id alone when each run has one configuration and they differ, e.g. offline and a model).

    A case's scorer is better/worse when its value moved by more than 1e-9; a scorer has
    regressed when its mean over the cases both runs share dropped by more than ``threshold``.
    """
    configs_a = {r.config for r in run_a.results}
    configs_b = {r.config for r in run_b.results}
    label: dict[str, str] = {}
    if len(configs_a) == 1 and len(configs_b) == 1 and configs_a != configs_b:
        # One configuration against another (offline against a model): match cases by id.
        (one,), (other,) = configs_a, configs_b
        label = {one: f"{one} → {other}", other: f"{one} → {other}"}
    a_values = {
        (r.case_id, label.get(r.config, r.config), s.name): s.value
        for r in run_a.results
        for s in r.scores
    }
    b_values = {
        (r.case_id, label.get(r.config, r.config), s.name): s.value
        for r in run_b.results
        for s in r.scores
    }
    cases: list[CaseDelta] = []
    for key in sorted(set(a_values) | set(b_values)):
        before, after = a_values.get(key), b_values.get(key)
        verdict: Verdict
        if before is None:
            verdict = "new"
        elif after is None:
            verdict = "gone"
        elif after > before + 1e-9:
            verdict = "better"
        elif after < before - 1e-9:
            verdict = "worse"
        else:
            verdict = "same"
        cases.append(
            CaseDelta(
                case_id=key[0], config=key[1], scorer=key[2], before=before, after=after,
                verdict=verdict,
            )
        )  # fmt: skip
    scorers: list[ScorerDelta] = []
    names = dict.fromkeys([*run_a.scorer_names(), *run_b.scorer_names()])
    for name in names:
        shared = [k for k in a_values if k[2] == name and k in b_values]
        before_mean = sum(a_values[k] for k in shared) / len(shared) if shared else None
        after_mean = sum(b_values[k] for k in shared) / len(shared) if shared else None
        change = (after_mean or 0.0) - (before_mean or 0.0)
        scorers.append(
            ScorerDelta(
                scorer=name,
                before=before_mean,
                after=after_mean,
                change=change,
                regressed=change < -threshold,
            )
        )
    return Comparison(
        run_a=run_a.run_id,
        run_b=run_b.run_id,
        threshold=threshold,
        cases=cases,
        scorers=scorers,
        turns_a=run_backend_stats(run_a),
        turns_b=run_backend_stats(run_b),
    )
