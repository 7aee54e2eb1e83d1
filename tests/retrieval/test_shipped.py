"""Vectors shipped for our own knowledge: they cover it, they are the encoder's vectors, and a
first start embeds only what is read at run time."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from guidance_assistant.config import BUNDLED_EMBEDDING_MODEL, Settings, get_settings
from guidance_assistant.retrieval import KnowledgeBase, load_paths
from guidance_assistant.retrieval.embedding import VECTOR_FAMILY, embedder_for
from guidance_assistant.retrieval.known_vectors import text_keys
from guidance_assistant.retrieval.shipped import (
    SHIPPED_FILE,
    chunk_texts,
    load_shipped_vectors,
    read_shipped_meta,
    shipped_documents,
    write_shipped_vectors,
)

REBUILD = "make vectors INDEX=DATA/index (scripts/build_shipped_vectors.py)"


def test_the_shipped_vectors_cover_our_knowledge(tmp_path: Path) -> None:
    settings = get_settings(data_dir=tmp_path, extra_sources=[])
    meta = read_shipped_meta()
    assert meta["model"] == BUNDLED_EMBEDDING_MODEL
    assert meta["family"] == VECTOR_FAMILY[settings.embedding_backend], (
        f"the shipped vectors are not of the default encoder's family: {REBUILD}"
    )
    texts = chunk_texts(shipped_documents(settings), settings)
    with np.load(SHIPPED_FILE) as data:
        shipped = set(data["keys"].tolist())
    covered = np.mean([key in shipped for key in text_keys(texts).tolist()])
    assert covered >= 0.95, (
        f"only {covered:.0%} of our own chunks have a shipped vector (the notes, the records "
        f"or their templates changed): a first start embeds the rest. Remake it: {REBUILD}"
    )
    assert SHIPPED_FILE.stat().st_size < 6_000_000


def test_shipped_vectors_are_the_encoders_vectors(tmp_path: Path) -> None:
    settings = get_settings(data_dir=tmp_path, extra_sources=[])
    embedder = embedder_for(settings)
    known = load_shipped_vectors(settings, embedder)
    assert known is not None
    notes, _ = load_paths([settings.resolved_knowledge_dir / "frameworks"], doc_type="framework")
    texts = chunk_texts(notes, settings)[:6]
    found, vectors = known.find(texts)
    assert found == list(range(len(texts)))
    cosines = np.sum(vectors * embedder.embed(texts), axis=1)
    assert cosines.min() > 0.9999


def test_a_first_start_embeds_only_what_was_not_shipped(
    small_bundle: tuple[Settings, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, frameworks = small_bundle
    embedder = embedder_for(settings)
    ours, _ = load_paths([frameworks / "apprenticeships.md"], doc_type="framework")
    texts = chunk_texts(ours, settings)
    shipped = tmp_path / "shipped.npz"
    write_shipped_vectors(
        shipped,
        texts,
        embedder.embed(texts),
        model=embedder.name,
        backend=settings.embedding_backend,
    )
    monkeypatch.setattr("guidance_assistant.retrieval.shipped.SHIPPED_FILE", shipped)
    kb = KnowledgeBase.bundled(settings=settings, progress=False)
    assert kb.last_update is not None
    assert (kb.last_update.chunks_embedded, kb.last_update.chunks_reused) == (1, 1)
    top = kb.search("off-the-job training for apprentices", k=1)[0]
    assert top.source == "apprenticeships.md" and top.score > 0.5

    unshipped = settings.model_copy(
        update={"shipped_vectors": False, "data_dir": tmp_path / "unshipped"}
    )
    kb = KnowledgeBase.bundled(settings=unshipped, progress=False)
    assert kb.last_update is not None
    assert (kb.last_update.chunks_embedded, kb.last_update.chunks_reused) == (2, 0)
