"""Practice sessions: the simulated client responds to the trainee's skill, and coaches them.

Most tests inject ``skill_of`` (the trainee's skill is given with each scripted line), so they
test the client engine, not the classifier, and run without any model.
"""

from __future__ import annotations

import pytest

from guidance_assistant.backends.base import BackendError, ResponseRequest
from guidance_assistant.practice.client import Prediction, sounds_like_adviser
from guidance_assistant.practice.personas import Persona, get_persona, load_personas
from guidance_assistant.practice.session import ClientTurn, PracticeSession

Script = list[tuple[str, str]]
"""(skill label, trainee message) pairs."""

ALL_PERSONAS = [p.id for p in load_personas()]


class Scripted:
    """A ``skill_of`` that labels each scripted message with its given skill."""

    def __init__(self, script: Script) -> None:
        self.labels = {text: label for label, text in script}

    def __call__(self, text: str) -> Prediction:
        return Prediction(self.labels.get(text, "other"))


def run(
    persona: Persona | str, script: Script, *, seed: int = 0
) -> tuple[PracticeSession, list[ClientTurn]]:
    session = PracticeSession(persona, seed=seed, skill_of=Scripted(script))
    return session, [session.say(text) for _, text in script]


def skilled_session(persona: Persona, *, seed: int = 0) -> tuple[PracticeSession, list[ClientTurn]]:
    """Open questions and reflections on every topic (generated from the persona), a summary."""
    script: Script = [
        ("contracting", "We've got about half an hour, and this is your time. Does that sound OK?"),
        ("open_question", "What's brought you along today?"),
    ]
    for topic in persona.topics:
        word = topic.keywords[0]
        for round_ in range(4):
            script += [
                ("open_question", f"How do you feel about {word}? Tell me more ({round_})."),
                ("reflection", f"It sounds like {word} matters a lot to you here ({round_})."),
                (
                    "affirmation",
                    f"You've thought hard about {word}, that takes courage ({round_}).",
                ),
            ]
    session = PracticeSession(persona, seed=seed, skill_of=Scripted(script))
    turns = [session.say(text) for _, text in script]
    said = [session.engine._item(i) for i in session.engine.said]
    terms = [item.terms[0] for item in said if item.terms][:4]
    summary = f"So far you've talked about {', '.join(terms)}. Have I got that right?"
    turns.append(_say(session, summary, "summary"))
    return session, turns


def _say(session: PracticeSession, text: str, label: str) -> ClientTurn:
    scripted = session.skill_of
    assert isinstance(scripted, Scripted)
    scripted.labels[text] = label
    return session.say(text)


def unskilled_script(persona: Persona) -> Script:
    script: Script = [("closed_question", "Are you OK?")]
    for topic in persona.topics:
        word = topic.keywords[0]
        script += [
            ("closed_question", f"Is {word} going well?"),
            ("closed_question", f"Do you like {word}?"),
            ("advice", f"You should do an apprenticeship, forget {word}."),
        ]
    script += [("advice", "Just apply to college, that's what I'd do.")]
    return script


@pytest.mark.parametrize("persona_id", ALL_PERSONAS)
def test_a_skilled_trainee_uncovers_every_hidden_fact(persona_id: str) -> None:
    persona = get_persona(persona_id)
    session, turns = skilled_session(persona)
    assert set(session.disclosed) == {f.id for f in persona.hidden}
    assert turns[-1].feedback.situation == "summary", turns[-1].text
    feedback = session.feedback()
    assert feedback.undisclosed == []
    assert not feedback.premature_advice_turns
    met = {f.target: f.met for f in feedback.findings}
    assert met["open_to_closed"] and met["reflections"] and met["disclosure"]


@pytest.mark.parametrize("persona_id", ALL_PERSONAS)
def test_an_unskilled_trainee_uncovers_little_and_is_told_why(persona_id: str) -> None:
    persona = get_persona(persona_id)
    session, turns = run(persona, unskilled_script(persona))
    assert len(session.disclosed) <= 1
    feedback = session.feedback()
    unmet = {f.target: f.message for f in feedback.unmet}
    assert "closed questions" in unmet["open_to_closed"]
    assert "advice" in unmet["premature_advice"].lower()
    assert "disclosure" in unmet
    # closed questions get short answers
    closed = [t for t in turns if t.skill == "closed_question"]
    assert all(len(t.text.split()) <= 10 for t in closed)
    advice = [t for t in turns if t.feedback.situation == "advice_premature"]
    assert advice and all(t.feedback.alternative for t in advice)


def test_the_same_seed_gives_the_same_session_and_seeds_vary_the_wording() -> None:
    persona = get_persona("neet-risk-16")
    script = unskilled_script(persona) + [("other", f"Right. ({n})") for n in range(6)]
    first = [t.text for t in run(persona, script, seed=3)[1]]
    again = [t.text for t in run(persona, script, seed=3)[1]]
    assert first == again
    others = [[t.text for t in run(persona, script, seed=s)[1]] for s in range(4, 9)]
    assert any(texts != first for texts in others)


def test_a_wrong_summary_is_corrected() -> None:
    persona = get_persona("year9-options")
    script: Script = [
        ("open_question", "What's brought you along today?"),
        ("open_question", "What do you enjoy doing outside school?"),
        ("summary", "So you help your uncle with bikes and you'd like to join the army."),
    ]
    _, turns = run(persona, script)
    assert "bike" in turns[1].text
    assert "army" in turns[-1].text
    assert turns[-1].feedback.situation == "summary_wrong"
    assert "army" in turns[-1].feedback.tip


def test_a_summary_that_contradicts_the_client_is_corrected() -> None:
    persona = get_persona("year9-options")
    script: Script = [
        ("open_question", "Tell me about your options."),
        ("open_question", "And which subject lessons do you get on with?"),
        ("summary", "So the deadline is close, and you hate DT."),
    ]
    _, turns = run(persona, script)
    assert "DT" in turns[1].text
    assert turns[-1].feedback.situation == "summary_wrong"
    assert "hate DT" in turns[-1].text


def test_a_summary_that_guesses_a_hidden_fact_is_corrected_not_confirmed() -> None:
    persona = get_persona("young-carer")
    script: Script = [
        ("open_question", "What's brought you along today?"),
        ("summary", "So you look after your mum and you're behind with coursework."),
    ]
    session, turns = run(persona, script)
    assert turns[-1].feedback.situation == "summary_wrong"
    assert session.disclosed == []


def test_the_client_stays_in_role_whatever_the_trainee_does() -> None:
    labels = [
        "contracting", "open_question", "closed_question", "reflection", "summary",
        "affirmation", "information", "advice", "challenge", "other",
    ]  # fmt: skip
    for persona in load_personas():
        script: Script = [
            (
                labels[(n * 7) % len(labels)],
                f"Message {n} about {persona.topics[n % 2].keywords[0]}",
            )
            for n in range(30)
        ]
        _, turns = run(persona, script, seed=11)
        for turn in turns:
            assert turn.text.strip()
            assert sounds_like_adviser(turn.text) is None, (persona.id, turn.text)
            assert "career" not in turn.text.lower() or "?" not in turn.text


def test_the_client_stays_consistent() -> None:
    persona = get_persona("year13-uni-doubt")
    script: Script = [
        ("closed_question", "Is the course going well?"),
        ("open_question", "How is the course going?"),
        ("closed_question", "Is the course going well, then?"),
        ("open_question", "What's the course like?"),
        ("open_question", "What else about the course?"),
        ("open_question", "And the course?"),
    ]
    session, turns = run(persona, script)
    assert turns[0].text == persona.topic("course").closed_answer
    assert turns[2].text in persona.responses.agree  # the same yes, pointing back to it
    voiced = [t.text for t in turns if t.skill == "open_question"]
    statements = {s.text for s in persona.surface}
    said = [text for text in voiced if text in statements]
    assert len(said) == len(set(said)), "a statement was made twice"
    assert session.disclosed == []  # no reflection: nothing hidden


@pytest.mark.parametrize(
    "message",
    ["<script>alert('x')</script>", "<p></p>&nbsp;", "word " * 20_000],
    ids=["script", "empty-html", "huge"],  # empty ones are refused: test_input_hygiene.py
)
def test_bad_input_gets_a_polite_reply(message: str) -> None:
    session = PracticeSession("year9-options", skill_of=lambda text: Prediction("other"))
    turn = session.say(message)
    assert turn.text in session.persona.responses.unclear
    assert turn.feedback.situation == "unclear"
    assert session.feedback().turns == 1


def test_html_is_read_as_its_text() -> None:
    seen: list[str] = []

    def skill_of(text: str) -> Prediction:
        seen.append(text)
        return Prediction("open_question")

    session = PracticeSession("year9-options", skill_of=skill_of)
    turn = session.say("<b>What's</b> brought you along <i>today</i>?")
    assert seen == ["What's brought you along today?"]
    assert turn.text == session.persona.opening


def test_per_turn_feedback_names_the_skill_and_a_better_move() -> None:
    script: Script = [
        ("closed_question", "Do you like your subjects?"),
        ("information", "Engineering apprentices earn more than graduates."),
        (
            "information",
            "According to the National Careers Service, electricians train for 4 years.",
        ),
        ("advice", "You should take triple science."),
    ]
    _, turns = run("year9-options", script)
    closed, unsourced, sourced, advice = turns
    assert closed.feedback.skill == "closed_question"
    assert closed.feedback.alternative and "GCSE options" in closed.feedback.alternative
    assert unsourced.feedback.situation == "information_unsourced"
    assert sourced.feedback.situation == "information"
    assert advice.feedback.situation == "advice_premature"


def test_advice_after_the_criteria_is_welcome() -> None:
    script: Script = [
        ("open_question", "Tell me about your subjects."),
        ("open_question", "What else about your subjects?"),
        ("advice", "Given you like DT, you could look at engineering routes."),
    ]
    session, turns = run("year9-options", script)
    assert turns[-1].feedback.situation == "advice"
    assert turns[-1].text in session.persona.responses.advice
    assert session.feedback().premature_advice_turns == []


def test_session_feedback_markdown() -> None:
    persona = get_persona("graduate-unsure")
    session, _ = run(persona, unskilled_script(persona))
    text = session.feedback().to_markdown()
    assert "# Practice session with Nadia" in text
    assert "Too many closed questions" in text
    assert "not found" in text


class FakeModel:
    """A responder that says whatever it is told to, and records the requests."""

    name = "fake"

    def __init__(self, reply: str | None) -> None:
        self.reply = reply
        self.requests: list[ResponseRequest] = []

    def respond(self, request: ResponseRequest) -> str:
        self.requests.append(request)
        if self.reply is None:
            raise BackendError("the model server is down")
        return self.reply


def test_a_model_reply_is_used_when_it_keeps_to_the_rules() -> None:
    model = FakeModel("Erm, I suppose DT is the one I like. The lamp actually worked.")
    session = PracticeSession("year9-options", model, skill_of=lambda t: Prediction("other"))
    turn = session.say("Right.")
    assert turn.used_model and turn.text.startswith("Erm")
    request = model.requests[0]
    assert request.client_message == "Right."
    for fact in session.persona.hidden:
        assert fact.text not in request.state_summary


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        ("The real reason is French, the teacher shouted at me.", "locked fact"),
        ("Have you thought about what you want to do with your career?", "out of role"),
        ("As an AI language model I cannot pretend to be Jayden.", "out of role"),
        ("", "empty"),
        (None, "backend failed"),
    ],
)
def test_a_model_reply_that_breaks_the_rules_gives_way_to_the_bank(
    reply: str | None, why: str
) -> None:
    model = FakeModel(reply)
    session = PracticeSession("year9-options", model, skill_of=lambda t: Prediction("other"))
    turn = session.say("Right.")
    assert not turn.used_model
    assert turn.text in session.persona.responses.other
    assert turn.model_rejected is not None and why in turn.model_rejected


def test_once_disclosed_a_fact_may_be_voiced_by_the_model() -> None:
    persona = get_persona("year9-options")
    script: Script = [
        ("open_question", "How are your subjects going?"),
        ("reflection", "It sounds like subjects are a worry."),
    ]
    session, turns = run(persona, script)
    assert turns[-1].disclosed == ["french-teacher"]
    session.responder = FakeModel("Yeah, French. That teacher. I just keep my head down.")
    label = session.skill_of
    assert isinstance(label, Scripted)
    label.labels["Mm."] = "other"
    assert session.say("Mm.").used_model


def test_with_the_real_classifier() -> None:
    pytest.importorskip(
        "guidance_assistant.practice.skills", reason="the skill classifier is not written yet"
    )
    session = PracticeSession("year11-undecided", seed=0)
    first = session.say("What's brought you along today?")
    assert first.skill == "open_question"
    assert first.text == session.persona.opening
    closed = session.say("Do you like school?")
    assert closed.skill == "closed_question"
    assert len(closed.text.split()) <= 10


# --- stereotyping fed back (issue 16, point 1) ------------------------------------------------

GIRLS = "Girls who like talking to people are often good at that."
REFLECTION = "It sounds like talking to the regulars at the bakery is the bit you enjoy most."


def _group_flags(text: str, skill: str) -> tuple[str, ...]:
    """Stand-in flags for the plumbing tests: a turn that names girls is stereotyping."""
    return ("stereotype",) if "girls" in text.lower() else ()


def test_a_stereotyping_turn_is_quoted_back_with_an_alternative_and_in_the_review() -> None:
    script: Script = [
        ("open_question", "What's brought you along today?"),
        ("information", f"Mm, right. {GIRLS} So have a think."),
        ("reflection", REFLECTION),
    ]
    session = PracticeSession("year11-undecided", skill_of=Scripted(script), flags_of=_group_flags)
    turns = [session.say(text) for _, text in script]
    feedback = turns[1].feedback
    assert feedback.situation == "stereotype" and feedback.skill == "information"
    assert f"“{GIRLS.rstrip('.')}”" in feedback.tip and "Maisie" in feedback.tip
    assert feedback.alternative is not None
    assert "girls" not in feedback.alternative.lower()
    assert feedback.alternative.startswith("You said “")  # the client's words, not a group
    assert [t.feedback.situation for t in (turns[0], turns[2])] == ["open_question", "reflection"]
    assert session.records[1].stereotype == GIRLS.rstrip(".")
    review = session.feedback()
    assert review.stereotype_turns == [2]
    finding = next(f for f in review.findings if f.target == "stereotyping")
    assert not finding.met and "turn 2" in finding.message and "“Girls who" in finding.message
    assert "Assumptions from a group" in review.to_markdown()
    assert "> Tip: “Girls who" in session.transcript_markdown()


def test_a_session_without_stereotyping_says_so_and_one_not_read_for_it_says_nothing() -> None:
    script: Script = [
        ("open_question", "What's brought you along today?"),
        ("reflection", REFLECTION),
    ]
    read = PracticeSession("year11-undecided", skill_of=Scripted(script), flags_of=_group_flags)
    for _, text in script:
        read.say(text)
    finding = next(f for f in read.feedback().findings if f.target == "stereotyping")
    assert finding.met and finding.message.startswith("No assumptions about Maisie")
    unread, _ = run("year11-undecided", [*script, ("information", GIRLS)])
    assert unread.turns[-1].feedback.situation == "information_unsourced"
    assert all(f.target != "stereotyping" for f in unread.feedback().findings)


def test_with_the_real_classifier_a_stereotype_draws_a_comment_and_a_reflection_does_not() -> None:
    session = PracticeSession("year11-undecided", seed=0)
    session.say("What's brought you along today?")
    stereotype = session.say(GIRLS)
    reflection = session.say(REFLECTION)
    assert stereotype.feedback.situation == "stereotype"
    assert "“Girls who like talking to people are often good at that”" in stereotype.feedback.tip
    assert reflection.skill == "reflection" and reflection.feedback.situation == "reflection"
    assert session.feedback().stereotype_turns == [2]


# --- a model's wording keeps the answer to a yes/no question (issue 16, point 2) ---------------

FLIP = {"yes": "No, not really, no.", "no": "Yeah, definitely, yeah.", "unsure": "Yes, I have."}


def _closed(session: PracticeSession, text: str) -> ClientTurn:
    scripted = session.skill_of
    assert isinstance(scripted, Scripted)
    scripted.labels[text] = "closed_question"
    return session.say(text)


@pytest.mark.parametrize(
    ("model_says", "used", "why"),
    [
        ("No, I don't work anywhere.", False, "from yes to no"),
        ("Saturdays mostly, at the bakery.", False, "drops the answer"),
        ("Erm, yeah. Saturdays at the bakery.", True, None),
        ("I do, yeah, on a Saturday.", True, None),
    ],
)
def test_a_model_reply_keeps_the_yes_of_a_yes_no_answer(
    model_says: str, used: bool, why: str | None
) -> None:
    model = FakeModel(model_says)
    session = PracticeSession("year11-undecided", model, skill_of=Scripted([]))
    turn = _closed(session, "Have you got a job at the moment?")
    assert "a yes" in " ".join(model.requests[0].constraints)
    assert turn.used_model is used
    if used:
        assert turn.text == model_says
    else:
        assert turn.text == "Yeah, on Saturdays."  # the persona's own answer, from its card
        assert why is not None and turn.model_rejected is not None
        assert why in turn.model_rejected


def test_a_not_sure_may_not_become_a_yes_and_other_turns_are_not_held_to_a_polarity() -> None:
    model = FakeModel("Yes, definitely uni.")
    session = PracticeSession("year11-undecided", model, skill_of=Scripted([]))
    turn = _closed(session, "Are you thinking about university?")
    assert turn.text == "Dunno. Maybe one day. It feels miles off."
    assert turn.model_rejected == "changes the answer to a yes/no question from not sure to yes"
    model.reply = "No idea really, I just come in and do it."
    scripted = session.skill_of
    assert isinstance(scripted, Scripted)
    scripted.labels["Tell me about a normal week."] = "open_question"
    assert session.say("Tell me about a normal week.").used_model  # not a yes/no question


@pytest.mark.parametrize("persona_id", ALL_PERSONAS)
def test_for_every_persona_a_flipped_yes_or_no_gives_way_to_the_cards_answer(
    persona_id: str,
) -> None:
    persona = get_persona(persona_id)
    assert persona.facts.answers
    for answer in persona.facts.answers:
        model = FakeModel(FLIP[answer.polarity])
        session = PracticeSession(persona, model, skill_of=Scripted([]))
        turn = _closed(session, f"Do you think {answer.about[0]} is part of it?")
        assert turn.text == answer.says, (persona_id, answer.id, turn.text)
        assert not turn.used_model
        assert turn.model_rejected is not None and "yes/no" in turn.model_rejected
