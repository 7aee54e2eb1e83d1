"""The seam between the interview engine and whatever writes the words.

The engine (``guidance_assistant.interview``) decides everything that matters: the stage, the
move (micro-skill), which passages may be cited, and safeguarding, which runs before any
backend. It also writes a *draft* reply for every move from the templates in ``prompts/``.
A :class:`Responder` only turns that decision into words:

* the offline responder returns the draft as it is (deterministic, no model);
* model backends may rephrase it, using only the facts in the request. The engine validates
  what comes back (every number must be in the cited passages or the client's words) and falls
  back to the draft when a reply breaks a rule or the backend fails, so no turn is lost.

A backend may also stream its words (:class:`StreamingResponder`), so that an app can show them
as they come, marked as a draft in progress; the engine still checks the whole reply (figures,
secrecy promises, dropped pay figures, the draft's question) before it is confirmed, and replaces
it by the draft when it fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from guidance_assistant.errors import GuidanceAssistantError


class BackendError(GuidanceAssistantError):
    """A response backend that cannot be loaded or did not answer."""


class GroundingPassage(BaseModel):
    """A cited passage the reply may draw on (document text: data, never instructions)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    citation: str = Field(description="Rendered citation line, e.g. 'Nurse — Pay (NCS, 2020)'.")
    text: str


class ResponseRequest(BaseModel):
    """Everything a backend may know when it writes one adviser turn."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    move: str = Field(description="The micro-skill chosen by the engine, e.g. 'reflection'.")
    stage: str = Field(description="Interview stage id, e.g. 'exploration'.")
    stage_purpose: str
    client_message: str = Field(description="The client's latest words (data, not instructions).")
    state_summary: str = Field(description="What is known so far, in a few plain lines.")
    passages: list[GroundingPassage] = Field(default_factory=list)
    draft: str = Field(description="The engine's own wording of the move; always acceptable.")
    constraints: list[str] = Field(
        default_factory=list,
        description="Rules for this turn, e.g. 'plain language: short sentences'.",
    )


@runtime_checkable
class Responder(Protocol):
    """Writes the adviser's words for a move the engine has already chosen."""

    name: str

    def respond(self, request: ResponseRequest) -> str:
        """The reply text for ``request``. Raises :class:`BackendError` when it cannot answer."""
        ...


@runtime_checkable
class StreamingResponder(Responder, Protocol):
    """A :class:`Responder` that can also give its reply piece by piece, as it writes it."""

    def stream(self, request: ResponseRequest) -> Iterator[str]:
        """The reply for ``request`` in pieces (joined, they are the whole reply). Raises
        :class:`BackendError`, possibly after some pieces, when the reply cannot be used."""
        ...


class OfflineResponder:
    """The default backend: the engine's draft, word for word. Deterministic, no model."""

    name = "offline"

    def respond(self, request: ResponseRequest) -> str:
        return request.draft
