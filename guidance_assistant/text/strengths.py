"""The words in which a client names a strength of their own ("I'm good at remembering facts",
"I'm really patient"), said back to them ("you're good at remembering facts").

An affirmation quotes only these: never a whole sentence, never something the client denies
("I'm not very good at maths"), never a fact that is not a strength ("I missed a lot of
school"). What is not found here is reflected as content, without praise.
"""

from __future__ import annotations

import re

from guidance_assistant.text.clean import second_person
from guidance_assistant.text.negation import clause_before, negated_before

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})
_SUBJECT = (
    r"(?:i'?m|i am|im|i was|i'?ve always been|i have always been|people say i'?m|"
    r"everyone says i'?m|they say i'?m|(?:he|she|they) says? i'?m)"
)
_DEGREE = (
    r"(?:(?:really|quite|very|pretty|so|actually|well|super|dead|proper|fairly|"
    r"decent(?:ly)?|also|naturally)\s+)*"
)
_GOOD_AT = (
    r"(?:good|great|brilliant|decent|excellent|amazing|strong|handy|skilled|quick|fast|"
    r"confident)\s+(?:at|with|in|wiv|wi)\s+[^,.;:!?]{2,60}?"
    r"(?:\s+and\s+[a-z]+(?=\s*(?:[,.;:!?]|$)))?"
)
_QUALITIES = (
    r"patient|organised|organized|reliable|calm|creative|confident|hard[- ]?working|punctual|"
    r"practical|caring|kind|determined|methodical|careful|resilient|responsible|a good listener|"
    r"a hard worker|a quick learner|never late|good with (?:my )?hands|good under pressure|"
    r"good in a crisis|good at it|a people person|independent|honest|trustworthy"
)
_END = (
    r"(?=\s*(?:[,.;:!?)]|\band\b|\bbut\b|\bso\b|\bcos\b|\bcause\b|\bbecause\b|\blike\b|"
    r"\bi\s+(?:think|guess|suppose)\b|\bobviously\b|\bactually\b|\btbh\b|$))"
)
_STRENGTH = re.compile(
    rf"\b{_SUBJECT}\s+(?P<what>{_DEGREE}(?:{_GOOD_AT}|(?:{_QUALITIES})))\b{_END}",
    re.IGNORECASE,
)
#: Words that hedge a strength at its end ("good with people I think"): left out when said back.
_TAIL = re.compile(
    r"(?:\s+(?:i think|i guess|i suppose|obviously|actually|tbh|lol|apparently|innit|and that))+$",
    re.IGNORECASE,
)
#: A strength too vague to say back ("good at it", "good at stuff").
_VAGUE = re.compile(r"\b(?:at|with|in)\s+(?:it|that|this|stuff|things|everything|anything)$")


def strength_phrases(text: str, limit: int = 2) -> list[str]:
    """The strengths ``text`` names, in the client's words turned towards them, at most
    ``limit``, in order ("you're good at remembering facts", "you're really patient")."""
    lowered = text.translate(_APOSTROPHES)
    found: list[str] = []
    for match in _STRENGTH.finditer(lowered):
        what = _TAIL.sub("", " ".join(match.group("what").split()))
        if _VAGUE.search(what):
            continue
        if negated_before(clause_before(lowered.lower(), match.start()), words=3, between="any"):
            continue  # "I don't think I'm good at anything"
        said = text.translate(_APOSTROPHES)[match.start("what") : match.end("what")]
        said = _TAIL.sub("", " ".join(said.split()))
        phrase = second_person(f"I'm {said}")
        if phrase not in found:
            found.append(phrase)
        if len(found) >= limit:
            break
    return found
