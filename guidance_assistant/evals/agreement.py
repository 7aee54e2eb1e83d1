"""Agreement of the scorers that stand in for human judgement with labelled sets.

* The **safeguarding** scorer trusts the engine's disclosure detector; its agreement with the
  labelled messages in ``evals/safeguarding/messages.yaml`` comes from
  :func:`~guidance_assistant.dialogue.safeguarding_eval.evaluate_safeguarding`.
* The **skill** labels (reflection, open/closed question, ...) are judged by the practice
  module's classifier; its agreement with ``knowledge/skills/`` comes from
  :func:`~guidance_assistant.practice.skills_eval.evaluate_skills` (cross-validation).

Each summary is a flat dict of accuracy, recall, precision and F1, stored in the run's header and
shown in the HTML report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def safeguarding_agreement(path: str | Path | None = None) -> dict[str, Any]:
    """The detector against the labelled messages: accuracy, recall, precision, F1, false
    alarms."""
    from guidance_assistant.dialogue.safeguarding_eval import evaluate_safeguarding

    report = evaluate_safeguarding(path)
    d = report.detector
    total = d.true_positives + d.false_negatives + d.false_positives + d.true_negatives
    return {
        "labelled_set": report.path,
        "messages": report.total,
        "accuracy": (d.true_positives + d.true_negatives) / total if total else 0.0,
        "recall": d.recall,
        "precision": d.precision,
        "f1": _f1(d.precision, d.recall),
        "false_alarm_rate": d.false_alarm_rate,
    }


def skills_agreement(
    folds: int = 5, seed: int = 0, *, embedder: Any | None = None
) -> dict[str, Any]:
    """The skill classifier's cross-validated agreement with the labelled utterances: accuracy,
    macro-F1 and the per-label recall and F1."""
    from guidance_assistant.practice.skills_eval import evaluate_skills

    report = evaluate_skills(folds, seed, embedder=embedder)
    scores = report.classifier
    summary: dict[str, Any] = {
        "labelled_set": report.source,
        "utterances": report.total,
        "accuracy": scores.accuracy,
        "macro_f1": scores.macro_f1,
        "baseline_macro_f1": report.baseline.macro_f1,
    }
    for label in scores.per_label:
        summary[f"recall_{label.label}"] = label.recall
        summary[f"f1_{label.label}"] = label.f1
    return summary


def agreement_report(*, skills: bool = True, embedder: Any | None = None) -> dict[str, Any]:
    """Both summaries (the skills one only when ``skills``: it embeds every utterance)."""
    out: dict[str, Any] = {"safeguarding": safeguarding_agreement()}
    if skills:
        out["skill_classifier"] = skills_agreement(embedder=embedder)
    return out


def render_agreement(agreement: dict[str, Any]) -> str:
    lines = ["Agreement of scorers with labelled sets"]
    for name, values in agreement.items():
        cells = ", ".join(
            f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in values.items()
        )
        lines.append(f"  {name}: {cells}")
    return "\n".join(lines)
