"""``guidance-assistant eval safeguarding``: the safeguarding check measured through whole
sessions and over ordinary talk from every other part of the project (scripted suites, practice
personas, ESConv), beside the bank-level figures of :mod:`guidance_assistant.safeguarding.measure`.

It lives in the evals layer because it reads the interview, the suites and the personas, which sit
above safeguarding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from tqdm import tqdm

from guidance_assistant.interview.session import GuidanceSession
from guidance_assistant.safeguarding.bank import BankMessage
from guidance_assistant.safeguarding.measure import (
    MessageFigures,
    Outcome,
    check_outcomes,
    conversation_outcomes,
    esconv_dialogues,
    first_contact_record,
    ordinary_figures,
    render_conversations,
)

ORDINARY_OPENING = "hi, I'm not really sure what I want to do after this year"


def session_outcomes(
    messages: Sequence[BankMessage], open_one: Callable[[], object], *, progress: bool = False
) -> list[Outcome]:
    """Each message as the second client message of a real session (``open_one()`` opens one:
    ``open_session(...)``), after the opening and one ordinary reply."""
    out: list[Outcome] = []
    items: Iterable[BankMessage] = tqdm(messages, desc="sessions") if progress else messages
    for message in items:
        session = open_one()
        assert isinstance(session, GuidanceSession)
        session.opening()
        session.reply(ORDINARY_OPENING)
        turn = session.reply(message.text)
        if "safeguarding" in turn.flags:
            level = "disclosure"
        elif "concern" in turn.flags:
            level = "concern"
        else:
            level = "none"
        source = session.state.flags[-1].reason[:40] if level == "disclosure" else ""
        out.append(
            Outcome(
                message.id,
                message.expected,
                message.kind or "ordinary",
                level,
                source,
                message.text,
            )
        )
    return out


def suite_dialogues() -> list[list[str]]:
    """The client turns of every scripted conversation suite, those that expect a disclosure
    left out."""
    from guidance_assistant.evals.suites import load_suites

    out: list[list[str]] = []
    for suite in load_suites():
        for case in suite.cases:
            if case.expect_safeguarding:
                continue
            out.append([m for m in case.messages if isinstance(m, str)])
    return out


def persona_lines() -> list[list[str]]:
    """Each practice persona's ordinary lines (opening, closed answers, surface statements,
    stock replies; not the hidden facts, some of which are real distress)."""
    from guidance_assistant.practice.personas import load_personas

    out: list[list[str]] = []
    for persona in load_personas():
        texts = [persona.opening]
        texts += [topic.closed_answer for topic in persona.topics]
        texts += [statement.text for statement in persona.surface]
        for kind in type(persona.responses).model_fields:
            texts += persona.responses.lines(kind)
        out.extend([[t] for t in texts if t])
    return out


def full_report(*, external: bool = True, progress: bool = False) -> str:
    """Every figure of ``guidance-assistant eval safeguarding`` (the check alone; the whole-session
    figures of each first-contact round are the ones recorded when it was first measured)."""
    import datetime
    import platform

    from guidance_assistant.safeguarding.bank import (
        development_files,
        first_contact_files,
        load_conversations,
        load_messages,
        safeguarding_dir,
    )
    from guidance_assistant.safeguarding.reader import shared_reader

    reader = shared_reader()
    trained = reader.weights.card.get("rounds_trained_on", []) if reader else []
    parts = [
        f"# Safeguarding check, measured {datetime.date.today().isoformat()} on "
        f"{platform.machine()} ({platform.node()})",
        f"learned reader: {'loaded' if reader else 'NOT loaded (rules and cues only)'}; "
        f"trained on the development bank and rounds {', '.join(trained) or 'none'}",
    ]
    bank = [m for f in development_files() if f.parent.name == "bank" for m in load_messages(f)]
    parts.append(
        MessageFigures("development bank (trained on)", check_outcomes(bank, reader=reader)).render(
            show_misses=False
        )
    )
    for path in first_contact_files():
        record = first_contact_record(path.with_suffix(".first-measure.json"))
        if record is not None:
            session = record["session"]
            assert isinstance(session, dict)
            parts.append(
                f"## {path.stem}: first contact (recorded {record['measured']}, through whole "
                f"sessions): {session['escalated_or_concern']}/{session['disclosures']} "
                f"flagged or concern, {session['false_escalations']}/{session['negatives']} "
                f"false escalations, {session['false_concerns']}/{session['negatives']} "
                "false check-ins"
            )
        figures = MessageFigures(
            f"{path.stem} now (regression set)",
            check_outcomes(load_messages(path), reader=reader),
        )
        parts.append(figures.render(show_misses=False))
    for path in sorted((safeguarding_dir() / "conversations").glob("*.yaml")):
        parts.append(
            render_conversations(
                f"conversations {path.stem}",
                conversation_outcomes(load_conversations(path), reader=reader),
            )
        )
    lines = ["## ordinary talk (false check-ins and escalations)"]
    lines.append(ordinary_figures("scripted suites", suite_dialogues(), reader=reader).render())
    lines.append(ordinary_figures("practice personas", persona_lines(), reader=reader).render())
    if external:
        dialogues = esconv_dialogues()
        if dialogues is None:
            lines.append("- ESConv: skipped (../shared/eval-data/esconv is not present)")
        else:
            lines.append(ordinary_figures("ESConv seeker turns", dialogues, reader=reader).render())
    else:
        lines.append("- ESConv seeker turns: not run (--esconv-whole-check runs them)")
    parts.append("\n".join(lines))
    return "\n\n".join(parts)
