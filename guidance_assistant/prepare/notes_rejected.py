"""What the client turns down or rules out (``evals/brief/LABELLING.md``, "Rejected"), beyond the
cue words of :mod:`.notes_cues`: soft refusals ("no longer wants to do Nursing", "went off",
"can't see myself in another school"), refusals said after the thing ("A levels 'not for me'",
"army? - 'nah'"), plain denials of something the client could choose ("NOT shop work / retail",
"not doin hair, nails or beauty"), and the clean-up of every refusal's words into items.

The words are data, ``knowledge/notes/rejected.yaml`` (validated when loaded); the denial itself
is the shared negation scope (:mod:`guidance_assistant.text.negation`). Never a refusal by a
parent or anyone else for the client ("doesn't want him in the army"), nor a doubt or a
condition ("not sure about uni", "uni if it means living in halls").
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.paths import bundled_dir, file_stamp
from guidance_assistant.prepare.notes_cues import _ROUTES
from guidance_assistant.prepare.notes_profile import (
    not_an_item,
    profile_rules,
    said_of_someone_else,
)
from guidance_assistant.text.negation import (
    STRONG_NEGATORS,
    clause_before,
    negated_before,
    negated_in_list,
)

_I = re.IGNORECASE


class RejectedDataError(GuidanceAssistantError):
    """``knowledge/notes/rejected.yaml`` could not be read."""


def _compiles(value: str | list[str]) -> str | list[str]:
    for pattern in [value] if isinstance(value, str) else value:
        try:
            re.compile(pattern)
        except re.error as error:
            raise ValueError(f"bad pattern {pattern!r}: {error}") from error
    return value


class RejectedWords(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    cues: list[str]
    after: list[str]
    reach: int = Field(ge=10, le=300)
    denial_lead: str
    not_denied: str
    rejectable: list[str]
    doubt: str
    not_clients: str
    trailing: str
    leading: str
    not_items: str

    _check = field_validator(
        "cues",
        "after",
        "denial_lead",
        "not_denied",
        "doubt",
        "not_clients",
        "trailing",
        "leading",
        "not_items",
    )(_compiles)


class RejectedRules:
    """The compiled words of ``rejected.yaml``."""

    def __init__(self, words: RejectedWords) -> None:
        self.cues = [re.compile(p, _I) for p in words.cues]
        self.after = [re.compile(p, _I) for p in words.after]
        self.reach = words.reach
        self.denial_lead = re.compile(words.denial_lead, _I)
        self.not_denied = re.compile(words.not_denied, _I)
        self.rejectable = frozenset(" ".join(w.lower().split()) for w in words.rejectable)
        self.doubt = re.compile(words.doubt, _I)
        self.not_clients = re.compile(words.not_clients)
        self.trailing = re.compile(words.trailing, _I)
        self.leading = re.compile(words.leading, _I)
        self.not_items = re.compile(words.not_items, _I)


@functools.lru_cache(maxsize=4)
def _load(path: Path, stamp: tuple[int, int]) -> RejectedRules:
    del stamp
    try:
        words = RejectedWords.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise RejectedDataError(f"cannot read {path}: {error}") from error
    return RejectedRules(words)


def rejected_rules() -> RejectedRules:
    path = bundled_dir("knowledge") / "notes" / "rejected.yaml"
    return _load(path, file_stamp(path))


# ---------------------------------------------------------------------------------------------
# Items

_ARTICLES = re.compile(
    r"^(?:an?(?!\s*-?\s*levels?\b)|the|any|another|more|some|his|her|their|my|doing|doin|being|becoming|going to)\s+",
    _I,
)
_SENTENCE_START = re.compile(
    r"^(?:i|i'?m|im|it'?s|its|that'?s|thats|he'?s|she'?s|they'?re|we|you|he|she|they|it|"
    r"that|this|which|who|cos|because|as|so|too|everyone|everybody)\b",
    _I,
)
_PRONOUN_ONLY = re.compile(
    r"^(?:it|that|this|them|those|these|one|ones|anything|something|everything|stuff|things|"
    r"either|any|none|a|an|the|definitely|defo|really|maybe|though|tho|anyway|again|now|ever|"
    r"too|either|at all|yet|still)$",
    _I,
)
_LIST_SPLIT = re.compile(r"\s*(?:,|/|\+|;|\bor\b|\bnor\b|\band\b)\s*", _I)
_KEEP_WHOLE = re.compile(
    r"\b(?:hair (?:and|&) beauty|health (?:and|&) social care|travel (?:and|&) tourism|"
    r"art (?:and|&) design|sport (?:and|&) exercise|hospitality (?:and|&) catering|"
    r"accounting (?:and|&) finance|[A-Z][a-z]+ (?:and|&) [A-Z][a-z]+ joint)\b",
    _I,
)


def _trim(item: str) -> str:
    rules = rejected_rules()
    item = " ".join(item.split()).strip(" ,.;:-–\"'“”‘’!?()|")
    for _ in range(4):
        new = rules.leading.sub("", item).strip(" ,.;:-\"'“”")
        new = _ARTICLES.sub("", new)
        new = rules.trailing.sub("", new).strip(" ,.;:-\"'“”")
        if new == item:
            break
        item = new
    return item


def rejected_items(phrase: str) -> list[str]:
    """The items a refusal's words name ("retail or call centre work" -> two; "nights again" ->
    "nights"); none when they are about someone else ("him in the army"), a condition ("uni if
    it means living in halls") or no item ("it anyway")."""
    rules = rejected_rules()
    text = " ".join(phrase.split()).strip(" ,.;:-\"'“”")
    if not text or rules.not_clients.search(text):
        return []
    if re.search(r"\b(?:if|unless|only if|except|until)\b", text, _I):
        return []
    doubt = rules.doubt.search(text)
    if doubt:
        text = text[: doubt.start()]
    text = re.split(r"\s[-–—]\s|[\"“(]", text)[0]
    protected = _KEEP_WHOLE.sub(lambda m: m.group().replace(" ", "\u00a0"), text)
    parts = [p.replace("\u00a0", " ") for p in _LIST_SPLIT.split(protected)]
    if len(parts) > 1 and not all(len(p.split()) <= 4 for p in parts if p.strip()):
        parts = [parts[0]]
    found: list[str] = []
    for index, part in enumerate(parts):
        if _SENTENCE_START.match(part.strip()):
            break  # "A levels, I'm not academic"
        item = _trim(part)
        if not item or _PRONOUN_ONLY.match(item) or not_an_item(item):
            continue
        if len(item.split()) > 6 or rules.not_items.search(item):
            continue
        if index and not rejectable(item):  # "uni and the student debt"
            continue
        found.append(item)
    return list(dict.fromkeys(found))


def rejectable(item: str, *, strict: bool = False) -> bool:
    """Whether ``item`` is something the client could choose (LABELLING.md: a job, field, route,
    institution, course, a kind of work named by a feature): a route, a school subject, one of
    ``rejectable``'s words at its head, or a job title of the occupation records (``strict``:
    only a route or ``rejectable``'s words, for a bare "no X", which in notes is mostly a
    circumstance: "no car", "no childcare")."""
    from guidance_assistant.lmi.titles import title_matches
    from guidance_assistant.prepare.notes_facts import subject_spans

    text = " ".join(item.split()).strip(" ,.;:-")
    if not text or _PRONOUN_ONLY.match(text) or not_an_item(text):
        return False
    if rejected_rules().not_items.search(text) or profile_rules().trait.fullmatch(text):
        return False  # "I'm not sporty" is no refusal
    lowered = text.lower()
    words = lowered.split()
    rules = rejected_rules()
    if lowered in rules.rejectable or words[-1] in rules.rejectable:
        return True
    if len(words) > 1 and " ".join(words[-2:]) in rules.rejectable:
        return True
    if words[0] == "anything" and len(words) > 1:
        return True
    for _, pattern in _ROUTES:
        match = pattern.search(text)
        if match and match.start() == 0 and match.end() >= len(text.rstrip()) - 1:
            return True
    if strict:
        return False
    spans = subject_spans(text)
    if spans and spans[0][0] == 0 and spans[-1][1] >= len(text.rstrip()):
        return True
    return len(words) <= 3 and bool(title_matches(text))


# ---------------------------------------------------------------------------------------------
# Refusals read off a sentence


def someone_elses(before: str) -> bool:
    """Whether the clause before a refusal makes someone else its subject ("Mum doesn't want")."""
    clause = re.split(r"[,;:(]|\s[-–—]\s", before)[-1]
    return said_of_someone_else(clause)


def _candidates(text: str) -> list[tuple[int, int, str]]:
    """Phrases of ``text`` that could be an item (the span reader's candidates), longest first."""
    from guidance_assistant.prepare.spans import candidates

    found = {(c.start, c.end, c.text) for c in candidates(text)}
    return sorted(found, key=lambda c: (-(c[1] - c[0]), c[0]))


def _doubted(sentence: str, end: int) -> bool:
    """Whether the words just after a refusal make it doubt or a condition ("no to uni? 'maybe
    not' - not sure yet")."""
    return rejected_rules().doubt.search(sentence[end : end + 40]) is not None


def refusals(sentence: str) -> list[tuple[str, str]]:
    """Items ``sentence`` rules out by words after them ("A levels 'not for me'") or by a plain
    denial opening their clause ("NOT shop work / retail"): (item, quote) pairs."""
    rules = rejected_rules()
    found: list[tuple[int, int, str, str]] = []

    def free(start: int, end: int) -> bool:
        return not any(start < e and s < end for s, e, _, _ in found)

    for pattern in rules.after:
        for match in pattern.finditer(sentence):
            window_start = max(0, match.start() - rules.reach)
            window = sentence[window_start : match.start()]
            window = re.split(r"[.;!]\s", window)[-1]
            offset = match.start() - len(window)
            places = [
                (offset + s, offset + e, t) for s, e, t in _candidates(window) if rejectable(t)
            ]
            if not places:
                continue
            start, end, text = max(places, key=lambda p: (p[1], p[1] - p[0]))
            item = _trim(text)
            if not free(start, end) or not item:
                continue
            found.append((start, end, item, sentence[start : match.end()]))
    listed = sentence.replace("/", ",").replace("+", ",")  # "NOT shop work / retail"
    for start, end, text in _candidates(sentence):
        if not free(start, end) or not rejectable(text):
            continue
        before = clause_before(sentence, start, reach=80)
        denied = negated_before(before, words=2, between="any", negators=STRONG_NEGATORS)
        if denied:
            words = before.split()
            at = max(i for i, w in enumerate(words) if w.lower().strip("'\"“") in STRONG_NEGATORS)
            lead = " ".join(words[:at])
            after_negator = " ".join([*words[at + 1 :], text])
            strict = words[at].lower().strip("'\"“") == "no" or after_negator.startswith("the ")
            denied = (
                bool(rules.denial_lead.match(lead + " "))
                and not rules.not_denied.match(after_negator)
                and (not strict or rejectable(text, strict=True))
            )
        if not denied:
            denied = negated_in_list(listed, start) and _first_item_refused(listed, start)
        if not denied or _doubted(sentence, end) or someone_elses(sentence[:start]):
            continue
        item = _trim(text)
        if item and rejectable(item):
            found.append((start, end, item, before.strip() + " " + text))
    found.sort()
    return [(text, quote) for _, _, text, quote in found]


_LIST_NEGATOR = re.compile(r"\b(?:not|never|no|dont|didnt|wont|neither|nor|without)\s+", _I)


def _first_item_refused(text: str, start: int) -> bool:
    """Whether the first item of the denied list that ``text[start:]`` ends is itself refused
    ("not doin hair, nails or beauty": hair; not "no concerns re attendance or behaviour", "not
    in education, employment or training", "no car, bus...")."""
    before = text[max(0, start - 90) : start].replace("'", "").replace("’", "")
    sentence = re.split(r"[.!?;:\n]", before)[-1]
    negations = list(_LIST_NEGATOR.finditer(sentence))
    if not negations or _LIST_DOUBT.search(sentence):
        return False
    negation = negations[-1]
    first = re.split(r"\s*(?:,|\bor\b|\bnor\b|\band\b)\s*", sentence[negation.end() :])[0]
    item = _trim(first)
    if not item or rejected_rules().not_denied.match(first.strip()):
        return False
    return rejectable(item, strict=negation.group().strip().lower() == "no")


#: A list whose negation is a doubt or a liking, not a refusal ("not sure, plumbing or hair").
_LIST_DOUBT = re.compile(
    r"\b(?:not|no|never|dont|didnt)\s+(?:sure|bothered|keen|interested|into|good|gd|great|"
    r"strong|confident|bad|very|that|too|so|a fan|quals?|qualifications)\b|\b(?:except|apart from)\b",
    _I,
)
