"""Make ``guidance_assistant/retrieval/vectors/shipped.npz``: the vectors of our own knowledge.

``python scripts/build_shipped_vectors.py [--from-index DATA/index] [--backend onnx]``

Chunks the bundled framework notes and rendered LMI records as the index does, takes the vector
of each chunk from an index built with the same model and encoder family when one is given (so
nothing is embedded twice), embeds the rest, and writes them as float16 with a fingerprint of
each chunk's text. Run it when the knowledge, the record templates or the chunking change
(``tests/retrieval/test_shipped.py`` says when the file has fallen behind).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--from-index", type=Path, help="an index folder to take vectors from")
    parser.add_argument("--backend", default="onnx", help="the encoder (its family is recorded)")
    parser.add_argument("--out", type=Path, help="where to write (default: the shipped file)")
    args = parser.parse_args()

    from guidance_assistant.config import get_settings
    from guidance_assistant.retrieval.embedding import VECTOR_FAMILY, embedder_for
    from guidance_assistant.retrieval.index import IndexData, check_backend
    from guidance_assistant.retrieval.known_vectors import KnownVectors, text_keys
    from guidance_assistant.retrieval.shipped import (
        SHIPPED_FILE,
        chunk_texts,
        shipped_documents,
        write_shipped_vectors,
    )

    settings = get_settings(
        data_dir=Path(tempfile.mkdtemp(prefix="ga-shipped-")), embedding_backend=args.backend
    )
    texts = chunk_texts(shipped_documents(settings), settings)
    embedder = embedder_for(settings)
    vectors = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
    missing = list(range(len(texts)))
    if args.from_index:
        index = IndexData.load(args.from_index, expect_model=embedder.name)
        check_backend(args.from_index, index.manifest.embedding_backend, args.backend)
        known = KnownVectors(index.manifest.dimension)
        known.add(text_keys(row.chunk.index_text() for row in index.rows), index.vectors)
        found, rows = known.find(texts)
        vectors[found] = rows
        taken = set(found)
        missing = [i for i in missing if i not in taken]
    print(
        f"{len(texts)} chunks; {len(texts) - len(missing)} from the index, {len(missing)} to embed"
    )
    started = time.perf_counter()
    if missing:
        vectors[missing] = embedder.embed([texts[i] for i in missing], progress=True)
    out = args.out or SHIPPED_FILE
    write_shipped_vectors(out, texts, vectors, model=embedder.name, backend=args.backend)
    print(
        f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB, family "
        f"{VECTOR_FAMILY[args.backend]}) in {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
