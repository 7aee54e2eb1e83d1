"""Vectors already computed, found by the text they encode, so that nothing is embedded twice.

An index update looks here before it embeds a chunk: in the index it replaces (a document moved
to another folder or checkout keeps its vectors) and in the vectors shipped with the package for
our own knowledge (see :mod:`guidance_assistant.retrieval.shipped`). A vector is only reused
from the same model and encoder backend, which the caller checks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from guidance_assistant.retrieval.embedding import Vectors

Keys = npt.NDArray[np.uint64]


def text_key(text: str) -> int:
    """A 64-bit fingerprint of the exact text a vector encodes."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def text_keys(texts: Iterable[str]) -> Keys:
    return np.fromiter((text_key(t) for t in texts), dtype=np.uint64)


class KnownVectors:
    """Unit vectors by the fingerprint of their text (later additions win on a clash)."""

    def __init__(self, dimension: int) -> None:
        self.dimension = dimension
        self._parts: list[Vectors] = []
        self._where: dict[int, tuple[int, int]] = {}

    def add(self, keys: Keys, vectors: Vectors) -> None:
        if len(keys) != len(vectors):
            raise ValueError(f"{len(keys)} keys for {len(vectors)} vectors")
        if len(keys) == 0:
            return
        if vectors.shape[1] != self.dimension:
            raise ValueError(f"vectors of dimension {vectors.shape[1]}, not {self.dimension}")
        part = len(self._parts)
        self._parts.append(vectors)
        self._where.update((int(k), (part, row)) for row, k in enumerate(keys.tolist()))

    def __len__(self) -> int:
        return len(self._where)

    def find(self, texts: Sequence[str]) -> tuple[list[int], Vectors]:
        """The positions in ``texts`` that have a known vector, and those vectors (float32)."""
        found: list[int] = []
        rows: list[Vectors] = []
        for position, key in enumerate(text_keys(texts).tolist()):
            where = self._where.get(int(key))
            if where is not None:
                part, row = where
                found.append(position)
                rows.append(self._parts[part][row])
        if not rows:
            return [], np.zeros((0, self.dimension), dtype=np.float32)
        return found, np.ascontiguousarray(np.vstack(rows), dtype=np.float32)
