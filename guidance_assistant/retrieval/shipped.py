"""Vectors shipped with the package for the knowledge we write ourselves.

The framework notes and the LMI records rendered by our templates are the same on every
machine, so their chunk vectors are computed once, when the knowledge changes, and kept in
``vectors/shipped.npz`` beside this module (float16, each row found by a fingerprint of its
chunk's text; about 4 MB). A first start then embeds only what is read at run time: the
publishers' prose, the shared sources and an adviser's own files. A chunk whose text changed
since the file was made has no vector in it and is embedded as usual, so a stale file costs
time, never correctness. The file records its model and encoder family and is used only by the
same ones.

Made by ``python scripts/build_shipped_vectors.py`` (the test suite says when it is stale).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from guidance_assistant.config import Settings
from guidance_assistant.retrieval.chunking import chunk_document
from guidance_assistant.retrieval.embedding import VECTOR_FAMILY, Embedder, Vectors, backend_of
from guidance_assistant.retrieval.known_vectors import KnownVectors, text_keys
from guidance_assistant.sources import Document

log = logging.getLogger(__name__)

SHIPPED_FILE = Path(__file__).resolve().parent / "vectors" / "shipped.npz"


def shipped_documents(settings: Settings) -> list[Document]:
    """What the shipped vectors cover: the bundled framework notes and rendered LMI records."""
    from guidance_assistant.lmi import LMIStore
    from guidance_assistant.lmi.render import record_documents
    from guidance_assistant.retrieval.knowledge_base import document_roots
    from guidance_assistant.retrieval.loaders import load_paths

    notes, _ = load_paths(
        [settings.resolved_knowledge_dir / "frameworks"],
        doc_type="framework",
        roots=document_roots(settings),
    )
    return notes + record_documents(LMIStore.load())


def chunk_texts(documents: Sequence[Document], settings: Settings) -> list[str]:
    """The texts the index embeds for ``documents`` (each chunk with its title and section)."""
    return [
        chunk.index_text()
        for document in documents
        for chunk in chunk_document(
            document, size=settings.chunk_size, overlap=settings.chunk_overlap
        )
    ]


def write_shipped_vectors(
    path: Path, texts: Sequence[str], vectors: Vectors, *, model: str, backend: str
) -> None:
    """Save ``vectors`` (one row per text) as float16 with their texts' fingerprints."""
    keys = text_keys(texts)
    unique = np.unique(keys, return_index=True)[1]
    meta = {
        "model": model,
        "family": VECTOR_FAMILY[backend],
        "backend": backend,
        "dimension": int(vectors.shape[1]),
        "count": len(unique),
        "made_at": time.strftime("%Y-%m-%d"),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        np.savez_compressed(
            handle,
            keys=keys[unique],
            vectors=vectors[unique].astype(np.float16),
            meta=np.array(json.dumps(meta)),
        )


def read_shipped_meta(path: Path | None = None) -> dict[str, Any]:
    with np.load(path or SHIPPED_FILE, allow_pickle=False) as data:
        meta: dict[str, Any] = json.loads(str(data["meta"]))
    return meta


def load_shipped_vectors(
    settings: Settings, embedder: Embedder, path: Path | None = None
) -> KnownVectors | None:
    """The shipped vectors when the settings allow them and they were computed by the model
    and encoder family of ``embedder`` (else ``None``: everything is embedded here)."""
    path = path or SHIPPED_FILE
    if not settings.shipped_vectors or not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            keys, stored = data["keys"], data["vectors"]
    except (OSError, ValueError, KeyError) as error:
        log.warning("shipped vectors %s unreadable (%s); embedding everything", path, error)
        return None
    family = VECTOR_FAMILY.get(backend_of(embedder))
    if (meta.get("model"), meta.get("family"), meta.get("dimension")) != (
        embedder.name,
        family,
        embedder.dimension,
    ):
        log.info("shipped vectors are for %s (%s); not used", meta.get("model"), meta.get("family"))
        return None
    vectors = stored.astype(np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    known = KnownVectors(embedder.dimension)
    known.add(keys, vectors)
    return known
