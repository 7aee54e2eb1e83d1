"""Train the span head of the notes reader (:mod:`guidance_assistant.prepare.spans`).

``python -m guidance_assistant.prepare.spans_train`` (or ``make spans``) reads
``knowledge/notes/spans/*.yaml`` (never ``evals/brief``), cuts every clause into its candidate
phrases, labels each from the marked spans, chooses the regularisation by 5-fold cross-validation
grouped by clause (seed 0) and, per label, the lowest probability at which the spans it keeps are
right at least :data:`PRECISION_AIM` of the time out of fold (decoded as the reader decodes them),
refits on the whole bank and writes ``spans_model/``.
"""

from __future__ import annotations

import argparse
import hashlib
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from guidance_assistant.prepare.spans import (
    HEAD_LABELS,
    SPAN_LABELS,
    BankSpanClause,
    Candidate,
    MarkedSpan,
    SpanLabel,
    SpanWeights,
    _head_words,
    candidate_label,
    candidates,
    decode,
    feature_matrix,
    load_span_bank,
    span_bank_files,
)
from guidance_assistant.retrieval.embedding import Embedder

PRECISION_AIM = 0.8
FOLDS = 5
C_GRID = (0.25, 1.0, 4.0)
Probs = npt.NDArray[np.float64]


def _fit(x: npt.NDArray[np.float32], y: npt.NDArray[np.int64], c: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x, y)


def _out_of_fold(
    x: npt.NDArray[np.float32], y: npt.NDArray[np.int64], groups: npt.NDArray[np.int64], c: float
) -> Probs:
    from sklearn.model_selection import GroupKFold

    probs = np.zeros((len(y), len(HEAD_LABELS)))
    for train, test in GroupKFold(FOLDS).split(x, y, groups):
        model = _fit(x[train], y[train], c)
        probs[np.ix_(test, model.classes_)] = model.predict_proba(x[test])
    return probs


def _spans_found(
    bank: list[BankSpanClause],
    per_clause: list[list[Candidate]],
    probs: Probs,
    thresholds: dict[str, float],
) -> dict[str, tuple[int, int, int]]:
    """Per label: (right, found, marked) over the bank, decoded as the reader decodes."""
    counts = {label: [0, 0, 0] for label in SPAN_LABELS}
    k = 0
    for clause, cands in zip(bank, per_clause, strict=True):
        rows = probs[k : k + len(cands)]
        k += len(cands)
        for span in clause.spans:
            counts[span.label][2] += 1
        for reading in decode(clause.text, cands, rows, HEAD_LABELS, thresholds):
            counts[reading.label][1] += 1
            place = Candidate(reading.start, reading.end, reading.text, ())
            if candidate_label(place, clause.spans, clause.text) == reading.label:
                counts[reading.label][0] += 1
    return {label: (r, f, m) for label, (r, f, m) in counts.items()}


def _f1(right: int, found: int, marked: int) -> float:
    return 2 * right / (found + marked) if found + marked else 0.0


def _thresholds(
    bank: list[BankSpanClause], per_clause: list[list[Candidate]], probs: Probs
) -> dict[str, float]:
    """Per label, the lowest threshold whose out-of-fold precision reaches the aim."""
    chosen: dict[str, float] = {}
    for label in SPAN_LABELS:
        chosen[label] = 0.95
        for threshold in np.arange(0.30, 0.96, 0.01):
            trial: dict[str, float] = {str(other): 1.1 for other in SPAN_LABELS}
            trial[label] = float(threshold)
            right, found, _ = _spans_found(bank, per_clause, probs, trial)[label]
            if found and right / found >= PRECISION_AIM:
                chosen[label] = round(float(threshold), 2)
                break
    return chosen


def clause_bank_spans() -> list[BankSpanClause]:
    """The clause bank of :mod:`.clauses` (``knowledge/notes/clauses``, also written for this
    project) as marked clauses: each item of an interest, strength or idea clause that its text
    holds word for word is a span; the items of the other clauses are none."""
    from guidance_assistant.prepare.clauses import load_bank

    found: list[BankSpanClause] = []
    for clause in load_bank():
        spans: list[MarkedSpan] = []
        if clause.label in SPAN_LABELS:
            for item in clause.items:
                match = re.search(rf"(?<!\w){re.escape(item)}(?!\w)", clause.text, re.I)
                if match is None:
                    break
                spans.append(MarkedSpan(clause.label, match.start(), match.end()))
            else:
                found.append(BankSpanClause(clause.text, tuple(spans), "clauses"))
        else:
            found.append(BankSpanClause(clause.text, (), "clauses"))
    return found


_PROFILE_LABELS: tuple[tuple[str, SpanLabel], ...] = (
    ("ideas", "idea"),
    ("strengths", "strength"),
    ("interests", "interest"),
)
_KIN = re.compile(
    r"\b(?:mum|mother|dad|father|brother|sister|bro|sis|nan|gran|grandad|grandma|uncle|aunt|"
    r"auntie|cousin|stepdad|stepmum|parents?|carers?|partner|husband|wife|friends?|mates?)\b",
    re.I,
)


def profile_clauses(text: str, gold: Mapping[str, Sequence[str]]) -> list[BankSpanClause]:
    """A snippet of a profile bank (``evals/brief/profile-dev.yaml``: text with gold interests,
    strengths and ideas, ``a | b`` alternatives) as marked clauses: each gold item is marked
    where one of its wordings stands word for word (every clause not about someone else that
    holds it), else on the shortest candidate phrase it matches (``phrase_matches``); a clause
    holding the words of an item that could not be placed is left out (its candidates would be
    labelled none wrongly)."""
    from guidance_assistant.prepare.clauses import clause_segments
    from guidance_assistant.prepare.facts import phrase_matches

    clauses = [c for c in clause_segments(text) if 1 <= len(c.split()) <= 60]
    marks: list[list[MarkedSpan]] = [[] for _ in clauses]
    dropped: set[int] = set()

    def free(index: int, start: int, end: int) -> bool:
        return not any(start < m.end and m.start < end for m in marks[index])

    for field, label in _PROFILE_LABELS:
        for item in gold.get(field, ()):
            options = [o.strip() for o in item.split("|") if o.strip()]
            places: list[tuple[int, int, int]] = []
            for option in options:
                pattern = re.compile(rf"(?<!\w){re.escape(option)}(?!\w)", re.I)
                for index, clause in enumerate(clauses):
                    places += [(index, m.start(), m.end()) for m in pattern.finditer(clause)]
                if places:
                    break
            if not places:
                matched = [
                    (len(c.text), index, c.start, c.end)
                    for index, clause in enumerate(clauses)
                    for c in candidates(clause)
                    if any(phrase_matches(c.text, option) for option in options)
                ]
                places = [(i, a, b) for _, i, a, b in sorted(matched)[:1]]
            if not places:
                words = {w for o in options for w in re.findall(r"[a-z]{3,}", o.lower())}
                dropped.update(
                    i for i, clause in enumerate(clauses) if words & set(clause.lower().split())
                )
                continue
            own = [p for p in places if not _KIN.search(clauses[p[0]][: p[1]])] or places[:1]
            for index, start, end in own:
                if _head_words(clauses[index][start:end]) and free(index, start, end):
                    marks[index].append(MarkedSpan(label, start, end))
    return [
        BankSpanClause(clause, tuple(sorted(marks[i], key=lambda m: m.start)), "profile")
        for i, clause in enumerate(clauses)
        if i not in dropped
        and not re.search(r"[\[\]]", clause)
        and (marks[i] or len(clause.split()) > 3)  # no headings ("REFERRAL", "Yr 10")
    ]


def marked_text(clause: BankSpanClause) -> str:
    """A clause written back with ``[i:...]`` marks (the bank's format)."""
    letter = {"interest": "i", "strength": "s", "idea": "d"}
    out: list[str] = []
    position = 0
    for span in clause.spans:
        out += [
            clause.text[position : span.start],
            f"[{letter[span.label]}:{span.text(clause.text)}]",
        ]
        position = span.end
    out.append(clause.text[position:])
    return "".join(out)


PROFILE_SPANS_FILE = "spans-6-profile.yaml"


def write_profile_spans(bank: Path, folder: Path | None = None) -> Path:
    """The snippets of a profile bank written as a span file (:func:`profile_clauses`), with a
    header that says where they came from."""
    import yaml

    from guidance_assistant.paths import bundled_dir

    clauses: list[str] = []
    seen: set[str] = set()
    for snippet in yaml.safe_load(bank.read_text(encoding="utf-8"))["snippets"]:
        for clause in profile_clauses(str(snippet["text"]), snippet):
            key = " ".join(clause.text.lower().split())
            if key not in seen:
                seen.add(key)
                clauses.append(marked_text(clause))
    header = (
        f"# Note clauses with their spans marked, set 6: the snippets of {bank.as_posix()} (written\n"
        "# 2026-12-07 by a helper that never saw the notes reader; many styles), cut into clauses as\n"
        "# the span reader cuts notes, each gold interest [i:], strength [s:] and idea [d:] marked\n"
        "# where its words stand (python -m guidance_assistant.prepare.spans_train\n"
        "# --write-profile-bank; do not edit by hand). Never the labelled notes of evals/brief.\n"
    )
    body = yaml.safe_dump(
        {"style": "profile", "clauses": clauses}, allow_unicode=True, sort_keys=False, width=1000
    )
    path = (folder or bundled_dir("knowledge") / "notes" / "spans") / PROFILE_SPANS_FILE
    path.write_text(header + body, encoding="utf-8")
    return path


def train(embedder: Embedder, bank: list[BankSpanClause]) -> SpanWeights:
    per_clause = [candidates(clause.text) for clause in bank]
    x = feature_matrix(embedder, [c.text for c in bank], per_clause)
    y = np.asarray(
        [
            HEAD_LABELS.index(candidate_label(cand, clause.spans, clause.text))
            for clause, cands in zip(bank, per_clause, strict=True)
            for cand in cands
        ],
        dtype=np.int64,
    )
    groups = np.asarray([i for i, cands in enumerate(per_clause) for _ in cands], dtype=np.int64)
    by_c: dict[float, float] = {}
    oof: dict[float, Probs] = {}
    for c in C_GRID:
        oof[c] = _out_of_fold(x, y, groups, c)
        counts = _spans_found(bank, per_clause, oof[c], dict.fromkeys(map(str, SPAN_LABELS), 0.0))
        by_c[c] = float(np.mean([_f1(*counts[label]) for label in SPAN_LABELS]))
    c_best = max(by_c, key=lambda c: by_c[c])
    thresholds = _thresholds(bank, per_clause, oof[c_best])
    at = _spans_found(bank, per_clause, oof[c_best], thresholds)
    model = _fit(x, y, c_best)
    w = np.zeros((len(HEAD_LABELS), x.shape[1]), dtype=np.float32)
    b = np.full(len(HEAD_LABELS), -1e4, dtype=np.float32)
    w[model.classes_] = model.coef_
    b[model.classes_] = model.intercept_
    fingerprint = hashlib.sha256(
        "\n".join(f"{c.text}\t{c.spans}" for c in bank).encode("utf-8")
    ).hexdigest()[:12]
    card = {
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": "multinomial logistic regression (scikit-learn, balanced) over MiniLM "
        "embeddings of the phrase and its clause, with place features",
        "files": [p.name for p in span_bank_files()],
        "clauses": len(bank),
        "candidates": len(y),
        "spans": sum(len(c.spans) for c in bank),
        "fingerprint": fingerprint,
        "C": c_best,
        "cv_span_f1_by_C": {str(c): round(v, 4) for c, v in by_c.items()},
        "cv_at_thresholds": {
            label: {
                "precision": round(r / f, 4) if f else None,
                "recall": round(r / m, 4) if m else None,
            }
            for label, (r, f, m) in at.items()
        },
    }
    return SpanWeights(w=w, b=b, labels=HEAD_LABELS, thresholds=thresholds, card=card)


class CachedEmbedder:
    """An embedder that keeps its vectors in a file between runs (retraining after a change to
    the candidates or the bank embeds only the new texts)."""

    def __init__(self, embedder: Embedder, path: Path) -> None:
        self.embedder = embedder
        self.name = embedder.name
        self.dimension = embedder.dimension
        self.path = path
        self.vectors: dict[str, npt.NDArray[np.float32]] = {}
        if path.is_file():
            with np.load(path) as data:
                self.vectors = dict(zip(data["texts"].tolist(), data["vectors"], strict=True))

    def embed(self, texts: list[str], *, progress: bool = False) -> npt.NDArray[np.float32]:
        new = [t for t in dict.fromkeys(texts) if t not in self.vectors]
        if new:
            vectors = np.asarray(self.embedder.embed(new, progress=progress), dtype=np.float32)
            self.vectors.update(zip(new, vectors, strict=True))
            texts_all = list(self.vectors)
            np.savez(
                self.path,
                texts=np.asarray(texts_all),
                vectors=np.vstack([self.vectors[t] for t in texts_all]),
            )
        return np.vstack([self.vectors[t] for t in texts])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, help="a file to keep the embeddings in between runs")
    parser.add_argument(
        "--with-clause-bank", action="store_true", help="add knowledge/notes/clauses as spans"
    )
    parser.add_argument(
        "--write-profile-bank",
        type=Path,
        metavar="BANK",
        help="write a profile bank (evals/brief/profile-dev.yaml) as marked clauses to "
        f"knowledge/notes/spans/{PROFILE_SPANS_FILE} and stop",
    )
    args = parser.parse_args(argv)
    if args.write_profile_bank:
        path = write_profile_spans(args.write_profile_bank)
        print(f"wrote {path}")
        return 0
    from guidance_assistant.config import get_settings
    from guidance_assistant.retrieval.embedding import load_embedder

    bank = load_span_bank()
    if args.with_clause_bank:
        bank += clause_bank_spans()
    embedder: Embedder = load_embedder(get_settings().embedding_model)
    if args.cache:
        embedder = CachedEmbedder(embedder, args.cache)
    weights = train(embedder, bank)
    weights.save()
    print(f"trained on {len(bank)} clauses: {weights.card}")
    print(f"thresholds {weights.thresholds}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
