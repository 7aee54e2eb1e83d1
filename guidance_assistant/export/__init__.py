"""The one home for writing plans, briefs and reports as files (Markdown and PDF).

Callers pass plain data in: a :class:`Document` (title, lead paragraphs, sections of
paragraphs, bullets, notes and tables) or Markdown text. This package imports only
:mod:`guidance_assistant.text` and third-party packages, never the interview, store or UI.
"""

from guidance_assistant.export.document import (
    Block,
    Bullets,
    Document,
    Note,
    Paragraph,
    Section,
    Table,
)
from guidance_assistant.export.markdown import document_to_markdown, markdown_table
from guidance_assistant.export.pdf import (
    PdfBlock,
    PdfGap,
    PdfHeading,
    PdfText,
    document_to_pdf,
    markdown_to_pdf,
    pdf_text,
    plain_pdf_text,
    write_pdf,
)

__all__ = [
    "Block",
    "Bullets",
    "Document",
    "Note",
    "Paragraph",
    "PdfBlock",
    "PdfGap",
    "PdfHeading",
    "PdfText",
    "Section",
    "Table",
    "document_to_markdown",
    "document_to_pdf",
    "markdown_table",
    "markdown_to_pdf",
    "pdf_text",
    "plain_pdf_text",
    "write_pdf",
]
