"""The model-as-judge in eval runs: a configuration with ``judge: true`` scores each
conversation with the session's own model (``llm_judge``); the offline backend has no model, so
it adds no such score."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from guidance_assistant.backends import registry
from guidance_assistant.backends.base import BackendError, ResponseRequest
from guidance_assistant.evals.runner import run_case
from guidance_assistant.evals.suites import Suite, load_config
from tests.interview.helpers import StubKnowledge

SUITE = Suite.model_validate(
    {
        "suite": "guidance",
        "name": "judged",
        "cases": [
            {
                "id": "judged-one",
                "profile": {"year_group": 11},
                "messages": ["Hi", "I want to talk about what to do after Year 11", "yes"],
            }
        ],
    }
)


class RatingModel:
    """A model backend that answers every request with the same rating, and records them."""

    name = "rating-model"

    def __init__(self) -> None:
        self.requests: list[ResponseRequest] = []

    def respond(self, request: ResponseRequest) -> str:
        self.requests.append(request)
        return "I would rate this interview 4 out of 5."


def _config(tmp_path: Path, backend: str) -> Any:
    path = tmp_path / f"{backend}.yaml"
    path.write_text(f"name: {backend}-judged\nbackend: {backend}\nseed: 0\njudge: true\n")
    return load_config(path)


def test_a_judged_run_on_a_model_backend_gets_the_models_rating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = RatingModel()

    def make_responder(settings: Any = None, **overrides: Any) -> RatingModel:
        assert overrides == {"backend": "openai"}
        return model

    # the session resolves a named model backend through the registry (wrapped in a fallback)
    monkeypatch.setattr(registry, "make_responder", make_responder)
    config = _config(tmp_path, "openai")
    assert config.judge

    result = run_case(SUITE, SUITE.cases[0], config, seed=0, knowledge=StubKnowledge())

    assert result.transcript.error is None
    judged = [s for s in result.scores if s.name == "llm_judge"]
    assert len(judged) == 1
    assert judged[0].details == "rated 4/5"
    assert judged[0].value == 0.75 and judged[0].passed
    assert model.requests[-1].stage_purpose == "Rate this careers guidance interview"
    assert "I want to talk about what to do after Year 11" in model.requests[-1].client_message


def test_a_judged_run_on_the_offline_backend_has_no_judge_score(tmp_path: Path) -> None:
    config = _config(tmp_path, "offline")
    assert config.judge

    result = run_case(SUITE, SUITE.cases[0], config, seed=0, knowledge=StubKnowledge())

    assert result.transcript.error is None
    assert result.scores
    assert "llm_judge" not in {s.name for s in result.scores}


def test_runs_are_not_judged_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = RatingModel()
    monkeypatch.setattr(registry, "make_responder", lambda settings=None, **_: model)
    config = _config(tmp_path, "openai").model_copy(update={"judge": False})

    result = run_case(SUITE, SUITE.cases[0], config, seed=0, knowledge=StubKnowledge())

    assert "llm_judge" not in {s.name for s in result.scores}
    assert all(r.stage_purpose != "Rate this careers guidance interview" for r in model.requests)


def test_a_model_that_fails_to_judge_is_a_failed_judgement_not_a_rating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The session falls back to its drafts when the model fails; the judge must not read a
    digit in the offline fallback's draft of the rating request as the model's rating."""

    class DownModel(RatingModel):
        def respond(self, request: ResponseRequest) -> str:
            raise BackendError("the model server is down")

    monkeypatch.setattr(registry, "make_responder", lambda settings=None, **_: DownModel())

    result = run_case(
        SUITE, SUITE.cases[0], _config(tmp_path, "openai"), seed=0, knowledge=StubKnowledge()
    )

    judged = next(s for s in result.scores if s.name == "llm_judge")
    assert not judged.passed and judged.value == 0.0
    assert judged.details.startswith("judge failed: the model server is down")
