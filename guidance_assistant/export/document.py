"""The plain data that export writes: a titled document of sections.

Callers (the action plan, and later briefs and reports) decide the wording and build a
:class:`Document`; :func:`~guidance_assistant.export.markdown.document_to_markdown` and
:func:`~guidance_assistant.export.pdf.document_to_pdf` decide how it looks. Nothing here knows
about sessions, clients or sources: strings in, files out.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text."""

    text: str


@dataclass(frozen=True)
class Bullets:
    """A bulleted list (``- item`` in Markdown and in PDF)."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Note:
    """One short statement standing where a list or table would be ("No steps agreed yet."):
    a bullet in Markdown, a plain line in PDF."""

    text: str


@dataclass(frozen=True)
class Table:
    """Rows under column headers: a Markdown table; in PDF, each row is numbered and shows its
    first cell, then ``Header: cell.`` for the others on an indented line."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def __post_init__(self) -> None:
        if any(len(row) != len(self.headers) for row in self.rows):
            raise ValueError(f"Every row needs {len(self.headers)} cells, one per header.")


Block = Paragraph | Bullets | Note | Table


@dataclass(frozen=True)
class Section:
    """A headed part of a document."""

    heading: str
    body: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    """A title, paragraphs under it (such as the date), then the sections in order."""

    title: str
    lead: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
