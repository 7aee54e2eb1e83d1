"""The one PDF writer, in Unicode: names in any script read back from the file, Arabic is
shaped, characters no font has are boxes or markers (never a crash), the layouts of documents and
of Markdown reports, and every PDF the app writes goes through it."""

from __future__ import annotations

import io
import re
from collections import Counter
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

SAMPLE = "Zoë, £12,000, naïve, ‘quotes’ – “dashes” — Łukasz"
#: Names from the tester's report, in Polish, Vietnamese, Turkish, Arabic and Urdu.
NAMES = ("Łukasz Wiśniewski", "Nguyễn Thị Hương", "Şükrü Öztürk", "محمد", "عائشہ")
RIGHT_TO_LEFT = ("محمد", "عائشہ")


def _page_count_from_bytes(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", data))


def _read_back(path: Path) -> tuple[int, str]:
    """The page count and the text (pypdf), whitespace collapsed; checks the header."""
    from pypdf import PdfReader

    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    reader = PdfReader(str(path))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


def _glyph_names(path: Path) -> dict[str, list[str]]:
    """The glyphs of each font embedded in the first page, by font name."""
    from fontTools.ttLib import TTFont
    from pypdf import PdfReader

    found: dict[str, list[str]] = {}
    fonts = PdfReader(str(path)).pages[0]["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        descendant = font["/DescendantFonts"][0].get_object()
        data = descendant["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
        found[str(font["/BaseFont"])] = TTFont(io.BytesIO(data)).getGlyphOrder()
    return found


def _has_letters(text: str, name: str) -> bool:
    """Whether ``text`` holds every letter of ``name`` as often as the name does.

    pypdf gives right-to-left words in the order it finds the glyphs, which is the visual order
    for the letters of one font and may put a letter drawn by another font elsewhere in the
    word (Urdu's ہ, which DejaVu Sans lacks, comes out first). The letters themselves are what
    must survive, so the test counts them rather than comparing strings.
    """
    return not Counter(name) - Counter(text)


def _between(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


def test_the_text_for_the_pdf_keeps_every_letter() -> None:
    assert plain_pdf_text(SAMPLE) == SAMPLE
    for name in NAMES:
        assert plain_pdf_text(name) == name
    assert plain_pdf_text("a\tb\x00c\x07\nd \ud800") == "a bc\nd \ufffd"
    assert pdf_text("✅ **Met** `x` __y__ ❌ ⚠️ “z”") == "✔ Met x y ✘ ⚠️ “z”"


@pytest.mark.parametrize("name", NAMES)
def test_a_name_in_any_script_is_read_back_from_the_plan(name: str, tmp_path: Path) -> None:
    document = Document(
        title=f"Your careers action plan – {name}",
        lead=(f"Prepared with {name}.",),
        sections=(
            Section("Steps", (Table(("What", "Who"), ((f"Email {name}", name),)),)),
            Section("Help", (Note("None yet."), Paragraph("Ask us."), Bullets(("One 🙂",)))),
        ),
    )
    pages, text = _read_back(document_to_pdf(document, tmp_path / "plan.pdf"))
    assert pages == 1 and "Help None yet. Ask us. - One 🙂" in text
    if name in RIGHT_TO_LEFT:
        parts = _between(text, "plan –", "Prepared"), _between(text, "with", "Steps")
        parts += (_between(text, "Email", "Who:"), _between(text, "Who:", "Help"))
        assert all(_has_letters(part, name) for part in parts), text
    else:
        assert f"Your careers action plan – {name}" in text
        assert f"1. Email {name} Who: {name}." in text


@pytest.mark.parametrize("name", NAMES)
def test_a_name_in_any_script_is_read_back_from_a_report(name: str, tmp_path: Path) -> None:
    markdown = f"# Report for {name}\n\n- ✅ **Open questions**\n- ⚠️ {name}\n> Tip: {name}\n"
    _, text = _read_back(markdown_to_pdf(markdown, tmp_path / "report.pdf"))
    assert "✔ Open questions" in text and "**" not in text
    if name in RIGHT_TO_LEFT:
        # the heading (bold), the bullet and the quote (oblique, which falls back to regular);
        # a line whose first letter is Arabic reads right to left, marks and all
        parts = _between(text, "Report for", "✔"), _between(text, "questions", "Tip:")
        parts += (text.split("Tip:")[1],)
        assert all(_has_letters(part, name) for part in parts), text
    else:
        assert f"Report for {name}" in text and f"Tip: {name}" in text


def test_arabic_is_shaped_into_joined_letters(tmp_path: Path) -> None:
    path = write_pdf([PdfText("محمد")], tmp_path / "shaped.pdf")
    glyphs = {glyph for names in _glyph_names(path).values() for glyph in names}
    # HarfBuzz picks DejaVu's contextual forms: meem initial, hah medial, dal final;
    # without shaping the isolated letters (uni0645, uni062D, uni062F) would be drawn.
    assert {"uniFEE3", "uniFEA4", "uniFEAA"} <= glyphs
    assert not {"uni0645", "uni062D", "uni062F"} & glyphs


def test_urdu_letters_dejavu_lacks_are_drawn_by_the_packaged_arabic_font(tmp_path: Path) -> None:
    path = write_pdf([PdfText("عائشہ")], tmp_path / "urdu.pdf")
    names = _glyph_names(path)
    assert any("NotoSansArabic" in font for font in names), names  # ہ drawn by Noto...
    assert not any("LastResort" in font for font in names)  # ...not as a box
    glyphs = {glyph for font in names.values() for glyph in font}
    # the whole word from one font, shaped: heh goal in its final (joined) form, not isolated
    assert "uniFBA7" in glyphs and "uni06C1" not in glyphs, glyphs


def test_characters_no_font_has_are_kept_as_visible_boxes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fonts = export_pdf._fonts()  # as on a machine with no fallback font at all
    monkeypatch.setattr(
        export_pdf, "_fonts", lambda: export_pdf._Fonts(fonts.faces, (), fonts.last_resort)
    )
    raw = "日本 🙂 ok"
    path = write_pdf([PdfText(raw)], tmp_path / "boxes.pdf")
    _, text = _read_back(path)
    assert fonts.last_resort is not None  # matplotlib ships it
    assert raw in text  # the text layer keeps the characters...
    assert any("LastResort" in name for name in _glyph_names(path))  # ...drawn as boxes


def test_without_last_resort_a_marker_stands_for_what_cannot_be_drawn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fonts = export_pdf._fonts()
    monkeypatch.setattr(
        export_pdf, "_fonts", lambda: export_pdf._Fonts(fonts.faces, (), last_resort=None)
    )
    raw = "Zoë 日本 \ud800 ⚠\ufe0f \U000e0100 ok"
    _, text = _read_back(write_pdf([PdfText(raw), PdfText(raw, "I")], tmp_path / "marker.pdf"))
    assert text.count("Zoë \ufffd\ufffd \ufffd ⚠") == 2 and "ok" in text


def test_the_writer_never_fails_on_text_it_cannot_draw(tmp_path: Path) -> None:
    raw = f"{SAMPLE} 🙂 \ud800 \u200b ✅ \x00\x1b[31m \U000e0001"
    blocks = [PdfHeading(raw, 16), PdfText(raw), PdfText(raw, "I", 10), PdfGap()]
    pages, text = _read_back(write_pdf(blocks, tmp_path / "raw.pdf"))
    assert pages == 1
    assert text.count(SAMPLE) == 3


def test_a_long_document_runs_over_several_pages(tmp_path: Path) -> None:
    lines = tuple(f"Line {n}: {SAMPLE}" for n in range(150))
    document = Document("Long", sections=(Section("Lines", (Bullets(lines),)),))
    path = document_to_pdf(document, tmp_path / "long.pdf")
    pages, text = _read_back(path)
    assert pages >= 3
    assert _page_count_from_bytes(path.read_bytes()) == pages
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
        PdfHeading("Your plan – Sam", 16),
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


def test_no_module_outside_export_writes_pdf_itself() -> None:
    from guidance_assistant.paths import REPO_ROOT

    package = REPO_ROOT / "guidance_assistant"
    writers = [
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if re.search(r"^\s*(?:from|import)\s+fpdf\b", path.read_text(encoding="utf-8"), re.M)
    ]
    assert writers == ["export/pdf.py"]


def test_only_the_fonts_a_document_needs_are_embedded(tmp_path: Path) -> None:
    latin = _glyph_names(write_pdf([PdfHeading("Plan"), PdfText("Łukasz")], tmp_path / "a.pdf"))
    assert len(latin) == 2 and all("DejaVuSans" in name for name in latin)  # regular and bold
    # an oblique line in Arabic borrows DejaVu Sans regular, whose Arabic the oblique lacks
    quoted = _glyph_names(write_pdf([PdfText("محمد", "I")], tmp_path / "b.pdf"))
    assert sorted("Oblique" in name for name in quoted) == [False, True], quoted
