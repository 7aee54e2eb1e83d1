"""Shared fixtures: settings in temporary folders, and knowledge indexes built once per run."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
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


#: How many vectors the learned readers' shared memory keeps while the tests run (the library keeps
#: 20,000, then starts again): the labelled safeguarding messages, their sessions and the other
#: readers' texts fit, so a message read by one test is not embedded again by the next.
READER_MEMORY_IN_TESTS = 80_000


def read_ahead(texts: Iterable[str]) -> None:
    """Give the learned safeguarding reader the vectors of every segment it will read in
    ``texts``, embedded together (in batches side by side on every core, not one message at a
    time), in the process's shared memory of vectors; the check itself is unchanged: each
    message is still read by the rules, the reader's heads and the cues when a test plays it."""
    from guidance_assistant.safeguarding.reader import segments, shared_reader

    reader = shared_reader()
    if reader is None:  # then the tests that need the reader fail on their own
        return
    reader.embedder.embed(list(dict.fromkeys(s for text in texts for s in segments(text))))


@pytest.fixture(scope="session")
def labelled_safeguarding_read() -> Iterator[None]:
    """The learned safeguarding reader's vectors of every labelled message (development files
    and first-contact rounds), embedded once for the run and kept to its end.

    The bank through whole sessions (``tests/safeguarding/test_bank.py``) and ``eval
    safeguarding`` (``tests/test_cli.py``) play the same messages; each test still runs every
    message through the whole check, only the encoder's work is shared."""
    from guidance_assistant.retrieval.embedding import CachingEmbedder
    from guidance_assistant.safeguarding.bank import (
        development_files,
        first_contact_files,
        load_messages,
    )
    from guidance_assistant.safeguarding.reader import shared_reader

    reader = shared_reader()
    memory = reader.embedder if reader is not None else None
    kept = memory.max_items if isinstance(memory, CachingEmbedder) else None
    if isinstance(memory, CachingEmbedder):
        memory.max_items = max(memory.max_items, READER_MEMORY_IN_TESTS)
    files = [*development_files(), *first_contact_files()]
    read_ahead(m.text for f in files for m in load_messages(f))
    yield
    if isinstance(memory, CachingEmbedder) and kept is not None:
        memory.max_items = kept


@pytest.fixture
def safeguarding_eval_read(labelled_safeguarding_read: None) -> None:
    """Besides the labelled messages, the other client turns ``eval safeguarding`` reads
    (the bank's conversations, the scripted suites, the practice personas), embedded together."""
    from guidance_assistant.evals.safeguarding import persona_lines, suite_dialogues
    from guidance_assistant.safeguarding.bank import load_conversations, safeguarding_dir

    conversations = sorted((safeguarding_dir() / "conversations").glob("*.yaml"))
    turns = [t for path in conversations for c in load_conversations(path) for t in c.turns]
    dialogues = [*suite_dialogues(), *persona_lines()]
    read_ahead([*turns, *(text for dialogue in dialogues for text in dialogue)])


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
