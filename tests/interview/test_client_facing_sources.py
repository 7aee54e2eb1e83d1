"""What a client may be read: the project's notes and an adviser's uploads, never the shared
research documents written for advisers (round 6 read a 2009 working paper to a Year 12)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from guidance_assistant.interview.drafts_facts import _for_the_client


@dataclass
class _Passage:
    text: str
    doc_id: str
    metadata: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.metadata = {"doc_id": self.doc_id}


def test_shared_research_documents_are_never_read_to_a_client() -> None:
    passages = [
        _Passage("a working paper", "file:shared/sources/001_275f2df5c7da8f57.txt"),
        _Passage("our note", "file:knowledge/frameworks/education-and-training-routes.md"),
        _Passage("an upload", "user:abc123"),
    ]
    kept = _for_the_client(passages)  # type: ignore[arg-type]
    assert [p.text for p in kept] == ["our note", "an upload"]
    assert len(_for_the_client(passages * 5, k=3)) == 3  # type: ignore[arg-type]
