"""Every number in a reply must come from the cited sources or the client's own words."""

from __future__ import annotations

import pytest

from guidance_assistant import lmi
from guidance_assistant.interview.grounding import (
    extract_numbers,
    is_degree_only,
    pay_band,
    route_lines,
    validate_numbers,
)

SOURCE = "Starting salary: £20,000 a year; experienced: £31,194 a year (NCS, 2020)."


@pytest.mark.parametrize(
    "reply",
    [
        "You could start on £20,000.",
        "You could start on 20000 pounds.",
        "You could start on about 20k.",
        "You could start on twenty thousand pounds.",
        "With experience, £31,194.",
    ],
)
def test_the_same_figure_written_differently_is_supported(reply: str) -> None:
    assert validate_numbers(reply, [SOURCE], [])


@pytest.mark.parametrize(
    "reply", ["Nurses earn £99,999.", "About £31,000 with experience.", "2 in 3 get jobs."]
)
def test_an_invented_or_rounded_figure_is_caught(reply: str) -> None:
    check = validate_numbers(reply, [SOURCE], [])
    assert not check.ok
    assert check.unsupported


def test_the_clients_own_numbers_are_allowed() -> None:
    assert validate_numbers("You said you want £40k.", [SOURCE], ["I want to earn 40k"])


def test_list_markers_and_words_like_one_are_not_figures() -> None:
    assert validate_numbers("1. Look at one college.\n2. Talk to someone.", [], [])
    assert [t.value for t in extract_numbers("£16.41 an hour, 37 to 42 hours")] == [
        16.41,
        37.0,
        42.0,
    ]


def test_records_give_routes_side_by_side_and_facts_for_challenges() -> None:
    nurse = lmi.get("nurse")
    assert is_degree_only(nurse)
    lines = route_lines(nurse)
    assert any(line.startswith("University") for line in lines)
    assert any(line.startswith("Apprenticeship") for line in lines)
    assert not is_degree_only(lmi.get("electrician"))
    assert pay_band(lmi.get("care-worker")) == "lower"


def test_sentence_similarity_embeds_each_sentence_once_and_needs_an_embedder() -> None:
    import numpy as np

    from guidance_assistant.interview.grounding import sentence_similarity

    calls: list[list[str]] = []

    class Letters:
        """Unit vectors by first letter: 'a...' close to 'a...', far from 'b...'."""

        def embed(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
            calls.append(list(texts))
            out = np.zeros((len(texts), 26))
            for row, text in enumerate(texts):
                out[row, ord(text[0].lower()) - 97] = 1.0
            return out

    class Known:
        embedder = Letters()

    sims = sentence_similarity(Known(), "apples?", ["a pear", "bananas"])
    assert sims == [1.0, 0.0]
    again = sentence_similarity(Known(), "bread?", ["a pear", "bananas"])
    assert again == [0.0, 1.0] and calls[-1] == ["bread?"]  # sentences come from the cache
    assert sentence_similarity(object(), "apples?", ["a pear"]) is None  # a stub: words only
