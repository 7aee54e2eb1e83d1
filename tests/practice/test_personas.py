"""The persona files: every one validates, is rich enough to practise on and stays in role."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from guidance_assistant.practice.client import sounds_like_adviser
from guidance_assistant.practice.feedback import load_targets
from guidance_assistant.practice.personas import (
    Persona,
    PracticeError,
    ResponseBank,
    default_personas_dir,
    get_persona,
    load_persona_file,
    load_personas,
)

REQUIRED = {
    "year9-options",
    "year11-undecided",
    "year13-uni-doubt",
    "neet-risk-16",
    "young-carer",
    "care-experienced",
    "autistic-ehcp",
    "eal-new-arrival",
    "family-expectation",
    "adult-career-changer",
    "graduate-unsure",
    "apprentice-switch",
}
PERSONA_FILES = sorted(default_personas_dir().glob("*.yaml"))


def _client_lines(persona: Persona) -> list[str]:
    lines = [persona.opening]
    lines += [s.text for s in persona.surface] + [f.text for f in persona.hidden]
    lines += [t.closed_answer for t in persona.topics]
    for name in ResponseBank.model_fields:
        lines += [line.format(wrong="the army") for line in persona.responses.lines(name)]
    return lines


def test_the_bundled_personas_cover_the_clients_advisers_see() -> None:
    personas = load_personas()
    assert {p.id for p in personas} >= REQUIRED
    assert len(personas) >= 12


@pytest.mark.parametrize("path", PERSONA_FILES, ids=[p.stem for p in PERSONA_FILES])
def test_every_persona_file_validates_and_has_something_to_find(path: Path) -> None:
    persona = load_persona_file(path)
    assert len(persona.hidden) >= 2
    assert persona.resistance in ("low", "medium", "high")
    assert persona.feelings and persona.goals and persona.good_session
    for fact in persona.hidden:
        assert fact.unlock.requires, f"{fact.id} would be disclosed without any skill"


@pytest.mark.parametrize("path", PERSONA_FILES, ids=[p.stem for p in PERSONA_FILES])
def test_no_client_line_sounds_like_the_adviser(path: Path) -> None:
    persona = load_persona_file(path)
    for line in _client_lines(persona):
        assert sounds_like_adviser(line) is None, (persona.id, line)


def test_get_persona_and_unknown_ids() -> None:
    assert get_persona("young-carer").display_name == "Priya"
    with pytest.raises(PracticeError, match="year9-options"):
        get_persona("no-such-client")


def _copy(tmp_path: Path, persona_id: str) -> tuple[Path, dict[str, object]]:
    data = yaml.safe_load((default_personas_dir() / f"{persona_id}.yaml").read_text("utf-8"))
    folder = tmp_path / "personas"
    folder.mkdir(exist_ok=True)
    return folder / f"{persona_id}.yaml", data


def test_a_malformed_persona_is_refused_with_the_file_named(tmp_path: Path) -> None:
    path, data = _copy(tmp_path, "year9-options")
    data["mood"] = "cheerful"  # extra fields are forbidden
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(PracticeError, match=r"year9-options\.yaml"):
        load_personas(path.parent)


def test_a_fact_keyword_already_said_readily_is_refused(tmp_path: Path) -> None:
    path, data = _copy(tmp_path, "year9-options")
    surface = data["surface"]
    assert isinstance(surface, list)
    surface[0]["text"] = "I can't stand French, and the options are due."
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(PracticeError, match="french"):
        load_persona_file(path)


def test_a_persona_needs_two_hidden_facts(tmp_path: Path) -> None:
    path, data = _copy(tmp_path, "year9-options")
    hidden = data["hidden"]
    assert isinstance(hidden, list)
    data["hidden"] = hidden[:1]
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(PracticeError, match="hidden"):
        load_persona_file(path)


def test_file_name_must_match_the_id(tmp_path: Path) -> None:
    path, data = _copy(tmp_path, "year9-options")
    wrong = path.with_name("someone-else.yaml")
    wrong.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(PracticeError, match="someone-else"):
        load_persona_file(wrong)


def test_the_targets_file_validates() -> None:
    targets = load_targets()
    assert targets.open_to_closed_min == 2.0
    assert targets.reflections_per_question_min == 0.5
