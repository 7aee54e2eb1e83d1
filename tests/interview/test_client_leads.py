"""A client who says which way they will go, or sets their own dated steps, is followed into
planning; a question with content is answered whatever the stage; a job the client turns down
is never their decision (issue 13). Sentences written for these tests, not taken from any
first-contact round."""

from __future__ import annotations

from datetime import date

import pytest

from guidance_assistant.interview import open_session
from guidance_assistant.interview.session import GuidanceSession
from guidance_assistant.text.dates import find_dates
from tests.interview.helpers import StubKnowledge

PLANNING = "decision_and_action_planning"
TODAY = date(2026, 12, 7)

OPENING = [
    "hiya",
    "my head of year said to come, I need to pick what to do after GCSEs",
    "yeah",
    "I like cooking and I do the baking club on Wednesdays",
    "I'm good at staying calm when it's busy, like at my aunt's cafe",
    "I want a job where I'm on my feet, not stuck at a desk",
    "my mum's fine with whatever I pick",
]


def _session() -> GuidanceSession:
    return open_session({"year_group": 11}, knowledge=StubKnowledge(), today=TODAY, reader=None)


def _play(session: GuidanceSession, messages: list[str]) -> int | None:
    reached = None
    for turn, message in enumerate(messages, start=1):
        session.reply(message)
        if session.state.stage == PLANNING and reached is None:
            reached = turn
    return reached


def test_a_way_forward_in_the_clients_words_takes_the_interview_to_planning() -> None:
    session = _session()
    reached = _play(
        session, [*OPENING, "nah not really", "ok so the catering course at college then"]
    )
    assert reached == 9, session.state.stage_history()
    decision = session.state.decisions[-1]
    assert "catering course at college" in decision.text
    assert not decision.text.lower().startswith(("ok", "so"))


def test_own_dated_steps_are_kept_with_their_dates() -> None:
    session = _session()
    _play(
        session,
        [
            *OPENING,
            "nah not really",
            "right, college for catering then",
            "I'll go to the college open evening in January with my mum",
            "and I'll ask Mrs Reed about a reference after Christmas",
        ],
    )
    assert session.state.stage == PLANNING
    dated = session.state.dated_actions()
    assert any("open evening" in a.what and a.when == date(2027, 1, 15) for a in dated), dated
    assert any("Mrs Reed" in a.what and a.when is not None for a in dated), dated


def test_a_question_without_known_cues_is_still_answered_not_summed_up() -> None:
    session = _session()
    _play(session, OPENING[:6])
    turn = session.reply("how long does a catering aprentiship take")
    assert turn.move == "information", (turn.move, turn.rule)


def test_a_job_turned_down_is_never_the_decision() -> None:
    session = _session()
    _play(session, [*OPENING, "my dad wants me to be a chef like him"])
    session.reply("I don't want to be a chef, ok so the baking course at college then")
    assert all(d.occupation_id != "chef" for d in session.state.decisions)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("I'll do it in January", date(2027, 1, 15)),
        ("by March", date(2027, 3, 1)),
        ("by the end of February", date(2027, 2, 28)),
        ("before Christmas", date(2026, 12, 18)),  # the last school day
        ("when we break up", date(2026, 12, 18)),
        ("after half term", date(2027, 2, 22)),  # the first day back
        ("nxt tues", date(2026, 12, 15)),
        ("on the 14th", date(2026, 12, 14)),
        ("the interview is 14/1", date(2027, 1, 14)),
        ("in a fortnight", date(2026, 12, 21)),
        ("tomoz", date(2026, 12, 8)),
        ("this wkend", date(2026, 12, 12)),
        ("this week", date(2026, 12, 11)),
        ("by December", date(2026, 12, 31)),
    ],
)
def test_dates_people_say(words: str, expected: date) -> None:
    found = find_dates(words, TODAY)
    assert found and found[0].when == expected, found


def test_a_decline_asked_for_twice_is_not_said_word_for_word_again() -> None:
    from guidance_assistant.evals.interview.matching import says_no_information

    session = _session()
    _play(session, OPENING[:6])
    first = session.reply("what's a zorbular quantification voucher?")
    second = session.reply("and who hands out zorbular quantification vouchers?")
    assert says_no_information(first.text) and says_no_information(second.text)
    assert first.text != second.text
