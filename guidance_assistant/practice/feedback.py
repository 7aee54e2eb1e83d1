"""Coaching feedback for a trainee adviser: one line a turn, and a review of the whole session.

The targets and the per-turn tips are expert-editable YAML (``knowledge/practice/targets.yaml``,
validated by :class:`Targets`). A tip's better phrasings are tried in order, and the first whose
every placeholder can be filled is used: ``{quote}`` is the client's own words (“...”, a short
clause of what they said on the topic in play), ``{earlier}`` an earlier thing they said,
``{said}`` up to two of their phrases, ``{topic}`` the topic said to the client ("what you
enjoy"), ``{wrong}`` what a summary got wrong; the last phrasing of each needs none of them, so
a placeholder is never left empty and no "..." stands in for words. The session review compares the skill mix with the targets
(open:closed questions, reflections per question, summaries), measures the client's share of the
words, lists advice given before the client's criteria were known, information given without
a source and assumptions from a group (stereotyping), and sets what the persona disclosed
against what there was to find.

A turn whose words assume something about the client from a group they belong to (the flag
detector's ``stereotype``) gets the ``stereotype`` tip before its skill's own: ``{assumed}``
quotes the trainee's sentence back to them, and the better phrasing asks the client instead of
assuming. The review's line on it is data too (``review.stereotyping`` in the targets file).
"""

from __future__ import annotations

import functools
import re
import string
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from guidance_assistant.paths import bundled_dir
from guidance_assistant.practice.personas import Persona, PracticeError, Skill, mentions, words
from guidance_assistant.text.sentences import split_sentences

TARGETS_FILE = ("practice", "targets.yaml")

SITUATIONS: tuple[str, ...] = (
    "contracting",
    "open_question",
    "closed_question",
    "reflection",
    "summary",
    "summary_wrong",
    "affirmation",
    "information",
    "information_unsourced",
    "advice",
    "advice_premature",
    "challenge",
    "other",
    "unclear",
    "stereotype",
)
"""Keys of ``turn_tips``: a skill, or a skill with what went wrong (``stereotype``: any skill
whose words assume something about the client from a group they belong to)."""

REVIEW_LINES: tuple[str, ...] = ("stereotyping",)
"""Keys of ``review``: the findings whose wording is in the targets file."""

_TIP_FIELDS = {"wrong", "name", "assumed"}
"""Placeholders a tip (said to the trainee) may use (``assumed`` only the stereotype tip: the
trainee's own words that assumed)."""
_ALTERNATIVE_FIELDS = {"quote", "earlier", "said", "topic", "wrong", "name"}
"""Placeholders a better phrasing (said to the client) may use."""
_ALWAYS = {"wrong", "name"}
"""Placeholders that are always filled (``wrong`` only where a summary got something wrong)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TurnTip(_Strict):
    tip: str = Field(min_length=3)
    alternatives: list[str] = Field(
        default_factory=list,
        description="Better phrasings, when a better move was open, best first: the first whose "
        "placeholders can all be filled is used; the last must need only {wrong} or {name}.",
    )


_REVIEW_FIELDS = {"name", "turns", "assumed"}
"""Placeholders a review line may use: the client's name, the turns ("turns 2, 5") and the
trainee's words on those turns, each in quotation marks (only when something was found)."""


class ReviewLine(_Strict):
    """A finding of the session review, said to the trainee: when nothing was found, and when
    something was (on the turns named)."""

    clear: str = Field(min_length=3)
    found: str = Field(min_length=3)

    @model_validator(mode="after")
    def _placeholders(self) -> ReviewLine:
        for which, text in (("clear", self.clear), ("found", self.found)):
            used = _fields(text)
            unknown = used - _REVIEW_FIELDS
            if which == "clear":
                unknown |= used & {"turns", "assumed"}
            if unknown:
                raise ValueError(f"{which}: placeholder(s) {sorted(unknown)} cannot be filled")
        return self


class Targets(_Strict):
    """What a good practice session looks like (``knowledge/practice/targets.yaml``)."""

    open_to_closed_min: float = Field(gt=0, description="Open questions per closed one.")
    reflections_per_question_min: float = Field(ge=0)
    summary_every_turns: int = Field(ge=1, description="One summary expected per this many.")
    summaries_min: int = Field(ge=0)
    client_talk_share_min: float = Field(ge=0, le=1, description="Client's share of words.")
    premature_advice_max: int = Field(ge=0)
    unsourced_information_max: int = Field(ge=0)
    stereotyping_max: int = Field(
        ge=0, description="Turns that assume something about the client from a group."
    )
    min_questions_for_ratios: int = Field(
        ge=0, description="Below this many questions the ratios are reported, not judged."
    )
    source_markers: list[str] = Field(
        min_length=1, description="Words or phrases that show information names its source."
    )
    turn_tips: dict[str, TurnTip]
    review: dict[str, ReviewLine] = Field(
        description="The review's lines for the targets whose text is data (stereotyping)."
    )

    @model_validator(mode="after")
    def _tips(self) -> Targets:
        missing = [s for s in SITUATIONS if s not in self.turn_tips]
        unknown = [s for s in self.turn_tips if s not in SITUATIONS]
        if missing or unknown:
            raise ValueError(f"turn_tips: missing {missing}, unknown {unknown}")
        if set(self.review) != set(REVIEW_LINES):
            raise ValueError(
                f"review: expected the lines {sorted(REVIEW_LINES)}, got {sorted(self.review)}"
            )
        for key, tip in self.turn_tips.items():
            used = _fields(tip.tip)
            if used - _TIP_FIELDS:
                raise ValueError(f"turn_tips.{key}: unknown placeholder(s) {used - _TIP_FIELDS}")
            for text in tip.alternatives:
                used = _fields(text)
                if used - _ALTERNATIVE_FIELDS:
                    raise ValueError(
                        f"turn_tips.{key}: unknown placeholder(s) {used - _ALTERNATIVE_FIELDS} "
                        f"in {text!r}"
                    )
                if re.search(r"\.\.\.|…", text):
                    raise ValueError(f"turn_tips.{key}: {text!r} has '...' standing in for words")
            used_anywhere = {f for t in [tip.tip, *tip.alternatives] for f in _fields(t)}
            if "wrong" in used_anywhere and key != "summary_wrong":
                raise ValueError(f"turn_tips.{key}: only summary_wrong may use {{wrong}}")
            if "assumed" in used_anywhere and key != "stereotype":
                raise ValueError(f"turn_tips.{key}: only stereotype may use {{assumed}}")
            if tip.alternatives and _fields(tip.alternatives[-1]) - _ALWAYS:
                raise ValueError(
                    f"turn_tips.{key}: the last alternative must need no client words or topic "
                    f"(it is what is left when there are none): {tip.alternatives[-1]!r}"
                )
        return self


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


def default_targets_path() -> Path:
    return bundled_dir("knowledge").joinpath(*TARGETS_FILE)


@functools.lru_cache(maxsize=4)
def _load_targets(path: Path, stamp: int) -> Targets:
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PracticeError(f"The practice targets {path} could not be read: {exc}") from exc
    try:
        return Targets.model_validate(data)
    except ValidationError as exc:
        raise PracticeError(f"The practice targets {path} are not valid:\n{exc}") from exc


def load_targets(path: str | Path | None = None) -> Targets:
    """The practice targets (default: the bundled ``knowledge/practice/targets.yaml``)."""
    target = Path(path) if path is not None else default_targets_path()
    try:
        stamp = target.stat().st_mtime_ns
    except OSError as exc:
        raise PracticeError(f"The practice targets file {target} is missing.") from exc
    return _load_targets(target, stamp)


def names_a_source(text: str, targets: Targets) -> bool:
    """Whether information in ``text`` says where it comes from."""
    tokens = words(text)
    lowered = text.lower()
    if "http" in lowered or "www." in lowered or ".gov.uk" in lowered:
        return True
    return any(mentions(tokens, marker) for marker in targets.source_markers)


class TurnFeedback(_Strict):
    """Feedback on one trainee turn."""

    skill: Skill
    situation: str = Field(description="The turn_tips key used, e.g. 'advice_premature'.")
    tip: str
    alternative: str | None = None


MAX_QUOTE_WORDS = 12
"""The longest piece of the client's words an alternative quotes."""

_LEADING_FILLER = re.compile(
    r"^(?:(?:and|but|so|well|also|honestly|actually|yeah|yes|oh|erm|um|mm|thing is|"
    r"if i'?m honest|to be honest|the thing is)[,.!?…]*\s+)+",
    re.IGNORECASE,
)


def quotable(text: str, terms: Sequence[str] = ()) -> str | None:
    """A short clause of ``text`` (three to :data:`MAX_QUOTE_WORDS` words) to quote back, the
    one holding one of ``terms`` first; ``None`` when there is none."""
    pieces: list[str] = []
    for sentence in split_sentences(text, lines=False):
        for part in re.split(r"[,;:]|\s[—–-]\s|…|\.\.\.", sentence):
            piece = _LEADING_FILLER.sub("", part.strip()).strip(" .!?\"'“”‘’")
            if 3 <= len(piece.split()) <= MAX_QUOTE_WORDS:
                pieces.append(piece)
    if not pieces:
        return None
    for piece in pieces:
        if any(mentions(words(piece), term) for term in terms):
            return piece
    return pieces[0]


MAX_TRAINEE_QUOTE_WORDS = 25
"""Above this many words, a quote of the trainee's sentence narrows to its clause."""

_QUOTE_MARKS = re.compile(r"[“”\"]")


def _trim(piece: str) -> str:
    piece = _QUOTE_MARKS.sub("'", piece)
    piece = re.sub(r"(?:\.\.\.|…)+", " ", piece)
    return " ".join(piece.split()).strip(" ,;:.!?-–—'‘’")


def trainee_quote(text: str, prefer: Callable[[str], bool] | None = None) -> str | None:
    """The trainee's own words to quote back to them: the first sentence of three words or more
    that ``prefer`` picks (else the first such sentence), narrowed to the picked clause when the sentence is longer than
    :data:`MAX_TRAINEE_QUOTE_WORDS` words; ``None`` when ``text`` has no words. Never shortened
    with "...": a quote is whole words the trainee said."""
    sentences = [t for s in split_sentences(text, lines=False) if (t := _trim(s))]
    if not sentences:
        return None
    wordy = [s for s in sentences if len(s.split()) >= 3] or sentences
    chosen = next((s for s in wordy if prefer and prefer(s)), wordy[0])
    if len(chosen.split()) <= MAX_TRAINEE_QUOTE_WORDS:
        return chosen
    clauses = [
        t for part in re.split(r"[,;:]|\s[—–-]\s", chosen) if len((t := _trim(part)).split()) >= 3
    ]
    return next((c for c in clauses if prefer and prefer(c)), clauses[0] if clauses else chosen)


@dataclass(frozen=True)
class FeedbackContext:
    """What a tip may draw on beyond the turn: the client's name, the topic in play said to
    the client, and the client's own words to quote (most relevant first)."""

    name: str | None = None
    topic: str | None = None
    quotes: tuple[str, ...] = ()

    @classmethod
    def from_said(
        cls,
        said: Sequence[tuple[str | None, str, Sequence[str]]],
        *,
        topic_id: str | None,
        topic: str | None,
        name: str | None,
    ) -> FeedbackContext:
        """``said``: (topic, text, terms) of what the client said, in order (the engine's
        :meth:`~guidance_assistant.practice.client.ClientEngine.said_items`). The quotes come
        from the topic in play first, the latest first, then from the rest."""
        on_topic = [item for item in reversed(said) if topic_id and item[0] == topic_id]
        rest = [item for item in reversed(said) if item not in on_topic]
        quotes: list[str] = []
        for _, text, terms in [*on_topic, *rest]:
            piece = quotable(text, terms)
            if piece and piece not in quotes:
                quotes.append(piece)
        return cls(name=name, topic=topic, quotes=tuple(quotes))


def _quoted(piece: str) -> str:
    return f"“{piece}”"


def _values(context: FeedbackContext, wrong: str | None) -> dict[str, str]:
    values: dict[str, str] = {"name": context.name or "the client"}
    if wrong:
        values["wrong"] = wrong
    if context.quotes:
        values["quote"] = _quoted(context.quotes[0])
        values["said"] = " and ".join(_quoted(q) for q in context.quotes[:2])
    if len(context.quotes) > 1:
        values["earlier"] = _quoted(context.quotes[-1])
    if context.topic:
        values["topic"] = context.topic
    return values


def _fill(text: str, values: dict[str, str]) -> str | None:
    """``text`` with its placeholders filled, or ``None`` when one has no value."""
    if _fields(text) - set(values):
        return None
    return text.format(**values)


def turn_feedback(
    skill: Skill,
    targets: Targets,
    *,
    context: FeedbackContext | None = None,
    premature_advice: bool = False,
    unsourced: bool = False,
    wrong_summary: str | None = None,
    problem: str | None = None,
    stereotype: str | None = None,
) -> TurnFeedback:
    """The tip (and a better phrasing where one was open) for one trainee turn.

    ``stereotype``: the trainee's words that assumed something about the client from a group
    (:func:`trainee_quote`); the stereotype tip then comes before the skill's own."""
    situation: str = skill
    if problem is not None:
        situation = "unclear"
    elif stereotype:
        situation = "stereotype"
    elif skill == "advice" and premature_advice:
        situation = "advice_premature"
    elif skill == "information" and unsourced:
        situation = "information_unsourced"
    elif skill == "summary" and wrong_summary is not None:
        situation = "summary_wrong"
    tip = targets.turn_tips[situation]
    values = _values(context or FeedbackContext(), wrong_summary)
    if situation == "stereotype" and stereotype:
        values["assumed"] = stereotype
    if situation == "summary_wrong" and "wrong" not in values:
        values["wrong"] = "something"
    alternative = next(
        (filled for text in tip.alternatives if (filled := _fill(text, values)) is not None),
        None,
    )
    return TurnFeedback(
        skill=skill,
        situation=situation,
        tip=_fill(tip.tip, values) or tip.tip,
        alternative=alternative,
    )


class TurnRecord(_Strict):
    """What happened in one turn, kept for the session review."""

    number: int = Field(ge=1)
    trainee_text: str
    skill: Skill
    client_text: str
    disclosed: list[str] = Field(default_factory=list)
    premature_advice: bool = False
    unsourced_information: bool = False
    wrong_summary: str | None = None
    problem: str | None = None
    stereotype: str | None = Field(
        default=None,
        description="The trainee's words that assumed something about the client from a group.",
    )


class Finding(_Strict):
    target: str
    met: bool
    message: str


class FactStatus(_Strict):
    id: str
    topic: str
    text: str
    disclosed: bool
    turn: int | None = None


class SessionFeedback(_Strict):
    """The review of a whole practice session."""

    persona_id: str
    persona_name: str
    turns: int
    skill_counts: dict[str, int]
    open_questions: int
    closed_questions: int
    open_closed_ratio: float | None = Field(description="None when no closed question.")
    reflections: int
    reflections_per_question: float | None
    summaries: int
    summaries_expected: int
    wrong_summary_turns: list[int]
    trainee_words: int
    client_words: int
    client_talk_share: float | None
    premature_advice_turns: list[int]
    unsourced_information_turns: list[int]
    stereotype_turns: list[int] = Field(default_factory=list)
    facts: list[FactStatus]
    findings: list[Finding]

    @property
    def disclosed(self) -> list[str]:
        return [f.id for f in self.facts if f.disclosed]

    @property
    def undisclosed(self) -> list[str]:
        return [f.id for f in self.facts if not f.disclosed]

    @property
    def unmet(self) -> list[Finding]:
        return [f for f in self.findings if not f.met]

    def to_markdown(self) -> str:
        """The review as Markdown for a trainee to read."""
        ratio = (
            "no closed questions"
            if self.open_closed_ratio is None
            else (f"{self.open_closed_ratio:.1f}:1")
        )
        share = "—" if self.client_talk_share is None else f"{self.client_talk_share:.0%}"
        lines = [
            f"# Practice session with {self.persona_name}",
            "",
            f"{self.turns} turns. Client talk share: {share} of the words.",
            "",
            "## Targets",
            "",
            *(f"- {'✅' if f.met else '⚠️'} {f.message}" for f in self.findings),
            "",
            "## Skill mix",
            "",
            f"- Open : closed questions: {self.open_questions} : {self.closed_questions} ({ratio})",
            f"- Reflections: {self.reflections}",
            f"- Summaries: {self.summaries} (expected {self.summaries_expected})",
            *(
                f"- {skill.replace('_', ' ')}: {count}"
                for skill, count in sorted(self.skill_counts.items())
                if skill not in ("open_question", "closed_question", "reflection", "summary")
            ),
            "",
            "## What the client disclosed",
            "",
            f"{len(self.disclosed)} of {len(self.facts)} things there were to find.",
            "",
        ]
        for fact in self.facts:
            when = f" (turn {fact.turn})" if fact.turn else ""
            mark = "found" if fact.disclosed else "not found"
            lines.append(f"- **{fact.topic}** — {mark}{when}: “{fact.text.strip()}”")
        return "\n".join(lines) + "\n"


def _turn_list(numbers: list[int]) -> str:
    label = "turn" if len(numbers) == 1 else "turns"
    return f"{label} {', '.join(str(n) for n in numbers)}"


def session_feedback(
    persona: Persona,
    records: list[TurnRecord],
    targets: Targets,
    *,
    stereotypes_checked: bool = True,
) -> SessionFeedback:
    """The review of a session from its turn records (``stereotypes_checked``: whether the
    turns were read for stereotyping; when not, the review says nothing about it)."""
    counts: Counter[str] = Counter(r.skill for r in records if r.problem is None)
    open_q, closed_q = counts["open_question"], counts["closed_question"]
    questions = open_q + closed_q
    reflections = counts["reflection"]
    summaries = sum(1 for r in records if r.skill == "summary" and r.wrong_summary is None)
    wrong_summaries = [r.number for r in records if r.wrong_summary is not None]
    turns = len(records)
    expected = max(targets.summaries_min, turns // targets.summary_every_turns) if turns else 0
    trainee_words = sum(len(words(r.trainee_text)) for r in records)
    client_words = sum(len(words(r.client_text)) for r in records)
    total = trainee_words + client_words
    share = client_words / total if total else None
    premature = [r.number for r in records if r.premature_advice]
    unsourced = [r.number for r in records if r.unsourced_information]
    disclosed_at = {fact_id: r.number for r in records for fact_id in r.disclosed}
    facts = [
        FactStatus(
            id=f.id,
            topic=persona.topic(f.topic).label,
            text=f.text,
            disclosed=f.id in disclosed_at,
            turn=disclosed_at.get(f.id),
        )
        for f in persona.hidden
    ]
    ratio = open_q / closed_q if closed_q else None
    per_question = reflections / questions if questions else None
    judged = questions >= targets.min_questions_for_ratios

    findings: list[Finding] = []
    ratio_met = (not judged) or closed_q == 0 or open_q >= targets.open_to_closed_min * closed_q
    need = f"{targets.open_to_closed_min:g}:1"
    findings.append(
        Finding(
            target="open_to_closed",
            met=ratio_met,
            message=(
                f"Open to closed questions {open_q}:{closed_q} (target at least {need})."
                if ratio_met
                else f"Too many closed questions: {open_q} open to {closed_q} closed (target "
                f"at least {need}). Closed questions get short answers; ask 'what' and 'how' "
                "questions to let the client talk."
            ),
        )
    )
    reflect_met = (not judged) or reflections >= targets.reflections_per_question_min * questions
    findings.append(
        Finding(
            target="reflections",
            met=reflect_met,
            message=(
                f"{reflections} reflection(s) for {questions} question(s)."
                if reflect_met
                else f"Too few reflections: {reflections} for {questions} questions (target at "
                f"least {targets.reflections_per_question_min:g} per question). Reflecting back "
                "what you hear is what draws out more."
            ),
        )
    )
    summary_met = summaries >= expected
    findings.append(
        Finding(
            target="summaries",
            met=summary_met,
            message=(
                f"{summaries} accurate summar{'y' if summaries == 1 else 'ies'} "
                f"(expected {expected})."
                + (
                    f" Summaries that got something wrong: {_turn_list(wrong_summaries)}."
                    if wrong_summaries
                    else ""
                )
                if summary_met
                else f"Too few summaries: {summaries} accurate, expected {expected} (one at the "
                "end of each stage, in the client's own words)."
                + (f" Wrong summaries: {_turn_list(wrong_summaries)}." if wrong_summaries else "")
            ),
        )
    )
    share_met = share is None or share >= targets.client_talk_share_min
    findings.append(
        Finding(
            target="client_talk_share",
            met=share_met,
            message=(
                f"The client spoke {share or 0:.0%} of the words (target at least "
                f"{targets.client_talk_share_min:.0%})."
                + ("" if share_met else " Say less and ask more; let the client do the talking.")
            ),
        )
    )
    advice_met = len(premature) <= targets.premature_advice_max
    findings.append(
        Finding(
            target="premature_advice",
            met=advice_met,
            message=(
                "No advice before the client's criteria were known."
                if not premature
                else f"Early advice: advice came before the client's criteria were known "
                f"({_turn_list(premature)}). Find out what matters to them first."
            ),
        )
    )
    info_met = len(unsourced) <= targets.unsourced_information_max
    findings.append(
        Finding(
            target="sourced_information",
            met=info_met,
            message=(
                "All information named its source."
                if not unsourced
                else f"Information without a source ({_turn_list(unsourced)}): say where it "
                "comes from (e.g. the National Careers Service)."
            ),
        )
    )
    stereotyped = [r for r in records if r.stereotype]
    if stereotypes_checked:
        findings.append(_stereotyping(persona, stereotyped, targets))
    found = sum(1 for f in facts if f.disclosed)
    missed = [f.topic for f in facts if not f.disclosed]
    findings.append(
        Finding(
            target="disclosure",
            met=not missed,
            message=(
                f"The client disclosed {found} of {len(facts)} things there were to find."
                + (
                    f" Not reached: {', '.join(sorted(set(missed)))}. Open questions and "
                    "reflections on those topics would have drawn them out."
                    if missed
                    else ""
                )
            ),
        )
    )
    return SessionFeedback(
        persona_id=persona.id,
        persona_name=persona.display_name,
        turns=turns,
        skill_counts=dict(counts),
        open_questions=open_q,
        closed_questions=closed_q,
        open_closed_ratio=ratio,
        reflections=reflections,
        reflections_per_question=per_question,
        summaries=summaries,
        summaries_expected=expected,
        wrong_summary_turns=wrong_summaries,
        trainee_words=trainee_words,
        client_words=client_words,
        client_talk_share=share,
        premature_advice_turns=premature,
        unsourced_information_turns=unsourced,
        stereotype_turns=[r.number for r in stereotyped],
        facts=facts,
        findings=findings,
    )


def _stereotyping(persona: Persona, stereotyped: list[TurnRecord], targets: Targets) -> Finding:
    """The review's line on assumptions from a group (its wording from the targets file)."""
    line = targets.review["stereotyping"]
    values = {"name": persona.display_name}
    met = len(stereotyped) <= targets.stereotyping_max
    if not stereotyped:
        return Finding(target="stereotyping", met=met, message=line.clear.format(**values))
    values["turns"] = _turn_list([r.number for r in stereotyped])
    values["assumed"] = " and ".join(_quoted(r.stereotype or "") for r in stereotyped)
    return Finding(target="stereotyping", met=met, message=line.found.format(**values))
