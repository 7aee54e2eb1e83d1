"""The shared text layer: disguised letters folded with NFKC and the Unicode confusables table."""

from __future__ import annotations

import pytest

from guidance_assistant.text import fold, sentences


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("ｍｙ ｄａｄ ｈｉｔｓ ｍｅ", "my dad hits me"),  # full-width
        ("𝐦𝐲 𝐝𝐚𝐝 𝐡𝐢𝐭𝐬 𝐦𝐞", "my dad hits me"),  # mathematical bold
        ("𝓂𝓎 𝒹𝒶𝒹", "my dad"),  # mathematical script
        ("іt hurts", "it hurts"),  # Cyrillic і
        ("he hіts mе", "he hits me"),  # Cyrillic і and е
        ("ｉ’ｍ scared", "i'm scared"),  # curly apostrophe
        ("caf\u00e9 na\u00efve", "cafe naive"),
        ("zero\u200bwidth\u00adsoft", "zerowidthsoft"),
    ],
)
def test_fold_makes_disguised_letters_plain(typed: str, plain: str) -> None:
    assert fold(typed) == plain


@pytest.mark.parametrize(
    "text", ["", "plain ascii", "日本語", "😀🔥", "£25,000 — 2026", "\x00\x01"]
)
def test_fold_never_raises_and_keeps_what_has_no_latin_form(text: str) -> None:
    folded = fold(text)
    assert isinstance(folded, str)
    if text.isascii():
        assert folded == text


def test_sentences_split_on_ends_lines_and_semicolons() -> None:
    parts = sentences("I like art. My dad - he drinks; anyway\nwhat next?")
    assert parts == ["I like art.", "My dad", "he drinks", "anyway", "what next?"]
