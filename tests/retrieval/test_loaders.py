from pathlib import Path

import pytest

from guidance_assistant.errors import DocumentError
from guidance_assistant.retrieval.loaders import load_file, load_paths


def test_markdown_front_matter_gives_title_type_and_citation(tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    note.write_text(
        "---\ntitle: Routes at 16\ndoc_type: framework\npublisher: Us\nyear: 2026\n"
        "sources:\n  - title: Guide\n    publisher: DfE\n    year: 2023\n---\n"
        "# Routes at 16\n## T Levels\nTwo-year courses.\n",
        encoding="utf-8",
    )
    doc = load_file(note)
    assert (doc.title, doc.doc_type, doc.publisher, doc.year) == (
        "Routes at 16",
        "framework",
        "Us",
        2026,
    )
    assert doc.source == "note.md"
    assert doc.metadata["cites"] == "Guide (DfE, 2023)"
    assert doc.text.lstrip().startswith("# Routes at 16")


def test_invalid_front_matter_is_a_clear_problem(tmp_path: Path) -> None:
    note = tmp_path / "bad.md"
    note.write_text("---\ntitel: typo\n---\ntext\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="front matter"):
        load_file(note)


def test_plain_text_headings_are_detected(tmp_path: Path) -> None:
    txt = tmp_path / "guide.txt"
    txt.write_text(
        "Understanding the benchmarks\nThe benchmarks describe what good careers provision "
        "looks like in a school, and they are widely used.\n",
        encoding="utf-8",
    )
    assert "## Understanding the benchmarks" in load_file(txt).text


def test_html_keeps_text_and_headings_and_drops_scripts(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Local labour market</title><script>alert('x')</script></head>"
        "<body><h2>Growing sectors</h2><p>Health and social care is growing.</p></body></html>",
        encoding="utf-8",
    )
    doc = load_file(page)
    assert doc.title == "Local labour market"
    assert "## Growing sectors" in doc.text
    assert "Health and social care is growing." in doc.text
    assert "alert" not in doc.text


def test_pdf_text_is_extracted(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(
        0, 8, "Apprenticeships in the local area.\nEngineering firms take apprentices at 16."
    )
    path = tmp_path / "local.pdf"
    pdf.output(str(path))
    doc = load_file(path)
    assert "Engineering firms take apprentices at 16." in doc.text


def test_unusable_files_are_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "junk.txt").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (tmp_path / "good.md").write_text("# Good\nSome useful text.\n", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    documents, problems = load_paths([tmp_path, tmp_path / "missing.md", tmp_path / "image.png"])
    assert [d.source for d in documents] == ["good.md"]
    reasons = {p.path.name: p.message for p in problems}
    assert reasons["empty.txt"] == "the file is empty."
    assert "binary" in reasons["junk.txt"]
    assert "PDF" in reasons["broken.pdf"]
    assert "no such file" in reasons["missing.md"]
    assert "not supported" in reasons["image.png"]


@pytest.mark.skipif(
    not Path(__file__).resolve().parents[2].joinpath("knowledge", "sources.yaml").exists(),
    reason="knowledge/sources.yaml not written yet",
)
def test_shared_sources_take_their_titles_from_the_catalogue() -> None:
    from tests.conftest import SHARED_SOURCES

    if SHARED_SOURCES is None:
        pytest.skip("../shared/sources is not beside this checkout")
    documents, problems = load_paths([SHARED_SOURCES])
    assert not problems
    assert all(doc.doc_type == "framework" for doc in documents)
    assert all(not doc.title[:3].isdigit() for doc in documents)
