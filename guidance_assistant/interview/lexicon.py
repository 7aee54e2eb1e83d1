"""The compiled phrases of ``prompts/interview/signals.yaml``: cue patterns the rule-based reading
matches against a normalised message, and the negation check before a cue."""

from __future__ import annotations

import re
from collections.abc import Iterable

from guidance_assistant.interview.model import (
    SignalsFile,
)
from guidance_assistant.text.clean import (
    normalise_for_matching,
)
from guidance_assistant.text.negation import NEGATORS, clause_before, negated_before


def cue_pattern(cues: Iterable[str]) -> re.Pattern[str] | None:
    normalised = sorted(
        {normalise_for_matching(cue) for cue in cues if normalise_for_matching(cue)},
        key=len,
        reverse=True,
    )
    if not normalised:
        return None
    body = "|".join(r"\s+".join(re.escape(part) for part in cue.split()) for cue in normalised)
    return re.compile(rf"(?<![a-z0-9])(?:{body})(?![a-z0-9])")


class Lexicon:
    """The compiled phrases of one :class:`SignalsFile`."""

    def __init__(self, signals: SignalsFile) -> None:
        self.signals = signals

        def cues(items: Iterable[str]) -> re.Pattern[str] | None:
            return cue_pattern(items)

        self.agreement = cues(signals.agreement)
        self.disagreement = cues(signals.disagreement)
        self.dont_know = cues(signals.dont_know)
        self.finished = cues(signals.finished)
        self.greetings = cues(signals.greetings)
        self.thanks = cues(signals.thanks)
        self.feelings = {kind: cues(items) for kind, items in signals.feelings.items()}
        self.topics = {topic: cues(items) for topic, items in signals.topics.items()}
        self.criteria = {c.id: cues(c.cues) for c in signals.criteria}
        self.information = {kind: cues(items) for kind, items in signals.information.items()}
        self.framework = cues(signals.framework_terms)
        self.question_starts = cues(signals.question_starts)
        self.ask_opinion = cues(signals.ask_opinion)
        self.view_positive = cues(signals.option_view.positive)
        self.view_negative = cues(signals.option_view.negative)
        self.view_unsure = cues(signals.option_view.unsure)
        self.decision = cues(signals.decision)
        self.keep_open = cues(signals.keep_open)
        self.action_starts = cues(signals.action_starts)
        self.action_verbs = cues(signals.action_verbs)
        self.refers_back = cues(signals.refers_back)
        self.owners = [(label, cues(items)) for label, items in signals.owners.items()]
        self.routes = {route: cues(items) for route, items in signals.routes.items()}
        self.needs = {need: cues(items) for need, items in signals.needs.items()}
        self.off_topic = [re.compile(p) for p in signals.off_topic]
        self.injection = [re.compile(p) for p in signals.injection]
        self.about_adviser = [re.compile(p) for p in signals.about_adviser]
        self.others_jobs = [re.compile(p) for p in signals.others_jobs]
        self.suggested_jobs = [re.compile(p) for p in signals.suggested_jobs]
        self.current_jobs = [re.compile(p) for p in signals.current_jobs]
        self.ambiguous_titles = {normalise_for_matching(t) for t in signals.ambiguous_titles}
        self.aliases = {
            normalise_for_matching(alias): target
            for alias, target in signals.occupation_aliases.items()
        }
        self.subjects = {
            (c.subject or "").lower(): c.id for c in signals.criteria if c.subject is not None
        }


_LEXICONS: dict[int, tuple[SignalsFile, Lexicon]] = {}


def lexicon_for(signals: SignalsFile) -> Lexicon:
    cached = _LEXICONS.get(id(signals))
    if cached is not None and cached[0] is signals:
        return cached[1]
    lexicon = Lexicon(signals)
    _LEXICONS[id(signals)] = (signals, lexicon)
    return lexicon


def found_cues(
    pattern: re.Pattern[str] | None, text: str, *, negatable: bool = False
) -> list[re.Match[str]]:
    if pattern is None:
        return []
    matches = []
    for match in pattern.finditer(text):
        if negatable and negated_before(
            clause_before(text, match.start(), reach=30), between="any", negators=NEGATORS
        ):
            continue
        matches.append(match)
    return matches


def any_cue(pattern: re.Pattern[str] | None, text: str, *, negatable: bool = False) -> bool:
    return bool(found_cues(pattern, text, negatable=negatable))
