"""Documents and their citations: the unit that every layer passes around.

A :class:`Document` is one whole source text (a framework note, an LMI record rendered by our
templates, a publisher's job profile, an adviser's PDF) with the citation that any passage cut
from it carries.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DocType = Literal["framework", "lmi", "user"]


class Citation(BaseModel):
    """What a person needs to find the source of a passage again."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    source: str = Field(description="File name, or 'lmi/<id>' / 'ncs/<id>' for LMI records.")
    section: str | None = None
    publisher: str | None = None
    year: int | None = None
    url: str | None = None

    def render(self) -> str:
        """One line such as ``Title, section (Publisher, 2020) [source]``."""
        text = self.title
        if self.section and self.section != self.title:
            text += f" — {self.section}"
        detail = ", ".join(p for p in (self.publisher, str(self.year) if self.year else None) if p)
        if detail:
            text += f" ({detail})"
        return f"{text} [{self.source}]"


class Document(BaseModel):
    """A whole source text with its provenance.

    ``text`` may use Markdown headings (``#``, ``##``): the chunker keeps the nearest heading of
    each chunk as its section.
    """

    model_config = ConfigDict(extra="forbid")

    doc_id: str = Field(description="Stable id, unique in an index (the source, usually).")
    title: str
    text: str
    doc_type: DocType
    source: str
    publisher: str | None = None
    year: int | None = None
    url: str | None = None
    metadata: dict[str, str | int | float | bool | None] = Field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        """Hash of everything that affects the chunks: re-indexing skips unchanged documents."""
        digest = hashlib.sha256()
        for part in (self.title, self.doc_type, self.source, self.text):
            digest.update(part.encode("utf-8"))
            digest.update(b"\x00")
        return digest.hexdigest()

    def citation(self, section: str | None = None) -> Citation:
        return Citation(
            title=self.title,
            source=self.source,
            section=section,
            publisher=self.publisher,
            year=self.year,
            url=self.url,
        )
