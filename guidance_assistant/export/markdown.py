"""Documents as Markdown (``#`` title, ``##`` sections, ``-`` bullets, pipe tables)."""

from __future__ import annotations

from collections.abc import Sequence

from guidance_assistant.export.document import Block, Bullets, Document, Note, Paragraph, Table


def table_cell(text: str) -> str:
    """``text`` safe inside a Markdown table cell (a ``|`` would start a new cell)."""
    return text.replace("|", "/")


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """The lines of a Markdown table (header row, rule, one line per row)."""
    lines = [
        "| " + " | ".join(table_cell(h) for h in headers) + " |",
        "| " + " | ".join("---" for _ in headers) + " |",
    ]
    lines += ["| " + " | ".join(table_cell(cell) for cell in row) + " |" for row in rows]
    return lines


def block_lines(block: Block) -> list[str]:
    """The Markdown lines of one block of a section."""
    if isinstance(block, Paragraph):
        return [block.text]
    if isinstance(block, Bullets):
        return [f"- {item}" for item in block.items]
    if isinstance(block, Note):
        return [f"- {block.text}"]
    if isinstance(block, Table):
        return markdown_table(block.headers, block.rows)
    raise TypeError(f"Not a document block: {block!r}")


def document_to_markdown(document: Document) -> str:
    """``document`` as Markdown: the title, its lead paragraphs, then each section."""
    lines = [f"# {document.title}", ""]
    for paragraph in document.lead:
        lines += [paragraph, ""]
    for section in document.sections:
        lines += [f"## {section.heading}", ""]
        for block in section.body:
            lines += block_lines(block)
        lines.append("")
    return "\n".join(lines)
