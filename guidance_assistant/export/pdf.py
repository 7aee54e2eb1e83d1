"""The one PDF writer (fpdf2, A4, Unicode): documents, and Markdown as our reports use it.

:func:`write_pdf` lays out headings, lines of text and small gaps; :func:`document_to_pdf` (an
action plan, say) and :func:`markdown_to_pdf` (practice reports) turn their input into those
blocks. Every PDF the app writes goes through :func:`write_pdf`.

Text is written in Unicode, with the client's words exactly as typed (Łukasz, Nguyễn, Şükrü,
محمد). The font is DejaVu Sans (regular, bold and oblique) as matplotlib installs it: nothing is
bundled or downloaded. Text shaping is on (HarfBuzz, through ``uharfbuzz``), so Arabic and Urdu
letters are joined and lines that mix left-to-right and right-to-left words are ordered as the
Unicode bidirectional algorithm says.

A character that DejaVu Sans lacks is looked for, in order, in DejaVu Sans regular (the oblique
face has no Arabic), then in Noto Sans Arabic, which a dependency installs
(``fontpkg-noto-sans-arabic``: Urdu's ہ and ے, which DejaVu lacks; when a PDF needs it, every
Arabic-script letter is drawn from it, so a word is shaped in one font and its letters join),
then in the
fonts of :data:`FALLBACK_FONT_FILES` that are installed in the usual font folders (none need
be), then in matplotlib's Last Resort font, which draws a visible
box for any code point while the PDF's text keeps the character itself (a copy, a search or a
screen reader gets it). Last Resort is loaded only for the characters no other font has. Where
it is missing too, those characters become ``�`` (U+FFFD). Invisible format characters and
variation selectors that no font has are dropped, control characters are dropped (a tab is a
space) and a lone surrogate becomes ``�``: text never makes the writer fail. Report marks stay
readable: ✅ is drawn as ✔ and ❌ as ✘ (DejaVu has those); ⚠ is DejaVu's own.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from guidance_assistant.export.document import Block, Bullets, Document, Note, Paragraph, Table

if TYPE_CHECKING:
    from fpdf import FPDF

#: The family name the writer registers DejaVu Sans under, and its faces by style.
FONT = "DejaVuSans"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
#: Fonts used for characters DejaVu Sans lacks, when installed (file names, best first):
#: Arabic-script letters (Urdu's ہ and ے), symbols, emoji, Chinese, Japanese and Korean.
FALLBACK_FONT_FILES = (
    "NotoNaskhArabic-Regular.ttf",
    "NotoSansArabic-Regular.ttf",
    "NotoNastaliqUrdu-Regular.ttf",
    "NotoSansSymbols2-Regular.ttf",
    "NotoSansSymbols-Regular.ttf",
    "NotoEmoji-Regular.ttf",
    "Symbola.ttf",
    "NotoSansCJK-Regular.ttc",
    "DroidSansFallbackFull.ttf",
)
#: Python packages whose fonts come first among the fallbacks (their ``files/*.ttf``).
PACKAGED_FALLBACKS = ("fontpkg_noto_sans_arabic",)
#: Where installed fonts are looked for.
FONT_FOLDERS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local" / "share" / "fonts",
    Path.home() / ".fonts",
)
#: matplotlib's font with a visible box for every code point: the last fallback.
LAST_RESORT_FILE = "LastResortHE-Regular.ttf"
#: What a character no font can draw becomes when Last Resort is missing.
MARKER = "\ufffd"
#: Sizes (points) of Markdown headings by level, and of a document's title and section headings.
HEADING_SIZES = {1: 16, 2: 13, 3: 11}

#: Report marks DejaVu Sans lacks, as marks it has.
_MARKS = str.maketrans({"✅": "✔", "❌": "✘"})
_MARKUP = re.compile(r"(\*\*|__|`)")
_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")


def _invisible(char: str) -> bool:
    """Format characters and variation selectors: nothing to draw, fine to drop if no font has
    them."""
    code = ord(char)
    return (
        unicodedata.category(char) == "Cf" or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF
    )


def plain_pdf_text(text: str) -> str:
    """Plain ``text`` as the writer takes it: every letter kept; control characters dropped
    (a tab becomes a space), a lone surrogate becomes ``�``."""
    out: list[str] = []
    for char in str(text):
        category = unicodedata.category(char)
        if char in "\t\n":
            out.append(" " if char == "\t" else char)
        elif category == "Cs":
            out.append(MARKER)
        elif category != "Cc":
            out.append(char)
    return "".join(out)


def pdf_text(text: str) -> str:
    """A line of our Markdown as the writer takes it: ``**``, ``__`` and backticks dropped, the
    report marks made drawable (✅ → ✔), then as :func:`plain_pdf_text`."""
    return plain_pdf_text(_MARKUP.sub("", text.translate(_MARKS)))


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


@dataclass(frozen=True)
class _Fonts:
    """The font files on this machine: DejaVu Sans's faces, the installed fallbacks, Last
    Resort (``None`` where matplotlib ships none)."""

    faces: dict[str, Path]
    fallbacks: tuple[Path, ...]
    last_resort: Path | None


@functools.cache
def _packaged_fallbacks() -> list[Path]:
    """Fallback fonts that come with the package's dependencies (nothing is downloaded): Noto
    Sans Arabic (``fontpkg-noto-sans-arabic``, OFL) draws the Arabic-script letters DejaVu Sans
    lacks, such as Urdu's ہ and ے."""
    import importlib.util

    found: list[Path] = []
    for package in PACKAGED_FALLBACKS:
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            continue
        found.extend(sorted((Path(spec.origin).parent / "files").glob("*.ttf")))
    return found


def _fonts() -> _Fonts:
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    faces = {style: folder / name for style, name in FONT_FILES.items()}
    missing = [str(path) for path in faces.values() if not path.is_file()]
    if missing:
        raise FileNotFoundError(
            f"The PDF font is missing ({', '.join(missing)}): reinstall matplotlib "
            "(pip install --force-reinstall matplotlib)."
        )
    found: dict[str, Path] = {}
    wanted = set(FALLBACK_FONT_FILES)
    for root in FONT_FOLDERS:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.name in wanted and path.name not in found and path.is_file():
                    found[path.name] = path
    fallbacks = (
        *_packaged_fallbacks(),
        *(found[name] for name in FALLBACK_FONT_FILES if name in found),
    )
    last_resort = folder / LAST_RESORT_FILE
    return _Fonts(faces, fallbacks, last_resort if last_resort.is_file() else None)


@functools.cache
def _code_points(path: Path) -> frozenset[int]:
    """The code points a font has glyphs for (empty for a font that cannot be read)."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(str(path), fontNumber=0, lazy=True) as font:
            return frozenset(font.getBestCmap() or {})
    except Exception:  # a damaged font is one we cannot use, not a failed export
        return frozenset()


#: The Arabic script's blocks: letters, supplement, extended, presentation forms A and B.
_ARABIC_BLOCKS = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x08A0, 0x08FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)


def _arabic(code: int) -> bool:
    return any(low <= code <= high for low, high in _ARABIC_BLOCKS)


@dataclass
class _FontPlan:
    """Which fonts one PDF needs: the faces its blocks use, the fallbacks some character of
    theirs needs (DejaVu Sans regular for the oblique face first), and the characters only
    Last Resort has."""

    styles: set[str]
    fallbacks: list[Path]
    last_resort: set[str]
    #: Some Arabic-script letter needs a fallback font: then every Arabic-script letter is
    #: drawn from it, so a word is shaped (its letters joined) in one font.
    arabic_from_fallback: bool = False


def _prepare(blocks: Sequence[tuple[str, str]], fonts: _Fonts) -> tuple[list[str], _FontPlan]:
    """The texts of ``blocks`` (style, text) ready for the fonts, and the fonts they need.

    Only needed fonts are loaded: each costs a tenth of a second or more to read and subset.
    """
    regular = _code_points(fonts.faces[""])
    installed = [(path, _code_points(path)) for path in fonts.fallbacks]
    plan = _FontPlan(styles=set(), fallbacks=[], last_resort=set())
    out: list[str] = []
    for style, text in blocks:
        plan.styles.add(style)
        face = _code_points(fonts.faces[style])
        kept: list[str] = []
        for char in text:
            code = ord(char)
            if char == "\n" or code in face:
                kept.append(char)
            elif code in regular:
                plan.fallbacks.append(fonts.faces[""])
                kept.append(char)
            elif char.isspace():
                kept.append(" ")
            elif _invisible(char):
                continue
            elif found := next((path for path, codes in installed if code in codes), None):
                plan.fallbacks.append(found)
                plan.arabic_from_fallback |= _arabic(code)
                kept.append(char)
            elif fonts.last_resort is not None:
                plan.last_resort.add(char)
                kept.append(char)
            else:
                kept.append(MARKER)
        out.append("".join(kept))
    order = [fonts.faces[""], *fonts.fallbacks]
    plan.fallbacks = [path for path in order if path in set(plan.fallbacks)]
    return out, plan


def _new_pdf(fonts: _Fonts, plan: _FontPlan) -> FPDF:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    for style in sorted(plan.styles):
        face = fonts.faces[style]
        if plan.arabic_from_fallback:
            codes = sorted(c for c in _code_points(face) if not _arabic(c))
            pdf.add_font(FONT, style, str(face), unicode_range=codes)
        else:
            pdf.add_font(FONT, style, str(face))
    chain: list[str] = []
    for number, path in enumerate(plan.fallbacks):
        chain.append(f"fallback-{number}")
        if plan.arabic_from_fallback and path == fonts.faces[""]:
            codes = sorted(c for c in _code_points(path) if not _arabic(c))
            pdf.add_font(chain[-1], "", str(path), unicode_range=codes)
        else:
            pdf.add_font(chain[-1], "", str(path))
    if plan.last_resort and fonts.last_resort is not None:
        chain.append("last-resort")
        codes = sorted(map(ord, plan.last_resort))
        pdf.add_font(chain[-1], "", str(fonts.last_resort), unicode_range=codes)
    if chain:
        pdf.set_fallback_fonts(chain, exact_match=False)
    pdf.set_text_shaping(True)
    return pdf


def write_pdf(blocks: Iterable[PdfBlock], path: str | Path) -> Path:
    """Write ``blocks`` as an A4 PDF at ``path`` (folders are created); returns the path."""
    items = list(blocks)
    styled = [
        ("B" if isinstance(block, PdfHeading) else block.style, plain_pdf_text(block.text))
        for block in items
        if not isinstance(block, PdfGap)
    ]
    fonts = _fonts()
    texts, plan = _prepare(styled, fonts)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    pdf = _new_pdf(fonts, plan)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    lines = iter(texts)
    for block in items:
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
        pdf.multi_cell(width, height, next(lines), new_x="LMARGIN", new_y="NEXT")
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
