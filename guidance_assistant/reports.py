"""Writing our Markdown reports as PDF files (headings, paragraphs, bullets, quotes).

PDF core fonts cover Latin-1 only, so symbols outside it are replaced by plain equivalents
(✅ becomes "[met]", curly quotes become straight ones); £ survives.
"""

from __future__ import annotations

import re
from pathlib import Path

_SYMBOLS = str.maketrans(
    {
        "✅": "[met]",
        "⚠": "[not met]",
        "️": "",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "–": "-",
        "—": "-",
        "…": "...",
        "•": "-",
        "→": "->",
    }
)
_MARKUP = re.compile(r"(\*\*|__|`)")


def pdf_text(text: str) -> str:
    """``text`` as the PDF core fonts can show it."""
    plain = _MARKUP.sub("", text.translate(_SYMBOLS))
    return plain.encode("latin-1", "replace").decode("latin-1")


def markdown_to_pdf(markdown: str, path: str | Path) -> Path:
    """Write ``markdown`` (as our reports use it) to a PDF at ``path``; returns the path."""
    from fpdf import FPDF

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    sizes = {1: 16, 2: 13, 3: 11}
    for raw in markdown.splitlines():
        line = raw.rstrip()
        heading = re.match(r"^(#{1,3})\s+(.*)$", line)
        if heading:
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", sizes[len(heading.group(1))])
            pdf.multi_cell(width, 7, pdf_text(heading.group(2)), new_x="LMARGIN", new_y="NEXT")
            continue
        if not line.strip():
            pdf.ln(2)
            continue
        quote = line.lstrip().startswith(">")
        pdf.set_font("Helvetica", "I" if quote else "", 10 if quote else 11)
        body = line.lstrip().lstrip(">").strip() if quote else line
        pdf.multi_cell(width, 6, pdf_text(body), new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(target))
    return target
