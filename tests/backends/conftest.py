"""Fixtures for the backend tests: a request, tiny local models and a fake OpenAI server.

Nothing is downloaded: the tokenizer is trained here on a few sentences and the model has
random weights. The OpenAI-compatible server is a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from guidance_assistant.backends import GroundingPassage, ResponseRequest

SENTENCES = [
    "you would like to work with people and animals outdoors",
    "nursing pay starts at band five in the NHS",
    "tell me more about what matters to you in a job",
    "it sounds like helping others is important to you",
    "so far you have said you enjoy science and caring for people",
]

CHAT_TEMPLATE = (
    "{% for message in messages %}[{{ message['role'] }}] {{ message['content'] }}\n"
    "{% endfor %}{% if add_generation_prompt %}[assistant]{% endif %}"
)


def build_request(**overrides: Any) -> ResponseRequest:
    """A typical reflection turn, with ``overrides``."""
    values: dict[str, Any] = {
        "move": "reflection",
        "stage": "exploration",
        "stage_purpose": "Explore what matters to the client.",
        "client_message": "I think I would like to work with animals, maybe outdoors.",
        "state_summary": "Year 11 student. Enjoys science. Likes animals.",
        "passages": [
            GroundingPassage(
                citation="Veterinary nurse — Pay (NCS, 2020)",
                text="Starter salary is about £18,000 a year.",
            )
        ],
        "draft": "It sounds like working with animals, perhaps outdoors, matters to you.",
        "constraints": ["plain language: short sentences"],
    }
    values.update(overrides)
    return ResponseRequest(**values)


@pytest.fixture
def sample_request() -> ResponseRequest:
    return build_request()


@pytest.fixture
def make_request() -> Callable[..., ResponseRequest]:
    return build_request


# -- tiny local models ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two tiny GPT-2 folders saved with ``save_pretrained``: ``plain`` and ``chat``.

    ``chat`` has a chat template; ``[EOS]`` is a special token in both. The weights are random,
    so the words are too.
    """
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    raw = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    raw.pre_tokenizer = pre_tokenizers.Whitespace()
    raw.decoder = decoders.WordPiece(prefix="##")  # joins words with spaces
    raw.train_from_iterator(
        SENTENCES, trainers.WordLevelTrainer(special_tokens=["[UNK]", "[PAD]", "[EOS]"])
    )
    fast_tokenizer: Any = PreTrainedTokenizerFast  # untyped in transformers 5
    tokenizer = fast_tokenizer(
        tokenizer_object=raw, unk_token="[UNK]", pad_token="[PAD]", eos_token="[EOS]"
    )
    config = GPT2Config(
        n_layer=1,
        n_head=2,
        n_embd=32,
        n_positions=1024,
        vocab_size=len(tokenizer),
        bos_token_id=tokenizer.eos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(0)
    model = GPT2LMHeadModel(config)
    # Random weights may well pick [EOS] or [UNK] first; keep them out so some words come.
    model.generation_config.suppress_tokens = tokenizer.convert_tokens_to_ids(
        ["[UNK]", "[PAD]", "[EOS]"]
    )

    root = tmp_path_factory.mktemp("tiny-models")
    folders = {"plain": root / "plain", "chat": root / "chat"}
    tokenizer.save_pretrained(folders["plain"])
    model.save_pretrained(folders["plain"])
    tokenizer.chat_template = CHAT_TEMPLATE
    tokenizer.save_pretrained(folders["chat"])
    model.save_pretrained(folders["chat"])
    return folders


# -- a fake OpenAI-compatible server ----------------------------------------------------------


@dataclass
class FakeOpenAIServer:
    """What the server answers, and every request it received."""

    base_url: str
    reply: str = "It sounds like animals matter a lot to you."
    delay: float = 0.0
    status: int = 200
    requests: list[dict[str, Any]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    @property
    def last_body(self) -> dict[str, Any]:
        assert self.requests, "the server received no request"
        body: dict[str, Any] = self.requests[-1]["body"]
        return body


def _handler(state: FakeOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

        def _send_json(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            state.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            if state.delay:
                state.release.wait(state.delay)
            if self.path != "/v1/chat/completions":
                self._send_json(404, {"error": {"message": "not found", "type": "not_found"}})
                return
            if state.status != 200:
                self._send_json(
                    state.status, {"error": {"message": "the model crashed", "type": "server"}}
                )
                return
            model = str(body.get("model", ""))
            self._send_json(
                200,
                {
                    "id": "chatcmpl-test",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": state.reply},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {"prompt_tokens": 10, "completion_tokens": 9, "total_tokens": 19},
                },
            )

    return Handler


@pytest.fixture
def openai_server() -> Iterator[FakeOpenAIServer]:
    """A real HTTP server on a free port of 127.0.0.1 speaking the chat completions API."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    server.daemon_threads = True
    state = FakeOpenAIServer(base_url=f"http://127.0.0.1:{server.server_address[1]}/v1")
    server.RequestHandlerClass = _handler(state)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def dead_url() -> str:
    """An address on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"
