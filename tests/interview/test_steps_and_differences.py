"""A dated step said without "I'll" is kept before the planning stage; a step that holds a
question word is a step, not a question; "what's the difference between X and Y" describes both
jobs; everyday words for jobs ("OT", "lab technician", "gym instructor") name them. Sentences
written for these tests, not taken from any first-contact round."""

from __future__ import annotations

from datetime import date

import pytest

from guidance_assistant.interview import open_session
from guidance_assistant.interview.reading import analyse_message
from guidance_assistant.interview.session import GuidanceSession
from tests.interview.helpers import StubKnowledge

TODAY = date(2026, 12, 7)

OPENING = [
    "hello",
    "I'm 29 and I want to change career, I work in a call centre",
    "fine",
    "I love fixing things at home and I built my own shed",
    "people say I'm patient and good with my hands",
    "I need a steady wage, I rent on my own",
    "I've been thinking about being an electrician",
]


def _session() -> GuidanceSession:
    session = open_session({}, knowledge=StubKnowledge(), today=TODAY, reader=None)
    for message in OPENING:
        session.reply(message)
    return session


def test_a_dated_step_without_ill_is_kept_once_there_are_options() -> None:
    session = _session()
    session.reply("yes that's right")
    assert session.state.stage == "options_and_challenge"
    session.reply("I'm phoning the college on Thursday to ask about the evening course")
    steps = [a for a in session.state.actions if "college" in a.what]
    assert steps and steps[0].when == date(2026, 12, 10), session.state.actions


@pytest.mark.parametrize(
    "message",
    [
        "And I'll look at the council website tonight to see what courses they fund",
        "I'll ask my manager on Friday which shifts I could drop",
    ],
)
def test_a_step_holding_a_question_word_is_not_a_question(message: str) -> None:
    session = _session()
    turn = session.reply(message)
    assert not turn.rule.startswith("ask."), (turn.rule, turn.text)


def test_the_difference_between_two_jobs_describes_both() -> None:
    analysis = analyse_message("what's the difference between an OT and a physio?")
    ids = [m.occupation_id for m in analysis.occupations]
    assert ids == ["occupational-therapist", "physiotherapist"]
    assert "description" in analysis.info_kinds
    session = _session()
    turn = session.reply("what's the difference between an OT and a physio?")
    assert "occupational therapist" in turn.text.lower(), turn.text
    assert "physiotherapist" in turn.text.lower(), turn.text


@pytest.mark.parametrize(
    ("words", "record"),
    [
        ("I want to be a lab technician", "laboratory-technician"),
        ("maybe a gym instructor", "fitness-instructor"),
        ("welding maybe", "welder"),
        ("she's thinking about being a crime scene investigator", "scenes-of-crime-officer"),
        ("plumbing", "plumber"),  # a one-word answer to "any ideas?"
    ],
)
def test_everyday_words_name_their_job(words: str, record: str) -> None:
    assert record in [m.occupation_id for m in analyse_message(words).occupations]


@pytest.mark.parametrize(
    ("message", "steps"),
    [
        ("asking my manager tomorrow if I can swap shifts", ["ask my manager"]),
        ("and emailing the college wednesday about the course", ["email the college"]),
        ("swimming on saturdays with my mates", []),
    ],
)
def test_a_step_in_ing_without_i_is_read(message: str, steps: list[str]) -> None:
    found = [m.what for m in analyse_message(message, today=TODAY).bare_actions]
    assert [any(f.startswith(s) for f in found) for s in steps] == [True] * len(steps), found
    assert bool(found) == bool(steps), found


def test_a_message_that_opens_with_a_question_is_never_a_decision() -> None:
    session = _session()
    session.reply("yes that's right")
    session.reply("what's a BTEC. my cousin said do a BTEC in electrical. is it the same")
    assert not any("btec" in d.what.lower() for d in session.state.decisions), (
        session.state.decisions
    )


@pytest.mark.parametrize(
    "message",
    [
        "her gran thinks she should be a nurse, she says no thanks",
        "I was a bus driver for twenty years and I'm done with it",
        "my mum does hairdressing and wants me in the salon",
    ],
)
def test_others_ideas_and_past_jobs_are_not_the_clients_ideas(message: str) -> None:
    assert not analyse_message(message).own_occupations, analyse_message(message).occupations


def test_a_job_in_a_denied_list_is_turned_down() -> None:
    session = _session()
    session.reply("maybe plumbing as well")
    assert session.state.option("plumber") is not None
    session.reply("actually no. I'm not doing retail, plumbing or the army")
    plumber = session.state.option("plumber")
    assert plumber is not None and plumber.client_view == "negative", plumber
    assert all(d.occupation_id != "plumber" for d in session.state.decisions), (
        session.state.decisions
    )
