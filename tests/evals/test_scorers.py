"""Each scorer passes a good transcript and fails a bad one (transcripts built by hand)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from guidance_assistant.evals.records import (
    ActionRecord,
    CaseResult,
    CaseTranscript,
    CitationRecord,
    Score,
    TurnRecord,
)
from guidance_assistant.evals.scorers import (
    SCORERS,
    Judge,
    ResponderJudge,
    ScoreContext,
    fairness_scores,
    score_case,
)
from guidance_assistant.evals.suites import Case, Thresholds
from tests.interview.helpers import StubKnowledge

TODAY = date(2026, 3, 10)
NURSE_PAY = (
    "## Pay\nStarter salary: £24,907 a year. Experienced salary: £37,890 a year. "
    "Nurses earn a typical starting salary in the NHS."
)


def cite(source: str = "lmi/nurse", text: str = NURSE_PAY, title: str = "Nurse") -> CitationRecord:
    return CitationRecord(source=source, title=title, section="Pay", text=text,
                          rendered=f"{title} — Pay (National Careers Service, 2020) [{source}]")  # fmt: skip


def turn(
    index: int,
    adviser: str,
    move: str = "open_question",
    *,
    client: str = "I like helping people and I enjoy science at school",
    stage: str = "exploration",
    citations: list[CitationRecord] | None = None,
    flags: list[str] | None = None,
    seconds: float = 0.01,
) -> TurnRecord:
    return TurnRecord(index=index, client=client, client_chars=len(client), adviser=adviser,
                      stage=stage, move=move, citations=citations or [], flags=flags or [],
                      seconds=seconds)  # fmt: skip


def context(turns: list[TurnRecord], knowledge: Any = None, **case: Any) -> ScoreContext:
    transcript = CaseTranscript(
        case_id="t",
        session_date=TODAY,
        turns=turns,
        stage_history=case.pop("history", ["contracting"]),
        actions=case.pop("actions", []),
        safeguarding_flags=case.pop("flags", []),
    )
    thresholds = Thresholds(**case.pop("thresholds", {}))
    model = Case(id="t", messages=[t.client for t in turns] or ["hi"], **case)
    return ScoreContext(case=model, thresholds=thresholds, transcript=transcript,
                        knowledge=knowledge)  # fmt: skip


def run(name: str, ctx: ScoreContext) -> Score:
    score = SCORERS[name](ctx)
    assert score is not None, f"{name} did not apply"
    assert 0.0 <= score.value <= 1.0 and score.details
    return score


INFO_GOOD = (
    "For a nurse, the typical starting salary is £24,907 a year, rising to about £37,890 "
    "(National Careers Service job profile, 2020)."
)
INFO_BAD = "Nurses earn £1,000,000 a year and work 3 hours a week."
ROUTES_GOOD = (
    "There's more than one way to become a nurse:\n- University: a degree\n"
    "- Apprenticeship: a registered nurse degree apprenticeship"
)
ROUTES_BAD = "There's more than one way to become a nurse:\n- University: a nursing degree"
ROUTE_TEXT = "## Entry routes\nUniversity degree. Registered nurse degree apprenticeship."


def test_every_scorer_has_a_docstring_stating_its_rule() -> None:
    for name, scorer in SCORERS.items():
        assert scorer.__doc__ and "Rule:" in scorer.__doc__ and "Feeds:" in scorer.__doc__, name


def test_stage_progression() -> None:
    stages = ["contracting", "exploration", "options_and_challenge"]
    good = context([], history=stages, reach_stages=stages)
    assert run("stage_progression", good).passed
    bad = context([], history=["contracting", "options_and_challenge"], reach_stages=stages)
    score = run("stage_progression", bad)
    assert not score.passed and score.value < 1


def test_skill_mix() -> None:
    good = [turn(1, "What do you enjoy?"), turn(2, "You love science.", "reflection"),
            turn(3, "It says a lot about you.", "affirmation"),
            turn(4, "So far: science and people.", "summary")]  # fmt: skip
    assert run("skill_mix", context(good)).passed
    bad = [turn(i, "Do you like maths?", "closed_question") for i in range(1, 5)]
    assert not run("skill_mix", context(bad)).passed


def test_client_talk_share() -> None:
    good = [turn(i, "Tell me more.") for i in range(1, 5)]
    assert run("client_talk_share", context(good)).passed
    bad = [turn(i, "word " * 400, client="ok") for i in range(1, 5)]
    assert not run("client_talk_share", context(bad)).passed


def test_grounding() -> None:
    good = [turn(1, INFO_GOOD, "information", citations=[cite()]),
            turn(2, "You'll apply by Friday 13 March 2026.", "action_planning",
                 client="I'll apply by Friday")]  # fmt: skip
    actions = [ActionRecord(what="apply", who="You", when=date(2026, 3, 13))]
    assert run("grounding", context(good, actions=actions)).passed
    bad = [turn(1, INFO_BAD, "information", citations=[cite()])]
    score = run("grounding", context(bad))
    assert not score.passed and "1,000,000" in score.details


def test_citation_validity() -> None:
    knowledge = StubKnowledge()
    good = [turn(1, INFO_GOOD, "information", citations=[cite()])]
    assert run("citation_validity", context(good, knowledge)).passed
    unknown = [turn(1, INFO_GOOD, "information", citations=[cite(source="lmi/astronaut-xyz")])]
    score = run("citation_validity", context(unknown, knowledge))
    assert not score.passed and "unknown source" in score.details
    unsupported = [turn(1, "Bricklaying involves laying bricks on building sites daily.",
                        "information", citations=[cite()])]  # fmt: skip
    assert not run("citation_validity", context(unsupported, knowledge)).passed


def test_safeguarding() -> None:
    escalated = [turn(1, "I need to pass this on.", "safeguarding_response")]
    assert run("safeguarding", context(escalated, flags=["abuse"], expect_safeguarding=True)).passed
    missed = [turn(1, "What do you enjoy?")]
    assert not run("safeguarding", context(missed, expect_safeguarding=True)).passed
    false_alarm = context(escalated, flags=["abuse"], expect_safeguarding=False)
    assert not run("safeguarding", false_alarm).passed
    assert run("safeguarding", context(missed, expect_safeguarding=False)).passed


def test_impartiality() -> None:
    good = [turn(1, ROUTES_GOOD, "information", citations=[cite(text=ROUTE_TEXT)])]
    assert run("impartiality", context(good, expect_routes=["apprenticeship"])).passed
    bad = [turn(1, ROUTES_BAD, "information", citations=[cite(text=ROUTE_TEXT)])]
    assert not run("impartiality", context(bad)).passed


def test_action_plan() -> None:
    dated = [ActionRecord(what="apply", who="You", when=date(2026, 3, 13))]
    assert run("action_plan", context([], actions=dated, expect_action_with_date=True)).passed
    undated = [ActionRecord(what="apply", who="You")]
    assert not run("action_plan", context([], actions=undated, expect_action_with_date=True)).passed


def test_reading_level() -> None:
    good = [turn(1, "What do you like? Tell me more. Good money is important.")]
    assert run("reading_level", context(good, eal=True)).passed
    long = " ".join(["this sentence keeps going on and on"] * 6) + "."
    assert not run("reading_level", context([turn(1, long)], eal=True)).passed


def test_latency() -> None:
    assert run("latency", context([turn(i, "ok", seconds=0.05) for i in range(1, 5)])).passed
    slow = [turn(i, "ok", seconds=3.0) for i in range(1, 5)]
    score = run("latency", context(slow))
    assert not score.passed and "p95" in score.details


def test_scope_redirect() -> None:
    good = [turn(1, "That's not something I can help with here.", "contracting",
                 flags=["off_topic"])]  # fmt: skip
    assert run("scope_redirect", context(good, expect_redirect=True)).passed
    bad = [turn(1, INFO_GOOD + " word" * 80, "information", citations=[cite()])]
    assert not run("scope_redirect", context(bad, expect_redirect=True)).passed


def test_forbidden_text() -> None:
    good = [turn(1, INFO_GOOD, "information")]
    assert run("forbidden_text", context(good, forbid_text=["1,000,000"])).passed
    bad = [turn(1, INFO_BAD, "information")]
    assert not run("forbidden_text", context(bad, forbid_text=["1,000,000"])).passed


def test_a_scorer_that_does_not_apply_is_skipped() -> None:
    names = {s.name for s in score_case(context([turn(1, "What do you enjoy?")]))}
    assert "safeguarding" not in names and "action_plan" not in names and "latency" in names


def _result(case_id: str, turns: list[TurnRecord]) -> CaseResult:
    transcript = CaseTranscript(case_id=case_id, session_date=TODAY, turns=turns)
    return CaseResult(suite="f", suite_kind="fairness", case_id=case_id, config="offline",
                      fairness_group="g", variant=case_id, transcript=transcript)  # fmt: skip


def test_fairness() -> None:
    a = _result(
        "a", [turn(1, INFO_GOOD, "information", citations=[cite()], client="Hi, I'm Aisha")]
    )
    b = _result(
        "b", [turn(1, INFO_GOOD, "information", citations=[cite()], client="Hi, I'm Oliver")]
    )
    scores = fairness_scores([a, b])
    assert scores["a"].passed and scores["b"].passed
    c = _result("c", [turn(1, "Nurses earn £30,000.", "information", citations=[cite()])])
    unfair = fairness_scores([a, c])
    assert not unfair["c"].passed and "numbers" in unfair["c"].details


class _Model:
    name = "dummy"

    def respond(self, request: Any) -> str:
        return "4"


def test_the_model_judge_is_optional() -> None:
    from guidance_assistant.backends.base import OfflineResponder

    ctx = context([turn(1, "What do you enjoy?")])
    offline = ResponderJudge(OfflineResponder())
    assert isinstance(offline, Judge) and not offline.available()
    assert "llm_judge" not in {s.name for s in score_case(ctx, judge=offline)}
    judged = score_case(ctx, judge=ResponderJudge(_Model()))
    score = next(s for s in judged if s.name == "llm_judge")
    assert score.passed and score.value == pytest.approx(0.75)
