"""The one safeguarding check every client message goes through, first, on every path.

:func:`screen_message` gives one of three answers:

* ``disclosure``: the escalation (guidance stops, the designated safeguarding lead is named,
  signposting given). Raised by a rule (``categories.yaml``: unambiguous wordings, and the reason
  shown to the adviser), by the learned reader (:mod:`.reader`) at or above its escalation
  threshold, by the reader on the last few turns read together, or by cues that add up across
  the conversation (:mod:`.cues`) to ``escalate_at``.
* ``concern``: one gentle check-in that restates the limits of confidentiality; the concern is
  recorded for the adviser with the words that raised it; the session goes on. Raised by the
  reader's middle band, by cues reaching ``check_in_at``, or by a request for secrecy after any
  cue or concern.
* ``none``: guidance as usual.

It never raises on any text: if a part of the check fails, the message is treated as a concern
(and the failure logged), never as safe.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from guidance_assistant.safeguarding.cues import CueBook, CueHit, load_cues
from guidance_assistant.safeguarding.kinds import load_kinds
from guidance_assistant.safeguarding.reader import LearnedReader, Reading, shared_reader
from guidance_assistant.safeguarding.rules import (
    SafeguardingResult,
    SafeguardingRules,
    detect_safeguarding,
    normalise_text,
)

log = logging.getLogger(__name__)

Level = Literal["disclosure", "concern", "none"]
Source = Literal[
    "rules", "rules_in_doubt", "reader", "reader_turns", "cues", "secrecy", "error", "none"
]
#: How many earlier client turns the reader reads together with this one (once cues are heard).
TURNS_READ_TOGETHER = 2
_WORDS_LIMIT = 300
#: The reader escalates on its own only when its kind head is this sure which kind of harm the
#: words are about, and raises a concern only above the lower figure: a high risk score on text
#: unlike any in the bank ("write me some Python code", score 0.99, no kind above 0.23) is the
#: linear head extrapolating, not a reading. Below the first figure a high score is a concern.
KIND_SURE_TO_ESCALATE = 0.5
KIND_SURE_TO_CONCERN = 0.25
#: A rule's match is read in context by the learned reader: when every part of the message reads
#: as more likely ordinary than a disclosure (below even odds: a PSHE lesson on the topic, a harm
#: long past and resolved, "sleeping rough" on a Duke of Edinburgh expedition), the rule's finding
#: becomes a concern (a check-in, recorded for the adviser with the rule's reason and the words),
#: never nothing. Matches found only in the de-obfuscated view are never put in doubt.
RULE_IN_DOUBT_BELOW = 0.5
#: Reading the last turns together escalates only when this message itself adds something: a
#: new cue, a request for secrecy, or a reader score at least this high. Otherwise one worrying
#: turn would escalate every ordinary reply after it ("thanks, that's a good idea").
TURN_ADDS_AT = 0.5


class Screening(BaseModel):
    """What the check found in one message (in the light of what came before)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    level: Level
    source: Source
    category: str | None = Field(default=None, description="The rule category or kind of harm.")
    label: str = ""
    reason: str = ""
    words: str = Field(default="", description="The client's words that raised it.")
    score: float | None = Field(default=None, description="The learned reader's score, 0-1.")
    cues: list[CueHit] = Field(default_factory=list, description="Cues heard in this message.")
    secrecy_request: str | None = None
    rules: SafeguardingResult | None = None

    @property
    def flagged(self) -> bool:
        return self.level == "disclosure"

    def as_result(self) -> SafeguardingResult:
        """The result the escalation reply and the session's flag are built from."""
        if self.rules is not None and self.rules.flagged:
            return self.rules
        if self.level != "disclosure":
            return SafeguardingResult(flagged=False, reason=self.reason or "nothing flagged")
        categories: list[str] = []
        kind = load_kinds().get(self.category or "")
        if kind is not None:
            categories = list(kind.rule_categories)
        return SafeguardingResult(
            flagged=True,
            category=self.category,
            reason=self.reason,
            matched_text=self.words,
            categories=[c for c in [self.category or "", *categories] if c],
        )


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _WORDS_LIMIT else text[: _WORDS_LIMIT - 1] + "…"


def _kind_label(kind: str) -> str:
    found = load_kinds().get(kind)
    return found.label if found is not None else "possible safeguarding concern"


def _band(reading: Reading) -> str:
    """The reader's band, guarded against text unlike any it was trained on."""
    if reading.band == "none" or reading.kind_score < KIND_SURE_TO_CONCERN:
        return "none"
    if reading.band == "escalate" and reading.kind_score >= KIND_SURE_TO_ESCALATE:
        return "escalate"
    return "concern"


def _rule_label(result: SafeguardingResult) -> str:
    return result.reason.split(":")[0] if result.reason else "safeguarding concern"


def _rule_in_doubt(text: str, result: SafeguardingResult, reading: Reading | None) -> bool:
    """Whether the learned reader puts a rule's match in doubt (see ``RULE_IN_DOUBT_BELOW``)."""
    if reading is None or reading.score >= RULE_IN_DOUBT_BELOW or not result.matched_text:
        return False
    return result.matched_text in normalise_text(text)


def _reader_screening(level: Level, source: Source, reading: Reading, **extra: object) -> Screening:
    label = _kind_label(reading.kind)
    how = "read together over the last turns" if source == "reader_turns" else "learned reader"
    return Screening(
        level=level,
        source=source,
        category=reading.kind,
        label=label,
        reason=f"{label} ({how}, score {reading.score:.2f}): '{_clip(reading.evidence)}'",
        words=_clip(reading.evidence),
        score=round(reading.score, 3),
        **extra,
    )


def screen_message(
    text: str,
    *,
    heard: Sequence[CueHit] = (),
    earlier_turns: Sequence[str] = (),
    concerned_before: bool = False,
    rules: SafeguardingRules | None = None,
    reader: LearnedReader | Literal["auto"] | None = "auto",
    cues: CueBook | None = None,
) -> Screening:
    """Screen one client message; see the module docstring. ``heard``: the cues of earlier
    turns; ``earlier_turns``: the client's earlier messages (newest last);
    ``concerned_before``: whether a concern was already recorded in this conversation."""
    try:
        return _screen(text, heard, earlier_turns, concerned_before, rules, reader, cues)
    except Exception as error:  # never lose a message: a failing check is a concern, not safe
        log.error("safeguarding check failed (%s): treated as a concern", error, exc_info=True)
        return Screening(
            level="concern",
            source="error",
            label="the safeguarding check could not read this message",
            reason=f"the safeguarding check failed ({type(error).__name__}); read it yourself",
            words=_clip(str(text)),
        )


def _screen(
    text: str,
    heard: Sequence[CueHit],
    earlier_turns: Sequence[str],
    concerned_before: bool,
    rules: SafeguardingRules | None,
    reader_arg: LearnedReader | Literal["auto"] | None,
    cues_arg: CueBook | None,
) -> Screening:
    text = str(text)
    if not text.strip():
        return Screening(level="none", source="none", reason="empty message")
    result = detect_safeguarding(text, rules=rules)
    reader = shared_reader() if reader_arg == "auto" else reader_arg
    reading = reader.read(text) if reader is not None else None
    in_doubt = result.flagged and _rule_in_doubt(text, result, reading)
    if result.flagged and not in_doubt:
        return Screening(
            level="disclosure",
            source="rules",
            category=result.category,
            label=_rule_label(result),
            reason=result.reason,
            words=_clip(result.matched_text or text),
            score=round(reading.score, 3) if reading is not None else None,
            rules=result,
        )
    if reading is not None and _band(reading) == "escalate":
        return _reader_screening("disclosure", "reader", reading, rules=result)

    book = cues_arg or load_cues()
    seen = {hit.cue for hit in heard}
    new = [hit for hit in book.hits(text) if hit.cue not in seen]
    secrecy = book.secrecy_request(text)
    total = sum(hit.weight for hit in heard) + sum(hit.weight for hit in new)
    if secrecy and (heard or new or concerned_before):
        total += book.spec.secrecy.weight
    extra: dict[str, object] = {"cues": new, "secrecy_request": secrecy, "rules": result}
    score = round(reading.score, 3) if reading is not None else None

    if (new or secrecy) and total >= book.spec.escalate_at:
        every = [*heard, *new]
        said = "; ".join(f"{hit.label}: '{hit.words}'" for hit in every)
        if secrecy:
            said += f"; asked for secrecy: '{secrecy}'"
        kind = reading.kind if reading is not None else "other_concern"
        return Screening(
            level="disclosure",
            source="cues",
            category=kind,
            label=f"cues adding up across the conversation ({_kind_label(kind)})",
            reason=f"cues adding up across the conversation: {said}",
            words=_clip(text),
            score=score,
            **extra,
        )
    adds = bool(new or secrecy) or (reading is not None and reading.score >= TURN_ADDS_AT)
    if reader is not None and (heard or new or concerned_before) and earlier_turns and adds:
        together = " ".join([*earlier_turns[-TURNS_READ_TOGETHER:], text])
        joint = reader.read(together)
        if _band(joint) == "escalate":
            return _reader_screening("disclosure", "reader_turns", joint, **extra)
    if in_doubt:
        assert reading is not None
        return Screening(
            level="concern",
            source="rules_in_doubt",
            category=result.category,
            label=_rule_label(result),
            reason=(
                f"{result.reason} (read in context as most likely not a disclosure, learned "
                f"reader {reading.score:.2f}: check in)"
            ),
            words=_clip(result.matched_text or text),
            score=round(reading.score, 3),
            cues=new,
            secrecy_request=secrecy,
        )
    if reading is not None and _band(reading) == "concern":
        return _reader_screening("concern", "reader", reading, **extra)
    if new and total >= book.spec.check_in_at:
        said = "; ".join(f"{hit.label}: '{hit.words}'" for hit in [*heard, *new])
        return Screening(
            level="concern",
            source="cues",
            label="worrying cues",
            reason=f"worrying cues: {said}",
            words=_clip(text),
            score=score,
            **extra,
        )
    if secrecy and (heard or new or concerned_before):
        return Screening(
            level="concern",
            source="secrecy",
            label="asked to keep something secret",
            reason=f"asked to keep something secret after a worrying remark: '{secrecy}'",
            words=_clip(text),
            score=score,
            **extra,
        )
    return Screening(level="none", source="none", reason="nothing flagged", score=score, **extra)
