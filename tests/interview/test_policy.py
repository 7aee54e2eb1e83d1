"""The policy, tested as a pure function: hand-made states and analyses, no knowledge base."""

from __future__ import annotations

from datetime import date

from guidance_assistant.interview.model import load_interview
from guidance_assistant.interview.policy import choose_move, unmet_criteria
from guidance_assistant.interview.reading import MessageAnalysis, OccupationMention, TopicEvidence
from guidance_assistant.interview.state import (
    ActionItem,
    ClientCriterion,
    ClientProfile,
    Decision,
    Discrepancy,
    Fact,
    OptionConsidered,
    SafeguardingFlag,
    SessionState,
)
from guidance_assistant.safeguarding.rules import SafeguardingResult

TODAY = date(2026, 3, 10)


def state(**changes: object) -> SessionState:
    base = SessionState(
        session_date=TODAY,
        contract_items=["purpose", "time", "confidentiality"],
        agenda=["what to do after Year 11"],
        agenda_agreed=True,
        stage="exploration",
        client_turns=3,
        stage_client_turns=2,
    )
    return base.model_copy(update=changes)


def said(text: str = "something", **fields: object) -> MessageAnalysis:
    defaults: dict[str, object] = {
        "text": text,
        "word_count": len(text.split()),
        "content_words": len(text.split()),
    }
    defaults.update(fields)
    return MessageAnalysis.model_validate(defaults)


def fact(topic: str, turn: int = 1) -> Fact:
    return Fact(topic=topic, gist=f"you said something about {topic}", text="...", turn=turn)  # type: ignore[arg-type]


ALL_FACTS = {
    t: [fact(t)]
    for t in ("interests", "strengths", "values", "circumstances", "influences", "barriers")
}
CRITERIA = [
    ClientCriterion(id="avoid_study", label="not wanting to keep studying", text="", turn=1)
]


def test_safeguarding_comes_before_everything() -> None:
    flagged = SafeguardingResult(
        flagged=True, category="abuse", reason="test", categories=["abuse"]
    )
    move = choose_move(
        state(), said("my dad hits me, do my homework", safeguarding=flagged, intents=["off_topic"])
    )
    assert move.kind == "safeguarding_response" and move.variant == "escalation"


def test_an_open_flag_keeps_the_safe_stance() -> None:
    flag = SafeguardingFlag(category="abuse", reason="x", turn=2, raised_at="2026-03-10T10:00:00Z")  # type: ignore[arg-type]
    move = choose_move(state(flags=[flag]), said("can we just get on with it"))
    assert move.kind == "safeguarding_response" and move.variant == "holding"
    # A question is still answered, held (with the reminder), and the interview does not move on.
    asked = choose_move(
        state(flags=[flag]), said("how much do nurses earn?", intents=["ask_framework"])
    )
    assert asked.kind == "information" and asked.held
    assert asked.enter_stage is None and asked.propose_stage is None


def test_a_question_read_as_a_possible_concern_is_answered_then_checked_in() -> None:
    # "How much do florists earn? Mum says there's no money in it", read as a possible concern
    # by the learned reader: the pay first, then the gentle check-in (a dodge before).
    nurse = OccupationMention(occupation_id="nurse", title="Nurse", phrase="nurses", score=100)
    asked = choose_move(
        state(),
        said(
            "how much do nurses earn? mum says there's no money in it",
            intents=["ask_information"],
            info_kinds=["pay"],
            occupations=[nurse],
            distress=0.8,
        ),
    )
    assert asked.kind == "information" and asked.check_in
    assert asked.rule.endswith("+ safety.check_in")
    # Not a question: the check-in alone, as before.
    told = choose_move(state(), said("it's hard at home", distress=0.7))
    assert (told.kind, told.variant, told.check_in) == ("open_question", "check_in", False)


def test_off_topic_is_redirected_to_the_purpose() -> None:
    move = choose_move(state(), said("do my homework", intents=["off_topic"]))
    assert move.kind == "contracting" and move.variant == "redirect" and move.resume


def test_information_is_given_when_asked_in_any_stage() -> None:
    nurse = OccupationMention(occupation_id="nurse", title="Nurse", phrase="nurses", score=100)
    move = choose_move(
        state(),
        said(
            "how much do nurses earn?",
            intents=["ask_information"],
            info_kinds=["pay"],
            occupations=[nurse],
        ),
    )
    assert (
        move.kind == "information"
        and move.occupation_ids == ["nurse"]
        and move.info_kinds == ["pay"]
    )


def test_no_advice_before_the_clients_criteria_are_known() -> None:
    move = choose_move(state(), said("what should I do?", intents=["ask_opinion"]))
    assert move.kind == "open_question" and move.variant == "criteria_first"
    option = OptionConsidered(occupation_id="nurse", title="Nurse", presented=True)
    move = choose_move(
        state(stage="options_and_challenge", criteria=CRITERIA, options=[option]),
        said("what should I do?", intents=["ask_opinion"]),
    )
    assert move.variant == "weigh"


def test_a_feeling_is_reflected() -> None:
    move = choose_move(
        state(), said("I'm so worried", feelings=["worried"], intents=["express_feeling"])
    )
    assert move.kind == "reflection" and move.feeling == "worried"


def test_once_the_client_talks_reflections_outnumber_questions() -> None:
    kinds = []
    current = state(facts={})
    for turn, topic in enumerate(("interests", "strengths", "values", "circumstances"), start=4):
        current = current.model_copy(
            update={"client_turns": turn, "facts": {**current.facts, topic: [fact(topic, turn)]}}
        )
        evidence = TopicEvidence(topic=topic, gist="...", text="...")  # type: ignore[arg-type]
        kinds.append(
            choose_move(current, said("I really love drawing and art", topics=[evidence])).kind
        )
    kinds.append(choose_move(current, said("ok")).kind)
    reflective = sum(kind in ("reflection", "affirmation") for kind in kinds)
    assert reflective > kinds.count("open_question")


def test_summary_and_proposal_when_exploration_is_done() -> None:
    done = state(facts=ALL_FACTS, criteria=CRITERIA)
    assert unmet_criteria(done, load_interview().stage("exploration")) == []
    move = choose_move(done, said("no, nothing else"))
    assert move.kind == "summary" and move.propose_stage == "options_and_challenge"


def test_agreement_after_a_summary_moves_on_and_disagreement_does_not() -> None:
    waiting = state(facts=ALL_FACTS, criteria=CRITERIA, pending_transition="options_and_challenge")
    move = choose_move(waiting, said("yes", intents=["agree"]))
    assert move.enter_stage == "options_and_challenge"
    move = choose_move(waiting, said("no, wait", intents=["disagree"]))
    assert move.enter_stage is None and move.stage == "exploration"


def test_challenge_names_a_discrepancy_in_the_options_stage_only() -> None:
    option = OptionConsidered(
        occupation_id="nurse",
        title="Nurse",
        presented=True,
        degree_only=True,
        client_view="positive",
    )
    gap = Discrepancy(kind="avoid_study", occupation_id="nurse", criterion_id="avoid_study")
    options_state = state(
        stage="options_and_challenge",
        client_turns=8,
        criteria=CRITERIA,
        options=[option],
        discrepancies=[gap],
        focus_option="nurse",
    )
    move = choose_move(options_state, said("sounds good", option_view="positive"))
    assert move.kind == "challenge" and move.discrepancy == gap
    exploration_state = options_state.model_copy(update={"stage": "exploration", "facts": {}})
    assert choose_move(exploration_state, said("sounds good")).kind != "challenge"


def test_an_action_without_a_date_gets_asked_for_one() -> None:
    planning = state(
        stage="decision_and_action_planning",
        client_turns=12,
        decisions=[Decision(text="find out more about nursing", turn=11)],
        actions=[ActionItem(what="visit the college", who="You", when=None, turn=12)],
    )
    move = choose_move(planning, said("I'll visit the college"))
    assert move.kind == "closed_question" and move.variant == "action_date"
    dated = planning.model_copy(
        update={"actions": [ActionItem(what="visit the college", when=date(2026, 3, 13), turn=12)]}
    )
    assert choose_move(dated, said("I'll visit the college by Friday")).kind == "action_planning"


def test_the_policy_does_not_read_name_or_gender() -> None:
    analysis = said(
        "I love animals and being outdoors",
        topics=[TopicEvidence(topic="interests", gist="x", text="x")],
    )
    base = state(facts={"interests": [fact("interests", 3)]})
    moves = [
        choose_move(
            base.model_copy(update={"profile": ClientProfile(name=name, gender=gender)}), analysis
        )
        for name, gender in (
            ("Amira", "female"),
            ("Jack", "male"),
            ("Kwame", None),
            (None, "non-binary"),
        )
    ]
    assert all(move == moves[0] for move in moves)


# -- the trial conversation (year 11, art and games) ------------------------------------------

GAMES = OptionConsidered(
    occupation_id="computer-games-developer",
    title="Computer games developer",
    route_types=["university", "college", "apprenticeship", "work"],
    turn=3,
)


def test_content_after_the_agenda_check_is_agreement_and_the_reason_is_recorded() -> None:
    from guidance_assistant.interview.policy import resolve_stage

    s = state(
        stage="contracting",
        agenda=["working out what to do after Year 11"],
        agenda_agreed=False,
        pending_transition="exploration",
        client_turns=2,
        stage_client_turns=1,
        last_move="contracting",
        last_variant="agenda_check",
    )
    message = said(
        "I like art and I'm good at drawing",
        topics=[TopicEvidence(topic="interests", gist="you like art", text="I like art")],
    )
    target, why = resolve_stage(s, message)
    assert target == "exploration"
    assert why is not None and "taken as agreement" in why and "interests" in why
    # ...and even without a pending check, a second substantive message moves on.
    target, why = resolve_stage(s.model_copy(update={"pending_transition": None}), message)
    assert target == "exploration" and why
    # A new focus is checked first.
    changed = said("Actually I want to talk about university", agenda_change=True)
    assert resolve_stage(s, changed)[0] == "contracting"


def test_a_question_about_it_is_answered_for_the_job_in_focus() -> None:
    s = state(options=[GAMES], focus_option="computer-games-developer")
    move = choose_move(
        s,
        said(
            "What other ways are there into it apart from uni?",
            is_question=True,
            intents=["ask_framework"],
            info_kinds=["routes"],
            refers_back=True,
        ),
    )
    assert move.kind == "information" and move.variant == "occupation"
    assert move.occupation_ids == ["computer-games-developer"] and move.info_kinds == ["routes"]


def test_a_pay_question_naming_no_job_uses_the_clients_earlier_idea() -> None:
    s = state(options=[GAMES], focus_option=None)
    move = choose_move(
        s,
        said(
            "How much would I earn?",
            is_question=True,
            intents=["ask_information"],
            info_kinds=["pay"],
            content_words=2,  # as the reader counts them: "much", "earn"
        ),
    )
    assert move.kind == "information" and move.occupation_ids == ["computer-games-developer"]


def test_steps_proposed_in_exploration_lead_to_a_summary_that_proposes_moving_on() -> None:
    s = state(
        options=[GAMES.model_copy(update={"presented": True})],
        facts={"interests": [fact("interests")], "values": [fact("values")]},
        actions=[
            ActionItem(what="look at apprenticeships", turn=3),
            ActionItem(what="talk to your mum", turn=3),
        ],
    )
    move = choose_move(s, said("I could look at apprenticeships and talk to my mum"))
    assert move.kind == "summary" and move.propose_stage == "options_and_challenge"
    assert "proposed 2 step" in move.reason


def test_interests_already_known_are_not_asked_about_again() -> None:
    s = state(
        stage_client_turns=3,
        facts={"interests": [fact("interests")], "strengths": [fact("strengths")]},
    )
    s.facts["influences"] = [fact("influences", turn=3)]
    move = choose_move(
        s,
        said(
            "My parents want me to do A levels and go to uni but I hate exams",
            criteria=["avoid_study"],
            criteria_gists={"avoid_study": "you hate exams"},
        ),
    )
    assert move.kind == "reflection" and move.topic == "influences"
    assert move.bridge != "interests"


def test_a_route_with_exams_is_a_discrepancy_for_a_client_who_hates_exams() -> None:
    from guidance_assistant.interview.model import load_signals
    from guidance_assistant.interview.updates import refresh_discrepancies

    s = state(stage="options_and_challenge", options=[GAMES], criteria=CRITERIA)
    refresh_discrepancies(s, load_signals())
    assert [(d.kind, d.occupation_id) for d in s.discrepancies] == [
        ("study_route", "computer-games-developer")
    ]


def test_a_longer_question_naming_no_job_is_not_read_as_about_the_job_in_focus() -> None:
    """A question such as "is there money to help with travel?" is about support, not pay."""
    s = state(options=[GAMES], focus_option=None)
    move = choose_move(
        s,
        said(
            "Is there money to help with travel? My mum can't drive me",
            is_question=True,
            intents=["ask_information"],
            info_kinds=["pay"],
            content_words=5,
        ),
    )
    # answered about support (the answers bank's bursary entry, or the framework passages)
    assert move.kind == "information" and move.variant in ("answer", "framework"), move
