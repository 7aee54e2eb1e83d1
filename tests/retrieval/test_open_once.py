"""One knowledge base per process: a second session reuses it; a changed document is noticed."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from guidance_assistant.config import Settings
from guidance_assistant.interview import open_session
from guidance_assistant.retrieval import KnowledgeBase, knowledge_base
from guidance_assistant.retrieval.index import IndexData
from tests.retrieval.conftest import NOTES


@pytest.fixture
def opens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each time the index is read or updated from disk, a line."""
    calls: list[str] = []
    update, load = knowledge_base.update_index, IndexData.load

    def counted_update(*args: Any, **kwargs: Any) -> Any:
        calls.append("update")
        return update(*args, **kwargs)

    def counted_load(*args: Any, **kwargs: Any) -> Any:
        calls.append("load")
        return load(*args, **kwargs)

    monkeypatch.setattr(knowledge_base, "update_index", counted_update)
    monkeypatch.setattr(IndexData, "load", counted_load)
    return calls


def test_a_second_open_session_does_not_reopen_the_index(
    small_bundle: tuple[Settings, Path], opens: list[str]
) -> None:
    settings, _ = small_bundle
    first = open_session({"year_group": 11}, settings=settings)
    assert opens == ["update"]
    started = time.perf_counter()
    second = open_session({"year_group": 10}, settings=settings)
    assert opens == ["update"], "the second session read the index again"
    assert second.knowledge is first.knowledge
    assert time.perf_counter() - started < 1.0
    assert KnowledgeBase.bundled(settings=settings, progress=False) is first.knowledge


def test_an_edited_document_is_noticed_by_the_next_session(
    small_bundle: tuple[Settings, Path], opens: list[str]
) -> None:
    settings, frameworks = small_bundle
    kb = KnowledgeBase.bundled(settings=settings, progress=False)
    assert not kb.search("industry placement of 60 days", k=1, mode="bm25")[0].text.count("60")
    (frameworks / "t-levels.md").write_text(
        NOTES["t-levels.md"].replace("45 days", "60 days"), encoding="utf-8"
    )
    session = open_session(settings=settings)
    assert session.knowledge is kb, "refreshed in place: the holders of it see the change"
    assert "60 days" in kb.search("T Level industry placement", k=1)[0].text
    assert kb.last_update is not None and kb.last_update.changed
    assert opens == ["update", "update"]
    KnowledgeBase.bundled(settings=settings, progress=False)
    assert opens == ["update", "update"], "nothing changed since: nothing read again"


def test_an_index_rewritten_by_another_process_is_reread(
    small_bundle: tuple[Settings, Path], tmp_path: Path
) -> None:
    settings, _ = small_bundle
    kb = KnowledgeBase.bundled(settings=settings, progress=False)
    own = tmp_path / "own.md"
    own.write_text("# Our school\nWork experience week is in July for Year 10.", encoding="utf-8")
    other = KnowledgeBase.from_paths([own], kb.index_dir, settings=settings, progress=False)
    assert other is not kb
    again = KnowledgeBase.bundled(settings=settings, progress=False)
    assert again is kb and len(kb.user_documents()) == 1


def test_other_settings_get_a_knowledge_base_of_their_own(
    small_bundle: tuple[Settings, Path], tmp_path: Path
) -> None:
    settings, _ = small_bundle
    kb = KnowledgeBase.bundled(settings=settings, progress=False)
    elsewhere = settings.model_copy(update={"data_dir": tmp_path / "elsewhere"})
    other = KnowledgeBase.bundled(settings=elsewhere, progress=False)
    assert other is not kb and other.index_dir != kb.index_dir
    assert KnowledgeBase.bundled(settings=settings, progress=False, reuse=False) is kb
