"""Cutting documents into passages that keep their title, section and position."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from guidance_assistant.sources import Document
from guidance_assistant.text.sentences import split_sentences

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


class Chunk(BaseModel):
    """A passage of a document, ready to index."""

    model_config = ConfigDict(extra="forbid")

    chunk_id: str
    doc_id: str
    position: int
    title: str
    section: str | None
    text: str

    def index_text(self) -> str:
        """What the indexes see: the passage with its title and section in front."""
        head = self.title if not self.section else f"{self.title} — {self.section}"
        return f"{head}\n{self.text}"


def _blocks(text: str) -> list[tuple[str | None, str]]:
    """Split Markdown-ish text into (section heading, paragraph) pairs, in order."""
    section: str | None = None
    parent: str | None = None
    blocks: list[tuple[str | None, str]] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            joined = " ".join(line.strip() for line in paragraph).strip()
            if joined:
                blocks.append((section, joined))
            paragraph.clear()

    for line in text.split("\n"):
        heading = _HEADING.match(line.strip())
        if heading:
            flush()
            level, name = len(heading.group(1)), heading.group(2).strip().strip("*").strip()
            if level == 1:
                parent, section = None, name
            elif level == 2:
                parent, section = name, name
            else:
                section = f"{parent}: {name}" if parent else name
            continue
        if not line.strip():
            flush()
        elif line.lstrip().startswith(("- ", "* ", "• ")) and paragraph:
            paragraph.append(line)
        else:
            paragraph.append(line)
    flush()
    return blocks


def _split_long(paragraph: str, size: int) -> list[str]:
    words = paragraph.split()
    if len(words) <= size:
        return [paragraph]
    pieces: list[str] = []
    current: list[str] = []
    for sentence in split_sentences(paragraph, prose=True, lines=False):
        sentence_words = sentence.split()
        if current and len(current) + len(sentence_words) > size:
            pieces.append(" ".join(current))
            current = []
        while len(sentence_words) > size:
            pieces.append(" ".join(sentence_words[:size]))
            sentence_words = sentence_words[size:]
        current.extend(sentence_words)
    if current:
        pieces.append(" ".join(current))
    return pieces


def chunk_document(document: Document, *, size: int, overlap: int) -> list[Chunk]:
    """Cut ``document`` into chunks of about ``size`` words that never cross a section.

    Neighbouring chunks of one section share ``overlap`` words, so a sentence cut at a
    boundary is still found whole in one of them.
    """
    overlap = min(overlap, size // 2)
    chunks: list[Chunk] = []
    current_section: str | None = None
    words: list[str] = []

    def emit(section: str | None, body: list[str]) -> None:
        text = " ".join(body).strip()
        if text:
            chunks.append(
                Chunk(
                    chunk_id=f"{document.doc_id}#{len(chunks)}",
                    doc_id=document.doc_id,
                    position=len(chunks),
                    title=document.title,
                    section=section,
                    text=text,
                )
            )

    for section, paragraph in _blocks(document.text):
        if section != current_section:
            emit(current_section, words)
            words, current_section = [], section
        for piece in _split_long(paragraph, size - overlap):
            piece_words = piece.split()
            if words and len(words) + len(piece_words) > size:
                emit(current_section, words)
                words = words[-overlap:] if overlap else []
            words = [*words, *piece_words]
    emit(current_section, words)
    return chunks
