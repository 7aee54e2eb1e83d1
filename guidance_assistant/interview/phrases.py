"""The offline wording of every move: ``prompts/offline/*.yaml``, validated and rendered.

Each phrase file maps keys such as ``open_question.interests`` to several phrasings, in
``standard`` and (optionally) ``plain`` language::

    phrases:
      open_question.interests:
        standard:
          - "What do you enjoy doing, in school or out of it?"
        plain:
          - "What do you like doing?"

The keys, and the ``{slots}`` each one may use, are fixed by the engine (:data:`PHRASE_SLOTS`):
a missing key, an unknown key or a slot the engine does not fill is an error naming the file.
``needs.yaml`` (how needs shape the interview) has its own shape (:class:`NeedsFile`).
Which phrasing is used is chosen from the session's seed and turn, never from who the client is.
"""

from __future__ import annotations

import difflib
import functools
import string
import zlib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from guidance_assistant.interview.model import (
    FEELING_KINDS,
    NEEDS,
    TOPIC_IDS,
    InterviewModelError,
    Need,
    read_yaml,
    validation_message,
)
from guidance_assistant.paths import bundled_dir
from guidance_assistant.text.clean import split_plain

NEEDS_FILE = "needs.yaml"


def _slots(*names: str) -> frozenset[str]:
    return frozenset(names)


_NONE = _slots()

PHRASE_SLOTS: dict[str, frozenset[str]] = {
    # contracting
    "contracting.welcome": _slots("name"),
    "contracting.purpose": _NONE,
    "contracting.time": _slots("minutes"),
    "contracting.confidentiality": _NONE,
    "contracting.agenda_question": _NONE,
    "contracting.agenda_noted": _slots("agenda"),
    "contracting.agenda_check": _slots("agenda"),
    "contracting.agenda_check_said": _slots("said", "agenda"),
    "contracting.agenda_offer": _NONE,
    "contracting.agenda_revise": _NONE,
    "contracting.redirect": _NONE,
    "contracting.injection": _NONE,
    "contracting.about_adviser": _NONE,
    "contracting.empty_prompt": _NONE,
    "contracting.long_message": _NONE,
    "contracting.session_closed": _NONE,
    "contracting.resume": _NONE,
    # questions
    **{f"open_question.{topic}": _NONE for topic in TOPIC_IDS},
    **{f"open_question.alternative.{topic}": _NONE for topic in TOPIC_IDS},
    "open_question.more": _NONE,
    "open_question.ideas": _NONE,
    "open_question.criteria_first": _NONE,
    "open_question.option_view": _slots("option"),
    "open_question.decision": _slots("options"),
    "open_question.next_step": _NONE,
    "open_question.weigh": _slots("criteria", "options"),
    "open_question.anything_to_add": _NONE,
    "open_question.check_in": _NONE,
    "open_question.check_in_after_answer": _NONE,
    "open_question.secrecy_limits": _NONE,
    "closed_question.which_job": _slots("candidates"),
    "closed_question.which_job_open": _NONE,
    "closed_question.action_date": _slots("action"),
    "closed_question.action_date_offer": _slots("action", "when"),
    "closed_question.next_contact": _NONE,
    "closed_question.another_action": _NONE,
    **{f"bridge.{topic}": _NONE for topic in TOPIC_IDS},
    "bridge.more": _NONE,
    "bridge.compare": _NONE,
    "bridge.decide": _NONE,
    # reflections
    **{f"reflection.{topic}": _slots("gist") for topic in TOPIC_IDS},
    "reflection.content": _slots("gist"),
    **{f"reflection.feeling.{kind}": _NONE for kind in FEELING_KINDS},
    "reflection.idea": _slots("option"),
    "reflection.ideas": _slots("titles"),
    "reflection.suggested_idea": _slots("option"),
    "reflection.option_view.positive": _slots("option"),
    "reflection.option_view.negative": _slots("option"),
    "reflection.option_view.unsure": _slots("option"),
    "reflection.dont_know": _NONE,
    "reflection.criteria": _slots("criteria"),
    "reflection.defer_information": _NONE,
    # summaries
    "summary.exploration.intro": _NONE,
    "summary.options_and_challenge.intro": _NONE,
    "summary.decision_and_action_planning.intro": _NONE,
    "summary.close.intro": _NONE,
    "summary.empty": _NONE,
    **{f"summary.line.{topic}": _slots("gist") for topic in TOPIC_IDS},
    "summary.line.agenda": _slots("agenda"),
    "summary.line.criteria": _slots("criteria"),
    "summary.line.ideas": _slots("options"),
    "summary.line.option": _slots("option", "view"),
    "summary.line.decision": _slots("decision"),
    "summary.line.action": _slots("what", "who", "when"),
    "summary.line.suggested": _slots("options"),
    "summary.line.steps": _slots("steps"),
    "summary.line.next_contact": _slots("when"),
    "summary.bridge.options_and_challenge": _NONE,
    "summary.bridge.decision_and_action_planning": _NONE,
    "summary.bridge.close": _NONE,
    # affirmations
    "affirmation.strengths": _slots("gist"),
    "affirmation.effort": _NONE,
    "affirmation.action": _NONE,
    "affirmation.decision": _slots("decision"),
    "affirmation.goodbye": _NONE,
    # information
    "information.pay.range": _slots("occupation", "starter", "experienced", "source"),
    "information.pay.starter": _slots("occupation", "starter", "source"),
    "information.pay.experienced": _slots("occupation", "experienced", "source"),
    "information.pay.variable": _slots("occupation", "source"),
    "information.pay.ashe": _slots("group", "median", "p25", "p75", "source"),
    "information.pay.ashe_median": _slots("group", "median", "source"),
    "information.pay.none": _slots("occupation"),
    "information.pay.caveat": _NONE,
    "information.hours.range": _slots("occupation", "low", "high", "source"),
    "information.hours.period": _slots("occupation", "period", "source"),
    "information.hours.pattern": _slots("pattern", "source"),
    "information.hours.none": _slots("occupation"),
    "information.routes.intro": _slots("occupation", "source"),
    "information.routes.brief": _slots("occupation", "routes", "source"),
    "information.routes.side_by_side": _slots("occupation", "routes"),
    "information.routes.impartial": _NONE,
    "information.routes.only": _slots("occupation", "routes"),
    "information.routes.none": _slots("occupation"),
    "information.routes.standards": _slots("standards", "source"),
    "information.outlook.jobs": _slots("group", "jobs", "source"),
    "information.outlook.caveat": _NONE,
    "information.outlook.none": _slots("occupation"),
    "information.skills": _slots("occupation", "skills", "source"),
    "information.skills.none": _slots("occupation"),
    "information.description": _slots("occupation", "text", "source"),
    "information.answer": _slots("text", "source"),
    "information.framework": _slots("title", "text", "source"),
    "information.not_found": _NONE,
    "information.kind.none": _slots("kind"),
    "information.kind.also": _slots("text", "title", "source"),
    "information.widening.intro": _NONE,
    "information.widening.item": _slots("occupation", "routes"),
    "information.widening.none": _NONE,
    "information.family.routes": _slots("family"),
    "information.family.route": _slots("family", "route", "jobs", "source"),
    "information.family.pay": _slots("family", "source"),
    "information.family.pay_item": _slots("occupation", "starter", "experienced"),
    "information.family.check": _NONE,
    "information.check": _NONE,
    "information.profile": _slots("title"),
    "information.fit": _slots("criteria"),
    "information.fit_again": _NONE,
    # challenge
    "challenge.avoid_study": _slots("option", "routes"),
    "challenge.avoid_study_only": _slots("option", "routes"),
    "challenge.earn_soon": _slots("option", "routes"),
    "challenge.earn_soon_only": _slots("option", "routes"),
    "challenge.high_pay": _slots("option", "pay", "source"),
    "challenge.dislike_subject": _slots("option", "subject"),
    "challenge.study_route": _slots("option", "said", "other", "route"),
    # action planning
    "action_planning.invite": _slots("decision"),
    "action_planning.idea.apprenticeship": _slots("option"),
    "action_planning.idea.university": _slots("option"),
    "action_planning.idea.college": _slots("option"),
    "action_planning.idea.general": _slots("option"),
    "action_planning.idea.explore": _NONE,
    "action_planning.suggest": _slots("idea", "when"),
    "action_planning.need_idea": _slots("idea"),
    "action_planning.confirm": _slots("what", "when"),
    "action_planning.confirm_other": _slots("what", "who", "when"),
    "action_planning.plan_full": _NONE,
    "action_planning.ask_what": _NONE,
    "action_planning.review": _slots("steps"),
    "action_planning.noted": _slots("steps"),
    # words the engine records in the state and reads back
    **{f"fact.none.{topic}": _NONE for topic in TOPIC_IDS},
    "agenda.default": _NONE,
    "agenda.situation": _NONE,
    "decision.option": _slots("option"),
    "decision.option_route": _slots("option", "route"),
    "decision.own_words": _slots("words"),
    "decision.keep_open": _slots("options"),
    "decision.keep_open_general": _NONE,
    "view.positive": _NONE,
    "view.negative": _NONE,
    "view.unsure": _NONE,
    "view.none": _NONE,
    # close
    "close.next_contact_noted": _slots("when"),
    "close.no_next_contact": _NONE,
    # safeguarding stance (never sent to a backend)
    "safeguarding_response.holding": _NONE,
    "safeguarding_response.held_answer": _NONE,
}
"""Every phrase key the engine uses, with the slots it fills for that key."""


class PhraseSet(BaseModel):
    """The phrasings of one key: at least one standard, optional plain-language ones."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    standard: list[str] = Field(min_length=1)
    plain: list[str] = Field(default_factory=list)

    @field_validator("standard", "plain")
    @classmethod
    def _no_blank(cls, value: list[str]) -> list[str]:
        if any(not item.strip() for item in value):
            raise ValueError("a phrasing is empty")
        return value


class PhraseFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    phrases: dict[str, PhraseSet] = Field(min_length=1)


class NeedFact(BaseModel):
    """A fact the preparation brief cites for a need: a search of the framework notes and words
    the cited sentence must hold (any one of them)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    query: str = Field(min_length=3)
    must: list[str] = Field(default_factory=list)
    when: Literal["university"] | None = Field(
        default=None, description="'university': only for a client heading for higher education."
    )


class NeedGuidance(BaseModel):
    """How one need shapes the interview (``needs.yaml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(min_length=1)
    plain_language: bool = Field(
        default=False, description="Use plain-language wording for this client."
    )
    reassurance: PhraseSet | None = Field(default=None, description="Said during contracting.")
    question: PhraseSet | None = Field(
        default=None, description="Asked when exploring circumstances (instead of the usual)."
    )
    action_ideas: list[str] = Field(
        default_factory=list, description="Steps to suggest during action planning."
    )
    plan_for: list[str] = Field(
        default_factory=list, description="What an adviser prepares (preparation brief)."
    )
    framework_query: str | None = Field(
        default=None, description="Search for the framework passages a brief cites."
    )
    facts: list[NeedFact] = Field(
        default_factory=list, description="What the brief cites (before framework_query)."
    )


class NeedsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    needs: dict[Need, NeedGuidance]


def _fields(template: str) -> set[str]:
    names: set[str] = set()
    for _, field, _, _ in string.Formatter().parse(template):
        if field is not None:
            if not field.isidentifier():
                raise ValueError(f"'{{{field}}}' is not a slot name")
            names.add(field)
    return names


def offline_dir() -> Path:
    return bundled_dir("prompts") / "offline"


class Phrasebook:
    """All offline phrasings, checked against :data:`PHRASE_SLOTS`."""

    def __init__(self, phrases: dict[str, PhraseSet], needs: NeedsFile) -> None:
        self.phrases = phrases
        self.needs = needs

    @classmethod
    def load(cls, folder: Path | str | None = None) -> Phrasebook:
        base = Path(folder) if folder is not None else offline_dir()
        if not base.is_dir():
            raise InterviewModelError(f"The offline wording folder {base} does not exist.")
        files = sorted(p for p in base.glob("*.yaml") if p.name != NEEDS_FILE)
        stamps = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)
        needs_path = base / NEEDS_FILE
        needs_stamp = (
            (needs_path.stat().st_mtime_ns, needs_path.stat().st_size)
            if needs_path.is_file()
            else (-1, -1)
        )
        return _load_cached(base, stamps, needs_stamp)

    def choose(self, key: str, *, seed: int, turn: int, plain: bool) -> str:
        """One phrasing of ``key`` (unfilled), picked from the seed and the turn number."""
        options = self.phrases[key]
        pool = options.plain if plain and options.plain else options.standard
        index = (zlib.crc32(key.encode()) + seed * 7919 + turn * 104729) % len(pool)
        text = pool[index]
        return split_plain(text) if plain and not options.plain else text

    def render(self, key: str, *, seed: int, turn: int, plain: bool, **slots: str) -> str:
        """``key``'s phrasing filled with ``slots`` (every slot the key allows must be given)."""
        allowed = PHRASE_SLOTS[key]
        unexpected = set(slots) - allowed
        if unexpected:  # pragma: no cover - an engine bug, not a data problem
            raise KeyError(f"{key} does not take {', '.join(sorted(unexpected))}")
        return self.choose(key, seed=seed, turn=turn, plain=plain).format(**slots).strip()

    def need(self, need: str) -> NeedGuidance | None:
        for need_id, guidance in self.needs.needs.items():
            if need_id == need:
                return guidance
        return None


@functools.lru_cache(maxsize=8)
def _load_cached(
    base: Path, stamps: tuple[tuple[str, int, int], ...], needs_stamp: tuple[int, int]
) -> Phrasebook:
    del needs_stamp
    merged: dict[str, PhraseSet] = {}
    origin: dict[str, Path] = {}
    for name, _, _ in stamps:
        path = base / name
        data = read_yaml(path)
        if not isinstance(data, dict):
            raise InterviewModelError(f"{path}: expected a mapping with 'phrases' at the top.")
        try:
            parsed = PhraseFile.model_validate(data)
        except ValidationError as error:
            raise InterviewModelError(validation_message(path, error)) from error
        for key, phrase_set in parsed.phrases.items():
            if key not in PHRASE_SLOTS:
                close = difflib.get_close_matches(key, list(PHRASE_SLOTS), n=1)
                hint = f" Did you mean '{close[0]}'?" if close else ""
                raise InterviewModelError(f"{path}: unknown phrase key '{key}'.{hint}")
            if key in merged:
                raise InterviewModelError(
                    f"{path}: phrase key '{key}' is also defined in {origin[key].name}."
                )
            for template in (*phrase_set.standard, *phrase_set.plain):
                try:
                    used = _fields(template)
                except ValueError as error:
                    raise InterviewModelError(f"{path}: {key}: {error} in {template!r}.") from error
                extra = used - PHRASE_SLOTS[key]
                if extra:
                    allowed = ", ".join(f"{{{s}}}" for s in sorted(PHRASE_SLOTS[key])) or "none"
                    raise InterviewModelError(
                        f"{path}: {key}: {template!r} uses {', '.join(f'{{{s}}}' for s in sorted(extra))}"
                        f", which this key does not fill (allowed: {allowed})."
                    )
            merged[key] = phrase_set
            origin[key] = path
    missing = [key for key in PHRASE_SLOTS if key not in merged]
    if missing:
        raise InterviewModelError(
            f"{base}: no phrasing for {', '.join(missing[:8])}"
            + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
            + ". Every key the engine uses needs at least one standard phrasing."
        )
    needs_path = base / NEEDS_FILE
    data = read_yaml(needs_path)
    try:
        needs = NeedsFile.model_validate(data)
    except ValidationError as error:
        raise InterviewModelError(validation_message(needs_path, error)) from error
    for need_id, guidance in needs.needs.items():
        for maybe in (guidance.reassurance, guidance.question):
            if maybe is None:
                continue
            for template in (*maybe.standard, *maybe.plain):
                if _fields(template):
                    raise InterviewModelError(
                        f"{needs_path}: {need_id}: {template!r} uses a slot; needs phrasings take none."
                    )
    unknown = [need for need in needs.needs if need not in NEEDS]
    if unknown:  # pragma: no cover - the Literal type already rejects these
        raise InterviewModelError(f"{needs_path}: unknown needs {unknown}.")
    return Phrasebook(merged, needs)


def load_phrasebook(folder: Path | str | None = None) -> Phrasebook:
    """The offline wording (``prompts/offline``), validated; re-read when a file changes."""
    return Phrasebook.load(folder)
