"""Documents as Markdown: title, lead, sections of paragraphs, bullets, notes and tables."""

from __future__ import annotations

import pytest

from guidance_assistant.export import (
    Bullets,
    Document,
    Note,
    Paragraph,
    Section,
    Table,
    document_to_markdown,
    markdown_table,
)


def test_a_document_is_written_as_markdown() -> None:
    document = Document(
        title="Your plan – Zoë",
        lead=("Date: today",),
        sections=(
            Section("Talked about", (Bullets(("College", "Work")),)),
            Section("Steps", (Table(("What", "Who"), (("Look | ask", "You"),)),)),
            Section("Next time", (Note("No date set yet."),)),
            Section("Help", (Paragraph("Ask us."),)),
        ),
    )
    assert document_to_markdown(document) == (
        "# Your plan – Zoë\n\nDate: today\n\n"
        "## Talked about\n\n- College\n- Work\n\n"
        "## Steps\n\n| What | Who |\n| --- | --- |\n| Look / ask | You |\n\n"
        "## Next time\n\n- No date set yet.\n\n"
        "## Help\n\nAsk us.\n"
    )


def test_table_cells_cannot_break_the_table() -> None:
    assert markdown_table(["A|B"], [["x | y"]]) == ["| A/B |", "| --- |", "| x / y |"]
    with pytest.raises(ValueError, match="2 cells"):
        Table(("What", "Who"), (("only one",),))
