"""Combining dense and BM25 rankings into one."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Ranking = tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]


def reciprocal_rank_fusion(
    rankings: Sequence[Ranking], *, k: int = 60, weights: Sequence[float] | None = None
) -> list[tuple[int, float]]:
    """Weighted RRF: each list adds ``weight / (k + rank)`` (rank from 1) to a row's score.

    Rank-based, so BM25 scores and cosine similarities need no common scale.
    Returns ``(row, score)`` pairs, best first; ties are broken by row id for determinism.
    """
    weights = weights or [1.0] * len(rankings)
    fused: dict[int, float] = {}
    for (ids, _), weight in zip(rankings, weights, strict=True):
        for rank, row in enumerate(ids.tolist(), start=1):
            fused[row] = fused.get(row, 0.0) + weight / (k + rank)
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))


def convex_fusion(
    rankings: Sequence[Ranking], *, weights: Sequence[float] | None = None
) -> list[tuple[int, float]]:
    """Weighted sum of each list's scores after min-max scaling to [0, 1] (absent = 0)."""
    weights = weights or [1.0] * len(rankings)
    fused: dict[int, float] = {}
    for (ids, scores), weight in zip(rankings, weights, strict=True):
        if ids.size == 0:
            continue
        low, high = float(scores.min()), float(scores.max())
        span = high - low
        for row, score in zip(ids.tolist(), scores.tolist(), strict=True):
            scaled = (score - low) / span if span > 0 else 1.0
            fused[row] = fused.get(row, 0.0) + weight * scaled
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))


def scaled(scores: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """``scores`` min-max scaled to [0, 1] (all 1 when they are equal)."""
    if scores.size == 0:
        return scores
    low, high = float(scores.min()), float(scores.max())
    if high <= low:
        return np.ones_like(scores)
    return ((scores - low) / (high - low)).astype(np.float32)
