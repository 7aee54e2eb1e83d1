"""The encoder backends agree: ONNX gives PyTorch's vectors, int8 ranks passages like them, and
an index built with one family of vectors is refused by another with a message that says what
to do."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from guidance_assistant.config import BUNDLED_EMBEDDING_MODEL, Settings
from guidance_assistant.errors import IndexMismatchError
from guidance_assistant.evals.retrieval import load_retrieval_suites
from guidance_assistant.retrieval import KnowledgeBase, load_paths
from guidance_assistant.retrieval.chunking import chunk_document
from guidance_assistant.retrieval.embedding import Embedder, Vectors, load_embedder
from tests.conftest import FRAMEWORKS

#: A small corpus (the first chunks of our framework notes) and questions about it.
CHUNKS = 32
QUESTIONS = 12


@pytest.fixture(scope="module")
def corpus() -> tuple[list[str], list[str]]:
    documents, _ = load_paths([FRAMEWORKS], doc_type="framework")
    chunks = [c.index_text() for d in documents for c in chunk_document(d, size=180, overlap=30)]
    questions = [q.question for s in load_retrieval_suites() for q in s.questions]
    return chunks[:CHUNKS], questions[:QUESTIONS]


@pytest.fixture(scope="module")
def encoders(shared_models_dir: Path) -> dict[str, Embedder]:
    """Each backend, the ONNX ones exported once for the whole run."""
    return {
        backend: load_embedder(
            BUNDLED_EMBEDDING_MODEL, backend=backend, models_dir=shared_models_dir
        )
        for backend in ("torch", "onnx", "onnx-int8")
    }


@pytest.fixture(scope="module")
def torch_vectors(
    encoders: dict[str, Embedder], corpus: tuple[list[str], list[str]]
) -> tuple[Vectors, Vectors]:
    chunks, questions = corpus
    return encoders["torch"].embed(chunks), encoders["torch"].embed(questions)


def _top5(queries: Vectors, passages: Vectors) -> list[set[int]]:
    return [set(np.argsort(-row)[:5].tolist()) for row in queries @ passages.T]


def test_onnx_gives_the_torch_vectors(
    encoders: dict[str, Embedder],
    corpus: tuple[list[str], list[str]],
    torch_vectors: tuple[Vectors, Vectors],
) -> None:
    for texts, expected in zip(corpus, torch_vectors, strict=True):
        onnx_vectors = encoders["onnx"].embed(texts)
        assert onnx_vectors.shape == expected.shape
        assert np.abs(onnx_vectors - expected).max() < 1e-5
    assert encoders["onnx"].embed([]).shape == (0, encoders["torch"].dimension)


def test_int8_ranks_passages_like_torch(
    encoders: dict[str, Embedder],
    corpus: tuple[list[str], list[str]],
    torch_vectors: tuple[Vectors, Vectors],
) -> None:
    chunks, questions = corpus
    torch_chunks, torch_questions = torch_vectors
    torch_top = _top5(torch_questions, torch_chunks)
    int8_chunks = encoders["onnx-int8"].embed(chunks)
    int8_top = _top5(encoders["onnx-int8"].embed(questions), int8_chunks)
    overlap = np.mean([len(a & b) / 5 for a, b in zip(torch_top, int8_top, strict=True)])
    assert overlap >= 0.8
    cosines = np.sum(int8_chunks * torch_chunks, axis=1)
    assert cosines.mean() > 0.98
    assert np.allclose(np.linalg.norm(int8_chunks, axis=1), 1.0, atol=1e-4)


def test_an_index_is_refused_by_an_encoder_of_other_vectors(
    small_bundle: tuple[Settings, Path], make_settings: Callable[..., Settings]
) -> None:
    settings, _ = small_bundle
    kb = KnowledgeBase.bundled(settings=settings.model_copy(update={"embedding_backend": "torch"}))
    manifest = (kb.index_dir / "manifest.json").read_text(encoding="utf-8")
    assert '"embedding_backend":"torch"' in manifest.replace(" ", "")
    same_vectors = settings.model_copy(update={"embedding_backend": "onnx"})
    assert len(KnowledgeBase.load(settings=same_vectors)) == len(kb)
    int8 = settings.model_copy(update={"embedding_backend": "onnx-int8"})
    with pytest.raises(IndexMismatchError, match="GA_EMBEDDING_BACKEND=torch"):
        KnowledgeBase.load(settings=int8)
