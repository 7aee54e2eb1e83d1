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
        ("I'd like to do welding", "welder"),
        ("she's thinking about being a crime scene investigator", "scenes-of-crime-officer"),
    ],
)
def test_everyday_words_name_their_job(words: str, record: str) -> None:
    assert record in [m.occupation_id for m in analyse_message(words).occupations]
