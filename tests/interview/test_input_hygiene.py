"""Input hygiene: messages with nothing that shows are refused with a clear message and never
stored; direction and zero-width characters are removed from what is stored and shown; the
safeguarding check reads the cleaned words, so a disclosure cannot hide behind them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.interview import GuidanceSession, open_session
from guidance_assistant.practice import PracticeSession
from guidance_assistant.practice.client import Prediction
from guidance_assistant.text.clean import (
    BIDI_CONTROLS,
    JOINERS,
    ZERO_WIDTH,
    EmptyMessageError,
    clean_input,
    has_content,
    require_message,
)
from tests.interview.helpers import StubKnowledge

TODAY = date(2026, 3, 10)
NOTHING = {
    "empty": "",
    "spaces": "  \t \n  ",
    "nul": "\x00",
    "nuls and spaces": " \x00\x00 \x00 ",
    "controls": "\x07\x1b\x08\x7f\x85",
    "zero width": "\u200b\u2060\ufeff\u200c\u200d",
    "direction": "\u202e\u202d\u2066\u2069\u200e\u200f\u061c",
    "no-break and ideographic spaces": "\u00a0\u3000\u2009",
    "soft hyphen and variation selector": "\u00ad\ufe0f",
}


def _session() -> GuidanceSession:
    session = open_session({"year_group": 11}, knowledge=StubKnowledge(), seed=0, today=TODAY)
    session.opening()
    session.reply("Hi, I'm not sure what to do after Year 11")
    return session


@pytest.mark.parametrize("message", NOTHING.values(), ids=NOTHING.keys())
def test_a_message_with_nothing_that_shows_is_refused_and_not_stored(message: str) -> None:
    session = _session()
    before = session.state.model_dump()
    with pytest.raises(EmptyMessageError, match="Type what you want to say") as refused:
        session.reply(message)
    assert isinstance(refused.value, GuidanceAssistantError)  # the app shows its message
    assert session.state.model_dump() == before
    # the session goes on as if nothing had been sent
    turn = session.reply("I like art")
    assert turn.text and session.state.transcript[-2].text == "I like art"


@pytest.mark.parametrize("message", NOTHING.values(), ids=NOTHING.keys())
def test_a_practice_message_with_nothing_that_shows_is_refused_and_not_recorded(
    message: str,
) -> None:
    practice = PracticeSession("year9-options", skill_of=lambda text: Prediction("other"))
    practice.say("What would you like to get out of today?")
    with pytest.raises(EmptyMessageError):
        practice.say(message)
    assert len(practice.records) == len(practice.turns) == 1
    assert practice.feedback().turns == 1


def test_html_with_no_words_is_still_an_unclear_message_not_an_empty_one() -> None:
    practice = PracticeSession("year9-options", skill_of=lambda text: Prediction("other"))
    turn = practice.say("<p></p>&nbsp;")
    assert turn.feedback.situation == "unclear" and len(practice.records) == 1


def test_direction_and_zero_width_characters_are_removed_from_stored_and_shown_text() -> None:
    session = _session()
    typed = (
        "I \u202elike\u202c a\u200brt and \u2066music\u2069\u200f, and my\u2060 dad is a builder"
    )
    turn = session.reply(typed)
    stored = session.state.transcript[-2].text
    assert stored == "I like art and music, and my dad is a builder"
    assert "\u202e" not in turn.text and "\u200b" not in turn.text
    assert not any(
        "\u2060" in fact.text for facts in session.state.facts.values() for fact in facts
    )


def test_joiners_are_kept_only_inside_words_of_scripts_that_need_them() -> None:
    # Urdu and Persian write some words with a zero-width non-joiner between letters.
    assert clean_input("می\u200cخواهم") == "می\u200cخواهم"
    assert clean_input("क्\u200dष") == "क्\u200dष"  # a joiner after a virama (Devanagari)
    # Latin words never need them: there they only hide a word from a reader.
    assert clean_input("h\u200dits h\u200cim") == "hits him"
    # at a word's edge or between symbols they are removed too
    assert clean_input("\u200cمحمد\u200c 👩\u200d👧") == "محمد 👩👧"
    assert clean_input("Łukasz\u202e Nguyễn\u2067") == "Łukasz Nguyễn"


def test_has_content_and_require_message() -> None:
    assert not any(has_content(clean_input(text)) for text in NOTHING.values())
    assert has_content("محمد") and has_content("😀") and has_content(".")
    assert require_message("  \u200bhi\u202e ") == "hi"
    with pytest.raises(EmptyMessageError):
        require_message(None)


@pytest.mark.parametrize(
    "message",
    [
        "my step\u200bdad h\u200bits me and I'm scared to go home",
        "my stepdad \u202dhits\u202c me and I'm scared to go home",
        "my s\u2060tepdad h\u200dit\u200cs me and i'm s\ufeffcared to go home",
        "\u2067my stepdad hits me\u2069 and I'm scared to go home\u200f",
    ],
    ids=["zero-width", "override", "joiners", "isolates"],
)
def test_a_disclosure_hidden_with_invisible_characters_is_caught(message: str) -> None:
    session = _session()
    turn = session.reply(message)
    assert "safeguarding" in turn.flags
    assert session.state.active_flag is not None
    assert "designated safeguarding lead" in turn.text
    invisible = BIDI_CONTROLS | ZERO_WIDTH | JOINERS
    assert session.state.transcript[-2].text == "".join(c for c in message if c not in invisible)


def test_a_reversed_message_is_stored_as_typed_not_shown_reversed() -> None:
    # Typed backwards inside a right-to-left override, these words would look like a
    # disclosure on screen while reading as nonsense to any check. Without the override the
    # adviser sees exactly what the check read.
    session = _session()
    session.reply("\u202eemoh og ot deracs m'I dna em stih dadpets ym\u202c")
    assert session.state.transcript[-2].text == "emoh og ot deracs m'I dna em stih dadpets ym"


def test_the_terminal_chat_says_so_and_goes_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from guidance_assistant.cli import app
    from guidance_assistant.retrieval import KnowledgeBase

    stub = StubKnowledge()
    monkeypatch.setattr(KnowledgeBase, "bundled", classmethod(lambda cls, **kwargs: stub))
    monkeypatch.setenv("GA_DATA_DIR", str(tmp_path / "data"))
    saved = tmp_path / "session.json"
    result = CliRunner().invoke(
        app, ["chat", "--save", str(saved)], input="hi\n\n\x00\u200b\nI want help choosing a job\n"
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("Nothing to send") == 2
    state = GuidanceSession.from_json(saved.read_text(), knowledge=stub).state
    assert [e.text for e in state.transcript if e.speaker == "client"] == [
        "hi",
        "I want help choosing a job",
    ]
