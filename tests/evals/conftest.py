"""Fixtures of the eval tests: a private data folder (database, agreement cache), cheap password
hashes, and a stand-in for the skill classifier's ten-second cross-validation where a test is
about the plumbing around it (the real one is measured in ``test_conversation_suites.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from guidance_assistant.config import Settings, get_settings
from guidance_assistant.evals import agreement
from guidance_assistant.store import accounts

#: What the stand-in classifier "measures": distinct values a test can look for in a report.
MEASURED_SKILLS = {"utterances": 7, "accuracy": 0.625, "macro_f1": 0.4375, "recall_summary": 0.5}


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``GA_DATA_DIR`` in this test's tmp folder (so the database and caches are its own)."""
    folder = tmp_path / "data"
    monkeypatch.setenv("GA_DATA_DIR", str(folder))
    monkeypatch.setenv("GA_EXTRA_SOURCES", "[]")
    for name in ("GA_DATABASE_URL", "GA_EVAL_USER", "GA_EVAL_RAY_ADDRESS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(
        accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    return folder


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return get_settings()


@pytest.fixture
def skill_measurements(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Replace the skill classifier's cross-validation; the list counts the measurements."""
    calls: list[int] = []

    def measure(*_: Any, **__: Any) -> dict[str, Any]:
        calls.append(1)
        return dict(MEASURED_SKILLS)

    monkeypatch.setattr(agreement, "skills_agreement", measure)
    return calls
