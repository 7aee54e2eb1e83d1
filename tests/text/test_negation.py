"""The one negation scope: which words before a phrase deny it."""

from __future__ import annotations

import pytest

from guidance_assistant.text.negation import (
    NEGATORS,
    NOTE_NEGATORS,
    clause_before,
    hedged,
    negated_before,
    negated_in_list,
)


def test_a_negation_just_before_denies() -> None:
    assert negated_before("he never")
    assert negated_before("nobody")
    assert negated_before("i have not really", words=2)  # a bridge word between
    assert negated_before("no one")
    assert not negated_before("i really")
    assert not negated_before("")


def test_a_contracted_nobody_and_has_deny_too() -> None:
    # round 6: "nobody's locked me in anything" was read as a disclosure
    assert negated_before("nobody's")
    assert negated_before("no one's")
    assert negated_before("nobody has")
    from guidance_assistant.safeguarding.rules import detect_safeguarding

    assert not detect_safeguarding(
        "obviously that's the show, nobody's locked me in anything"
    ).flagged
    assert detect_safeguarding("my stepdad locked me in my room all weekend").flagged


def test_bridge_mode_needs_a_bridge_word_any_mode_does_not() -> None:
    assert not negated_before("dont like")
    assert negated_before("dont like", between="any")


def test_no_and_without_deny_things_only_where_asked() -> None:
    assert not negated_before("there is no")  # a safeguarding reader: "no food" stays a concern
    assert negated_before("there is no", negators=NEGATORS)
    assert negated_before("no statement of", words=4, between="none", negators=NOTE_NEGATORS)
    assert not negated_before("no statement of", words=2, between="none", negators=NOTE_NEGATORS)


def test_apostrophes_and_case_do_not_matter() -> None:
    assert negated_before("I Don't")
    assert negated_before("she doesn’t")


def test_a_negation_never_reaches_across_a_clause() -> None:
    text = "im not sure, but he hits me"
    start = text.index("hits")
    assert clause_before(text, start) == " he "
    assert not negated_before(clause_before(text, start))


def test_hedges_make_a_denial_partial() -> None:
    text = "nobody hits me any more"
    start = text.index("hits")
    assert negated_before(clause_before(text, start))
    assert hedged(text, start, start + 7)
    assert not hedged("nobody hits me", 7, 14)


@pytest.mark.parametrize(
    ("text", "word", "denied"),
    [
        ("not doing the army, welding or hair, sorry", "welding", True),
        ("not doing the army, welding or hair, sorry", "hair", True),
        ("I don't want teaching or social work", "social work", True),
        ("no retail, no care work", "care work", True),
        ("Not sure, welding maybe", "welding", False),
        ("dunno. don't know, hair?", "hair", False),
        ("I like drawing, welding and cars", "welding", False),
        ("I hate exams but I love welding", "welding", False),
        ("Not retail. Welding sounds good", "welding", False),
    ],
)
def test_a_denied_list_denies_its_later_items(text: str, word: str, denied: bool) -> None:
    assert negated_in_list(text, text.lower().index(word)) is denied
