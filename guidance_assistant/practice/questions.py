"""What a trainee's turn asks the simulated client: grades, a year, who is at home, a yes or no,
or an invitation to talk.

The kinds are the interview engine's question kinds (:mod:`guidance_assistant.interview.
question_kinds`: the same schema and the same reader), with practice's own cues and markers in
``knowledge/practice/question_kinds.yaml``. Whether a question wants a yes or a no is read from
its first words (an auxiliary: "Do you...", "Have you...", "Is it..."); what it is about, from
its content words (the words left when the question's frame is taken away).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from guidance_assistant.paths import bundled_dir
from guidance_assistant.text.sentences import split_sentences

FACT_KINDS: tuple[str, ...] = ("grades", "year", "age", "family")
"""Kinds of question a persona's ``facts`` answer."""


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_AUXILIARIES = _word_set(
    "do does did are is was were have has had can could would will should shall may might must "
    "dont didnt arent isnt havent hasnt wouldnt doesnt wasnt werent cant couldnt wont "
    "r any anything"
)
_LEADS = _word_set(
    "and so ok okay right well sorry then also hi hiya morning mm um erm er oh but fine "
    "great cool alright"
)
_SUBJECTS = _word_set("you u ur your i we it that this there they he she everything things")
FRAME_WORDS = _word_set(
    """a an the and or but so to of in on at for with about from by as if than then that this
    these those there it its is are was were be been being do does did done have has had having
    can could would will should shall may might must you u ur your yours yourself i me my we us
    our they them their he she him her his what which who how when where why any anything some
    something all really just actually still even much many more most very quite bit lot lots
    like enjoy enjoying go going went get getting got well ok okay alright good fine right
    thing things stuff everything at moment now currently these days today ever yet already
    want wanted wanting think thought feel feeling felt sure happy mind kind sort bit one ones
    yes yeah no not dont didnt isnt arent havent hasnt doing done make made been
    mm um erm er oh hi so sorry then also"""
)
"""Words that frame a question rather than name what it is about."""


_WIDE = _word_set("what whats how hows why where wheres")


def practice_dir() -> Path:
    return bundled_dir("knowledge") / "practice"


def question_kinds(text: str) -> list[str]:
    """The kinds of answer ``text`` asks for (practice's cues, the engine's reader)."""
    from guidance_assistant.interview.question_kinds import question_kinds as kinds_of

    return kinds_of(text, practice_dir())


def answers_kind(text: str, kind: str) -> bool:
    """Whether ``text`` holds what a question of ``kind`` asks for (grades: a 5, A*AA...)."""
    from guidance_assistant.interview.question_kinds import answers_kind as holds

    return holds(text, kind, practice_dir())


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("'", "").replace("’", ""))


def questions_in(text: str) -> list[str]:
    """The sentences of ``text`` that ask something (end with "?", or open with an auxiliary
    and a subject, as typed questions often do without one)."""
    found: list[str] = []
    for sentence in split_sentences(text, lines=False):
        stripped = sentence.strip()
        if stripped.endswith("?"):
            found.append(stripped)
            continue
        tokens = _without_leads(_tokens(stripped))
        if len(tokens) > 1 and tokens[0] in _AUXILIARIES and tokens[1] in _SUBJECTS:
            found.append(stripped)
    return found


def _without_leads(tokens: list[str]) -> list[str]:
    while tokens and tokens[0] in _LEADS:
        tokens = tokens[1:]
    return tokens


def is_polar(question: str) -> bool:
    """Whether ``question`` wants a yes or a no: it opens with an auxiliary ("Do you...",
    "Have you got...", "Is money...") after any lead words ("So, ...")."""
    tokens = _without_leads(_tokens(question))
    if tokens and tokens[0] in _AUXILIARIES:
        return True
    # "And uni, is that the plan?": a short lead phrase, then the auxiliary
    if "," in question:
        tail = _without_leads(_tokens(question.rsplit(",", 1)[1]))
        return bool(tail) and tail[0] in _AUXILIARIES
    return False


def content_words(text: str) -> list[str]:
    """The words of ``text`` that name what it is about."""
    return [t for t in _tokens(text) if t not in FRAME_WORDS and len(t) > 1]


@dataclass
class Question:
    """The trainee's last question in a turn, read."""

    text: str
    kinds: list[str] = field(default_factory=list)
    polar: bool = False
    content: list[str] = field(default_factory=list)

    @property
    def fact_kind(self) -> str | None:
        """The persona fact it asks for (grades, year, age, family), if any."""
        return next((k for k in self.kinds if k in FACT_KINDS), None)

    @property
    def invitation(self) -> bool:
        return "invitation" in self.kinds

    @property
    def wide(self) -> bool:
        """An open wh-question ("What would you like to do next?", "How's that going?")."""
        tokens = _without_leads(_tokens(self.text))
        return (
            not self.polar
            and bool(tokens)
            and (tokens[0] in _WIDE or tokens[:2] in (["tell", "me"], ["talk", "me"]))
        )


def read_question(text: str) -> Question | None:
    """The last question of ``text`` read, or ``None`` when the turn asks nothing."""
    asked = questions_in(text)
    if not asked:
        return None
    last = asked[-1]
    kinds = question_kinds(last)
    if not kinds:
        kinds = [k for q in asked[:-1] for k in question_kinds(q) if k == "invitation"]
    return Question(last, kinds, is_polar(last), content_words(last))
