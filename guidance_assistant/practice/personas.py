"""Simulated clients for practice mode: the persona cards in ``knowledge/personas/``.

A persona is one YAML file (validated by :class:`Persona`, ``extra="forbid"`` everywhere):

* ``profile`` — who the client is (id, display name, age, situation, needs);
* ``topics`` — what the conversation can be about, each with the words a trainee might use
  for it (``keywords``) and a short, consistent answer to a closed question on it;
* ``surface`` — what the client says readily when asked;
* ``hidden`` — facts the client discloses only when the trainee earns it: each has a topic,
  the words the client says when disclosing it, distinctive ``keywords`` (used to catch a model
  reply that gives a locked fact away) and an ``unlock`` rule (how many open questions,
  reflections... on that topic, and which facts must come first);
* ``feelings``, ``goals``, ``good_session`` (what a good session would reach), ``resistance``;
* ``responses`` — the response bank: replies in character for every trainee skill.

Statements and facts flagged ``criterion`` are what matters to the client in a choice: advice
given before ``criteria_needed`` of them were voiced is premature.
"""

from __future__ import annotations

import functools
import re
import string
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.paths import bundled_dir
from guidance_assistant.practice.skills import SKILL_LABELS, SkillLabel

Skill = SkillLabel
"""The trainee skills the classifier tells apart."""

SKILLS: tuple[Skill, ...] = SKILL_LABELS

Resistance = Literal["low", "medium", "high"]

PERSONAS_DIR = "personas"
_ID = r"^[a-z0-9][a-z0-9_-]*$"
_WORD = re.compile(r"[a-z0-9]+")


class PracticeError(GuidanceAssistantError):
    """A persona or practice setting that cannot be used (missing, malformed, unknown id)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def words(text: str) -> list[str]:
    """Lower-case word tokens of ``text``; apostrophes are dropped (``don't`` → ``dont``)."""
    return _WORD.findall(text.lower().replace("'", "").replace("’", ""))


def _token_matches(keyword_token: str, token: str) -> bool:
    if token == keyword_token:
        return True
    if len(keyword_token) > 3 and keyword_token.endswith("s") and token == keyword_token[:-1]:
        return True  # "hates" in a phrase matches "hate"
    stem = keyword_token[:-1] if keyword_token.endswith("e") else keyword_token
    for ending in ("s", "es", "ing", "ed", "er", "ers"):
        if token in (keyword_token + ending, stem + ending):
            return True
    return False


def find_phrase(tokens: list[str], phrase: str) -> int | None:
    """Where ``phrase`` (one or more words) starts in ``tokens`` (plural/-ing forms allowed)."""
    wanted = words(phrase)
    if not wanted:
        return None
    size = len(wanted)
    for start in range(len(tokens) - size + 1):
        if all(_token_matches(w, tokens[start + i]) for i, w in enumerate(wanted)):
            return start
    return None


def mentions(tokens: list[str], phrase: str) -> bool:
    """Whether ``phrase`` (one or more words) occurs in ``tokens``, allowing plural/-ing forms."""
    return find_phrase(tokens, phrase) is not None


def quote_phrase(text: str, phrase: str) -> str | None:
    """The words of ``text`` (with their case) that match ``phrase``, or ``None``."""
    cased = re.findall(r"[A-Za-z0-9]+", text.replace("'", "").replace("’", ""))
    start = find_phrase([w.lower() for w in cased], phrase)
    if start is None:
        return None
    return " ".join(cased[start : start + len(words(phrase))])


def _non_blank(values: list[str]) -> list[str]:
    for value in values:
        if not value.strip():
            raise ValueError("blank entries are not allowed")
    return values


class Profile(_Strict):
    id: str = Field(pattern=_ID)
    display_name: str = Field(min_length=1)
    age: int = Field(ge=11, le=80)
    situation: str = Field(min_length=3, description="Year group or life situation.")
    needs: list[str] = Field(default_factory=list, description="e.g. 'EHCP (autism)'.")
    background: str = Field(min_length=10, description="A few lines an adviser would know.")


class Topic(_Strict):
    id: str = Field(pattern=_ID)
    label: str = Field(min_length=2, description="Plain words for the topic, e.g. 'home life'.")
    keywords: list[str] = Field(min_length=1, description="Words a trainee might use for it.")
    closed_answer: str = Field(
        min_length=1, description="A short answer to a closed question on this topic."
    )

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, value: list[str]) -> list[str]:
        return _non_blank(value)


class Statement(_Strict):
    """Something the client says readily."""

    id: str = Field(pattern=_ID)
    topic: str
    text: str = Field(min_length=5)
    terms: list[str] = Field(
        default_factory=list,
        description="Words a correct summary may use for this statement besides its own.",
    )
    contradicted_by: list[str] = Field(
        default_factory=list, description="Phrases that, in a summary, get this statement wrong."
    )
    criterion: bool = Field(default=False, description="Says what matters to them in a choice.")


def _default_requires() -> dict[Skill, int]:
    return {"open_question": 1, "reflection": 1}


class UnlockRule(_Strict):
    """What the trainee must have done on the fact's topic before the client discloses it."""

    requires: dict[Skill, int] = Field(
        default_factory=lambda: _default_requires(),
        description="Skill -> how many times it must have been used on the topic.",
    )
    after: list[str] = Field(default_factory=list, description="Fact ids disclosed first.")

    @field_validator("requires")
    @classmethod
    def _positive(cls, value: dict[Skill, int]) -> dict[Skill, int]:
        if any(count < 0 for count in value.values()):
            raise ValueError("counts must be 0 or more")
        if any(skill in ("closed_question", "advice") for skill in value):
            raise ValueError("a fact cannot be earned with closed questions or advice")
        return value


class HiddenFact(Statement):
    """A fact disclosed only when earned; ``text`` is what the client says when disclosing."""

    keywords: list[str] = Field(
        min_length=1,
        description="Distinctive words of the fact (each occurs in its text): a model reply "
        "that uses one before the fact is disclosed gives it away.",
    )
    unlock: UnlockRule = Field(default_factory=UnlockRule)

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, value: list[str]) -> list[str]:
        return _non_blank(value)


_BANK_PLACEHOLDERS: dict[str, set[str]] = {"summary_wrong": {"wrong"}}


class ResponseBank(_Strict):
    """Replies in character, several per trainee skill (a seeded choice picks one)."""

    contracting: list[str] = Field(min_length=2)
    open_question: list[str] = Field(
        min_length=2, description="When an open question finds nothing new to say."
    )
    closed_question: list[str] = Field(
        min_length=2, description="Short, non-committal answers (never yes or no to a fact)."
    )
    reflection: list[str] = Field(min_length=2)
    reflection_lead: list[str] = Field(
        min_length=2, description="Said before more comes out after a reflection ('Yeah...')."
    )
    summary_ok: list[str] = Field(min_length=2)
    summary_wrong: list[str] = Field(
        min_length=2, description="Corrections; '{wrong}' is what the summary got wrong."
    )
    affirmation: list[str] = Field(min_length=2)
    information: list[str] = Field(min_length=2)
    advice_premature: list[str] = Field(min_length=2, description="'Yeah, maybe' replies.")
    advice: list[str] = Field(min_length=2, description="Advice once criteria are known.")
    challenge: list[str] = Field(min_length=2)
    other: list[str] = Field(min_length=2)
    unclear: list[str] = Field(
        min_length=2, description="For an empty, garbled or very long message."
    )

    @model_validator(mode="after")
    def _lines(self) -> ResponseBank:
        for name in type(self).model_fields:
            allowed = _BANK_PLACEHOLDERS.get(name, set())
            for line in getattr(self, name):
                if not line.strip():
                    raise ValueError(f"responses.{name} has a blank line")
                fields = {f for _, f, _, _ in string.Formatter().parse(line) if f is not None}
                if fields - allowed:
                    raise ValueError(
                        f"responses.{name}: placeholder(s) {sorted(fields - allowed)} not allowed "
                        f"in {line!r}"
                    )
                if allowed and not fields:
                    raise ValueError(f"responses.{name}: {line!r} must use {{wrong}}")
        return self

    def lines(self, kind: str) -> list[str]:
        value = getattr(self, kind)
        assert isinstance(value, list)
        return [str(line) for line in value]


class Persona(_Strict):
    """One simulated client (a file in ``knowledge/personas/``)."""

    profile: Profile
    resistance: Resistance
    topics: list[Topic] = Field(min_length=2)
    surface: list[Statement] = Field(min_length=3)
    hidden: list[HiddenFact] = Field(min_length=2)
    feelings: list[str] = Field(min_length=1)
    goals: list[str] = Field(min_length=1)
    good_session: list[str] = Field(min_length=1, description="What a good session would reach.")
    criteria_needed: int = Field(
        default=1, ge=1, description="Criterion statements voiced before advice is welcome."
    )
    opening: str = Field(min_length=3, description="The client's first words, when asked.")
    responses: ResponseBank

    @property
    def id(self) -> str:
        return self.profile.id

    @property
    def display_name(self) -> str:
        return self.profile.display_name

    def topic(self, topic_id: str) -> Topic:
        for topic in self.topics:
            if topic.id == topic_id:
                return topic
        raise KeyError(topic_id)

    def fact(self, fact_id: str) -> HiddenFact:
        for fact in self.hidden:
            if fact.id == fact_id:
                return fact
        raise KeyError(fact_id)

    @model_validator(mode="after")
    def _consistent(self) -> Persona:
        topic_ids = [t.id for t in self.topics]
        if len(set(topic_ids)) != len(topic_ids):
            raise ValueError("topic ids must be unique")
        item_ids = [s.id for s in self.surface] + [f.id for f in self.hidden]
        if len(set(item_ids)) != len(item_ids):
            raise ValueError("statement and fact ids must be unique")
        hidden_ids = {f.id for f in self.hidden}
        for item in [*self.surface, *self.hidden]:
            if item.topic not in topic_ids:
                raise ValueError(f"{item.id}: unknown topic {item.topic!r}")
        readily = [
            self.opening,
            *(s.text for s in self.surface),
            *(t.closed_answer for t in self.topics),
        ]
        for name in ResponseBank.model_fields:
            readily.extend(self.responses.lines(name))
        surface_tokens = words(" ".join(readily))
        for fact in self.hidden:
            tokens = words(fact.text)
            for keyword in fact.keywords:
                if not mentions(tokens, keyword):
                    raise ValueError(f"{fact.id}: keyword {keyword!r} is not in its text")
                if mentions(surface_tokens, keyword):
                    raise ValueError(
                        f"{fact.id}: keyword {keyword!r} is already in the opening, a surface "
                        "statement, a closed answer or a bank reply, so it cannot show that the "
                        "fact was given away"
                    )
            for before in fact.unlock.after:
                if before not in hidden_ids or before == fact.id:
                    raise ValueError(f"{fact.id}: unlock.after names unknown fact {before!r}")
        criteria = sum(1 for item in [*self.surface, *self.hidden] if item.criterion)
        if criteria < self.criteria_needed:
            raise ValueError(
                f"criteria_needed is {self.criteria_needed} but only {criteria} statements are "
                "flagged criterion"
            )
        return self


def default_personas_dir() -> Path:
    return bundled_dir("knowledge") / PERSONAS_DIR


def load_persona_file(path: Path) -> Persona:
    """One persona file, validated. Raises :class:`PracticeError` with the file and the fault."""
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PracticeError(f"The persona file {path} could not be read: {exc}") from exc
    if not isinstance(data, dict):
        raise PracticeError(f"The persona file {path} must hold a mapping (profile, topics...).")
    try:
        persona = Persona.model_validate(data)
    except ValidationError as exc:
        raise PracticeError(f"The persona file {path} is not valid:\n{exc}") from exc
    if persona.id != path.stem:
        raise PracticeError(
            f"The persona file {path} has id {persona.id!r}; name the file {persona.id}.yaml."
        )
    return persona


def _stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    return tuple(
        (p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*.yaml"))
    )


@functools.lru_cache(maxsize=8)
def _load_cached(folder: Path, stamp: tuple[tuple[str, int, int], ...]) -> tuple[Persona, ...]:
    return tuple(load_persona_file(folder / name) for name, _, _ in stamp)


def load_personas(folder: str | Path | None = None) -> list[Persona]:
    """Every persona in ``folder`` (default: the bundled ``knowledge/personas``), by file name."""
    path = Path(folder) if folder is not None else default_personas_dir()
    if not path.is_dir():
        raise PracticeError(f"The personas folder {path} does not exist.")
    personas = list(_load_cached(path, _stamp(path)))
    if not personas:
        raise PracticeError(f"The personas folder {path} holds no .yaml persona files.")
    return personas


def get_persona(persona_id: str, folder: str | Path | None = None) -> Persona:
    """The persona with ``persona_id``; :class:`PracticeError` names the known ids otherwise."""
    personas = load_personas(folder)
    for persona in personas:
        if persona.id == persona_id:
            return persona
    known = ", ".join(p.id for p in personas)
    raise PracticeError(f"No persona {persona_id!r}. Choose one of: {known}.")
