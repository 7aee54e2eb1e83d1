"""Upload indexing benchmark (run by hand, not in CI): ``python benchmarks/upload_bench.py``.

Makes one large plain-text document of ``--megabytes`` MB from the bundled knowledge's own
text (paragraphs in order, repeated with a counter so that no two are identical), then, in
one run, measures:
  (a) the app's upload path: :func:`accept_uploads` (read, check, move into the documents
      folder) and :class:`BackgroundIndexer` adding it to a copy of an index (``--index``, or an
      empty one), with progress reports; wall time from the upload to the written index;
  (b) the floor: raw ``model.encode`` of exactly the chunks (a) embedded, same batch size,
      timed before and after (a) and averaged;
and prints chunks per second and MB per second for both, and their ratio against the target
(the upload path at least 0.9x the raw encoder: "indexes at the speed of a full index build",
whose own ratio to raw encode is in benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path


def make_document(path: Path, megabytes: float) -> int:
    from guidance_assistant.config import get_settings
    from guidance_assistant.retrieval.knowledge_base import bundled_documents

    documents, _ = bundled_documents(get_settings())
    paragraphs = [p.strip() for d in documents for p in d.text.split("\n\n") if len(p) > 80]
    target = int(megabytes * 1_000_000)
    size = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("# A large document an adviser uploads\n\n")
        round_ = 0
        while size < target:
            round_ += 1
            for paragraph in paragraphs:
                text = f"{paragraph} (copy {round_})\n\n"
                out.write(text)
                size += len(text.encode("utf-8"))
                if size >= target:
                    break
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--megabytes", type=float, default=3.0)
    parser.add_argument("--index", type=Path, help="an index folder to copy and add to")
    args = parser.parse_args()

    from guidance_assistant.config import get_settings
    from guidance_assistant.retrieval import KnowledgeBase
    from guidance_assistant.retrieval.chunking import chunk_document
    from guidance_assistant.retrieval.embedding import load_embedder
    from guidance_assistant.retrieval.library import BackgroundIndexer, accept_uploads
    from guidance_assistant.retrieval.loaders import load_paths

    work = Path(tempfile.mkdtemp(prefix="ga-upload-bench-"))
    try:
        settings = get_settings(data_dir=work / "data")
        upload = work / "uploads" / "one" / "large-upload.txt"
        upload.parent.mkdir(parents=True)
        size = make_document(upload, args.megabytes)
        [document], _ = load_paths([upload], doc_type="user")
        texts = [
            c.index_text()
            for c in chunk_document(
                document, size=settings.chunk_size, overlap=settings.chunk_overlap
            )
        ]
        embedder = load_embedder(settings.embedding_model, batch_size=settings.embedding_batch_size)
        embedder.embed(texts[:64])  # warm-up

        def raw() -> float:
            started = time.perf_counter()
            embedder.embed(texts)
            return time.perf_counter() - started

        raw_before = raw()
        index_dir = settings.resolved_index_dir
        if args.index is not None:
            shutil.copytree(args.index, index_dir)
            kb = KnowledgeBase.load(index_dir, settings=settings)
        else:
            seed = work / "seed.md"
            seed.write_text("# Seed\n\nA first document so that the index exists.\n", "utf-8")
            kb = KnowledgeBase.from_paths([seed], index_dir, settings=settings, progress=False)
        before_rows = len(kb)
        started = time.perf_counter()
        accepted = accept_uploads([upload], settings.data_dir, upload_root=work / "uploads")
        indexer = BackgroundIndexer()
        indexer.start(kb, accepted.kept)
        reports = 0
        while indexer.busy:
            time.sleep(0.5)
            reports += 1
        status = indexer.status
        upload_s = time.perf_counter() - started
        raw_after = raw()
        assert status.state == "done", status.describe()
        embedded = len(kb) - before_rows
        raw_s = (raw_before + raw_after) / 2

        load = os.getloadavg()[0]
        print(
            f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {platform.machine()}, "
            f"{os.cpu_count()} cores, {platform.python_version()}; load average {load:.1f}"
        )
        print(
            f"document: {size / 1e6:.1f} MB, {len(texts)} chunks; index before: "
            f"{before_rows} chunks"
        )
        print(f"{'':34} {'seconds':>8} {'chunks/s':>9} {'MB/s':>6}")
        print(
            f"{'(a) upload path (accept + index)':34} {upload_s:8.1f} "
            f"{embedded / upload_s:9.1f} {size / 1e6 / upload_s:6.3f}"
        )
        print(
            f"{'(b) raw encode, same chunks':34} {raw_s:8.1f} "
            f"{len(texts) / raw_s:9.1f} {size / 1e6 / raw_s:6.3f}"
        )
        ratio = (embedded / upload_s) / (len(texts) / raw_s)
        verdict = "met" if ratio >= 0.9 else "not met"
        print(
            f"upload / raw throughput: {ratio:.2f}x (target >= 0.9x: {verdict}); "
            f"progress polled {reports} times; {status.describe()}"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
