"""The one sentence splitter: chat, prose, clauses, lines, abbreviations."""

from __future__ import annotations

from guidance_assistant.text.sentences import split_sentences


def test_chat_splits_after_end_punctuation_whatever_comes_next() -> None:
    assert split_sentences("i like art. my mum says no! what now?") == [
        "i like art.",
        "my mum says no!",
        "what now?",
    ]


def test_every_line_is_a_sentence_unless_lines_are_wrapped() -> None:
    text = "Likes art\nWants college"
    assert split_sentences(text) == ["Likes art", "Wants college"]
    assert split_sentences(text, lines=False) == ["Likes art\nWants college"]


def test_prose_needs_a_capital_digit_quote_or_pound_to_start_a_sentence() -> None:
    text = "Pay is £30,000. £2.50 an hour is not. it stays. 35% work part time."
    assert split_sentences(text, prose=True) == [
        "Pay is £30,000.",
        "£2.50 an hour is not. it stays.",
        "35% work part time.",
    ]


def test_abbreviations_do_not_end_a_sentence() -> None:
    text = "Ask Mr. Patel, e.g. on Monday. Then Dr. Jones."
    assert split_sentences(text) == ["Ask Mr. Patel, e.g. on Monday.", "Then Dr. Jones."]


def test_closing_quotes_stay_with_their_sentence() -> None:
    assert split_sentences('He said "stop." Then he left.') == ['He said "stop."', "Then he left."]


def test_clause_mode_also_ends_at_semicolons_and_spaced_dashes() -> None:
    text = "I like maths; I hate English - my dad is a builder"
    assert split_sentences(text) == [text]
    assert split_sentences(text, clauses=True) == [
        "I like maths",
        "I hate English",
        "my dad is a builder",
    ]


def test_nothing_is_lost_or_invented() -> None:
    text = "one. two\u2024 three. four"
    assert split_sentences(text) == ["one.", "two\u2024 three.", "four"]
    assert split_sentences("") == []
    assert split_sentences("   \n  ") == []
