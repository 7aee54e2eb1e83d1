"""What the policy reads off the state and the message: exit criteria, the next topic, the stage a
message belongs to, and small facts the rules test."""

from __future__ import annotations

from guidance_assistant.interview.message import MessageAnalysis
from guidance_assistant.interview.model import FeelingKind, StageId, StageSpec, TopicId
from guidance_assistant.interview.policy.move import NEGATIVE_FEELINGS
from guidance_assistant.interview.state import SessionState

#: A check-in is not repeated until this many client turns after the last one (the default of
#: ``practice.check_in_gap`` in ``prompts/interview/stages.yaml``).
CHECK_IN_GAP = 3


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
    disagrees (or the message is about something else entirely). A question does not hold it
    back: it is answered by the rules for any stage in the stage the client moves into, so a
    question after a summary costs the interview no turn."""
    pending = state.pending_transition
    implicit = False
    if (
        pending is None
        and state.stage == "contracting"
        and state.agenda
        and state.agenda_turn != state.client_turns
        and state.stage_client_turns >= 1
        and not contract_missing(state)
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


def contract_missing(state: SessionState) -> bool:
    return not all(item in state.contract_items for item in ("purpose", "time", "confidentiality"))


def entered_now(state: SessionState) -> bool:
    return (
        state.stage_client_turns == 0
        and bool(state.transitions)
        and (
            state.transitions[-1].to_stage == state.stage
            and state.transitions[-1].turn == state.client_turns
        )
    )


def this_turn_facts(state: SessionState) -> list[tuple[TopicId, int]]:
    found: list[tuple[TopicId, int]] = []
    for topic, facts in state.facts.items():
        for index, fact in enumerate(facts):
            if fact.turn == state.client_turns:
                found.append((topic, index))
    return found


def checked_in_recently(state: SessionState, gap: int = CHECK_IN_GAP) -> bool:
    """Whether the adviser checked in within the last ``gap`` client turns."""
    return any(note.checked_in and state.client_turns - note.turn < gap for note in state.concerns)


def negative_feeling(analysis: MessageAnalysis) -> FeelingKind | None:
    return next((f for f in analysis.feelings if f in NEGATIVE_FEELINGS), None)


def ideas_in_focus(state: SessionState) -> list[str]:
    """The job being talked about: the focus option, else the client's own ideas (latest
    first), else the adviser's suggestions (never a job of someone in the client's life)."""
    if state.focus_option is not None:
        return [state.focus_option]
    own = [o.occupation_id for o in reversed(state.options) if o.origin == "client"]
    return own or [o.occupation_id for o in reversed(state.options) if o.origin != "others"]
