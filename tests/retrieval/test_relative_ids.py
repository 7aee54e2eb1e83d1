"""Documents are recorded by a path relative to their root: a data folder built by one checkout
serves another without embedding anything again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from guidance_assistant.config import Settings
from guidance_assistant.retrieval import KnowledgeBase, knowledge_base
from guidance_assistant.retrieval.loaders import document_id, document_path


def test_an_index_built_by_one_checkout_is_reused_by_another(
    small_bundle: tuple[Settings, Path], tmp_path: Path
) -> None:
    settings, frameworks = small_bundle
    first = KnowledgeBase.bundled(settings=settings, progress=False)
    assert first.last_update is not None and first.last_update.chunks_embedded == 2
    manifest = (first.index_dir / "manifest.json").read_text(encoding="utf-8")
    assert str(tmp_path) not in manifest, "the manifest names a folder of this checkout"
    assert set(json.loads(manifest)["documents"]) == {
        "file:knowledge/frameworks/apprenticeships.md",
        "file:knowledge/frameworks/t-levels.md",
    }

    other_checkout = tmp_path / "other-checkout" / "knowledge"
    shutil.copytree(frameworks.parent, other_checkout)
    shutil.rmtree(frameworks.parent)
    moved = settings.model_copy(update={"knowledge_dir": other_checkout})
    knowledge_base.forget_open_knowledge()
    second = KnowledgeBase.bundled(settings=moved, progress=False)
    report = second.last_update
    assert report is not None
    assert (report.chunks_embedded, report.added, report.removed) == (0, [], [])
    assert len(report.unchanged) == 2
    assert second.search("industry placement", k=1)[0].source == "t-levels.md"


def test_a_renamed_document_keeps_its_vectors(
    small_bundle: tuple[Settings, Path], tmp_path: Path
) -> None:
    settings, frameworks = small_bundle
    KnowledgeBase.bundled(settings=settings, progress=False)
    (frameworks / "t-levels.md").rename(frameworks / "t-level-courses.md")
    kb = KnowledgeBase.bundled(settings=settings, progress=False)
    report = kb.last_update
    assert report is not None
    assert report.added == ["file:knowledge/frameworks/t-level-courses.md"]
    assert (report.chunks_embedded, report.chunks_reused) == (0, 1)


def test_ids_outside_every_root_stay_absolute_and_map_back(tmp_path: Path) -> None:
    roots = {"data": tmp_path / "data"}
    inside = tmp_path / "data" / "documents" / "notes.md"
    outside = tmp_path / "elsewhere" / "notes.md"
    assert document_id(inside, roots) == "file:data/documents/notes.md"
    assert document_id(outside, roots) == f"file:{outside.resolve()}"
    assert document_path("file:data/documents/notes.md", roots) == inside
    assert document_path(f"file:{outside.resolve()}", roots) == outside.resolve()
    assert document_path("lmi/nurse", roots) is None
