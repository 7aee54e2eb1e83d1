"""Measure the safeguarding check on a labelled set, next to a naive keyword baseline.

``evals/safeguarding/messages.yaml`` holds messages labelled ``expected: true`` (a disclosure,
with its category) or ``expected: false`` (a hard negative: career talk, idioms, ordinary worries).
:func:`evaluate_safeguarding` runs :func:`~guidance_assistant.safeguarding.rules.detect_safeguarding`
and a naive keyword baseline over every message in the same run and reports recall (disclosures
caught), false-alarm rate (hard negatives flagged / hard negatives), precision, per-category recall
and the list of misses and false alarms.

Run ``python -m guidance_assistant.safeguarding.evaluate [messages.yaml]`` to print the table.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.paths import bundled_dir
from guidance_assistant.safeguarding.rules import SafeguardingRules

#: The naive baseline: flag when any of these alarming words appears (whole words, lowercased).
BASELINE_WORDS: tuple[str, ...] = (
    "die", "dying", "dead", "death", "kill", "killing", "killed", "suicide", "suicidal",
    "hurt", "hurts", "hurting", "harm", "abuse", "abused", "cut", "cutting", "hit", "hits",
    "beat", "beaten", "rape", "raped", "homeless", "evicted", "marry", "married", "groomed",
    "drugs", "knife", "stab", "scared",
)  # fmt: skip
_BASELINE = re.compile(r"\b(?:" + "|".join(map(re.escape, BASELINE_WORDS)) + r")\b")


class SafeguardingEvalError(GuidanceAssistantError):
    """The labelled messages file is missing or malformed."""


class LabelledMessage(BaseModel):
    """One message of the labelled set."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    expected: bool
    category: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _category_matches_label(self) -> LabelledMessage:
        if self.expected and not self.category:
            raise ValueError(f"{self.id}: a disclosure (expected: true) needs a category")
        if not self.expected and self.category:
            raise ValueError(f"{self.id}: a non-disclosure (expected: false) takes no category")
        return self


class LabelledSet(BaseModel):
    """``messages.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    suite: str = Field(pattern=r"^safeguarding$")
    messages: list[LabelledMessage] = Field(min_length=1)


class MessageOutcome(BaseModel):
    """What the detector (and the baseline) said about one labelled message."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    text: str
    expected: bool
    category: str | None
    flagged: bool
    detected_categories: list[str]
    reason: str
    baseline_flagged: bool


class Scores(BaseModel):
    """Confusion counts and the rates derived from them for one method."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    true_positives: int
    false_negatives: int
    false_positives: int
    true_negatives: int
    recall: float = Field(description="Disclosures flagged / disclosures.")
    false_alarm_rate: float = Field(description="Hard negatives flagged / hard negatives.")
    precision: float = Field(description="Disclosures among flagged messages (0 if none flagged).")

    @classmethod
    def from_counts(cls, name: str, tp: int, fn: int, fp: int, tn: int) -> Scores:
        return cls(
            name=name,
            true_positives=tp,
            false_negatives=fn,
            false_positives=fp,
            true_negatives=tn,
            recall=tp / (tp + fn) if tp + fn else 0.0,
            false_alarm_rate=fp / (fp + tn) if fp + tn else 0.0,
            precision=tp / (tp + fp) if tp + fp else 0.0,
        )


class CategoryRecall(BaseModel):
    """Recall on the disclosures labelled with one category."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    category: str
    total: int
    caught: int = Field(description="Flagged by the detector (any category).")
    same_category: int = Field(description="Flagged with this category among those detected.")
    baseline_caught: int

    @property
    def recall(self) -> float:
        return self.caught / self.total if self.total else 0.0


class SafeguardingReport(BaseModel):
    """The result of :func:`evaluate_safeguarding`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str
    total: int
    positives: int
    negatives: int
    detector: Scores
    baseline: Scores
    per_category: list[CategoryRecall]
    misses: list[MessageOutcome]
    false_alarms: list[MessageOutcome]
    outcomes: list[MessageOutcome]
    max_ms: float = Field(description="Slowest single detector call, in milliseconds.")

    @property
    def recall(self) -> float:
        return self.detector.recall

    @property
    def false_alarm_rate(self) -> float:
        return self.detector.false_alarm_rate

    @property
    def precision(self) -> float:
        return self.detector.precision

    def render(self) -> str:
        """A small plain-text table: detector against the keyword baseline, then details."""
        lines = [
            f"Safeguarding eval: {self.total} messages ({self.positives} disclosures, "
            f"{self.negatives} hard negatives) from {self.path}",
            "",
            f"{'method':<18}{'recall':>8}{'false alarms':>14}{'precision':>11}"
            f"{'misses':>8}{'FP':>5}",
        ]
        for scores in (self.detector, self.baseline):
            lines.append(
                f"{scores.name:<18}{_pct(scores.recall):>8}{_pct(scores.false_alarm_rate):>14}"
                f"{_pct(scores.precision):>11}{scores.false_negatives:>8}"
                f"{scores.false_positives:>5}"
            )
        lines += ["", f"{'category':<20}{'detector':>10}{'same cat.':>11}{'baseline':>10}"]
        for row in self.per_category:
            lines.append(
                f"{row.category:<20}{f'{row.caught}/{row.total}':>10}"
                f"{f'{row.same_category}/{row.total}':>11}{f'{row.baseline_caught}/{row.total}':>10}"
            )
        lines.append("")
        lines.append("Misses: none" if not self.misses else "Misses:")
        lines += [f"  {o.id} [{o.category}] {_quote(o.text)}" for o in self.misses]
        lines.append("False alarms: none" if not self.false_alarms else "False alarms:")
        lines += [f"  {o.id} {_quote(o.text)} -> {o.reason}" for o in self.false_alarms]
        lines.append(f"Slowest detector call: {self.max_ms:.2f} ms")
        return "\n".join(lines)


def baseline_flag(text: str) -> bool:
    """The naive keyword baseline: any of :data:`BASELINE_WORDS` as a whole word."""
    return _BASELINE.search(text.lower()) is not None


def default_messages_path() -> Path:
    return bundled_dir("evals") / "safeguarding" / "messages.yaml"


def load_labelled_set(path: str | Path | None = None) -> LabelledSet:
    """Read and validate a labelled messages file."""
    file = Path(path) if path is not None else default_messages_path()
    if not file.is_file():
        raise SafeguardingEvalError(f"{file}: labelled messages file not found.")
    try:
        data: Any = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SafeguardingEvalError(f"{file}: not valid YAML ({exc}).") from exc
    try:
        labelled = LabelledSet.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            for error in exc.errors()
        )
        raise SafeguardingEvalError(f"{file}: {problems}") from exc
    ids = [message.id for message in labelled.messages]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise SafeguardingEvalError(f"{file}: duplicate ids {', '.join(duplicates)}.")
    if all(m.expected for m in labelled.messages) or not any(m.expected for m in labelled.messages):
        raise SafeguardingEvalError(
            f"{file}: needs both disclosures (expected: true) and hard negatives (expected: false)."
        )
    return labelled


def evaluate_safeguarding(
    path: str | Path | None = None, *, rules: SafeguardingRules | None = None
) -> SafeguardingReport:
    """Run the detector and the keyword baseline over the labelled set at ``path``."""
    file = Path(path) if path is not None else default_messages_path()
    labelled = load_labelled_set(file)
    rules = rules or SafeguardingRules.load()
    known = set(rules.category_ids)
    unknown = sorted(
        {m.category for m in labelled.messages if m.category and m.category not in known}
    )
    if unknown:
        raise SafeguardingEvalError(
            f"{file}: categories not in the rules: {', '.join(unknown)} "
            f"(known: {', '.join(rules.category_ids)})."
        )

    outcomes: list[MessageOutcome] = []
    slowest = 0.0
    for message in labelled.messages:
        started = time.perf_counter()
        result = rules.detect(message.text)
        slowest = max(slowest, (time.perf_counter() - started) * 1000)
        outcomes.append(
            MessageOutcome(
                id=message.id,
                text=message.text,
                expected=message.expected,
                category=message.category,
                flagged=result.flagged,
                detected_categories=list(result.categories),
                reason=result.reason,
                baseline_flagged=baseline_flag(message.text),
            )
        )

    def scores(name: str, flag: str) -> Scores:
        tp = sum(1 for o in outcomes if o.expected and getattr(o, flag))
        fn = sum(1 for o in outcomes if o.expected and not getattr(o, flag))
        fp = sum(1 for o in outcomes if not o.expected and getattr(o, flag))
        tn = sum(1 for o in outcomes if not o.expected and not getattr(o, flag))
        return Scores.from_counts(name, tp, fn, fp, tn)

    per_category: list[CategoryRecall] = []
    for category in rules.category_ids:
        rows = [o for o in outcomes if o.expected and o.category == category]
        if not rows:
            continue
        per_category.append(
            CategoryRecall(
                category=category,
                total=len(rows),
                caught=sum(o.flagged for o in rows),
                same_category=sum(category in o.detected_categories for o in rows),
                baseline_caught=sum(o.baseline_flagged for o in rows),
            )
        )
    return SafeguardingReport(
        path=str(file),
        total=len(outcomes),
        positives=sum(o.expected for o in outcomes),
        negatives=sum(not o.expected for o in outcomes),
        detector=scores("detector", "flagged"),
        baseline=scores("keyword baseline", "baseline_flagged"),
        per_category=per_category,
        misses=[o for o in outcomes if o.expected and not o.flagged],
        false_alarms=[o for o in outcomes if not o.expected and o.flagged],
        outcomes=outcomes,
        max_ms=round(slowest, 3),
    )


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def _quote(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return f'"{text if len(text) <= limit else text[: limit - 1] + "…"}"'


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        report = evaluate_safeguarding(args[0] if args else None)
    except GuidanceAssistantError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(report.render())
    return 0 if not report.misses else 1


if __name__ == "__main__":
    raise SystemExit(main())
