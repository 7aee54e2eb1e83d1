"""The knowledge base: build or load an index and search it with hybrid retrieval."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from guidance_assistant.config import Settings, get_settings
from guidance_assistant.errors import DocumentError, IndexMissingError
from guidance_assistant.paths import file_stamp
from guidance_assistant.retrieval.dense import choose_kind
from guidance_assistant.retrieval.embedding import Embedder, embedder_for
from guidance_assistant.retrieval.fusion import (
    Ranking,
    convex_fusion,
    reciprocal_rank_fusion,
    scaled,
)
from guidance_assistant.retrieval.index import (
    IndexData,
    ProgressCallback,
    UpdateReport,
    remove_from_index,
    update_index,
)
from guidance_assistant.retrieval.loaders import (
    LoadProblem,
    default_roots,
    iter_files,
    load_paths,
)
from guidance_assistant.retrieval.query import clean_query
from guidance_assistant.retrieval.shipped import load_shipped_vectors
from guidance_assistant.retrieval.sparse import SparseIndex
from guidance_assistant.retrieval.understanding import UnderstoodQuery, understand
from guidance_assistant.sources import Citation, Document

log = logging.getLogger(__name__)

SearchMode = Literal["hybrid", "dense", "bm25"]

#: Weight of the third ranking of a job question (the passages of the occupations it names,
#: ranked among themselves) beside the dense and BM25 rankings; chosen on the dev split of
#: ``evals/retrieval/users`` (see evals/README.md, issue 19).
JOB_WEIGHT = 0.25
FilterValue = str | Sequence[str]
BUNDLED_ORIGIN = "bundled"
USER_ORIGIN = "user"


class Passage(BaseModel):
    """A search result: the passage, its score and where it comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    score: float
    citation: Citation
    metadata: dict[str, Any]

    @property
    def doc_type(self) -> str:
        return str(self.metadata["doc_type"])

    @property
    def source(self) -> str:
        return self.citation.source


def document_roots(settings: Settings) -> dict[str, Path]:
    """The folders document ids are relative to (``file:knowledge/...``, ``file:data/...``,
    ``file:shared/...``), so a data folder built by one checkout serves another as it is."""
    return {
        **default_roots(),
        "knowledge": settings.resolved_knowledge_dir,
        "data": settings.data_dir,
    }


def bundled_documents(settings: Settings) -> tuple[list[Document], list[LoadProblem]]:
    """Everything the default index holds: framework notes, LMI records (rendered by our
    templates), the publishers' job-profile prose and the configured extra sources."""
    from guidance_assistant.lmi import LMIStore
    from guidance_assistant.lmi.ncs_prose import ncs_profile_documents
    from guidance_assistant.lmi.render import record_documents

    knowledge = settings.resolved_knowledge_dir
    roots = document_roots(settings)
    documents, problems = load_paths([knowledge / "frameworks"], doc_type="framework", roots=roots)
    documents.extend(record_documents(LMIStore.load()))
    if settings.lmi_source_dir is not None:
        documents.extend(ncs_profile_documents(settings.lmi_source_dir))
    if settings.extra_sources:
        extra, extra_problems = load_paths(settings.extra_sources, doc_type="user", roots=roots)
        documents.extend(extra)
        problems.extend(extra_problems)
    return documents, problems


#: (path, (modification time in ns, size)) of every file the bundled knowledge is read from.
SourceStamps = tuple[tuple[str, tuple[int, int]], ...]


def bundled_source_stamps(settings: Settings) -> SourceStamps:
    """The size and modification time of every file :func:`bundled_documents` reads: a cheap
    check (a ``stat`` per file, no reading or hashing) that none of them changed."""
    from guidance_assistant.lmi.ncs_prose import NCS_PROFILES_FILE
    from guidance_assistant.lmi.store import default_records_path
    from guidance_assistant.paths import bundled_dir

    knowledge = settings.resolved_knowledge_dir
    files, _ = iter_files([knowledge / "frameworks"])
    files += [bundled_dir("knowledge") / "sources.yaml", default_records_path()]
    if settings.lmi_source_dir is not None:
        files.append(settings.lmi_source_dir / NCS_PROFILES_FILE)
    if settings.extra_sources:
        extra, _ = iter_files(settings.extra_sources)
        files += extra
    return tuple((str(path), file_stamp(path)) for path in files)


@dataclass
class _OpenKnowledge:
    """A knowledge base this process has open, and the stamps of the files it was built from
    (``None`` when it was opened without checking them)."""

    kb: KnowledgeBase
    sources: SourceStamps | None

    def is_current(self, sources: SourceStamps | None) -> bool:
        """Whether it still answers for ``sources`` (``None``: not checked) and the index on
        disk is the one it read or wrote last."""
        if sources is not None and self.sources != sources:
            return False
        return self.kb._manifest_stamp == file_stamp(self.kb.index_dir / "manifest.json")


#: How many bundled knowledge bases (one per settings and index folder) a process keeps open.
KEEP_OPEN = 4
_OPEN: OrderedDict[tuple[str, str], _OpenKnowledge] = OrderedDict()
_OPEN_LOCK = threading.RLock()


def forget_open_knowledge() -> None:
    """Close every knowledge base this process keeps open (the next ``bundled()`` reopens)."""
    with _OPEN_LOCK:
        _OPEN.clear()


class KnowledgeBase:
    """A searchable, persisted index of documents.

    >>> kb = KnowledgeBase.bundled()
    >>> for passage in kb.search("What does Gatsby Benchmark 8 require?", k=3):
    ...     print(passage.citation.render())
    """

    def __init__(self, data: IndexData, *, settings: Settings, index_dir: Path) -> None:
        self.settings = settings
        self.index_dir = index_dir
        self.last_update: UpdateReport | None = None
        self.load_problems: list[LoadProblem] = []
        self._set_data(data)

    def _set_data(self, data: IndexData) -> None:
        self._data = data
        # What the manifest on disk looked like when this data was read or written: another
        # process's write (an adviser's upload, ``guidance-assistant index``) changes it.
        self._manifest_stamp = file_stamp(self.index_dir / "manifest.json")
        self._sparse = SparseIndex([row.chunk.index_text() for row in data.rows])
        self._doc_types = np.array([row.doc_type for row in data.rows], dtype=object)
        self._sources = np.array([row.source for row in data.rows], dtype=object)
        self._rows_of: dict[str, list[int]] = {}
        for number, row in enumerate(data.rows):
            self._rows_of.setdefault(row.source, []).append(number)

    # -- construction -------------------------------------------------------------------

    @classmethod
    def load(
        cls, index_dir: Path | str | None = None, *, settings: Settings | None = None
    ) -> KnowledgeBase:
        """Open an existing index; raises a clear error if it is missing, damaged or was built
        with another embedding model."""
        settings = settings or get_settings()
        directory = Path(index_dir) if index_dir is not None else settings.resolved_index_dir
        data = IndexData.load(
            directory,
            expect_model=settings.embedding_model,
            expect_backend=settings.embedding_backend,
        )
        return cls(data, settings=settings, index_dir=directory)

    @classmethod
    def from_paths(
        cls,
        paths: Iterable[Path | str],
        index_dir: Path | str | None = None,
        *,
        settings: Settings | None = None,
        rebuild: bool = False,
        progress: bool = True,
        on_progress: ProgressCallback | None = None,
    ) -> KnowledgeBase:
        """Build or update the index at ``index_dir`` with the files and folders in ``paths``.

        Documents already in the index stay; changed ones are re-embedded, unchanged ones are
        not. Files that cannot be read are skipped and listed in ``load_problems``.
        """
        settings = settings or get_settings()
        directory = Path(index_dir) if index_dir is not None else settings.resolved_index_dir
        documents, problems = load_paths(
            [Path(p) for p in paths], doc_type="user", roots=document_roots(settings)
        )
        if not documents:
            reasons = "; ".join(str(p) for p in problems) or "no .md, .txt, .pdf or .html files"
            raise DocumentError(f"Nothing to index: {reasons}")
        kb = cls._update(
            directory,
            documents,
            settings,
            origin=USER_ORIGIN,
            rebuild=rebuild,
            progress=progress,
            on_progress=on_progress,
        )
        kb.load_problems = problems
        return kb

    @classmethod
    def bundled(
        cls,
        *,
        settings: Settings | None = None,
        index_dir: Path | str | None = None,
        refresh: bool = True,
        rebuild: bool = False,
        progress: bool = True,
        reuse: bool = True,
    ) -> KnowledgeBase:
        """The bundled knowledge (built on first use, refreshed when its files change).

        A process opens it once per settings and index folder and hands the same object to
        every later call (``open_session``, ``prepare_brief``, the app), after a cheap check
        that none of its files changed (their size and modification time) and that no other
        process rewrote the index; when one did, it is refreshed as on first use (changed
        documents re-embedded). ``reuse=False`` opens it anew all the same.

        With ``refresh=False`` an existing index is opened as it is, without checking the
        bundled files for changes; ``rebuild=True`` discards the index (and any documents an
        adviser added) and builds it anew.
        """
        settings = settings or get_settings()
        directory = Path(index_dir) if index_dir is not None else settings.resolved_index_dir
        key = (str(directory.expanduser().absolute()), settings.model_dump_json())
        with _OPEN_LOCK:
            sources = bundled_source_stamps(settings) if refresh or rebuild else None
            open_kb = _OPEN.get(key)
            if reuse and not rebuild and open_kb is not None and open_kb.is_current(sources):
                _OPEN.move_to_end(key)
                return open_kb.kb
            kb = cls._open_bundled(settings, directory, refresh, rebuild, progress)
            if open_kb is not None:  # refreshed in place: every holder sees the new index
                open_kb.kb._set_data(kb._data)
                open_kb.kb.last_update, open_kb.kb.load_problems = kb.last_update, kb.load_problems
                kb = open_kb.kb
            _OPEN[key] = _OpenKnowledge(kb, sources)
            _OPEN.move_to_end(key)
            while len(_OPEN) > KEEP_OPEN:
                _OPEN.popitem(last=False)
            return kb

    @classmethod
    def _open_bundled(
        cls, settings: Settings, directory: Path, refresh: bool, rebuild: bool, progress: bool
    ) -> KnowledgeBase:
        if not refresh and not rebuild:
            try:
                return cls.load(directory, settings=settings)
            except IndexMissingError:
                pass
        documents, problems = bundled_documents(settings)
        kb = cls._update(
            directory,
            documents,
            settings,
            origin=BUNDLED_ORIGIN,
            prune_origin=True,
            rebuild=rebuild,
            progress=progress,
            shipped=True,
        )
        kb.load_problems = problems
        return kb

    @classmethod
    def _update(
        cls,
        directory: Path,
        documents: Sequence[Document],
        settings: Settings,
        *,
        origin: str,
        prune_origin: bool = False,
        rebuild: bool = False,
        progress: bool = True,
        on_progress: ProgressCallback | None = None,
        shipped: bool = False,
    ) -> KnowledgeBase:
        embedder = embedder_for(settings)
        data, report = update_index(
            directory,
            documents,
            embedder=embedder,
            chunk_size=settings.chunk_size,
            chunk_overlap=settings.chunk_overlap,
            dense_kind_for=lambda n: choose_kind(settings.dense_index, n, settings.ann_threshold),
            origin=origin,
            prune_origin=prune_origin,
            rebuild=rebuild,
            progress=progress,
            on_progress=on_progress,
            known=(lambda: load_shipped_vectors(settings, embedder)) if shipped else None,
        )
        log.info("index %s: %s", directory, report.summary())
        kb = cls(data, settings=settings, index_dir=directory)
        kb.last_update = report
        return kb

    def add_paths(
        self,
        paths: Iterable[Path | str],
        *,
        progress: bool = True,
        on_progress: ProgressCallback | None = None,
    ) -> UpdateReport:
        """Add an adviser's files to this index (same rules as :meth:`from_paths`); searches
        see the old index until the new one is written, then the new one."""
        kb = KnowledgeBase.from_paths(
            paths,
            self.index_dir,
            settings=self.settings,
            progress=progress,
            on_progress=on_progress,
        )
        self._set_data(kb._data)
        self.load_problems = kb.load_problems
        assert kb.last_update is not None
        self.last_update = kb.last_update
        return kb.last_update

    def remove_documents(self, doc_ids: Iterable[str]) -> UpdateReport:
        """Take documents an adviser added out of this index (never the bundled knowledge:
        that is refreshed from its files). Their chunks and vectors go; nothing is embedded."""
        settings = self.settings
        data, report = remove_from_index(
            self.index_dir,
            doc_ids,
            dense_kind_for=lambda n: choose_kind(settings.dense_index, n, settings.ann_threshold),
            origin=USER_ORIGIN,
        )
        self._set_data(data)
        self.last_update = report
        return report

    def user_documents(self) -> dict[str, dict[str, Any]]:
        """The documents advisers added (by id), with title, source and chunk count."""
        return {k: v for k, v in self.documents.items() if v["origin"] == USER_ORIGIN}

    # -- facts --------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._data.rows)

    @property
    def embedder(self) -> Embedder:
        return embedder_for(self.settings)

    @property
    def documents(self) -> dict[str, Any]:
        """Documents in the index by id, with title, source, type and chunk count."""
        return {k: v.model_dump() for k, v in self._data.manifest.documents.items()}

    def sources(self) -> set[str]:
        return {entry.source for entry in self._data.manifest.documents.values()}

    def passage_source(self, row_number: int) -> str:
        return self._data.rows[row_number].source

    def passage_text(self, row_number: int) -> str:
        return self._data.rows[row_number].chunk.text

    def passage_texts(self, sources: Iterable[str]) -> list[tuple[str, str]]:
        """``(source, text)`` of every passage of ``sources`` in the index, in index order
        (what an eval needs to count the passages that answer a question)."""
        wanted = set(sources)
        return [(row.source, row.chunk.text) for row in self._data.rows if row.source in wanted]

    # -- search -------------------------------------------------------------------------

    def _allowed(self, filters: Mapping[str, FilterValue] | None) -> npt.NDArray[np.bool_] | None:
        if not filters:
            return None
        mask = np.ones(len(self._data.rows), dtype=bool)
        for key, wanted in filters.items():
            values = {wanted} if isinstance(wanted, str) else set(wanted)
            if key == "doc_type":
                column = self._doc_types
            elif key == "source":
                column = self._sources
            else:
                raise ValueError(f"Unknown filter '{key}': use 'doc_type' or 'source'.")
            mask &= np.isin(column, list(values))
        return mask

    def search(
        self,
        query: str,
        k: int | None = None,
        filters: Mapping[str, FilterValue] | None = None,
        *,
        mode: SearchMode = "hybrid",
        fusion: str | None = None,
    ) -> list[Passage]:
        """The ``k`` passages that best answer ``query``, best first, each with its citation.

        ``filters`` restricts by ``doc_type`` (``framework``, ``lmi``, ``user``) and/or
        ``source`` (file name or ``lmi/<id>``); each takes one value or a list.
        Raises :class:`~guidance_assistant.errors.QueryError` for an unusable question.
        """
        text = clean_query(query, self.settings.max_query_chars)
        k = k or self.settings.k
        mask = self._allowed(filters)
        if mask is not None and not mask.any():
            return []
        understood = understand(text)
        rankings = self.rankings(understood, mode, mask, max(k, self.settings.candidates))
        if mode == "dense":
            ids, scores = rankings["dense"]
            scored = list(zip(ids.tolist(), scores.tolist(), strict=True))
        elif mode == "bm25":
            ids, scores = rankings["bm25"]
            scored = list(zip(ids.tolist(), scores.tolist(), strict=True))
        else:
            scored = self.fuse(
                rankings, fusion or self.settings.fusion, bm25_factor=understood.bm25_factor
            )
        return [self._passage(row, score) for row, score in scored[:k]]

    def rankings(
        self,
        understood: UnderstoodQuery,
        mode: SearchMode,
        mask: npt.NDArray[np.bool_] | None,
        depth: int,
    ) -> dict[str, Ranking]:
        """The rankings a search fuses: ``dense`` (the question respelled: its text-speak and
        misspellings written out, and what abbreviations typed in capitals stand for, "EYTS";
        on the dev split, adding every expansion's words cost embedding time and recall, these
        alone gained), ``bm25`` (respelled, abbreviations written out, no chat words) and, for
        a hybrid search of a question that names occupations, ``job``: the passages of their
        records (``lmi/<id>``, ``ncs/<id>``) ranked among themselves by both scores."""
        result: dict[str, Ranking] = {}
        vector = None
        if mode in ("hybrid", "dense"):
            vector = self.embedder.embed([understood.dense])[0]
            allowed_ids = None if mask is None else np.flatnonzero(mask).astype(np.int64)
            result["dense"] = self._data.dense.search(vector, depth, allowed_ids)
        sparse_scores = None
        if mode in ("hybrid", "bm25"):
            sparse_scores = self._sparse.scores(understood.sparse)
            result["bm25"] = self._sparse.top(sparse_scores, depth, mask)
        if mode == "hybrid" and understood.occupations and vector is not None:
            rows = [
                row
                for occupation in understood.occupations
                for prefix in ("lmi/", "ncs/")
                for row in self._rows_of.get(prefix + occupation, [])
                if mask is None or mask[row]
            ]
            if rows:
                ids = np.array(sorted(set(rows)), dtype=np.int64)
                score = self.settings.dense_weight * scaled(self._data.vectors[ids] @ vector)
                if sparse_scores is not None:
                    score = score + self.settings.sparse_weight * scaled(sparse_scores[ids])
                order = np.lexsort((ids, -score))
                result["job"] = (ids[order], score[order].astype(np.float32))
        return result

    def fuse(
        self, rankings: Mapping[str, Ranking], fusion: str, *, bm25_factor: float = 1.0
    ) -> list[tuple[int, float]]:
        """One ranking from the dense, BM25 and (when there is one) job rankings, by
        ``fusion`` (``convex``: weighted sum of min-max scaled scores; ``rrf``: weighted
        reciprocal ranks), best first; ``bm25_factor`` scales the BM25 weight (a question's
        route, see :func:`~guidance_assistant.retrieval.understanding.route_of`)."""
        weights = {
            "dense": self.settings.dense_weight,
            "bm25": self.settings.sparse_weight * bm25_factor,
            "job": JOB_WEIGHT,
        }
        names = [name for name in ("dense", "bm25", "job") if name in rankings]
        lists = [rankings[name] for name in names]
        if fusion == "convex":
            return convex_fusion(lists, weights=[weights[name] for name in names])
        return reciprocal_rank_fusion(
            lists, k=self.settings.rrf_k, weights=[weights[name] for name in names]
        )

    def _passage(self, row_number: int, score: float) -> Passage:
        row = self._data.rows[row_number]
        chunk = row.chunk
        citation = Citation(
            title=chunk.title,
            source=row.source,
            section=chunk.section,
            publisher=row.publisher,
            year=row.year,
            url=row.url,
        )
        metadata: dict[str, Any] = {
            "doc_id": chunk.doc_id,
            "chunk_id": chunk.chunk_id,
            "position": chunk.position,
            "title": chunk.title,
            "section": chunk.section,
            "doc_type": row.doc_type,
            "source": row.source,
            "origin": row.origin,
            **row.metadata,
        }
        return Passage(text=chunk.text, score=float(score), citation=citation, metadata=metadata)
