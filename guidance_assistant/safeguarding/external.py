"""The safeguarding check on conversations nobody here wrote: ESConv's job-crisis seekers.

The labelled set in ``evals/safeguarding/messages.yaml`` was written by the people who wrote the
rules, so its 100% says little about new wordings. This check runs the detector over every seeker
turn of the ESConv job-crisis dialogues (``../shared/eval-data/esconv/``, read at run time): real
people describing job loss, money worries and stress, with no safeguarding labels. Two numbers
come out of it, each tied to a hand review kept in ``evals/safeguarding/esconv_review.yaml``:

* the detector's **flag rate**, and how many of its flags were reviewed as warranted,
  borderline or false alarms;
* the turns the naive keyword baseline flags and the detector does not (where a miss would
  most likely hide), all read by hand, and how many of those were disclosures.

A turn flagged (or newly baseline-only) that the review has not seen is listed as unreviewed:
the test suite fails on it, so a rules change cannot quietly move the figures.

Run ``python -m guidance_assistant.safeguarding.external`` to print the result.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.paths import bundled_dir, shared_dir
from guidance_assistant.safeguarding.evaluate import baseline_flag
from guidance_assistant.safeguarding.rules import SafeguardingRules

ESCONV_FILE = "esconv_job_crisis_subset.jsonl"
Verdict = Literal["warranted", "borderline", "false_alarm"]


class ExternalCheckError(GuidanceAssistantError):
    """The external data or its review file is missing or malformed."""


class ReviewedFlag(BaseModel):
    model_config = ConfigDict(extra="forbid")

    turn: str = Field(pattern=r"^\d+:\d+$")
    verdict: Verdict
    note: str = ""


class ReviewedTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    turn: str = Field(pattern=r"^\d+:\d+$")
    note: str = ""


class Review(BaseModel):
    """``evals/safeguarding/esconv_review.yaml``."""

    model_config = ConfigDict(extra="forbid")

    dataset: str
    flagged: list[ReviewedFlag]
    baseline_only: str = Field(description="Space-separated dialogue:turn ids, all read.")
    misses: list[ReviewedTurn] = Field(default_factory=list)
    borderline_not_flagged: list[ReviewedTurn] = Field(default_factory=list)
    fixed_false_alarms: list[ReviewedTurn] = Field(default_factory=list)

    @property
    def baseline_only_ids(self) -> set[str]:
        return set(self.baseline_only.split())


class SeekerTurn(BaseModel):
    model_config = ConfigDict(frozen=True)

    turn: str
    text: str


class ExternalCheck(BaseModel):
    """What :func:`external_check` measured."""

    model_config = ConfigDict(frozen=True)

    messages: int
    detector_flags: list[str]
    baseline_flags: int
    verdicts: dict[str, int]
    unreviewed_flags: list[SeekerTurn]
    baseline_only: int
    unreviewed_baseline_only: list[SeekerTurn]
    misses: int

    @property
    def flag_rate(self) -> float:
        return len(self.detector_flags) / self.messages if self.messages else 0.0

    @property
    def false_alarm_rate(self) -> float:
        """Reviewed false alarms over all turns (an upper bound counts unreviewed flags too)."""
        return self.verdicts.get("false_alarm", 0) / self.messages if self.messages else 0.0

    def render(self) -> str:
        pct = 100 / self.messages if self.messages else 0.0
        verdicts = ", ".join(
            f"{self.verdicts.get(v, 0)} {v.replace('_', ' ')}"
            for v in ("warranted", "borderline", "false_alarm")
        )
        lines = [
            f"External check: {self.messages} ESConv job-crisis seeker turns "
            "(real conversations, no safeguarding labels; flags reviewed by hand)",
            f"  detector flags        {len(self.detector_flags):>5} "
            f"({len(self.detector_flags) * pct:.2f}%): {verdicts}, "
            f"{len(self.unreviewed_flags)} unreviewed",
            f"  keyword baseline flags{self.baseline_flags:>6} ({self.baseline_flags * pct:.2f}%)",
            f"  baseline-only turns   {self.baseline_only:>5}: read for misses, "
            f"{self.misses} disclosure(s) missed, {len(self.unreviewed_baseline_only)} unreviewed",
        ]
        for item in self.unreviewed_flags:
            lines.append(f"  UNREVIEWED flag {item.turn}: {item.text[:100]}")
        for item in self.unreviewed_baseline_only:
            lines.append(f"  UNREVIEWED baseline-only {item.turn}: {item.text[:100]}")
        return "\n".join(lines)


def default_esconv_path() -> Path | None:
    folder = shared_dir("eval-data")
    path = folder / "esconv" / ESCONV_FILE if folder else None
    return path if path is not None and path.is_file() else None


def default_review_path() -> Path:
    return bundled_dir("evals") / "safeguarding" / "esconv_review.yaml"


def load_review(path: Path | None = None) -> Review:
    file = path or default_review_path()
    try:
        return Review.model_validate(yaml.safe_load(file.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise ExternalCheckError(f"{file}: cannot read the review ({exc}).") from exc


def seeker_turns(path: Path) -> list[SeekerTurn]:
    """Every seeker ("usr") turn of the ESConv dialogues at ``path``, named dialogue:turn."""
    turns: list[SeekerTurn] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            for index, turn in enumerate(json.loads(line)["dialog"]):
                if turn.get("speaker") == "usr" and turn.get("text", "").strip():
                    turns.append(SeekerTurn(turn=f"{number}:{index}", text=turn["text"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ExternalCheckError(f"{path}: not ESConv dialogues ({exc}).") from exc
    return turns


def external_check(
    path: Path | None = None,
    *,
    review: Review | None = None,
    rules: SafeguardingRules | None = None,
) -> ExternalCheck:
    """Run the detector and the keyword baseline over ESConv seeker turns, against the review."""
    data = path or default_esconv_path()
    if data is None:
        raise ExternalCheckError(
            f"ESConv data not found: expected ../shared/eval-data/esconv/{ESCONV_FILE}."
        )
    review = review or load_review()
    rules = rules or SafeguardingRules.load()
    verdict_of = {item.turn: item.verdict for item in review.flagged}
    read_baseline_only = review.baseline_only_ids

    flagged: list[SeekerTurn] = []
    baseline_only: list[SeekerTurn] = []
    baseline_flags = 0
    turns = seeker_turns(data)
    for turn in turns:
        by_detector = rules.detect(turn.text).flagged
        by_baseline = baseline_flag(turn.text)
        baseline_flags += by_baseline
        if by_detector:
            flagged.append(turn)
        elif by_baseline:
            baseline_only.append(turn)

    verdicts = Counter(verdict_of[t.turn] for t in flagged if t.turn in verdict_of)
    return ExternalCheck(
        messages=len(turns),
        detector_flags=[t.turn for t in flagged],
        baseline_flags=baseline_flags,
        verdicts=dict(verdicts),
        unreviewed_flags=[t for t in flagged if t.turn not in verdict_of],
        baseline_only=len(baseline_only),
        unreviewed_baseline_only=[t for t in baseline_only if t.turn not in read_baseline_only],
        misses=len(review.misses),
    )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        result = external_check(Path(args[0]) if args else None)
    except GuidanceAssistantError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(result.render())
    return 1 if result.unreviewed_flags or result.unreviewed_baseline_only else 0


if __name__ == "__main__":
    raise SystemExit(main())
