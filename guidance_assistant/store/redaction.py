"""Redaction of personal details in transcripts before they are stored (``GA_REDACT_TRANSCRIPTS``).

Built on Microsoft Presidio: an ``AnalyzerEngine`` finds the personal data and an
``AnonymizerEngine`` writes a placeholder over each finding. Presidio runs on a blank spaCy
English pipeline (a tokeniser and its stop words, no trained model: nothing is downloaded) with
only this project's recognisers:

- structured identifiers (:mod:`guidance_assistant.store.redaction_identifiers`): UK phone
  numbers ``[phone]``, postcodes ``[postcode]``, National Insurance numbers ``[NI number]``,
  NHS numbers ``[NHS number]``, Unique Pupil Numbers ``[UPN]``, Unique Learner Numbers ``[ULN]``,
  email addresses ``[email]``, street addresses ``[address]`` and dates of birth
  ``[date of birth]``, each by pattern, check digit or letter, and context words;
- people's names ``[name]`` (:mod:`guidance_assistant.text.names`): the client's
  known names in every form, a gazetteer of names of many origins, and cues, with words that
  are never names kept (``knowledge/redaction/*.yaml``).

The engine is built once per process (:func:`analyzer`). How well it does is measured on a
labelled set by ``guidance-assistant eval redaction`` (see ``evals/README.md``); it still
misses some names said in passing, so say so to the service when switching it on.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from guidance_assistant.interview.state import SessionState
from guidance_assistant.text.names import NameData, find_names, load_name_data

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine, RecognizerResult
    from presidio_anonymizer import AnonymizerEngine

#: The placeholder written for each kind of personal data.
PLACEHOLDER_BY_KIND: dict[str, str] = {
    "PERSON": "[name]",
    "EMAIL": "[email]",
    "UK_PHONE": "[phone]",
    "STREET_ADDRESS": "[address]",
    "UK_POSTCODE": "[postcode]",
    "UK_NI_NUMBER": "[NI number]",
    "NHS_NUMBER": "[NHS number]",
    "UPN": "[UPN]",
    "ULN": "[ULN]",
    "DATE_OF_BIRTH": "[date of birth]",
}
PLACEHOLDERS = tuple(PLACEHOLDER_BY_KIND.values())
#: A finding scoring below this is left in the text.
THRESHOLD = 0.4

# Keys of a SessionState dump whose strings are people's words (citations are left alone:
# they are the knowledge base's passages, whose helpline numbers must stay).
_FREE_TEXT_KEYS = frozenset(
    {
        "text",
        "gist",
        "label",
        "view_text",
        "source_text",
        "what",
        "who",
        "notes",
        "reason",
        "cleared_note",
        "next_contact",
        "suggested_action",
        "pending_reason",
        "agenda",
    }
)


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: where it is, its kind, how sure, and what found it."""

    start: int
    end: int
    kind: str
    score: float
    reason: str


def _build_analyzer() -> AnalyzerEngine:
    import spacy
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from spacy.tokens import Doc

    from guidance_assistant.store.redaction_identifiers import identifier_recognisers

    class BlankEnglishEngine(SpacyNlpEngine):
        """Presidio's spaCy engine on ``spacy.blank("en")``: tokens and stop words, no model
        to download; a token's lower-case text stands in for its lemma."""

        def load(self) -> None:
            self.nlp = {"en": spacy.blank("en")}  # type: ignore[assignment]

        def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> Any:
            artifacts = super()._doc_to_nlp_artifact(doc, language)
            artifacts.lemmas = [token.lower_ for token in doc]
            artifacts.keywords = artifacts.set_keywords(self, artifacts.lemmas, language)
            return artifacts

    nlp_engine = BlankEnglishEngine(models=[{"lang_code": "en", "model_name": "blank:en"}])
    nlp_engine.load()
    registry = RecognizerRegistry(supported_languages=["en"])
    for recogniser in identifier_recognisers():
        registry.add_recognizer(recogniser)
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=["en"],
        default_score_threshold=THRESHOLD,
        context_aware_enhancer=LemmaContextAwareEnhancer(
            context_prefix_count=6, context_suffix_count=0, context_matching_mode="whole_word"
        ),
    )


@functools.lru_cache(maxsize=1)
def analyzer() -> AnalyzerEngine:
    """The Presidio analyser with this module's recognisers, built once per process."""
    return _build_analyzer()


@functools.lru_cache(maxsize=1)
def _anonymizer() -> AnonymizerEngine:
    from presidio_anonymizer import AnonymizerEngine

    return AnonymizerEngine()  # type: ignore[no-untyped-call]


def _names_recogniser(known: Sequence[str], data: NameData) -> Any:
    """An ad hoc Presidio recogniser for this call's names (it knows the client's names)."""
    from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult

    class NameRecogniser(LocalRecognizer):
        def load(self) -> None:
            pass

        def analyze(
            self, text: str, entities: list[str], nlp_artifacts: Any = None
        ) -> list[RecognizerResult]:
            results = []
            for span in find_names(text, known, data):
                explanation = AnalysisExplanation(
                    recognizer="names", original_score=span.score, textual_explanation=span.reason
                )
                results.append(
                    RecognizerResult(
                        "PERSON",
                        span.start,
                        span.end,
                        span.score,
                        analysis_explanation=explanation,
                        recognition_metadata={
                            RecognizerResult.RECOGNIZER_NAME_KEY: "names",
                            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                        },
                    )
                )
            return results

    return NameRecogniser(supported_entities=["PERSON"], name="names", supported_language="en")


def _reason(result: RecognizerResult) -> str:
    explanation = result.analysis_explanation
    if explanation is None:
        return ""
    parts = [explanation.textual_explanation or explanation.pattern_name or explanation.recognizer]
    if explanation.supportive_context_word:
        parts.append(f"context '{explanation.supportive_context_word}'")
    return ", ".join(p for p in parts if p)


def _resolve(findings: list[Finding]) -> list[Finding]:
    """Overlapping findings: an identifier wins over a name (a name inside an email address or a
    street), then the surest, then the longest."""
    kept: list[Finding] = []
    order = sorted(
        findings, key=lambda f: (f.kind == "PERSON", -f.score, -(f.end - f.start), f.start)
    )
    for finding in order:
        if all(finding.end <= k.start or k.end <= finding.start for k in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


def find_personal_data(text: str, names: Iterable[str] = ()) -> list[Finding]:
    """Every piece of personal data in ``text`` (``names``: the client's known names), each with
    the rule that found it, in text order, without overlaps."""
    if not text.strip():
        return []
    known = [n for n in names if n and n.strip()]
    results = analyzer().analyze(
        text=text,
        language="en",
        ad_hoc_recognizers=[_names_recogniser(known, load_name_data())],
        score_threshold=THRESHOLD,
        return_decision_process=True,
    )
    return _resolve([Finding(r.start, r.end, r.entity_type, r.score, _reason(r)) for r in results])


def redact_text(text: str, names: Iterable[str] = ()) -> str:
    """``text`` with each piece of personal data replaced by its placeholder (``[name]``,
    ``[phone]``, ``[NI number]``...)."""
    from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

    findings = find_personal_data(text, names)
    if not findings:
        return text
    operators = {
        kind: OperatorConfig("replace", {"new_value": placeholder})
        for kind, placeholder in PLACEHOLDER_BY_KIND.items()
    }
    result = _anonymizer().anonymize(
        text=text,
        analyzer_results=[RecognizerResult(f.kind, f.start, f.end, f.score) for f in findings],
        operators=operators,
    )
    return str(result.text)


def _walk(value: Any, names: list[str], key: str | None) -> Any:
    if isinstance(value, dict):
        return {k: _walk(v, names, k) for k, v in value.items() if k != "citations"} | (
            {"citations": value["citations"]} if "citations" in value else {}
        )
    if isinstance(value, list):
        return [_walk(item, names, key) for item in value]
    if isinstance(value, str) and key in _FREE_TEXT_KEYS:
        return redact_text(value, names)
    return value


def redact_state(state: SessionState, names: Iterable[str] = ()) -> SessionState:
    """A copy of ``state`` with the people's words redacted and the profile's name removed."""
    known = [n for n in [*names, state.profile.name] if n]
    data = state.model_dump(mode="json")
    data = _walk(data, known, None)
    data["profile"]["name"] = None
    return SessionState.model_validate(data)
