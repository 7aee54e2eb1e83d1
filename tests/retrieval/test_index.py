"""The persisted index: incremental updates, and loud failures on damage or mismatch."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from guidance_assistant.config import Settings
from guidance_assistant.errors import (
    DocumentError,
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
)
from guidance_assistant.retrieval import KnowledgeBase

TOPICS = {
    "plumbing.md": "# Plumbing\n## Training\nPlumbers train through a level 3 apprenticeship "
    "and learn pipework, heating systems and gas safety.",
    "nursing.md": "# Nursing\n## Entry\nNurses study a degree in adult, child, mental health or "
    "learning disability nursing, or take a registered nurse degree apprenticeship.",
    "law.md": "# Law\n## Routes\nSolicitors qualify through the Solicitors Qualifying "
    "Examination after a degree or a solicitor apprenticeship.",
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in TOPICS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_build_search_and_reload(corpus: Path, make_settings: Callable[..., Settings]) -> None:
    settings = make_settings()
    kb = KnowledgeBase.from_paths([corpus], settings=settings, progress=False)
    assert kb.index_dir == settings.resolved_index_dir
    top = kb.search("how do I become a plumber", k=1)[0]
    assert top.source == "plumbing.md"
    assert top.citation.section == "Training"
    reloaded = KnowledgeBase.load(settings=settings)
    assert [p.text for p in reloaded.search("solicitor exam", k=3)] == [
        p.text for p in kb.search("solicitor exam", k=3)
    ]


def test_reindexing_embeds_only_changed_documents(
    corpus: Path, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings()
    first = KnowledgeBase.from_paths([corpus], settings=settings, progress=False)
    assert first.last_update is not None and first.last_update.chunks_embedded == 3
    (corpus / "law.md").write_text(TOPICS["law.md"] + "\nBarristers train differently.")
    second = KnowledgeBase.from_paths([corpus], settings=settings, progress=False)
    report = second.last_update
    assert report is not None
    assert len(report.changed) == 1 and report.changed[0].endswith("law.md")
    assert len(report.unchanged) == 2
    assert report.chunks_embedded == 1
    assert "Barristers" in second.search("barrister training", k=1)[0].text


def test_documents_added_later_join_the_same_index(
    corpus: Path, tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings()
    kb = KnowledgeBase.from_paths([corpus / "nursing.md"], settings=settings, progress=False)
    assert len(kb.sources()) == 1
    kb.add_paths([corpus / "law.md"], progress=False)
    assert kb.sources() == {"nursing.md", "law.md"}


def test_missing_index_says_how_to_build(make_settings: Callable[..., Settings]) -> None:
    with pytest.raises(IndexMissingError, match="guidance-assistant index"):
        KnowledgeBase.load(settings=make_settings())


def test_index_from_another_model_is_refused(
    corpus: Path, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings()
    KnowledgeBase.from_paths([corpus], settings=settings, progress=False)
    manifest_path = settings.resolved_index_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["model"] = "some-other-model"
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatchError, match=r"some-other-model.*--rebuild"):
        KnowledgeBase.load(settings=settings)


@pytest.mark.parametrize("victim", ["embeddings.npy", "dense.faiss", "chunks.jsonl"])
def test_truncated_file_is_detected(
    victim: str, corpus: Path, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings()
    KnowledgeBase.from_paths([corpus], settings=settings, progress=False)
    path = settings.resolved_index_dir / victim
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(IndexCorruptError, match=r"truncated or altered.*--rebuild"):
        KnowledgeBase.load(settings=settings)


def test_garbled_manifest_is_detected(corpus: Path, make_settings: Callable[..., Settings]) -> None:
    settings = make_settings()
    KnowledgeBase.from_paths([corpus], settings=settings, progress=False)
    (settings.resolved_index_dir / "manifest.json").write_text("{not json")
    with pytest.raises(IndexCorruptError, match="manifest"):
        KnowledgeBase.load(settings=settings)


def test_rebuild_recovers_a_damaged_index(
    corpus: Path, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings()
    KnowledgeBase.from_paths([corpus], settings=settings, progress=False)
    (settings.resolved_index_dir / "manifest.json").write_text("{not json")
    kb = KnowledgeBase.from_paths([corpus], settings=settings, rebuild=True, progress=False)
    assert len(kb.sources()) == 3


def test_nothing_indexable_is_a_clear_error(
    tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    (tmp_path / "empty.md").write_text("")
    with pytest.raises(DocumentError, match=r"Nothing to index.*empty"):
        KnowledgeBase.from_paths([tmp_path / "empty.md"], settings=make_settings())


@pytest.mark.parametrize("kind", ["hnsw", "ivf"])
def test_approximate_indexes_agree_with_exact_search(
    kind: str, corpus: Path, make_settings: Callable[..., Settings]
) -> None:
    for i in range(40):
        (corpus / f"filler{i}.md").write_text(
            f"# Filler {i}\nUnrelated note number {i} on topic {i * 7}."
        )
    exact = KnowledgeBase.from_paths(
        [corpus], settings=make_settings(index_dir=corpus.parent / "flat"), progress=False
    )
    approx = KnowledgeBase.from_paths(
        [corpus],
        settings=make_settings(index_dir=corpus.parent / kind, dense_index=kind),
        progress=False,
    )
    assert approx._data.dense.kind == kind
    question = "registered nurse degree apprenticeship"
    assert approx.search(question, k=1, mode="dense")[0].source == "nursing.md"
    assert exact.search(question, k=1, mode="dense")[0].source == "nursing.md"


def test_auto_switches_to_hnsw_above_the_threshold(
    corpus: Path, make_settings: Callable[..., Settings]
) -> None:
    kb = KnowledgeBase.from_paths([corpus], settings=make_settings(ann_threshold=2), progress=False)
    assert kb._data.dense.kind == "hnsw"
    vectors = np.load(kb.index_dir / "embeddings.npy")
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_an_update_that_changes_nothing_writes_nothing(
    corpus: Path, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings()
    KnowledgeBase.from_paths([corpus], settings=settings, progress=False)
    folder = settings.resolved_index_dir
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.name != ".lock"}
    again = KnowledgeBase.from_paths([corpus], settings=settings, progress=False)
    after = {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.name != ".lock"}
    assert again.last_update is not None and again.last_update.chunks_embedded == 0
    assert after == before
    assert again.search("plumber training", k=1)[0].source == "plumbing.md"


def test_concurrent_builders_leave_a_whole_index(
    corpus: Path, make_settings: Callable[..., Settings]
) -> None:
    """Two processes updating the same folder at once: the lock serialises them."""
    import multiprocessing

    settings = make_settings()
    KnowledgeBase.from_paths([corpus], settings=settings, progress=False)
    (corpus / "law.md").write_text(TOPICS["law.md"] + "\nBarristers train differently.")
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_build, args=(str(corpus), str(settings.data_dir))) for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    assert [w.exitcode for w in workers] == [0, 0]
    reloaded = KnowledgeBase.load(settings=settings)
    assert len(reloaded.search("barristers", k=3)) > 0


def _build(corpus: str, data_dir: str) -> None:
    from guidance_assistant.config import get_settings

    settings = get_settings(data_dir=Path(data_dir), extra_sources=[])
    KnowledgeBase.from_paths([Path(corpus)], settings=settings, progress=False)
