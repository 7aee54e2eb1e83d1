"""Counting what a model backend did in a run: words shown, replies refused and why, errors,
latency percentiles; and the comparison of two runs carrying them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from guidance_assistant.evals.backend_stats import backend_stats, percentile, reason_kind
from guidance_assistant.evals.records import (
    CaseResult,
    CaseTranscript,
    EvalRun,
    RunHeader,
    Score,
    TurnRecord,
)
from guidance_assistant.evals.report import compare_runs
from guidance_assistant.evals.suites import RunConfig


def _turn(index: int, seconds: float, **values: Any) -> TurnRecord:
    return TurnRecord(
        index=index,
        client="hi",
        client_chars=2,
        adviser="hello",
        stage="exploration",
        move="reflection",
        seconds=seconds,
        **values,
    )


MODEL_TURNS = [
    _turn(1, 1.0, backend="transformers"),
    _turn(2, 2.0, backend="transformers", rejected=["unsupported figures: £9"]),
    _turn(
        3,
        3.0,
        backend="transformers",
        rejected=["unsupported figures: £9", "the reply left out the figures asked for: £5"],
        fallback="the reply left out the figures asked for: £5",
    ),
    _turn(4, 4.0, backend="transformers", fallback="backend error: time limit: the model..."),
    _turn(
        5,
        5.0,
        backend="transformers",
        fallback="backend error: unusable reply: it repeated itself ('I am...')",
    ),
    _turn(6, 0.1, backend="offline"),  # a safeguarding turn: never offered to the model
]


def test_counts_and_reasons() -> None:
    stats = backend_stats(MODEL_TURNS)
    assert (stats.turns, stats.model_turns, stats.model_words, stats.drafts) == (6, 5, 2, 3)
    assert stats.refused_replies == 3 and stats.retried_then_accepted == 1
    assert stats.refusals == {"unsupported figures": 2, "reply left out the figures asked for": 1}
    assert stats.errors == {"time limit": 1, "it repeated itself": 1}
    assert stats.model_latency_p50 == 3.0
    text = stats.render()
    assert "its words shown 2 (40%)" in text and "time limit 1" in text


def test_reason_kinds() -> None:
    assert reason_kind("the backend's reply promised secrecy") == "promised secrecy"
    assert reason_kind("backend error: The model failed to generate") == "backend error"


def test_percentiles() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50.5
    assert 95.0 <= percentile(values, 0.95) <= 96.0
    assert percentile([], 0.95) == 0.0 and percentile([2.0], 0.95) == 2.0


def _run(run_id: str, turns: list[TurnRecord], config: str = "x") -> EvalRun:
    result = CaseResult(
        suite="s",
        suite_kind="guidance",
        case_id="c1",
        config=config,
        transcript=CaseTranscript(case_id="c1", session_date=date(2026, 3, 10), turns=turns),
        scores=[Score(name="stages", value=1.0, passed=True)],
    )
    header = RunHeader(
        run_id=run_id,
        timestamp=datetime(2026, 3, 10, tzinfo=UTC),
        configs=[RunConfig(name="x")],
        seed=0,
        workers=1,
        suites=["s"],
    )
    return EvalRun(header=header, results=[result])


def test_compare_shows_both_runs_turns() -> None:
    offline = _run("a", [_turn(1, 0.01, backend="offline")], config="offline")
    model = _run("b", MODEL_TURNS, config="smollm2")
    comparison = compare_runs(offline, model)
    assert [(c.config, c.verdict) for c in comparison.cases] == [("offline → smollm2", "same")]
    text = comparison.render()
    assert "turns of A: turns 1" in text
    assert "turns of B: turns 6" in text and "replies refused 3" in text
    assert "offered to the model" not in text.split("turns of B")[0]
    assert model.summary().count("offered to the model 5") == 1


def test_drafts_kept_in_their_own_words_and_sources_added_are_counted() -> None:
    turns = [
        _turn(1, 0.1, backend="offline", flags=["off_topic", "own_words"]),
        _turn(2, 1.0, backend="transformers", flags=["source_added"]),
        _turn(
            3,
            2.0,
            backend="transformers",
            rejected=["the reply left out the draft's question"] * 2,
            fallback="the reply left out the draft's question",
        ),
    ]
    stats = backend_stats(turns)
    assert (stats.model_turns, stats.own_words, stats.sources_added) == (2, 1, 1)
    assert stats.refusals == {"reply left out the draft's question": 2}
    assert "own words (never offered) 1" in stats.render()
