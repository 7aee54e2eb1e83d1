"""Measure the skill classifier three ways: cross-validated on our banks, on a test split, on ESConv.

:func:`evaluate_skills` runs stratified k-fold cross-validation of the whole pipeline (rules and
classifier, fitted on the training folds only) over ``knowledge/skills/utterances*.yaml`` and scores
it next to a majority-class baseline (the most frequent label of each training fold).

:func:`evaluate_esconv` trains on our set only and labels the ESConv test supporter utterances
(``../shared/eval-data/esconv/``, CC BY-NC 4.0, read at run time), scoring through the mapping in
``knowledge/skills/esconv_mapping.yaml``, next to the majority class of ESConv itself. ESConv is
split once, by conversation (seed :data:`ESCONV_SPLIT_SEED`), into a development half, which may
be read for error analysis, and a held-out half, which is only scored; the report gives the whole
set and both halves, and says which was read.

:func:`evaluate_test_split` trains on the banks and scores the spoken-style test split
(``evals/skills/test-spoken.yaml``, written apart, before any training, and never tuned on).
:func:`evaluate_flags_cv` and :func:`evaluate_flags_test` score the flags (no source, stereotype,
early advice) cross-validated on the spoken bank and on the test split.

Run ``guidance-assistant eval skills`` (or ``python -m guidance_assistant.practice.skills_eval``)
to print every table.
"""

from __future__ import annotations

import csv
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, NamedTuple, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.paths import bundled_dir, shared_dir
from guidance_assistant.practice.skill_flags import FLAGGED_SUBFOLDER, FlagDetector, load_flagged
from guidance_assistant.practice.skills import (
    SKILL_FLAGS,
    SKILL_LABELS,
    LabelledUtterance,
    SkillClassifier,
    SkillLabel,
    SkillsDataError,
    default_embedder,
    load_utterances,
    normalise,
    read_utterance_file,
    skills_dir,
    utterance_files,
)
from guidance_assistant.retrieval.embedding import Embedder

ESCONV_FILE = "esconv_test_supporter_utterances.csv"
#: The spoken-style test split inside ``evals/skills`` (measured on, never trained or tuned on).
TEST_SPLIT_FILE = "test-spoken.yaml"
#: The spoken-style training bank inside ``knowledge/skills``.
SPOKEN_SUBFOLDER = FLAGGED_SUBFOLDER
ESCONV_STRATEGIES: tuple[str, ...] = (
    "Question",
    "Restatement or Paraphrasing",
    "Reflection of feelings",
    "Self-disclosure",
    "Affirmation and Reassurance",
    "Providing Suggestions",
    "Information",
    "Others",
)
#: The column of the confusion matrix for predictions with no scoring class (ESConv: challenge).
NO_COUNTERPART = "(none)"
#: Seed of the one split of ESConv's conversations into a development and a held-out half.
ESCONV_SPLIT_SEED = 4
EsconvPart = Literal["all", "development", "held_out"]
ESCONV_PART_TITLES: dict[EsconvPart, str] = {
    "all": "all",
    "development": "development half",
    "held_out": "held-out half",
}
ESCONV_PART_NOTES: dict[EsconvPart, str] = {
    "all": "the whole set: its development half was read for error analysis while the "
    "classifier was improved, so this figure is not a clean held-out measure",
    "development": f"the development half (half of the conversations, seed {ESCONV_SPLIT_SEED}): "
    "read for error analysis while the classifier, its rules and our labelled set were "
    "improved, so this figure is optimistic",
    "held_out": f"the held-out half (the other conversations, seed {ESCONV_SPLIT_SEED}): never "
    "read while improving the classifier; this is the figure to quote",
}


class SkillsEvalError(GuidanceAssistantError):
    """The evaluation data are missing or malformed."""


class EsconvMapping(BaseModel):
    """``knowledge/skills/esconv_mapping.yaml``: both label sets onto shared scoring classes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scoring_classes: list[str] = Field(min_length=2)
    esconv_to_scoring: dict[str, str]
    ours_to_scoring: dict[SkillLabel, str | None]

    @model_validator(mode="after")
    def _complete_and_consistent(self) -> EsconvMapping:
        classes = set(self.scoring_classes)
        if set(self.esconv_to_scoring) != set(ESCONV_STRATEGIES):
            raise ValueError(f"esconv_to_scoring must map exactly {list(ESCONV_STRATEGIES)}")
        if set(self.ours_to_scoring) != set(SKILL_LABELS):
            raise ValueError(f"ours_to_scoring must map exactly {list(SKILL_LABELS)}")
        unknown = {
            v for v in [*self.esconv_to_scoring.values(), *self.ours_to_scoring.values()] if v
        } - classes
        if unknown:
            raise ValueError(f"mapped to classes not in scoring_classes: {sorted(unknown)}")
        return self


class LabelScores(BaseModel):
    """Precision, recall and F1 of one label."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    support: int
    precision: float
    recall: float
    f1: float


class MethodScores(BaseModel):
    """How one method (the classifier or a baseline) did over every label."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    macro_f1: float = Field(description="Unweighted mean of the per-label F1 over the labels.")
    accuracy: float
    per_label: list[LabelScores]

    def f1(self, label: str) -> float:
        return next(s.f1 for s in self.per_label if s.label == label)


class SkillsReport(BaseModel):
    """The result of :func:`evaluate_skills` or :func:`evaluate_esconv`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    source: str
    total: int
    labels: list[str] = Field(description="The scored labels: rows of the confusion matrix.")
    columns: list[str] = Field(description="Predicted labels: columns of the confusion matrix.")
    classifier: MethodScores
    baseline: MethodScores
    confusion: list[list[int]]
    rules_fired: dict[str, int]
    notes: list[str] = Field(default_factory=list)
    seconds: float

    def render(self) -> str:
        """A plain-text table of the scores and the confusion matrix."""
        width = max(len(label) for label in [*self.labels, "accuracy", "macro-F1"]) + 2
        lines = [self.title, f"source: {self.source} ({self.total} utterances)", ""]
        lines.append(
            f"{'label':<{width}}{'support':>8}{'precision':>11}{'recall':>8}{'F1':>7}"
            f"{'baseline F1':>13}"
        )
        for scores in self.classifier.per_label:
            lines.append(
                f"{scores.label:<{width}}{scores.support:>8}{scores.precision:>11.3f}"
                f"{scores.recall:>8.3f}{scores.f1:>7.3f}{self.baseline.f1(scores.label):>13.3f}"
            )
        lines.append(
            f"{'macro-F1':<{width}}{'':>27}{self.classifier.macro_f1:>7.3f}"
            f"{self.baseline.macro_f1:>13.3f}"
        )
        lines.append(
            f"{'accuracy':<{width}}{'':>27}{self.classifier.accuracy:>7.3f}"
            f"{self.baseline.accuracy:>13.3f}"
        )
        lines.append(f"baseline: {self.baseline.name}")
        fired = ", ".join(f"{rule} {n}" for rule, n in sorted(self.rules_fired.items()))
        lines.append(f"rules fired: {fired or 'none'}")
        lines += ["", "confusion (rows: true label, columns: predicted)"]
        short = [c[:6] for c in self.columns]
        lines.append(" " * width + "".join(f"{c:>7}" for c in short))
        for label, row in zip(self.labels, self.confusion, strict=True):
            lines.append(f"{label:<{width}}" + "".join(f"{n:>7}" for n in row))
        lines += [f"note: {note}" for note in self.notes]
        lines.append(f"({self.seconds:.1f} s)")
        return "\n".join(lines)


def score(
    name: str, gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> MethodScores:
    """Per-label precision, recall and F1 over ``labels``, their macro mean, and accuracy.

    A prediction outside ``labels`` counts against the recall of its true label only.
    """
    per_label: list[LabelScores] = []
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
        n_pred = sum(1 for p in predicted if p == label)
        n_gold = sum(1 for g in gold if g == label)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label.append(
            LabelScores(label=label, support=n_gold, precision=precision, recall=recall, f1=f1)
        )
    correct = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p)
    return MethodScores(
        name=name,
        macro_f1=sum(s.f1 for s in per_label) / len(per_label),
        accuracy=correct / len(gold) if gold else 0.0,
        per_label=per_label,
    )


def _confusion(
    gold: Sequence[str], predicted: Sequence[str], rows: Sequence[str], columns: Sequence[str]
) -> list[list[int]]:
    counts = Counter(zip(gold, predicted, strict=True))
    return [[counts[(r, c)] for c in columns] for r in rows]


def stratified_folds(labels: Sequence[str], folds: int, seed: int) -> list[int]:
    """The fold (0..folds-1) of each item: each label's items shuffled and dealt round-robin."""
    rng = random.Random(seed)
    fold_of = [0] * len(labels)
    offset = 0
    for label in sorted(set(labels)):
        members = [i for i, value in enumerate(labels) if value == label]
        rng.shuffle(members)
        for position, index in enumerate(members):
            fold_of[index] = (offset + position) % folds
        offset += len(members)
    return fold_of


def _stratified_sample(labels: Sequence[str], size: int, seed: int) -> list[int]:
    """Indices of about ``size`` items drawn in proportion to each label, in original order."""
    rng = random.Random(seed)
    chosen: list[int] = []
    for label in sorted(set(labels)):
        members = [i for i, value in enumerate(labels) if value == label]
        take = max(1, round(size * len(members) / len(labels)))
        chosen.extend(rng.sample(members, min(take, len(members))))
    return sorted(chosen)


def _majority(labels: Sequence[str], order: Sequence[str]) -> str:
    counts = Counter(labels)
    return max(order, key=lambda label: (counts[label], -order.index(label)))


def evaluate_skills(
    folds: int = 5,
    seed: int = 0,
    *,
    utterances: Sequence[LabelledUtterance] | None = None,
    embedder: Embedder | None = None,
) -> SkillsReport:
    """Stratified ``folds``-fold cross-validation of rules + classifier on our labelled set."""
    started = time.perf_counter()
    if folds < 2:
        raise SkillsEvalError("Cross-validation needs at least two folds.")
    items = list(utterances) if utterances is not None else load_utterances()
    embedder = embedder if embedder is not None else default_embedder()
    gold: list[str] = [u.label for u in items]
    fold_of = stratified_folds(gold, folds, seed)
    predicted: list[str] = [""] * len(items)
    baseline: list[str] = [""] * len(items)
    baseline_labels: list[str] = []
    rules: Counter[str] = Counter()
    for fold in range(folds):
        train = [u for u, f in zip(items, fold_of, strict=True) if f != fold]
        test = [i for i, f in enumerate(fold_of) if f == fold]
        classifier = SkillClassifier(embedder).fit(train)
        majority = _majority([u.label for u in train], SKILL_LABELS)
        baseline_labels.append(majority)
        for index, prediction in zip(
            test, classifier.predict([items[i].text for i in test]), strict=True
        ):
            predicted[index] = prediction.label
            baseline[index] = majority
            rules[prediction.rule or "none (classifier)"] += 1
    labels = list(SKILL_LABELS)
    notes: list[str] = []
    spoken = spoken_texts() if utterances is None else frozenset()
    if spoken:
        part = [i for i, u in enumerate(items) if u.text in spoken]
        spoken_scores = score(
            "spoken part",
            [gold[i] for i in part],
            [predicted[i] for i in part],
            labels,
        )
        notes.append(
            f"the spoken-style bank's {len(part)} turns alone (knowledge/skills/spoken/): "
            f"macro-F1 {spoken_scores.macro_f1:.3f}, accuracy {spoken_scores.accuracy:.3f}"
        )
    return SkillsReport(
        title=f"Skill classifier: {folds}-fold stratified cross-validation (seed {seed})",
        source=str(skills_dir() if utterances is None else "given utterances"),
        total=len(items),
        labels=labels,
        columns=labels,
        classifier=score(classifier_name(), gold, predicted, labels),
        baseline=score(
            f"majority class of each training fold ({', '.join(sorted(set(baseline_labels)))})",
            gold,
            baseline,
            labels,
        ),
        confusion=_confusion(gold, predicted, labels, labels),
        rules_fired=dict(rules),
        notes=notes,
        seconds=time.perf_counter() - started,
    )


def classifier_name(classifier: SkillClassifier | None = None) -> str:
    """How the classifier decides, for the reports."""
    rules = (classifier or SkillClassifier()).question_rules
    return "embeddings + cues + function-word n-grams, logistic regression" + (
        " + question rules" if rules else ""
    )


def spoken_texts() -> frozenset[str]:
    """The texts of the spoken-style bank (``knowledge/skills/spoken/``)."""
    folder = skills_dir() / SPOKEN_SUBFOLDER
    return frozenset(u.text for path in utterance_files(folder) for u in read_utterance_file(path))


def spoken_test_split_path() -> Path:
    """The spoken-style test split, ``evals/skills/test-spoken.yaml``."""
    return bundled_dir("evals") / "skills" / TEST_SPLIT_FILE


def load_test_split(path: Path | None = None) -> list[LabelledUtterance]:
    """The test split's turns, validated like the training banks (never used for training)."""
    path = path if path is not None else spoken_test_split_path()
    try:
        return read_utterance_file(path)
    except SkillsDataError as error:
        raise SkillsEvalError(str(error)) from error


def evaluate_test_split(
    path: Path | None = None,
    *,
    classifier: SkillClassifier | None = None,
    embedder: Embedder | None = None,
) -> SkillsReport:
    """Train on the banks only and label the test split (written before any training, by a
    writer who never saw the classifier; nothing was tuned on it)."""
    started = time.perf_counter()
    path = path if path is not None else spoken_test_split_path()
    items = load_test_split(path)
    training = load_utterances()
    if classifier is None:
        classifier = SkillClassifier(embedder if embedder is not None else default_embedder())
        classifier.fit(training)
    known = {normalise(u.text) for u in training}
    shared = [u.text for u in items if normalise(u.text) in known]
    predictions = classifier.predict([u.text for u in items])
    gold = [u.label for u in items]
    predicted = [p.label for p in predictions]
    labels = list(SKILL_LABELS)
    majority = _majority([u.label for u in training], SKILL_LABELS)
    also_hits = sum(
        1 for u, p in zip(items, predicted, strict=True) if p != u.label and p in u.also
    )
    return SkillsReport(
        title="Skill classifier on the spoken-style test split (trained on the banks only)",
        source=str(path),
        total=len(items),
        labels=labels,
        columns=labels,
        classifier=score(classifier_name(classifier), gold, predicted, labels),
        baseline=score(
            f"majority class of the training banks ({majority})",
            gold,
            [majority] * len(gold),
            labels,
        ),
        confusion=_confusion(gold, predicted, labels, labels),
        rules_fired=dict(Counter(p.rule or "none (classifier)" for p in predictions)),
        notes=[
            "measured only: no threshold, setting or model was chosen by looking at this file",
            f"{also_hits} of the misses name a move the turn also makes (its 'also' field)",
            f"{len(shared)} short turns were written in the training banks too, independently "
            f"({', '.join(repr(t) for t in shared[:5])}); they are scored like the rest",
        ],
        seconds=time.perf_counter() - started,
    )


class FlagScores(BaseModel):
    """Precision, recall and F1 of each flag (:data:`~.skills.SkillFlag`) on one set."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    total: int
    per_flag: list[LabelScores]
    notes: list[str] = Field(default_factory=list)

    def f1(self, flag: str) -> float:
        return next(s.f1 for s in self.per_flag if s.label == flag)

    def render(self) -> str:
        lines = [self.title, f"({self.total} turns)", ""]
        lines.append(f"{'flag':<14}{'support':>8}{'precision':>11}{'recall':>8}{'F1':>7}")
        for s in self.per_flag:
            lines.append(
                f"{s.label:<14}{s.support:>8}{s.precision:>11.3f}{s.recall:>8.3f}{s.f1:>7.3f}"
            )
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)


def _flag_scores(
    title: str,
    gold: Sequence[Sequence[str]],
    predicted: Sequence[Sequence[str]],
    notes: list[str],
) -> FlagScores:
    per_flag: list[LabelScores] = []
    for flag in SKILL_FLAGS:
        g = [flag in x for x in gold]
        p = [flag in x for x in predicted]
        tp = sum(1 for a, b in zip(g, p, strict=True) if a and b)
        precision = tp / sum(p) if any(p) else 0.0
        recall = tp / sum(g) if any(g) else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_flag.append(
            LabelScores(label=flag, support=sum(g), precision=precision, recall=recall, f1=f1)
        )
    return FlagScores(title=title, total=len(gold), per_flag=per_flag, notes=notes)


def evaluate_flags_cv(
    folds: int = 5, seed: int = 0, *, embedder: Embedder | None = None
) -> FlagScores:
    """Cross-validated flags on the spoken bank (the turns whose flags were annotated); the
    ``no_source`` rule reads each turn's gold skill here, the classifier's in use."""
    items = load_flagged()
    embedder = embedder if embedder is not None else default_embedder()
    fold_of = stratified_folds([u.label for u in items], folds, seed)
    predicted: list[tuple[str, ...]] = [() for _ in items]
    for fold in range(folds):
        train = [u for u, f in zip(items, fold_of, strict=True) if f != fold]
        test = [i for i, f in enumerate(fold_of) if f == fold]
        detector = FlagDetector(embedder).fit(train)
        found = detector.detect([items[i].text for i in test], [items[i].label for i in test])
        for index, flags in zip(test, found, strict=True):
            predicted[index] = flags
    return _flag_scores(
        f"Flags: {folds}-fold cross-validation on the spoken bank (seed {seed})",
        [u.flags for u in items],
        predicted,
        ["the no_source rule is given each turn's true skill (in use: the classifier's)"],
    )


def evaluate_flags_test(
    path: Path | None = None,
    *,
    classifier: SkillClassifier | None = None,
    embedder: Embedder | None = None,
) -> FlagScores:
    """Flags on the test split, trained on the spoken bank, with the classifier's skills."""
    embedder = embedder if embedder is not None else default_embedder()
    items = load_test_split(path)
    if classifier is None:
        classifier = SkillClassifier(embedder).fit(load_utterances())
    texts = [u.text for u in items]
    skills = [p.label for p in classifier.predict(texts)]
    found = FlagDetector(embedder).fit(load_flagged()).detect(texts, skills)
    return _flag_scores(
        "Flags on the spoken-style test split (trained on the spoken bank)",
        [u.flags for u in items],
        found,
        ["measured only: nothing was tuned on this file"],
    )


def load_mapping(path: Path | None = None) -> EsconvMapping:
    """The ESConv label mapping (default: the bundled ``esconv_mapping.yaml``)."""
    path = path if path is not None else skills_dir() / "esconv_mapping.yaml"
    try:
        return EsconvMapping.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise SkillsEvalError(f"{path} is not a valid ESConv mapping: {error}") from error


def esconv_path() -> Path | None:
    """The ESConv test utterances beside this checkout, when present."""
    folder = shared_dir("eval-data")
    path = folder / "esconv" / ESCONV_FILE if folder is not None else None
    return path if path is not None and path.is_file() else None


class EsconvUtterance(NamedTuple):
    """One supporter utterance of the ESConv CSV."""

    conversation: str
    text: str
    strategy: str


def load_esconv(path: Path) -> list[EsconvUtterance]:
    """Each supporter utterance in the ESConv CSV (columns ``conv_idx``, ``text``, ``strategy``)."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        raise SkillsEvalError(f"Cannot read {path}: {error}") from error
    if not rows or not {"conv_idx", "text", "strategy"} <= set(rows[0]):
        raise SkillsEvalError(f"{path} needs the columns 'conv_idx', 'text' and 'strategy'.")
    unknown = {row["strategy"] for row in rows} - set(ESCONV_STRATEGIES)
    if unknown:
        raise SkillsEvalError(f"{path} has unknown strategies: {sorted(unknown)}")
    return [EsconvUtterance(row["conv_idx"], row["text"], row["strategy"]) for row in rows]


def _conversation_key(conversation: str) -> tuple[int, str]:
    return (int(conversation), "") if conversation.isdigit() else (-1, conversation)


def development_conversations(
    rows: Sequence[EsconvUtterance], seed: int = ESCONV_SPLIT_SEED
) -> frozenset[str]:
    """The conversations of the development half of ESConv: half of them, drawn with ``seed``.

    The split is by conversation, so no conversation has turns on both sides. The development
    half may be read for error analysis; the other half (held out) is only scored.
    """
    conversations = sorted({row.conversation for row in rows}, key=_conversation_key)
    random.Random(seed).shuffle(conversations)
    return frozenset(conversations[: len(conversations) // 2])


def esconv_part(
    rows: Sequence[EsconvUtterance], part: EsconvPart, seed: int = ESCONV_SPLIT_SEED
) -> list[EsconvUtterance]:
    """The rows of one part of ESConv: ``all``, ``development`` or ``held_out``."""
    if part == "all":
        return list(rows)
    development = development_conversations(rows, seed)
    wanted = part == "development"
    return [row for row in rows if (row.conversation in development) == wanted]


def evaluate_esconv(
    path: Path | None = None,
    *,
    classifier: SkillClassifier | None = None,
    embedder: Embedder | None = None,
    mapping: EsconvMapping | None = None,
    part: EsconvPart = "all",
    sample: int | None = None,
    seed: int = 0,
) -> SkillsReport:
    """Label the ESConv test supporter utterances with a classifier trained on our set only.

    The classifier answers with the labels that have an ESConv counterpart (it is never asked
    for ``challenge``, which ESConv annotators could not choose); the macro-F1 it would get
    with all ten labels is given in the notes. ``part`` scores the whole set, its development
    half (read while improving the classifier) or its held-out half (never read; see
    :func:`development_conversations`). ``sample`` scores a stratified random sample of that
    many utterances of the part (``seed``) instead of all of them, for quick checks.
    """
    started = time.perf_counter()
    path = path if path is not None else esconv_path()
    if path is None:
        raise SkillsEvalError(
            f"ESConv is not beside this checkout (../shared/eval-data/esconv/{ESCONV_FILE})."
        )
    mapping = mapping if mapping is not None else load_mapping()
    rows = esconv_part(load_esconv(path), part)
    whole_part = len(rows)
    if sample is not None and sample < len(rows):
        keep = _stratified_sample([row.strategy for row in rows], sample, seed)
        rows = [rows[i] for i in keep]
    if classifier is None:
        classifier = SkillClassifier(embedder if embedder is not None else default_embedder())
        classifier.fit(load_utterances())
    texts = [row.text for row in rows]
    allowed = [label for label, s in mapping.ours_to_scoring.items() if s is not None]
    predictions = classifier.predict(texts, labels=allowed)
    gold = [mapping.esconv_to_scoring[row.strategy] for row in rows]
    predicted = [mapping.ours_to_scoring[p.label] or NO_COUNTERPART for p in predictions]
    labels = list(mapping.scoring_classes)
    all_labels = [
        mapping.ours_to_scoring[p.label] or NO_COUNTERPART for p in classifier.predict(texts)
    ]
    unrestricted = score("all ten labels", gold, all_labels, labels)
    majority = _majority(gold, labels)
    rules = Counter(p.rule or "none (classifier)" for p in predictions)
    merged = {
        scoring: sorted(label for label, s in mapping.ours_to_scoring.items() if s == scoring)
        for scoring in labels
    }
    notes = [
        "trained on our labelled set only; ESConv strategies and our labels are both mapped "
        "onto the scoring classes of knowledge/skills/esconv_mapping.yaml",
        "merged: "
        + "; ".join(f"{s} = {' + '.join(ours)}" for s, ours in merged.items() if len(ours) > 1),
        ESCONV_PART_NOTES[part],
    ]
    unmapped = sorted(label for label, s in mapping.ours_to_scoring.items() if s is None)
    if unmapped:
        notes.append(
            f"no ESConv counterpart, so not offered to the classifier: {', '.join(unmapped)}; "
            f"with all ten labels (those counted as misses) macro-F1 is "
            f"{unrestricted.macro_f1:.3f}, accuracy {unrestricted.accuracy:.3f}"
        )
    if len(rows) < whole_part:
        notes.append(f"a stratified sample of {len(rows)} utterances (seed {seed})")
    return SkillsReport(
        title=f"Skill classifier on ESConv test supporter utterances, {ESCONV_PART_TITLES[part]} "
        "(mapped labels)",
        source=str(path),
        total=len(rows),
        labels=labels,
        columns=[*labels, NO_COUNTERPART],
        classifier=score("trained on our set, labels mapped", gold, predicted, labels),
        baseline=score(
            f"majority class of ESConv itself ({majority})", gold, [majority] * len(gold), labels
        ),
        confusion=_confusion(gold, predicted, labels, [*labels, NO_COUNTERPART]),
        rules_fired=dict(rules),
        notes=notes,
        seconds=time.perf_counter() - started,
    )


def skills_report_text() -> str:
    """Every evaluation as printed text: cross-validation on the banks, the spoken-style test
    split, then ESConv whole, development half and held-out half (ESConv is skipped, with a
    line, when absent), then the flags (cross-validated and on the test split)."""
    embedder = default_embedder()
    parts = [evaluate_skills(embedder=embedder).render()]
    classifier = SkillClassifier(embedder).fit(load_utterances())
    parts.append(evaluate_test_split(classifier=classifier).render())
    if esconv_path() is None:
        parts.append("ESConv: skipped, ../shared/eval-data/esconv/ is not beside this checkout.")
    else:
        for part in get_args(EsconvPart):
            parts.append(evaluate_esconv(classifier=classifier, part=part).render())
    parts.append(evaluate_flags_cv(embedder=embedder).render())
    parts.append(evaluate_flags_test(classifier=classifier, embedder=embedder).render())
    return "\n\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    """Print :func:`skills_report_text`."""
    del argv
    try:
        print(skills_report_text())
    except GuidanceAssistantError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
