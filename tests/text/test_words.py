"""The one key words are matched by (text/words.match_key): forms of one field meet, words
that only share their first letters stay apart."""

from __future__ import annotations

import pytest

from guidance_assistant.text.words import match_key


@pytest.mark.parametrize(
    "forms",
    [
        ("nurse", "nursing", "nurses"),
        ("teacher", "teaching", "teach"),
        ("apprentice", "apprenticeship", "apprenticeships", "apprentiship", "apprentership"),
        ("physio", "physiotherapy", "physiotherapist"),
        ("electrician", "electrical"),
        ("plumber", "plumbing", "plumbin"),
        ("earn", "earning", "earnings"),
        ("university", "universities", "universty"),
    ],
)
def test_forms_of_one_field_meet(forms: tuple[str, ...]) -> None:
    assert len({match_key(word) for word in forms}) == 1, [match_key(w) for w in forms]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("traineeship", "training"),
        ("foundation", "found"),
        ("physio", "physics"),
        ("nursery", "nurse"),
        ("career", "care"),
        ("electrician", "election"),
    ],
)
def test_words_that_only_share_letters_stay_apart(one: str, other: str) -> None:
    assert match_key(one) != match_key(other)
