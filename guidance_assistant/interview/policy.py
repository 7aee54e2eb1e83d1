"""The policy: which move (micro-skill) the adviser makes next. Pure: no I/O, no randomness.

:func:`choose_move` looks, in this order, at

1. **safety**: a safeguarding disclosure in the message, or a flag still open (the gentle stance
   until an adviser clears it); then a message that sounds worrying without being a disclosure
   (``MessageAnalysis.distress``: a concern from :mod:`~guidance_assistant.safeguarding.screen`):
   a check-in that restates the limits of confidentiality, at most once every
   :data:`CHECK_IN_GAP` client turns; a request for secrecy after it gets those limits again;
2. **what the client did**: an empty message, a request outside careers guidance or an attempt to
   change the rules (a short redirect to the session's purpose), a question about a job or about
   education (information, from the knowledge base, with a citation), asking the adviser to choose
   (not before the client's own criteria are known), a feeling (a reflection);
3. **what the stage needs** (``prompts/interview/stages.yaml``): the next exploration topic, a
   reflection or affirmation of what the client just said (more often than a new question once
   the client talks), options widened and tested, a discrepancy named (challenge), a decision and
   dated actions, the close. When a stage's exit criteria are met the adviser summarises and
   proposes moving on; the client's agreement makes the transition, which is recorded.

The client's profile is read only for needs (plain language, questions that fit); never the
name or gender.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from guidance_assistant.interview.model import (
    FeelingKind,
    InfoKind,
    InterviewModel,
    MoveKind,
    StageId,
    StageSpec,
    TopicId,
    load_interview,
)
from guidance_assistant.interview.reading import MessageAnalysis
from guidance_assistant.interview.state import Discrepancy, SessionState

NEGATIVE_FEELINGS: tuple[FeelingKind, ...] = (
    "worried",
    "low",
    "frustrated",
    "pressured",
    "confused",
)

#: A check-in is not repeated until this many client turns after the last one.
CHECK_IN_GAP = 3


class Move(BaseModel):
    """The adviser's next move, with everything the draft writer needs to word it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: MoveKind
    stage: StageId = Field(description="The stage the move is made in.")
    variant: str = Field(description="Which form of the move, e.g. 'opening', 'topic', 'pay'.")
    reason: str = Field(description="Why this move, in words an adviser understands.")
    topic: TopicId | None = None
    bridge: str | None = Field(
        default=None, description="Topic (or 'more', 'compare', 'decide') invited at the end."
    )
    feeling: FeelingKind | None = None
    occupation_ids: list[str] = Field(default_factory=list)
    info_kinds: list[InfoKind] = Field(default_factory=list)
    query: str | None = None
    discrepancy: Discrepancy | None = None
    candidates: list[tuple[str, str]] = Field(default_factory=list)
    enter_stage: StageId | None = Field(
        default=None, description="The stage the interview moves to with this move."
    )
    transition_reason: str | None = None
    propose_stage: StageId | None = Field(
        default=None, description="The stage this move proposes moving to (after agreement)."
    )
    resume: bool = Field(default=False, description="Repeat the open question afterwards.")


# ---------------------------------------------------------------------------- exit criteria


def unmet_criteria(state: SessionState, stage: StageSpec) -> list[str]:
    """The exit criteria of ``stage`` that ``state`` does not yet meet, in words."""
    unmet: list[str] = []
    known = state.known_topics()
    for criterion in stage.exit_criteria:
        if criterion.kind == "contract_explained":
            missing = [item for item in criterion.items if item not in state.contract_items]
            if missing:
                unmet.append(f"not yet explained: {', '.join(missing)}")
        elif criterion.kind == "agenda_agreed":
            if not state.agenda_agreed:
                unmet.append("agenda not agreed")
        elif criterion.kind == "topics_known":
            absent = [topic for topic in criterion.topics if topic not in known]
            needed = min(criterion.min_count, len(stage.topics) or criterion.min_count)
            if absent:
                unmet.append(f"topics not yet explored: {', '.join(absent)}")
            if len(known) < needed:
                unmet.append(f"{len(known)} of {needed} topics explored")
        elif criterion.kind == "criteria_known":
            count = len(state.criteria) or len(state.facts.get("values", []))
            if count < criterion.min_count:
                unmet.append("the client's own criteria are not yet known")
        elif criterion.kind == "options_considered":
            considered = [
                o
                for o in state.options
                if o.presented and (o.client_view is not None or not criterion.with_client_view)
            ]
            if len(considered) < criterion.min_count:
                unmet.append("no option looked at with the client's view of it yet")
        elif criterion.kind == "options_widened":
            if not (state.widened or len(state.options) >= 2 or state.decisions):
                unmet.append("options not yet widened")
        elif criterion.kind == "discrepancies_named":
            if state.unnamed_discrepancies():
                unmet.append("a discrepancy has not been named")
        elif criterion.kind == "decision_made":
            if not state.decisions:
                unmet.append("no decision yet")
        elif criterion.kind == "actions_agreed":
            actions = state.dated_actions() if criterion.dated else state.actions
            if len(actions) < criterion.min_count:
                unmet.append("no dated action yet" if criterion.dated else "no action yet")
        elif criterion.kind == "next_contact_agreed":
            if not state.next_contact_agreed:
                unmet.append("next contact not agreed")
        elif criterion.kind == "summary_given":
            if stage.id not in state.summaries:
                unmet.append("no summary yet")
        elif criterion.kind == "plan_offered" and not state.plan_offered:
            unmet.append("written plan not yet offered")
    return unmet


def next_topic(
    state: SessionState, stage: StageSpec, *, skip: TopicId | None = None
) -> TopicId | None:
    """The first exploration topic not yet known and not asked too often (other than
    ``skip``: the topic just asked about, so that an answer about something else is not met
    with the same question again)."""
    for topic in stage.topics:
        if topic.id == skip:
            continue
        if (
            not state.facts.get(topic.id)
            and state.asked.get(topic.id, 0) < stage.max_asks_per_topic
        ):
            return topic.id
    return None


def resolve_stage(state: SessionState, analysis: MessageAnalysis) -> tuple[StageId, str | None]:
    """The stage this message belongs to: a proposed transition happens unless the client
    disagrees (or the message is about something else entirely)."""
    pending = state.pending_transition
    implicit = False
    if (
        pending is None
        and state.stage == "contracting"
        and state.agenda
        and state.agenda_turn != state.client_turns
        and state.stage_client_turns >= 1
        and not _contract_missing(state)
        and (analysis.content_words >= 3 or analysis.topics or analysis.occupations)
    ):
        # The client stated what they want from today and now keeps talking: start exploring.
        # (Not when this very message stated it: the adviser checks a new focus first.)
        pending, implicit = "exploration", True
    if pending is None or analysis.empty or state.active_flag is not None:
        return state.stage, None
    if analysis.safeguarding is not None and analysis.safeguarding.flagged:
        return state.stage, None
    if analysis.has("off_topic", "injection", "about_adviser"):
        return state.stage, None
    if analysis.has("disagree") and not analysis.has("finished"):
        return state.stage, None
    if analysis.has("ask_information", "ask_framework") and not analysis.has("agree"):
        return state.stage, None
    if state.stage == "contracting" and not analysis.has("agree"):
        if analysis.agenda_change:
            return state.stage, None  # a new or changed agenda: check it before moving on
        if analysis.content_words >= 2 or analysis.topics or analysis.occupations or implicit:
            said = _content_label(analysis)
            return pending, (
                f"agenda stated ({state.agenda[0] if state.agenda else 'today'}); the client went "
                f"on to talk about {said}, taken as agreement to the agenda"
            )
    source = "agenda check" if state.stage == "contracting" else "summary"
    why = state.pending_reason or "exit criteria met"
    return pending, f"{why}; the client agreed after the {source}"


def _content_label(analysis: MessageAnalysis) -> str:
    topics = [str(topic) for topic in analysis.topic_ids()]
    if analysis.occupations:
        topics.append("a job idea")
    if analysis.criteria:
        topics.append("what matters to them")
    if not topics:
        return "their situation"
    return ", ".join(topics[:-1]) + (" and " if len(topics) > 1 else "") + topics[-1]


# ---------------------------------------------------------------------------------- policy


def _entered(state: SessionState) -> bool:
    return (
        state.stage_client_turns == 0
        and bool(state.transitions)
        and (
            state.transitions[-1].to_stage == state.stage
            and state.transitions[-1].turn == state.client_turns
        )
    )


def _this_turn_facts(state: SessionState) -> list[tuple[TopicId, int]]:
    found: list[tuple[TopicId, int]] = []
    for topic, facts in state.facts.items():
        for index, fact in enumerate(facts):
            if fact.turn == state.client_turns:
                found.append((topic, index))
    return found


def checked_in_recently(state: SessionState) -> bool:
    """Whether the adviser checked in within the last :data:`CHECK_IN_GAP` client turns."""
    return any(
        note.checked_in and state.client_turns - note.turn < CHECK_IN_GAP for note in state.concerns
    )


def _negative_feeling(analysis: MessageAnalysis) -> FeelingKind | None:
    return next((f for f in analysis.feelings if f in NEGATIVE_FEELINGS), None)


def _summary_or_advance(
    state: SessionState, stage: StageSpec, interview: InterviewModel, reason: str
) -> Move:
    following = interview.next_stage(stage.id)
    if following is None:
        return Move(kind="affirmation", stage=stage.id, variant="goodbye", reason=reason)
    if stage.summary_on_exit and stage.allows("summary"):
        return Move(
            kind="summary",
            stage=stage.id,
            variant="stage",
            reason=reason,
            propose_stage=following.id,
        )
    inner = _stage_move(
        state.model_copy(update={"stage": following.id, "stage_client_turns": 0}),
        MessageAnalysis(text=""),
        interview,
        entered=True,
    )
    return inner.model_copy(update={"enter_stage": following.id, "transition_reason": reason})


def choose_move(
    state: SessionState, analysis: MessageAnalysis, *, interview: InterviewModel | None = None
) -> Move:
    """The adviser's next move for ``state`` after the client's message (see the module docs).

    ``state`` should already hold what the message said (the session updates it first); a
    pending transition the client agrees to is taken here too (``Move.enter_stage``).
    """
    interview = interview or load_interview()
    stage_id = state.stage
    result = analysis.safeguarding
    if result is not None and result.flagged:
        return Move(
            kind="safeguarding_response",
            stage=stage_id,
            variant="escalation",
            reason=f"safeguarding concern ({result.category}): normal guidance stops",
        )
    if state.active_flag is not None:
        return Move(
            kind="safeguarding_response",
            stage=stage_id,
            variant="holding",
            reason="a safeguarding flag is open until an adviser clears it",
        )
    if analysis.empty:
        return Move(
            kind="contracting", stage=stage_id, variant="empty_prompt", reason="empty message"
        )
    if analysis.distress is not None and analysis.secrecy_request:
        return Move(
            kind="open_question",
            stage=stage_id,
            variant="secrecy_limits",
            reason="asked for secrecy after a worrying remark: the limits of confidentiality, "
            "kindly, never agreement",
        )
    if analysis.distress is not None and not checked_in_recently(state):
        return Move(
            kind="open_question",
            stage=stage_id,
            variant="check_in",
            reason=f"possible concern (score {analysis.distress:.2f}, not a disclosure): "
            "acknowledge, restate the limits of confidentiality, check in gently",
        )
    if state.last_variant == "flag_cleared" and not analysis.has(
        "ask_information", "ask_framework"
    ):
        return Move(
            kind="contracting",
            stage=stage_id,
            variant="resume",
            reason="the adviser cleared the safeguarding flag: gently re-contract",
            resume=True,
        )
    if analysis.has("injection"):
        return Move(
            kind="contracting",
            stage=stage_id,
            variant="injection",
            reason="the message tried to change the rules; they do not change",
            resume=True,
        )
    if analysis.has("off_topic"):
        return Move(
            kind="contracting",
            stage=stage_id,
            variant="redirect",
            reason="request outside careers guidance: redirect to the session's purpose",
            resume=True,
        )
    if analysis.has("about_adviser"):
        return Move(
            kind="contracting",
            stage=stage_id,
            variant="about_adviser",
            reason="the client asked what the adviser is",
            resume=True,
        )
    if state.ended:
        asked = _information_request(state, analysis, interview.stage(stage_id))
        if asked is not None:
            return asked
        return Move(
            kind="contracting", stage=stage_id, variant="session_closed", reason="session ended"
        )

    target, why = resolve_stage(state, analysis)
    if target != stage_id:
        moved = state.model_copy(
            update={"stage": target, "pending_transition": None, "stage_client_turns": 0}
        )
        inner = _stage_move(moved, analysis, interview, entered=True)
        return inner.model_copy(update={"enter_stage": target, "transition_reason": why})
    return _stage_move(state, analysis, interview, entered=_entered(state))


def _stage_move(
    state: SessionState, analysis: MessageAnalysis, interview: InterviewModel, *, entered: bool
) -> Move:
    stage = interview.stage(state.stage)
    if not (state.stage == "contracting" and _contract_missing(state)):
        asked = _information_request(state, analysis, stage)
        if asked is not None:
            return asked
        if analysis.has("ask_opinion"):
            return _opinion(state, stage)
        if (
            state.stage != "contracting"
            and state.last_move == "summary"
            and analysis.has("disagree")
            and not _this_turn_facts(state)
            and not analysis.occupations
            and analysis.action is None
        ):
            return Move(
                kind="open_question",
                stage=stage.id,
                variant="anything_to_add",
                reason="the client did not agree with the summary: ask what to add or change",
            )
    if state.stage == "contracting":
        return _contracting(state, analysis, interview, stage)
    if state.stage == "exploration":
        return _exploration(state, analysis, interview, stage, entered)
    if state.stage == "options_and_challenge":
        move = _options(state, analysis, interview, stage, entered)
    elif state.stage == "decision_and_action_planning":
        move = _decision(state, analysis, interview, stage, entered)
    else:
        return _close(state, analysis, stage, entered)
    if (
        move.kind in ("open_question", "closed_question")
        and (move.kind, move.variant) == (state.last_move, state.last_variant)
        and state.repeats >= 1
        and move.enter_stage is None
    ):
        # The same question a third time would be nagging: sum up and move on.
        return _summary_or_advance(
            state, stage, interview, "the client is not ready to say more here"
        )
    return move


def _contract_missing(state: SessionState) -> bool:
    return not all(item in state.contract_items for item in ("purpose", "time", "confidentiality"))


def _information_request(
    state: SessionState, analysis: MessageAnalysis, stage: StageSpec
) -> Move | None:
    if not analysis.has("ask_information", "ask_framework"):
        return None
    if (
        analysis.has("ask_framework")
        and analysis.refers_back
        and analysis.info_kinds
        and not analysis.occupations
        and stage.allows("information")
        and _ideas_in_focus(state)
    ):
        # "What other ways are there into it?": "it" is the job being talked about.
        return Move(
            kind="information",
            stage=stage.id,
            variant="occupation",
            reason="the client asked about the job in focus ('it'): answer from its record",
            occupation_ids=_ideas_in_focus(state)[:1],
            info_kinds=list(analysis.info_kinds),
        )
    if not stage.allows("information"):
        return Move(
            kind="reflection",
            stage=stage.id,
            variant="defer_information",
            reason="information asked for, but this stage does not give it",
        )
    if analysis.has("ask_information"):
        ids = [m.occupation_id for m in analysis.occupations]
        if not ids and analysis.ambiguous:
            # A question about a word for several jobs ("can I do an apprenticeship to become
            # an engineer?"): answer it for a few of them, then ask which is meant.
            return Move(
                kind="information",
                stage=stage.id,
                variant="family",
                reason=f"'{analysis.ambiguous[0].phrase}' covers several jobs: a few of them, "
                "with the answer for each",
                candidates=analysis.ambiguous[0].candidates,
                info_kinds=list(analysis.info_kinds),
            )
        if not ids and analysis.info_kinds:
            ids = _ideas_in_focus(state)
        if ids:
            kinds = list(analysis.info_kinds)
            return Move(
                kind="information",
                stage=stage.id,
                variant="occupation",
                reason="the client asked about a job: answer from its record, with citations",
                occupation_ids=ids[:2],
                info_kinds=kinds,
            )
        if analysis.info_kinds and not analysis.has("ask_framework"):
            candidates = [(o.occupation_id, o.title) for o in state.options][:3]
            return Move(
                kind="closed_question",
                stage=stage.id,
                variant="which_job",
                reason="the client asked about a job without naming it",
                candidates=candidates,
            )
    return Move(
        kind="information",
        stage=stage.id,
        variant="framework",
        reason="the client asked about education or training: answer from the framework documents",
        query=analysis.text,
    )


def _ideas_in_focus(state: SessionState) -> list[str]:
    """The job being talked about: the focus option, else the client's own ideas (latest
    first), else anyone's."""
    if state.focus_option is not None:
        return [state.focus_option]
    own = [o.occupation_id for o in reversed(state.options) if o.origin == "client"]
    return own or [o.occupation_id for o in reversed(state.options)]


def _opinion(state: SessionState, stage: StageSpec) -> Move:
    if not state.criteria and not state.facts.get("values"):
        return Move(
            kind="open_question",
            stage=stage.id,
            variant="criteria_first",
            topic="values",
            reason="no advice before the client's own criteria are known",
        )
    considered = [o for o in state.options if o.client_view != "negative"]
    if considered:
        return Move(
            kind="open_question",
            stage=stage.id,
            variant="weigh",
            reason="the client asked the adviser to choose: weigh options against their criteria",
            occupation_ids=[o.occupation_id for o in considered][:3],
        )
    if stage.id == "options_and_challenge":
        return Move(
            kind="information",
            stage=stage.id,
            variant="widening",
            reason="the client asked what might suit them: widen options from what they said",
        )
    return Move(
        kind="open_question",
        stage=stage.id,
        variant="criteria_first",
        topic="values",
        reason="options come after exploring what matters to the client",
    )


# ---------------------------------------------------------------------------------- stages


def _contracting(
    state: SessionState, analysis: MessageAnalysis, interview: InterviewModel, stage: StageSpec
) -> Move:
    if _contract_missing(state):
        return Move(
            kind="contracting",
            stage=stage.id,
            variant="opening",
            reason="open the session: purpose, time, confidentiality and its limits, agenda",
            propose_stage="exploration" if state.agenda else None,
        )
    if state.agenda_agreed or not unmet_criteria(state, stage):
        return _summary_or_advance(state, stage, interview, "agenda agreed")
    if state.stage_client_turns + 1 >= stage.max_client_turns:
        return _summary_or_advance(state, stage, interview, "time to start: contracting turn limit")
    if analysis.has("disagree") and state.last_variant in ("agenda_check", "opening"):
        return Move(
            kind="contracting",
            stage=stage.id,
            variant="agenda_revise",
            reason="the client wants a different focus",
        )
    if state.agenda and (not analysis.has("dont_know") or analysis.content_words >= 4):
        return Move(
            kind="contracting",
            stage=stage.id,
            variant="agenda_check",
            reason="check the agenda before moving on",
            propose_stage="exploration",
        )
    if analysis.has("greeting") and not state.agenda:
        return Move(
            kind="contracting",
            stage=stage.id,
            variant="agenda_question",
            reason="a greeting: ask what the client wants from today",
        )
    if analysis.has("dont_know") or state.last_variant in ("agenda_question", "opening"):
        return Move(
            kind="contracting",
            stage=stage.id,
            variant="agenda_offer",
            reason="the client is unsure what to cover: offer a usual shape",
            propose_stage="exploration",
        )
    return Move(
        kind="contracting", stage=stage.id, variant="agenda_question", reason="agenda not yet set"
    )


def _exploration(
    state: SessionState,
    analysis: MessageAnalysis,
    interview: InterviewModel,
    stage: StageSpec,
    entered: bool,
) -> Move:
    practice = interview.practice
    upcoming = next_topic(state, stage, skip=state.last_question_topic)
    bridge: str | None = upcoming
    new_facts = _this_turn_facts(state)
    feeling = _negative_feeling(analysis)
    if entered and not new_facts and not feeling:
        first = upcoming or stage.topics[0].id
        return Move(
            kind="open_question",
            stage=stage.id,
            variant="topic",
            topic=first,
            reason=f"start exploring: {first}",
        )
    if feeling is not None:
        return Move(
            kind="reflection",
            stage=stage.id,
            variant="feeling",
            feeling=feeling,
            bridge="more" if not new_facts else bridge,
            reason=f"the client expressed a feeling ({feeling}): reflect it",
        )
    steps = [a for a in state.actions if a.turn == state.client_turns]
    if steps and state.options:
        # The client is already proposing steps and has ideas to test: sum up, move on.
        return _summary_or_advance(
            state,
            stage,
            interview,
            f"the client proposed {len(steps)} step(s) and options are known: sum up and move "
            "towards options, decision and planning",
        )
    unmet = unmet_criteria(state, stage)
    if not unmet or upcoming is None or state.stage_client_turns + 1 >= stage.max_client_turns:
        if not unmet:
            reason = "exploration exit criteria met"
        elif upcoming is None:
            reason = "every topic explored or asked about (" + "; ".join(unmet) + ")"
        else:
            reason = "exploration turn limit reached (" + "; ".join(unmet) + ")"
        return _summary_or_advance(state, stage, interview, reason)
    own_new = [
        m
        for m in analysis.own_occupations
        if (o := state.option(m.occupation_id)) is not None and o.turn == state.client_turns
    ]
    if own_new:
        return Move(
            kind="reflection",
            stage=stage.id,
            variant="idea",
            occupation_ids=[own_new[0].occupation_id],
            bridge=bridge,
            reason="the client named a job idea: note it for the options stage",
        )
    suggested = [m for m in analysis.occupations if m.suggested_by_others]
    topics_now = [topic for topic, _ in new_facts]
    if suggested and "influences" in topics_now:
        return Move(
            kind="reflection",
            stage=stage.id,
            variant="suggested_idea",
            occupation_ids=[suggested[0].occupation_id],
            bridge=bridge,
            reason="someone else suggested a job: reflect whose idea it is",
        )
    if "strengths" in topics_now and stage.allows("affirmation"):
        return Move(
            kind="affirmation",
            stage=stage.id,
            variant="strengths",
            topic="strengths",
            bridge=bridge,
            reason="the client named a strength: affirm it",
        )
    if new_facts:
        preferred = state.last_question_topic
        topic = preferred if preferred in topics_now else topics_now[0]
        return Move(
            kind="reflection",
            stage=stage.id,
            variant="topic",
            topic=topic,
            bridge=bridge,
            reason=f"the client talked about {topic}: reflect before asking more",
        )
    asked_about = [o.occupation_id for o in reversed(state.options) if o.origin == "client"]
    if (
        state.last_move == "information"
        and state.last_variant in ("occupation", "family")
        and asked_about
        and not analysis.is_question
        and not analysis.criteria
        and analysis.content_words < practice.substantive_words
    ):
        # "ok" after an answer about a job: give back the jobs they are curious about, then
        # go on exploring (they are looked at properly in the options stage).
        return Move(
            kind="reflection",
            stage=stage.id,
            variant="ideas",
            occupation_ids=asked_about[:3],
            bridge=bridge,
            reason="the client took in the information: reflect the jobs they asked about",
        )
    if analysis.criteria:
        return Move(
            kind="reflection",
            stage=stage.id,
            variant="criteria",
            bridge=bridge,
            reason="the client said what matters to them",
        )
    if analysis.has("dont_know"):
        topic = state.last_question_topic or upcoming
        return Move(
            kind="open_question",
            stage=stage.id,
            variant="alternative",
            topic=topic,
            reason="the client was unsure: ask from another angle",
        )
    if "excited" in analysis.feelings:
        return Move(
            kind="reflection",
            stage=stage.id,
            variant="feeling",
            feeling="excited",
            bridge=bridge,
            reason="the client sounds excited: reflect it",
        )
    if analysis.content_words >= practice.substantive_words:
        return Move(
            kind="reflection",
            stage=stage.id,
            variant="content",
            bridge=bridge,
            reason="the client is talking: reflect rather than ask",
        )
    return Move(
        kind="open_question",
        stage=stage.id,
        variant="topic",
        topic=upcoming,
        reason=f"short answer: ask about {upcoming}",
    )


def _options(
    state: SessionState,
    analysis: MessageAnalysis,
    interview: InterviewModel,
    stage: StageSpec,
    entered: bool,
) -> Move:
    practice = interview.practice
    criteria_known = bool(state.criteria or state.facts.get("values"))
    new_own = [
        m.occupation_id
        for m in analysis.own_occupations
        if (o := state.option(m.occupation_id)) is not None and not o.presented
    ]
    if new_own:
        return Move(
            kind="information",
            stage=stage.id,
            variant="occupation",
            occupation_ids=new_own[:1],
            reason="a new option: present its routes and pay side by side, with citations",
        )
    if analysis.ambiguous and not analysis.own_occupations:
        if state.last_variant == "which_job":
            # Asked which one already: show a few rather than ask again.
            return Move(
                kind="information",
                stage=stage.id,
                variant="family",
                candidates=analysis.ambiguous[0].candidates,
                info_kinds=list(analysis.info_kinds),
                reason=f"'{analysis.ambiguous[0].phrase}' still covers several jobs: show a few",
            )
        return Move(
            kind="closed_question",
            stage=stage.id,
            variant="which_job",
            candidates=analysis.ambiguous[0].candidates,
            reason=f"'{analysis.ambiguous[0].phrase}' could mean several jobs",
        )
    unpresented = [o for o in state.options if not o.presented and o.origin != "others"]
    if entered:
        unpresented = unpresented or [o for o in state.options if not o.presented]
        if unpresented:
            return Move(
                kind="information",
                stage=stage.id,
                variant="occupation",
                occupation_ids=[unpresented[0].occupation_id],
                reason="start with the client's own idea: routes and pay, with citations",
            )
        if not state.options:
            if analysis.has("dont_know") and criteria_known:
                return Move(
                    kind="information",
                    stage=stage.id,
                    variant="widening",
                    reason="no ideas yet: widen from the client's interests and criteria",
                )
            return Move(
                kind="open_question",
                stage=stage.id,
                variant="ideas",
                reason="ask for the client's own ideas first",
            )
    if stage.allows("challenge") and state.client_turns >= practice.challenge_after_client_turns:
        for discrepancy in state.unnamed_discrepancies():
            option = state.option(discrepancy.occupation_id)
            if option is not None and option.presented:
                return Move(
                    kind="challenge",
                    stage=stage.id,
                    variant=discrepancy.kind,
                    discrepancy=discrepancy,
                    occupation_ids=[discrepancy.occupation_id],
                    reason=f"discrepancy: {discrepancy.criterion_id} vs {option.title}",
                )
    feeling = _negative_feeling(analysis)
    if feeling is not None:
        return Move(
            kind="reflection",
            stage=stage.id,
            variant="feeling",
            feeling=feeling,
            bridge="more",
            reason=f"the client expressed a feeling ({feeling}): reflect it",
        )
    unmet = unmet_criteria(state, stage)
    if not unmet or state.stage_client_turns + 1 >= stage.max_client_turns:
        reason = "options exit criteria met" if not unmet else "options turn limit reached"
        return _summary_or_advance(state, stage, interview, reason)
    focus = state.option(state.focus_option) if state.focus_option else None
    view_now = (
        focus is not None and focus.client_view is not None and analysis.option_view is not None
    )
    widen_next = not (state.widened or len(state.options) >= 2)
    if view_now and focus is not None:
        return Move(
            kind="reflection",
            stage=stage.id,
            variant="option_view",
            occupation_ids=[focus.occupation_id],
            bridge="compare" if widen_next else "decide",
            reason="the client gave their view of an option: reflect it",
        )
    if not state.options:
        if (
            state.asked_for_ideas or analysis.has("dont_know") or state.last_variant == "family"
        ) and criteria_known:
            return Move(
                kind="information",
                stage=stage.id,
                variant="widening",
                reason="no ideas yet: widen from the client's interests and criteria",
            )
        return Move(
            kind="open_question",
            stage=stage.id,
            variant="ideas" if criteria_known or not state.asked_for_ideas else "topic",
            topic=None if criteria_known or not state.asked_for_ideas else "values",
            reason="ask for the client's own ideas first"
            if criteria_known or not state.asked_for_ideas
            else "no criteria yet: ask what matters before suggesting options",
        )
    if unpresented:
        return Move(
            kind="information",
            stage=stage.id,
            variant="occupation",
            occupation_ids=[unpresented[0].occupation_id],
            reason="present the next option the client named",
        )
    waiting = [
        o for o in state.options if o.presented and o.client_view is None and o.origin != "widening"
    ]
    if (
        waiting
        and state.last_move == "information"
        and analysis.content_words < practice.substantive_words
    ):
        return Move(
            kind="open_question",
            stage=stage.id,
            variant="option_view",
            occupation_ids=[waiting[0].occupation_id],
            reason="ask what the client makes of the option",
        )
    if widen_next and criteria_known:
        return Move(
            kind="information",
            stage=stage.id,
            variant="widening",
            reason="only one option so far: widen with related jobs and routes",
        )
    if waiting:
        return Move(
            kind="open_question",
            stage=stage.id,
            variant="option_view",
            occupation_ids=[waiting[0].occupation_id],
            reason="ask what the client makes of the option",
        )
    if analysis.content_words >= practice.substantive_words:
        return Move(
            kind="reflection",
            stage=stage.id,
            variant="content",
            bridge="decide",
            reason="reflect what the client said about the options",
        )
    return Move(
        kind="open_question",
        stage=stage.id,
        variant="decision",
        reason="invite the client to say which options appeal",
    )


def _decision(
    state: SessionState,
    analysis: MessageAnalysis,
    interview: InterviewModel,
    stage: StageSpec,
    entered: bool,
) -> Move:
    turn = state.client_turns
    dated = state.dated_actions()
    if not state.decisions:
        if entered or not analysis.has("dont_know"):
            return Move(
                kind="open_question",
                stage=stage.id,
                variant="decision",
                reason="the decision belongs to the client: ask which way they want to go",
            )
        return Move(
            kind="reflection",
            stage=stage.id,
            variant="dont_know",
            bridge="decide",
            reason="the client is undecided: keeping options open is a decision too",
        )
    if (
        state.decisions[-1].turn == turn
        and not any(a.turn == turn for a in state.actions)
        and dated
        and state.last_variant != "review"
    ):
        return Move(
            kind="action_planning",
            stage=stage.id,
            variant="review",
            reason="the client already set dated steps: check them against the decision",
        )
    if state.decisions[-1].turn == turn and not any(a.turn == turn for a in state.actions):
        return Move(
            kind="action_planning",
            stage=stage.id,
            variant="invite",
            reason="turn the decision into a first step",
        )
    new_actions = [a for a in state.actions if a.turn == turn]
    if new_actions:
        latest = new_actions[-1]
        if latest.when is None:
            return Move(
                kind="closed_question",
                stage=stage.id,
                variant="action_date",
                reason="SMART: the action needs a date",
            )
        if len(state.actions) >= stage.max_actions:
            return _summary_or_advance(state, stage, interview, "enough actions agreed")
        return Move(
            kind="action_planning",
            stage=stage.id,
            variant="confirm",
            reason="action agreed with what, who and when",
        )
    if entered:
        return Move(
            kind="action_planning",
            stage=stage.id,
            variant="invite",
            reason="turn the decision into a first step",
        )
    undated = state.undated_action()
    if undated is not None and not analysis.has("finished"):
        if state.last_variant == "action_date":
            return Move(
                kind="closed_question",
                stage=stage.id,
                variant="action_date_offer",
                reason="SMART: no date given, so suggest one the client can accept or change",
            )
        if state.last_variant == "action_date_offer":
            return Move(
                kind="closed_question",
                stage=stage.id,
                variant="action_date",
                reason="SMART: the action still needs a date",
            )
    if dated and (
        analysis.has("finished", "disagree", "thanks")
        or (state.stage_client_turns + 1 >= stage.max_client_turns)
    ):
        return _summary_or_advance(state, stage, interview, "actions agreed; the client is done")
    if dated and state.last_variant == "ask_what":
        return _summary_or_advance(state, stage, interview, "no further step given")
    if dated and analysis.has("agree") and state.last_variant in ("confirm", "review"):
        return Move(
            kind="action_planning",
            stage=stage.id,
            variant="ask_what",
            reason="the client wants another step",
        )
    if state.stage_client_turns + 1 >= stage.max_client_turns * 2:
        return _summary_or_advance(state, stage, interview, "decision stage turn limit reached")
    if analysis.has("dont_know") or state.last_variant == "invite":
        return Move(
            kind="action_planning",
            stage=stage.id,
            variant="suggest",
            reason="offer a concrete example step; the client chooses",
        )
    return Move(
        kind="action_planning",
        stage=stage.id,
        variant="invite",
        reason="ask for a first step, who does it and by when",
    )


def _close(state: SessionState, analysis: MessageAnalysis, stage: StageSpec, entered: bool) -> Move:
    if entered or stage.id not in state.summaries:
        return Move(
            kind="summary",
            stage=stage.id,
            variant="close",
            reason="close: summarise the session and agree the next contact",
        )
    if state.next_contact_agreed or state.stage_client_turns + 1 >= stage.max_client_turns:
        return Move(
            kind="affirmation",
            stage=stage.id,
            variant="goodbye",
            reason="close: written plan offered, positive ending",
        )
    return Move(
        kind="closed_question",
        stage=stage.id,
        variant="next_contact",
        reason="agree the next contact",
    )
