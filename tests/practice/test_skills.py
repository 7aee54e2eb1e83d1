"""The skill classifier: labelled set, rules, cross-validated quality and the ESConv check.

The bundled embedding model embeds each text once per test session (the default embedder keeps
every vector it has made), so cross-validation and the other checks reuse the same vectors.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import get_args

import pytest

from guidance_assistant.practice import SkillClassifier, SkillLabel, SkillPrediction, classify_skill
from guidance_assistant.practice.skills import (
    CONTENT_WORD,
    SKILL_LABELS,
    SkillsDataError,
    load_utterances,
    question_form,
    style_ngrams,
    style_tokens,
)
from guidance_assistant.practice.skills_eval import (
    ESCONV_SPLIT_SEED,
    SkillsReport,
    development_conversations,
    esconv_part,
    esconv_path,
    evaluate_esconv,
    evaluate_skills,
    load_esconv,
    load_mapping,
)

ESCONV = esconv_path()
#: Measured 2026-12-07 (issue 16): 5-fold CV macro-F1 0.843 over the 2,199 turns of both banks
#: (0.826 on the spoken bank's 1,331), against a majority baseline of 0.020.
CV_MACRO_F1_FLOOR = 0.80
#: Measured: every label's CV F1 is at least 0.755 (challenge, the hardest).
CV_LABEL_F1_FLOOR = 0.70
#: ESConv utterances scored in the test (stratified sample; the full 2,895 take minutes).
ESCONV_SAMPLE = 450
#: Measured on the whole held-out half: macro-F1 0.429 (issue 16's classifier; 0.439 before it,
#: with the question rules on and the old bank alone) against a majority baseline of 0.071.
ESCONV_HELD_OUT_FLOOR = 0.38


@pytest.fixture(scope="session")
def trained() -> SkillClassifier:
    return SkillClassifier().fit(load_utterances())


@pytest.fixture(scope="session")
def cv_report() -> SkillsReport:
    return evaluate_skills(folds=5, seed=0)


def test_labelled_set_is_large_and_balanced() -> None:
    utterances = load_utterances()
    counts = Counter(u.label for u in utterances)
    assert len(utterances) >= 2150
    assert set(counts) == set(SKILL_LABELS)
    assert min(counts.values()) >= 180
    assert max(counts.values()) <= 2 * min(counts.values())
    assert len(get_args(SkillLabel)) == 10


def test_malformed_set_is_refused(tmp_path: Path) -> None:
    (tmp_path / "utterances-bad.yaml").write_text(
        "utterances:\n  - {label: reflection, text: 'You feel stuck.', speaker: adviser}\n",
        encoding="utf-8",
    )
    with pytest.raises(SkillsDataError, match="not a valid utterances file"):
        load_utterances(tmp_path)
    (tmp_path / "utterances-bad.yaml").write_text(
        "utterances:\n  - {label: reflection, text: 'You feel stuck.'}\n", encoding="utf-8"
    )
    with pytest.raises(SkillsDataError, match="Too few"):
        load_utterances(tmp_path)
    with pytest.raises(SkillsDataError, match="No labelled utterances"):
        load_utterances(tmp_path / "missing")


def test_esconv_mapping_is_complete() -> None:
    mapping = load_mapping()
    assert set(mapping.ours_to_scoring) == set(SKILL_LABELS)
    assert mapping.ours_to_scoring["open_question"] == mapping.ours_to_scoring["closed_question"]
    assert mapping.ours_to_scoring["challenge"] is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("What are you hoping to do after college?", "open_question"),
        ("How do you feel about the apprenticeship idea?", "open_question"),
        ("Tell me about your last job.", "open_question"),
        ("Could you describe a typical day?", "open_question"),
        ("Okay, and why did you leave?", "open_question"),
        ("When you picture yourself at work, what are you doing?", "open_question"),
        ("Is the course in Sheffield?", "closed_question"),
        ("Did you get your results?", "closed_question"),
        ("did u send the form", "closed_question"),
        ("How many GCSEs did you take?", "closed_question"),
        ("What year did you leave school?", "closed_question"),
        ("Which college is it?", "closed_question"),
        ("Have you thought about the civil service?", "advice_question"),
        ("Why don't you ring them tomorrow?", "advice_question"),
        ("What about asking your manager?", "advice_question"),
        ("So you feel stuck?", None),
        ("You sound fed up with it all.", None),
        ("Have a look at the council's jobs page.", None),
        # Added for issue 4 (suggestions put as questions, elliptical questions, checks).
        ("Have you tried ringing the admissions team?", "advice_question"),
        ("Have you looked at the NHS jobs site?", "advice_question"),
        ("What if you asked for a trial shift?", "advice_question"),
        ("Would it help to write it down first?", "advice_question"),
        ("Could you maybe ask your tutor?", "advice_question"),
        ("Have you spoken to anyone at the college yet?", "closed_question"),
        ("Anything else on your mind today?", "closed_question"),
        ("Any luck with the agency?", "closed_question"),
        ("I'm sorry to hear that, what happened?", "open_question"),
        ("That sounds hard. Did they give you any feedback?", "closed_question"),
        ("how did ur mock exams go", "open_question"),
        ("Where do you see yourself in five years?", "open_question"),
        ("You're worried about the money. Am I right?", None),
        ("So you want to stay local, is that right?", None),
        ("So the plan is the CV first, then interview practice. How does that sound?", None),
        ("Shall we start with the application form?", None),
        ("Would you be happy for me to share this with the Jobcentre?", None),
        ("So you need the money, have to move out and it's all a bit much?", None),
    ],
)
def test_question_form_rules(text: str, kind: str | None) -> None:
    assert question_form(text).kind == kind


def test_rules_decide_open_and_closed_questions() -> None:
    # The rules are off by default (the same cues as features measured better); on request
    # they still decide the question form.
    assert not SkillClassifier().question_rules
    trained = SkillClassifier(question_rules=True).fit(load_utterances())
    texts = [
        "How do you feel about the apprenticeship idea?",
        "Is the course in Sheffield?",
        "What year did you leave school?",
        "Have you thought about the civil service?",
    ]
    predictions = trained.predict(texts)
    assert [(p.label, p.rule) for p in predictions] == [
        ("open_question", "open_question"),
        ("closed_question", "closed_question"),
        ("closed_question", "closed_question"),
        ("advice", "advice_question"),
    ]
    assert all(0.0 <= p.confidence <= 1.0 for p in predictions)


def test_a_questioning_reflection_and_a_challenge_are_not_questions(
    trained: SkillClassifier,
) -> None:
    reflection, challenge = trained.predict(
        [
            "So you're feeling a bit lost?",
            "You said you hate maths, but you want to be an accountant. How does that fit?",
        ]
    )
    assert reflection.label == "reflection"
    assert reflection.rule is None
    assert challenge.label == "challenge"


def test_empty_input_is_other() -> None:
    for text in ["", "   ", "\n\t"]:
        assert classify_skill(text) == SkillPrediction(label="other", confidence=1.0, rule="empty")
    # Empty texts need no model: an unfitted classifier answers without training.
    fresh = SkillClassifier()
    assert [p.rule for p in fresh.predict(["", " "])] == ["empty", "empty"]
    assert not fresh.is_fitted


def test_batch_equals_single_predictions(trained: SkillClassifier) -> None:
    texts = [
        "We've got half an hour today and everything you say is confidential.",
        "What would you like to get out of today?",
        "Well done for getting through the first round.",
        "",
        "So to sum up, you want to stay local, work with animals and start earning soon.",
        "Apprentices are paid at least the apprentice rate of the National Minimum Wage.",
        "Bye, take care!",
    ]
    batch = trained.predict(texts)
    singles = [trained.predict([text])[0] for text in texts]
    assert [p.label for p in batch] == [p.label for p in singles]
    assert [p.rule for p in batch] == [p.rule for p in singles]
    for one, other in zip(batch, singles, strict=True):
        assert one.confidence == pytest.approx(other.confidence, abs=1e-5)


def test_labels_can_be_restricted(trained: SkillClassifier) -> None:
    text = "You said you hate maths, but you want to be an accountant. How does that fit?"
    allowed: list[SkillLabel] = [label for label in SKILL_LABELS if label != "challenge"]
    restricted = trained.predict([text], labels=allowed)[0]
    assert restricted.label != "challenge"


@pytest.mark.slow
def test_cross_validated_macro_f1_beats_the_majority_baseline(cv_report: SkillsReport) -> None:
    assert cv_report.total == len(load_utterances())
    assert cv_report.classifier.macro_f1 >= CV_MACRO_F1_FLOOR
    assert cv_report.classifier.macro_f1 >= cv_report.baseline.macro_f1 + 0.5
    assert cv_report.classifier.accuracy > cv_report.baseline.accuracy
    assert sum(map(sum, cv_report.confusion)) == cv_report.total


@pytest.mark.slow
def test_every_label_is_learnt_in_cross_validation(cv_report: SkillsReport) -> None:
    scores = {s.label: s.f1 for s in cv_report.classifier.per_label}
    assert set(scores) == set(SKILL_LABELS)
    assert all(f1 > 0 for f1 in scores.values()), scores
    assert min(scores.values()) >= CV_LABEL_F1_FLOOR, scores


@pytest.mark.slow
def test_report_renders_a_table(cv_report: SkillsReport) -> None:
    text = cv_report.render()
    assert "macro-F1" in text
    assert "baseline" in text
    for label in SKILL_LABELS:
        assert label in text


def test_style_tokens_keep_the_move_and_blank_the_topic() -> None:
    assert style_tokens("I think you should ring the college") == [
        "i",
        CONTENT_WORD,
        "you",
        "should",
        CONTENT_WORD,
        "the",
        CONTENT_WORD,
    ]
    grams = style_ngrams("It sounds like you're exhausted")
    assert {"it sounds", "sounds _", "_ you're", "you're _"} <= grams
    assert "_ _" not in style_ngrams("Apprenticeship wages vary")


def test_style_features_can_be_switched_off(trained: SkillClassifier) -> None:
    plain = SkillClassifier(style_weight=0.0).fit(load_utterances())
    text = "I think you should ring the college tomorrow."
    assert plain.predict([text])[0].label == "advice"
    assert trained.predict([text])[0].label == "advice"


@pytest.mark.skipif(
    ESCONV is None, reason="../shared/eval-data/esconv/ is not beside this checkout"
)
def test_esconv_is_split_once_by_conversation() -> None:
    assert ESCONV is not None
    rows = load_esconv(ESCONV)
    development = esconv_part(rows, "development")
    held_out = esconv_part(rows, "held_out")
    assert len(development) + len(held_out) == len(rows) == len(esconv_part(rows, "all"))
    assert {r.conversation for r in development}.isdisjoint(r.conversation for r in held_out)
    assert abs(len(development) - len(held_out)) < 0.1 * len(rows)
    # The split is fixed (row order does not matter), and it is the one that was read while
    # the classifier was improved: 97 of the 195 conversations, 1,452 of the 2,895 utterances.
    assert development_conversations(rows) == development_conversations(list(reversed(rows)))
    assert development_conversations(rows, ESCONV_SPLIT_SEED) == frozenset(
        r.conversation for r in development
    )
    assert (len(development_conversations(rows)), len(development)) == (97, 1452)


@pytest.mark.skipif(
    ESCONV is None, reason="../shared/eval-data/esconv/ is not beside this checkout"
)
@pytest.mark.slow
def test_esconv_held_out_macro_f1_beats_its_majority_baseline(trained: SkillClassifier) -> None:
    report = evaluate_esconv(classifier=trained, part="held_out", sample=ESCONV_SAMPLE)
    assert abs(report.total - ESCONV_SAMPLE) <= len(load_mapping().esconv_to_scoring)
    assert report.classifier.macro_f1 >= ESCONV_HELD_OUT_FLOOR
    assert report.classifier.macro_f1 > report.baseline.macro_f1 + 0.25
    assert report.classifier.f1("question") > 0.6
    assert report.classifier.f1("advice") > 0.35
    rendered = report.render()
    assert "esconv_mapping.yaml" in rendered
    assert "held-out half" in rendered


def test_importing_the_package_does_not_load_torch() -> None:
    code = (
        "import sys, guidance_assistant.practice as p; "
        "assert p.classify_skill; "
        "assert 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
