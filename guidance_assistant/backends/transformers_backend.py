"""A local causal language model through Hugging Face ``transformers``, on the CPU.

Any model folder that ``AutoTokenizer`` and ``AutoModelForCausalLM`` can read works, and so does
a single ``.gguf`` file or a named model shipped in an installed package (``smollm2``; see
:mod:`~guidance_assistant.backends.models`). The model is only read from disk
(``local_files_only=True``); nothing is downloaded. Loaded models are kept in a small cache, so
several responders (and sessions) with the same model share one copy, loaded once per process.

Generation stops as soon as the words so far cannot be shown (the prompt's tags copied, a
sentence said twice: :func:`~guidance_assistant.backends.prompting.unusable_reply`), and such a
reply is a :class:`BackendError` too. :meth:`TransformersResponder.stream` gives the same reply
in pieces as they are written (the same checks run when it ends). Each reply has a time limit (``time_limit`` seconds, reading the prompt included): a reply not
finished by then is a :class:`BackendError`, so the engine shows its own draft instead.

``torch`` and ``transformers`` are imported inside the functions that need them, so importing
this module is cheap.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guidance_assistant.backends.base import BackendError, ResponseRequest
from guidance_assistant.backends.models import (
    ModelLocation,
    require_gguf_reader,
    resolve_model,
)
from guidance_assistant.backends.prompting import (
    Message,
    PromptStyle,
    build_messages,
    build_short_messages,
    load_system_prompt,
    plain_prompt,
    unusable_reply,
)

logger = logging.getLogger(__name__)

SETTING = "GA_TRANSFORMERS_MODEL (or GA_TRANSFORMERS_MODEL_PATH)"
"""The settings that name the model (quoted in error messages)."""


@dataclass
class _LoadedModel:
    tokenizer: Any
    model: Any
    lock: threading.Lock = field(default_factory=threading.Lock)


_CACHE_SIZE = 2
_cache: OrderedDict[str, _LoadedModel] = OrderedDict()
_cache_lock = threading.Lock()


def _load(location: ModelLocation) -> _LoadedModel:
    """The tokenizer and model at ``location``, from the cache when already loaded."""
    key = location.key
    with _cache_lock:
        loaded = _cache.get(key)
        if loaded is not None:
            _cache.move_to_end(key)
            return loaded
        loaded = _read_model(location)
        _cache[key] = loaded
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
        return loaded


def clear_model_cache() -> None:
    """Forget every loaded model (their memory is freed once no responder uses them)."""
    with _cache_lock:
        _cache.clear()


def _read_model(location: ModelLocation) -> _LoadedModel:
    path = location.folder
    if not path.is_dir():
        raise BackendError(
            f"No model folder at {path}. Set {SETTING} to a local folder holding a "
            "transformers causal language model (config.json, tokenizer and weights) or a "
            ".gguf file."
        )
    require_gguf_reader(location)
    try:
        from transformers import AutoModelForCausalLM, AutoTokenizer
    except ImportError as exc:  # pragma: no cover - transformers is a core dependency
        raise BackendError(f"The transformers backend needs transformers ({exc}).") from exc
    options: dict[str, Any] = {"local_files_only": True}
    if location.gguf_file is not None:
        options["gguf_file"] = location.gguf_file
    started = time.perf_counter()
    try:
        tokenizer: Any = AutoTokenizer.from_pretrained(str(path), **options)
        model: Any = AutoModelForCausalLM.from_pretrained(str(path), **options)
    except Exception as exc:  # any failure to read the folder is the same
        raise BackendError(
            f"Could not load a causal language model from {location.describe()} (set by "
            f"{SETTING}): {type(exc).__name__}: {exc}"
        ) from exc
    model.to("cpu")
    model.eval()
    if tokenizer.pad_token_id is None and tokenizer.eos_token_id is not None:
        tokenizer.pad_token = tokenizer.eos_token
    logger.info(
        "Loaded the transformers model %s in %.1f s",
        location.describe(),
        time.perf_counter() - started,
    )
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
        time_limit: float | None = None,
        threads: int | None = None,
        prompt_style: PromptStyle = "full",
    ) -> None:
        """``model_path``: a model folder, a ``.gguf`` file or a named model (``"smollm2"``).
        ``time_limit``: seconds one reply may take (``None``: no limit). ``threads``: the CPU
        threads torch uses, for the whole process (``None``: torch's default).
        ``prompt_style``: ``"full"`` or ``"short"`` (the draft alone, for very small models; see
        :data:`~guidance_assistant.backends.prompting.PromptStyle`)."""
        if max_new_tokens < 1:
            raise BackendError("max_new_tokens must be at least 1.")
        if temperature < 0:
            raise BackendError("temperature must be 0 (greedy) or more.")
        if time_limit is not None and time_limit <= 0:
            raise BackendError("time_limit must be more than 0 seconds.")
        if threads is not None:
            if threads < 1:
                raise BackendError("threads must be at least 1.")
            import torch

            torch.set_num_threads(threads)
        self.location = resolve_model(model_path, setting=SETTING)
        self.model_path = self.location.folder / (self.location.gguf_file or "")
        self.max_new_tokens = max_new_tokens
        self.temperature = temperature
        self.seed = seed
        self.time_limit = time_limit
        self.prompt_style: PromptStyle = prompt_style
        self.system_prompt = (
            system_prompt if system_prompt is not None else load_system_prompt(prompt_style)
        )
        self._loaded = _load(self.location)

    # -- prompt ---------------------------------------------------------------------------

    def _break_special_tokens(self, text: str) -> str:
        """Split any special-token string (``[INST]``, ``<|im_end|>``) a client typed."""
        for token in _special_token_strings(self._loaded.tokenizer):
            text = text.replace(token, f"{token[0]} {token[1:]}")
        return text

    def prompt_text(self, request: ResponseRequest) -> str:
        """The exact text given to the model for ``request`` (chat template or plain)."""
        build = build_short_messages if self.prompt_style == "short" else build_messages
        system, user = build(request, self.system_prompt)
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
        if self.time_limit is not None:
            kwargs["max_time"] = self.time_limit
        if getattr(self._loaded.model.generation_config, "pad_token_id", None) is None:
            kwargs["pad_token_id"] = self._loaded.tokenizer.pad_token_id
        return kwargs

    def _stop_when_unusable(self, prompt_tokens: int) -> Any:
        """A stopping criterion: the words generated so far already cannot be shown."""
        from transformers import StoppingCriteria

        tokenizer = self._loaded.tokenizer

        class StopWhenUnusable(StoppingCriteria):
            def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
                import torch

                text = tokenizer.decode(input_ids[0, prompt_tokens:], skip_special_tokens=True)
                done = unusable_reply(text) is not None
                return torch.full((input_ids.shape[0],), done, dtype=torch.bool)

        return StopWhenUnusable()

    def _stopped(self, new_tokens: Any) -> bool:
        """Whether the model ended its reply itself (its last token is a stop token)."""
        stops = self._loaded.model.generation_config.eos_token_id
        stop_ids = set(stops if isinstance(stops, list) else [stops]) - {None}
        stop_ids.add(self._loaded.tokenizer.eos_token_id)
        return bool(int(new_tokens.shape[-1])) and int(new_tokens[-1]) in stop_ids

    def _out_of_time(self, new_tokens: Any, seconds: float) -> bool:
        """Whether generation was cut by the time limit (not by a stop token or the length)."""
        if self.time_limit is None or seconds < self.time_limit:
            return False
        if int(new_tokens.shape[-1]) >= self.max_new_tokens:
            return False
        return not self._stopped(new_tokens)

    def _cut_off(self, new_tokens: Any) -> bool:
        """Whether the reply ran into ``max_new_tokens`` mid-way (a model that has a stop
        token never said it). A model that cannot stop (no stop token, or its stop token
        suppressed, as in the tiny test models) is exempt."""
        eos = self._loaded.tokenizer.eos_token_id
        suppressed = self._loaded.model.generation_config.suppress_tokens or []
        if eos is None or eos in suppressed:
            return False
        if int(new_tokens.shape[-1]) < self.max_new_tokens:
            return False
        return not self._stopped(new_tokens)

    # -- Responder ------------------------------------------------------------------------

    def _prepare(self, request: ResponseRequest) -> tuple[dict[str, Any], dict[str, Any]]:
        """The model's inputs for ``request`` and the arguments of ``generate``."""
        from transformers import StoppingCriteriaList

        inputs = self._inputs(request)
        kwargs = self._generate_kwargs()
        kwargs["stopping_criteria"] = StoppingCriteriaList(
            [self._stop_when_unusable(int(inputs["input_ids"].shape[-1]))]
        )
        return inputs, kwargs

    def _generate(self, inputs: dict[str, Any], kwargs: dict[str, Any]) -> tuple[Any, float]:
        """The new tokens and the seconds they took (one generation at a time per model)."""
        import torch

        try:
            with self._loaded.lock, torch.random.fork_rng(devices=[]), torch.inference_mode():
                torch.manual_seed(self.seed)
                started = time.perf_counter()
                output = self._loaded.model.generate(**inputs, **kwargs)
                seconds = time.perf_counter() - started
        except Exception as exc:
            raise BackendError(
                f"The model in {self.model_path} failed to generate: {type(exc).__name__}: {exc}"
            ) from exc
        return output[0, inputs["input_ids"].shape[-1] :], seconds

    def _check(self, new_tokens: Any, seconds: float, text: str) -> str:
        """``text`` (the reply, stripped) when it can be shown; else a :class:`BackendError`."""
        if self._out_of_time(new_tokens, seconds):
            raise BackendError(
                f"time limit: the model in {self.model_path} had not finished its reply after "
                f"{seconds:.1f} s (limit {self.time_limit:g} s)."
            )
        if self._cut_off(new_tokens):
            raise BackendError(
                f"unusable reply: cut off at {self.max_new_tokens} tokens before it ended "
                "(GA_TRANSFORMERS_MAX_NEW_TOKENS)"
            )
        text = text.strip()
        if not text:
            raise BackendError(f"The model in {self.model_path} produced no text.")
        problem = unusable_reply(text)
        if problem is not None:
            raise BackendError(f"unusable reply: {problem} ({text[:80]!r}...)")
        return text

    def respond(self, request: ResponseRequest) -> str:
        inputs, kwargs = self._prepare(request)
        new_tokens, seconds = self._generate(inputs, kwargs)
        text = str(self._loaded.tokenizer.decode(new_tokens, skip_special_tokens=True))
        return self._check(new_tokens, seconds, text)

    def stream(self, request: ResponseRequest) -> Iterator[str]:
        """The reply in pieces as the model writes them (generation runs in a thread). The
        checks of :meth:`respond` run once it has finished: a reply that fails them raises
        :class:`BackendError` after its pieces."""
        from transformers import TextIteratorStreamer

        inputs, kwargs = self._prepare(request)
        streamer: Any = TextIteratorStreamer(  # untyped in transformers 5
            self._loaded.tokenizer, skip_prompt=True, skip_special_tokens=True
        )
        kwargs["streamer"] = streamer
        result: dict[str, Any] = {}

        def run() -> None:
            try:
                result["tokens"], result["seconds"] = self._generate(inputs, kwargs)
            except BackendError as error:
                result["error"] = error
                streamer.end()  # the reader waits for the end; say it

        worker = threading.Thread(target=run, name="ga-model-stream", daemon=True)
        worker.start()
        pieces: list[str] = []
        for piece in streamer:
            if piece:
                pieces.append(piece)
                yield piece
        worker.join()
        if "error" in result:
            raise result["error"]
        self._check(result["tokens"], result["seconds"], "".join(pieces))
