"""The practice-client eval's own readers, and its counts on conversations written by hand."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from guidance_assistant.cli import app
from guidance_assistant.evals.practice_client import (
    Conversation,
    Turn,
    answers_grades,
    answers_year,
    engine_expectation,
    load_scripts,
    load_truths,
    measure,
    polarity,
    scripts_for,
)
from guidance_assistant.practice.personas import get_persona, load_personas
from tests.interview.helpers import StubKnowledge


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("Yeah, on Saturdays.", "yes"),
        ("Not really.", "no"),
        ("Sort of. It's a long story.", "unsure"),
        ("I don't know. Mum says it's fine.", "unsure"),
        ("It's fine, yeah.", "yes"),
        ("It's OK. Some of it.", "fine"),
        ("It's fine.", "fine"),
        ("Like I said, not sure.", "refer"),
        ("They're very supportive.", None),
        ("Fine. I've brought my draft statement.", "fine"),
    ],
)
def test_polarity(reply: str, expected: str | None) -> None:
    assert polarity(reply) == expected


@pytest.mark.parametrize(
    ("reply", "grades"),
    [
        ("Mostly 5s and 6s. Maths might be a 4.", True),
        ("A*AA predicted.", True),
        ("On track for a merit, maybe a distinction.", True),
        ("A 2:1, in history.", True),
        ("It's OK. Some of it.", False),
        ("Year 9.", False),
        ("A level maths is fine.", False),
        ("I work 30 hours a week.", False),
    ],
)
def test_answers_grades(reply: str, grades: bool) -> None:
    assert answers_grades(reply) == grades


def test_answers_year() -> None:
    assert answers_year("Year 11.") and answers_year("Second year of my BTEC.")
    assert not answers_year("Not sure.")


def test_the_engines_questions_are_read() -> None:
    truths = load_truths()
    assert engine_expectation("That sounds hard. Have you done any work experience?", truths) == (
        "yes_no",
        "work_experience",
    )
    assert engine_expectation("What grades are you predicted?", truths) == ("grades", None)
    assert engine_expectation("Tell me more.", truths) == (None, None)


def _conversation(persona_id: str, turns: list[Turn]) -> Conversation:
    conversation = Conversation(persona_id, "hand", "poor", 0)
    conversation.turns = turns
    return conversation


def test_the_issue_cases_are_counted() -> None:
    persona = get_persona("family-expectation")
    shadowing = persona.fact("shadowing").text
    turns = [
        Turn("What's brought you here?", "open_question", persona.opening, "invitation"),
        Turn("Have you done any shadowing?", "closed_question", "Not really.", "yes_no", "work_experience"),
        Turn("It sounds like that's hard.", "reflection", "Fine. I've brought my draft statement."),
        Turn("What grades are you predicted?", "closed_question", "It's OK. Some of it.", "grades"),
        Turn("Do you want to be a teacher?", "closed_question", "It's OK. Some of it.", "yes_no", "teacher"),
        Turn("Tell me about the plan.", "open_question", persona.opening),
        Turn("Is that a no, then?", "closed_question", shadowing),
    ]  # fmt: skip
    tally, problems = measure(_conversation(persona.id, turns), persona, load_truths())
    kinds = tally.problems
    assert kinds["contradiction"] == 1
    assert kinds["non_answer_reflection"] == 1
    assert kinds["non_answer_grades"] == 1
    assert kinds["non_answer_yes_no"] == 1
    assert kinds["repeated_line"] == 1
    assert kinds["opening_repeated"] == 1
    assert kinds["unearned_disclosure"] == 1
    assert tally.disclosed == 1
    assert {p.kind for p in problems} == set(kinds)


def test_pointing_back_is_not_a_repeat() -> None:
    persona = get_persona("year11-undecided")
    turns = [
        Turn("Have you got a job?", "closed_question", "Yeah, on Saturdays.", "yes_no", "part_time_job"),
        Turn("Do you work, then?", "closed_question", "Yeah, like I said.", "yes_no", "part_time_job"),
        Turn("Do you work anywhere?", "closed_question", "Yeah, like I said.", "yes_no", "part_time_job"),
    ]  # fmt: skip
    tally, _ = measure(_conversation(persona.id, turns), persona, load_truths())
    assert sum(tally.problems.values()) == 0


def test_every_persona_has_truths_and_scripts_of_both_kinds() -> None:
    truths = load_truths()
    scripts = load_scripts()
    assert len(scripts) >= 16
    for persona in load_personas():
        assert persona.id in truths.personas
        fitting = scripts_for(persona, scripts, truths)
        assert {s.practice for s in fitting} == {"good", "poor"}
        assert len(fitting) >= 10


def test_eval_practice_plays_one_persona_and_prints_the_counts(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from guidance_assistant.evals.interview import played

    monkeypatch.setattr(played, "_bundled_knowledge", StubKnowledge)
    out_json = tmp_path / "practice.json"
    options = ["--out-json", str(out_json), "--out", str(tmp_path / "practice.md")]
    result = CliRunner().invoke(
        app, ["eval", "practice", "--persona", "year11-undecided", "--seed", "0", *options]
    )
    assert result.exit_code == 0, result.output
    output = result.output
    assert "| year11-undecided |" in output and "| year9-options |" not in output
    for practice in ("good practice", "poor practice"):
        line = next(x for x in output.splitlines() if x.startswith(f"{practice}: "))
        assert "contradictions 0, repeated lines 0, opening repeated 0, non-answers 0" in line
        assert "unearned disclosures 0" in line
    engine = next(x for x in output.splitlines() if x.startswith("the engine as adviser: "))
    assert re.match(r"the engine as adviser: 1 conversations, \d+ turns; contradictions \d", engine)
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert {c["persona"] for c in data["conversations"]} == {"year11-undecided"}
    assert {c["seed"] for c in data["conversations"]} == {0}
    scripts = scripts_for(get_persona("year11-undecided"), load_scripts(), load_truths())
    assert len(data["conversations"]) == len(scripts) + 1
    assert (tmp_path / "practice.md").read_text(encoding="utf-8").startswith("# Practice client")


def test_eval_practice_with_an_unknown_persona_is_a_plain_error(data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "practice", "--persona", "nobody", "--no-engine"])
    assert result.exit_code == 1
    assert "No persona 'nobody'" in result.output
    assert "Traceback" not in result.output
