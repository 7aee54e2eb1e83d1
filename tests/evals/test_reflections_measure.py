"""The ESConv reflection measure's rules (echo length, slips), on sentences built by hand, and a
short run through the real engine on a tiny file in ESConv's format."""

from __future__ import annotations

import json
from pathlib import Path

from guidance_assistant.evals.interview.reflections import (
    ECHO_WORDS,
    longest_echo,
    measure,
    slips,
)
from tests.interview.helpers import StubKnowledge


def test_an_echo_is_counted_across_the_pronoun_swap() -> None:
    client = "I can't take three years off work because I have a mortgage and two kids"
    reflection = "So you can't take three years off work because you have a mortgage and two kids"
    assert longest_echo(reflection, client) == 15 > ECHO_WORDS
    assert longest_echo("So money is tight for you right now.", client) < 4


def test_slips_of_the_kinds_seen_by_hand() -> None:
    assert slips("Thank you, it sounds like you're thankful", "thanks for listening") == [
        "reflects thanks or an apology"
    ]
    assert "reflects a question the client asked" in slips(
        "So what do PE teachers earn matters to you", "anyway what do PE teachers earn?"
    )
    assert "'you' for the adviser" in slips(
        "So your teacher said you had to come and talk to you",
        "my teacher said I had to come and talk to you",
    )
    assert slips("So you enjoy drawing.", "I enjoy drawing") == []


def test_a_short_run_through_the_engine(tmp_path: Path) -> None:
    path = tmp_path / "esconv.jsonl"
    dialog = [
        {"speaker": "usr", "text": "Hi"},
        {"speaker": "sys", "text": "Hello"},
        {"speaker": "usr", "text": "I lost my job last month and I feel lost about what to do"},
        {"speaker": "usr", "text": "I used to work in a warehouse and I liked the team"},
    ]
    path.write_text(json.dumps({"dialog": dialog}) + "\n", encoding="utf-8")
    report = measure(path, knowledge=StubKnowledge(), progress=False)
    assert report.dialogues == 1 and report.client_turns == 3
    assert report.reflections == len(report.cases)
    assert all(c.echo == longest_echo(c.reflection, c.client) for c in report.cases)
