"""The spoken-style bank and test split, the flags, and that nothing is downloaded (issue 16).

The figures in the floors were measured once, on 2026-12-07 (see evals/README.md, "Skill
classifier"); the test split was never used to choose anything.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from guidance_assistant.practice.skill_flags import (
    FLAG_CUES,
    FlagDetector,
    flag_cues,
    load_flagged,
    names_source,
)
from guidance_assistant.practice.skills import (
    SKILL_FLAGS,
    SKILL_LABELS,
    CachingEmbedder,
    LabelledUtterance,
    SkillsDataError,
    load_utterances,
    read_utterance_file,
)
from guidance_assistant.practice.skills_eval import (
    FlagScores,
    SkillsReport,
    evaluate_flags_test,
    evaluate_test_split,
    load_test_split,
    spoken_test_split_path,
    spoken_texts,
)

#: Measured once on the test split, 2026-12-07: macro-F1 0.827 (0.680 at first contact, with the
#: classifier as it was before issue 16), against a majority baseline of 0.021.
TEST_MACRO_F1_FLOOR = 0.80
#: Each label's F1 on the test split is at least this (measured lowest: reflection 0.760).
TEST_LABEL_F1_FLOOR = 0.70
#: Flags on the test split, measured: no_source 0.658, stereotype 0.809, early_advice 0.571.
TEST_FLAG_F1_FLOOR = {"no_source": 0.60, "stereotype": 0.70, "early_advice": 0.50}

_GOOD = "utterances:\n" + "".join(
    f"  - {{label: {label}, text: 'turn {label} {i}'}}\n"
    for label in SKILL_LABELS
    for i in range(10)
)


def test_the_banks_hold_the_old_files_and_the_spoken_subfolder() -> None:
    utterances = load_utterances()
    spoken = spoken_texts()
    assert len(spoken) >= 1300
    assert len(utterances) >= 2150
    assert spoken <= {u.text for u in utterances}
    counts = Counter(u.label for u in utterances)
    assert set(counts) == set(SKILL_LABELS)
    assert max(counts.values()) <= 2 * min(counts.values())
    flagged = load_flagged()
    assert {u.text for u in flagged} == spoken
    assert {f for u in flagged for f in u.flags} == set(SKILL_FLAGS)
    assert any(u.also for u in flagged)


def test_the_test_split_is_apart_from_the_training_banks() -> None:
    test = load_test_split()
    assert len(test) >= 600
    assert {u.label for u in test} == set(SKILL_LABELS)
    # Written apart: only a few one-line backchannels ("Yeah.") occur in both.
    shared = {u.text for u in test} & {u.text for u in load_utterances()}
    assert len(shared) <= 5
    assert all(len(text.split()) <= 5 for text in shared)
    assert spoken_test_split_path().parent.name == "skills"


def test_loader_reads_subfolders_also_and_flags(tmp_path: Path) -> None:
    (tmp_path / "utterances-a.yaml").write_text(_GOOD, encoding="utf-8")
    (tmp_path / "spoken").mkdir()
    (tmp_path / "spoken" / "utterances-spoken-1.yaml").write_text(
        "utterances:\n"
        "  - {label: advice, also: [reflection], flags: [early_advice, stereotype],"
        " text: 'So you like kids. Teaching, then.', note: jumps ahead}\n",
        encoding="utf-8",
    )
    loaded = load_utterances(tmp_path)
    assert len(loaded) == 101
    spoken = [u for u in loaded if u.also]
    assert spoken == [
        LabelledUtterance(
            label="advice",
            also=("reflection",),
            flags=("early_advice", "stereotype"),
            text="So you like kids. Teaching, then.",
            note="jumps ahead",
        )
    ]


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ("{label: advice, also: [advice], text: 'Do it.'}", "repeats the main label"),
        ("{label: advice, also: [hint], text: 'Do it.'}", "also"),
        ("{label: advice, flags: [rude], text: 'Do it.'}", "flags"),
        ("{label: advice, flags: [no_source, no_source], text: 'Do it.'}", "a flag twice"),
        ("{label: advice, also: [other, other], text: 'Do it.'}", "a label twice"),
        ("{label: advice, text: 'Do it.', speaker: adviser}", "speaker"),
    ],
)
def test_loader_refuses_bad_also_and_flags(tmp_path: Path, item: str, reason: str) -> None:
    path = tmp_path / "spoken" / "utterances-bad.yaml"
    path.parent.mkdir()
    path.write_text(f"utterances:\n  - {item}\n", encoding="utf-8")
    with pytest.raises(SkillsDataError, match="not a valid utterances file") as error:
        read_utterance_file(path)
    assert reason in str(error.value)
    (tmp_path / "utterances-a.yaml").write_text(_GOOD, encoding="utf-8")
    with pytest.raises(SkillsDataError, match="not a valid utterances file"):
        load_utterances(tmp_path)


def test_a_text_in_two_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "utterances-a.yaml").write_text(_GOOD, encoding="utf-8")
    (tmp_path / "spoken").mkdir()
    (tmp_path / "spoken" / "utterances-b.yaml").write_text(
        "utterances:\n  - {label: other, text: 'Turn other 3'}\n", encoding="utf-8"
    )
    with pytest.raises(SkillsDataError, match="appears twice"):
        load_utterances(tmp_path)


@pytest.mark.parametrize(
    ("text", "sourced"),
    [
        ("According to the ONS, median pay is about £37,000.", True),
        ("The college website says the course needs five 4s.", True),
        ("On GOV.UK it lists the apprentice rate.", True),
        ("Plumbers earn loads, like forty grand.", False),
        ("Teachers earn about 30 grand.", False),
    ],
)
def test_a_named_source_is_recognised(text: str, sourced: bool) -> None:
    assert names_source(text) is sourced


def test_cues_read_groups_and_jumping_ahead() -> None:
    cues = dict(zip(FLAG_CUES, flag_cues("Girls usually do better on coursework."), strict=True))
    assert cues["group and generalising words together"] == 1.0
    early = dict(
        zip(FLAG_CUES, flag_cues("Oh, you like drawing? Architecture, then."), strict=True)
    )
    assert early["a short answer closed with 'then.'"] == 1.0
    assert early["names a source"] == 0.0


@pytest.fixture(scope="module")
def detector() -> FlagDetector:
    return FlagDetector().fit(load_flagged())


def test_the_issues_examples_are_flagged(detector: FlagDetector) -> None:
    unsourced, stereotype, sourced = detector.detect(
        [
            "Teachers earn about 30 grand.",
            "Girls who like talking to people are often good at that.",
            "According to the National Careers Service, teachers start on about £30,000.",
        ],
        ["closed_question", "affirmation", "information"],
    )
    assert "no_source" in unsourced
    assert "stereotype" in stereotype
    assert "no_source" not in sourced
    assert detector.detect(["", "  "]) == [(), ()]


@pytest.mark.slow
def test_test_split_floors() -> None:
    report: SkillsReport = evaluate_test_split()
    assert report.total == len(load_test_split())
    assert report.classifier.macro_f1 >= TEST_MACRO_F1_FLOOR
    assert min(s.f1 for s in report.classifier.per_label) >= TEST_LABEL_F1_FLOOR
    assert report.classifier.macro_f1 > report.baseline.macro_f1 + 0.5
    assert "measured only" in report.render()


@pytest.mark.slow
def test_flags_on_the_test_split() -> None:
    scores: FlagScores = evaluate_flags_test()
    for flag, floor in TEST_FLAG_F1_FLOOR.items():
        assert scores.f1(flag) >= floor, scores.render()


def test_nothing_is_downloaded(tmp_path: Path) -> None:
    """The classifier and the flag detector load and fit with every network call refused."""
    code = textwrap.dedent(
        """
        import socket
        def refuse(*args, **kwargs):
            raise OSError("network used")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        from guidance_assistant.practice.skills import SkillClassifier, load_utterances
        from guidance_assistant.practice.skill_flags import FlagDetector, load_flagged
        items = load_utterances()[::20]
        classifier = SkillClassifier().fit(items)
        print(classifier.predict(["So you feel stuck?"])[0].label)
        print(FlagDetector(classifier.embedder).fit(load_flagged()[::5]).detect(["Hi."]))
        """
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "HF_HOME": str(tmp_path / "hf"),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert not (tmp_path / "hf").exists() or not any((tmp_path / "hf").rglob("*.safetensors"))


@pytest.mark.slow
def test_a_practice_session_reports_the_issues_unsourced_claim() -> None:
    """'Teachers earn about 30 grand' is information without a source whatever its label."""
    from guidance_assistant.practice import PracticeSession

    session = PracticeSession("year11-undecided", seed=0)
    session.say("Teachers earn about 30 grand.")
    assert session.records[-1].unsourced_information
    assert session.feedback().unsourced_information_turns == [1]
    assert session.flags_of("Teachers earn about 30 grand.", "closed_question") == ("no_source",)


class _CountingEmbedder:
    name = "fake"
    dimension = 3

    def __init__(self) -> None:
        self.calls = 0

    def embed(self, texts: list[str], *, progress: bool = False) -> Any:
        self.calls += len(texts)
        return np.array([[len(t), 1.0, 0.0] for t in texts], dtype=np.float32)


def test_bank_vectors_are_kept_between_runs(tmp_path: Path) -> None:
    path = tmp_path / "models" / "skills-bank-vectors.npz"
    texts = ["So you feel stuck?", "Yeah."]
    first = CachingEmbedder(_CountingEmbedder())
    assert not first.restore(path, texts)
    first.persist(path, texts)
    assert path.is_file()
    inner = _CountingEmbedder()
    again = CachingEmbedder(inner)
    assert again.restore(path, texts)
    assert again.embed(texts).shape == (2, 3)
    assert inner.calls == 0  # read back, not embedded
    assert not CachingEmbedder(_CountingEmbedder()).restore(path, [*texts, "Right."])
    path.write_bytes(b"not a file of vectors")
    assert not CachingEmbedder(_CountingEmbedder()).restore(path, texts)
