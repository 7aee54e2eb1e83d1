"""Retrieval benchmark (run by hand, not in CI): ``python benchmarks/retrieval_bench.py``.

In one run, on the bundled knowledge and model, with the date, the machine and its load printed
beside the figures, it measures:

  (a) first start: a new process with an empty data folder, from its start to the first
      answered search (the encoder exported, our shipped vectors taken, the rest embedded);
  (b) build throughput on the same chunks: the index build path (chunk, embed with the
      configured encoder, write) against raw PyTorch ``SentenceTransformer.encode``, and the
      encoders alone (wall and CPU seconds);
  (c) query latency p50/p95: hybrid ``KnowledgeBase.search`` against the floor (the query
      encoded plus a raw FAISS flat search over the same vectors; with PyTorch and with the
      configured encoder) and against LangChain's ``FAISS`` store with ``HuggingFaceEmbeddings``;
  (d) ``open_session()`` warm (the knowledge base already open in the process);
  (e) the memory of a serving process (knowledge base, a session, a reply, a brief), per
      encoder backend.

Methods take turns (rotated) so that a change in the machine's load falls on each alike;
(b) and (c) repeat ``--repeats`` times. Aims (issue 17): (a) under 60 s on 2 cores; (b) 1.5x raw
encode; (c) below the floor and below LangChain; (d) under 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

QUESTION = "What does Gatsby Benchmark 8 require?"

FIRST_START = """
import json, resource, sys, time
started = float(sys.argv[1])
from guidance_assistant.retrieval import KnowledgeBase
kb = KnowledgeBase.bundled(progress=True)
passages = kb.search(sys.argv[2], k=5)
seconds = time.time() - started
used = resource.getrusage(resource.RUSAGE_SELF)
report = kb.last_update
print(json.dumps({"seconds": seconds, "cpu_seconds": used.ru_utime + used.ru_stime,
                  "passages": len(passages), "chunks": len(kb),
                  "embedded": report.chunks_embedded, "reused": report.chunks_reused,
                  "build_seconds": report.seconds, "torch_imported": "torch" in sys.modules}))
"""

SERVING = """
import json, sys
from guidance_assistant import open_session, prepare_brief
from guidance_assistant.retrieval import KnowledgeBase
kb = KnowledgeBase.bundled(progress=False)
kb.search(sys.argv[1], k=5)
session = open_session({"year_group": 11})
session.opening()
session.reply("I like art and drawing but I don't know what jobs there are")
prepare_brief("Year 11, likes art, predicted a 6 in English, worried about college")
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
rss, peak = (int(status[key].split()[0]) / 1024 for key in ("VmRSS", "VmHWM"))
print(json.dumps({"rss_mb": rss, "peak_mb": peak, "torch_imported": "torch" in sys.modules}))
"""


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def rotated(
    methods: dict[str, Callable[[], object]], repeats: int
) -> dict[str, list[tuple[float, float]]]:
    """(wall, CPU) seconds of each method, ``repeats`` times, each round in a rotated order."""
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in methods}
    order = list(methods.items())
    for turn in range(repeats):
        shift = turn % len(order)
        for name, fn in order[shift:] + order[:shift]:
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            samples[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    return samples


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


def child(code: str, *args: str, env: dict[str, str]) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"the child process failed:\n{result.stderr[-3000:]}")
    last: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return last


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (5 min {five:.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--chunks", type=int, default=512, help="chunks for (b)")
    parser.add_argument(
        "--data-dir", type=Path, help="reuse this data folder (its index) and skip (a)"
    )
    parser.add_argument("--parts", default="abcde", help="which parts to run, e.g. 'c'")
    parser.add_argument(
        "--torch-threads", type=int, help="PyTorch's threads (default: its own choice)"
    )
    args = parser.parse_args()

    import faiss
    import onnxruntime
    import torch

    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)

    from guidance_assistant.config import get_settings
    from guidance_assistant.retrieval import KnowledgeBase
    from guidance_assistant.retrieval.embedding import embedder_for, load_embedder

    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores; python {platform.python_version()}, torch {torch.__version__} "
        f"({torch.get_num_threads()} threads), onnxruntime {onnxruntime.__version__}, "
        f"faiss {faiss.__version__}; {load()}",
        flush=True,
    )
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="ga-bench-"))
    env = {"GA_DATA_DIR": str(data_dir)}
    settings = get_settings(data_dir=data_dir)
    print(f"encoder backend: {settings.embedding_backend}; data folder {data_dir}", flush=True)

    # (a) first start, in a process of its own, from an empty data folder
    if args.data_dir is None and "a" in args.parts:
        first = child(FIRST_START, str(time.time()), QUESTION, env=env)
        print(
            f"\n(a) first start to the first answered search: {first['seconds']:.1f} s "
            f"(aim < 60 s; {first['cpu_seconds']:.0f} CPU seconds, so at least "
            f"{first['cpu_seconds'] / (os.cpu_count() or 1):.0f} s on {os.cpu_count()} idle "
            f"cores); {first['chunks']} chunks in the index, {first['reused']} taken "
            f"from the shipped vectors, {first['embedded']} embedded; the index update took "
            f"{first['build_seconds']:.1f} s; torch imported: {first['torch_imported']}; "
            f"{load()}",
            flush=True,
        )

    kb = KnowledgeBase.bundled(settings=settings, progress=False)
    embedder = embedder_for(settings)
    torch_embedder = load_embedder(
        settings.embedding_model, batch_size=settings.embedding_batch_size, backend="torch"
    )
    st = torch_embedder.model  # type: ignore[attr-defined]

    if "b" in args.parts:
        build_throughput(args, settings, embedder, st)
    if "c" in args.parts:
        query_latency(args, settings, kb, embedder, torch_embedder, st)
    if "d" in args.parts:
        warm_open_session(args, settings)
    if "e" in args.parts:
        serving_memory(settings, env)
    print(
        f"\nthis process's peak: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )
    print(f"end: {load()}")


def build_throughput(args: Any, settings: Any, embedder: Any, st: Any) -> None:
    """(b) build throughput on the same chunks: whole documents that are embedded at run time."""
    from guidance_assistant.retrieval.chunking import chunk_document
    from guidance_assistant.retrieval.index import update_index
    from guidance_assistant.retrieval.knowledge_base import bundled_documents

    documents, _ = bundled_documents(settings)
    random.Random(17).shuffle(documents)
    picked, texts = [], []
    for doc in documents:
        if doc.doc_id.startswith("ncs/") and len(texts) < args.chunks:
            picked.append(doc)
            texts += [
                c.index_text()
                for c in chunk_document(
                    doc, size=settings.chunk_size, overlap=settings.chunk_overlap
                )
            ]
    build_root = Path(tempfile.mkdtemp(prefix="ga-bench-build-"))
    builds = iter(range(1_000_000))

    def build() -> None:
        update_index(
            build_root / f"index-{next(builds)}",
            picked,
            embedder=embedder,
            chunk_size=settings.chunk_size,
            chunk_overlap=settings.chunk_overlap,
            dense_kind_for=lambda n: "flat",
        )

    def raw_torch() -> None:
        st.encode(texts, batch_size=settings.embedding_batch_size, normalize_embeddings=True)

    methods: dict[str, Callable[[], object]] = {
        f"index build path ({settings.embedding_backend})": build,
        "raw PyTorch encode": raw_torch,
        f"{settings.embedding_backend} encoder alone": lambda: embedder.embed(texts),
    }
    raw_torch()  # warm-up
    embedder.embed(texts[:64])
    timed = rotated(methods, args.repeats)
    n = len(texts)
    print(f"\n(b) {n} chunks from {len(picked)} documents, {args.repeats} rounds; {load()}")
    print(f"{'':<34}{'chunks/s':>10}{'chunks/CPU-s':>14}{'x raw (wall)':>14}{'x raw (CPU)':>13}")
    raw_wall = statistics.median(w for w, _ in timed["raw PyTorch encode"])
    raw_cpu = statistics.median(c for _, c in timed["raw PyTorch encode"])
    for name, samples in timed.items():
        wall = statistics.median(w for w, _ in samples)
        cpu = statistics.median(c for _, c in samples)
        print(
            f"{name:<34}{n / wall:>10.1f}{n / cpu:>14.1f}{raw_wall / wall:>13.2f}x"
            f"{raw_cpu / cpu:>12.2f}x"
        )


def query_latency(
    args: Any, settings: Any, kb: Any, embedder: Any, torch_embedder: Any, st: Any
) -> None:
    """(c) query latency against the floor and LangChain."""
    import faiss

    from guidance_assistant.evals.retrieval import load_retrieval_suites

    queries = [q.question for s in load_retrieval_suites() for q in s.questions]
    vectors = np.ascontiguousarray(kb._data.vectors, dtype=np.float32)
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    # The floor searches on one thread, as our dense index does for a single query (FAISS's
    # OpenMP threads cost more than the search itself at this size, and far more under load).
    faiss.omp_set_num_threads(1)

    def floor_with(encode: Callable[[list[str]], Any]) -> Callable[[str], object]:
        def floor(query: str) -> None:
            vector = np.ascontiguousarray(encode([query]), dtype=np.float32)
            flat.search(vector, 5)

        return floor

    from langchain_community.vectorstores import FAISS as LangChainFAISS
    from langchain_huggingface import HuggingFaceEmbeddings

    lc_embeddings = HuggingFaceEmbeddings(
        model_name=str(torch_embedder.path),  # type: ignore[attr-defined]
        model_kwargs={"device": "cpu", "local_files_only": True},
        encode_kwargs={"normalize_embeddings": True},
    )
    chunk_texts = [row.chunk.index_text() for row in kb._data.rows]
    store = LangChainFAISS.from_embeddings(
        list(zip(chunk_texts, vectors.tolist(), strict=True)), lc_embeddings
    )
    latency = time_interleaved(
        {
            "hybrid KnowledgeBase.search": lambda q: kb.search(q, k=5),
            "floor: PyTorch encode + FAISS": floor_with(
                lambda t: st.encode(t, normalize_embeddings=True)
            ),
            f"floor: {settings.embedding_backend} encode + FAISS": floor_with(embedder.embed),
            "LangChain FAISS similarity_search": lambda q: store.similarity_search(q, k=5),
        },
        queries,
        args.repeats,
    )
    print(f"\n(c) {len(queries)} queries x {args.repeats}, k=5; {load()}")
    print(f"{'query latency (ms)':<40}{'p50':>8}{'p95':>8}")
    for name, samples in latency.items():
        p50, p95 = percentiles(samples)
        print(f"{name:<40}{p50:>8.2f}{p95:>8.2f}")
    ours = percentiles(latency["hybrid KnowledgeBase.search"])
    for name in list(latency)[1:]:
        theirs = percentiles(latency[name])
        print(f"hybrid / {name}: p50 {ours[0] / theirs[0]:.2f}x, p95 {ours[1] / theirs[1]:.2f}x")


def warm_open_session(args: Any, settings: Any) -> None:
    """(d) open_session() warm: the knowledge base is open in this process already."""
    from guidance_assistant.interview import open_session

    open_session({"year_group": 11}, settings=settings)
    warm = []
    for _ in range(max(30, 10 * args.repeats)):
        started = time.perf_counter()
        open_session({"year_group": 11}, settings=settings)
        warm.append(1000 * (time.perf_counter() - started))
    p50, p95 = percentiles(warm)
    print(f"\n(d) open_session() warm: p50 {p50:.1f} ms, p95 {p95:.1f} ms (aim < 50 ms)")


def serving_memory(settings: Any, env: dict[str, str]) -> None:
    """(e) memory of a serving process, per encoder backend (each in a process of its own)."""
    print(f"\n(e) serving process (index open, a session with a reply, a brief); {load()}")
    for backend in dict.fromkeys([settings.embedding_backend, "torch"]):
        used = child(SERVING, QUESTION, env={**env, "GA_EMBEDDING_BACKEND": backend})
        print(
            f"{backend:<10} resident {used['rss_mb']:.0f} MB, peak {used['peak_mb']:.0f} MB, "
            f"torch imported: {used['torch_imported']}"
        )
    print(
        f"\nthis process's peak: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )
    print(f"end: {load()}")


if __name__ == "__main__":
    main()
