"""Does the simulated client stay coherent? Every persona against scripted trainees and the engine.

``python -m guidance_assistant.evals.practice_client`` plays each practice persona against the
scripted trainee turns in ``evals/practice/`` (good and poor practice, in many registers, each
turn's skill given so that the client is measured and not the skill classifier) and against the
interview engine (``open_session``, which plays the adviser; its turns are labelled by the
practice classifier, as a trainee's would be). It counts, per persona:

* **contradictions**: a yes/no answer against what the client says elsewhere in the same
  conversation (the truths in ``evals/practice/truths.yaml``: "Not really" to shadowing, then
  the shadowing day), or two opposite answers on one subject;
* **repeated lines**: a reply of three words or more equal, or nearly equal, to an earlier one
  (a reply that says it points back, "Like I said...", is not counted: that is the client
  keeping to its answer when asked again);
* **opening repeated**: the persona's opening given again, or given as the answer to something
  other than an invitation to talk once the client has said other things;
* **non-answers**: a grades question answered without grades, a year question without a year,
  a yes/no question without a yes, a no or an "I don't know" (in character), a reflection
  answered with an unrelated line (a reply made for another move, or a statement on another
  topic than the one in play);
* **unearned disclosures**: a hidden fact given on a turn that is not an open question,
  reflection, affirmation or summary, or before the trainee has asked an open question and
  reflected at least once.

These readers are the eval's own (regular expressions and the persona's texts), written apart
from the client's: the client never reads ``truths.yaml``.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from guidance_assistant.paths import bundled_dir
from guidance_assistant.practice.personas import Persona, Skill, load_personas

Expect = Literal["invitation", "grades", "year", "yes_no"]
Audience = Literal["school", "college", "out"]
Polarity = Literal["yes", "no", "unsure", "fine", "refer"]
Truth = Literal["yes", "no", "unsure"]

EXAMPLES_PER_KIND = 6
"""Failures kept, per kind, to read in the report."""

LISTENING: frozenset[str] = frozenset({"open_question", "reflection", "affirmation", "summary"})
"""Moves on which a disclosure may come (when earned)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScriptTurn(_Strict):
    say: str = Field(min_length=1)
    skill: Skill
    expects: Expect | None = None
    about: str | None = Field(default=None, description="A subject key in truths.yaml.")


class Script(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    practice: Literal["good", "poor"]
    style: str = Field(min_length=3, description="The register the trainee speaks in.")
    audience: list[Audience] = Field(default_factory=list, description="Empty: every persona.")
    turns: list[ScriptTurn] = Field(min_length=3)


class ScriptsFile(_Strict):
    scripts: list[Script] = Field(min_length=1)


class Subject(_Strict):
    words: list[str] = Field(min_length=1)
    fine: Literal["yes", "no"] | None = None


class SubjectTruth(_Strict):
    truth: Truth
    evidence: list[str] = Field(default_factory=list)


class PersonaTruths(_Strict):
    audience: Audience
    subjects: dict[str, SubjectTruth] = Field(default_factory=dict)


class TruthsFile(_Strict):
    subjects: dict[str, Subject]
    personas: dict[str, PersonaTruths]


def practice_eval_dir() -> Path:
    return bundled_dir("evals") / "practice"


def load_scripts(folder: Path | None = None) -> list[Script]:
    base = folder or practice_eval_dir()
    scripts: list[Script] = []
    for path in sorted(base.glob("scripts-*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        scripts.extend(ScriptsFile.model_validate(data).scripts)
    return scripts


def load_truths(folder: Path | None = None) -> TruthsFile:
    base = folder or practice_eval_dir()
    data = yaml.safe_load((base / "truths.yaml").read_text(encoding="utf-8"))
    truths = TruthsFile.model_validate(data)
    for persona in truths.personas.values():
        unknown = set(persona.subjects) - set(truths.subjects)
        if unknown:
            raise ValueError(f"truths.yaml: unknown subjects {sorted(unknown)}")
    return truths


# --------------------------------------------------------------------------- text readers


def _plain(text: str) -> str:
    """Lower case, apostrophes dropped, punctuation to spaces, one space between words."""
    lowered = text.lower().replace("’", "'").replace("'", "").replace("é", "e")
    return " ".join(re.findall(r"[a-z0-9*:]+", lowered))


def _has(plain: str, phrase: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(_plain(phrase))}(?![a-z0-9])", plain) is not None


def _has_form(plain: str, phrase: str) -> bool:
    """Like :func:`_has`, the last word also in its plural or -ing form ("grades", "mocks")."""
    words = _plain(phrase).split()
    if not words:
        return False
    head = r"\s".join(re.escape(w) for w in words[:-1])
    last = re.escape(words[-1])
    pattern = (head + r"\s" if head else "") + last + r"(?:s|es|ing)?"
    return re.search(rf"(?<![a-z0-9]){pattern}(?![a-z0-9])", plain) is not None


_GRADES = re.compile(
    r"(?<![\w£])(?:[1-9]s?|[A-E]\*?[A-E]?[A-E]?|A\*[A-E*]*|2:[12]|[1-9] ?(?:and|or|to) ?[1-9])"
    r"(?![\w£%])(?! ?levels?\b)|\b(?i:pass(?:es)?|merits?|distinctions?|fours|fives|sixes|sevens|"
    r"eights|nines|level [1-9])\b"
)
_DEGREE_CLASS = re.compile(r"\ba (?:first|third|2:1|2:2)\b", re.IGNORECASE)
_NOT_GRADES = re.compile(
    r"\byear\s*\d+|\d+\s*(?:years?|months?|weeks?|days?|hours?|mins?|minutes?|%)|£\s?\d+",
    re.IGNORECASE,
)
_ARTICLE_A = re.compile(r"\b[Aa] (?=[a-z])(?!levels?\b)")
_YEAR = re.compile(
    r"\byear\s*(?:[1-9]|1[0-3]|seven|eight|nine|ten|eleven|twelve|thirteen)\b|"
    r"\b(?:first|second|third|final|last) year\b|\b(?:lower|upper) sixth\b",
    re.IGNORECASE,
)


def answers_grades(text: str) -> bool:
    """Whether ``text`` gives grades (5s and 6s, A*AA, a 2:1, a merit...)."""
    if _DEGREE_CLASS.search(text):
        return True
    without = _ARTICLE_A.sub(" ", _NOT_GRADES.sub(" ", text))
    return _GRADES.search(without) is not None


def answers_year(text: str) -> bool:
    return _YEAR.search(text) is not None


_REFER = ("like i said", "i said", "i told you", "as i said")
_HEDGES = (
    "not sure", "dont know", "do not know", "dunno", "no idea", "maybe", "sort of", "kind of",
    "a bit", "i suppose", "i guess", "i think so", "i dont think so", "probably", "possibly",
    "depends", "not decided", "havent decided", "have not decided", "some of", "bits",
    "might", "not yet sure", "hard to say", "i wish", "in a way", "sometimes",
)  # fmt: skip
_NOES = (
    "no", "nope", "nah", "not", "never", "dont", "didnt", "havent", "hasnt", "isnt", "arent",
    "wasnt", "cant", "wont", "none", "nothing", "do not", "did not", "have not", "i am not",
    "not really", "not yet", "not much", "neither",
)  # fmt: skip
_YESES = (
    "yes", "yeah", "yep", "yup", "yea", "definitely", "sure", "of course", "i do", "i have",
    "i am", "i did", "it is", "they are", "absolutely", "course", "totally", "loads", "always",
    "ive got", "i have got", "i work", "i volunteer", "ive done", "i went", "i passed",
)  # fmt: skip
_FINES = ("fine", "ok", "okay", "all right", "alright", "good", "not bad", "manage", "no problem")


def first_clause(text: str) -> str:
    """The reply up to its first full stop, question mark or exclamation (at most 12 words)."""
    head = re.split(r"[.!?…]", text.strip(), maxsplit=1)[0]
    return " ".join(_plain(head).split()[:12])


def polarity(text: str) -> Polarity | None:
    """What a reply's first clause says to a yes/no question, or ``None`` (no answer)."""
    clause = first_clause(text)
    if not clause:
        return None
    if any(_has(clause, phrase) for phrase in _REFER):
        return "refer"
    if any(_has(clause, phrase) for phrase in _HEDGES):
        return "unsure"
    if any(_has(clause, phrase) for phrase in _NOES):
        return "no"
    if any(_has(clause, phrase) for phrase in _YESES):
        return "yes"
    if any(_has(clause, phrase) for phrase in _FINES):
        return "fine"
    return None


_AUX = (
    "do", "does", "did", "are", "is", "was", "were", "have", "has", "had", "can", "could",
    "would", "will", "should", "shall", "may", "might", "must", "dont", "didnt", "arent",
    "isnt", "havent", "hasnt", "wouldnt", "doesnt", "u", "any", "anything",
)  # fmt: skip
_LEADS = ("and", "so", "ok", "okay", "right", "well", "sorry", "then", "also", "hi", "morning")


def last_question(text: str) -> str | None:
    """The last sentence of ``text`` that ends with a question mark."""
    questions = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s.rstrip().endswith("?")]
    return questions[-1] if questions else None


def is_yes_no(question: str) -> bool:
    """Whether ``question`` opens like a yes/no question (an auxiliary first)."""
    tokens = _plain(question).split()
    while tokens and tokens[0] in _LEADS:
        tokens = tokens[1:]
    return bool(tokens) and tokens[0] in _AUX


def asks_grades(question: str) -> bool:
    plain = _plain(question)
    return bool(re.search(r"\b(?:what|which) grades?\b|\bpredicted\b|\bwhat did you get\b", plain))


def asks_year(question: str) -> bool:
    return re.search(r"\bwhat year\b|\bwhich year\b", _plain(question)) is not None


# --------------------------------------------------------------------------- the played record


@dataclass
class Turn:
    trainee: str
    skill: str
    client: str
    expects: str | None = None
    about: str | None = None


@dataclass
class Conversation:
    persona_id: str
    source: str  # the script id, or "engine"
    practice: str  # good, poor or engine
    seed: int
    turns: list[Turn] = field(default_factory=list)
    error: str | None = None


@dataclass
class Problem:
    kind: str
    persona_id: str
    source: str
    turn: int
    trainee: str
    client: str
    why: str

    def line(self) -> str:
        return (
            f"- {self.persona_id} · {self.source} · turn {self.turn}: trainee “{self.trainee}” "
            f"→ client “{self.client}” ({self.why})"
        )


PROBLEM_KINDS: tuple[str, ...] = (
    "contradiction",
    "repeated_line",
    "opening_repeated",
    "non_answer_grades",
    "non_answer_year",
    "non_answer_yes_no",
    "non_answer_reflection",
    "unearned_disclosure",
)


@dataclass
class Tally:
    conversations: int = 0
    turns: int = 0
    disclosed: int = 0
    hidden_available: int = 0
    asked: Counter[str] = field(default_factory=Counter)  # questions of each checked kind
    problems: Counter[str] = field(default_factory=Counter)
    crashed: int = 0

    def add(self, other: Tally) -> None:
        self.conversations += other.conversations
        self.turns += other.turns
        self.disclosed += other.disclosed
        self.hidden_available += other.hidden_available
        self.asked.update(other.asked)
        self.problems.update(other.problems)
        self.crashed += other.crashed


# --------------------------------------------------------------------------- measuring


class _PersonaText:
    """What the eval can recognise in a persona's replies (texts from the persona file)."""

    def __init__(self, persona: Persona) -> None:
        self.persona = persona
        self.statements = {s.id: (s.topic, s.text) for s in persona.surface}
        self.facts = {f.id: (f.topic, f.text) for f in persona.hidden}
        self.closed = {t.id: t.closed_answer for t in persona.topics}
        bank = persona.responses
        self.bank: dict[str, str] = {}
        for kind in type(bank).model_fields:
            for line in bank.lines(kind):
                self.bank.setdefault(_plain(line), kind)

    def voiced(self, reply: str) -> list[tuple[str, str, str]]:
        """(kind, id, topic) of each statement, fact or closed answer the reply holds."""
        plain = _plain(reply)
        found: list[tuple[str, str, str]] = []
        for item_id, (topic, text) in self.statements.items():
            if _plain(text) in plain:
                found.append(("statement", item_id, topic))
        for item_id, (topic, text) in self.facts.items():
            if _plain(text) in plain:
                found.append(("fact", item_id, topic))
        for topic, text in self.closed.items():
            if _plain(text) and _plain(text) == plain:
                found.append(("closed", topic, topic))
        return found

    def bank_kind(self, reply: str) -> str | None:
        return self.bank.get(_plain(reply))

    def is_opening(self, reply: str) -> bool:
        opening, plain = _plain(self.persona.opening), _plain(reply)
        if not plain:
            return False
        if opening in plain:
            return True
        return difflib.SequenceMatcher(None, opening, plain).ratio() >= 0.85

    def points_at(self, trainee: str, topic: str) -> bool:
        plain = _plain(trainee)
        return any(_has_form(plain, k) for k in self.persona.topic(topic).keywords)


_UNRELATED_TO_REFLECTION = {
    "contracting",
    "information",
    "advice",
    "advice_premature",
    "challenge",
    "unclear",
    "summary_wrong",
}


_NAMING = frozenset(
    {"open_question", "closed_question", "reflection", "affirmation", "summary", "challenge"}
)
"""Trainee moves that turn the talk to the topics they name."""

_POINTS_BACK = ("like i said", "as i said", "i said that", "i told you")


def _near(a: str, b: str) -> bool:
    if a == b:
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.85


def measure(
    conversation: Conversation, persona: Persona, truths: TruthsFile
) -> tuple[Tally, list[Problem]]:
    """The counts for one conversation, and each problem found."""
    text = _PersonaText(persona)
    known = truths.personas.get(persona.id)
    tally = Tally(conversations=1, turns=len(conversation.turns))
    tally.hidden_available = len(persona.hidden)
    tally.crashed = int(conversation.error is not None)
    problems: list[Problem] = []

    def problem(kind: str, index: int, why: str) -> None:
        turn = conversation.turns[index]
        problems.append(
            Problem(
                kind, persona.id, conversation.source, index + 1, turn.trainee, turn.client, why
            )
        )
        tally.problems[kind] += 1

    earlier: list[str] = []
    opened = False
    content_voiced = False
    topic_in_play: str | None = None
    named: set[str] = set()  # the topics the trainee's last topic-naming turn named
    asked_open = reflected = False
    answers: dict[str, list[tuple[int, str]]] = {}
    all_client = _plain(" ".join(t.client for t in conversation.turns))
    for index, turn in enumerate(conversation.turns):
        reply = turn.client
        plain = _plain(reply)
        voiced = text.voiced(reply)
        bank = text.bank_kind(reply)
        if turn.skill == "open_question":
            asked_open = True
        if turn.skill in ("reflection", "summary"):
            reflected = True

        # the opening
        if text.is_opening(reply):
            if opened:
                problem("opening_repeated", index, "the opening again")
            elif turn.expects != "invitation" and content_voiced:
                problem("opening_repeated", index, "the opening after other things were said")
            opened = True
        # repeated lines (the opening counted above; "like I said..." points back on purpose)
        elif (
            len(plain.split()) >= 3
            and not any(_has(first_clause(reply), back) for back in _POINTS_BACK)
            and any(_near(plain, before) for before in earlier)
        ):
            problem("repeated_line", index, "said before")
        if len(plain.split()) >= 3:
            earlier.append(plain)

        # disclosures
        for kind, item_id, _ in voiced:
            if kind != "fact":
                continue
            tally.disclosed += 1
            if turn.skill not in LISTENING:
                problem("unearned_disclosure", index, f"{item_id} on a {turn.skill}")
            elif not (asked_open and reflected):
                problem("unearned_disclosure", index, f"{item_id} before listening")

        # non-answers
        if turn.expects == "grades":
            tally.asked["grades"] += 1
            if not answers_grades(reply):
                problem("non_answer_grades", index, "no grades")
        elif turn.expects == "year":
            tally.asked["year"] += 1
            if not answers_year(reply):
                problem("non_answer_year", index, "no year")
        elif turn.expects == "yes_no":
            tally.asked["yes_no"] += 1
            said = polarity(reply)
            subject = truths.subjects.get(turn.about or "")
            if said == "fine" and subject is not None and subject.fine is None:
                said = None
            if said is None:
                problem("non_answer_yes_no", index, "no yes, no or don't know")
            elif turn.about:
                if said == "fine" and subject is not None and subject.fine is not None:
                    said = subject.fine
                answers.setdefault(turn.about, []).append((index, said))
        if turn.skill == "reflection":
            tally.asked["reflection"] += 1
            if bank in _UNRELATED_TO_REFLECTION:
                problem("non_answer_reflection", index, f"a reply made for {bank}")
            else:
                other = [
                    topic
                    for kind, _, topic in voiced
                    if kind != "closed"
                    and topic_in_play is not None
                    and topic != topic_in_play
                    and topic not in named
                    and not text.points_at(turn.trainee, topic)
                ]
                if other:
                    problem(
                        "non_answer_reflection",
                        index,
                        f"moved from {topic_in_play} to {other[0]} unasked",
                    )

        if voiced:
            content_voiced = True
            topic_in_play = voiced[-1][2]
        if turn.skill in _NAMING:
            here = {t.id for t in persona.topics if text.points_at(turn.trainee, t.id)}
            if here:
                named = here

    # contradictions: two opposite answers on a subject, or an answer against a settled truth
    for key, given in answers.items():
        polar = [(i, p) for i, p in given if p in ("yes", "no")]
        seen = {p for _, p in polar}
        if len(seen) > 1:
            index = polar[[p for _, p in polar].index(polar[-1][1])][0]
            problem("contradiction", index, f"said both yes and no about {key}")
            continue
        truth = known.subjects.get(key) if known else None
        if truth is None or truth.truth == "unsure" or not polar:
            continue
        if any(_has(all_client, phrase) for phrase in truth.evidence):
            wrong = [i for i, p in polar if p != truth.truth]
            if wrong:
                problem(
                    "contradiction",
                    wrong[0],
                    f"answered against what it says elsewhere about {key}",
                )
    return tally, problems


# --------------------------------------------------------------------------- playing


@dataclass
class _Given:
    """A ``skill_of`` that returns each scripted message's given skill."""

    labels: dict[str, str]

    def __call__(self, text: str) -> Any:
        from guidance_assistant.practice.client import Prediction

        return Prediction(self.labels.get(text, "other"))


def play_script(persona: Persona, script: Script, seed: int) -> Conversation:
    from guidance_assistant.practice.session import PracticeSession

    conversation = Conversation(persona.id, script.id, script.practice, seed)
    labels = {turn.say: str(turn.skill) for turn in script.turns}
    try:
        session = PracticeSession(persona, seed=seed, skill_of=_Given(labels))
        for turn in script.turns:
            reply = session.say(turn.say)
            conversation.turns.append(
                Turn(turn.say, str(turn.skill), reply.text, turn.expects, turn.about)
            )
    except Exception as error:  # recorded as the conversation's failure
        conversation.error = f"{type(error).__name__}: {error}"
    return conversation


def engine_expectation(adviser: str, truths: TruthsFile) -> tuple[str | None, str | None]:
    """What the engine's turn asks for (the eval's own reading of its last question)."""
    question = last_question(adviser)
    if question is None:
        return None, None
    if asks_grades(question):
        return "grades", None
    if asks_year(question):
        return "year", None
    if not is_yes_no(question):
        return None, None
    plain = _plain(question)
    for key, subject in truths.subjects.items():
        if any(_has(plain, word) for word in subject.words):
            return "yes_no", key
    return "yes_no", None


def play_engine(
    persona: Persona,
    seed: int,
    truths: TruthsFile,
    *,
    knowledge: Any = None,
    max_turns: int = 15,
    today: date | None = None,
) -> Conversation:
    """The interview engine plays the adviser; the practice classifier labels its turns."""
    from guidance_assistant.evals.interview.played import persona_profile
    from guidance_assistant.interview import open_session
    from guidance_assistant.practice.session import PracticeSession

    conversation = Conversation(persona.id, "engine", "engine", seed)
    try:
        client = PracticeSession(persona, seed=seed)
        session = open_session(
            persona_profile(persona),
            backend="offline",
            knowledge=knowledge,
            seed=seed,
            today=today or date(2026, 12, 7),
        )
        adviser = session.opening().text
        for _ in range(max_turns):
            reply = client.say(adviser)
            expects, about = engine_expectation(adviser, truths)
            conversation.turns.append(Turn(adviser, reply.skill, reply.text, expects, about))
            turn = session.reply(reply.text)
            adviser = turn.text
            if session.state.ended:
                break
    except Exception as error:
        conversation.error = f"{type(error).__name__}: {error}"
    return conversation


def scripts_for(persona: Persona, scripts: Sequence[Script], truths: TruthsFile) -> list[Script]:
    known = truths.personas.get(persona.id)
    return [s for s in scripts if not s.audience or (known and known.audience in s.audience)]


# --------------------------------------------------------------------------- the run


@dataclass
class Result:
    rows: dict[str, dict[str, Tally]]  # persona -> practice (good, poor, engine) -> tally
    problems: list[Problem]
    conversations: list[Conversation]
    seconds: float
    seeds: list[int]
    engine: bool
    errors: list[str]

    def total(self, practice: str | None = None) -> Tally:
        out = Tally()
        for by in self.rows.values():
            for name, tally in by.items():
                if practice is None or name == practice:
                    out.add(tally)
        return out


def measure_all(
    conversations: Sequence[Conversation], personas: Sequence[Persona], truths: TruthsFile
) -> tuple[dict[str, dict[str, Tally]], list[Problem], list[str]]:
    """Counts per persona and practice, every problem, and the crashes."""
    by_id = {p.id: p for p in personas}
    rows: dict[str, dict[str, Tally]] = {p.id: {} for p in personas}
    problems: list[Problem] = []
    errors: list[str] = []
    for conversation in conversations:
        persona = by_id[conversation.persona_id]
        tally, found = measure(conversation, persona, truths)
        rows[persona.id].setdefault(conversation.practice, Tally()).add(tally)
        problems.extend(found)
        if conversation.error:
            errors.append(f"{persona.id} · {conversation.source}: {conversation.error}")
    return rows, problems, errors


def conversations_from_json(path: Path) -> list[Conversation]:
    """The conversations of a run written with ``--json`` (to measure them again)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out: list[Conversation] = []
    for item in data["conversations"]:
        source = item["source"]
        practice = "engine" if source == "engine" else source.split("-", 1)[0]
        conversation = Conversation(item["persona"], source, practice, item["seed"])
        conversation.error = item.get("error")
        conversation.turns = [Turn(**turn) for turn in item["turns"]]
        out.append(conversation)
    return out


def run(
    *,
    seeds: Iterable[int] = (0, 1, 2),
    engine: bool = True,
    engine_seeds: Iterable[int] = (0,),
    personas: Sequence[Persona] | None = None,
    progress: Callable[[str], None] | None = None,
    knowledge: Any = None,
) -> Result:
    """Play ``personas`` (default: all) against every script that fits them, once per seed,
    and, with ``engine``, against the interview engine (searching ``knowledge``, default the
    bundled index), and measure every conversation."""
    started = time.perf_counter()
    truths = load_truths()
    scripts = load_scripts()
    cast = list(personas) if personas is not None else load_personas()
    conversations: list[Conversation] = []
    seeds = list(seeds)
    if engine and knowledge is None:
        from guidance_assistant.evals.interview.played import _bundled_knowledge

        knowledge = _bundled_knowledge()
    for persona in cast:
        conversations += [
            play_script(persona, script, seed)
            for script in scripts_for(persona, scripts, truths)
            for seed in seeds
        ]
        if engine:
            conversations += [
                play_engine(persona, seed, truths, knowledge=knowledge) for seed in engine_seeds
            ]
        if progress:
            progress(persona.id)
    rows, problems, errors = measure_all(conversations, cast, truths)
    return Result(
        rows, problems, conversations, time.perf_counter() - started, seeds, engine, errors
    )


_COLUMNS: tuple[tuple[str, str], ...] = (
    ("contradiction", "contra"),
    ("repeated_line", "repeat"),
    ("opening_repeated", "opening"),
    ("non_answer_grades", "grades"),
    ("non_answer_year", "year"),
    ("non_answer_yes_no", "yes/no"),
    ("non_answer_reflection", "reflect"),
    ("unearned_disclosure", "unearned"),
)


def _table(result: Result, practice: str) -> list[str]:
    header = ["persona", "convs", "turns", *(short for _, short in _COLUMNS), "disclosed"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for persona_id, by in result.rows.items():
        tally = by.get(practice)
        if tally is None:
            continue
        cells = [persona_id, str(tally.conversations), str(tally.turns)]
        cells += [str(tally.problems[kind]) for kind, _ in _COLUMNS]
        cells.append(f"{tally.disclosed}/{tally.hidden_available}")
        lines.append("| " + " | ".join(cells) + " |")
    total = result.total(practice)
    cells = ["**all**", str(total.conversations), str(total.turns)]
    cells += [f"**{total.problems[kind]}**" for kind, _ in _COLUMNS]
    cells.append(f"{total.disclosed}/{total.hidden_available}")
    lines.append("| " + " | ".join(cells) + " |")
    asked = total.asked
    lines.append("")
    lines.append(
        f"Checked: {asked['grades']} grades questions, {asked['year']} year questions, "
        f"{asked['yes_no']} yes/no questions, {asked['reflection']} reflections."
    )
    return lines


_NON_ANSWERS = (
    "non_answer_grades",
    "non_answer_year",
    "non_answer_yes_no",
    "non_answer_reflection",
)


def totals(result: Result) -> str:
    """One line per kind of practice: the counts the issue asks for, summed over personas."""
    lines = []
    names = {"good": "good practice", "poor": "poor practice", "engine": "the engine as adviser"}
    for practice, name in names.items():
        if not any(practice in by for by in result.rows.values()):
            continue
        total = result.total(practice)
        problems = total.problems
        lines.append(
            f"{name}: {total.conversations} conversations, {total.turns} turns; "
            f"contradictions {problems['contradiction']}, "
            f"repeated lines {problems['repeated_line']}, "
            f"opening repeated {problems['opening_repeated']}, "
            f"non-answers {sum(problems[k] for k in _NON_ANSWERS)} "
            f"(grades {problems['non_answer_grades']}, year {problems['non_answer_year']}, "
            f"yes/no {problems['non_answer_yes_no']}, "
            f"reflections {problems['non_answer_reflection']}), "
            f"unearned disclosures {problems['unearned_disclosure']}; "
            f"hidden facts disclosed {total.disclosed} of {total.hidden_available}"
        )
    if result.errors:
        lines.append(f"crashed conversations: {len(result.errors)}")
    return "\n".join(lines)


def _distinct(problems: Iterable[Problem]) -> list[Problem]:
    seen: set[tuple[str, str, int, str]] = set()
    out: list[Problem] = []
    for p in problems:
        key = (p.persona_id, p.source, p.turn, p.client)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def render(result: Result) -> str:
    lines = [
        "# Practice client: coherence",
        "",
        f"Seeds {', '.join(map(str, result.seeds))} for the scripts"
        + ("; the interview engine as adviser, seed 0" if result.engine else "")
        + f". {len(result.conversations)} conversations in {result.seconds:.0f} s.",
        "",
    ]
    titles = {
        "good": "Scripted good practice",
        "poor": "Scripted poor practice",
        "engine": "The interview engine as the adviser (turns labelled by the classifier)",
    }
    for practice, title in titles.items():
        if not any(practice in by for by in result.rows.values()):
            continue
        lines += [f"## {title}", "", *_table(result, practice), ""]
    if result.errors:
        lines += ["## Crashes", "", *(f"- {e}" for e in result.errors), ""]
    lines += ["## Examples (each distinct one once, whatever the seed)", ""]
    for kind in PROBLEM_KINDS:
        found = _distinct(p for p in result.problems if p.kind == kind)
        if not found:
            continue
        lines.append(f"### {kind.replace('_', ' ')} ({len(found)})")
        lines += [p.line() for p in found[:EXAMPLES_PER_KIND]]
        lines.append("")
    return "\n".join(lines)


def to_json(result: Result) -> dict[str, Any]:
    def tally(t: Tally) -> dict[str, Any]:
        return {
            "conversations": t.conversations,
            "turns": t.turns,
            "disclosed": t.disclosed,
            "hidden_available": t.hidden_available,
            "asked": dict(t.asked),
            "problems": {kind: t.problems[kind] for kind in PROBLEM_KINDS},
            "crashed": t.crashed,
        }

    return {
        "seeds": result.seeds,
        "engine": result.engine,
        "seconds": round(result.seconds, 1),
        "totals": {p: tally(result.total(p)) for p in ("good", "poor", "engine")},
        "personas": {pid: {p: tally(t) for p, t in by.items()} for pid, by in result.rows.items()},
        "problems": [p.__dict__ for p in result.problems],
        "errors": result.errors,
        "conversations": [
            {
                "persona": c.persona_id,
                "source": c.source,
                "seed": c.seed,
                "error": c.error,
                "turns": [t.__dict__ for t in c.turns],
            }
            for c in result.conversations
        ],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m guidance_assistant.evals.practice_client", description=__doc__
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--no-engine", action="store_true", help="Scripts only.")
    parser.add_argument("--persona", action="append", help="Only these personas.")
    parser.add_argument("--out", type=Path, help="Write the report (Markdown) here.")
    parser.add_argument("--json", type=Path, help="Write every conversation and count here.")
    parser.add_argument(
        "--remeasure",
        type=Path,
        help="Measure the conversations of an earlier --json run again instead of playing.",
    )
    parser.add_argument(
        "--personas", type=Path, help="The persona folder the conversations were played with."
    )
    args = parser.parse_args(argv)
    cast = load_personas(args.personas)
    if args.persona:
        cast = [p for p in cast if p.id in set(args.persona)]
    if args.remeasure:
        played = conversations_from_json(args.remeasure)
        previous = json.loads(args.remeasure.read_text(encoding="utf-8"))
        wanted = {p.id for p in cast}
        played = [c for c in played if c.persona_id in wanted]
        rows, problems, errors = measure_all(played, cast, load_truths())
        remeasured = Result(
            rows, problems, played, previous.get("seconds", 0.0), previous["seeds"],
            previous["engine"], errors,
        )  # fmt: skip
        text = render(remeasured)
        print(text)
        if args.out:
            args.out.write_text(text + "\n", encoding="utf-8")
        return 0
    result = run(
        seeds=args.seeds,
        engine=not args.no_engine,
        personas=cast,
        progress=lambda pid: print(f"played {pid}", file=sys.stderr),
    )
    text = render(result)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(to_json(result), indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
