"""Simulated clients for practice mode: the persona cards in ``knowledge/personas/``.

A persona is one YAML file (validated by :class:`Persona`, ``extra="forbid"`` everywhere):

* ``profile`` — who the client is (id, display name, pronouns, age, situation, needs);
* ``topics`` — what the conversation can be about, each with the words a trainee might use
  for it (``keywords``), its name said about the client (``label``, in the client's pronouns)
  and to the client (``you_label``, for feedback's suggested phrasings), and a short answer to
  a closed question on it (never a denial of a hidden fact on the topic);
* ``facts`` — what the client answers when asked straight out: grades, year, who is at home,
  and yes/no answers on subjects (work experience, a job, university...), each with its
  polarity, so that a closed question gets the same truthful answer every time and never
  denies what the client discloses later;
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
Pronouns = Literal["she", "he", "they"]
Polarity = Literal["yes", "no", "unsure"]

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


_PRONOUN_WORDS: dict[str, frozenset[str]] = {
    "she": frozenset({"she", "her", "hers", "herself", "shes", "shed", "shell"}),
    "he": frozenset({"he", "him", "his", "himself", "hes", "hed", "hell"}),
    "they": frozenset({"they", "them", "their", "theirs", "themself", "themselves", "theyre"}),
}
"""Third-person words for the client, by the pronouns they use."""

_SECOND_PERSON_BANNED = _PRONOUN_WORDS["she"] | _PRONOUN_WORDS["he"] - {"hell"}


def third_person_words(text: str) -> dict[str, set[str]]:
    """The third-person pronoun words in ``text``, by pronoun set (apostrophes dropped)."""
    tokens = set(words(text))
    return {key: set(tokens & found) for key, found in _PRONOUN_WORDS.items() if tokens & found}


_YES_START = re.compile(
    r"^(?:yes|yeah|yep|yup|yea|i have|ive|i do|i am|im|i did|definitely|of course)\b"
)
_NO_START = re.compile(r"^(?:no|nope|nah|not|never|i dont|i havent|i didnt|i do not|i have not)\b")
_UNSURE = re.compile(
    r"\b(?:not sure|dont know|do not know|dunno|maybe|sort of|kind of|a bit|i suppose|i guess|"
    r"probably|some of|bits|partly|sometimes|might|depends|havent decided|not decided)\b"
)


def opening_polarity(text: str) -> Polarity | None:
    """What the first clause of an answer says: yes, no, unsure, or nothing (``None``)."""
    head = re.split(r"[.!?…,]", text.strip(), maxsplit=1)[0]
    plain = " ".join(words(head))
    if _UNSURE.search(plain):
        return "unsure"
    if _NO_START.search(plain):
        return "no"
    if _YES_START.search(plain):
        return "yes"
    return None


class Profile(_Strict):
    id: str = Field(pattern=_ID)
    display_name: str = Field(min_length=1)
    pronouns: Pronouns = Field(description="How feedback speaks of the client: she, he or they.")
    age: int = Field(ge=11, le=80)
    situation: str = Field(min_length=3, description="Year group or life situation.")
    needs: list[str] = Field(default_factory=list, description="e.g. 'EHCP (autism)'.")
    background: str = Field(min_length=10, description="A few lines an adviser would know.")


class Topic(_Strict):
    id: str = Field(pattern=_ID)
    label: str = Field(
        min_length=2,
        description="Plain words for the topic said about the client, e.g. 'what she enjoys'.",
    )
    you_label: str = Field(
        min_length=2,
        description="The topic said to the client, e.g. 'what you enjoy' (no he, she, his, her).",
    )
    keywords: list[str] = Field(min_length=1, description="Words a trainee might use for it.")
    closed_answer: str = Field(
        min_length=1,
        description="A short answer to a general closed question on this topic ('Is school OK?').",
    )

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, value: list[str]) -> list[str]:
        return _non_blank(value)

    @field_validator("you_label")
    @classmethod
    def _second_person(cls, value: str) -> str:
        wrong = set(words(value)) & _SECOND_PERSON_BANNED
        if wrong:
            raise ValueError(
                f"you_label is said to the client: {sorted(wrong)} do not belong in it"
            )
        return value


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


class Answer(_Strict):
    """The client's answer to a yes/no question on one subject, the same every time."""

    id: str = Field(pattern=_ID)
    about: list[str] = Field(
        min_length=1, description="Words that show a question is about this subject."
    )
    polarity: Polarity = Field(description="What the answer says: yes, no or unsure.")
    says: str = Field(min_length=2, description="The answer, its first clause saying it.")
    fact: str | None = Field(
        default=None,
        description="The hidden fact or statement this subject touches: the answer may hold "
        "it back (unsure) but never deny it (no).",
    )

    @field_validator("about")
    @classmethod
    def _about(cls, value: list[str]) -> list[str]:
        return _non_blank(value)

    @model_validator(mode="after")
    def _says_its_polarity(self) -> Answer:
        said = opening_polarity(self.says)
        if said != self.polarity:
            raise ValueError(
                f"answer {self.id}: {self.says!r} opens as {said or 'no answer'}, not "
                f"{self.polarity} (start with yes, no, or a hedge such as 'not sure', 'sort of')"
            )
        return self


class Facts(_Strict):
    """What the client says when asked straight out (closed questions get these, every time)."""

    grades: str | None = Field(default=None, description="Their grades (predicted or got).")
    year: str | None = Field(default=None, description="Their year group or stage.")
    age: str | None = Field(default=None, description="Their age (default: 'I'm <age>.').")
    family: str | None = Field(default=None, description="Who is at home.")
    answers: list[Answer] = Field(default_factory=list)

    def lines(self) -> list[str]:
        found = [self.grades, self.year, self.age, self.family, *(a.says for a in self.answers)]
        return [line for line in found if line]


_BANK_PLACEHOLDERS: dict[str, set[str]] = {"summary_wrong": {"wrong"}}
_BARE_POLAR = re.compile(r"^(?:yes|yeah|yep|yup|no|nope|nah|not really|not much|not yet)$")


def _default_agree() -> list[str]:
    return ["Yeah, like I said.", "Yeah, I said that."]


def _default_disagree() -> list[str]:
    return ["No, like I said.", "No. I said that."]


def _default_backchannel() -> list[str]:
    return ["Mm.", "Right.", "OK.", "Yeah."]


def _default_hedge() -> list[str]:
    return ["Not sure.", "Maybe.", "Dunno."]


def _default_accept() -> list[str]:
    return ["Yeah, OK.", "OK, yeah.", "Yeah, that's fine."]


def _default_nothing_else() -> list[str]:
    return ["No, I think that's it.", "No, that's everything, I think."]


class ResponseBank(_Strict):
    """Replies in character, several per trainee skill (a seeded choice picks one)."""

    contracting: list[str] = Field(min_length=2)
    open_question: list[str] = Field(
        min_length=2, description="When an open question finds nothing new to say."
    )
    closed_question: list[str] = Field(
        min_length=2,
        description="Non-committal answers to a closed question on something the client has "
        "no answer for (never a bare yes or no: that would commit them to a fact).",
    )
    guarded: list[str] = Field(
        min_length=2,
        description="Said when asked straight out about something not yet disclosed: holds it "
        "back without denying it ('Sort of. I'd rather not go into it.').",
    )
    agree: list[str] = Field(
        default_factory=_default_agree,
        description="Yes to a closed question on something the client has already said.",
    )
    disagree: list[str] = Field(
        default_factory=_default_disagree,
        description="No to a closed question on something the client has already ruled out.",
    )
    backchannel: list[str] = Field(
        default_factory=_default_backchannel,
        min_length=2,
        description="Short replies for when the other lines of a kind have all been said.",
    )
    accept: list[str] = Field(
        default_factory=_default_accept,
        min_length=2,
        description="Yes to a proposal or a check ('Shall we start with what you enjoy?').",
    )
    nothing_else: list[str] = Field(
        default_factory=_default_nothing_else,
        min_length=2,
        description="No to 'Is there anything else?'.",
    )
    hedge: list[str] = Field(
        default_factory=_default_hedge,
        min_length=2,
        description="Short non-committal answers for when the closed_question lines have all "
        "been said.",
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
        for line in [*self.closed_question, *self.guarded]:
            head = re.split(r"[.!?…,]", line.strip(), maxsplit=1)[0]
            if _BARE_POLAR.match(" ".join(words(head))):
                raise ValueError(
                    f"responses: {line!r} is a bare yes or no; closed_question and guarded "
                    "lines must not commit the client to a fact"
                )
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
    facts: Facts = Field(default_factory=Facts)
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

    @property
    def pronouns(self) -> Pronouns:
        return self.profile.pronouns

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
        for topic in self.topics:
            others = {k for k in third_person_words(topic.label) if k != self.profile.pronouns}
            if others:
                raise ValueError(
                    f"topic {topic.id}: label {topic.label!r} uses {sorted(others)[0]!r} "
                    f"pronouns, but the client's are {self.profile.pronouns!r}"
                )
        readily = [
            self.opening,
            *(s.text for s in self.surface),
            *(t.closed_answer for t in self.topics),
            *self.facts.lines(),
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
        item_ids_set = set(item_ids)
        answer_ids = [a.id for a in self.facts.answers]
        if len(set(answer_ids)) != len(answer_ids):
            raise ValueError("facts.answers ids must be unique")
        for answer in self.facts.answers:
            if answer.fact is not None and answer.fact not in item_ids_set:
                raise ValueError(f"facts.answers {answer.id}: unknown fact {answer.fact!r}")
            if answer.fact in hidden_ids and answer.polarity == "no":
                raise ValueError(
                    f"facts.answers {answer.id}: says no about {answer.fact!r}, which the "
                    "client discloses later (hold it back with 'unsure' instead)"
                )
        self._facts_answer_their_kinds()
        criteria = sum(1 for item in [*self.surface, *self.hidden] if item.criterion)
        if criteria < self.criteria_needed:
            raise ValueError(
                f"criteria_needed is {self.criteria_needed} but only {criteria} statements are "
                "flagged criterion"
            )
        return self

    def _facts_answer_their_kinds(self) -> None:
        from guidance_assistant.practice.questions import answers_kind

        for kind in ("grades", "year", "age", "family"):
            line = getattr(self.facts, kind)
            if line and not answers_kind(line, kind):
                raise ValueError(f"facts.{kind}: {line!r} does not give the {kind}")


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
