"""A question is answered by its kind, not only its topic: "how much do you get paid on an
apprenticeship" gets the sentence with the pay, "how long does it take" the one with the years;
when the sources on the topic don't say, the engine says so instead of reading out something
else."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from guidance_assistant.interview import open_session
from guidance_assistant.interview.question_kinds import answers_kind, question_kinds
from guidance_assistant.interview.session import GuidanceSession
from tests.interview.helpers import StubKnowledge


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("how much do u get paid on an apprenticeship tho", "pay"),
        ("What do apprentices earn?", "pay"),
        ("who pays the fees for a degree apprenticeship", "cost"),
        ("how long does a t level take", "duration"),
        ("How many years until I'm a nurse if I go to uni?", "duration"),
        ("what grades do u need for sixth form", "entry"),
        ("are 4s and 5s good enough for A levels?", "entry"),
        ("wats a t level", "definition"),
        ("What's an access course?", "definition"),
        ("whats the difference between a btec and a levels", "difference"),
        ("When do degree apprenticeships open for applications?", "when"),
        ("am i too old for an apprenticeship at 27", "age"),
        ("how do I apply for one", "apply"),
    ],
)
def test_the_kind_of_a_question(question: str, kind: str) -> None:
    assert question_kinds(question)[0] == kind


@pytest.mark.parametrize(
    "message",
    ["I like art and I'm good at drawing", "my mum thinks I should do A levels", "yeah ok"],
)
def test_statements_ask_for_nothing(message: str) -> None:
    assert question_kinds(message) == []


def test_two_kinds_in_one_question_keep_their_order() -> None:
    kinds = question_kinds("How much would I get paid on one, and who pays the fees?")
    assert kinds[:2] == ["pay", "cost"]


def test_markers() -> None:
    assert answers_kind("From April 2026 the apprentice rate is £8.00 an hour.", "pay")
    assert not answers_kind("An apprenticeship is a real job with training.", "pay")
    assert answers_kind("T Levels are two-year technical qualifications.", "duration")
    assert answers_kind("Providers often ask for five GCSEs at grade 4.", "entry")


def _session_in_exploration(knowledge: Any = None) -> GuidanceSession:
    session = open_session(
        {"year_group": 11},
        knowledge=knowledge if knowledge is not None else StubKnowledge(),
        today=date(2026, 12, 7),
        reader=None,
    )
    session.opening()
    for message in ["hi", "I want to talk about what to do after Year 11", "yes"]:
        session.reply(message)
    return session


def test_a_pay_question_about_a_route_gets_the_pay(bundled_kb: Any) -> None:
    reply = _session_in_exploration(bundled_kb).reply(
        "how much do u get paid on an apprenticeship tho"
    )
    assert "£" in reply.text, reply.text


def test_a_how_long_question_gets_the_length(bundled_kb: Any) -> None:
    reply = _session_in_exploration(bundled_kb).reply("how long does a T Level take?")
    assert "two-year" in reply.text or "two years" in reply.text, reply.text


def test_a_what_is_question_gets_what_it_is(bundled_kb: Any) -> None:
    reply = _session_in_exploration(bundled_kb).reply("wats a t level?")
    # The knowledge base's definition, or the answers bank's (knowledge/answers), which comes
    # first when it holds the term.
    assert "T Levels are" in reply.text or "A T Level is" in reply.text, reply.text


def test_a_kind_the_sources_do_not_give_is_declined_honestly(bundled_kb: Any) -> None:
    reply = _session_in_exploration(bundled_kb).reply(
        "How much do you get paid on work experience?"
    )
    assert "won't guess" in reply.text or "£" in reply.text, reply.text


def test_the_answers_bank_says_a_supported_internship_is_unpaid(bundled_kb: Any) -> None:
    reply = _session_in_exploration(bundled_kb).reply(
        "How much do you get paid on a supported internship?"
    )
    assert "unpaid" in reply.text, reply.text
