"""A model behind an OpenAI-compatible HTTP server (vLLM, llama.cpp server, Ollama, ...).

Requests go through LangChain's ``ChatOpenAI`` (the ``openai`` extra:
``pip install 'guidance-assistant[openai]'``), imported only when a responder is made. Retries
are off, so a server that is down fails at once and the engine can fall back to its draft.
"""

from __future__ import annotations

import logging
from typing import Any

from guidance_assistant.backends.base import BackendError, ResponseRequest
from guidance_assistant.backends.prompting import build_messages, load_system_prompt

logger = logging.getLogger(__name__)

_NO_KEY = "not-needed"  # local servers ignore the key, but the client insists on one


class OpenAICompatibleResponder:
    """Rephrases the engine's draft with a chat model served over the OpenAI HTTP API."""

    name = "openai"

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        timeout: float = 30.0,
        max_tokens: int = 200,
        temperature: float = 0.2,
        max_retries: int = 0,
        system_prompt: str | None = None,
    ) -> None:
        if not base_url.strip():
            raise BackendError(
                "No model server address: set GA_OPENAI_BASE_URL, e.g. http://127.0.0.1:8000/v1."
            )
        if not model.strip():
            raise BackendError("No model name: set GA_OPENAI_MODEL to the name the server uses.")
        if timeout <= 0:
            raise BackendError("The model server timeout must be more than 0 seconds.")
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:
            raise BackendError(
                "The 'openai' backend needs langchain-openai: "
                "pip install 'guidance-assistant[openai]'."
            ) from exc
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.timeout = timeout
        self.system_prompt = system_prompt if system_prompt is not None else load_system_prompt()
        self._chat: Any = ChatOpenAI(
            model=model,
            base_url=self.base_url,
            api_key=api_key or _NO_KEY,
            timeout=timeout,
            max_retries=max_retries,
            temperature=temperature,
            # ChatOpenAI sends ``max_completion_tokens``; older vLLM, llama.cpp and Ollama
            # servers only read ``max_tokens``, so both are sent.
            max_tokens=max_tokens,
            extra_body={"max_tokens": max_tokens},
        )

    def _failure(self, exc: BaseException) -> BackendError:
        """A plain message for what went wrong while talking to the server."""
        import openai

        where = f"The model server at {self.base_url}"
        if isinstance(exc, openai.APITimeoutError):
            message = f"{where} did not answer within {self.timeout:g} s."
        elif isinstance(exc, openai.APIConnectionError):
            message = (
                f"{where} could not be reached. Is it running? Check GA_OPENAI_BASE_URL "
                f"({type(exc.__cause__ or exc).__name__})."
            )
        elif isinstance(exc, openai.AuthenticationError):
            message = f"{where} refused the API key (HTTP 401). Check GA_OPENAI_API_KEY."
        elif isinstance(exc, openai.NotFoundError):
            message = (
                f"{where} answered HTTP 404: check GA_OPENAI_MODEL ({self.model!r}) and that "
                "the address ends in /v1."
            )
        elif isinstance(exc, openai.APIStatusError):
            message = f"{where} answered with an error (HTTP {exc.status_code}): {exc.message}"
        else:
            message = f"{where} failed: {type(exc).__name__}: {exc}"
        return BackendError(message)

    def _messages(self, request: ResponseRequest) -> list[tuple[str, str]]:
        return build_messages(request, self.system_prompt)

    def respond(self, request: ResponseRequest) -> str:
        try:
            reply = self._chat.invoke(self._messages(request))
        except Exception as exc:  # every failure becomes a BackendError
            raise self._failure(exc) from exc
        text = _text_of(reply.content).strip()
        if not text:
            raise BackendError(f"The model server at {self.base_url} sent an empty reply.")
        return text


def _text_of(content: Any) -> str:
    """The text of a LangChain message content (a string or a list of content blocks)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts: list[str] = []
        for block in content:
            if isinstance(block, str):
                parts.append(block)
            elif isinstance(block, dict) and block.get("type") == "text":
                parts.append(str(block.get("text", "")))
        return "".join(parts)
    return ""
