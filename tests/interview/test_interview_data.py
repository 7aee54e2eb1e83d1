"""The interview model and the offline wording are data a practitioner edits: they load, and a
mistake is an error that names the file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from guidance_assistant.interview.model import (
    MOVE_KINDS,
    STAGE_IDS,
    InterviewModelError,
    interview_dir,
    load_interview,
    load_moves,
    load_signals,
)
from guidance_assistant.interview.phrases import PHRASE_SLOTS, load_phrasebook, offline_dir


def test_bundled_interview_model_has_the_five_stages_in_order() -> None:
    model = load_interview()
    assert tuple(stage.id for stage in model.stages) == STAGE_IDS
    for stage in model.stages:
        assert stage.purpose and stage.exit_criteria and stage.moves
    exploration = model.stage("exploration")
    assert [t.id for t in exploration.topics] == [
        "interests",
        "strengths",
        "values",
        "circumstances",
        "influences",
        "barriers",
    ]


def test_every_move_is_described_and_every_phrase_key_has_wording() -> None:
    assert {move.id for move in load_moves().moves} == set(MOVE_KINDS)
    phrases = load_phrasebook()
    assert set(phrases.phrases) == set(PHRASE_SLOTS)
    assert len(load_signals().criteria) >= 3


def _copy(src: Path, tmp_path: Path) -> Path:
    target = tmp_path / src.name
    shutil.copytree(src, target)
    return target


def test_a_typo_in_stages_yaml_names_the_file(tmp_path: Path) -> None:
    folder = _copy(interview_dir(), tmp_path)
    path = folder / "stages.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["stages"][1]["exit_critera"] = data["stages"][1].pop("exit_criteria")
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(InterviewModelError, match=r"stages\.yaml"):
        load_interview(folder)


def test_stages_out_of_order_are_rejected(tmp_path: Path) -> None:
    folder = _copy(interview_dir(), tmp_path)
    path = folder / "stages.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["stages"][1], data["stages"][2] = data["stages"][2], data["stages"][1]
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(InterviewModelError, match="in that order"):
        load_interview(folder)


def test_a_practitioner_can_change_a_stage_without_python(tmp_path: Path) -> None:
    folder = _copy(interview_dir(), tmp_path)
    path = folder / "stages.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["session_minutes"] = 45
    data["stages"][1]["max_client_turns"] = 5
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    model = load_interview(folder)
    assert model.session_minutes == 45
    assert model.stage("exploration").max_client_turns == 5


def test_a_phrase_with_a_slot_the_engine_does_not_fill_is_rejected(tmp_path: Path) -> None:
    folder = _copy(offline_dir(), tmp_path)
    path = folder / "questions.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["phrases"]["open_question.interests"]["standard"].append("What do you enjoy, {name}?")
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(InterviewModelError, match=r"questions\.yaml.*\{name\}"):
        load_phrasebook(folder)


def test_an_unknown_phrase_key_suggests_the_right_one(tmp_path: Path) -> None:
    folder = _copy(offline_dir(), tmp_path)
    path = folder / "questions.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["phrases"]["open_question.interest"] = data["phrases"].pop("open_question.interests")
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(InterviewModelError, match=r"Did you mean 'open_question\.interests'"):
        load_phrasebook(folder)
