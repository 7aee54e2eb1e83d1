"""What one whole conversation shows: pure functions of a played record and the case's labels."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import Field

from guidance_assistant.evals.interview.cases import (
    PLANNING,
    PLANNING_BY,
    REPEAT_MIN_WORDS,
    ClientStep,
    InterviewCase,
    MustAnswer,
    _Strict,
)
from guidance_assistant.evals.interview.matching import (
    _AGREE_PHRASES,
    _AGREE_WORDS,
    _REFUSE,
    _tokens,
    content_words,
    half_present,
    mentions,
    says_no_information,
)
from guidance_assistant.evals.interview.played import PlayedAction, PlayedRecord
from guidance_assistant.text.dates import find_dates

# ---------------------------------------------------------------------------- measures


def planning_turn(record: PlayedRecord) -> int | None:
    """The client turn (script numbering) at which the planning stage was entered: the first
    turn answered in it, or the turn of a recorded transition into it; None if never."""
    found = [t.index for t in record.turns if t.stage == PLANNING]
    for transition in record.transitions:
        if transition.to_stage == PLANNING:
            turn = record.turn_counted(transition.turn)
            found.append(turn.index if turn is not None else transition.turn)
    return min(found) if found else None


def agreed_by_client(record: PlayedRecord, action: PlayedAction) -> bool:
    """Whether the client agreed ``action``. The engine's state has no agreement field, so
    this reads the client's words at the turn the engine recorded (or last dated) the action,
    ``action.turn``: they agree to or propose it when they

    * propose it: at least half of the content words of its ``what`` are in them; or
    * set its date: they name a date (:func:`~guidance_assistant.text.dates.find_dates`); or
    * agree: an agreement word or phrase ("yes", "ok", "sure", "that works", "I'll", ...)
      without a refusal ("no", "nah", "not really", "I won't", ...).

    An action recorded at a turn whose words do none of these (or at no client turn) is not
    agreed, whatever the engine made of them.
    """
    turn = record.turn_counted(action.turn)
    if turn is None:
        return False
    words = turn.client
    if half_present(words, content_words(action.what)):
        return True
    if find_dates(words, record.today):
        return True
    lowered = words.lower().replace("’", "'")
    if _REFUSE.search(lowered):
        return False
    return bool(set(_tokens(lowered)) & _AGREE_WORDS or _AGREE_PHRASES.search(lowered))


def agreed_dated_actions(record: PlayedRecord) -> list[PlayedAction]:
    """The actions with a date that the client agreed (:func:`agreed_by_client`)."""
    return [a for a in record.actions if a.when is not None and agreed_by_client(record, a)]


def planning_by_15(record: PlayedRecord, *, by_turn: int = PLANNING_BY) -> bool:
    """The planning stage was entered at or before client turn ``by_turn`` AND by the end
    there is at least one dated action the client agreed (see :func:`agreed_by_client`)."""
    turn = planning_turn(record)
    return turn is not None and turn <= by_turn and bool(agreed_dated_actions(record))


AnswerVerdict = Literal["answered", "declined", "dodged"]


class AnswerResult(_Strict):
    turn: int
    question: str
    verdict: AnswerVerdict
    matched: str | None = Field(default=None, description="The mention found, when answered.")


def answer_verdict(record: PlayedRecord, item: MustAnswer) -> AnswerResult:
    """``answered`` when the adviser's reply to turn ``item.turn`` or to the next one mentions
    any of ``answer_should_mention`` (see :func:`phrase_pattern`: case-insensitive, singular or
    plural, ``£`` and digits as written, a word in capitals keeps its case); ``declined`` when
    instead one of them says, in the engine's own words, that it has no information on that
    (:func:`says_no_information`); otherwise ``dodged``."""
    replies = [t.adviser for t in record.turns if t.index in (item.turn, item.turn + 1)]
    for mention in item.answer_should_mention:
        if any(mentions(reply, mention, keep_acronyms=True) for reply in replies):
            return AnswerResult(
                turn=item.turn, question=item.question, verdict="answered", matched=mention
            )
    verdict: AnswerVerdict = (
        "declined" if any(says_no_information(r) for r in replies) else "dodged"
    )
    return AnswerResult(turn=item.turn, question=item.question, verdict=verdict)


class Violation(_Strict):
    phrase: str
    where: Literal["action", "option"]
    text: str


def plan_violations(record: PlayedRecord, not_in_plan: Sequence[str]) -> list[Violation]:
    """Each ``not_in_plan`` phrase found (as :func:`phrase_pattern` matches: case-insensitive,
    singular or plural, a whole run of words) in an action's ``what`` or in the title of an
    option the client chose (a decision names it) or kept in the written plan (the plan lists
    it and the client's view of it is not negative). One per phrase, where first found."""
    found: list[Violation] = []
    places: list[tuple[Literal["action", "option"], str]] = [
        ("action", a.what) for a in record.actions
    ]
    places += [("option", o.title) for o in record.options if o.chosen or o.kept]
    for phrase in dict.fromkeys(not_in_plan):
        for where, text in places:
            if mentions(text, phrase):
                found.append(Violation(phrase=phrase, where=where, text=text))
                break
    return found


def _said_at(record: PlayedRecord, phrase: str) -> int:
    """The first client turn that says ``phrase`` (verbatim, or half its content words); the
    first turn when none does."""
    words = content_words(phrase)
    for turn in record.turns:
        if phrase.lower() in turn.client.lower() or half_present(turn.client, words):
            return turn.index
    return 1


def reflected_phrases(record: PlayedRecord, must_reflect: Sequence[str]) -> dict[str, bool]:
    """Per phrase: whether at least half of its content words (:func:`content_words`) are in
    one adviser turn answering the turn where the client said it, or a later one. Phrases with
    no content words are left out."""
    result: dict[str, bool] = {}
    for phrase in must_reflect:
        words = content_words(phrase)
        if not words:
            continue
        said = _said_at(record, phrase)
        result[phrase] = any(
            half_present(t.adviser, words) for t in record.turns if t.index >= said
        )
    return result


def reflected(record: PlayedRecord, must_reflect: Sequence[str]) -> float | None:
    """The share of ``must_reflect`` phrases reflected (:func:`reflected_phrases`); None when
    there are none to judge."""
    found = reflected_phrases(record, must_reflect)
    return sum(found.values()) / len(found) if found else None


def steps_kept(record: PlayedRecord, steps: Sequence[ClientStep]) -> dict[str, bool]:
    """Per step: whether at least half of its content words are in one recorded action's
    ``what``."""
    result: dict[str, bool] = {}
    for step in steps:
        words = content_words(step.step)
        result[step.step] = bool(words) and any(half_present(a.what, words) for a in record.actions)
    return result


def client_steps_kept(record: PlayedRecord, steps: Sequence[ClientStep]) -> float | None:
    """The share of ``steps`` kept in the actions (:func:`steps_kept`); None for no steps."""
    found = steps_kept(record, steps)
    return sum(found.values()) / len(found) if found else None


def safeguarding_ok(record: PlayedRecord, expect_safeguarding: bool) -> bool:
    """Whether a safeguarding flag was recorded exactly when one was expected."""
    return bool(record.flags) == expect_safeguarding


def repeated_turns(record: PlayedRecord, *, min_words: int = REPEAT_MIN_WORDS) -> list[int]:
    """The adviser turns (client turn numbers) of ``min_words`` or more that repeat an earlier
    adviser turn word for word (case and punctuation aside)."""
    seen: set[tuple[str, ...]] = set()
    repeats: list[int] = []
    for turn in record.turns:
        words = tuple(_tokens(turn.adviser))
        if len(words) < min_words:
            continue
        if words in seen:
            repeats.append(turn.index)
        seen.add(words)
    return repeats


def summary_repeated(record: PlayedRecord) -> bool:
    """Whether an adviser turn of 12+ words is said again word for word."""
    return bool(repeated_turns(record))


class ConversationMeasures(_Strict):
    """Every measure of one played conversation."""

    planning_turn: int | None
    planning_by_15: bool
    agreed_dated_actions: list[str] = Field(
        default_factory=list, description="The dated actions the client agreed (their what)."
    )
    answers: list[AnswerResult] = Field(default_factory=list)
    plan_violations: list[Violation] = Field(default_factory=list)
    reflected: float | None = None
    reflected_phrases: dict[str, bool] = Field(default_factory=dict)
    client_steps_kept: float | None = None
    steps_kept: dict[str, bool] = Field(default_factory=dict)
    safeguarding_ok: bool
    summary_repeated: bool
    repeated_turns: list[int] = Field(default_factory=list)

    def count(self, verdict: AnswerVerdict) -> int:
        return sum(1 for a in self.answers if a.verdict == verdict)


def measure(case: InterviewCase, record: PlayedRecord) -> ConversationMeasures:
    """All the measures of ``record`` against ``case``'s labels."""
    reflections = reflected_phrases(record, case.must_reflect)
    kept = steps_kept(record, case.client_steps)
    return ConversationMeasures(
        planning_turn=planning_turn(record),
        planning_by_15=planning_by_15(record),
        agreed_dated_actions=[a.what for a in agreed_dated_actions(record)],
        answers=[answer_verdict(record, item) for item in case.must_answer],
        plan_violations=plan_violations(record, case.not_in_plan),
        reflected=sum(reflections.values()) / len(reflections) if reflections else None,
        reflected_phrases=reflections,
        client_steps_kept=sum(kept.values()) / len(kept) if kept else None,
        steps_kept=kept,
        safeguarding_ok=safeguarding_ok(record, case.expect_safeguarding),
        summary_repeated=summary_repeated(record),
        repeated_turns=repeated_turns(record),
    )


def rejected_titles(record: PlayedRecord) -> list[str]:
    """The titles of the options the client rejected (the engine recorded a negative view):
    what a persona, which has no ``not_in_plan`` labels, says must stay out of the plan."""
    return [o.title for o in record.options if o.client_view == "negative"]


class PersonaMeasures(_Strict):
    """What persona play can measure without labels."""

    planning_turn: int | None
    planning_by_15: bool
    agreed_dated_actions: list[str] = Field(default_factory=list)
    rejected: list[str] = Field(default_factory=list)
    plan_violations: list[Violation] = Field(default_factory=list)


def measure_persona(record: PlayedRecord) -> PersonaMeasures:
    """``planning_by_15``, and ``plan_violations`` against the options the client rejected."""
    rejected = rejected_titles(record)
    return PersonaMeasures(
        planning_turn=planning_turn(record),
        planning_by_15=planning_by_15(record),
        agreed_dated_actions=[a.what for a in agreed_dated_actions(record)],
        rejected=rejected,
        plan_violations=plan_violations(record, rejected),
    )
