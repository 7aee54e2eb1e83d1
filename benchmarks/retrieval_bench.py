"""Retrieval benchmark (run by hand, not in CI): ``python benchmarks/retrieval_bench.py``.

On the bundled corpus and model, in one run, it measures:
  (a) query latency p50/p95 of ``KnowledgeBase.search`` (hybrid: dense + BM25 + fusion);
  (b) the floor: sentence-transformers encoding of the query plus a raw FAISS search;
  (c) LangChain's ``FAISS`` vector store with ``HuggingFaceEmbeddings``, ``similarity_search``;
  (d) index build throughput against raw ``model.encode`` on the same chunks;
and prints the ratios against the targets (hybrid <= 1.2x floor and faster than LangChain;
build >= 0.9x raw encode).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def time_interleaved(
    methods: dict[str, Callable[[str], object]], queries: list[str], repeats: int
) -> dict[str, list[float]]:
    """Milliseconds per query for each method, taking turns query by query (so that a change in
    machine load during the run falls on every method alike) and rotating which method goes
    first (whichever runs right after another encode of the same text was seen to gain)."""
    for fn in methods.values():
        for query in queries[:5]:
            fn(query)  # warm-up
    samples: dict[str, list[float]] = {name: [] for name in methods}
    order = list(methods.items())
    turn = 0
    for _ in range(repeats):
        for query in queries:
            turn += 1
            shift = turn % len(order)
            for name, fn in order[shift:] + order[:shift]:
                started = time.perf_counter()
                fn(query)
                samples[name].append(1000 * (time.perf_counter() - started))
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    import faiss
    import torch

    from guidance_assistant.config import get_settings
    from guidance_assistant.evals.retrieval import load_retrieval_suites
    from guidance_assistant.retrieval import KnowledgeBase
    from guidance_assistant.retrieval.embedding import load_embedder

    workdir = Path(tempfile.mkdtemp(prefix="ga-bench-"))
    settings = get_settings(data_dir=workdir)
    queries = [q.question for s in load_retrieval_suites() for q in s.questions]
    print(
        f"machine: {platform.processor() or platform.machine()}, {torch.get_num_threads()} "
        f"torch threads, python {platform.python_version()}, faiss {faiss.__version__}"
    )

    # (d) build throughput: raw encode of the same chunks, timed before and after our build
    # (the mean of the two), so a machine that gets busier or quieter mid-run biases neither.
    embedder = load_embedder(settings.embedding_model, batch_size=settings.embedding_batch_size)
    embedder.embed(["warm-up"])
    from guidance_assistant.retrieval.chunking import chunk_document
    from guidance_assistant.retrieval.knowledge_base import bundled_documents

    documents, _ = bundled_documents(settings)
    texts = [
        chunk.index_text()
        for doc in documents
        for chunk in chunk_document(doc, size=settings.chunk_size, overlap=settings.chunk_overlap)
    ]

    def raw_encode() -> tuple[float, np.ndarray]:
        started = time.perf_counter()
        vectors = embedder.model.encode(
            texts, batch_size=settings.embedding_batch_size, normalize_embeddings=True
        )
        return time.perf_counter() - started, vectors

    encode_before, raw = raw_encode()
    started = time.perf_counter()
    kb = KnowledgeBase.bundled(settings=settings, rebuild=True, progress=False)
    build_s = time.perf_counter() - started
    encode_after, _ = raw_encode()
    encode_s = (encode_before + encode_after) / 2
    print(f"load average before the timed part: {os.getloadavg()[0]:.2f}")
    n = len(texts)
    assert n == len(kb), "the benchmark's chunks must be the index's chunks"
    print(
        f"corpus: {n} chunks from {len(kb.documents)} documents; {len(queries)} queries "
        f"x {args.repeats}"
    )

    # (b) the floor: encode + raw FAISS flat inner product on the same vectors
    flat = faiss.IndexFlatIP(raw.shape[1])
    flat.add(np.ascontiguousarray(raw, dtype=np.float32))

    def floor(query: str) -> None:
        vector = embedder.model.encode([query], normalize_embeddings=True)
        flat.search(np.ascontiguousarray(vector, dtype=np.float32), 5)

    # (c) LangChain's FAISS store with HuggingFaceEmbeddings on the same chunks and model
    from langchain_community.vectorstores import FAISS as LangChainFAISS
    from langchain_huggingface import HuggingFaceEmbeddings

    lc_embeddings = HuggingFaceEmbeddings(
        model_name=str(embedder.path),
        model_kwargs={"device": "cpu", "local_files_only": True},
        encode_kwargs={"normalize_embeddings": True},
    )
    store = LangChainFAISS.from_embeddings(
        list(zip(texts, raw.tolist(), strict=True)), lc_embeddings
    )
    timed = time_interleaved(
        {
            "hybrid KnowledgeBase.search": lambda q: kb.search(q, k=5),  # (a)
            "floor: encode + FAISS": floor,  # (b)
            "LangChain FAISS similarity_search": lambda q: store.similarity_search(q, k=5),  # (c)
        },
        queries,
        args.repeats,
    )
    rows = list(timed.items())
    print(f"\n{'query latency (ms)':<36}{'p50':>8}{'p95':>8}")
    for name, samples in rows:
        p50, p95 = percentiles(samples)
        print(f"{name:<36}{p50:>8.2f}{p95:>8.2f}")
    ours_p50, floor_p50, lc_p50 = (percentiles(s)[0] for _, s in rows)
    print(f"\nhybrid / floor (p50): {ours_p50 / floor_p50:.2f}x  (target <= 1.2x)")
    print(f"hybrid / LangChain (p50): {ours_p50 / lc_p50:.2f}x  (target < 1.0x)")
    print(f"\nbuild: {n / build_s:.1f} chunks/s (whole build: load, chunk, embed, index, write)")
    print(
        f"raw model.encode: {n / encode_s:.1f} chunks/s (before the build "
        f"{n / encode_before:.1f}, after {n / encode_after:.1f})"
    )
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    print(f"build / raw encode throughput: {encode_s / build_s:.2f}x  (target >= 0.9x)")


if __name__ == "__main__":
    main()
