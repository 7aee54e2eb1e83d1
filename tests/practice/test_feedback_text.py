"""Feedback without slips (issue 16, point 3): every tip and better phrasing, for every persona
and every situation, has its placeholders filled, its pronouns right, the client's own words in
its quotes, and no doubled words, empty quotes or "..." standing in for words.

``hypothesis`` is not a dependency of this project, so the property is checked exhaustively:
every persona x every situation (each skill, and each skill with what went wrong, stereotyping
included: every stereotyping turn of the spoken bank under every skill) x every state of what
the client has said (nothing yet, one thing, everything, on each topic), and then every turn and
the review of every scripted practice session in ``evals/practice/``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest

from guidance_assistant.evals.practice_client import load_scripts, load_truths, scripts_for
from guidance_assistant.practice.client import Prediction
from guidance_assistant.practice.feedback import (
    SITUATIONS,
    FeedbackContext,
    TurnFeedback,
    load_targets,
    quotable,
    trainee_quote,
    turn_feedback,
)
from guidance_assistant.practice.personas import SKILLS, Persona, load_personas
from guidance_assistant.practice.session import PracticeSession
from guidance_assistant.practice.skill_flags import load_flagged, names_a_group

PERSONAS = load_personas()
STEREOTYPING = [u.text for u in load_flagged() if "stereotype" in u.flags]
"""The spoken bank's turns flagged as stereotyping (trainees' words, some with pronouns)."""
_PRONOUNS = {
    "she": {"she", "her", "hers", "herself"},
    "he": {"he", "him", "his", "himself"},
    "they": {"they", "them", "their", "theirs", "themselves"},
}
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")


def slips(text: str, persona: Persona, *, said_to_client: bool) -> list[str]:
    """What is wrong with one feedback text (empty: nothing)."""
    found: list[str] = []
    if re.search(r"\{[^}]*\}", text):
        found.append("an unfilled {placeholder}")
    if re.search(r"“\s*”|\"\s*\"|‘\s*’|''", text):
        found.append("empty quotes")
    outside = _QUOTED.sub(" ", text)
    if "..." in outside or "…" in outside:
        found.append("'...' standing in for words")
    doubled = re.search(r"\b(\w+)\s+\1\b", outside, flags=re.IGNORECASE)
    if doubled:
        found.append(f"doubled word {doubled.group(0)!r}")
    tokens = set(re.findall(r"[a-z]+", outside.lower()))
    if said_to_client:
        third = tokens & (_PRONOUNS["she"] | _PRONOUNS["he"])
        if third:
            found.append(f"third person {sorted(third)} in words said to the client")
    else:
        for pronouns, forms in _PRONOUNS.items():
            if pronouns != persona.pronouns and pronouns != "they" and tokens & forms:
                found.append(f"{sorted(tokens & forms)} for a client who is {persona.pronouns}")
    for quote in re.findall(r"“([^”]*)”", text):
        if len(quote.split()) < 2:
            found.append(f"a quote too short to be the client's words: {quote!r}")
    return found


def _said_states(persona: Persona) -> Iterator[tuple[str, FeedbackContext]]:
    """Every state of what the client has said that a tip may draw on."""
    yield "nothing said", FeedbackContext(name=persona.display_name)
    items: list[tuple[str | None, str, list[str]]] = [(None, persona.opening, [])]
    items += [(s.topic, s.text, list(s.terms)) for s in persona.surface]
    items += [(f.topic, f.text, [*f.terms, *f.keywords]) for f in persona.hidden]
    for topic in persona.topics:
        yield (
            f"opening only, {topic.id}",
            FeedbackContext.from_said(
                items[:1], topic_id=topic.id, topic=topic.you_label, name=persona.display_name
            ),
        )
        yield (
            f"everything, {topic.id}",
            FeedbackContext.from_said(
                items, topic_id=topic.id, topic=topic.you_label, name=persona.display_name
            ),
        )
    for index in range(1, len(items)):
        yield (
            f"one thing: {items[index][1][:30]}",
            FeedbackContext.from_said(
                [items[index]], topic_id=None, topic=None, name=persona.display_name
            ),
        )


def _situations() -> Iterator[dict[str, object]]:
    for skill in SKILLS:
        yield {"skill": skill}
    yield {"skill": "advice", "premature_advice": True}
    yield {"skill": "information", "unsourced": True}
    yield {"skill": "summary", "wrong_summary": "the army"}
    yield {"skill": "other", "problem": "too_long"}
    quotes = [trainee_quote(text, prefer=names_a_group) for text in STEREOTYPING]
    for index, skill in enumerate(SKILLS):  # every skill, with the quotes in turn
        yield {"skill": skill, "stereotype": quotes[index % len(quotes)]}
    for quote in quotes:  # every quote
        yield {"skill": "information", "stereotype": quote}


def _check(feedback: TurnFeedback, persona: Persona, where: str) -> None:
    problems = slips(feedback.tip, persona, said_to_client=False)
    if feedback.alternative:
        problems += slips(feedback.alternative, persona, said_to_client=True)
    assert not problems, (where, feedback.tip, feedback.alternative, problems)


@pytest.mark.parametrize("persona", PERSONAS, ids=[p.id for p in PERSONAS])
def test_every_tip_for_every_persona_skill_and_state_is_without_slips(persona: Persona) -> None:
    targets = load_targets()
    seen_situations: set[str] = set()
    for state, context in _said_states(persona):
        for situation in _situations():
            feedback = turn_feedback(targets=targets, context=context, **situation)  # type: ignore[arg-type]
            seen_situations.add(feedback.situation)
            _check(feedback, persona, f"{persona.id} · {state} · {situation}")
            if situation.get("stereotype"):
                assert feedback.situation == "stereotype"
                assert f"“{situation['stereotype']}”" in feedback.tip
            if feedback.alternative and "“" in feedback.alternative and context.quotes:
                for quote in re.findall(r"“([^”]*)”", feedback.alternative):
                    assert quote in context.quotes, (quote, context.quotes)
    assert seen_situations == set(SITUATIONS)


def test_alternatives_quote_the_clients_words_when_there_are_some() -> None:
    targets = load_targets()
    persona = next(p for p in PERSONAS if p.id == "year11-undecided")
    topic = persona.topic("enjoy")
    statement = next(s for s in persona.surface if s.id == "saturday-job")
    context = FeedbackContext.from_said(
        [(statement.topic, statement.text, statement.terms)],
        topic_id="enjoy",
        topic=topic.you_label,
        name=persona.display_name,
    )
    closed = turn_feedback("closed_question", targets, context=context)
    assert (
        closed.alternative
        == "You said “I've got a Saturday job at the bakery”. Tell me a bit more about that."
    )
    wrong = turn_feedback("summary", targets, context=context, wrong_summary="the army")
    assert wrong.alternative is not None
    assert "“I've got a Saturday job at the bakery”" in wrong.alternative
    assert "..." not in wrong.alternative
    bare = turn_feedback(
        "closed_question", targets, context=FeedbackContext(topic="what you enjoy")
    )
    assert bare.alternative == "Tell me a bit more about what you enjoy."
    assert "she" not in (bare.alternative or "").split()


def test_the_trainees_words_are_quoted_whole_from_the_sentence_that_names_a_group() -> None:
    assert len(STEREOTYPING) >= 40
    for text in STEREOTYPING:
        quote = trainee_quote(text, prefer=names_a_group)
        assert quote is not None and len(quote.split()) >= 3, text
        plain = " ".join(text.replace("“", "'").replace("”", "'").replace('"', "'").split())
        assert quote in plain, (quote, text)
        assert "..." not in quote and "…" not in quote
        if names_a_group(text):
            assert names_a_group(quote), (quote, text)
    assert (
        trainee_quote(
            "Mm, right. Girls who like talking to people are often good at that, you know. "
            "So what do you think?",
            prefer=names_a_group,
        )
        == "Girls who like talking to people are often good at that, you know"
    )
    assert trainee_quote("  ?! ") is None


def test_a_quote_is_a_short_clause_of_the_clients_words() -> None:
    assert (
        quotable(
            "I've got a Saturday job at the bakery. I like talking to the regulars, they're funny.",
            ["regulars"],
        )
        == "I like talking to the regulars"
    )
    assert quotable("OK.") is None
    piece = quotable("So the thought of two more years of exams is… a lot.")
    assert piece is not None and "…" not in piece


def _marked(text: str, skill: str) -> tuple[str, ...]:
    """Flags for the scripted turns, so that the stereotype texts are checked in every session:
    a turn that names a group is taken as stereotyping, information as a claim (its source is
    then looked for, as the session does)."""
    flags = ("stereotype",) if names_a_group(text) else ()
    return (*flags, "no_source") if skill == "information" else flags


def _given(labels: dict[str, str]) -> Callable[[str], Prediction]:
    return lambda text: Prediction(labels[text])


def _script_sessions() -> Iterator[tuple[Persona, PracticeSession]]:
    truths = load_truths()
    scripts = load_scripts()
    for persona in PERSONAS:
        for script in scripts_for(persona, scripts, truths):
            labels = {turn.say: str(turn.skill) for turn in script.turns}
            session = PracticeSession(
                persona,
                skill_of=_given(labels),
                flags_of=_marked,
            )
            for turn in script.turns:
                session.say(turn.say)
            yield persona, session


def test_every_turn_and_review_of_the_scripted_sessions_is_without_slips() -> None:
    sessions = stereotyped = 0
    for persona, session in _script_sessions():
        sessions += 1
        stereotyped += any(t.feedback.situation == "stereotype" for t in session.turns)
        for number, turn in enumerate(session.turns, start=1):
            _check(turn.feedback, persona, f"{persona.id} turn {number}")
        review = session.feedback().to_markdown()
        problems = slips(review, persona, said_to_client=False)
        # the review quotes the client's hidden facts (“...”), so pronouns inside them are theirs
        assert not problems, (persona.id, problems)
        transcript = session.transcript_markdown()
        assert not re.search(r"\{[^}]*\}", transcript)
        assert any(f.target == "stereotyping" for f in session.feedback().findings)
    assert sessions >= 150
    assert stereotyped >= 12  # the information-dump script, with every persona
