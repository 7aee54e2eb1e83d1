"""A local causal language model through Hugging Face ``transformers``, on the CPU.

Any model folder that ``AutoTokenizer`` and ``AutoModelForCausalLM`` can read works. The model
is only read from disk (``local_files_only=True``); nothing is downloaded. Loaded models are
kept in a small cache, so several responders with the same folder share one copy.

``torch`` and ``transformers`` are imported inside the functions that need them, so importing
this module is cheap.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guidance_assistant.backends.base import BackendError, ResponseRequest
from guidance_assistant.backends.prompting import (
    Message,
    build_messages,
    load_system_prompt,
    plain_prompt,
)

logger = logging.getLogger(__name__)

SETTING = "GA_TRANSFORMERS_MODEL_PATH"
"""The setting that names the model folder (quoted in error messages)."""


@dataclass
class _LoadedModel:
    tokenizer: Any
    model: Any
    lock: threading.Lock = field(default_factory=threading.Lock)


_CACHE_SIZE = 2
_cache: OrderedDict[str, _LoadedModel] = OrderedDict()
_cache_lock = threading.Lock()


def _load(path: Path) -> _LoadedModel:
    """The tokenizer and model in ``path``, from the cache when already loaded."""
    key = str(path)
    with _cache_lock:
        loaded = _cache.get(key)
        if loaded is not None:
            _cache.move_to_end(key)
            return loaded
        loaded = _read_model(path)
        _cache[key] = loaded
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
        return loaded


def clear_model_cache() -> None:
    """Forget every loaded model (their memory is freed once no responder uses them)."""
    with _cache_lock:
        _cache.clear()


def _read_model(path: Path) -> _LoadedModel:
    if not path.is_dir():
        raise BackendError(
            f"No model folder at {path}. Set {SETTING} to a local folder holding a "
            "transformers causal language model (config.json, tokenizer and weights)."
        )
    try:
        from transformers import AutoModelForCausalLM, AutoTokenizer
    except ImportError as exc:  # pragma: no cover - transformers is a core dependency
        raise BackendError(f"The transformers backend needs transformers ({exc}).") from exc
    try:
        tokenizer: Any = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        model: Any = AutoModelForCausalLM.from_pretrained(str(path), local_files_only=True)
    except Exception as exc:  # any failure to read the folder is the same
        raise BackendError(
            f"Could not load a causal language model from {path} (set by {SETTING}): "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    model.to("cpu")
    model.eval()
    if tokenizer.pad_token_id is None and tokenizer.eos_token_id is not None:
        tokenizer.pad_token = tokenizer.eos_token
    logger.info("Loaded the transformers model in %s", path)
    return _LoadedModel(tokenizer=tokenizer, model=model)


def _special_token_strings(tokenizer: Any) -> list[str]:
    tokens = set(getattr(tokenizer, "all_special_tokens", []) or [])
    for added in (getattr(tokenizer, "added_tokens_decoder", {}) or {}).values():
        if getattr(added, "special", False):
            tokens.add(str(added.content))
    return sorted((token for token in tokens if len(token) > 1), key=len, reverse=True)


class TransformersResponder:
    """Rephrases the engine's draft with a local causal language model (greedy by default)."""

    name = "transformers"

    def __init__(
        self,
        model_path: str | Path,
        *,
        max_new_tokens: int = 120,
        temperature: float = 0.0,
        seed: int = 0,
        system_prompt: str | None = None,
    ) -> None:
        if max_new_tokens < 1:
            raise BackendError("max_new_tokens must be at least 1.")
        if temperature < 0:
            raise BackendError("temperature must be 0 (greedy) or more.")
        self.model_path = Path(model_path).expanduser()
        self.max_new_tokens = max_new_tokens
        self.temperature = temperature
        self.seed = seed
        self.system_prompt = system_prompt if system_prompt is not None else load_system_prompt()
        self._loaded = _load(self.model_path.resolve())

    # -- prompt ---------------------------------------------------------------------------

    def _break_special_tokens(self, text: str) -> str:
        """Split any special-token string (``[INST]``, ``<|im_end|>``) a client typed."""
        for token in _special_token_strings(self._loaded.tokenizer):
            text = text.replace(token, f"{token[0]} {token[1:]}")
        return text

    def prompt_text(self, request: ResponseRequest) -> str:
        """The exact text given to the model for ``request`` (chat template or plain)."""
        system, user = build_messages(request, self.system_prompt)
        messages: list[Message] = [system, ("user", self._break_special_tokens(user[1]))]
        tokenizer = self._loaded.tokenizer
        if not getattr(tokenizer, "chat_template", None):
            return plain_prompt(messages)
        chats = [{"role": role, "content": content} for role, content in messages]
        try:
            rendered = tokenizer.apply_chat_template(
                chats, tokenize=False, add_generation_prompt=True
            )
        except Exception:  # some templates refuse a system message
            merged = [{"role": "user", "content": f"{messages[0][1]}\n\n{messages[1][1]}"}]
            try:
                rendered = tokenizer.apply_chat_template(
                    merged, tokenize=False, add_generation_prompt=True
                )
            except Exception as exc:
                raise BackendError(
                    f"The chat template of the model in {self.model_path} failed: {exc}"
                ) from exc
        return str(rendered)

    def _inputs(self, request: ResponseRequest) -> dict[str, Any]:
        tokenizer = self._loaded.tokenizer
        has_template = bool(getattr(tokenizer, "chat_template", None))
        # A chat template writes its own BOS; a plain prompt gets the tokenizer's usual ones.
        inputs = tokenizer(
            self.prompt_text(request), return_tensors="pt", add_special_tokens=not has_template
        )
        limit = getattr(self._loaded.model.config, "max_position_embeddings", None)
        length = int(inputs["input_ids"].shape[-1])
        if isinstance(limit, int) and length + self.max_new_tokens > limit:
            raise BackendError(
                f"The prompt ({length} tokens) and reply ({self.max_new_tokens} tokens) do not "
                f"fit the {limit}-token context of the model in {self.model_path}."
            )
        return dict(inputs)

    def _generate_kwargs(self) -> dict[str, Any]:
        """Greedy decoding unless a temperature is set; the model's own stop tokens are kept."""
        kwargs: dict[str, Any] = {
            "max_new_tokens": self.max_new_tokens,
            "do_sample": self.temperature > 0,
        }
        if self.temperature > 0:
            kwargs["temperature"] = self.temperature
        if getattr(self._loaded.model.generation_config, "pad_token_id", None) is None:
            kwargs["pad_token_id"] = self._loaded.tokenizer.pad_token_id
        return kwargs

    # -- Responder ------------------------------------------------------------------------

    def respond(self, request: ResponseRequest) -> str:
        import torch

        inputs = self._inputs(request)
        kwargs = self._generate_kwargs()
        try:
            with self._loaded.lock, torch.random.fork_rng(devices=[]), torch.inference_mode():
                torch.manual_seed(self.seed)
                output = self._loaded.model.generate(**inputs, **kwargs)
        except Exception as exc:
            raise BackendError(
                f"The model in {self.model_path} failed to generate: {type(exc).__name__}: {exc}"
            ) from exc
        new_tokens = output[0, inputs["input_ids"].shape[-1] :]
        text = str(self._loaded.tokenizer.decode(new_tokens, skip_special_tokens=True)).strip()
        if not text:
            raise BackendError(f"The model in {self.model_path} produced no text.")
        return text
