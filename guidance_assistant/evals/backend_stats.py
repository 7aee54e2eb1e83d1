"""What a model backend did in a run: how often its words were shown, refused (and why), failed,
and how long turns took.

Every turn record says what wrote its words (``backend``), every reply of the model the engine
refused (``rejected``: unsupported figures, figures left out, too long, a secrecy promise) and
why the draft was shown in the end (``fallback``: the last refusal, or a backend error such as
the time limit). Safeguarding turns and refused empty messages never reach a model and count
as offline turns, and so do the drafts that keep their own words (flag ``own_words``: redirects,
check-ins, refusals; :mod:`guidance_assistant.interview.wording`), which are counted apart. A
shown reply that named none of its draft's sources got them added (flag ``source_added``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from statistics import quantiles

from pydantic import BaseModel, ConfigDict, Field

from guidance_assistant.evals.records import EvalRun, TurnRecord

OFFLINE = "offline"


def reason_kind(reason: str) -> str:
    """A refusal's or fallback's kind, without its details: ``'unsupported figures'``,
    ``'time limit'``, ``'backend error'``..."""
    text = reason.strip()
    if text.startswith("backend error:"):
        rest = text.removeprefix("backend error:").strip()
        if rest.startswith("time limit"):
            return "time limit"
        if rest.startswith("unusable reply:"):
            return rest.removeprefix("unusable reply:").split("(", 1)[0].strip()
        return "backend error"
    head = text.split(":", 1)[0].strip()
    return head.removeprefix("the backend's reply ").removeprefix("the ") or "other"


def percentile(values: list[float], share: float) -> float:
    """The ``share`` (0..1) percentile of ``values`` (linear between ranks; 0.0 when empty)."""
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    cuts = quantiles(values, n=100, method="inclusive")
    return cuts[min(98, max(0, round(share * 100) - 1))]


class BackendStats(BaseModel):
    """One run's turns, as far as a model backend is concerned."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    turns: int = Field(description="Adviser turns in the run.")
    model_turns: int = Field(description="Turns whose draft was offered to a model.")
    model_words: int = Field(description="Turns that showed the model's wording.")
    drafts: int = Field(description="Model turns that showed the engine's draft instead.")
    refused_replies: int = Field(description="Model replies the engine refused (all attempts).")
    retried_then_accepted: int = Field(description="Turns whose second reply was accepted.")
    own_words: int = Field(default=0, description="Drafts never offered: their own words kept.")
    sources_added: int = Field(default=0, description="Shown replies given the draft's sources.")
    refusals: dict[str, int] = Field(default_factory=dict, description="Refused replies by kind.")
    errors: dict[str, int] = Field(default_factory=dict, description="Backend errors by kind.")
    latency_p50: float = Field(description="Seconds per turn, median (all turns).")
    latency_p95: float = Field(description="Seconds per turn, 95th percentile (all turns).")
    model_latency_p50: float = Field(default=0.0, description="Median over the model turns.")
    model_latency_p95: float = Field(default=0.0, description="95th percentile, model turns.")

    def render(self) -> str:
        lines = [
            f"turns {self.turns}; latency p50 {self.latency_p50:.2f} s, p95 "
            f"{self.latency_p95:.2f} s"
        ]
        if self.model_turns:
            lines.append(
                f"offered to the model {self.model_turns}: its words shown {self.model_words} "
                f"({self.model_words / self.model_turns:.0%}), the draft shown {self.drafts}; "
                f"model turns p50 {self.model_latency_p50:.2f} s, p95 "
                f"{self.model_latency_p95:.2f} s"
            )
            refusals = ", ".join(f"{k} {v}" for k, v in self.refusals.items()) or "none"
            lines.append(
                f"replies refused {self.refused_replies} ({refusals}); accepted on the retry "
                f"{self.retried_then_accepted}"
            )
            errors = ", ".join(f"{k} {v}" for k, v in self.errors.items()) or "none"
            lines.append(f"backend errors: {errors}")
            lines.append(
                f"drafts kept in their own words (never offered) {self.own_words}; shown "
                f"replies given the draft's sources {self.sources_added}"
            )
        return "\n".join(lines)


def _model_turn(turn: TurnRecord) -> bool:
    return bool(turn.backend) and turn.backend != OFFLINE


def backend_stats(turns: Iterable[TurnRecord]) -> BackendStats:
    """The figures of :class:`BackendStats` over ``turns``."""
    every = list(turns)
    model = [t for t in every if _model_turn(t)]
    refusals: Counter[str] = Counter(reason_kind(r) for t in model for r in t.rejected)
    errors: Counter[str] = Counter(
        reason_kind(t.fallback)
        for t in model
        if t.fallback is not None and t.fallback.startswith("backend error:")
    )
    seconds = [t.seconds for t in every]
    model_seconds = [t.seconds for t in model]
    return BackendStats(
        turns=len(every),
        model_turns=len(model),
        model_words=sum(t.fallback is None for t in model),
        drafts=sum(t.fallback is not None for t in model),
        refused_replies=sum(len(t.rejected) for t in model),
        retried_then_accepted=sum(bool(t.rejected) and t.fallback is None for t in model),
        own_words=sum("own_words" in t.flags for t in every),
        sources_added=sum("source_added" in t.flags for t in model),
        refusals=dict(refusals.most_common()),
        errors=dict(errors.most_common()),
        latency_p50=percentile(seconds, 0.5),
        latency_p95=percentile(seconds, 0.95),
        model_latency_p50=percentile(model_seconds, 0.5),
        model_latency_p95=percentile(model_seconds, 0.95),
    )


def run_backend_stats(run: EvalRun) -> BackendStats:
    """:func:`backend_stats` over every turn of every conversation of ``run``."""
    return backend_stats(t for r in run.results for t in r.transcript.turns)
