"""Whole interviews with the real bundled knowledge (slow: they need the built index)."""

from __future__ import annotations

import re
import time
from datetime import date
from typing import Any

import pytest

from guidance_assistant import lmi
from guidance_assistant.interview import GuidanceSession, open_session
from guidance_assistant.interview.grounding import extract_numbers
from guidance_assistant.lmi.render import money
from guidance_assistant.prepare import prepare_brief
from tests.interview.helpers import RecordingResponder, long_budgets

pytestmark = pytest.mark.slow

TODAY = date(2026, 3, 10)
STAGES = [
    "contracting",
    "exploration",
    "options_and_challenge",
    "decision_and_action_planning",
    "close",
]
SCRIPT = [
    "Hi",
    "I want to talk about what to do after Year 11, I'm not sure whether to do A levels",
    "Yes",
    "I love drawing and playing video games, I spend hours designing my own levels",
    "I'm good at art and computing, I got a merit in my art project",
    "Money matters to me, I want a job that pays well. I also hate studying",
    "I live with my mum and we don't have a car, so I need somewhere I can get to by bus",
    "My mum wants me to do A levels but my friends are going to college",
    "Not really, maybe my maths grade",
    "Yes. I was thinking about being a game designer",
    "How much do game designers earn?",
    "That sounds good",
    "ok",
    "I like the sound of the web designer one",
    "yes",
    "I want to go for the apprenticeship route for games developer",
    "I'll look up game design apprenticeships on the government website by Friday",
    "I'll talk to my mum about it this weekend",
    "no that's it",
    "yes",
    "yes, in a month",
]


def run(
    kb: Any, profile: dict[str, Any] | None = None, script: list[str] = SCRIPT, **kwargs: Any
) -> GuidanceSession:
    session = open_session(profile, knowledge=kb, today=TODAY, **kwargs)
    for message in script:
        started = time.perf_counter()
        session.reply(message)
        assert time.perf_counter() - started < 2.0, f"slow turn: {message!r}"
    return session


def test_a_client_exploring_options_reaches_a_dated_action_plan(bundled_kb: Any) -> None:
    session = run(bundled_kb, {"year_group": 11})
    state = session.state
    assert state.stage_history() == STAGES
    assert [t.to_stage for t in state.transitions] == STAGES[1:]
    assert all(t.reason for t in state.transitions)
    assert state.dated_actions() and state.dated_actions()[0].when == date(2026, 3, 13)
    assert state.decisions and state.next_contact_agreed and state.ended
    moves = [e.move for e in state.transcript if e.speaker == "adviser"]
    for move in (
        "contracting",
        "open_question",
        "reflection",
        "summary",
        "information",
        "action_planning",
    ):
        assert move in moves
    exploration = [
        e.move for e in state.transcript if e.speaker == "adviser" and e.stage == "exploration"
    ]
    assert exploration.count("reflection") + exploration.count("affirmation") > exploration.count(
        "open_question"
    )
    plan = session.action_plan().to_markdown()
    assert "Friday 13 March 2026" in plan and "lmi/computer-games-developer" in plan
    assert "Stages: contracting → exploration" in session.summary()


def test_options_are_presented_with_technical_and_apprenticeship_routes(bundled_kb: Any) -> None:
    # How options are presented, not when: room for the long exploration of this script.
    session = run(bundled_kb, script=SCRIPT[:10], interview=long_budgets())
    shown = session.state.transcript[-1]
    assert shown.move == "information"
    # The headline: the ways in side by side in one sentence, cited (the entry requirements
    # route by route come when the client asks about routes).
    for route in ("university", "college", "an apprenticeship"):
        assert route in shown.text
    assert "(National Careers Service job profile, 2020)" in shown.text
    assert any(c.citation.section == "Entry routes" for c in shown.citations)
    routes = session.reply("What are the ways to become a computer games developer?")
    assert routes.move == "information"
    for route in ("University", "College", "Apprenticeship"):
        assert f"- {route}" in routes.text


def test_a_pay_question_gets_the_records_figure_with_its_citation(bundled_kb: Any) -> None:
    session = open_session({"year_group": 10}, knowledge=bundled_kb, today=TODAY)
    for message in SCRIPT[:4]:
        session.reply(message)
    turn = session.reply("How much do nurses earn?")
    record = lmi.get("nurse")
    assert turn.move == "information"
    assert (
        record.salary.starter is not None
        and record.ashe is not None
        and record.ashe.median is not None
    )
    assert money(record.salary.starter.value) in turn.text
    assert "National Careers Service job profile, 2020" in turn.text
    assert any(c.source == "lmi/nurse" and c.citation.section == "Pay" for c in turn.citations)
    values = {token.value for token in extract_numbers(turn.text)}
    assert record.salary.starter.value in values
    # One set of figures per answer: asked again, the wider group's national figures (ONS),
    # with their own source and year, rather than the same figures repeated.
    again = session.reply("How much do nurses earn?")
    assert again.move == "information"
    assert money(record.ashe.median.value) in again.text
    assert money(record.salary.starter.value) not in again.text
    assert f"Annual Survey of Hours and Earnings {record.ashe.median.year}" in again.text
    assert any(c.source == "lmi/nurse" and c.citation.section == "Pay" for c in again.citations)


def test_a_disclosure_mid_conversation_stops_guidance_even_with_a_model(bundled_kb: Any) -> None:
    model = RecordingResponder()
    session = open_session(None, backend=model, knowledge=bundled_kb, today=TODAY)
    for message in SCRIPT[:6]:
        assert "MODEL WORDS" in session.reply(message).text
    calls = len(model.requests)
    turn = session.reply("Sometimes I think about killing myself")
    assert turn.move == "safeguarding_response" and "safeguarding" in turn.flags
    assert "0800 1111" in turn.text and "MODEL WORDS" not in turn.text
    assert session.state.active_flag is not None
    assert len(model.requests) == calls
    later = session.reply("What about being a game designer?")
    # a question is answered while the flag is open, offline, with the reminder
    assert later.move == "information" and "MODEL WORDS" not in later.text
    assert "designated safeguarding lead" in later.text and len(model.requests) == calls
    held = session.reply("ok whatever")
    assert held.move == "safeguarding_response" and len(model.requests) == calls


def test_an_inventing_backend_never_shows_its_figure(bundled_kb: Any) -> None:
    session = open_session(
        None, backend=RecordingResponder("Nurses earn £99,999."), knowledge=bundled_kb, today=TODAY
    )
    for message in SCRIPT[:4]:
        session.reply(message)
    turn = session.reply("how much does a nurse earn?")
    assert "99,999" not in turn.text and turn.fallback
    starter = lmi.get("nurse").salary.starter
    assert starter is not None and money(starter.value) in turn.text


def _figures(session: GuidanceSession) -> list[list[float]]:
    return [
        sorted(token.value for token in extract_numbers(e.text))
        for e in session.state.transcript
        if e.speaker == "adviser" and e.move != "contracting"
    ]


def test_names_and_genders_do_not_change_options_or_figures(bundled_kb: Any) -> None:
    profiles = [
        {"name": "Amira", "gender": "female", "year_group": 11},
        {"name": "Jack", "gender": "male", "year_group": 11},
        {"name": "Oluwaseun", "gender": None, "year_group": 11},
        {"name": None, "gender": "non-binary", "year_group": 11},
    ]
    sessions = [run(bundled_kb, profile) for profile in profiles]
    first = sessions[0].state
    for other in sessions[1:]:
        state = other.state
        assert [o.occupation_id for o in state.options] == [o.occupation_id for o in first.options]
        assert [(e.stage, e.move) for e in state.transcript] == [
            (e.stage, e.move) for e in first.transcript
        ]
        assert _figures(other) == _figures(sessions[0])
        assert [[c.source for c in e.citations] for e in state.transcript] == [
            [c.source for c in e.citations] for e in first.transcript
        ]


def test_prepare_brief_with_the_bundled_knowledge(bundled_kb: Any) -> None:
    brief = prepare_brief(
        "Year 11, 16 years old. Has an EHCP for autism. Wants to be an electrician; likes fixing things.",
        knowledge=bundled_kb,
    )
    electrician = next(o for o in brief.occupations if o.occupation_id == "electrician")
    assert any(re.fullmatch(r"£[\d,]+ a year", f.text) and f.year for f in electrician.pay)
    assert any(r.family == "apprenticeship" for r in electrician.routes)
    assert brief.framework_points and all(
        p.citation.source.endswith(".md") for p in brief.framework_points
    )
    assert {need.need for need in brief.needs} >= {"ehcp", "autism"}


# -- the trial conversation: a cooperative Year 11 who likes art and games ---------------------

TRIAL = [
    "Hi, yeah I'm not sure what to do after year 11",
    "I like art and I'm good at drawing, and I like computers",
    "I want to make video games maybe",
    "My parents want me to do A levels and go to uni but I hate exams",
    "I'd want a job that pays well and is creative",
    "How much do games developers earn?",
    "What other ways are there into it apart from uni?",
    "I could look at apprenticeships and talk to my mum",
    "I'll do it by next Friday",
    "yes",
    "thanks",
    "yes",
    "I'd go for the apprenticeship route for games developer",
    "no that's it",
    "yes",
    "yes, in a month",
]
TRIAL_VARIANT = [
    "Hello, um, so I don't know what to do after Year 11",
    "I love art and I'm really good at drawing. I also like computers",
    "Maybe something like making video games",
    "My mum and dad want me to stay on for A levels and then university, but I really hate exams",
    "Good pay matters to me and I want to do something creative",
    "What does a games developer earn?",
    "Are there other routes into it, not university?",
    "I might research apprenticeships online and speak to my mum about it",
    "By next Friday",
    "yeah that makes sense",
    "ok thanks",
    "yes",
    "I want to do the apprenticeship route for games developer",
    "no, that's everything",
    "yes",
    "yes, in a month",
]


@pytest.mark.parametrize("script", [TRIAL, TRIAL_VARIANT], ids=["trial", "variant"])
def test_the_trial_conversation_becomes_a_whole_interview(
    bundled_kb: Any, script: list[str]
) -> None:
    session = open_session({"year_group": 11}, knowledge=bundled_kb, today=TODAY)
    session.opening()
    turns = []
    for message in script:
        started = time.perf_counter()
        turns.append(session.reply(message))
        assert time.perf_counter() - started < 2.0, f"slow turn: {message!r}"
    state = session.state

    # Contracting: the agenda is recorded (no greetings or fillers echoed) and agreed by turn 3.
    assert state.agenda and state.agenda[0] == "working out what to do after Year 11"
    assert "Hi" not in turns[0].text and "um" not in turns[0].text.split()
    first_move_on = state.transitions[0]
    assert first_move_on.to_stage == "exploration" and first_move_on.turn <= 3
    assert first_move_on.reason
    interests = " ".join(f.gist for f in state.facts.get("interests", []))
    assert "art" in interests and "computers" in interests

    # Exploration reflects the family influence and the feeling about exams; no enjoyment
    # question once interests are known.
    family = turns[3]
    assert family.move == "reflection" and "exams" in family.text
    for turn in turns[2:5]:
        assert "enjoy most" not in turn.text and "what you enjoy" not in turn.text

    # The pay answer: the games developer record's figures, cited, naming the profile.
    record = lmi.get("computer-games-developer")
    assert record.salary.starter is not None
    pay = turns[5]
    assert pay.move == "information"
    assert any(c.source == "lmi/computer-games-developer" for c in pay.citations)
    assert money(record.salary.starter.value) in pay.text
    assert "'Computer games developer'" in pay.text

    # The routes answer ("into it"): from the same record, an apprenticeship among the routes.
    routes = turns[6]
    assert routes.move == "information"
    assert any(c.source == "lmi/computer-games-developer" for c in routes.citations)
    assert "- Apprenticeship" in routes.text and "- University" in routes.text

    # The discrepancy is named in the options stage.
    challenge = next(t for t in turns if t.move == "challenge")
    assert challenge.stage == "options_and_challenge"
    assert "exams" in challenge.text and "apprenticeship route" in challenge.text

    # Stages in order, ending at close, each transition with its reason.
    assert state.stage_history() == STAGES
    assert all(t.reason for t in state.transitions)
    assert state.ended and state.next_contact_agreed and state.decisions

    # The plan: the client's steps, dated, owned by the client.
    dated = state.dated_actions()
    assert len(dated) >= 2 and all(a.who == "You" for a in dated)
    assert {a.when for a in dated} == {date(2026, 3, 20)}
    assert any("apprenticeships" in a.what for a in dated)
    assert any("mum" in a.what for a in dated)
    plan = session.action_plan().to_markdown()
    assert "No steps agreed yet" not in plan and "Friday 20 March 2026" in plan
    assert "lmi/computer-games-developer" in plan
