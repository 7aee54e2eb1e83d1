"""A brief an adviser would sign (issue 15, point 3): gaps named, support the client is entitled to
cited, no option taken from a person in the client's life, every need carried into the session."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from guidance_assistant.interview.model import NEEDS
from guidance_assistant.interview.phrases import load_phrasebook
from guidance_assistant.prepare import prepare_brief
from guidance_assistant.prepare.notes_model import NOTE_NEEDS, NoteNeed
from tests.interview.helpers import StubKnowledge

LOOKED_AFTER = """Yr 11, Jade, 15. Looked after - placed with foster carers (Mr and Mrs Green) since Yr 8,
PEP due Nov. Loves animals, helps at the stables on Saturdays. Predicted 5s in English and maths,
6 in biology. Wants to work with animals, maybe a vet nurse. Her foster dad is a plumber.
Attendance 82%, 40 min bus to school."""

UCAS = """Y13 Sam - dyslexia (diagnosed Yr 6), 25% extra time.
Pred: Maths B, Physics C, DT A.
Apps:
 - Loughborough - Product Design - conditional AAB
 - Brunel - Product Design - conditional BBB
Dad is an electrician."""


def test_the_session_knows_every_need_the_notes_reader_knows() -> None:
    assert set(NOTE_NEEDS) == set(NEEDS) == set(get_args(NoteNeed))
    phrases = load_phrasebook()
    for need in NEEDS:
        guidance = phrases.need(need)
        assert guidance is not None and guidance.label and guidance.plan_for, need


def test_no_option_from_a_person_in_the_clients_life_and_gaps_named() -> None:
    brief = prepare_brief(LOOKED_AFTER, knowledge=StubKnowledge())
    assert brief.age == 15 and brief.year_group == 11
    titles = " ".join(o.title.lower() for o in brief.occupations)
    assert "foster" not in titles and "plumber" not in titles
    text = brief.to_markdown().lower()
    assert "foster carer" not in " ".join(brief.questions).lower()
    assert any("attendance" in gap.lower() for gap in brief.gaps)
    assert any("travel" in gap.lower() for gap in brief.gaps)
    assert "english 5" in text and "biology 6" in text
    assert "dad: plumber" in text


def test_predicted_grades_below_offers_and_dsa_for_a_disabled_applicant() -> None:
    brief = prepare_brief(UCAS, knowledge=StubKnowledge())
    gap = next(g for g in brief.gaps if "below the conditions" in g)
    assert "AAB" in gap and "Loughborough" in gap and "Brunel" not in gap
    assert any("Loughborough" in offer and "AAB" in offer for offer in brief.offers)
    assert not any("electrician" in o.title.lower() for o in brief.occupations)
    dyslexia = next(n for n in brief.needs if n.need == "dyslexia")
    assert dyslexia.label


@pytest.mark.slow
def test_a_disabled_university_applicant_is_told_of_dsa_from_the_framework_notes(
    bundled_kb: Any,
) -> None:
    brief = prepare_brief(UCAS, knowledge=bundled_kb)
    dyslexia = next(n for n in brief.needs if n.need == "dyslexia")
    cited = [p for p in dyslexia.points if "Disabled Students' Allowance" in p.text]
    assert cited and "meeting-needs-of-each-pupil" in cited[0].citation.source
    school = prepare_brief(
        "Yr 9 Ali, dyslexia, likes art. Wants to do art GCSE.", knowledge=bundled_kb
    )
    assert not any("Disabled Students' Allowance" in p.text for n in school.needs for p in n.points)
