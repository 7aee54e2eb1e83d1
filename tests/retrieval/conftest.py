"""Fixtures of the retrieval tests: a bundled knowledge small enough to embed in a second."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from guidance_assistant.config import Settings
from guidance_assistant.lmi import LMIStore
from guidance_assistant.retrieval import knowledge_base

NOTES = {
    "apprenticeships.md": "# Apprenticeships\n## Levels\nAn apprentice works and trains at "
    "levels 2 to 7, with a fifth of their paid time spent in off-the-job training.",
    "t-levels.md": "# T Levels\n## What they are\nA T Level is a two-year course after GCSEs "
    "that includes an industry placement of at least 45 days.",
}


@pytest.fixture
def small_bundle(
    tmp_path: Path, make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Settings, Path]]:
    """Settings whose bundled knowledge is two short notes (no LMI records, no NCS prose, no
    extra sources), and the folder of those notes; no knowledge base is open before or after."""
    frameworks = tmp_path / "knowledge" / "frameworks"
    frameworks.mkdir(parents=True)
    for name, text in NOTES.items():
        (frameworks / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(LMIStore, "load", classmethod(lambda cls, path=None: cls([])))
    settings = make_settings(knowledge_dir=tmp_path / "knowledge", lmi_source_dir=None)
    knowledge_base.forget_open_knowledge()
    yield settings, frameworks
    knowledge_base.forget_open_knowledge()
