"""Steps someone else takes for the client ("Mr Patel will email the college on Monday"),
numbered steps ("Step one, email..."), questions after "and"/"ok so", someone else's suggestion
in English as an additional language ("My husband say interpreter"), a school subject that is
not a job idea, reflections that leave out apologies and thanks and give a bare verb its "you",
a decision in the client's words without "you will", and framework sentences written for the
adviser never read to a client. Sentences written for these tests, not taken from any
first-contact round."""

from __future__ import annotations

from datetime import date

import pytest

from guidance_assistant.interview import grounding
from guidance_assistant.interview.occupations import find_occupations
from guidance_assistant.interview.reading import analyse_message, make_gist
from guidance_assistant.interview.updates import _WAY_LEAD

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("message", "who", "what", "when"),
    [
        ("Mrs Okafor will phone the college about it on Friday", "Mrs Okafor", "phone", 11),
        ("my key worker will help me fill in the form next Tuesday", "Key Worker", "help", 15),
    ],
)
def test_a_step_someone_else_takes_is_kept_under_their_name(
    message: str, who: str, what: str, when: int
) -> None:
    analysis = analyse_message(message, today=TODAY)
    assert [(a.who, a.what.split()[0], a.concrete) for a in analysis.actions] == [
        (who, what, True)
    ], analysis.actions
    assert [d.when for d in analysis.dates] == [date(2026, 12, when)]


def test_someone_elses_words_that_are_not_a_step_are_not_one() -> None:
    assert analyse_message("my caseworker will kill me if I miss it", today=TODAY).actions == []


@pytest.mark.parametrize(
    "message",
    [
        "Step two, ring the training provider before Christmas",
        "Secondly: book a place on the taster day",
    ],
)
def test_a_numbered_step_is_a_step(message: str) -> None:
    analysis = analyse_message(message, today=TODAY)
    assert [a.what.split()[0] for a in analysis.bare_actions] in (["ring"], ["book"])


@pytest.mark.parametrize(
    "message",
    [
        "and do you have to be 17 to start a plumbing apprenticeship",
        "ok so do u need a licence for that",
    ],
)
def test_a_question_after_and_or_ok_so_is_a_question(message: str) -> None:
    assert analyse_message(message, today=TODAY).is_question


def test_a_suggestion_said_without_its_s_is_someone_elses() -> None:
    mentions, _ = find_occupations("My brother say electrician, because the money. But no")
    assert mentions and not mentions[0].own_idea and mentions[0].suggested_by_others


def test_a_school_subject_is_not_a_job_idea() -> None:
    mentions, _ = find_occupations("do I need physics A level for radiography?", activities=True)
    assert [m.title for m in mentions] == ["Radiographer"]
    mentions, _ = find_occupations("I'd love a career in photography", activities=True)
    assert [m.title for m in mentions] == ["Photographer"]


@pytest.mark.parametrize(
    "clause",
    ["sorry if I'm rubbish at this today", "thanks for that", "please don't tell my dad"],
)
def test_apologies_thanks_and_secrecy_are_never_reflected(clause: str) -> None:
    assert make_gist(clause, "interests") == ""


def test_a_bare_verb_gets_its_you_and_the_first_sentence_is_enough() -> None:
    gist = make_gist("want to be a mechanic. have my own garage one day", "interests")
    assert gist == "you want to be a mechanic"


def test_a_decision_in_the_clients_words_drops_i_will() -> None:
    assert _WAY_LEAD.sub("", "I will practise the route to college with my dad") == (
        "practise the route to college with my dad"
    )
    assert _WAY_LEAD.sub("", "Decision: the access course in September") == (
        "the access course in September"
    )


def test_sentences_written_for_the_adviser_are_not_read_to_a_client() -> None:
    text = (
        "A T Level is a two-year course. Advisers should check which routes the pupil has "
        "heard about. The adviser names the discrepancy tentatively."
    )
    assert grounding.passage_sentences(text, for_client=True) == ["A T Level is a two-year course."]
    assert len(grounding.passage_sentences(text)) == 3


def test_a_job_turned_down_by_its_fields_word_is_withdrawn() -> None:
    from guidance_assistant.interview import open_session
    from tests.interview.helpers import StubKnowledge

    session = open_session({}, knowledge=StubKnowledge(), today=TODAY, reader=None)
    for message in ["hi", "I'm 17 and I want to be a photographer", "yeah"]:
        session.reply(message)
    assert [o.client_view for o in session.state.options if o.title == "Photographer"] == [None]
    session.reply("Actually not photography any more, I want to do graphic design")
    assert [o.client_view for o in session.state.options if o.title == "Photographer"] == [
        "negative"
    ]
