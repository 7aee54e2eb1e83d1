"""The first-contact harness (``guidance_assistant.evals.interview``): the case loader, each
measure on records built by hand (each passing and failing), persona play, the command, and one
real conversation played end to end (slow: the bundled knowledge and the learned reader)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from guidance_assistant.cli import app
from guidance_assistant.evals import interview as harness
from guidance_assistant.evals.interview import (
    PLANNING,
    ClientStep,
    InterviewCase,
    InterviewCaseError,
    MustAnswer,
    PlayedAction,
    PlayedFlag,
    PlayedOption,
    PlayedRecord,
    PlayedTransition,
    PlayedTurn,
    Scored,
    answer_verdict,
    client_steps_kept,
    load_interview_cases,
    measure,
    mentions,
    plan_violations,
    planning_by_15,
    planning_turn,
    reflected,
    safeguarding_ok,
    summarise,
    summary_repeated,
)
from guidance_assistant.interview.phrases import load_phrasebook
from guidance_assistant.paths import REPO_ROOT
from guidance_assistant.practice.client import Prediction
from tests.interview.helpers import StubKnowledge

FIRST_CONTACT = REPO_ROOT / "evals" / "interview" / "first-contact-1.yaml"
TODAY = date(2026, 12, 6)


def _record(
    turns: Sequence[tuple[str, str, str]],
    *,
    actions: list[PlayedAction] | None = None,
    options: list[PlayedOption] | None = None,
    transitions: list[PlayedTransition] | None = None,
    flags: list[PlayedFlag] | None = None,
) -> PlayedRecord:
    """A record by hand: (client, adviser, stage) per turn."""
    return PlayedRecord(
        case_id="hand",
        kind="hand",
        today=TODAY,
        turns=[
            PlayedTurn(index=i, client=client, adviser=adviser, stage=stage, move="reflection")
            for i, (client, adviser, stage) in enumerate(turns, start=1)
        ],
        actions=actions or [],
        options=options or [],
        transitions=transitions or [],
        flags=flags or [],
    )


def _turns(count: int, *, planning_from: int | None = None) -> list[tuple[str, str, str]]:
    return [
        (
            f"client words {i}",
            f"adviser words {i}",
            PLANNING if planning_from is not None and i >= planning_from else "exploration",
        )
        for i in range(1, count + 1)
    ]


# ------------------------------------------------------------------------------- loading


def test_the_first_contact_file_loads_with_the_files_date() -> None:
    (loaded,) = load_interview_cases([FIRST_CONTACT])
    assert len(loaded.cases) == 40
    assert all(case.today == loaded.today == date(2026, 12, 6) for case in loaded.cases)
    assert load_interview_cases([FIRST_CONTACT.parent])[0].cases == loaded.cases


def test_a_turn_out_of_range_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "first-contact-bad.yaml"
    bad.write_text(
        "suite: x\ntoday: 2026-12-06\ncases:\n"
        "  - id: fc-bad\n    kind: k\n    messages: [hi, bye]\n"
        "    must_answer:\n      - {turn: 3, question: q, answer_should_mention: [a]}\n"
    )
    with pytest.raises(InterviewCaseError) as caught:
        load_interview_cases([tmp_path])
    message = str(caught.value)
    assert "first-contact-bad.yaml" in message and "'fc-bad'" in message
    assert "must_answer turn 3 is out of range: the case has 2 client messages" in message


def test_unknown_fields_and_missing_paths_are_errors(tmp_path: Path) -> None:
    bad = tmp_path / "first-contact-x.yaml"
    bad.write_text(
        "suite: x\ntoday: 2026-12-06\ncases:\n  - {id: a, kind: k, messages: [hi], x: 1}\n"
    )
    with pytest.raises(InterviewCaseError, match=r"case 'a' \(x\)"):
        load_interview_cases([bad])
    with pytest.raises(InterviewCaseError, match="does not exist"):
        load_interview_cases([tmp_path / "nowhere.yaml"])


# ------------------------------------------------------------------------------ matching


def test_phrases_match_as_whole_word_runs() -> None:
    assert mentions("Ask about the Sixth Forms nearby", "sixth form")
    assert mentions("a part time job", "part-time")
    assert not mentions("that sounds barmy", "army")
    assert mentions("Working as a vet", "veterinary surgeon (vet)")
    assert mentions("starts at £18,000 a year", "£")
    assert not mentions("about £16,000 a year", "16")
    assert mentions("you can start at 16, or 18", "16")
    assert not mentions("it takes a while", "IT", keep_acronyms=True)
    assert mentions("IT courses at college", "IT", keep_acronyms=True)
    assert mentions("two GCSEs", "GCSE", keep_acronyms=True)


# ------------------------------------------------------------------------------ measures


def test_planning_by_15_with_a_dated_step_the_client_agreed() -> None:
    turns = _turns(15, planning_from=12)
    turns[12] = ("yeah that works", "Great, by 20 December.", PLANNING)
    action = PlayedAction(what="look at the college website", when=date(2026, 12, 20), turn=13)
    record = _record(turns, actions=[action])
    assert planning_turn(record) == 12
    assert planning_by_15(record)


def test_a_step_the_client_proposed_or_dated_counts_as_agreed() -> None:
    turns = _turns(14, planning_from=10)
    turns[10] = ("I'll look at the college website", "Good.", PLANNING)
    proposed = PlayedAction(what="look at the college website", when=date(2026, 12, 20), turn=11)
    assert planning_by_15(_record(turns, actions=[proposed]))
    turns[10] = ("by friday", "Good.", PLANNING)
    dated = PlayedAction(what="look at the college website", when=date(2026, 12, 11), turn=11)
    assert planning_by_15(_record(turns, actions=[dated]))


def test_planning_by_15_fails_late_undated_or_not_agreed() -> None:
    late = _turns(16, planning_from=16)
    late[15] = ("yes", "By when?", PLANNING)
    step = PlayedAction(what="visit the college", when=date(2026, 12, 20), turn=16)
    assert planning_turn(_record(late, actions=[step])) == 16
    assert not planning_by_15(_record(late, actions=[step]))

    turns = _turns(15, planning_from=12)
    turns[12] = ("yes", "OK.", PLANNING)
    undated = PlayedAction(what="visit the college", when=None, turn=13)
    assert not planning_by_15(_record(turns, actions=[undated]))

    turns[12] = ("nah", "OK.", PLANNING)  # the engine recorded it, the client refused
    refused = PlayedAction(what="visit the college", when=date(2026, 12, 20), turn=13)
    assert not planning_by_15(_record(turns, actions=[refused]))
    assert not planning_by_15(_record(_turns(15), actions=[refused]))  # never reached planning


def test_planning_entered_by_a_transition_counts_from_that_turn() -> None:
    turns = _turns(15, planning_from=None)
    turns[4] = ("yes", "OK.", "exploration")
    transition = PlayedTransition(from_stage="options_and_challenge", to_stage=PLANNING, turn=9)
    action = PlayedAction(what="visit the college", when=date(2026, 12, 20), turn=5)
    record = _record(turns, actions=[action], transitions=[transition])
    assert planning_turn(record) == 9 and planning_by_15(record)


def test_must_answer_answered_declined_and_dodged() -> None:
    item = MustAnswer(turn=2, question="how much", answer_should_mention=["£", "salary"])
    answered = _record(
        [
            ("hi", "Hello.", "exploration"),
            ("pay?", "Good question.", "exploration"),
            ("ok", "It starts at £18,000 a year.", "exploration"),
        ]
    )
    verdict = answer_verdict(answered, item)
    assert (verdict.verdict, verdict.matched) == ("answered", "£")

    late = _record([*_turns(2), ("ok", "Hm.", "exploration"), ("ok", "£18,000", "exploration")])
    assert answer_verdict(late, item).verdict == "dodged"  # two turns on is too late

    none = load_phrasebook().render(
        "information.pay.none", seed=0, turn=0, plain=False, occupation="a farrier"
    )
    declined = _record([("hi", "Hello.", "exploration"), ("pay?", none, "exploration")])
    assert answer_verdict(declined, item).verdict == "declined"

    acronym = MustAnswer(turn=1, question="a course?", answer_should_mention=["IT"])
    it_pronoun = _record([("course?", "It depends on what it is.", "exploration")])
    assert answer_verdict(it_pronoun, acronym).verdict == "dodged"


def test_plan_violations_in_steps_and_kept_or_chosen_options() -> None:
    options = [
        PlayedOption(occupation_id="hairdresser", title="Hairdresser", in_plan=True),
        PlayedOption(
            occupation_id="army-soldier", title="Army soldier", in_plan=True, client_view="negative"
        ),
        PlayedOption(occupation_id="electrician", title="Electrician", origin="widening"),
        PlayedOption(occupation_id="plumber", title="Plumber", chosen=True),
    ]
    actions = [PlayedAction(what="ask about sixth forms nearby", when=None)]
    record = _record(_turns(2), actions=actions, options=options)
    found = plan_violations(
        record, ["sixth form", "hairdresser", "army", "electrician", "plumbing"]
    )
    assert [(v.phrase, v.where) for v in found] == [
        ("sixth form", "action"),
        ("hairdresser", "option"),
    ]
    assert plan_violations(record, ["plumber"])[0].text == "Plumber"  # chosen
    assert plan_violations(record, ["army", "electrician"]) == []  # rejected / never kept


def test_reflected_counts_only_adviser_turns_after_the_client_said_it() -> None:
    turns = [
        ("hello", "Do you run a games server?", "exploration"),
        ("me and my mate run a server", "Tell me more.", "exploration"),
        (
            "it has plugins",
            "You and your friend run a server, and you do the plugins.",
            "exploration",
        ),
    ]
    record = _record(turns)
    assert reflected(record, ["me and my mate run a server", "i do the plugins"]) == 1.0
    early = _record(turns[:2])
    assert reflected(early, ["me and my mate run a server"]) == 0.0  # said before, not after
    assert reflected(record, ["crawling round lofts"]) == 0.0
    assert reflected(record, []) is None


def test_client_steps_kept_by_content_words_in_the_actions() -> None:
    actions = [PlayedAction(what="ask Dean if he'd write you a reference", when=None)]
    record = _record(_turns(2), actions=actions)
    steps = [
        ClientStep(turn=1, step="ask Dean if he'd write me a reference", when="Saturday"),
        ClientStep(turn=2, step="tell my dad there's a plan", when="tonight"),
    ]
    assert client_steps_kept(record, steps) == 0.5
    assert client_steps_kept(record, steps[1:]) == 0.0


def test_safeguarding_ok_is_a_flag_exactly_when_expected() -> None:
    flagged = _record(_turns(1), flags=[PlayedFlag(category="self_harm", reason="r", turn=1)])
    assert safeguarding_ok(flagged, True) and not safeguarding_ok(flagged, False)
    calm = _record(_turns(1))
    assert safeguarding_ok(calm, False) and not safeguarding_ok(calm, True)


def test_summary_repeated_needs_twelve_words_said_again() -> None:
    summary = "So far you have told me about gaming, your server and the plugins you write."
    assert summary_repeated(
        _record([("a", summary, "exploration"), ("b", summary.upper(), "exploration")])
    )
    short = "What else would you like to talk about today, then?"
    assert not summary_repeated(_record([("a", short, "exploration"), ("b", short, "exploration")]))
    assert not summary_repeated(
        _record([("a", summary, "exploration"), ("b", summary + " More.", "exploration")])
    )


def test_the_summary_counts_guidance_conversations_only() -> None:
    def scored(case_id: str, *, disclosure: bool, by15: bool) -> Scored:
        case = InterviewCase(
            id=case_id,
            kind="disclosure" if disclosure else "k",
            messages=["hi"],
            must_answer=[MustAnswer(turn=1, question="q", answer_should_mention=["yes"])],
            not_in_plan=["army"],
            expect_safeguarding=disclosure,
        )
        turns = [("yes", "yes, we can", PLANNING if by15 else "exploration")]
        action = PlayedAction(what="army visit", when=TODAY, turn=1)
        record = _record(turns, actions=[action])
        return Scored(case=case, record=record, measures=measure(case, record))

    summary = summarise(
        [
            scored("a", disclosure=False, by15=True),
            scored("b", disclosure=False, by15=False),
            scored("c", disclosure=True, by15=True),
        ]
    )
    assert (summary.conversations, summary.guidance) == (3, 2)
    assert summary.planning_by_15 == 0.5 and summary.answered == 1.0
    assert summary.plan_violations == 2 and summary.no_violations == 0.0
    assert summary.safeguarding_ok == pytest.approx(2 / 3)  # the disclosure was not flagged
    assert summary.median_turns_to_planning == 1.0 and summary.reached_planning == 1


# ---------------------------------------------------------------------- playing for real


def _given_skill(_: str) -> Any:
    return Prediction("open_question")


def test_a_persona_talks_to_the_engine() -> None:
    from guidance_assistant.practice import get_persona

    persona = get_persona("year11-undecided")
    assert harness.persona_profile(persona) == {"age": 15, "year_group": 11}
    record = harness.play_persona(
        persona, 0, knowledge=StubKnowledge(), today=TODAY, max_turns=2, skill_of=_given_skill
    )
    assert record.error is None and record.opening
    assert [t.index for t in record.turns] == [1, 2]
    assert record.turns[0].client and record.turns[0].adviser
    measured = harness.measure_persona(record)
    assert measured.planning_by_15 is False and measured.plan_violations == []


def test_the_command_plays_a_file_and_writes_json_and_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(harness.run, "_bundled_knowledge", StubKnowledge)
    cases = tmp_path / "first-contact-mini.yaml"
    cases.write_text(
        "suite: mini\ntoday: 2026-12-06\ncases:\n"
        "  - id: mini-1\n    kind: tiny\n    profile: {year_group: 11}\n"
        "    messages: ['hi', 'I like drawing']\n"
        "    must_reflect: [drawing]\n    not_in_plan: [army]\n"
    )
    out_json, out_text = tmp_path / "out.json", tmp_path / "out.txt"
    result = CliRunner().invoke(
        app,
        [
            "eval",
            "interview",
            str(cases),
            "--no-personas",
            "--out-json",
            str(out_json),
            "--out-text",
            str(out_text),
        ],
    )
    assert result.exit_code == 0, result.output
    for heading in ("date: ", "machine: ", "commit: ", "## Per kind", "tiny"):
        assert heading in result.output
    assert out_text.read_text().startswith("# First-contact interview eval")
    data = json.loads(out_json.read_text())
    (conversation,) = data["conversations"]
    assert [t["client"] for t in conversation["record"]["turns"]] == ["hi", "I like drawing"]
    assert "planning_by_15" in conversation["measures"] and data["personas"] == []


def test_a_bad_file_is_one_plain_error_in_the_command(tmp_path: Path) -> None:
    bad = tmp_path / "first-contact-bad.yaml"
    bad.write_text("suite: x\ntoday: 2026-12-06\ncases:\n  - {id: a, kind: k, messages: []}\n")
    result = CliRunner().invoke(app, ["eval", "interview", str(bad), "--no-personas"])
    assert result.exit_code == 1
    assert "is not valid" in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_one_first_contact_conversation_end_to_end() -> None:
    """fc1a-03 through the real engine and the bundled knowledge: every turn kept, measured."""
    case = next(c for c in load_interview_cases([FIRST_CONTACT])[0].cases if c.id == "fc1a-03")
    record = harness.play(case)
    assert record.error is None
    assert [t.client for t in record.turns] == case.messages
    assert all(t.adviser and t.stage and t.move for t in record.turns)
    assert record.stage_history[0] == "contracting" and record.plan_markdown
    measured = measure(case, record)
    assert [a.turn for a in measured.answers] == [10, 11]
    assert measured.safeguarding_ok
    assert PlayedRecord.model_validate_json(record.model_dump_json()) == record
