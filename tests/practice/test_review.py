"""The supervisor's view: annotated transcript, comments, and the exported report."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidance_assistant.practice import PracticeError, PracticeSession, SkillPrediction


def _labels(text: str) -> SkillPrediction:
    label = "open_question" if text.lower().startswith(("what", "tell", "how")) else "advice"
    return SkillPrediction(label=label, confidence=1.0, rule="test")


@pytest.fixture
def session() -> PracticeSession:
    practice = PracticeSession("year11-undecided", seed=3, skill_of=_labels)
    practice.say("What would you like to get out of today?")
    practice.say("You should just do A levels.")
    return practice


def test_each_trainee_turn_is_annotated_with_skill_tip_and_comments(
    session: PracticeSession,
) -> None:
    session.add_comment("Good opener: it hands her the agenda.", turn=1, author="Ms Rahman")
    session.add_comment("Advice came before her criteria were known.", turn=2)
    session.add_comment("Overall: slow down and reflect more.")
    text = session.transcript_markdown()
    assert "### Turn 1" in text and "### Turn 2" in text
    assert "(open question)" in text and "(advice)" in text
    assert text.count("> Tip:") == 2
    assert "> Comment from Ms Rahman: Good opener" in text
    assert "> Comment from supervisor: Advice came before" in text
    assert "## Supervisor's comments" in text and "slow down" in text
    turn2 = text.split("### Turn 2")[1]
    assert "Try:" in turn2  # a better move was open after premature advice


def test_bad_comments_are_refused_in_plain_words(session: PracticeSession) -> None:
    with pytest.raises(PracticeError, match="empty"):
        session.add_comment("   ")
    with pytest.raises(PracticeError, match="no turn 9"):
        session.add_comment("x", turn=9)
    assert session.comments == []


def test_report_exports_as_markdown_and_pdf(session: PracticeSession, tmp_path: Path) -> None:
    session.add_comment("Try a reflection here — “so nobody asks you”.", turn=2)
    markdown = session.export(tmp_path / "report.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Practice session with Maisie")
    assert "## Transcript" in markdown and "so nobody asks you" in markdown
    pdf = session.export(tmp_path / "report.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 1500
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(str(pdf)).pages)
    assert "Practice session with Maisie" in text and "Turn 2" in text
    with pytest.raises(PracticeError, match=r"\.md or \.pdf"):
        session.export(tmp_path / "report.docx")
