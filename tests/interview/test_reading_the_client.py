"""How the engine reads what a client says and answers it: the agenda check, job titles, topics
that are easy to mistake for one another, questions not asked twice, a word for a family of
jobs, the reflection of what was just said, and how long a model's rewording may be.

Sessions use the small in-memory knowledge base (fast); the occupation records are the bundled
ones.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date

import pytest

from guidance_assistant import lmi
from guidance_assistant.backends.base import ResponseRequest
from guidance_assistant.interview import GuidanceSession, open_session
from guidance_assistant.interview.drafts import DraftWriter
from guidance_assistant.interview.model import load_interview
from guidance_assistant.interview.policy import choose_move, next_topic, resolve_stage
from guidance_assistant.interview.reading import (
    MessageAnalysis,
    analyse_message,
    criteria_of,
    find_occupations,
    make_gist,
)
from guidance_assistant.interview.state import Fact, SessionState
from guidance_assistant.interview.updates import read_agenda
from guidance_assistant.text.clean import analysis_view, words
from tests.interview.helpers import RecordingResponder, StubKnowledge, long_budgets

TODAY = date(2026, 3, 10)


@pytest.fixture
def start() -> Callable[..., GuidanceSession]:
    def factory(profile: object = None, backend: object = "offline") -> GuidanceSession:
        knowledge = StubKnowledge()
        # these tests read the client's words for guidance; the safeguarding check's learned
        # reader has its own tests (tests/safeguarding); rules and cues still run here
        return open_session(
            profile,  # type: ignore[arg-type]
            backend=backend,  # type: ignore[arg-type]
            knowledge=knowledge,
            today=TODAY,
            reader=None,
            interview=long_budgets(),
        )

    return factory


def talk(session: GuidanceSession, messages: list[str]) -> list[str]:
    return [session.reply(message).text for message in messages]


def analyse(text: str) -> MessageAnalysis:
    return analyse_message(text, today=TODAY)


# -- the agenda is checked, however the client puts it ---------------------------------------


def test_a_focus_stated_without_talk_about_is_checked_before_exploring(
    start: Callable[..., GuidanceSession],
) -> None:
    session = start({"year_group": 9})
    session.reply("Hello")
    check = session.reply("I need to pick my GCSE options and I don't know which ones")
    assert (check.stage, check.move) == ("contracting", "contracting")
    assert "picking your GCSE options" in check.text and check.text.endswith("?")
    first = session.reply("Yes please")
    assert (first.stage, first.move) == ("exploration", "open_question")
    assert session.state.agenda_agreed
    # the interests question is asked once, not again after the "yes"
    second = session.reply("I really like science and animals")
    assert second.move == "reflection" and second.text != first.text


def test_a_client_who_describes_their_situation_hears_it_back_before_a_focus_is_proposed(
    start: Callable[..., GuidanceSession],
) -> None:
    session = start({"year_group": 12})
    session.reply("hi")
    check = session.reply("I dropped out of college and I'm not doing anything now")
    assert check.move == "contracting"
    assert "you dropped out of college and you're not doing anything now" in check.text
    assert "what you could do next" in check.text
    assert session.state.agenda == ["what you could do next"]
    assert session.reply("yeah").stage == "exploration"


@pytest.mark.parametrize(
    ("text", "agenda", "said"),
    [
        ("I'd like to get an apprenticeship", "getting an apprenticeship", ""),
        (
            "I'm not sure about university and want to look at other options",
            "looking at other options",
            "",
        ),
        ("I am new in England. I want to know about jobs", "jobs", ""),
        (
            "I've applied to university but I'm not sure I want to go any more",
            "",
            "you've applied to university but you're not sure you want to go any more",
        ),
        (
            "My parents want me to be a doctor but I'm not sure it's what I want",
            "",
            "your parents want you to be a doctor but you're not sure it's what you want",
        ),
    ],
)
def test_the_agenda_is_a_phrase_or_else_the_clients_own_description(
    text: str, agenda: str, said: str
) -> None:
    assert read_agenda(text) == (agenda, said)


def test_a_focus_stated_in_this_message_is_not_taken_as_agreed() -> None:
    s = SessionState(
        session_date=TODAY,
        contract_items=["purpose", "time", "confidentiality"],
        agenda=["picking your GCSE options"],
        agenda_turn=2,
        client_turns=2,
        stage_client_turns=1,
    )
    message = MessageAnalysis(text="I need to pick my GCSE options", content_words=4)
    assert resolve_stage(s, message) == ("contracting", None)
    # a later message that carries on talking is agreement to the focus stated before
    later = s.model_copy(update={"client_turns": 3, "stage_client_turns": 2})
    assert resolve_stage(later, message)[0] == "exploration"


def test_invisible_characters_and_script_code_are_not_read_as_words() -> None:
    assert analysis_view("I want to talk\u200b about college") == "I want to talk about college"
    view = analysis_view("<script>alert('x')</script><b>I like art</b>")
    assert view == "I like art"
    typed = "I want to talk\u200b about college after Year 11"
    assert read_agenda(analysis_view(typed))[0] == "college after Year 11"


# -- job titles ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Yes. I was thinking about being an IT technician", "it-support-technician"),
        ("I want to be an it technician", "it-support-technician"),
        ("I want to be a primary teacher", "primary-school-teacher"),
        # the head noun decides: 'doctor' is not 'Doctor's receptionist'
        ("I want to be a doctor", "hospital-doctor"),
    ],
)
def test_a_title_said_in_fewer_words_finds_its_record(text: str, expected: str) -> None:
    mentions, ambiguous = find_occupations(text)
    assert [m.occupation_id for m in mentions] == [expected]
    assert not ambiguous


def test_the_words_of_a_title_match_only_a_title_one_word_longer() -> None:
    # "English ... teacher" is five words away in the EFL title: not what the client meant
    mentions, _ = find_occupations("I want to be an english teacher")
    assert "efl-teacher" not in [m.occupation_id for m in mentions]
    # "it" stays a pronoun unless the next word belongs to an IT title
    assert find_occupations("I was thinking about it more") == ([], [])


@pytest.mark.parametrize(
    ("text", "own"),
    [
        (
            "My social worker say I should come. I want to know how I become electrician.",
            [False, True],
        ),
        ("I did the lights with my brother-in-law, he's a plasterer, it was satisfying", [False]),
        ("my aunt who is a nurse says the shifts are hard", [False]),
        ("my old PE teacher was great", [False]),
        ("my plan is to become a plumber", [True]),
        ("My uncle drive taxi. He say be a doctor, doctor is best. No.", [False]),
        ("Mum works at the hospital as a radiographer and she says do it", [False]),
        ("Evening. I'm Lee, 38. Plasterer, twenty years, self-employed", [False]),
        ("I'd like to work at the hospital as a radiographer", [True]),
    ],
)
def test_people_named_by_their_job_are_not_the_clients_ideas(text: str, own: list[bool]) -> None:
    mentions, _ = find_occupations(text)
    assert [m.own_idea for m in mentions] == own


def test_a_current_job_or_apprenticeship_is_not_an_idea_to_explore(
    start: Callable[..., GuidanceSession],
) -> None:
    result = analyse("I'm doing a plumbing apprenticeship but I want to switch to something else")
    assert [m.own_idea for m in result.occupations] == [False]
    session = start({"age": 19})
    talk(session, ["Hi", result.text])
    assert session.state.options == []
    assert session.state.agenda == ["switching to something else"]


# -- topics that are easy to mistake for one another ---------------------------------------


def test_barriers_named_as_barriers_are_barriers_not_values(
    start: Callable[..., GuidanceSession],
) -> None:
    result = analyse("Time and money are the main barriers")
    assert "barriers" in result.topic_ids()
    assert make_gist("Time and money are the main barriers", "values") == (
        "time and money are the main barriers"
    )
    session = start({"age": 34})
    talk(
        session,
        [
            "Hello",
            "I want a change of career",
            "Yes",
            "I enjoy helping customers solve problems",
            "I'm good at managing people",
            "I need to keep earning while I retrain",
            "I have two children",
        ],
    )
    replies = talk(session, ["My partner supports me", "Time and money are the main barriers"])
    assert "in the way" in replies[0]
    assert [f.text for f in session.state.facts["barriers"]] == [
        "Time and money are the main barriers"
    ]
    assert not session.state.facts.get("values") or all(
        "barriers" not in f.text for f in session.state.facts["values"]
    )
    assert "barriers matters" not in replies[1]


def test_wanting_parents_to_be_proud_is_not_a_strength_to_affirm(
    start: Callable[..., GuidanceSession],
) -> None:
    result = analyse("I want to be creative and I want my parents to be proud")
    assert "strengths" not in result.topic_ids()
    assert analyse("I'm proud of my art project").topic_ids() == ["strengths"]
    session = start({"year_group": 12})
    talk(
        session,
        ["Hi", "I want to talk about my options", "Yes", "I love art", "I'm good at drawing"],
    )
    turn = session.reply("I want to be creative and I want my parents to be proud")
    assert turn.move == "reflection"
    assert "proud of" not in turn.text and "you want your parents to be proud" in turn.text


def test_mentioning_a_family_member_is_not_saying_what_they_think() -> None:
    assert "influences" not in analyse("I live with my mum").topic_ids()
    assert "influences" not in analyse("I look after my mum because she is ill").topic_ids()
    assert "influences" in analyse("My teacher thinks I could be a nurse").topic_ids()
    assert analyse("I've moved back home with my parents").topic_ids() == ["circumstances"]


def test_earning_soon_or_a_part_time_job_is_not_a_wish_for_high_pay_or_part_time_work() -> None:
    assert criteria_of("I want to earn money soon") == ["earn_soon"]
    assert "flexibility" not in analyse("I work part time at a garage on Saturdays").criteria
    assert "flexibility" in analyse("I want part time hours").criteria


# -- one question at a time, never the same one twice running --------------------------------


def test_an_answer_about_something_else_is_not_met_with_the_same_invitation(
    start: Callable[..., GuidanceSession],
) -> None:
    session = start({"year_group": 11, "needs": ["young_carer"]})
    replies = talk(
        session,
        [
            "Hi",
            "I want to talk about what to do after my GCSEs",
            "Yes",
            "I like helping people, I look after my mum because she is ill",
            "I'm good at caring and listening, and I'm organised",
            "I want a job helping people, and I need to stay close to home",
            "I care for my mum so I can't travel far or study away",
            "My teacher thinks I could be a nurse",
        ],
    )
    in_the_way = ["in the way" in reply for reply in replies]
    assert not any(a and b for a, b in itertools.pairwise(in_the_way))


def test_the_next_topic_skips_the_one_just_asked() -> None:
    stage = load_interview().stage("exploration")
    known = {
        topic: [Fact(topic=topic, gist="x", text="x", turn=1)]
        for topic in ("interests", "strengths", "values")
    }
    s = SessionState(
        session_date=TODAY,
        stage="exploration",
        facts=known,  # type: ignore[arg-type]
        last_question_topic="circumstances",
    )
    assert next_topic(s, stage) == "circumstances"
    assert next_topic(s, stage, skip="circumstances") == "influences"


def test_a_reflection_gives_back_everything_the_message_said_on_the_topic(
    start: Callable[..., GuidanceSession],
) -> None:
    session = start({"year_group": 11})
    talk(
        session,
        [
            "Hi",
            "I want to talk about what to do after Year 11",
            "Yes",
            "I love drawing",
            "I'm good at art",
            "Money matters to me, I want a job that pays well. I also hate studying",
        ],
    )
    values = session.state.transcript[-1].text
    assert values.count("hate studying") == 1 and "pays well" in values
    turn = session.reply("I live with my mum and we don't have a car")
    assert turn.move == "reflection"
    turn = session.reply("My mum wants me to do A levels but my friends are going to college")
    assert "your mum wants you to do A levels" in turn.text
    assert "your friends are going to college" in turn.text


# -- information the client asked for ------------------------------------------------------


def test_jobs_asked_about_while_exploring_are_given_back_after_a_short_reply(
    start: Callable[..., GuidanceSession],
) -> None:
    session = start({"year_group": 10})
    talk(
        session,
        [
            "Hi",
            "I want to talk about jobs that pay well",
            "Yes",
            "I love science and helping people",
            "How much do nurses earn?",
            "How much do electricians earn?",
        ],
    )
    turn = session.reply("ok")
    assert (turn.stage, turn.move) == ("exploration", "reflection")
    assert "nurse" in turn.text and "electrician" in turn.text


def test_a_question_about_a_family_of_jobs_is_answered_for_a_few_of_them(
    start: Callable[..., GuidanceSession],
) -> None:
    session = start({"year_group": 11})
    talk(session, ["Hello", "I want to talk about what to do after Year 11", "Yes"])
    turn = session.reply("Can I do an apprenticeship to become an engineer?")
    assert (turn.move, turn.variant) == ("information", "family")
    assert "start through an apprenticeship" in turn.text
    records = [lmi.get(c.citation.source.split("/", 1)[1]) for c in turn.citations]
    assert len(records) == 3
    for record in records:
        assert record.title.lower() in turn.text.lower()
        assert "apprenticeship" in {route.route for route in record.entry_routes}
    assert turn.text.endswith("?")


def test_the_same_family_word_after_which_job_gets_a_few_jobs_with_their_pay(
    start: Callable[..., GuidanceSession],
) -> None:
    session = start({"year_group": 11})
    talk(
        session,
        [
            "Hi",
            "I want to talk about jobs",
            "Yes",
            "I like maths",
            "I'm good at maths",
            "Good money is important for me",
            "I live with my uncle",
            "My family want me to be an accountant",
            "My English is not so good",
        ],
    )
    which = session.reply("Yes. I think about being an accountant")
    assert which.variant == "which_job"
    pay = session.reply("How much do accountants earn?")
    assert (pay.move, pay.variant) == ("information", "family")
    assert pay.text.count("£") >= 4 and "National Careers Service" in pay.text
    assert all(c.citation.source.startswith("lmi/") for c in pay.citations)


# -- widening: related jobs --------------------------------------------------------------


def related(session: GuidanceSession, count: int = 3) -> list[lmi.OccupationRecord]:
    writer = DraftWriter(
        phrases=session.phrases,
        interview=session.interview,
        knowledge=session.knowledge,
        state=session.state,
        analysis=analyse("ok"),
        plain=False,
    )
    return writer.related_occupations(count)


def test_related_jobs_share_the_field_of_the_job_discussed_not_just_a_word(
    start: Callable[..., GuidanceSession],
) -> None:
    session = start({"year_group": 12})
    talk(
        session,
        [
            "Hi",
            "I'm doing a plumbing apprenticeship but I want to switch to something else",
            "Yes",
            "I like working outdoors and with plants",
            "I'm good at practical work and I'm reliable",
            "Yes. I was thinking about being a gardener",
        ],
    )
    assert session.state.focus_option == "gardener"
    gardener = lmi.get("gardener")
    suggestions = related(session)
    assert len(suggestions) == 3
    # "plants" once brought "Chemical plant process operator": a word, not a field
    for record in suggestions:
        assert set(record.job_categories) & set(gardener.job_categories), record.title
    assert "gardener" not in [r.id for r in suggestions]
    routes = {route.route for r in suggestions for route in r.entry_routes}
    assert routes & {"college", "apprenticeship"}


def test_related_jobs_for_an_accountant_are_in_nearby_occupation_groups(
    start: Callable[..., GuidanceSession],
) -> None:
    session = start({"year_group": 11})
    talk(
        session,
        [
            "Hi",
            "I want to talk about jobs",
            "Yes",
            "I like maths and numbers",
            "I'm good at maths",
            "Yes. I was thinking about being a management accountant",
        ],
    )
    assert session.state.focus_option == "management-accountant"
    # not "Advertising account executive" (the word "account") or "Building control officer"
    for record in related(session):
        primary = record.primary_soc2020
        assert primary is not None and primary.code[:2] == "24", record.title


# -- summaries and challenges --------------------------------------------------------------


def test_the_exploration_summary_does_not_list_a_criterion_already_said(
    start: Callable[..., GuidanceSession],
) -> None:
    session = start({"year_group": 13})
    replies = talk(
        session,
        [
            "Hello",
            "I want to talk about what to do after sixth form",
            "Yes",
            "I like helping people and science",
            "I'm good at biology and I'm patient",
            "I want a job helping people that pays a fair wage",
            "I live with my family",
            "My teacher thinks I could work in healthcare",
            "Not really",
        ],
    )
    summary = replies[-1]
    assert session.state.transcript[-1].move == "summary"
    assert summary.count("helping people") == 2  # interests and values, in the client's words
    assert "So options need to fit" not in summary and "needs helping people" not in summary


def test_a_job_with_one_way_in_is_challenged_in_words_for_one(
    start: Callable[..., GuidanceSession],
) -> None:
    session = start({"year_group": 13})
    talk(
        session,
        [
            "Hi",
            "I want to talk about what to do after sixth form",
            "Yes",
            "I like helping people and science",
            "I'm good at biology",
            "I hate exams and I don't want to study for years. I want to earn money soon",
            "I live with my mum",
            "My mum wants me to be a doctor",
            "Not really",
            "Yes. I was thinking about being a doctor",
        ],
    )
    turn = session.reply("That sounds good")
    assert turn.move == "challenge"
    assert "the only way listed to become a hospital doctor is university" in turn.text


# -- a model's rewording ------------------------------------------------------------------


class WordyResponder(RecordingResponder):
    """A backend that keeps the draft and adds a warm preamble of ``extra`` words."""

    name = "wordy"

    def __init__(self, extra: int) -> None:
        super().__init__()
        self.extra = extra

    def respond(self, request: ResponseRequest) -> str:
        self.requests.append(request)
        preamble = " ".join(["Thanks"] + ["really"] * (self.extra - 2) + ["helpful."])
        return f"{preamble} {request.draft}"


@pytest.mark.parametrize(("extra", "used"), [(75, True), (300, False)])
def test_a_short_draft_may_be_reworded_within_the_reply_budget(
    start: Callable[..., GuidanceSession], extra: int, used: bool
) -> None:
    responder = WordyResponder(extra)
    session = start({"year_group": 11}, backend=responder)
    talk(session, ["Hi", "I want to talk about what to do after Year 11"])
    turn = session.reply("Yes")
    assert len(words(responder.requests[-1].draft)) < 15  # the question's draft is short
    assert (turn.fallback is None) is used
    if used:
        assert 80 <= len(words(turn.text)) <= 100
    else:
        assert "far longer" in (turn.fallback or "")


def test_the_policy_still_chooses_which_job_for_a_family_word_said_in_passing() -> None:
    s = SessionState(
        session_date=TODAY,
        contract_items=["purpose", "time", "confidentiality"],
        agenda=["x"],
        agenda_agreed=True,
        stage="options_and_challenge",
        client_turns=10,
        stage_client_turns=1,
    )
    mentions, ambiguous = find_occupations("I was thinking about being an engineer")
    message = MessageAnalysis(
        text="I was thinking about being an engineer", content_words=3, ambiguous=ambiguous
    )
    assert not mentions
    assert choose_move(s, message).variant == "which_job"
    again = s.model_copy(update={"last_move": "closed_question", "last_variant": "which_job"})
    assert choose_move(again, message).variant == "family"
