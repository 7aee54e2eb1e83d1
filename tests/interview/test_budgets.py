"""The stage budgets in ``prompts/interview/stages.yaml`` fit a 30-minute interview: about
12-15 client turns, with the plan agreed inside them."""

from __future__ import annotations

from datetime import date

from guidance_assistant.interview import open_session
from guidance_assistant.interview.model import load_interview
from tests.interview.helpers import StubKnowledge

PLANNING = "decision_and_action_planning"


def test_the_budgets_leave_turns_for_a_plan_in_a_30_minute_interview() -> None:
    interview = load_interview()
    assert interview.session_minutes == 30
    before_planning = sum(
        interview.stage(s).max_client_turns
        for s in ("contracting", "exploration", "options_and_challenge")
    )
    assert before_planning <= 13
    assert before_planning + interview.stage(PLANNING).max_client_turns <= 18


def test_a_client_who_keeps_talking_about_themselves_still_reaches_planning_in_time() -> None:
    """A chatty client who never asks to move on: the budgets, not the client, end each stage."""
    session = open_session(
        {"year_group": 11}, knowledge=StubKnowledge(), today=date(2026, 12, 7), reader=None
    )
    messages = [
        "hi",
        "I want to talk about what to do after Year 11",
        "yes",
        "I like drawing and making things, and I help my uncle fix cars at the weekend",
        "I'm good at maths and I'm patient with my little brother",
        "money matters and being outside, not stuck at a desk",
        "we live in a village and the bus only goes twice a day",
        "my mum thinks sixth form but my uncle says an apprenticeship",
        "I get nervous in exams, that's the main worry",
        "I also like gaming and music",
        "I dunno, I just like being busy",
        "my friends are mostly going to college",
        "I suppose I should think about it more",
        "maybe",
        "ok",
    ]
    reached = None
    for turn, message in enumerate(messages, start=1):
        session.reply(message)
        if session.state.stage == PLANNING and reached is None:
            reached = turn
    assert reached is not None and reached <= 13, session.state.stage_history()


def test_a_suggested_step_carries_a_date_and_a_yes_agrees_a_dated_step() -> None:
    """The adviser's suggestion names a date two weeks on; a client who says yes to it has
    agreed a dated step (and may still pick another date or another step)."""
    today = date(2026, 12, 7)
    session = open_session({"year_group": 11}, knowledge=StubKnowledge(), today=today, reader=None)
    suggestion = None
    for message in [
        "hi",
        "I want to talk about what to do after Year 11",
        "yes",
        "I like fixing cars with my uncle",
        "I'm good at maths",
        "money matters, and not being stuck at a desk",
        "we live in a village",
        "my uncle says an apprenticeship",
        "nothing else really",
        "yeah",
        "ok",
        "I think an apprenticeship",
        "dunno",
        "not sure",
        "I don't know",
        "no idea",
        "dunno really",
    ]:
        turn = session.reply(message)
        if turn.move == "action_planning" and "Monday 21 December 2026" in turn.text:
            suggestion = turn.text
            break
    assert suggestion is not None, [e.text for e in session.state.transcript[-4:]]
    session.reply("yeah ok")
    dated = [a for a in session.state.actions if a.when == date(2026, 12, 21)]
    assert dated and dated[0].who == "You", session.state.actions
