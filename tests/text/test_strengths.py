"""The strengths a client names, said back to them; never a denial or a plain fact (issue 13,
point 4: affirmations that quote a put-down or a fact as a strength). Sentences written for this
test, not taken from any first-contact round."""

from __future__ import annotations

import pytest

from guidance_assistant.text.strengths import strength_phrases


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        (
            "I'm good at fixing bikes and I'm really patient.",
            ["you're good at fixing bikes", "you're really patient"],
        ),
        (
            "im gud at art but im good wiv my hands",
            ["you're gud at art", "you're good wiv your hands"],
        ),
        ("I am good at french and spanish.", ["you're good at french and spanish"]),
        ("I'm organised I think", ["you're organised"]),
        ("Everyone says I'm good with animals, honestly", ["you're good with animals"]),
    ],
)
def test_strengths_named_are_said_back_in_the_clients_words(said: str, expected: list[str]) -> None:
    assert strength_phrases(said) == expected


@pytest.mark.parametrize(
    "said",
    [
        "I'm not very good at maths though",
        "I don't think I'm good at anything really",
        "I missed loads of school last year",
        "I left school with a 3 in English",
        "yeah I'm good at it",
        "I'm in set 4 for maths",
    ],
)
def test_denials_facts_and_vague_words_are_not_strengths(said: str) -> None:
    assert strength_phrases(said) == []
