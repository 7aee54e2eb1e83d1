from guidance_assistant.retrieval.chunking import chunk_document
from guidance_assistant.sources import Document


def _doc(text: str) -> Document:
    return Document(doc_id="d", title="Title", text=text, doc_type="user", source="d.md")


def test_chunks_keep_title_section_and_position() -> None:
    text = "# Title\nIntro words here.\n\n## Pay\nPay is paid.\n\n## Hours\nLong hours.\n"
    chunks = chunk_document(_doc(text), size=50, overlap=10)
    assert [c.section for c in chunks] == ["Title", "Pay", "Hours"]
    assert [c.position for c in chunks] == [0, 1, 2]
    assert all(c.title == "Title" for c in chunks)
    assert chunks[1].index_text().startswith("Title — Pay\n")


def test_third_level_heading_names_its_parent() -> None:
    chunks = chunk_document(
        _doc("## Routes\n### Apprenticeships\nLevel 3 and up."), size=50, overlap=0
    )
    assert chunks[0].section == "Routes: Apprenticeships"


def test_long_section_is_split_with_overlap_and_bounded_size() -> None:
    sentences = " ".join(f"Sentence number {i} says something useful." for i in range(200))
    chunks = chunk_document(_doc(f"## Long\n{sentences}"), size=60, overlap=10)
    assert len(chunks) > 5
    assert all(len(c.text.split()) <= 60 for c in chunks)
    first, second = chunks[0].text.split(), chunks[1].text.split()
    assert first[-10:] == second[:10]


def test_empty_document_gives_no_chunks() -> None:
    assert chunk_document(_doc("\n\n## Empty\n\n"), size=50, overlap=5) == []
