"""The model configuration the Evaluate tab and `eval run --config` offer beside offline."""

from __future__ import annotations

from guidance_assistant.config import get_settings
from guidance_assistant.evals.suites import default_suites_dir, load_config


def test_the_smollm2_configuration_is_valid_and_offered() -> None:
    configs = default_suites_dir() / "configs"
    assert {"offline.yaml", "smollm2.yaml"} <= {p.name for p in configs.glob("*.yaml")}
    config = load_config(configs / "smollm2.yaml")
    assert (config.name, config.backend) == ("smollm2", "transformers")
    settings = get_settings(**config.settings)  # every key is a real setting
    assert settings.transformers_model == "smollm2"
    assert settings.transformers_prompt == "short"
    assert settings.transformers_time_limit is not None
