"""Measure the encoder backends on the bundled knowledge (run by hand, not in CI).

``python scripts/measure_encoders.py --root /tmp/ga-encoders``: for each backend (torch, onnx,
onnx-int8), builds the full bundled index from an empty data folder (nothing reused: no shipped
vectors), times the build (wall and CPU seconds), then scores ``evals/retrieval`` (recall@5 of
hybrid and dense search) and the top-5 overlap of every question's passages with torch's. The
rule for the default (issue 17): the fastest backend whose recall@5 is within 0.01 of torch's
and whose top-5 overlap is at least 0.95.

``--subset N`` builds each index over a part of the knowledge instead: every document that
answers an eval question plus documents drawn at random (seed 0) until there are N chunks (for
a machine where three full builds take too long); ``--torch-index DIR`` takes torch's vectors
from a full index built with torch instead of embedding them again.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def pick_subset(settings: Any, suites: list[Any], chunks: int) -> list[Any]:
    import random

    from guidance_assistant.retrieval.chunking import chunk_document
    from guidance_assistant.retrieval.knowledge_base import bundled_documents

    documents, _ = bundled_documents(settings)
    wanted = {source for s in suites for q in s.questions for source in q.sources}
    picked = [d for d in documents if d.source in wanted]
    rest = [d for d in documents if d.source not in wanted]
    random.Random(0).shuffle(rest)

    def size(docs: list[Any]) -> int:
        return sum(
            len(chunk_document(d, size=settings.chunk_size, overlap=settings.chunk_overlap))
            for d in docs
        )

    total = size(picked)
    for doc in rest:
        if total >= chunks:
            break
        picked.append(doc)
        total += size([doc])
    return picked


def build_subset(settings: Any, documents: list[Any], torch_index: Path | None) -> Any:
    from guidance_assistant.retrieval import KnowledgeBase
    from guidance_assistant.retrieval.embedding import embedder_for
    from guidance_assistant.retrieval.index import IndexData, update_index
    from guidance_assistant.retrieval.known_vectors import KnownVectors, text_keys

    known = None
    if torch_index is not None:
        full = IndexData.load(torch_index)
        known = KnownVectors(full.manifest.dimension)
        known.add(text_keys(row.chunk.index_text() for row in full.rows), full.vectors)
    data, report = update_index(
        settings.resolved_index_dir,
        documents,
        embedder=embedder_for(settings),
        chunk_size=settings.chunk_size,
        chunk_overlap=settings.chunk_overlap,
        dense_kind_for=lambda n: "flat",
        rebuild=True,
        known=known,
    )
    kb = KnowledgeBase(data, settings=settings, index_dir=settings.resolved_index_dir)
    kb.last_update = report
    return kb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, required=True, help="a folder for the data folders")
    parser.add_argument("--backends", nargs="+", default=["torch", "onnx", "onnx-int8"])
    parser.add_argument("--out", type=Path, help="also write the figures here (JSON)")
    parser.add_argument("--subset", type=int, help="chunks in a partial index (see above)")
    parser.add_argument("--torch-index", type=Path, help="a torch index to take vectors from")
    args = parser.parse_args()

    from guidance_assistant.config import get_settings
    from guidance_assistant.evals.retrieval import evaluate_retrieval, load_retrieval_suites
    from guidance_assistant.retrieval import KnowledgeBase

    suites = load_retrieval_suites()
    questions = [q.question for s in suites for q in s.questions]
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}, {os.cpu_count()} cores, "
        f"python {platform.python_version()}, load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    figures: dict[str, dict[str, float]] = {}
    top5: dict[str, dict[str, list[list[str]]]] = {}
    subset = None
    if args.subset:
        subset = pick_subset(get_settings(), suites, args.subset)
        print(f"subset: {len(subset)} documents, the answers of all {len(questions)} questions")
    for backend in args.backends:
        settings = get_settings(
            data_dir=args.root / backend, embedding_backend=backend, shipped_vectors=False
        )
        wall, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF).ru_utime
        if subset is None:
            kb = KnowledgeBase.bundled(settings=settings, rebuild=True, progress=False)
        else:
            kb = build_subset(settings, subset, args.torch_index if backend == "torch" else None)
        wall = time.perf_counter() - wall
        cpu = resource.getrusage(resource.RUSAGE_SELF).ru_utime - cpu
        assert kb.last_update is not None
        embedded = max(1, kb.last_update.chunks_embedded)
        report = evaluate_retrieval(kb, suites)
        scores = {m.mode: m.recall_at_5 for m in report.modes}
        top5[backend] = {
            mode: [
                [p.metadata["chunk_id"] for p in kb.search(q, k=5, mode=mode)] for q in questions
            ]
            for mode in ("hybrid", "dense")
        }
        figures[backend] = {
            "build_s": wall,
            "build_cpu_s": cpu,
            "chunks": float(embedded),
            "chunks_per_s": embedded / wall,
            "chunks_per_cpu_s": embedded / cpu,
            "recall5_hybrid": scores["hybrid"],
            "recall5_dense": scores["dense"],
            "load_after": os.getloadavg()[0],
        }
        print(backend, json.dumps(figures[backend]), flush=True)
    if "torch" in top5:
        for backend in figures:
            for mode in ("hybrid", "dense"):
                pairs = zip(top5["torch"][mode], top5[backend][mode], strict=True)
                overlap = sum(len(set(a) & set(b)) / 5 for a, b in pairs) / len(questions)
                figures[backend][f"overlap5_{mode}"] = overlap
    print(
        f"\n{'backend':<10}{'build s':>9}{'chunks/s':>10}{'/cpu-s':>8}{'R@5 hyb':>9}"
        f"{'R@5 dense':>10}{'overlap hyb':>12}{'overlap dense':>14}"
    )
    for backend, f in figures.items():
        print(
            f"{backend:<10}{f['build_s']:>9.0f}{f['chunks_per_s']:>10.1f}"
            f"{f['chunks_per_cpu_s']:>8.1f}{f['recall5_hybrid']:>9.3f}{f['recall5_dense']:>10.3f}"
            f"{f.get('overlap5_hybrid', 0):>12.3f}{f.get('overlap5_dense', 0):>14.3f}"
        )
    if args.out:
        args.out.write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
