"""Shared fixtures: settings in temporary folders, and knowledge indexes built once per run."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from guidance_assistant.config import Settings, get_settings
from guidance_assistant.paths import REPO_ROOT, shared_dir

SHARED_SOURCES = shared_dir("sources")
SHARED_LMI = shared_dir("lmi")
FRAMEWORKS = REPO_ROOT / "knowledge" / "frameworks"

needs_shared = pytest.mark.skipif(
    SHARED_SOURCES is None or SHARED_LMI is None,
    reason="../shared (source documents and LMI data) is not beside this checkout",
)


@pytest.fixture(scope="session", autouse=True)
def shared_models_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One folder for the ONNX encoder exports of the whole run (GA_MODELS_DIR, inherited by
    app servers the tests start), so each test's own data folder does not export the model
    again; under GA_TEST_DATA_DIR when that is set, so the export is kept between runs too."""
    kept = os.environ.get("GA_TEST_DATA_DIR")
    folder = Path(kept) / "models" if kept else tmp_path_factory.mktemp("models")
    before = os.environ.get("GA_MODELS_DIR")
    os.environ["GA_MODELS_DIR"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("GA_MODELS_DIR", None)
    else:
        os.environ["GA_MODELS_DIR"] = before


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Settings whose data live under this test's tmp folder, with overrides."""

    def factory(**overrides: Any) -> Settings:
        values: dict[str, Any] = {"data_dir": tmp_path / "data", "extra_sources": []}
        values.update(overrides)
        return get_settings(**values)

    return factory


@pytest.fixture(scope="session")
def small_kb(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """An index over the framework notes and (when present) the shared source documents."""
    from guidance_assistant.retrieval import KnowledgeBase

    root = tmp_path_factory.mktemp("small-kb")
    settings = get_settings(data_dir=root, extra_sources=[])
    paths = [FRAMEWORKS, *([SHARED_SOURCES] if SHARED_SOURCES else [])]
    return KnowledgeBase.from_paths(paths, root / "index", settings=settings, progress=False)


@pytest.fixture(scope="session")
def bundled_kb(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The full bundled knowledge (frameworks, LMI records, NCS profiles, shared sources).

    Built from scratch in a temporary folder (a few minutes on two cores). A developer may set
    GA_TEST_DATA_DIR to keep it between runs: it is still refreshed like any bundled index,
    so changed documents are re-embedded.
    """
    from guidance_assistant.retrieval import KnowledgeBase

    kept = os.environ.get("GA_TEST_DATA_DIR")
    root = Path(kept) if kept else tmp_path_factory.mktemp("bundled-kb")
    return KnowledgeBase.bundled(settings=get_settings(data_dir=root), progress=False)
