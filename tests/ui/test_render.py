"""The Session tab's state panel: no heading or bullet with nothing after it, HTML as text."""

from __future__ import annotations

import re
from datetime import date

from guidance_assistant.interview.state import (
    ActionItem,
    ClientCriterion,
    Fact,
    OptionConsidered,
    SessionState,
)
from guidance_assistant.ui.render import state_markdown

# a bullet, a bold label or a dash with nothing after it
EMPTY_LINE = re.compile(r"^\s*(-|#+|- \*\*[^*]+:\*\*|.*—)\s*$")


def _empty_lines(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if EMPTY_LINE.match(line)]


def test_a_fact_without_a_gist_shows_the_clients_words() -> None:
    # what "nothing really" in answer to the barriers question gave: a fact with an empty gist
    state = SessionState(session_date=date(2026, 3, 10))
    state.facts["interests"] = [
        Fact(topic="interests", gist="you love drawing", text="I love drawing", turn=4)
    ]
    state.facts["barriers"] = [Fact(topic="barriers", gist="", text="nothing really", turn=9)]
    shown = state_markdown(state)
    assert "- **barriers:** “nothing really”" in shown.splitlines()
    assert _empty_lines(shown) == []


def test_blank_entries_leave_no_empty_lines() -> None:
    state = SessionState(session_date=date(2026, 3, 10), agenda=["  ", "what to do after Year 11"])
    state.facts["strengths"] = [Fact(topic="strengths", gist=" ", text="", turn=3)]
    state.facts["values"] = []
    state.criteria.append(ClientCriterion(id="pay", label=" ", text="money", turn=5))
    state.options.append(OptionConsidered(occupation_id="x", title=""))
    state.actions.append(ActionItem(what="Visit the college", who=" "))
    shown = state_markdown(state)
    assert _empty_lines(shown) == [], shown
    assert "strengths" not in shown and "values" not in shown and "criterion" not in shown
    assert "- what to do after Year 11" in shown.splitlines()
    assert "- *nothing yet*" in shown.splitlines()  # every fact was blank
    assert "- *none yet*" in shown.splitlines()  # the only option had no title
    assert "- Visit the college, no date yet" in shown.splitlines()


def test_a_full_state_keeps_every_line() -> None:
    state = SessionState(session_date=date(2026, 3, 10), agenda=["after Year 11"])
    state.facts["influences"] = [
        Fact(topic="influences", gist="your mum thinks A levels", text="Mum: A levels", turn=8)
    ]
    state.criteria.append(ClientCriterion(id="pay", label="good pay", text="pays well", turn=6))
    state.options.append(
        OptionConsidered(occupation_id="gd", title="Graphic designer", client_view="positive")
    )
    state.actions.append(ActionItem(what="Look at open evenings", when=date(2026, 3, 20)))
    assert state_markdown(state).splitlines() == [
        "#### Agenda",
        "- after Year 11",
        "#### What is known",
        "- **influences:** your mum thinks A levels",
        "- **criterion:** good pay",
        "#### Options",
        "- Graphic designer — client: positive",
        "#### Actions",
        "- Look at open evenings — You, by 2026-03-20",
    ]


def test_html_in_the_state_is_shown_as_text() -> None:
    attack = "<img src=x onerror=alert(1)>"
    state = SessionState(session_date=date(2026, 3, 10), agenda=[attack])
    state.facts["barriers"] = [Fact(topic="barriers", gist="", text=attack, turn=2)]
    shown = state_markdown(state)
    assert "<img" not in shown and shown.count("&lt;img") == 2


def test_safe_markdown_keeps_quote_markers_and_escapes_everything_else() -> None:
    from guidance_assistant.ui.render import safe_markdown

    text = "> **Safeguarding:** speak to the DSL\n> > nested\n><img src=x onerror=alert(1)>\na > b"
    shown = safe_markdown(text)
    assert shown.startswith("> **Safeguarding:**") and "\n> > nested" in shown
    assert "<img" not in shown and "&lt;img src=x onerror=alert(1)&gt;" in shown
    assert shown.endswith("a &gt; b")  # only a line's leading markers come back
