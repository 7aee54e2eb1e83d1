"""What a backend's rewording of a draft must keep, beyond the figures.

The figure checks (:func:`~guidance_assistant.interview.grounding.validate_numbers`, dropped pay
figures, secrecy promises) cannot see three things a small model loses often (evals/README.md,
issue 18): the draft's question to the client, the source it named, and the meaning of a
redirect or a refusal. This module says, for one draft:

* whether it goes to a backend at all (:func:`keeps_own_words`): a scope redirect, a reply to an
  attempt to change the rules, what the adviser is, a check-in or the limits of confidentiality
  after a worrying remark, a refusal to choose for the client, an honest "my sources don't say"
  are said in the engine's own words, always (a safeguarding reply never reaches a backend
  either, by an earlier rule);
* whether a reply keeps the draft's question (:func:`asks_question`): one that does not is
  refused like a reply with an unsupported figure;
* which sources the draft names (:func:`named_sources`), so that a reply naming none of them gets
  the draft's sources added on a line of their own (:func:`source_line`) rather than refused: the
  line is the engine's own, exact words, the reply has already passed every other check, and a
  refusal would throw that reply away and ask the model again (10-30 s on a CPU).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from guidance_assistant.interview.phrases import Phrasebook
from guidance_assistant.interview.state import TurnCitation

#: (move kind, variant) whose draft is shown as written: no backend rewords it.
OWN_WORDS: frozenset[tuple[str, str]] = frozenset(
    {
        # redirects: the session's purpose and rules, said the same way every time
        ("contracting", "redirect"),
        ("contracting", "injection"),
        ("contracting", "about_adviser"),
        ("contracting", "session_closed"),
        ("contracting", "resume"),  # after an adviser cleared a safeguarding flag
        # safeguarding-adjacent: the limits of confidentiality must survive word for word
        ("contracting", "confidentiality"),  # "will you tell my mum?"
        ("open_question", "check_in"),
        ("open_question", "secrecy_limits"),
        # refusals: the engine will not choose for the client before their criteria are known
        ("open_question", "criteria_first"),
    }
)

#: Phrasings whose presence makes a draft an honest refusal ("I won't guess"): a model must not
#: turn one into an answer.
DECLINE_KEYS = ("information.kind.none", "information.not_found", "information.pay.none")

#: Words that name a publisher in a reply, by the publisher's name in a citation.
_ALIASES = {
    "national careers service": ("national careers service", "ncs"),
    "office for national statistics": ("office for national statistics", "ons", "ashe"),
}

# A quotation (the client's words, a job's other title): its question marks are not the
# adviser's. Single quotes only count when they open after a space or bracket, so that "don't"
# is not read as a quotation mark.
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|(?:(?<=\s)|(?<=^)|(?<=\())'[^'\n]*'(?=[\s.,;:!?)]|$)")


def keeps_own_words(kind: str, variant: str, draft: str, phrases: Phrasebook) -> bool:
    """Whether a draft of this move is shown as written, never offered to a backend."""
    if kind == "safeguarding_response" or (kind, variant) in OWN_WORDS:
        return True
    return any(pattern.search(draft) for pattern in _decline_patterns(phrases))


@lru_cache(maxsize=4)
def _decline_patterns(phrases: Phrasebook) -> tuple[re.Pattern[str], ...]:
    patterns = []
    for key in DECLINE_KEYS:
        options = phrases.phrases.get(key)
        if options is None:
            continue
        for template in (*options.standard, *options.plain):
            fixed = re.split(r"\{[a-z_]+\}", template.strip())
            pattern = r".+?".join(re.escape(part) for part in fixed)
            patterns.append(re.compile(pattern, re.IGNORECASE | re.DOTALL))
    return tuple(patterns)


def asks_question(text: str) -> bool:
    """Whether ``text`` asks the client something: a question mark outside quotations."""
    return "?" in _QUOTED.sub(" ", text)


def named_sources(text: str, citations: Sequence[TurnCitation]) -> list[str]:
    """The sources of ``citations`` that ``text`` names: a publisher (the National Careers
    Service, the ONS or ASHE) or a document's title. A job record's title ("Nurse") is the job,
    not a source, so it does not count."""
    lowered = f" {_words(text)} "
    found: list[str] = []
    for cited in citations:
        citation = cited.citation
        names = [p.strip().lower() for p in (citation.publisher or "").split(";") if p.strip()]
        if not citation.source.startswith(("lmi/", "ncs/")):
            names.append(citation.title.lower())
        for name in names:
            if name not in found and any(
                f" {_words(alias)} " in lowered for alias in _ALIASES.get(name, (name,))
            ):
                found.append(name)
    return found


def names_a_source(reply: str, draft_sources: Sequence[str]) -> bool:
    """Whether ``reply`` names any of the sources its draft named."""
    lowered = f" {_words(reply)} "
    return any(
        f" {_words(alias)} " in lowered
        for name in draft_sources
        for alias in _ALIASES.get(name, (name,))
    )


def source_line(citations: Sequence[TurnCitation]) -> str:
    """The draft's sources on a line of their own, as added to a reply that lost them."""
    return "Sources: " + "; ".join(dict.fromkeys(c.render() for c in citations[:3]))


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))
