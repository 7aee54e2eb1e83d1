"""A persisted knowledge index: chunk table, vectors, FAISS file and a manifest.

Layout of an index folder::

    manifest.json     model, dimension, chunking, documents (content hash), file checksums
    chunks.jsonl      one chunk a line, with its document's citation fields
    embeddings.npy    float32 unit vectors, one row per chunk (reused for unchanged documents)
    dense.faiss       the FAISS index over those rows

Every file is written to a temporary name and renamed, so an interrupted build leaves the
previous index whole. Writers take an exclusive lock on ``.lock`` in the folder and readers a
shared one, so two processes starting at once (two app workers, parallel test runs) never see or
write half an index; an update that changes nothing writes nothing. Loading checks the checksums and the model: a damaged or mismatched
index raises an error that says how to rebuild, never returns wrong results.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError

from guidance_assistant.errors import IndexCorruptError, IndexMismatchError, IndexMissingError
from guidance_assistant.retrieval.chunking import Chunk, chunk_document
from guidance_assistant.retrieval.dense import DenseIndex, DenseKind
from guidance_assistant.retrieval.embedding import VECTOR_FAMILY, Embedder, Vectors, backend_of
from guidance_assistant.retrieval.known_vectors import KnownVectors, text_keys
from guidance_assistant.sources import Document

FORMAT_VERSION = 1
#: Chunks embedded between two progress reports (large enough to keep the encoder's batching).
PROGRESS_SLICE = 1024
#: ``on_progress(done, total)``: chunks embedded so far, of the chunks this update embeds.
ProgressCallback = Callable[[int, int], None]
#: Vectors known before embedding, or a function that loads them when they are needed.
KnownSource = KnownVectors | Callable[[], KnownVectors | None]
REBUILD_HINT = "Rebuild it with: guidance-assistant index --rebuild"


class DocumentEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    content_hash: str
    title: str
    source: str
    doc_type: str
    origin: str
    chunks: int


class FileEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sha256: str
    bytes: int


class Manifest(BaseModel):
    """What an index was built from and with."""

    model_config = ConfigDict(extra="forbid")
    format_version: int = FORMAT_VERSION
    model: str
    #: The encoder backend that computed the vectors (indexes from before it was recorded
    #: were all built with torch).
    embedding_backend: str = "torch"
    dimension: int
    chunk_size: int
    chunk_overlap: int
    dense_kind: str
    chunk_count: int
    built_at: float
    documents: dict[str, DocumentEntry]
    files: dict[str, FileEntry]


class StoredChunk(BaseModel):
    """A row of ``chunks.jsonl``: the chunk and its document's provenance."""

    model_config = ConfigDict(extra="forbid")
    chunk: Chunk
    doc_type: str
    source: str
    origin: str
    publisher: str | None = None
    year: int | None = None
    url: str | None = None
    metadata: dict[str, str | int | float | bool | None] = {}


@dataclass
class UpdateReport:
    """What an index update did."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    chunks_embedded: int = 0
    chunks_reused: int = 0  # new chunks whose text already had a vector (moved, or shipped)
    chunk_count: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.changed)} changed, "
            f"{len(self.unchanged)} unchanged, {len(self.removed)} removed documents; "
            f"{self.chunks_embedded} chunks embedded"
            + (f" ({self.chunks_reused} more had vectors already)" if self.chunks_reused else "")
            + f", {self.chunk_count} in the index "
            f"({self.seconds:.1f} s)"
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _replace(tmp: Path, final: Path) -> None:
    os.replace(tmp, final)


LOCK_FILE = ".lock"


@contextlib.contextmanager
def index_lock(index_dir: Path, *, exclusive: bool) -> Iterator[None]:
    """Hold the index folder's lock: exclusive to write, shared to read (POSIX ``flock``).

    The lock belongs to an open file, so nested use in one process must not ask again: the
    update path reads the old index with :meth:`IndexData.read_unlocked` under its own lock.
    """
    if exclusive:
        index_dir.mkdir(parents=True, exist_ok=True)
    try:
        handle = (index_dir / LOCK_FILE).open("a+b")
    except OSError:
        if exclusive:
            raise
        yield  # a read-only index folder: nobody can be writing it
        return
    with handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class IndexData:
    """The loaded contents of an index folder."""

    def __init__(
        self, manifest: Manifest, rows: list[StoredChunk], vectors: Vectors, dense: DenseIndex
    ) -> None:
        self.manifest = manifest
        self.rows = rows
        self.vectors = vectors
        self.dense = dense

    @classmethod
    def load(
        cls,
        index_dir: Path,
        *,
        expect_model: str | None = None,
        expect_backend: str | None = None,
    ) -> IndexData:
        """Read and check the index at ``index_dir`` (under a shared lock)."""
        if not (index_dir / "manifest.json").is_file():
            raise IndexMissingError(
                f"No knowledge index at {index_dir}. Build it with: guidance-assistant index"
            )
        with index_lock(index_dir, exclusive=False):
            return cls.read_unlocked(
                index_dir, expect_model=expect_model, expect_backend=expect_backend
            )

    @classmethod
    def read_unlocked(
        cls,
        index_dir: Path,
        *,
        expect_model: str | None = None,
        expect_backend: str | None = None,
    ) -> IndexData:
        """:meth:`load` without taking the lock (for a caller that already holds it)."""
        manifest_path = index_dir / "manifest.json"
        if not manifest_path.is_file():
            raise IndexMissingError(
                f"No knowledge index at {index_dir}. Build it with: guidance-assistant index"
            )
        try:
            manifest = Manifest.model_validate_json(manifest_path.read_text(encoding="utf-8"))
        except (ValidationError, ValueError, OSError) as error:
            raise IndexCorruptError(
                f"The index manifest {manifest_path} is damaged or from another version "
                f"({type(error).__name__}). {REBUILD_HINT}"
            ) from error
        if manifest.format_version != FORMAT_VERSION:
            raise IndexMismatchError(
                f"The index at {index_dir} has format {manifest.format_version}; this version "
                f"reads format {FORMAT_VERSION}. {REBUILD_HINT}"
            )
        if expect_model is not None and manifest.model != expect_model:
            raise IndexMismatchError(
                f"The index at {index_dir} was built with the embedding model "
                f"'{manifest.model}', but the settings ask for '{expect_model}'. Searching it "
                f"would give wrong results. {REBUILD_HINT} (or set GA_EMBEDDING_MODEL back)."
            )
        if expect_backend is not None:
            check_backend(index_dir, manifest.embedding_backend, expect_backend)
        for name, entry in manifest.files.items():
            path = index_dir / name
            if not path.is_file():
                raise IndexCorruptError(f"The index file {path} is missing. {REBUILD_HINT}")
            if path.stat().st_size != entry.bytes or _sha256(path) != entry.sha256:
                raise IndexCorruptError(
                    f"The index file {path} is truncated or altered (its checksum does not "
                    f"match the manifest). {REBUILD_HINT}"
                )
        try:
            with (index_dir / "chunks.jsonl").open(encoding="utf-8") as handle:
                rows = [StoredChunk.model_validate_json(line) for line in handle if line.strip()]
            vectors = np.load(index_dir / "embeddings.npy", allow_pickle=False)
            dense = DenseIndex.read(index_dir / "dense.faiss", manifest.dense_kind)  # type: ignore[arg-type]
        except (ValidationError, ValueError, OSError, RuntimeError) as error:
            raise IndexCorruptError(
                f"The index at {index_dir} could not be read ({error}). {REBUILD_HINT}"
            ) from error
        if not (len(rows) == vectors.shape[0] == dense.size == manifest.chunk_count):
            raise IndexCorruptError(
                f"The index at {index_dir} is inconsistent: {len(rows)} chunks, "
                f"{vectors.shape[0]} vectors, {dense.size} FAISS entries. {REBUILD_HINT}"
            )
        if vectors.shape[0] and vectors.shape[1] != manifest.dimension:
            raise IndexCorruptError(
                f"The vectors at {index_dir} have dimension {vectors.shape[1]}, the manifest "
                f"says {manifest.dimension}. {REBUILD_HINT}"
            )
        return cls(manifest, rows, vectors, dense)


def check_backend(index_dir: Path, built_with: str, asked_for: str) -> None:
    """Refuse an index whose vectors another encoder backend computed, unless the two were
    measured interchangeable (the same :data:`VECTOR_FAMILY`)."""
    if VECTOR_FAMILY.get(built_with, built_with) != VECTOR_FAMILY.get(asked_for, asked_for):
        raise IndexMismatchError(
            f"The index at {index_dir} was built with the '{built_with}' encoder, but the "
            f"settings ask for '{asked_for}': their vectors differ, so searching it would rank "
            f"passages wrongly. {REBUILD_HINT} (or set GA_EMBEDDING_BACKEND={built_with})."
        )


def update_index(
    index_dir: Path,
    documents: Sequence[Document],
    *,
    embedder: Embedder,
    chunk_size: int,
    chunk_overlap: int,
    dense_kind_for: Callable[[int], DenseKind],
    origin: str = "user",
    prune_origin: bool = False,
    rebuild: bool = False,
    progress: bool = False,
    on_progress: ProgressCallback | None = None,
    known: KnownSource | None = None,
) -> tuple[IndexData, UpdateReport]:
    """Add or refresh ``documents`` in the index at ``index_dir`` and write it back.

    Unchanged documents (same content hash, same model and chunking) keep their vectors;
    only new or changed ones are chunked and embedded. With ``prune_origin`` the documents
    of the same ``origin`` that are not in ``documents`` are removed (the bundled knowledge
    is refreshed this way without touching an adviser's own documents). When nothing changed,
    nothing is written. The folder is locked for the whole update. ``on_progress(done, total)``
    is called as chunks are embedded (in slices of :data:`PROGRESS_SLICE`).

    A new chunk whose exact text has a vector already, in the index being replaced (a
    document moved or renamed) or in ``known`` (vectors shipped for our own knowledge, from
    the same model and backend), takes that vector instead of being embedded.
    """
    with index_lock(index_dir, exclusive=True):
        return _update_locked(
            index_dir,
            documents,
            embedder=embedder,
            chunk_size=chunk_size,
            chunk_overlap=chunk_overlap,
            dense_kind_for=dense_kind_for,
            origin=origin,
            prune_origin=prune_origin,
            rebuild=rebuild,
            progress=progress,
            on_progress=on_progress,
            known=known,
        )


def _update_locked(
    index_dir: Path,
    documents: Sequence[Document],
    *,
    embedder: Embedder,
    chunk_size: int,
    chunk_overlap: int,
    dense_kind_for: Callable[[int], DenseKind],
    origin: str,
    prune_origin: bool,
    rebuild: bool,
    progress: bool,
    on_progress: ProgressCallback | None = None,
    known: KnownSource | None = None,
) -> tuple[IndexData, UpdateReport]:
    started = time.perf_counter()
    report = UpdateReport()
    old: IndexData | None = None
    if not rebuild and (index_dir / "manifest.json").exists():
        old = IndexData.read_unlocked(index_dir)
        if old.manifest.model != embedder.name or old.manifest.dimension != embedder.dimension:
            raise IndexMismatchError(
                f"The index at {index_dir} was built with '{old.manifest.model}' "
                f"(dimension {old.manifest.dimension}); adding documents embedded with "
                f"'{embedder.name}' would mix models. {REBUILD_HINT}"
            )
        check_backend(index_dir, old.manifest.embedding_backend, backend_of(embedder))
    replaced = old  # its vectors serve new chunks of the same text
    if old is not None and (old.manifest.chunk_size, old.manifest.chunk_overlap) != (
        chunk_size,
        chunk_overlap,
    ):
        old = None  # chunking changed: every document must be re-chunked
        report.changed.append("(chunking settings changed: all documents re-chunked)")

    incoming = {doc.doc_id: doc for doc in documents}
    kept_rows: list[StoredChunk] = []
    kept_vectors: list[Vectors] = []
    kept_docs: dict[str, DocumentEntry] = {}
    if old is not None:
        rows_by_doc: dict[str, list[int]] = {}
        for row_number, row in enumerate(old.rows):
            rows_by_doc.setdefault(row.chunk.doc_id, []).append(row_number)
        for doc_id, entry in old.manifest.documents.items():
            new_doc = incoming.get(doc_id)
            if new_doc is None:
                if prune_origin and entry.origin == origin:
                    report.removed.append(doc_id)
                    continue
            elif new_doc.content_hash != entry.content_hash:
                continue  # re-embedded below
            row_numbers = rows_by_doc.get(doc_id, [])
            kept_rows.extend(old.rows[i] for i in row_numbers)
            if row_numbers:
                kept_vectors.append(old.vectors[row_numbers])
            kept_docs[doc_id] = entry
            if new_doc is not None:
                report.unchanged.append(doc_id)

    new_rows: list[StoredChunk] = []
    new_docs: dict[str, DocumentEntry] = {}
    for doc in documents:
        if doc.doc_id in kept_docs:
            continue
        previously = old is not None and doc.doc_id in old.manifest.documents
        (report.changed if previously else report.added).append(doc.doc_id)
        chunks = chunk_document(doc, size=chunk_size, overlap=chunk_overlap)
        for chunk in chunks:
            new_rows.append(
                StoredChunk(
                    chunk=chunk,
                    doc_type=doc.doc_type,
                    source=doc.source,
                    origin=origin,
                    publisher=doc.publisher,
                    year=doc.year,
                    url=doc.url,
                    metadata=doc.metadata,
                )
            )
        new_docs[doc.doc_id] = DocumentEntry(
            content_hash=doc.content_hash,
            title=doc.title,
            source=doc.source,
            doc_type=doc.doc_type,
            origin=origin,
            chunks=len(chunks),
        )

    if (
        old is not None
        and not new_docs
        and not report.removed
        and len(kept_rows) == len(old.rows)
        and old.manifest.dense_kind == dense_kind_for(len(old.rows))
    ):
        report.chunk_count = len(old.rows)
        report.seconds = time.perf_counter() - started
        return old, report  # nothing changed: nothing to embed or write

    shipped = known() if callable(known) and new_rows else known
    lookups = [shipped] if isinstance(shipped, KnownVectors) else []
    if replaced is not None and new_rows:
        previous = KnownVectors(replaced.manifest.dimension)
        previous.add(text_keys(row.chunk.index_text() for row in replaced.rows), replaced.vectors)
        lookups.insert(0, previous)
    new_vectors, report.chunks_embedded = _vectors_for(
        [row.chunk.index_text() for row in new_rows], embedder, lookups, progress, on_progress
    )
    report.chunks_reused = len(new_rows) - report.chunks_embedded
    rows = kept_rows + new_rows
    parts = [*kept_vectors, new_vectors] if kept_vectors else [new_vectors]
    vectors = np.ascontiguousarray(np.vstack(parts), dtype=np.float32)
    dense = DenseIndex.build(vectors, dense_kind_for(len(rows)))
    data = _write(
        index_dir,
        rows,
        vectors,
        dense,
        documents={**kept_docs, **new_docs},
        embedder=embedder,
        chunk_size=chunk_size,
        chunk_overlap=chunk_overlap,
    )
    report.chunk_count = len(rows)
    report.seconds = time.perf_counter() - started
    return data, report


def _vectors_for(
    texts: list[str],
    embedder: Embedder,
    lookups: Sequence[KnownVectors],
    progress: bool,
    on_progress: ProgressCallback | None,
) -> tuple[Vectors, int]:
    """A vector for each of ``texts``: a known one where ``lookups`` have it (the first that
    does), else embedded; and how many were embedded."""
    vectors = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
    missing = list(range(len(texts)))
    for lookup in lookups:
        if not missing or lookup.dimension != embedder.dimension:
            continue
        found, rows = lookup.find([texts[i] for i in missing])
        if found:
            vectors[[missing[i] for i in found]] = rows
            taken = set(found)
            missing = [m for i, m in enumerate(missing) if i not in taken]
    if missing:
        vectors[missing] = _embed(embedder, [texts[i] for i in missing], progress, on_progress)
    return vectors, len(missing)


def _embed(
    embedder: Embedder, texts: list[str], progress: bool, on_progress: ProgressCallback | None
) -> Vectors:
    if on_progress is None:
        return embedder.embed(texts, progress=progress)
    parts = []
    on_progress(0, len(texts))
    for start in range(0, len(texts), PROGRESS_SLICE):
        parts.append(embedder.embed(texts[start : start + PROGRESS_SLICE], progress=progress))
        on_progress(min(start + PROGRESS_SLICE, len(texts)), len(texts))
    if not parts:
        return embedder.embed([], progress=False)
    return np.ascontiguousarray(np.vstack(parts), dtype=np.float32)


def remove_from_index(
    index_dir: Path,
    doc_ids: Iterable[str],
    *,
    dense_kind_for: Callable[[int], DenseKind],
    origin: str | None = None,
) -> tuple[IndexData, UpdateReport]:
    """Take the documents ``doc_ids`` out of the index at ``index_dir`` (their chunks, vectors
    and manifest entries) and write it back; the other documents keep their vectors, nothing
    is embedded. With ``origin`` only documents of that origin may be removed (the app removes
    an adviser's own documents, never the bundled knowledge). Unknown ids are an error, so a
    stale page cannot report a removal that did not happen."""
    started = time.perf_counter()
    wanted = list(dict.fromkeys(doc_ids))
    with index_lock(index_dir, exclusive=True):
        old = IndexData.read_unlocked(index_dir)
        missing = [doc_id for doc_id in wanted if doc_id not in old.manifest.documents]
        if missing:
            raise IndexMissingError(f"Not in the index: {', '.join(missing)}")
        if origin is not None:
            foreign = [d for d in wanted if old.manifest.documents[d].origin != origin]
            if foreign:
                raise IndexMismatchError(
                    f"Only documents added as '{origin}' can be removed here: {', '.join(foreign)}"
                )
        gone = set(wanted)
        keep = [i for i, row in enumerate(old.rows) if row.chunk.doc_id not in gone]
        rows = [old.rows[i] for i in keep]
        vectors = np.ascontiguousarray(old.vectors[keep], dtype=np.float32)
        dense = DenseIndex.build(vectors, dense_kind_for(len(rows)))
        manifest = old.manifest
        data = _write_parts(
            index_dir,
            rows,
            vectors,
            dense,
            documents={k: v for k, v in manifest.documents.items() if k not in gone},
            model=manifest.model,
            backend=manifest.embedding_backend,
            dimension=manifest.dimension,
            chunk_size=manifest.chunk_size,
            chunk_overlap=manifest.chunk_overlap,
        )
    report = UpdateReport(removed=wanted, chunk_count=len(rows))
    report.seconds = time.perf_counter() - started
    return data, report


def _write(
    index_dir: Path,
    rows: list[StoredChunk],
    vectors: Vectors,
    dense: DenseIndex,
    *,
    documents: dict[str, DocumentEntry],
    embedder: Embedder,
    chunk_size: int,
    chunk_overlap: int,
) -> IndexData:
    return _write_parts(
        index_dir,
        rows,
        vectors,
        dense,
        documents=documents,
        model=embedder.name,
        backend=backend_of(embedder),
        dimension=embedder.dimension,
        chunk_size=chunk_size,
        chunk_overlap=chunk_overlap,
    )


def _write_parts(
    index_dir: Path,
    rows: list[StoredChunk],
    vectors: Vectors,
    dense: DenseIndex,
    *,
    documents: dict[str, DocumentEntry],
    model: str,
    backend: str,
    dimension: int,
    chunk_size: int,
    chunk_overlap: int,
) -> IndexData:
    index_dir.mkdir(parents=True, exist_ok=True)
    staged: dict[str, Path] = {}

    chunks_tmp = index_dir / "chunks.jsonl.tmp"
    with chunks_tmp.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(row.model_dump_json() + "\n")
    staged["chunks.jsonl"] = chunks_tmp

    vectors_tmp = index_dir / "embeddings.tmp.npy"
    np.save(vectors_tmp, vectors, allow_pickle=False)
    staged["embeddings.npy"] = vectors_tmp

    dense_tmp = index_dir / "dense.faiss.tmp"
    dense.write(dense_tmp)
    staged["dense.faiss"] = dense_tmp

    files = {
        name: FileEntry(sha256=_sha256(path), bytes=path.stat().st_size)
        for name, path in staged.items()
    }
    manifest = Manifest(
        model=model,
        embedding_backend=backend,
        dimension=dimension,
        chunk_size=chunk_size,
        chunk_overlap=chunk_overlap,
        dense_kind=dense.kind,
        chunk_count=len(rows),
        built_at=time.time(),
        documents=documents,
        files=files,
    )
    manifest_tmp = index_dir / "manifest.json.tmp"
    manifest_tmp.write_text(manifest.model_dump_json(indent=1), encoding="utf-8")
    # Data files first, manifest last: a crash in between leaves checksums that don't match,
    # which loading reports instead of silently mixing old and new.
    for name, path in staged.items():
        _replace(path, index_dir / name)
    _replace(manifest_tmp, index_dir / "manifest.json")
    return IndexData(manifest, rows, vectors, dense)


def manifest_summary(manifest: Manifest) -> dict[str, Any]:
    """A few lines of facts about an index, for the CLI and the app."""
    by_type: dict[str, int] = {}
    for entry in manifest.documents.values():
        by_type[entry.doc_type] = by_type.get(entry.doc_type, 0) + 1
    return {
        "model": manifest.model,
        "encoder": manifest.embedding_backend,
        "dimension": manifest.dimension,
        "chunks": manifest.chunk_count,
        "documents": len(manifest.documents),
        "documents_by_type": by_type,
        "dense_index": manifest.dense_kind,
    }
