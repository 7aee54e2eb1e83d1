"""The one PDF writer (fpdf2, A4): documents, and Markdown as our reports use it.

:func:`write_pdf` lays out headings, lines of text and small gaps; :func:`document_to_pdf` (an
action plan, say) and :func:`markdown_to_pdf` (practice reports) turn their input into those
blocks. The font is the PDF core font Helvetica, which covers Latin-1 only: no TrueType font is
bundled or looked for. So symbols outside Latin-1 are replaced by plain equivalents first (curly
quotes become straight ones, dashes hyphens, ✅ becomes "[met]" in Markdown), accented letters
and £ survive, and anything still not drawable (日本, emoji) becomes "?": text never makes the
writer fail.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from guidance_assistant.export.document import Block, Bullets, Document, Note, Paragraph, Table

FONT = "Helvetica"
#: Sizes (points) of Markdown headings by level, and of a document's title and section headings.
HEADING_SIZES = {1: 16, 2: 13, 3: 11}

_PLAIN = {
    "–": "-",
    "—": "-",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "…": "...",
    "•": "-",
    "→": "->",
}
#: Plain text (documents): a no-break space becomes a space too.
_TEXT_SYMBOLS = str.maketrans({**_PLAIN, "\u00a0": " "})
#: Markdown reports: also the status marks they use.
_MARKDOWN_SYMBOLS = str.maketrans({**_PLAIN, "✅": "[met]", "⚠": "[not met]", "\ufe0f": ""})
_MARKUP = re.compile(r"(\*\*|__|`)")
_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")


def drawable(text: str) -> str:
    """``text`` with every character the core font cannot draw replaced by ``?``."""
    return text.encode("latin-1", "replace").decode("latin-1")


def plain_pdf_text(text: str) -> str:
    """Plain ``text`` as the core font can show it (symbols made plain, the rest ``?``)."""
    return drawable(text.translate(_TEXT_SYMBOLS))


def pdf_text(text: str) -> str:
    """A line of our Markdown as the core font can show it (markup and marks made plain)."""
    return drawable(_MARKUP.sub("", text.translate(_MARKDOWN_SYMBOLS)))


@dataclass(frozen=True)
class PdfHeading:
    """A bold heading, after a small gap."""

    text: str
    size: int = HEADING_SIZES[2]


@dataclass(frozen=True)
class PdfText:
    """A paragraph (wrapped to the page width)."""

    text: str
    style: Literal["", "I"] = ""
    size: int = 11


@dataclass(frozen=True)
class PdfGap:
    """A small vertical gap (a blank line in Markdown)."""


PdfBlock = PdfHeading | PdfText | PdfGap


def write_pdf(blocks: Iterable[PdfBlock], path: str | Path) -> Path:
    """Write ``blocks`` as an A4 PDF at ``path`` (folders are created); returns the path."""
    from fpdf import FPDF

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for block in blocks:
        if isinstance(block, PdfGap):
            pdf.ln(2)
            continue
        if isinstance(block, PdfHeading):
            pdf.ln(2)
            pdf.set_font(FONT, "B", block.size)
            height = 7
        else:
            pdf.set_font(FONT, block.style, block.size)
            height = 6
        pdf.multi_cell(width, height, drawable(block.text), new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(target))
    return target


def _block_lines(block: Block) -> list[str]:
    if isinstance(block, Paragraph | Note):
        return [block.text]
    if isinstance(block, Bullets):
        return [f"- {item}" for item in block.items]
    if isinstance(block, Table):
        lines = []
        for number, row in enumerate(block.rows, start=1):
            lines.append(f"{number}. {row[0]}")
            details = zip(block.headers[1:], row[1:], strict=True)
            lines.append("    " + "  ".join(f"{header}: {cell}." for header, cell in details))
        return lines
    raise TypeError(f"Not a document block: {block!r}")


def document_blocks(document: Document) -> list[PdfBlock]:
    """How :func:`document_to_pdf` lays ``document`` out."""
    blocks: list[PdfBlock] = [PdfHeading(plain_pdf_text(document.title), HEADING_SIZES[1])]
    blocks += [PdfText(plain_pdf_text(text)) for text in document.lead]
    for section in document.sections:
        blocks.append(PdfHeading(plain_pdf_text(section.heading), HEADING_SIZES[2]))
        for block in section.body:
            blocks += [PdfText(plain_pdf_text(line)) for line in _block_lines(block)]
    return blocks


def document_to_pdf(document: Document, path: str | Path) -> Path:
    """Write ``document`` as a PDF at ``path`` (folders are created); returns the path."""
    return write_pdf(document_blocks(document), path)


def markdown_blocks(markdown: str) -> list[PdfBlock]:
    """How :func:`markdown_to_pdf` lays ``markdown`` out: ``#``-``###`` headings, ``>`` quotes
    in italics, blank lines as gaps, every other line a paragraph (bullets keep their ``-``)."""
    blocks: list[PdfBlock] = []
    for raw in markdown.splitlines():
        line = raw.rstrip()
        heading = _HEADING.match(line)
        if heading:
            size = HEADING_SIZES[len(heading.group(1))]
            blocks.append(PdfHeading(pdf_text(heading.group(2)), size))
        elif not line.strip():
            blocks.append(PdfGap())
        elif line.lstrip().startswith(">"):
            blocks.append(PdfText(pdf_text(line.lstrip().lstrip(">").strip()), "I", 10))
        else:
            blocks.append(PdfText(pdf_text(line)))
    return blocks


def markdown_to_pdf(markdown: str, path: str | Path) -> Path:
    """Write ``markdown`` (as our reports use it) to a PDF at ``path``; returns the path."""
    return write_pdf(markdown_blocks(markdown), path)
