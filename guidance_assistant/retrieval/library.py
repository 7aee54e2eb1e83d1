"""The documents advisers add to the knowledge: one private folder in the data folder.

An upload arrives as a file in the app's private upload folder. :func:`accept_uploads` reads
each one where it lies; a file that cannot be read, or is not a kind we index, is deleted at
once and reported; a readable one is moved (not copied) into the documents folder, so no copy
stays behind. :func:`remove_documents` takes documents out of the index and off the disk.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from guidance_assistant.errors import DocumentError
from guidance_assistant.retrieval.index import UpdateReport
from guidance_assistant.retrieval.knowledge_base import KnowledgeBase, document_roots
from guidance_assistant.retrieval.loaders import SUPPORTED_SUFFIXES, document_path, load_paths

log = logging.getLogger(__name__)

DOCUMENTS_FOLDER = "documents"
_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)


@dataclass
class Accepted:
    """What :func:`accept_uploads` did with a batch of uploads."""

    kept: list[Path] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)


def documents_folder(data_dir: Path) -> Path:
    folder = data_dir / DOCUMENTS_FOLDER
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def safe_name(name: str) -> str:
    """A file name that stays inside the documents folder and keeps its letters."""
    base = Path(name.replace("\\", "/")).name
    cleaned = _UNSAFE.sub("_", base).strip(" .")
    if not cleaned or cleaned.startswith("."):
        raise DocumentError(f"'{name}' is not a usable file name.")
    return cleaned[:150]


def discard(path: Path, *, within: Path | None = None) -> None:
    """Delete an uploaded file, and its folder when that is left empty (Gradio keeps each
    upload in a folder of its own), never anything outside ``within``."""
    path = Path(path)
    path.unlink(missing_ok=True)
    parent = path.parent
    if within is not None and parent != within and parent.is_relative_to(within):
        with contextlib.suppress(OSError):
            parent.rmdir()


def accept_uploads(
    uploads: Sequence[Path | str], data_dir: Path, *, upload_root: Path | None = None
) -> Accepted:
    """Move readable uploads into the documents folder; delete the rest at once.

    Each upload is read where it lies first, so a file that cannot be indexed never replaces
    a document of the same name."""
    folder = documents_folder(data_dir)
    result = Accepted()
    for upload in map(Path, uploads):
        try:
            name = safe_name(upload.name)
            if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
                kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
                raise DocumentError(f"only {kinds} files can be indexed")
            documents, problems = load_paths([upload], doc_type="user")
            if problems or not documents:
                reason = "; ".join(p.message for p in problems) or "no text found"
                raise DocumentError(reason)
            target = folder / name
            os.replace(upload, target)
            target.chmod(0o600)
            result.kept.append(target)
        except (DocumentError, OSError) as error:
            result.rejected.append((upload.name, str(error)))
        finally:
            discard(upload, within=upload_root)
    return result


def remove_documents(kb: KnowledgeBase, doc_ids: Iterable[str], data_dir: Path) -> UpdateReport:
    """Take an adviser's documents out of the index, then delete their files from the
    documents folder (a file elsewhere, indexed from the command line, is left on disk)."""
    wanted = list(doc_ids)
    known = kb.user_documents()
    roots = document_roots(kb.settings)
    paths = [document_path(doc_id, roots) for doc_id in wanted if doc_id in known]
    report = kb.remove_documents(wanted)
    folder = documents_folder(data_dir).resolve()
    for path in paths:
        if path is not None and path.resolve().parent == folder:
            path.unlink(missing_ok=True)
    return report


@dataclass(frozen=True)
class IndexingStatus:
    """Where the background indexing of an adviser's documents stands."""

    state: Literal["idle", "running", "done", "failed"] = "idle"
    files: tuple[str, ...] = ()
    done: int = 0  # chunks embedded so far
    total: int = 0  # chunks to embed (0 until the documents are chunked)
    started: float = 0.0
    finished: float = 0.0
    summary: str = ""

    def describe(self) -> str:
        """One plain sentence for the page."""
        names = ", ".join(self.files)
        if self.state == "running":
            took = time.monotonic() - self.started
            if not self.total:
                return f"Reading {names} ({took:.0f} s so far)."
            share = self.done / self.total
            return (
                f"Indexing {names}: {self.done:,} of {self.total:,} passages "
                f"({share:.0%}, {took:.0f} s so far)."
            )
        if self.state == "done":
            return f"Indexed {names}: {self.summary}"
        if self.state == "failed":
            return f"Indexing {names} failed: {self.summary}"
        return ""


class BackgroundIndexer:
    """Indexes an adviser's documents in a thread of its own, one batch at a time, so a large
    upload neither blocks the page nor hides its progress. Searches use the old index until
    the new one is written."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._status = IndexingStatus()
        self._thread: threading.Thread | None = None

    @property
    def status(self) -> IndexingStatus:
        with self._lock:
            return self._status

    @property
    def busy(self) -> bool:
        return self.status.state == "running"

    def start(
        self,
        kb: KnowledgeBase,
        paths: Sequence[Path],
        *,
        on_done: Callable[[UpdateReport], None] | None = None,
    ) -> IndexingStatus:
        """Start indexing ``paths`` into ``kb``; refused while a batch is being indexed."""
        with self._lock:
            if self._status.state == "running":
                raise DocumentError(
                    "Documents are being indexed already; add these when that has finished."
                )
            self._status = IndexingStatus(
                state="running", files=tuple(p.name for p in paths), started=time.monotonic()
            )
            self._thread = threading.Thread(
                target=self._run, args=(kb, list(paths), on_done), daemon=True, name="indexer"
            )
            self._thread.start()
            return self._status

    def wait(self, timeout: float | None = None) -> IndexingStatus:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self.status

    def _progress(self, done: int, total: int) -> None:
        with self._lock:
            self._status = replace(self._status, done=done, total=total)

    def _run(
        self,
        kb: KnowledgeBase,
        paths: list[Path],
        on_done: Callable[[UpdateReport], None] | None,
    ) -> None:
        try:
            report = kb.add_paths(paths, progress=False, on_progress=self._progress)
            problems = "".join(f"; skipped {p}" for p in kb.load_problems)
            outcome = replace(self.status, state="done", summary=report.summary() + problems)
            if on_done is not None:
                on_done(report)
        except Exception as error:  # reported on the page; the traceback goes to the log
            log.exception("indexing %s failed", [p.name for p in paths])
            reason = str(error) if isinstance(error, DocumentError) else type(error).__name__
            outcome = replace(self.status, state="failed", summary=reason)
        with self._lock:
            self._status = replace(outcome, finished=time.monotonic())


__all__ = [
    "Accepted",
    "BackgroundIndexer",
    "IndexingStatus",
    "accept_uploads",
    "discard",
    "documents_folder",
    "remove_documents",
    "safe_name",
]
