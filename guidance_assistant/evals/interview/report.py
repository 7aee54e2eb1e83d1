"""Aggregates over a run and the report evaluators read."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence

from pydantic import Field

from guidance_assistant.evals.interview.cases import (
    PERSONA_TURNS,
    PLANNING_BY,
    InterviewCase,
    _Strict,
)
from guidance_assistant.evals.interview.measures import ConversationMeasures, PersonaMeasures
from guidance_assistant.evals.interview.played import PlayedRecord

# ---------------------------------------------------------------------------- aggregates


class Scored(_Strict):
    """One scripted conversation: its labels, what happened and its measures."""

    case: InterviewCase
    record: PlayedRecord
    measures: ConversationMeasures


class Summary(_Strict):
    """The figures over a set of conversations (guidance ones: no disclosure expected)."""

    conversations: int
    guidance: int
    planning_by_15: float | None
    must_answer: int
    answered_or_declined: float | None
    answered: float | None
    plan_violations: int
    no_violations: float | None
    reflected: float | None
    client_steps_kept: float | None
    safeguarding_ok: float | None
    reached_planning: int
    median_turns_to_planning: float | None
    errors: int


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _share(flags: Sequence[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def summarise(scored: Sequence[Scored]) -> Summary:
    """The aggregate figures: guidance measures over the guidance conversations
    (``expect_safeguarding`` false), ``safeguarding_ok`` over all of them."""
    guidance = [s for s in scored if s.case.guidance]
    answers = [a for s in guidance for a in s.measures.answers]
    turns = [s.measures.planning_turn for s in guidance if s.measures.planning_turn is not None]
    return Summary(
        conversations=len(scored),
        guidance=len(guidance),
        planning_by_15=_share([s.measures.planning_by_15 for s in guidance]),
        must_answer=len(answers),
        answered_or_declined=_share([a.verdict != "dodged" for a in answers]),
        answered=_share([a.verdict == "answered" for a in answers]),
        plan_violations=sum(len(s.measures.plan_violations) for s in guidance),
        no_violations=_share([not s.measures.plan_violations for s in guidance]),
        reflected=_mean(s.measures.reflected for s in guidance),
        client_steps_kept=_mean(s.measures.client_steps_kept for s in guidance),
        safeguarding_ok=_share([s.measures.safeguarding_ok for s in scored]),
        reached_planning=len(turns),
        median_turns_to_planning=float(statistics.median(turns)) if turns else None,
        errors=sum(1 for s in scored if s.record.error),
    )


def per_kind(scored: Sequence[Scored]) -> dict[str, Summary]:
    """:func:`summarise` for each kind of client, in the order the kinds first appear."""
    kinds = list(dict.fromkeys(s.case.kind for s in scored))
    return {kind: summarise([s for s in scored if s.case.kind == kind]) for kind in kinds}


class PersonaRow(_Strict):
    persona: str
    seed: int
    record: PlayedRecord
    measures: PersonaMeasures


class InterviewEvalReport(_Strict):
    """A whole run: where and when, every conversation, and the figures."""

    date: str
    machine: str
    commit: str
    files: list[str]
    seconds: float
    summary: Summary
    per_kind: dict[str, Summary]
    conversations: list[Scored]
    personas: list[PersonaRow] = Field(default_factory=list)

    def render(self) -> str:
        return render_report(self)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    return lines


def render_report(report: InterviewEvalReport) -> str:
    """The text report: when, where, the figures, the per-kind table, each conversation, and
    the persona play."""
    s = report.summary
    lines = [
        "# First-contact interview eval",
        f"date: {report.date}",
        f"machine: {report.machine}",
        f"commit: {report.commit}",
        f"files: {', '.join(report.files)}",
        f"conversations: {s.conversations} ({s.guidance} guidance, "
        f"{s.conversations - s.guidance} expecting a disclosure); {report.seconds:.1f} s"
        + (f"; {s.errors} crashed" if s.errors else ""),
        "",
        "## Guidance conversations (no disclosure expected)",
        f"planning by turn {PLANNING_BY} (with a dated step the client agreed): "
        f"{_pct(s.planning_by_15)}",
        f"must-answer questions ({s.must_answer}): answered or declined "
        f"{_pct(s.answered_or_declined)}, answered {_pct(s.answered)}",
        f"plan violations: {s.plan_violations} in all; conversations with none "
        f"{_pct(s.no_violations)}",
        f"reflected (mean share): {_num(s.reflected)}",
        f"client steps kept (mean share): {_num(s.client_steps_kept)}",
        f"reached planning: {s.reached_planning} of {s.guidance}; median client turns to "
        f"planning {_num(s.median_turns_to_planning, 1)}",
        f"safeguarding ok (all conversations): {_pct(s.safeguarding_ok)}",
        "",
        "## Per kind",
    ]
    header = ["kind", "n", "plan≤15", "ans+decl", "answered", "viol", "reflected", "steps", "sg ok"]
    rows = [
        [
            kind,
            str(k.conversations),
            _pct(k.planning_by_15),
            _pct(k.answered_or_declined),
            _pct(k.answered),
            str(k.plan_violations) if k.guidance else "–",
            _num(k.reflected),
            _num(k.client_steps_kept),
            _pct(k.safeguarding_ok),
        ]
        for kind, k in report.per_kind.items()
    ]
    lines += _table(header, rows)
    lines += ["", "## Conversations"]
    header = [
        "case",
        "kind",
        "plan at",
        "≤15",
        "ans/decl/dodge",
        "viol",
        "refl",
        "steps",
        "sg",
        "rep",
    ]
    rows = []
    for item in report.conversations:
        m = item.measures
        rows.append(
            [
                item.case.id + (" (crashed)" if item.record.error else ""),
                item.case.kind,
                str(m.planning_turn) if m.planning_turn is not None else "–",
                "yes" if m.planning_by_15 else "no",
                f"{m.count('answered')}/{m.count('declined')}/{m.count('dodged')}",
                str(len(m.plan_violations)),
                _num(m.reflected),
                _num(m.client_steps_kept),
                "ok" if m.safeguarding_ok else "WRONG",
                "yes" if m.summary_repeated else "no",
            ]
        )
    lines += _table(header, rows)
    if report.personas:
        lines += [
            "",
            f"## Persona play (the simulated client answers the engine; up to {PERSONA_TURNS} "
            "client turns)",
            "plan violations: the options the client rejected that are still chosen, kept or "
            "in a step (personas carry no not_in_plan labels)",
        ]
        header = ["persona", "seed", "turns", "plan at", "≤15", "agreed dated", "viol"]
        rows = [
            [
                row.persona + (" (crashed)" if row.record.error else ""),
                str(row.seed),
                str(len(row.record.turns)),
                str(row.measures.planning_turn) if row.measures.planning_turn else "–",
                "yes" if row.measures.planning_by_15 else "no",
                str(len(row.measures.agreed_dated_actions)),
                str(len(row.measures.plan_violations)),
            ]
            for row in report.personas
        ]
        lines += _table(header, rows)
        by15 = [row.measures.planning_by_15 for row in report.personas]
        lines.append(
            f"persona play: planning by turn {PLANNING_BY} {_pct(_share(by15))} of "
            f"{len(by15)}; plan violations "
            f"{sum(len(r.measures.plan_violations) for r in report.personas)}"
        )
    return "\n".join(lines)
