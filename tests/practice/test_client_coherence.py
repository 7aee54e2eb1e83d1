"""The simulated client stays coherent (issue 16, point 2): it answers the question asked, keeps
to its answers, never repeats itself or its opening, and discloses only what was earned.

Each turn's skill is given, so these test the client, not the skill classifier.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from guidance_assistant.practice.client import ClientEngine, Prediction, answer_polarity
from guidance_assistant.practice.personas import (
    Persona,
    get_persona,
    load_personas,
    opening_polarity,
    words,
)
from guidance_assistant.practice.questions import answers_kind, read_question
from guidance_assistant.practice.session import PracticeSession

ALL_PERSONAS = [p.id for p in load_personas()]
Script = list[tuple[str, str]]


def play(persona: Persona | str, script: Script, *, seed: int = 0) -> list[str]:
    labels = {text: skill for skill, text in script}
    session = PracticeSession(persona, seed=seed, skill_of=lambda t: Prediction(labels[t]))
    return [session.say(text).text for _, text in script]


# --- the cases in the issue ------------------------------------------------------------------


def test_a_grades_question_gets_grades_and_a_yes_no_question_something_else() -> None:
    replies = play(
        "year11-undecided",
        [
            ("closed_question", "What grades are you predicted?"),
            ("closed_question", "Do you want to be a teacher?"),
        ],
    )
    grades, teacher = replies
    assert answers_kind(grades, "grades"), grades
    assert teacher != grades
    assert opening_polarity(teacher) in ("yes", "no", "unsure"), teacher
    assert "It's OK. Some of it." not in replies


def test_shadowing_is_never_denied_then_disclosed() -> None:
    persona = get_persona("family-expectation")
    script: Script = [
        ("open_question", "What would you like to get out of today?"),
        ("closed_question", "Have you done any shadowing?"),
        ("open_question", "What do you enjoy outside school?"),
        ("reflection", "It sounds like biology matters a lot to you."),
        ("open_question", "Tell me more about the plan."),
        ("reflection", "So the plan feels like someone else's."),
    ]
    replies = play(persona, script)
    assert opening_polarity(replies[1]) != "no", replies[1]
    assert not replies[1].lower().startswith("not really")
    assert persona.fact("midwife").text in replies[3]
    assert persona.fact("shadowing").text in replies[5]


def test_a_reflection_is_answered_on_its_topic_not_with_an_unrelated_line() -> None:
    persona = get_persona("family-expectation")
    script: Script = [
        ("contracting", "We've got about twenty minutes, and it's your time. Is that OK?"),
        ("open_question", "What's brought you along today?"),
        ("open_question", "Tell me a bit more about the plan."),
        ("reflection", "So it's all been mapped out for you."),
        ("reflection", "And that feels like a lot to live up to."),
    ]
    replies = play(persona, script)
    contracting = set(persona.responses.contracting)
    for reply in replies[3:]:
        assert reply not in contracting
        assert "draft statement" not in reply
    plan = {s.text for s in persona.surface if s.topic != "plan"}
    assert not any(text in reply for text in plan for reply in replies[3:])


def test_the_opening_is_said_once_and_only_as_the_answer_to_an_invitation() -> None:
    persona = get_persona("year11-undecided")
    script: Script = [
        ("closed_question", "What year are you in?"),
        ("open_question", "What's brought you along today?"),
        ("open_question", "Tell me a bit more about the plan."),
        ("open_question", "What would you like to get out of today?"),
        ("reflection", "Sounds like everyone's asking."),
        ("open_question", "Go on."),
    ]
    replies = play(persona, script)
    assert replies[1] == persona.opening
    assert sum(persona.opening in reply for reply in replies) == 1


def test_asked_again_the_client_keeps_to_its_answer() -> None:
    persona = get_persona("year11-undecided")
    script: Script = [
        ("closed_question", "Have you done any work experience?"),
        ("closed_question", "Have you got a Saturday job?"),
        ("closed_question", "Sorry, did you say you'd done work experience?"),
        ("closed_question", "And what grades are you predicted?"),
        ("closed_question", "So what grades did you say you're predicted?"),
    ]
    replies = play(persona, script)
    assert opening_polarity(replies[0]) == "yes"
    assert opening_polarity(replies[2]) == "yes"
    assert "said" in replies[2].lower()
    assert answers_kind(replies[3], "grades") and answers_kind(replies[4], "grades")
    assert replies[4] != replies[3]


def test_a_straight_question_about_a_locked_fact_is_held_back_not_answered_or_denied() -> None:
    persona = get_persona("year11-undecided")
    engine = ClientEngine(persona)
    reply = engine.reply("Have you ever had a panic attack?", "closed_question")
    assert reply.kind == "guarded"
    assert reply.disclosed == []
    assert opening_polarity(reply.text) != "no"


def test_a_client_does_not_ask_how_long_when_told() -> None:
    persona = get_persona("year11-undecided")
    for seed in range(8):
        engine = ClientEngine(persona, seed=seed)
        text = engine.reply("We've got about half an hour, is that OK?", "contracting").text
        assert "how long" not in text.lower()


def test_unknown_subjects_get_a_hedge_never_a_bare_yes_or_no() -> None:
    for persona in load_personas():
        engine = ClientEngine(persona)
        reply = engine.reply("Do you want to be an astronaut?", "closed_question")
        assert opening_polarity(reply.text) == "unsure" or reply.kind == "unsure", (
            persona.id,
            reply.text,
        )


# --- every persona, a long conversation --------------------------------------------------


def _long_script(persona: Persona) -> Script:
    script: Script = [
        ("contracting", "Hi, we've got about half an hour. Is that OK?"),
        ("open_question", "What's brought you along today?"),
    ]
    for topic in persona.topics:
        word = topic.keywords[0]
        script += [
            ("closed_question", f"Is {word} going OK?"),
            ("open_question", f"Tell me about {word}."),
            ("reflection", f"So {word} is a big part of this."),
            ("affirmation", "You've clearly thought about this."),
            ("advice", "You should look at apprenticeships."),
            ("other", "Right."),
        ]
    script += [
        ("closed_question", "What grades are you predicted?"),
        ("closed_question", "Have you done any work experience?"),
        ("closed_question", "Have you done any work experience at all?"),
        ("closed_question", "Do you want to go to university?"),
        ("closed_question", "Is uni the plan, then?"),
        ("information", "Apprentices earn a wage."),
        ("challenge", "You keep saying that, though."),
    ]
    return script


@pytest.mark.parametrize("persona_id", ALL_PERSONAS)
def test_no_line_of_three_words_or_more_is_said_twice(persona_id: str) -> None:
    persona = get_persona(persona_id)
    for seed in range(3):
        replies = play(persona, _long_script(persona), seed=seed)
        seen: set[str] = set()
        for reply in replies:
            key = " ".join(words(reply))
            if len(key.split()) >= 3 and not key.startswith(("like i said", "yes i said")):
                assert key not in seen, (persona_id, seed, reply)
                seen.add(key)


@pytest.mark.parametrize("persona_id", ALL_PERSONAS)
def test_closed_questions_and_advice_never_draw_a_disclosure(persona_id: str) -> None:
    persona = get_persona(persona_id)
    labels: dict[str, str] = {}
    session = PracticeSession(persona, skill_of=lambda t: Prediction(labels[t]))
    for fact in persona.hidden:
        for keyword in fact.keywords:
            for skill, text in (
                ("closed_question", f"Is {keyword} something you want to talk about?"),
                ("advice", f"You should think about {keyword}."),
                ("closed_question", f"Have you got anything to say about {keyword}?"),
            ):
                labels[text] = skill
                turn = session.say(text)
                assert turn.disclosed == [], (persona_id, text, turn.text)


@pytest.mark.parametrize("persona_id", ALL_PERSONAS)
def test_yes_no_answers_never_flip(persona_id: str) -> None:
    persona = get_persona(persona_id)
    engine = ClientEngine(persona)
    for answer in persona.facts.answers:
        question = f"Do you have {answer.about[0]}?"
        first = engine.reply(question, "closed_question").text
        again = engine.reply(question, "closed_question").text
        assert opening_polarity(first) == answer.polarity, (persona_id, question, first)
        assert opening_polarity(again) in (answer.polarity, None), (persona_id, again)
        if answer.polarity in ("yes", "no"):
            assert opening_polarity(again) == answer.polarity, (persona_id, again)


# --- reading the question -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "polar"),
    [
        ("What grades are you predicted?", "grades", False),
        ("And what did you get in your mocks?", "grades", False),
        ("What year are you in now?", "year", False),
        ("How old are you?", "age", False),
        ("Who do you live with?", "family", False),
        ("So, what's brought you here today?", "invitation", False),
        ("Hi. How can I help?", "invitation", False),
        ("Do you want to be a teacher?", None, True),
        ("And uni, is that the plan?", None, True),
        ("have u got any work experience", None, True),
    ],
)
def test_the_question_is_read(text: str, kind: str | None, polar: bool) -> None:
    question = read_question(text)
    assert question is not None
    assert (question.kinds[0] if question.kinds else None) == kind
    assert question.polar == polar


def test_a_turn_that_asks_nothing_is_no_question() -> None:
    assert read_question("That sounds like a lot to carry.") is None


# --- the persona file keeps the client coherent ----------------------------------------


def _persona_data(persona_id: str = "year11-undecided") -> dict[str, Any]:
    persona = get_persona(persona_id)
    data = persona.model_dump(mode="json")
    assert isinstance(data, dict)
    return data


def _invalid(data: dict[str, Any], needle: str) -> None:
    with pytest.raises(ValueError, match=needle):
        Persona.model_validate(yaml.safe_load(yaml.safe_dump(data)))


def test_an_answer_may_not_deny_a_fact_the_client_discloses() -> None:
    data = _persona_data()
    answer = data["facts"]["answers"][0]
    answer.update(polarity="no", says="No, never.", fact="vets-placement")
    _invalid(data, "discloses later")


def test_an_answer_must_open_as_its_polarity() -> None:
    data = _persona_data()
    data["facts"]["answers"][0]["says"] = "It's OK. Some of it."
    _invalid(data, "opens as")


def test_a_closed_question_line_may_not_be_a_bare_yes_or_no() -> None:
    data = _persona_data()
    data["responses"]["closed_question"] = ["Yeah.", "Not really.", "Sort of."]
    _invalid(data, "bare yes or no")


def test_grades_must_be_grades() -> None:
    data = _persona_data()
    data["facts"]["grades"] = "They're OK, I think."
    _invalid(data, "does not give the grades")


def test_labels_use_the_clients_pronouns_and_you_labels_none() -> None:
    data = _persona_data()
    data["topics"][0]["label"] = "what he wants next"
    _invalid(data, "pronouns")
    data = _persona_data()
    data["topics"][0]["you_label"] = "what she enjoys"
    _invalid(data, "you_label")


def test_more_proposals_than_accept_lines_get_a_short_yes_not_a_repeated_line() -> None:
    persona = get_persona("apprentice-switch")
    engine = ClientEngine(persona, seed=0)
    engine.reply("We've got about half an hour. Is that OK?", "contracting")
    replies = [
        engine.reply(f"Shall we look at step {n} next?", "contracting").text for n in range(6)
    ]
    lines = persona.responses.lines("accept")
    heads = {line.split(",")[0].split(".")[0] + "." for line in lines}
    assert all(r in lines or r in heads for r in replies), replies
    assert answer_polarity(replies[-1]) == "yes"
    long = [r for r in replies if len(r.split()) >= 3]
    assert len(long) == len(set(long)), replies
