"""One table per stage of the interview (``prompts/interview/stages.yaml``)."""

from __future__ import annotations

from guidance_assistant.interview.policy.move import Move
from guidance_assistant.interview.policy.rule import (
    Rule,
    advance_to,
    always,
    make_move,
    summary_or_advance,
)
from guidance_assistant.interview.policy.situation import Situation

# ------------------------------------------------------------------------------- contracting

CONTRACTING: tuple[Rule, ...] = (
    Rule(
        "contracting.opening",
        lambda s: s.contract_missing,
        lambda s: make_move(
            s,
            "contracting",
            "opening",
            "open the session: purpose, time, confidentiality and its limits, agenda",
            propose_stage="exploration" if s.state.agenda else None,
        ),
    ),
    Rule(
        "contracting.agreed",
        lambda s: s.state.agenda_agreed or not s.unmet,
        lambda s: summary_or_advance(s, "agenda agreed"),
    ),
    Rule(
        "contracting.turn_limit",
        lambda s: s.at_turn_limit,
        lambda s: summary_or_advance(s, "time to start: contracting turn limit"),
    ),
    Rule(
        "contracting.agenda_revise",
        lambda s: s.has("disagree") and s.last_variant in ("agenda_check", "opening"),
        lambda s: make_move(
            s, "contracting", "agenda_revise", "the client wants a different focus"
        ),
    ),
    Rule(
        "contracting.agenda_check",
        lambda s: (
            bool(s.state.agenda) and (not s.has("dont_know") or s.analysis.content_words >= 4)
        ),
        lambda s: make_move(
            s,
            "contracting",
            "agenda_check",
            "check the agenda before moving on",
            propose_stage="exploration",
        ),
    ),
    Rule(
        "contracting.greeting",
        lambda s: s.has("greeting") and not s.state.agenda,
        lambda s: make_move(
            s,
            "contracting",
            "agenda_question",
            "a greeting: ask what the client wants from today",
        ),
    ),
    Rule(
        "contracting.agenda_offer",
        lambda s: s.has("dont_know") or s.last_variant in ("agenda_question", "opening"),
        lambda s: make_move(
            s,
            "contracting",
            "agenda_offer",
            "the client is unsure what to cover: offer a usual shape",
            propose_stage="exploration",
        ),
    ),
    Rule(
        "contracting.agenda_question",
        always,
        lambda s: make_move(s, "contracting", "agenda_question", "agenda not yet set"),
    ),
)


# ------------------------------------------------------------------------------- exploration


def _exploration_exit_reason(s: Situation) -> str:
    if not s.unmet:
        return "exploration exit criteria met"
    if s.upcoming is None:
        return "every topic explored or asked about (" + "; ".join(s.unmet) + ")"
    return "exploration turn limit reached (" + "; ".join(s.unmet) + ")"


EXPLORATION: tuple[Rule, ...] = (
    Rule(
        "exploration.start",
        lambda s: s.entered and not s.new_facts and not s.feeling,
        lambda s: make_move(
            s,
            "open_question",
            "topic",
            f"start exploring: {s.upcoming or s.stage.topics[0].id}",
            topic=s.upcoming or s.stage.topics[0].id,
        ),
    ),
    Rule(
        "exploration.client_way_forward",
        lambda s: s.way_forward and bool(s.state.decisions),
        # The client has said which way they will go (or set dated steps): follow them into
        # planning now, rather than asking for more views or ideas.
        lambda s: advance_to(
            s,
            "decision_and_action_planning",
            "the client said which way they will go"
            + (" and set dated steps" if s.dated else "")
            + ": on to decision and action planning",
        ),
    ),
    Rule(
        "exploration.feeling",
        lambda s: s.feeling is not None,
        lambda s: make_move(
            s,
            "reflection",
            "feeling",
            f"the client expressed a feeling ({s.feeling}): reflect it",
            feeling=s.feeling,
            bridge="more" if not s.new_facts else s.upcoming,
        ),
    ),
    Rule(
        "exploration.steps_proposed",
        lambda s: bool(s.steps_this_turn and s.state.options),
        # The client is already proposing steps and has ideas to test: sum up, move on.
        lambda s: summary_or_advance(
            s,
            f"the client proposed {len(s.steps_this_turn)} step(s) and options are known: sum "
            "up and move towards options, decision and planning",
        ),
    ),
    Rule(
        "exploration.exit",
        lambda s: not s.unmet or s.upcoming is None or s.at_turn_limit,
        lambda s: summary_or_advance(s, _exploration_exit_reason(s)),
    ),
    Rule(
        "exploration.own_idea",
        lambda s: bool(s.own_ideas_this_turn),
        lambda s: make_move(
            s,
            "reflection",
            "idea",
            "the client named a job idea: note it for the options stage",
            occupation_ids=s.own_ideas_this_turn[:1],
            bridge=s.upcoming,
        ),
    ),
    Rule(
        "exploration.suggested_idea",
        lambda s: bool(s.suggested) and "influences" in s.topics_now,
        lambda s: make_move(
            s,
            "reflection",
            "suggested_idea",
            "someone else suggested a job: reflect whose idea it is",
            occupation_ids=s.suggested[:1],
            bridge=s.upcoming,
        ),
    ),
    Rule(
        "exploration.strength",
        lambda s: "strengths" in s.topics_now and s.stage.allows("affirmation"),
        lambda s: make_move(
            s,
            "affirmation",
            "strengths",
            "the client named a strength: affirm it",
            topic="strengths",
            bridge=s.upcoming,
        ),
    ),
    Rule(
        "exploration.reflect_topic",
        lambda s: bool(s.new_facts),
        lambda s: make_move(
            s,
            "reflection",
            "topic",
            f"the client talked about {_reflected_topic(s)}: reflect before asking more",
            topic=_reflected_topic(s),
            bridge=s.upcoming,
        ),
    ),
    Rule(
        "exploration.reflect_asked_jobs",
        # "ok" after an answer about a job: give back the jobs they are curious about, then go
        # on exploring (they are looked at properly in the options stage).
        lambda s: (
            s.state.last_move == "information"
            and s.last_variant in ("occupation", "family")
            and bool(s.asked_about)
            and not s.analysis.is_question
            and not s.analysis.criteria
            and not s.substantive
        ),
        lambda s: make_move(
            s,
            "reflection",
            "ideas",
            "the client took in the information: reflect the jobs they asked about",
            occupation_ids=s.asked_about[:3],
            bridge=s.upcoming,
        ),
    ),
    Rule(
        "exploration.criteria",
        lambda s: bool(s.analysis.criteria),
        lambda s: make_move(
            s, "reflection", "criteria", "the client said what matters to them", bridge=s.upcoming
        ),
    ),
    Rule(
        "exploration.dont_know",
        lambda s: s.has("dont_know"),
        lambda s: make_move(
            s,
            "open_question",
            "alternative",
            "the client was unsure: ask from another angle",
            topic=s.state.last_question_topic or s.upcoming,
        ),
    ),
    Rule(
        "exploration.excited",
        lambda s: "excited" in s.analysis.feelings,
        lambda s: make_move(
            s,
            "reflection",
            "feeling",
            "the client sounds excited: reflect it",
            feeling="excited",
            bridge=s.upcoming,
        ),
    ),
    Rule(
        "exploration.content",
        lambda s: s.substantive,
        lambda s: make_move(
            s,
            "reflection",
            "content",
            "the client is talking: reflect rather than ask",
            bridge=s.upcoming,
        ),
    ),
    Rule(
        "exploration.short_answer",
        always,
        lambda s: make_move(
            s,
            "open_question",
            "topic",
            f"short answer: ask about {s.upcoming}",
            topic=s.upcoming,
        ),
    ),
)


def _reflected_topic(s: Situation) -> str:
    preferred = s.state.last_question_topic
    return preferred if preferred in s.topics_now else s.topics_now[0]


# ----------------------------------------------------------------------- options and challenge


def _ask_ideas(s: Situation) -> Move:
    first = s.criteria_known or not s.state.asked_for_ideas
    return make_move(
        s,
        "open_question",
        "ideas" if first else "topic",
        "ask for the client's own ideas first"
        if first
        else "no criteria yet: ask what matters before suggesting options",
        topic=None if first else "values",
    )


def _challenge(s: Situation) -> Move:
    assert s.discrepancy_to_name is not None
    discrepancy, option = s.discrepancy_to_name
    return make_move(
        s,
        "challenge",
        discrepancy.kind,
        f"discrepancy: {discrepancy.criterion_id} vs {option.title}",
        discrepancy=discrepancy,
        occupation_ids=[discrepancy.occupation_id],
    )


OPTIONS: tuple[Rule, ...] = (
    Rule(
        "options.new_own_idea",
        lambda s: bool(s.own_unpresented_now),
        lambda s: make_move(
            s,
            "information",
            "occupation",
            "a new option: present its routes and pay side by side, with citations",
            occupation_ids=s.own_unpresented_now[:1],
        ),
    ),
    Rule(
        "options.which_job_show",
        lambda s: (
            bool(s.analysis.ambiguous)
            and not s.analysis.own_occupations
            and s.last_variant == "which_job"
        ),
        # Asked which one already: show a few rather than ask again.
        lambda s: make_move(
            s,
            "information",
            "family",
            f"'{s.analysis.ambiguous[0].phrase}' still covers several jobs: show a few",
            candidates=s.analysis.ambiguous[0].candidates,
            info_kinds=list(s.analysis.info_kinds),
        ),
    ),
    Rule(
        "options.which_job",
        lambda s: bool(s.analysis.ambiguous) and not s.analysis.own_occupations,
        lambda s: make_move(
            s,
            "closed_question",
            "which_job",
            f"'{s.analysis.ambiguous[0].phrase}' could mean several jobs",
            candidates=s.analysis.ambiguous[0].candidates,
        ),
    ),
    Rule(
        "options.start_with_their_idea",
        lambda s: s.entered and bool(s.unpresented or s.unpresented_any),
        lambda s: make_move(
            s,
            "information",
            "occupation",
            "start with the client's own idea: routes and pay, with citations",
            occupation_ids=[(s.unpresented or s.unpresented_any)[0].occupation_id],
        ),
    ),
    Rule(
        "options.start_widening",
        lambda s: (
            s.entered
            and not s.state.options
            and s.has("dont_know")
            and s.criteria_known
            and not s.way_forward  # the client has said which way they will go: follow them
        ),
        lambda s: make_move(
            s,
            "information",
            "widening",
            "no ideas yet: widen from the client's interests and criteria",
        ),
    ),
    Rule(
        "options.start_asking_ideas",
        lambda s: s.entered and not s.state.options and not s.way_forward,
        lambda s: make_move(s, "open_question", "ideas", "ask for the client's own ideas first"),
    ),
    Rule(
        "options.challenge",
        lambda s: (
            s.stage.allows("challenge")
            and s.state.client_turns >= s.practice.challenge_after_client_turns
            and s.discrepancy_to_name is not None
        ),
        _challenge,
    ),
    Rule(
        "options.client_way_forward",
        lambda s: s.way_forward,
        # The client has said which way they will go (or set dated steps): follow them into
        # planning now, rather than asking for more views or ideas.
        lambda s: advance_to(
            s,
            "decision_and_action_planning",
            "the client said which way they will go"
            + (" and set dated steps" if s.dated else "")
            + ": on to decision and action planning",
        ),
    ),
    Rule(
        "options.feeling",
        lambda s: s.feeling is not None,
        lambda s: make_move(
            s,
            "reflection",
            "feeling",
            f"the client expressed a feeling ({s.feeling}): reflect it",
            feeling=s.feeling,
            bridge="more",
        ),
    ),
    Rule(
        "options.exit",
        lambda s: not s.unmet or s.at_turn_limit,
        lambda s: summary_or_advance(
            s, "options exit criteria met" if not s.unmet else "options turn limit reached"
        ),
    ),
    Rule(
        "options.reflect_view",
        lambda s: (
            s.focus is not None
            and s.focus.client_view is not None
            and s.analysis.option_view is not None
        ),
        lambda s: make_move(
            s,
            "reflection",
            "option_view",
            "the client gave their view of an option: reflect it",
            occupation_ids=[s.focus.occupation_id] if s.focus else [],
            bridge="compare" if s.widen_next else "decide",
        ),
    ),
    Rule(
        "options.widen_without_ideas",
        lambda s: (
            not s.state.options
            and (s.state.asked_for_ideas or s.has("dont_know") or s.last_variant == "family")
            and s.criteria_known
        ),
        lambda s: make_move(
            s,
            "information",
            "widening",
            "no ideas yet: widen from the client's interests and criteria",
        ),
    ),
    Rule("options.ask_ideas", lambda s: not s.state.options, _ask_ideas),
    Rule(
        "options.present_next",
        lambda s: bool(s.unpresented),
        lambda s: make_move(
            s,
            "information",
            "occupation",
            "present the next option the client named",
            occupation_ids=[s.unpresented[0].occupation_id],
        ),
    ),
    Rule(
        "options.ask_view_after_information",
        lambda s: bool(s.waiting) and s.state.last_move == "information" and not s.substantive,
        lambda s: make_move(
            s,
            "open_question",
            "option_view",
            "ask what the client makes of the option",
            occupation_ids=[s.waiting[0].occupation_id],
        ),
    ),
    Rule(
        "options.widen",
        lambda s: s.widen_next and s.criteria_known,
        lambda s: make_move(
            s,
            "information",
            "widening",
            "only one option so far: widen with related jobs and routes",
        ),
    ),
    Rule(
        "options.ask_view",
        lambda s: bool(s.waiting),
        lambda s: make_move(
            s,
            "open_question",
            "option_view",
            "ask what the client makes of the option",
            occupation_ids=[s.waiting[0].occupation_id],
        ),
    ),
    Rule(
        "options.reflect_content",
        lambda s: s.substantive,
        lambda s: make_move(
            s,
            "reflection",
            "content",
            "reflect what the client said about the options",
            bridge="decide",
        ),
    ),
    Rule(
        "options.invite_decision",
        always,
        lambda s: make_move(
            s, "open_question", "decision", "invite the client to say which options appeal"
        ),
    ),
)


# ------------------------------------------------------------- decision and action planning

_INVITE_STEP = "turn the decision into a first step"


def _still_undated(s: Situation, *, after: str) -> bool:
    """An action still has no date, the client is not done, and the last move was ``after``."""
    return (
        s.state.undated_action() is not None and not s.has("finished") and s.last_variant == after
    )


DECISION: tuple[Rule, ...] = (
    Rule(
        "decision.ask",
        lambda s: not s.state.decisions and (s.entered or not s.has("dont_know")),
        lambda s: make_move(
            s,
            "open_question",
            "decision",
            "the decision belongs to the client: ask which way they want to go",
        ),
    ),
    Rule(
        "decision.undecided",
        lambda s: not s.state.decisions,
        lambda s: make_move(
            s,
            "reflection",
            "dont_know",
            "the client is undecided: keeping options open is a decision too",
            bridge="decide",
        ),
    ),
    Rule(
        "decision.review_steps",
        lambda s: s.decided_now and bool(s.dated) and s.last_variant != "review",
        lambda s: make_move(
            s,
            "action_planning",
            "review",
            "the client already set dated steps: check them against the decision",
        ),
    ),
    Rule(
        "decision.first_step",
        lambda s: s.decided_now,
        lambda s: make_move(s, "action_planning", "invite", _INVITE_STEP),
    ),
    Rule(
        "decision.action_needs_date",
        lambda s: bool(s.new_actions) and s.new_actions[-1].when is None,
        lambda s: make_move(s, "closed_question", "action_date", "SMART: the action needs a date"),
    ),
    Rule(
        "decision.enough_actions",
        lambda s: bool(s.new_actions) and len(s.state.actions) >= s.stage.max_actions,
        lambda s: summary_or_advance(s, "enough actions agreed"),
    ),
    Rule(
        "decision.confirm_action",
        lambda s: bool(s.new_actions),
        lambda s: make_move(
            s, "action_planning", "confirm", "action agreed with what, who and when"
        ),
    ),
    Rule(
        "decision.entered",
        lambda s: s.entered,
        lambda s: make_move(s, "action_planning", "invite", _INVITE_STEP),
    ),
    Rule(
        "decision.offer_date",
        lambda s: _still_undated(s, after="action_date"),
        lambda s: make_move(
            s,
            "closed_question",
            "action_date_offer",
            "SMART: no date given, so suggest one the client can accept or change",
        ),
    ),
    Rule(
        "decision.ask_date_again",
        lambda s: _still_undated(s, after="action_date_offer"),
        lambda s: make_move(
            s, "closed_question", "action_date", "SMART: the action still needs a date"
        ),
    ),
    Rule(
        "decision.done",
        lambda s: bool(s.dated) and (s.has("finished", "disagree", "thanks") or s.at_turn_limit),
        lambda s: summary_or_advance(s, "actions agreed; the client is done"),
    ),
    Rule(
        "decision.no_further_step",
        lambda s: bool(s.dated) and s.last_variant == "ask_what",
        lambda s: summary_or_advance(s, "no further step given"),
    ),
    Rule(
        "decision.another_step",
        lambda s: bool(s.dated) and s.has("agree") and s.last_variant in ("confirm", "review"),
        lambda s: make_move(s, "action_planning", "ask_what", "the client wants another step"),
    ),
    Rule(
        "decision.turn_limit",
        lambda s: s.state.stage_client_turns + 1 >= s.stage.max_client_turns * 2,
        lambda s: summary_or_advance(s, "decision stage turn limit reached"),
    ),
    Rule(
        "decision.suggest_step",
        lambda s: s.has("dont_know") or s.last_variant == "invite",
        lambda s: make_move(
            s,
            "action_planning",
            "suggest",
            "offer a concrete example step; the client chooses",
        ),
    ),
    Rule(
        "decision.invite_step",
        always,
        lambda s: make_move(
            s, "action_planning", "invite", "ask for a first step, who does it and by when"
        ),
    ),
)


# ------------------------------------------------------------------------------------- close

CLOSE: tuple[Rule, ...] = (
    Rule(
        "close.summary",
        lambda s: s.entered or s.stage.id not in s.state.summaries,
        lambda s: make_move(
            s,
            "summary",
            "close",
            "close: summarise the session and agree the next contact",
        ),
    ),
    Rule(
        "close.goodbye",
        lambda s: s.state.next_contact_agreed or s.at_turn_limit,
        lambda s: make_move(
            s, "affirmation", "goodbye", "close: written plan offered, positive ending"
        ),
    ),
    Rule(
        "close.next_contact",
        always,
        lambda s: make_move(s, "closed_question", "next_contact", "agree the next contact"),
    ),
)


#: One table per stage, by stage id.
STAGE_TABLES: dict[str, tuple[Rule, ...]] = {
    "contracting": CONTRACTING,
    "exploration": EXPLORATION,
    "options_and_challenge": OPTIONS,
    "decision_and_action_planning": DECISION,
    "close": CLOSE,
}

#: A question asked the same way a third time would be nagging: sum up and move on.
NO_NAGGING = Rule(
    "stage.no_nagging",
    always,
    lambda s: summary_or_advance(s, "the client is not ready to say more here"),
)
