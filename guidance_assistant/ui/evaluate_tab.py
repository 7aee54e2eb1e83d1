"""The Evaluate tab: an evaluator runs suites, reads the plotted report, compares runs."""

# No ``from __future__ import annotations`` here: Gradio reads the handlers' annotations to
# pass ``gr.Request`` and ``gr.Progress``.

import html
import shutil
from pathlib import Path
from typing import Any

import gradio as gr

from guidance_assistant.evals.commands import cli_compare, cli_report, cli_run
from guidance_assistant.evals.persist import save_run
from guidance_assistant.evals.records import EvalRun
from guidance_assistant.evals.suites import default_suite_paths, default_suites_dir
from guidance_assistant.store import User
from guidance_assistant.ui.common import (
    EVAL_ROLES,
    ListLoader,
    Outputs,
    _downloads_box,
    _guard,
    _quiet,
    _timestamp,
    choices_keeping,
)
from guidance_assistant.ui.context import AppContext, ok
from guidance_assistant.ui.render import (
    escape,
)


def _runs_dir(ctx: AppContext) -> Path:
    folder = ctx.settings.data_dir / "eval-runs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _report_frame(report_html: str) -> str:
    """The report in a sandboxed frame: shown, never allowed to run scripts."""
    return (
        f'<iframe sandbox="" title="Evaluation report" srcdoc="{html.escape(report_html, quote=True)}" '
        'style="width:100%;height:720px;border:1px solid #ddd"></iframe>'
    )


def build_evaluate_tab(ctx: AppContext) -> list[ListLoader]:
    """The Evaluate tab; returns its lists (the stored runs to compare), to load when the page
    loads and the tab opens."""
    suites_root = default_suites_dir()
    suites = [str(p.relative_to(suites_root)) for p in default_suite_paths()]
    configs_dir = suites_root / "configs"
    configs = ["offline (built in)", *sorted(p.name for p in configs_dir.glob("*.yaml"))]
    with gr.Row():
        suite_pick = gr.CheckboxGroup(
            suites, value=suites[:1], label="Suites", elem_id="eval-suites"
        )
        config = gr.Dropdown(
            configs, value=configs[0], label="Configuration", elem_id="eval-config"
        )
    run = gr.Button("Run evaluation", variant="primary", elem_id="eval-run")
    status = gr.Markdown(elem_id="eval-status")
    summary = gr.Code(label="Summary", language=None, elem_id="eval-summary")
    report = gr.HTML(elem_id="eval-report")
    files = _downloads_box("eval-files")
    gr.Markdown("### Compare two runs")
    with gr.Row():
        base = gr.Dropdown(label="Baseline run (A)", choices=[], elem_id="eval-a")
        other = gr.Dropdown(label="New run (B)", choices=[], elem_id="eval-b")
        threshold = gr.Number(label="Regression threshold", value=0.05)
    compare = gr.Button("Compare", elem_id="eval-compare")
    comparison = gr.Code(label="Comparison", language=None, elem_id="eval-comparison")

    def stored_runs(user: User) -> list[tuple[str, str]]:
        """The runs ``user`` may compare (stored, with their results file), as choices."""
        runs = ctx.store.list_eval_runs(user)
        folder = _runs_dir(ctx)
        return [
            (f"{r.id} ({r.created_at:%Y-%m-%d %H:%M})", r.id)
            for r in runs
            if (folder / f"{r.id}.jsonl").is_file()
        ]

    def run_choices(user: User) -> Any:
        return gr.update(choices=stored_runs(user))

    @_quiet(2)
    def reload(current_a: Any, current_b: Any, request: gr.Request) -> Outputs:
        user = ctx.user(request)
        if user.role not in EVAL_ROLES:
            return (gr.skip(), gr.skip())
        choices = stored_runs(user)
        return (choices_keeping(choices, current_a), choices_keeping(choices, current_b))

    @_guard(5)
    def evaluate(
        picked: list[str],
        config_name: str,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008
    ) -> Outputs:
        user = ctx.user(request)
        ctx.store.list_eval_runs(user)  # the store says who may run evaluations
        if not picked:
            return ("Choose at least one suite.", *([gr.skip()] * 5))
        chosen = [suites_root / name for name in picked if name in suites]
        config_path = None if config_name not in configs[1:] else configs_dir / config_name
        progress(0, desc="Running conversations")
        scratch = _runs_dir(ctx) / f"running-{_timestamp()}.jsonl"
        text = cli_run(
            chosen,
            config_path,
            1,
            scratch,
            agreement=True,
            knowledge=ctx.knowledge,
            progress=True,
            settings=ctx.settings,
        )
        run_data = EvalRun.read_jsonl(scratch)
        results = _runs_dir(ctx) / f"{run_data.run_id}.jsonl"
        shutil.move(scratch, results)
        report_path = _runs_dir(ctx) / f"{run_data.run_id}.html"
        cli_report(results, report_path)
        save_run(ctx.store, user, run_data)  # with every result: reportable by its id
        choices = run_choices(user)
        frame = _report_frame(report_path.read_text(encoding="utf-8"))
        return (
            ok(f"Run {escape(run_data.run_id)} finished."),
            text,
            frame,
            ctx.offer_copies(user, [results, report_path]),
            choices,
            choices,
        )

    @_guard(1)
    def compare_them(
        a: str | None, b: str | None, limit: float | None, request: gr.Request
    ) -> Outputs:
        user = ctx.user(request)
        known = {r.id for r in ctx.store.list_eval_runs(user)}
        if not a or not b or a not in known or b not in known:
            return ("Choose two stored runs.", gr.skip())
        folder = _runs_dir(ctx)
        text, code = cli_compare(folder / f"{a}.jsonl", folder / f"{b}.jsonl", float(limit or 0.05))
        verdict = (
            "⚠️ Regression beyond the threshold."
            if code
            else ok("No regression beyond the threshold.")
        )
        return (verdict, text)

    run.click(
        evaluate,
        [suite_pick, config],
        [status, summary, report, files, base, other],
        api_name="run_eval",
    )
    compare.click(
        compare_them, [base, other, threshold], [status, comparison], api_name="compare_runs"
    )
    return [ListLoader(reload, [base, other], [base, other])]


# -- Knowledge ----------------------------------------------------------------------------------
