"""The lexical half of search: BM25 (``bm25s``) over stemmed words."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from guidance_assistant.text.words import stem_words

_TOKEN = re.compile(r"(?u)\b\w\w+\b")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


def tokenize(text: str) -> list[str]:
    """Lower-cased, stop words dropped, Snowball-stemmed word tokens."""
    stop = _stopwords()
    words = [w for w in _TOKEN.findall(text.lower()) if w not in stop]
    return stem_words(words)


class SparseIndex:
    """BM25 over the chunk table; rebuilt from the stored chunk texts (cheap) when loaded."""

    def __init__(self, texts: list[str]) -> None:
        import bm25s

        self.size = len(texts)
        self.retriever: Any = bm25s.BM25()
        corpus = [tokenize(t) or ["<empty>"] for t in texts]
        if corpus:
            self.retriever.index(corpus, show_progress=False)
        self._vocab: dict[str, int] = dict(getattr(self.retriever, "vocab_dict", {}) or {})

    def search(
        self, query: str, k: int, allowed_mask: npt.NDArray[np.bool_] | None = None
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        """Top ``k`` rows (ids, BM25 scores > 0), restricted to ``allowed_mask`` if given."""
        scores = self.scores(query)
        return self.top(scores, k, allowed_mask)

    def scores(self, query: str) -> npt.NDArray[np.float32] | None:
        """The BM25 score of every row for ``query`` (``None`` when no query word is indexed)."""
        tokens = [t for t in tokenize(query) if t in self._vocab]
        if not tokens or self.size == 0:
            return None
        # One query: score every row straight from the index (bm25s' batch ``retrieve`` costs
        # ten times more for a single question).
        return np.asarray(self.retriever.get_scores(tokens), dtype=np.float32)

    def top(
        self,
        scores: npt.NDArray[np.float32] | None,
        k: int,
        allowed_mask: npt.NDArray[np.bool_] | None = None,
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        """The top ``k`` rows of ``scores`` (ids, scores > 0), within ``allowed_mask``."""
        k = min(k, self.size)
        if scores is None or k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if allowed_mask is not None:
            scores = np.where(allowed_mask, scores, np.float32(0.0))
        top = np.argpartition(-scores, k - 1)[:k] if k < scores.size else np.arange(scores.size)
        top = top[np.lexsort((top, -scores[top]))]  # best first; ties by row for determinism
        keep = scores[top] > 0
        return top[keep].astype(np.int64), scores[top][keep]
