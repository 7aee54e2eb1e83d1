"""On a small fixed split of the users' queries (the first 40 of evals/retrieval/users/dev),
the hybrid search is at least as good as each of its parts, on the bundled index."""

from __future__ import annotations

from typing import Any

from guidance_assistant.evals.retrieval_users import (
    UserSplit,
    default_searches,
    evaluate_users,
    load_user_split,
)
from tests.conftest import needs_shared

FIXED = 40


@needs_shared
def test_the_hybrid_is_at_least_as_good_as_each_part(bundled_kb: Any) -> None:
    dev = load_user_split("dev")
    split = UserSplit(suite=dev.suite, split=dev.split, queries=dev.queries[:FIXED])
    report = evaluate_users(bundled_kb, split, default_searches(bundled_kb))
    scores = {m.mode: m.scores() for m in report.modes}
    hybrid_recall, hybrid_mrr, _ = scores["hybrid"]
    for part in ("bm25", "dense"):
        recall, mrr, _ = scores[part]
        assert hybrid_recall >= recall, (part, scores)
        assert hybrid_mrr >= mrr, (part, scores)
    assert hybrid_recall >= 0.85, scores
