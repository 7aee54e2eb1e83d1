"""The date and strength readers on the blind splits of ``evals/text`` (measured first on
2026-12-07: evals/text/first-measure.txt). Floors sit at the figures recorded in evals/README.md:
a change that loses ground fails here. They are not aims."""

from __future__ import annotations

from guidance_assistant.evals.text_readers import (
    load_dates,
    load_strengths,
    score_dates,
    score_strengths,
    text_eval_dir,
)


def test_dates_hold_their_figures() -> None:
    scores = score_dates(load_dates(text_eval_dir() / "dates-test.yaml"))
    assert scores.cases == 150
    assert scores.exact_rate >= FLOORS["dates_exact"], scores.misses
    assert scores.false_dates <= FLOORS["false_dates"], scores.misses


def test_strengths_hold_their_figures() -> None:
    scores = score_strengths(load_strengths(text_eval_dir() / "strengths-test.yaml"))
    assert scores.cases == 150
    assert scores.recall >= FLOORS["strengths_recall"], scores.misses
    assert scores.precision >= FLOORS["strengths_precision"], scores.misses


FLOORS = {
    "dates_exact": 0.71,
    "false_dates": 0,
    "strengths_recall": 0.73,
    "strengths_precision": 0.93,
}
