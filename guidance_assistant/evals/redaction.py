"""The redaction eval: labelled transcript and note sentences, each with every piece of personal
data in it (``evals/redaction/``; its README gives the kinds and the counting rules).

The store's redactor is measured by its findings, which are exactly what ``redact_text``
replaces. A redactor that gives only its output text (the old pattern-based one, for the
baseline) is measured through :func:`text_redactor_spans`, which aligns its output with the
input (each placeholder such as ``[name]`` stands for the stretch it replaced). Counting:

- **recall**: a labelled span is found when every one of its characters is redacted (kind-blind:
  by any placeholder; kind-strict: by the placeholder of its own kind);
- **precision**: a redacted stretch is correct when it overlaps a labelled span of any kind
  (kind-strict: of the stretch's own kind); spill is the redacted characters outside every
  labelled span, counted apart;
- **keep words** (religions, nationalities, subjects, job titles, words that look like names):
  kept when none of their characters is redacted;
- **clean cases** (nothing to hide): unchanged.
"""

from __future__ import annotations

import difflib
import platform
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.paths import bundled_dir

Kind = Literal[
    "PERSON",
    "UK_PHONE",
    "UK_POSTCODE",
    "UK_NI_NUMBER",
    "NHS_NUMBER",
    "UPN",
    "ULN",
    "EMAIL",
    "STREET_ADDRESS",
    "DATE_OF_BIRTH",
]
KINDS: tuple[Kind, ...] = get_args(Kind)
#: The placeholder each kind is written as; the old redactor's five come first.
PLACEHOLDER_KINDS: dict[str, Kind] = {
    "[name]": "PERSON",
    "[phone]": "UK_PHONE",
    "[postcode]": "UK_POSTCODE",
    "[NI number]": "UK_NI_NUMBER",
    "[NHS number]": "NHS_NUMBER",
    "[UPN]": "UPN",
    "[ULN]": "ULN",
    "[email]": "EMAIL",
    "[address]": "STREET_ADDRESS",
    "[date of birth]": "DATE_OF_BIRTH",
}
SPLITS = ("dev", "test")

#: A redactor that gives only its output: text and the client's known names in, text out.
TextRedactor = Callable[[str, Sequence[str]], str]


class RedactionSetError(GuidanceAssistantError):
    """A labelled redaction file that is missing or malformed."""


class LabelledSpan(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1)
    kind: Kind
    occurrence: int = Field(default=1, ge=1)


class RedactionCase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    register_: str = Field(alias="register")
    text: str = Field(min_length=1)
    known_names: list[str] = Field(default_factory=list)
    spans: list[LabelledSpan] = Field(default_factory=list)
    keep: list[str] = Field(default_factory=list)

    def placed_spans(self) -> list[tuple[int, int, Kind]]:
        """(begin, end, kind) of every labelled span in ``text``."""
        placed = []
        for span in self.spans:
            where = _starts(self.text, span.text)
            if span.occurrence > len(where):
                raise RedactionSetError(
                    f"{self.id}: span {span.text!r} occurrence {span.occurrence} is not in the "
                    "text; run evals/redaction/check.py"
                )
            begin = where[span.occurrence - 1]
            placed.append((begin, begin + len(span.text), span.kind))
        return placed

    def placed_keep_words(self) -> list[tuple[str, list[tuple[int, int]]]]:
        """Each keep word with the places it stands as a whole word."""
        out = []
        for word in self.keep:
            places = [
                (b, b + len(word))
                for b in _starts(self.text, word)
                if _on_word_edges(self.text, b, b + len(word))
            ]
            out.append((word, places))
        return out


class RedactionSet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Literal[1]
    cases: list[RedactionCase]


def _starts(text: str, part: str) -> list[int]:
    found, at = [], text.find(part)
    while at != -1:
        found.append(at)
        at = text.find(part, at + 1)
    return found


def _on_word_edges(text: str, begin: int, end: int) -> bool:
    return (begin == 0 or not text[begin - 1].isalnum()) and (
        end == len(text) or not text[end].isalnum()
    )


def load_redaction_set(split: str = "dev", folder: Path | None = None) -> RedactionSet:
    """The labelled cases of ``split`` (``dev`` or ``test``) from ``folder`` (default:
    ``evals/redaction``)."""
    if split not in SPLITS:
        raise RedactionSetError(f"Unknown split {split!r}: use one of {', '.join(SPLITS)}.")
    path = (folder or bundled_dir("evals") / "redaction") / f"{split}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return RedactionSet.model_validate(data)
    except OSError as error:
        raise RedactionSetError(f"Cannot read the redaction cases {path}: {error}") from error
    except (yaml.YAMLError, ValidationError) as error:
        raise RedactionSetError(f"The redaction cases in {path} are not valid: {error}") from error


@dataclass(frozen=True)
class Stretch:
    """A stretch of the original text that the redactor replaced, and the kinds it wrote."""

    begin: int
    end: int
    kinds: frozenset[str]


#: A redactor under test: text and the client's known names in, the stretches it redacts out.
SpanFinder = Callable[[str, Sequence[str]], list[Stretch]]

_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDER_KINDS))
_PRIVATE = 0xE000  # placeholders become single private-use characters before aligning


def redacted_stretches(original: str, redacted: str) -> list[Stretch]:
    """The stretches of ``original`` that ``redacted`` replaced, for a redactor that gives only
    its output text (the old pattern-based one).

    The two are aligned character by character, each placeholder first turned into one
    private-use character that matches nothing in the original; a removed stretch that the
    alignment split around a stray matching character ("[email]." against
    "haddad.family@example.net.") is joined again. The alignment is a best reading of the
    output: where a placeholder stands next to text it could also have replaced, the boundary
    may be off by a character or two.
    """
    kinds_by_char: dict[str, str] = {}

    def mark(match: re.Match[str]) -> str:
        placeholder = match.group(0)
        char = chr(_PRIVATE + list(PLACEHOLDER_KINDS).index(placeholder))
        kinds_by_char[char] = PLACEHOLDER_KINDS[placeholder]
        return char

    marked = _PLACEHOLDER.sub(mark, redacted)
    matcher = difflib.SequenceMatcher(None, original, marked, autojunk=False)
    stretches: list[Stretch] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag not in ("replace", "delete") or i2 == i1:
            continue
        found = frozenset(kinds_by_char[c] for c in marked[j1:j2] if c in kinds_by_char)
        if not found and stretches and i1 - stretches[-1].end <= 2:
            last = stretches.pop()
            stretches.append(Stretch(last.begin, i2, last.kinds))
            continue
        stretches.append(Stretch(i1, i2, found or frozenset({"?"})))
    return stretches


def text_redactor_spans(redactor: TextRedactor) -> SpanFinder:
    """A span finder reading a text-only redactor's output (see :func:`redacted_stretches`)."""

    def find(text: str, names: Sequence[str]) -> list[Stretch]:
        return redacted_stretches(text, redactor(text, names))

    return find


def _store_redactor(text: str, names: Sequence[str]) -> list[Stretch]:
    from guidance_assistant.store.redaction import find_personal_data

    return [Stretch(f.start, f.end, frozenset({f.kind})) for f in find_personal_data(text, names)]


@dataclass
class KindFigures:
    """Counts for one kind (or for all kinds together)."""

    spans: int = 0
    found: int = 0
    found_strict: int = 0
    predicted: int = 0
    correct: int = 0
    correct_strict: int = 0

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def recall(self) -> float | None:
        return self._share(self.found, self.spans)

    @property
    def recall_strict(self) -> float | None:
        return self._share(self.found_strict, self.spans)

    @property
    def precision(self) -> float | None:
        return self._share(self.correct, self.predicted)

    @property
    def precision_strict(self) -> float | None:
        return self._share(self.correct_strict, self.predicted)


@dataclass
class CaseMiss:
    """One mistake, for the list under the table."""

    case_id: str
    what: str


@dataclass
class RedactionReport:
    """The figures of one run over one split."""

    split: str
    cases: int = 0
    by_kind: dict[str, KindFigures] = field(default_factory=dict)
    keep_words: int = 0
    keep_kept: int = 0
    clean_cases: int = 0
    clean_unchanged: int = 0
    spill_chars: int = 0
    misses: list[CaseMiss] = field(default_factory=list)

    @property
    def overall(self) -> KindFigures:
        total = KindFigures()
        for figures in self.by_kind.values():
            for name in ("spans", "found", "found_strict"):
                setattr(total, name, getattr(total, name) + getattr(figures, name))
        for figures in self.by_kind.values():
            for name in ("predicted", "correct", "correct_strict"):
                setattr(total, name, getattr(total, name) + getattr(figures, name))
        return total

    @property
    def keep_share(self) -> float | None:
        return self.keep_kept / self.keep_words if self.keep_words else None

    def render(self, *, misses: int = 0) -> str:
        """The per-kind table, the keep-word and clean-case shares, and the counting rules."""

        def f(value: float | None) -> str:
            return "   -" if value is None else f"{value:.3f}"

        lines = [
            f"Redaction eval, split {self.split}: {self.cases} cases",
            "A labelled span counts as found when the redactor removes all of its characters; a "
            "redacted stretch counts as correct when it overlaps a labelled span of any kind "
            "(strict: of its own kind).",
            "",
            f"{'kind':<16}{'spans':>6}{'recall':>8}{'strict':>8}{'redacted':>10}"
            f"{'precision':>11}{'strict':>8}",
        ]
        rows: list[tuple[str, KindFigures]] = [
            (kind, self.by_kind.get(kind, KindFigures())) for kind in KINDS
        ]
        other = self.by_kind.get("?")
        if other is not None:
            rows.append(("(unlabelled)", other))
        rows.append(("all kinds", self.overall))
        for name, figures in rows:
            lines.append(
                f"{name:<16}{figures.spans:>6}{f(figures.recall):>8}{f(figures.recall_strict):>8}"
                f"{figures.predicted:>10}{f(figures.precision):>11}"
                f"{f(figures.precision_strict):>8}"
            )
        lines += [
            "",
            f"keep words kept: {self.keep_kept}/{self.keep_words} ({f(self.keep_share)})",
            f"cases with nothing to hide left unchanged: {self.clean_unchanged}/{self.clean_cases}",
            f"spill (redacted characters outside every labelled span): {self.spill_chars}",
        ]
        if misses and self.misses:
            lines += ["", f"mistakes (first {min(misses, len(self.misses))}):"]
            lines += [f"  {m.case_id}: {m.what}" for m in self.misses[:misses]]
        return "\n".join(lines)


def _covered(stretches: Sequence[Stretch], begin: int, end: int, kind: str | None) -> bool:
    """Every character of [begin, end) lies in a stretch (of ``kind`` when given)."""
    chars = set(range(begin, end))
    for s in stretches:
        if kind is None or kind in s.kinds:
            chars -= set(range(s.begin, s.end))
    return not chars


def evaluate_redactor(redactor: SpanFinder, cases: RedactionSet, split: str) -> RedactionReport:
    """Run ``redactor`` on every case and count by the rules in the module docstring."""
    report = RedactionReport(split=split, by_kind={kind: KindFigures() for kind in KINDS})
    for case in cases.cases:
        report.cases += 1
        stretches = redactor(case.text, list(case.known_names))
        gold = case.placed_spans()
        for begin, end, kind in gold:
            figures = report.by_kind[kind]
            figures.spans += 1
            if _covered(stretches, begin, end, None):
                figures.found += 1
                figures.found_strict += _covered(stretches, begin, end, kind)
            else:
                report.misses.append(CaseMiss(case.id, f"missed {kind} {case.text[begin:end]!r}"))
        inside = set().union(*(set(range(b, e)) for b, e, _ in gold)) if gold else set()
        for stretch in stretches:
            shown = sorted(stretch.kinds)[0]
            figures = report.by_kind.setdefault(shown, KindFigures())
            figures.predicted += 1
            hits = [g for g in gold if g[0] < stretch.end and stretch.begin < g[1]]
            report.spill_chars += sum(
                1
                for i in range(stretch.begin, stretch.end)
                if i not in inside and not case.text[i].isspace()
            )
            if hits:
                figures.correct += 1
                figures.correct_strict += any(g[2] in stretch.kinds for g in hits)
            else:
                report.misses.append(
                    CaseMiss(
                        case.id,
                        f"redacted {case.text[stretch.begin : stretch.end]!r} as {shown}",
                    )
                )
        for word, places in case.placed_keep_words():
            report.keep_words += 1
            hurt = any(s.begin < e and b < s.end for b, e in places for s in stretches)
            report.keep_kept += not hurt
            if hurt:
                report.misses.append(CaseMiss(case.id, f"keep word {word!r} redacted"))
        if not case.spans:
            report.clean_cases += 1
            report.clean_unchanged += not stretches
    return report


def kind_counts(cases: RedactionSet) -> Counter[str]:
    """Labelled spans per kind."""
    return Counter(span.kind for case in cases.cases for span in case.spans)


def machine_note() -> str:
    """Today's date and the machine, for the record under a table."""
    return f"{date.today().isoformat()}, {platform.machine()} {platform.system()}"


def run_redaction_eval(
    split: str = "dev",
    *,
    redactor: SpanFinder | None = None,
    folder: Path | None = None,
    misses: int = 0,
) -> str:
    """``eval redaction``: the table for ``split``, measured on the store's redactor
    (:func:`guidance_assistant.store.redaction.find_personal_data`, the findings that
    ``redact_text`` replaces) unless another is given."""
    redactor = redactor or _store_redactor
    report = evaluate_redactor(redactor, load_redaction_set(split, folder), split)
    return report.render(misses=misses)
