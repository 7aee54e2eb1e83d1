"""The dense half of search: FAISS inner product over normalised vectors (cosine similarity)."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from guidance_assistant.retrieval.embedding import Vectors

DenseKind = Literal["flat", "hnsw", "ivf"]


def _faiss() -> Any:
    """FAISS, imported when first needed (its stubs are incomplete, so typed as Any)."""
    return importlib.import_module("faiss")


def choose_kind(setting: str, n_vectors: int, threshold: int) -> DenseKind:
    """``auto`` is exact search below ``threshold`` vectors and HNSW above it."""
    if setting == "auto":
        return "hnsw" if n_vectors >= threshold else "flat"
    if setting not in ("flat", "hnsw", "ivf"):
        raise ValueError(f"Unknown dense index type '{setting}'.")
    return setting  # type: ignore[return-value]


class DenseIndex:
    """A FAISS index whose ids are the row numbers of the chunk table."""

    def __init__(self, index: Any, kind: DenseKind) -> None:
        self.index = index
        self.kind = kind

    @classmethod
    def build(cls, vectors: Vectors, kind: DenseKind) -> DenseIndex:
        faiss = _faiss()

        n, dim = vectors.shape
        index: Any
        if kind == "flat" or n == 0:
            index = faiss.IndexFlatIP(dim)
            kind = "flat"
        elif kind == "hnsw":
            index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = 80
            index.hnsw.efSearch = 128
        else:
            nlist = max(1, min(4096, int(np.sqrt(n))))
            quantizer = faiss.IndexFlatIP(dim)
            index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
            index.train(vectors)
            index.nprobe = max(1, nlist // 8)
        if n:
            index.add(vectors)
        return cls(index, kind)

    @classmethod
    def read(cls, path: Path, kind: DenseKind) -> DenseIndex:
        faiss = _faiss()

        return cls(faiss.read_index(str(path)), kind)

    def write(self, path: Path) -> None:
        faiss = _faiss()

        faiss.write_index(self.index, str(path))

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    @property
    def dimension(self) -> int:
        return int(self.index.d)

    def search(
        self, query: Vectors, k: int, allowed: npt.NDArray[np.int64] | None = None
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        """Top ``k`` rows (ids, cosine scores), restricted to ``allowed`` row ids if given."""
        faiss = _faiss()

        k = min(k, self.size)
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        params = None
        if allowed is not None:
            if allowed.size == 0:
                return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
            selector = faiss.IDSelectorBatch(allowed)
            if self.kind == "hnsw":
                params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(128, k))
            elif self.kind == "ivf":
                params = faiss.SearchParametersIVF(sel=selector, nprobe=self.index.nprobe)
            else:
                params = faiss.SearchParameters(sel=selector)
        # A single query gains nothing from FAISS's OpenMP threads at this size, and their
        # start-up costs more than the search itself: search it on one thread.
        threads = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        try:
            scores, ids = self.index.search(query.reshape(1, -1), k, params=params)
        finally:
            faiss.omp_set_num_threads(threads)
        keep = ids[0] >= 0
        return ids[0][keep].astype(np.int64), scores[0][keep].astype(np.float32)
