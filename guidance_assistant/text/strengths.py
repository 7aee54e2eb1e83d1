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
    r"everyone says i'?m|they say i'?m|(?:he|she|they) says? i'?m|"
    r"(?:teachers?|my (?:\w+ )?(?:teacher|coach|manager|boss|tutor|mum|dad)|(?:mr|mrs|miss|ms) \w+)"
    r" (?:says?|said|reckons?|thinks?) i'?m)"
)
_DEGREE = (
    r"(?:(?:really|quite|very|pretty|so|actually|well|super|dead|proper|fairly|lowkey|"
    r"decent(?:ly)?|also|naturally|not bad|better than most)\s+)*"
)
_GOOD_AT = (
    r"(?:good|gud|great|brilliant|decent|excellent|amazing|strong|handy|skilled|quick|fast|"
    r"confident|mint|sound|better|not bad|accurate)\s+(?:at|with|in|wiv|wi|on)\s+[^,.;:!?]{2,60}?"
    r"(?:\s+and\s+[a-z]+(?=\s*(?:[,.;:!?]|$)))?"
)
_QUALITIES = (
    r"patient|organised|organized|reliable|calm|creative|confident|hard[- ]?working|punctual|"
    r"practical|caring|kind|determined|methodical|careful|resilient|responsible|a good listener|"
    r"a hard worker|a quick learner|never late|good with (?:my )?hands|good under pressure|"
    r"good in a crisis|good at it|a people person|independent|honest|trustworthy|brave|fit|"
    r"techy|sporty|thoughtful|detail[- ]focused|(?:a )?(?:good|great|decent|strong|fast) "
    r"(?:writer|driver|listener|cook|communicator|leader|speaker|singer|dancer|swimmer|runner|"
    r"reader|learner|organiser|team player)"
)
_END = (
    r"(?=\s*(?:[,.;:!?)]|\band\b|\bbut\b|\bso\b|\bcos\b|\bcause\b|\bbecause\b|\blike\b|"
    r"\bi\s+(?:think|guess|suppose)\b|\bobviously\b|\bactually\b|\btbh\b|$))"
)
_STRENGTH = re.compile(
    rf"\b{_SUBJECT}\s+(?P<what>{_DEGREE}(?:{_GOOD_AT}|(?:{_QUALITIES})))\b{_END}",
    re.IGNORECASE,
)
#: Strengths said another way, said back from "I" on: "I'm the one who sorts out arguments",
#: "I can sew", "got a 7 in chem", "my best subject is history".
_SAID_WHOLE = re.compile(
    r"\b(?P<what>(?:i'?m|im|i am) (?:always )?the one (?:who|that|everyone asks to|people ask to)"
    r"\s+[^,.;:!?]{3,50}?"
    r"|i can (?:do|make|fix|code|sew|sing|swim|drive|speak|cook|draw|play|build|edit|dance|"
    r"paint|bake|ride|knit|program|repair|mend|speak)\b(?!\s+(?:it|that|this|them)\b)"
    r"[^,.;:!?]{0,40}?"
    r"|(?:i )?got (?:a|an) (?:[6-9]|a\*?|distinction|merit) in (?:my )?[a-z][a-z ]{1,25}?"
    r"|my (?:best|strongest) subjects? (?:is|are|was) [a-z][^,.;:!?]{1,30}?)"
    rf"{_END}",
    re.IGNORECASE,
)
#: Words before a strength that make it a wish, not a claim.
_WISH = re.compile(r"\b(?:wish|if only|want to be|wanna be|would like to be|hope to be)\W*$")
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
        before = clause_before(lowered.lower(), match.start())
        if negated_before(before, words=3, between="any") or _WISH.search(before):
            continue  # "I don't think I'm good at anything", "I wish I was good at talking"
        said = text.translate(_APOSTROPHES)[match.start("what") : match.end("what")]
        said = _TAIL.sub("", " ".join(said.split()))
        phrase = second_person(f"I'm {said}")
        if phrase not in found:
            found.append(phrase)
        if len(found) >= limit:
            break
    for match in _SAID_WHOLE.finditer(lowered):
        if len(found) >= limit:
            break
        if negated_before(clause_before(lowered.lower(), match.start()), words=3, between="any"):
            continue
        said = text.translate(_APOSTROPHES)[match.start("what") : match.end("what")]
        said = _TAIL.sub("", " ".join(said.split()))
        if not said.lower().startswith(("i ", "i'm", "im ", "my ")):
            said = f"I {said}"
        phrase = second_person(said)
        if phrase not in found:
            found.append(phrase)
    return found
