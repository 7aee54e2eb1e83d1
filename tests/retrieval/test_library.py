"""An adviser's documents: uploads moved in (never copied) or deleted at once, and documents
taken out of the index and off the disk with no re-embedding of the rest."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from guidance_assistant.config import Settings
from guidance_assistant.errors import DocumentError, IndexMismatchError, IndexMissingError
from guidance_assistant.retrieval import KnowledgeBase
from guidance_assistant.retrieval.index import IndexData
from guidance_assistant.retrieval.library import accept_uploads, remove_documents, safe_name

DOCS = {
    "plumbing.md": "# Plumbing\nPlumbers train through a level 3 apprenticeship in pipework.",
    "nursing.md": "# Nursing\nNurses study a degree or take a nurse degree apprenticeship.",
}


def _uploads(root: Path, files: dict[str, str]) -> list[Path]:
    paths = []
    for index, (name, text) in enumerate(files.items()):
        folder = root / f"upload-{index}"  # Gradio keeps each upload in a folder of its own
        folder.mkdir(parents=True)
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    return paths


def test_uploads_are_moved_in_or_deleted(
    tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings()
    root = tmp_path / "uploads"
    paths = _uploads(root, {**DOCS, "empty.txt": "  \n", "tool.exe": "MZ"})
    accepted = accept_uploads(paths, settings.data_dir, upload_root=root)
    assert sorted(p.name for p in accepted.kept) == ["nursing.md", "plumbing.md"]
    assert sorted(name for name, _ in accepted.rejected) == ["empty.txt", "tool.exe"]
    assert [p for p in root.rglob("*") if p.is_file()] == []  # nothing left where they landed
    assert not any(root.iterdir())  # their folders went too
    for kept in accepted.kept:
        assert kept.parent == settings.data_dir / "documents"
        assert kept.stat().st_mode & 0o077 == 0


def test_an_unreadable_upload_never_replaces_a_document_of_the_same_name(
    tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings()
    root = tmp_path / "uploads"
    [first] = accept_uploads(
        _uploads(root, {"plan.md": "# Plan\nA real plan."}), settings.data_dir
    ).kept
    bad = _uploads(tmp_path / "again", {"plan.md": ""})
    assert accept_uploads(bad, settings.data_dir).rejected
    assert first.read_text(encoding="utf-8") == "# Plan\nA real plan."


def test_removed_documents_leave_the_index_and_the_disk(
    tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings()
    kept = accept_uploads(_uploads(tmp_path / "up", DOCS), settings.data_dir).kept
    kb = KnowledgeBase.from_paths(kept, settings=settings, progress=False)
    before = IndexData.load(kb.index_dir)
    [plumbing] = [d for d, e in kb.user_documents().items() if e["source"] == "plumbing.md"]

    report = remove_documents(kb, [plumbing], settings.data_dir)
    assert report.removed == [plumbing]
    assert not (settings.data_dir / "documents" / "plumbing.md").exists()
    assert (settings.data_dir / "documents" / "nursing.md").exists()
    assert {p.source for p in kb.search("plumber apprenticeship pipework", k=5)} == {"nursing.md"}
    after = IndexData.load(kb.index_dir)  # written, consistent, and the rest kept its vectors
    assert len(after.rows) == len(before.rows) - kb_chunks(before, plumbing)
    nursing_rows = [i for i, r in enumerate(before.rows) if r.source == "nursing.md"]
    assert (after.vectors == before.vectors[nursing_rows]).all()
    reloaded = KnowledgeBase.load(kb.index_dir, settings=settings)
    assert plumbing not in reloaded.documents

    with pytest.raises(IndexMissingError, match="Not in the index"):
        kb.remove_documents([plumbing])


def kb_chunks(data: IndexData, doc_id: str) -> int:
    return sum(1 for row in data.rows if row.chunk.doc_id == doc_id)


def test_only_added_documents_can_be_removed(
    tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings()
    folder = tmp_path / "frameworks"
    folder.mkdir()
    (folder / "gatsby.md").write_text("# Gatsby\nBenchmark 8 is personal guidance.", "utf-8")
    from guidance_assistant.retrieval.index import update_index
    from guidance_assistant.retrieval.loaders import load_paths

    documents, _ = load_paths([folder], doc_type="framework")
    kb = KnowledgeBase.from_paths(
        accept_uploads(_uploads(tmp_path / "up", DOCS), settings.data_dir).kept,
        settings=settings,
        progress=False,
    )
    update_index(
        kb.index_dir,
        documents,
        embedder=kb.embedder,
        chunk_size=settings.chunk_size,
        chunk_overlap=settings.chunk_overlap,
        dense_kind_for=lambda n: "flat",
        origin="bundled",
    )
    kb = KnowledgeBase.load(kb.index_dir, settings=settings)
    [gatsby] = [d for d, e in kb.documents.items() if e["origin"] == "bundled"]
    with pytest.raises(IndexMismatchError, match="Only documents added"):
        kb.remove_documents([gatsby])
    assert gatsby in KnowledgeBase.load(kb.index_dir, settings=settings).documents


@pytest.mark.parametrize("name", ["../../etc/passwd", "..", ".hidden", "/"])
def test_file_names_stay_inside_the_folder(name: str) -> None:
    try:
        cleaned = safe_name(name)
    except DocumentError:
        return
    assert "/" not in cleaned and not cleaned.startswith(".")
    assert safe_name("Łukasz notes.md") == "Łukasz notes.md"


def test_background_indexing_reports_progress_then_the_outcome(
    tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    from guidance_assistant.retrieval.library import BackgroundIndexer

    settings = make_settings()
    kb = KnowledgeBase.from_paths(
        accept_uploads(_uploads(tmp_path / "a", DOCS), settings.data_dir).kept,
        settings=settings,
        progress=False,
    )
    many = {f"topic-{i}.md": f"# Topic {i}\n" + "Careers words here. " * 400 for i in range(6)}
    kept = accept_uploads(_uploads(tmp_path / "b", many), settings.data_dir).kept
    seen: list[tuple[int, int]] = []
    indexer = BackgroundIndexer()
    original = indexer._progress

    def spy(done: int, total: int) -> None:
        seen.append((done, total))
        original(done, total)

    indexer._progress = spy  # type: ignore[method-assign]
    finished: list[object] = []
    started = indexer.start(kb, kept, on_done=finished.append)
    assert started.state == "running" and "Reading" in started.describe()
    with pytest.raises(DocumentError, match="being indexed already"):
        indexer.start(kb, kept)
    status = indexer.wait(timeout=300)
    assert status.state == "done", status
    assert "6 added" in status.describe() and len(finished) == 1
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1] > 0  # from nothing to all of them
    assert {p.source for p in kb.search("Topic 3 careers words", k=20)} >= {"topic-3.md"}


def test_a_failed_background_indexing_is_reported(
    tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    from guidance_assistant.retrieval.library import BackgroundIndexer

    settings = make_settings()
    kept = accept_uploads(_uploads(tmp_path / "a", DOCS), settings.data_dir).kept
    kb = KnowledgeBase.from_paths(kept, settings=settings, progress=False)
    for path in kept:
        path.unlink()  # gone before the indexer reads it
    indexer = BackgroundIndexer()
    indexer.start(kb, kept)
    status = indexer.wait(timeout=120)
    assert status.state == "failed" and "failed" in status.describe()
    assert not indexer.busy
