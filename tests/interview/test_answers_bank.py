"""Questions about terms, processes and money are answered from the answers bank
(knowledge/answers) with its source, in any stage that gives information, while a safeguarding
flag is open too; a job question keeps its record's answer. Sentences written for these tests,
not taken from any first-contact round."""

from __future__ import annotations

from datetime import date

from guidance_assistant.interview import open_session
from guidance_assistant.interview.session import GuidanceSession
from tests.interview.helpers import StubKnowledge

OPENING = [
    "hi",
    "my tutor sent me, I'm in year 12 and not sure about next year",
    "ok",
    "I like building things and I'm doing product design",
    "I'm good at maths, I got an 8",
    "I want something practical with decent money",
]


def _session() -> GuidanceSession:
    session = open_session(
        {"year_group": 12}, knowledge=StubKnowledge(), today=date(2026, 12, 7), reader=None
    )
    for message in OPENING:
        session.reply(message)
    return session


def test_a_term_is_answered_from_the_bank_with_its_source() -> None:
    session = _session()
    turn = session.reply("sorry what does NEET mean? my brother says he is one")
    assert turn.rule.startswith("ask.answer_bank"), (turn.rule, turn.text)
    assert "not in education, employment or training" in turn.text
    assert [c.citation.source for c in turn.citations] == ["answers/neet"]
    assert "Department for Education, 2024" in turn.text


def test_money_questions_get_the_figure_with_its_year() -> None:
    session = _session()
    turn = session.reply("do you have to pay uni fees up front? we havent got that money")
    assert turn.rule.startswith("ask.answer_bank"), (turn.rule, turn.text)
    assert "£9,535" in turn.text and "2025/26" in turn.text


def test_a_question_the_bank_does_not_cover_goes_to_the_knowledge_base() -> None:
    session = _session()
    turn = session.reply("what's a degree apprenticeship?")
    assert not turn.rule.startswith("ask.answer_bank"), (turn.rule, turn.text)
    assert turn.move == "information"


def test_the_bank_answers_while_a_flag_is_open() -> None:
    session = _session()
    session.reply("my stepdad hits me when he's drunk and I'm scared to go home")
    assert session.state.flags, "the disclosure was not flagged"
    turn = session.reply("what's a t level anyway")
    assert "T Level" in turn.text and "placement" in turn.text, turn.text
    assert "safeguarding lead" in turn.text
