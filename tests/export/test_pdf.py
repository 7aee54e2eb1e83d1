"""The one PDF writer: text outside Latin-1 is made plain or replaced (never a crash), the
layouts of documents and of Markdown reports, and files that read back."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from guidance_assistant import reports
from guidance_assistant.export import (
    Bullets,
    Document,
    Note,
    Paragraph,
    PdfGap,
    PdfHeading,
    PdfText,
    Section,
    Table,
    document_to_pdf,
    markdown_to_pdf,
    pdf_text,
    plain_pdf_text,
    write_pdf,
)
from guidance_assistant.export import pdf as export_pdf
from guidance_assistant.export.pdf import document_blocks, markdown_blocks

SAMPLE = "Zoë, £12,000, naïve, ‘quotes’, 日本"


def _page_count_from_bytes(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", data))


def _read_back(path: Path) -> tuple[int, str | None]:
    """The page count and (with pypdf) the text, whitespace collapsed; checks the header."""
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    try:
        from pypdf import PdfReader
    except ImportError:  # pypdf is a dependency; without it, count the page objects
        return _page_count_from_bytes(data), None
    reader = PdfReader(str(path))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


def test_text_the_core_font_cannot_draw_is_made_plain_or_replaced() -> None:
    assert plain_pdf_text(SAMPLE) == "Zoë, £12,000, naïve, 'quotes', ??"
    assert plain_pdf_text("a – b — “c” … • d → e\u00a0f") == 'a - b - "c" ... - d -> e f'
    assert pdf_text("✅ **Met** `x` __y__ ⚠️ “z”") == '[met] Met x y [not met] "z"'
    assert pdf_text("£ ë\u00a0") == "£ ë\u00a0"
    assert plain_pdf_text("🙂 \ud800 ✅") == "? ? ?"


def test_a_document_with_non_latin_text_is_written_and_read_back(tmp_path: Path) -> None:
    document = Document(
        title=f"Plan – {SAMPLE}",
        lead=(SAMPLE,),
        sections=(
            Section("Steps", (Table(("What", "Who"), (("Ask 日本 | now", "Zoë"),)),)),
            Section("Sources", (Bullets(("One 🙂",)),)),
            Section("Help", (Note("None yet."), Paragraph("Ask us."))),
        ),
    )
    path = document_to_pdf(document, tmp_path / "out" / "plan.pdf")
    assert path == tmp_path / "out" / "plan.pdf"
    pages, text = _read_back(path)
    assert pages == 1
    if text is not None:
        assert "Plan - Zoë, £12,000, naïve, 'quotes', ??" in text
        assert "1. Ask ?? | now" in text and "Who: Zoë." in text
        assert "- One ?" in text and "None yet." in text and "Ask us." in text


def test_markdown_with_non_latin_text_is_written_and_read_back(tmp_path: Path) -> None:
    markdown = f"# Report for {SAMPLE}\n\n## Skills\n\n- ✅ **Open questions**\n> Tip: {SAMPLE}\n"
    pages, text = _read_back(markdown_to_pdf(markdown, tmp_path / "report.pdf"))
    assert pages == 1
    if text is not None:
        assert "Report for Zoë, £12,000, naïve, 'quotes', ??" in text
        assert "- [met] Open questions" in text and "**" not in text
        assert f"Tip: {plain_pdf_text(SAMPLE)}" in text


def test_the_writer_never_fails_on_text_it_cannot_draw(tmp_path: Path) -> None:
    raw = f"{SAMPLE} 🙂 \ud800 \u200b ✅"
    blocks = [PdfHeading(raw, 16), PdfText(raw), PdfText(raw, "I", 10), PdfGap()]
    pages, text = _read_back(write_pdf(blocks, tmp_path / "raw.pdf"))
    assert pages == 1
    if text is not None:
        assert "Zoë, £12,000, naïve, ?quotes?, ?? ? ? ? ?" in text


def test_a_long_document_runs_over_several_pages(tmp_path: Path) -> None:
    lines = tuple(f"Line {n}: {SAMPLE}" for n in range(150))
    document = Document("Long", sections=(Section("Lines", (Bullets(lines),)),))
    path = document_to_pdf(document, tmp_path / "long.pdf")
    pages, text = _read_back(path)
    assert pages >= 3
    assert _page_count_from_bytes(path.read_bytes()) == pages
    if text is not None:
        assert "Line 0: Zoë" in text and "Line 149: Zoë" in text


def test_a_document_is_laid_out_as_headings_and_lines() -> None:
    document = Document(
        title="Your plan – Sam",
        lead=("Date: today",),
        sections=(
            Section("Talked about", (Bullets(("College", "Work")),)),
            Section("Steps", (Table(("What", "Who", "By when"), (("Look", "You", "Friday"),)),)),
            Section("Next time", (Note("No date set yet."),)),
        ),
    )
    assert document_blocks(document) == [
        PdfHeading("Your plan - Sam", 16),
        PdfText("Date: today"),
        PdfHeading("Talked about", 13),
        PdfText("- College"),
        PdfText("- Work"),
        PdfHeading("Steps", 13),
        PdfText("1. Look"),
        PdfText("    Who: You.  By when: Friday."),
        PdfHeading("Next time", 13),
        PdfText("No date set yet."),
    ]


def test_markdown_is_laid_out_as_headings_quotes_gaps_and_lines() -> None:
    markdown = "# One\n## Two\n### Three\n#### Four\n\n  > *quoted*\n- **bullet**  \n"
    assert markdown_blocks(markdown) == [
        PdfHeading("One", 16),
        PdfHeading("Two", 13),
        PdfHeading("Three", 11),
        PdfText("#### Four"),
        PdfGap(),
        PdfText("*quoted*", "I", 10),
        PdfText("- bullet"),
    ]


def test_every_pdf_goes_through_the_one_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from guidance_assistant.interview import ActionPlan
    from guidance_assistant.practice.review import export_report

    written: list[Path] = []
    real = export_pdf.write_pdf

    def recording(blocks: list[export_pdf.PdfBlock], path: str | Path) -> Path:
        written.append(Path(path))
        return real(blocks, path)

    monkeypatch.setattr(export_pdf, "write_pdf", recording)
    ActionPlan(session_date=date(2026, 3, 6), name="Zoë").to_pdf(tmp_path / "plan.pdf")
    reports.markdown_to_pdf("# Report", tmp_path / "report.pdf")
    export_report("# Practice", tmp_path / "practice.pdf")
    assert written == [tmp_path / "plan.pdf", tmp_path / "report.pdf", tmp_path / "practice.pdf"]
    assert reports.markdown_to_pdf is markdown_to_pdf and reports.pdf_text is pdf_text
