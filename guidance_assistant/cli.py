"""The ``guidance-assistant`` command: a thin shell over the library."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from guidance_assistant.config import get_settings
from guidance_assistant.errors import GuidanceAssistantError

app = typer.Typer(
    help="Careers guidance assistant: cited labour market information and guidance tools.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(help="Run evaluations.", no_args_is_help=True)
lmi_app = typer.Typer(help="Look up occupation records (pay, hours, routes).", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
users_app = typer.Typer(help="Manage the app's accounts.", no_args_is_help=True)
app.add_typer(lmi_app, name="lmi")
app.add_typer(users_app, name="users")

F = TypeVar("F", bound=Callable[..., Any])


def friendly_errors(func: F) -> F:
    """Show our errors as one plain message and exit 1, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except GuidanceAssistantError as error:
            typer.secho(f"Error: {error}", fg=typer.colors.RED, err=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


IndexDirOption = Annotated[
    Path | None, typer.Option("--index-dir", help="Index folder (default: GA_INDEX_DIR).")
]


@app.command()
@friendly_errors
def index(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders (.md, .txt, .pdf, .html) to add to the index."),
    ] = None,
    index_dir: IndexDirOption = None,
    rebuild: Annotated[bool, typer.Option(help="Discard the index and build it anew.")] = False,
) -> None:
    """Build the bundled knowledge index, or add your own documents to it."""
    from guidance_assistant.retrieval import KnowledgeBase

    settings = get_settings()
    if paths:
        kb = KnowledgeBase.from_paths(paths, index_dir, settings=settings, rebuild=rebuild)
    else:
        kb = KnowledgeBase.bundled(settings=settings, index_dir=index_dir, rebuild=rebuild)
    for problem in kb.load_problems:
        typer.secho(f"Skipped {problem}", fg=typer.colors.YELLOW, err=True)
    assert kb.last_update is not None
    typer.echo(f"Index {kb.index_dir}: {kb.last_update.summary()}")


@app.command()
@friendly_errors
def search(
    question: Annotated[str, typer.Argument(help="What you want to find.")],
    k: Annotated[int | None, typer.Option("-k", help="How many passages.")] = None,
    doc_type: Annotated[
        list[str] | None, typer.Option("--type", help="framework, lmi or user (repeatable).")
    ] = None,
    source: Annotated[list[str] | None, typer.Option(help="Only this source file.")] = None,
    index_dir: IndexDirOption = None,
) -> None:
    """Print the passages that answer QUESTION, each with its source."""
    from guidance_assistant.retrieval import KnowledgeBase

    kb = KnowledgeBase.load(index_dir, settings=get_settings())
    filters: dict[str, list[str]] = {}
    if doc_type:
        filters["doc_type"] = doc_type
    if source:
        filters["source"] = source
    passages = kb.search(question, k=k, filters=filters or None)
    if not passages:
        typer.echo("No passages found.")
    for rank, passage in enumerate(passages, start=1):
        typer.secho(f"[{rank}] {passage.citation.render()}", bold=True)
        typer.echo(f"    {passage.text}\n")


@app.command()
@friendly_errors
def serve(
    host: Annotated[str | None, typer.Option(help="Interface (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 7860).")] = None,
) -> None:
    """Build the bundled index if needed and start the app."""
    from guidance_assistant.ui import launch

    overrides: dict[str, Any] = {}
    if host:
        overrides["host"] = host
    if port:
        overrides["port"] = port
    launch(get_settings(**overrides))


@eval_app.command("retrieval")
@friendly_errors
def eval_retrieval(
    suites: Annotated[
        Path | None, typer.Option(help="Folder of retrieval suites (default: evals/retrieval).")
    ] = None,
    index_dir: IndexDirOption = None,
    users: Annotated[
        str | None,
        typer.Option(
            help="The users' queries instead: dev, test (evals/retrieval/users) or a YAML path."
        ),
    ] = None,
    misses: Annotated[
        int, typer.Option(help="With --users, also list this many of the hybrid's misses.")
    ] = 0,
) -> None:
    """Recall@1, recall@5 and MRR for BM25, dense and hybrid search, in one run; with --users,
    recall@5, MRR@5 and nDCG@10 on the users' queries, with date, commit and machine."""
    from guidance_assistant.evals.commands import cli_retrieval_users
    from guidance_assistant.evals.retrieval import evaluate_retrieval, load_retrieval_suites
    from guidance_assistant.retrieval import KnowledgeBase

    kb = KnowledgeBase.bundled(settings=get_settings(), index_dir=index_dir)
    if users is not None:
        typer.echo(cli_retrieval_users(kb, users, misses=misses))
        return
    report = evaluate_retrieval(kb, load_retrieval_suites(suites))
    typer.echo(report.render())


EvalUserOption = Annotated[
    str | None,
    typer.Option(
        "--user",
        help="Evaluator or admin account to store and read runs as (default: GA_EVAL_USER, "
        "else the local admin).",
    ),
]
RunArgument = Annotated[str, typer.Argument(help="A run's JSONL file, or a stored run's id.")]


@eval_app.command("run")
@friendly_errors
def eval_run(
    suites: Annotated[list[Path], typer.Argument(help="Suite files or folders under evals/.")],
    config: Annotated[
        Path | None, typer.Option(help="Run configuration YAML (default: offline).")
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes (CPUs of a local Ray instance).")
    ] = 1,
    out: Annotated[Path, typer.Option(help="Where to write the results (JSONL).")] = Path(
        "eval-run.jsonl"
    ),
    ray: Annotated[
        str | None,
        typer.Option(
            "--ray",
            help="Run the cases on Ray: 'local', 'auto', 'HOST:PORT' or 'ray://HOST:10001' "
            "(default: GA_EVAL_RAY_ADDRESS; unset runs local processes).",
        ),
    ] = None,
    database: Annotated[
        bool, typer.Option("--db/--no-db", help="Also store the run in the database.")
    ] = True,
    user: EvalUserOption = None,
) -> None:
    """Run test conversations against a configuration; scores per case and scorer, and the
    scorers' agreement with their labelled sets."""
    from guidance_assistant.evals.commands import SaveToDatabase, cli_run

    settings = get_settings()
    text = cli_run(
        suites,
        config,
        workers,
        out,
        ray_address=ray or settings.eval_ray_address,
        database=SaveToDatabase(user or settings.eval_user) if database else None,
        settings=settings,
    )
    typer.echo(text)


@eval_app.command("report")
@friendly_errors
def eval_report(
    run: RunArgument,
    out: Annotated[Path, typer.Option(help="The HTML report to write.")] = Path("eval-report.html"),
    user: EvalUserOption = None,
) -> None:
    """Write an HTML report with plots and every transcript, failures marked."""
    from guidance_assistant.evals.commands import cli_report

    settings = get_settings()
    typer.echo(cli_report(run, out, username=user or settings.eval_user, settings=settings))


@eval_app.command("compare")
@friendly_errors
def eval_compare(
    run_a: Annotated[str, typer.Argument(help="The earlier run (JSONL file or stored run id).")],
    run_b: Annotated[str, typer.Argument(help="The later run (JSONL file or stored run id).")],
    threshold: Annotated[
        float, typer.Option(help="A drop in a scorer's mean larger than this is a regression.")
    ] = 0.05,
    user: EvalUserOption = None,
) -> None:
    """What got better or worse, case by case; exits 1 on a regression (a CI gate)."""
    from guidance_assistant.evals.commands import cli_compare

    settings = get_settings()
    text, code = cli_compare(
        run_a, run_b, threshold, username=user or settings.eval_user, settings=settings
    )
    typer.echo(text)
    raise typer.Exit(code)


@eval_app.command("interview")
@friendly_errors
def eval_interview(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="First-contact files, or folders of first-contact-*.yaml "
            "(default: evals/interview)."
        ),
    ] = None,
    personas: Annotated[
        bool,
        typer.Option(
            "--personas/--no-personas",
            help="Also let each practice persona's simulated client talk to the engine.",
        ),
    ] = True,
    out_json: Annotated[
        Path, typer.Option("--out-json", help="Every transcript and measure (JSON).")
    ] = Path("interview-eval.json"),
    out_text: Annotated[
        Path | None, typer.Option("--out-text", help="Also write the text report here.")
    ] = None,
) -> None:
    """Play scripted first-contact clients through the interview engine and measure whole
    conversations: planning by turn 15, questions answered, plan violations, reflections,
    the client's steps kept, safeguarding, repeated summaries."""
    from guidance_assistant.evals.commands import cli_interview

    typer.echo(cli_interview(paths or [], personas=personas, out_json=out_json, out_text=out_text))


@eval_app.command("safeguarding")
@friendly_errors
def eval_safeguarding(
    messages: Annotated[
        Path | None, typer.Option(help="Labelled messages YAML (default: evals/safeguarding).")
    ] = None,
    external: Annotated[
        bool,
        typer.Option(
            help="Also run the hand-reviewed check on ESConv job-crisis seeker turns "
            "(needs ../shared/eval-data)."
        ),
    ] = True,
    esconv_whole_check: Annotated[
        bool,
        typer.Option(
            help="Also run the whole check (reader and cues) over ESConv's 4,119 seeker turns "
            "(about 15 minutes on two cores)."
        ),
    ] = False,
) -> None:
    """The safeguarding check per kind of harm (development bank, first-contact rounds,
    conversations, ordinary talk), then the rules alone beside a keyword baseline."""
    from guidance_assistant.evals.safeguarding import full_report
    from guidance_assistant.safeguarding.evaluate import evaluate_safeguarding

    if messages is None:
        typer.echo(full_report(external=esconv_whole_check) + "\n\n# The rules alone\n")
    from guidance_assistant.safeguarding.external import (
        default_esconv_path,
        external_check,
    )

    typer.echo(evaluate_safeguarding(messages).render())
    if external and messages is None:
        if default_esconv_path() is None:
            typer.echo("\nExternal check skipped: ../shared/eval-data/esconv is not present.")
        else:
            typer.echo("\n" + external_check().render())


@eval_app.command("brief")
@friendly_errors
def eval_brief(
    split: Annotated[str, typer.Option(help="Labelled split: dev (to build on) or test.")] = "dev",
    misses: Annotated[int, typer.Option(help="Also list this many mistakes.")] = 0,
    offers_bank: Annotated[
        Path | None,
        typer.Option(
            help="Score only offers on this bank of snippets (evals/brief/offers-dev.yaml)."
        ),
    ] = None,
    profile_bank: Annotated[
        Path | None,
        typer.Option(
            help="Score only interests, strengths, ideas and rejected on this bank of snippets "
            "(evals/brief/profile-dev.yaml)."
        ),
    ] = None,
) -> None:
    """Precision and recall per field of the notes reader (age, grades, needs, people...)."""
    if profile_bank is not None:
        from guidance_assistant.evals.brief import run_profile_bank_eval

        typer.echo(run_profile_bank_eval(profile_bank, misses=misses))
        return
    if offers_bank is not None:
        from guidance_assistant.evals.brief import run_offers_bank_eval

        typer.echo(run_offers_bank_eval(offers_bank, misses=misses))
        return
    from guidance_assistant.evals.commands import cli_brief

    typer.echo(cli_brief(split, misses=misses))


@eval_app.command("readers")
@friendly_errors
def eval_readers(
    misses: Annotated[int, typer.Option(help="Also list this many mistakes.")] = 0,
) -> None:
    """The shared text layer's date and strength readers on sentences written blind."""
    from guidance_assistant.evals.text_readers import run_readers_eval

    typer.echo(run_readers_eval(misses=misses))


@eval_app.command("redaction")
@friendly_errors
def eval_redaction(
    split: Annotated[str, typer.Option(help="Labelled split: dev (to build on) or test.")] = "dev",
    misses: Annotated[int, typer.Option(help="Also list this many mistakes.")] = 0,
) -> None:
    """Precision and recall per kind of personal data for transcript redaction."""
    from guidance_assistant.evals.commands import cli_redaction

    typer.echo(cli_redaction(split, misses=misses))


@eval_app.command("practice")
@friendly_errors
def eval_practice(
    persona: Annotated[
        list[str] | None, typer.Option("--persona", help="Only this persona (repeatable).")
    ] = None,
    seeds: Annotated[
        list[int] | None, typer.Option("--seed", help="A seed for the scripts (repeatable).")
    ] = None,
    engine: Annotated[
        bool,
        typer.Option("--engine/--no-engine", help="Also play each persona against the engine."),
    ] = True,
    out: Annotated[Path | None, typer.Option(help="Also write the report (Markdown).")] = None,
    out_json: Annotated[
        Path | None, typer.Option("--out-json", help="Every conversation and count (JSON).")
    ] = None,
) -> None:
    """The simulated client's coherence: every persona against scripted trainees of good and
    poor practice (seeds 0, 1, 2) and the interview engine; prints contradictions, repeated
    lines, the opening repeated, non-answers and unearned disclosures, per persona."""
    from guidance_assistant.evals.commands import cli_practice

    text, code = cli_practice(
        seeds=seeds or [0, 1, 2],
        engine=engine,
        personas=persona,
        out_text=out,
        out_json=out_json,
    )
    typer.echo(text)
    raise typer.Exit(code)


@eval_app.command("skills")
@friendly_errors
def eval_skills() -> None:
    """The skill classifier three ways (CV on our banks, the spoken test split, ESConv) and its
    flags, beside baselines."""
    from guidance_assistant.practice.skills_eval import skills_report_text

    typer.echo(skills_report_text())


@app.command()
@friendly_errors
def practice(
    persona: Annotated[str, typer.Option(help="Persona id (see --list).")] = "year11-undecided",
    list_personas: Annotated[bool, typer.Option("--list", help="List the personas.")] = False,
    seed: Annotated[int, typer.Option(help="Seed: the same seed replays the same client.")] = 0,
    report: Annotated[
        Path | None, typer.Option(help="Also write the feedback report (Markdown) here.")
    ] = None,
) -> None:
    """Practise an interview with a simulated client; feedback on each turn and at the end.

    Type your adviser turns; an empty line or Ctrl-D ends the session.
    """
    from guidance_assistant.practice import PracticeSession, load_personas
    from guidance_assistant.text.clean import EmptyMessageError

    if list_personas:
        for item in load_personas():
            typer.echo(f"{item.id:<24} {item.display_name}: {item.profile.situation}")
        return
    session = PracticeSession(persona, seed=seed)
    typer.secho(
        f"{session.persona.display_name} ({session.persona.profile.situation}) "
        "is with you. An empty line ends the session.",
        bold=True,
    )
    while True:
        try:
            line = input("you> ")
        except (EOFError, KeyboardInterrupt):
            typer.echo()
            break
        if not line.strip():
            break
        try:
            turn = session.say(line)
        except EmptyMessageError as refused:  # control characters only: nothing recorded
            typer.secho(str(refused), fg=typer.colors.YELLOW, err=True)
            continue
        typer.echo(f"{session.persona.display_name}: {turn.text}")
        typer.secho(f"  [{turn.skill}] {turn.feedback.tip}", fg=typer.colors.CYAN)
        if turn.feedback.alternative:
            typer.secho(f"  try: {turn.feedback.alternative}", fg=typer.colors.CYAN)
    feedback = session.feedback().to_markdown()
    typer.echo("\n" + feedback)
    if report is not None:
        report.write_text(feedback, encoding="utf-8")
        typer.echo(f"Feedback saved to {report}")


@users_app.command("add")
@friendly_errors
def users_add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[
        str, typer.Option(help="adviser, trainee, supervisor, evaluator or admin.")
    ] = "adviser",
    supervisor: Annotated[
        str | None, typer.Option(help="For a trainee: the supervisor's login name.")
    ] = None,
    display_name: Annotated[str | None, typer.Option(help="Name shown in the app.")] = None,
    password: Annotated[
        str | None,
        typer.Option(help="Password (asked for, hidden, when not given).", hidden=True),
    ] = None,
) -> None:
    """Create an account (run by the service's administrator on the server)."""
    from guidance_assistant.store.commands import add_user

    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = add_user(
        username,
        password,
        role,
        supervisor=supervisor,
        display_name=display_name,
        settings=get_settings(),
    )
    typer.echo(f"Created {user.role} account '{user.username}'.")


@app.command()
@friendly_errors
def audit(
    user: Annotated[
        str, typer.Option("--as", help="The admin account whose right to read it is checked.")
    ] = "admin",
    limit: Annotated[
        int, typer.Option(min=1, max=10_000, help="How many lines, newest first.")
    ] = 50,
    username: Annotated[
        str | None, typer.Option("--user", help="Only this account's sign-ins.")
    ] = None,
) -> None:
    """Show the audit log of sign-ins, failures and locks (admin accounts only)."""
    from guidance_assistant.store import PermissionDeniedError, Store

    with Store(get_settings()) as store:
        actor = store.signed_in_user(user)
        if actor is None:
            raise PermissionDeniedError(f"There is no active account called {user!r}.")
        entries = store.audit_log(actor, limit=limit, username=username)
    if not entries:
        typer.echo("The audit log is empty.")
    for entry in entries:
        when = entry.at.strftime("%Y-%m-%d %H:%M:%S")
        who = entry.username or "-"
        line = f"{when} UTC  {entry.event:<16} {who:<20} {entry.address or '-'}"
        typer.echo(f"{line}  {entry.detail}".rstrip())


@lmi_app.command("show")
@friendly_errors
def lmi_show(occupation_id: Annotated[str, typer.Argument(help="e.g. paramedic")]) -> None:
    """Print an occupation record with every figure's source and year."""
    from guidance_assistant import lmi
    from guidance_assistant.lmi.render import render_record

    typer.echo(render_record(lmi.get(occupation_id)))


@lmi_app.command("find")
@friendly_errors
def lmi_find(
    query: Annotated[str, typer.Argument(help="A job title, e.g. 'game designer'.")],
    limit: Annotated[int, typer.Option(help="How many matches.")] = 5,
) -> None:
    """Find occupation records by (fuzzy) job title."""
    from guidance_assistant import lmi

    for match in lmi.find(query, limit=limit):
        typer.echo(f"{match.record.id:<40} {match.record.title}  (score {match.score:.0f})")


@app.command()
@friendly_errors
def chat(
    backend: Annotated[
        str, typer.Option(help="Who words the replies: offline (default), transformers or openai.")
    ] = "offline",
    save: Annotated[
        Path | None, typer.Option(help="Save the session (JSON, with the transcript) here.")
    ] = None,
    year: Annotated[int | None, typer.Option(help="The client's school year, e.g. 11.")] = None,
    need: Annotated[
        list[str] | None,
        typer.Option(help="A need to plan for (repeatable): eal, send, ehcp, young_carer, ..."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Varies the wording.")] = 0,
    index_dir: IndexDirOption = None,
) -> None:
    """Hold a guidance interview in the terminal: one message per line, /quit to end."""
    import sys

    from guidance_assistant.interview import Turn, open_session
    from guidance_assistant.retrieval import KnowledgeBase
    from guidance_assistant.text.clean import EmptyMessageError

    settings = get_settings()
    kb = KnowledgeBase.bundled(
        settings=settings, index_dir=index_dir, refresh=False, progress=False
    )
    profile: dict[str, Any] = {"year_group": year, "needs": need or []}
    session = open_session(profile, backend=backend, knowledge=kb, settings=settings, seed=seed)
    interactive = sys.stdin.isatty()

    def show(turn: Turn) -> None:
        typer.secho(f"[{turn.stage} · {turn.move}]", fg=typer.colors.CYAN)
        typer.echo(turn.text)
        for citation in turn.citations:
            typer.secho(f"  Source: {citation.render()}", dim=True)
        typer.echo("")

    try:
        show(session.opening())
        while True:
            if interactive:
                typer.echo("You: ", nl=False)
            line = sys.stdin.readline()
            if not line:
                break
            message = line.rstrip("\n")
            if message.strip().lower() in ("/quit", "/exit"):
                break
            try:
                show(session.reply(message))
            except EmptyMessageError as refused:  # nothing stored; the chat goes on
                typer.secho(str(refused), fg=typer.colors.YELLOW, err=True)
    except KeyboardInterrupt:
        typer.echo("")
    finally:
        if save is not None:
            session.save(save)
            typer.echo(f"Session saved to {save}", err=True)


@app.command()
@friendly_errors
def prep(
    notes_file: Annotated[Path, typer.Argument(help="A text file of your notes on the client.")],
    index_dir: IndexDirOption = None,
) -> None:
    """Print a preparation brief (Markdown) from your notes on a client."""
    from guidance_assistant.errors import DocumentError
    from guidance_assistant.prepare import prepare_brief
    from guidance_assistant.retrieval import KnowledgeBase

    try:
        notes = notes_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DocumentError(f"Cannot read the notes file {notes_file}: {error}") from error
    kb = KnowledgeBase.bundled(
        settings=get_settings(), index_dir=index_dir, refresh=False, progress=False
    )
    typer.echo(prepare_brief(notes, knowledge=kb).to_markdown())


def main() -> None:
    app(prog_name="guidance-assistant")


if __name__ == "__main__":
    main()
