"""Occupations named in a client message, and whose they are.

Jobs are linked by the one occupation linker, :func:`guidance_assistant.lmi.linker.
link_occupations` (titles said whole, "be a X", "work as X", "how much do X earn"), with this
reader's aliases and everyday words that are titles from ``prompts/interview/signals.yaml``;
this module reads the words before each one: someone else's job ("my mum is a nurse"), the
client's current one, or someone's suggestion is not the client's own idea.
"""

from __future__ import annotations

import re

from guidance_assistant.interview.lexicon import Lexicon, any_cue, lexicon_for
from guidance_assistant.interview.message import AmbiguousMention, OccupationMention
from guidance_assistant.interview.model import SignalsFile, load_signals
from guidance_assistant.lmi.linker import LinkWords, link_occupations
from guidance_assistant.text.clean import analysis_view, normalise_for_matching

_YEARS_IN = re.compile(
    r"^\s*,?\s*(?:for\s+)?(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"fifteen|twenty|thirty|forty)(?:\s+odd)?\s+(?:years|yrs)\b"
)


def _attributed(before: str, lexicon: Lexicon) -> tuple[bool, bool]:
    """(not the client's idea, someone else's suggestion) from the words just before a title:
    someone else's job ("my mum is a nurse") or the client's current one ("I'm doing a plumbing
    apprenticeship") is not an idea to explore."""
    tail = before[-80:]
    others = any(pattern.search(tail) for pattern in lexicon.others_jobs) or any(
        pattern.search(tail) for pattern in lexicon.current_jobs
    )
    suggested = any(pattern.search(tail) for pattern in lexicon.suggested_jobs)
    return others, suggested


_LINK_WORDS: dict[int, tuple[Lexicon, LinkWords]] = {}


def _link_words(lexicon: Lexicon) -> LinkWords:
    """The interview's words for the linker: its aliases and its everyday words that are
    titles, from ``prompts/interview/signals.yaml``."""
    kept = _LINK_WORDS.get(id(lexicon))
    if kept is not None and kept[0] is lexicon:
        return kept[1]
    words = LinkWords(aliases=lexicon.aliases, ambiguous=frozenset(lexicon.ambiguous_titles))
    _LINK_WORDS[id(lexicon)] = (lexicon, words)
    return words


def criteria_of(text: str, signals: SignalsFile | None = None) -> list[str]:
    """The ids of the client criteria that ``text`` speaks to ("a job that pays well" →
    ``high_pay``)."""
    lexicon = lexicon_for(signals or load_signals())
    norm = normalise_for_matching(analysis_view(text))
    return [
        criterion_id
        for criterion_id, pattern in lexicon.criteria.items()
        if any_cue(pattern, norm, negatable=criterion_id not in lexicon.subjects.values())
    ]


def find_occupations(
    text: str, signals: SignalsFile | None = None, *, activities: bool = False
) -> tuple[list[OccupationMention], list[AmbiguousMention]]:
    """Occupations named in ``text`` (exact titles first, then fuzzy matches), in text order,
    linked by :func:`guidance_assistant.lmi.linker.link_occupations`; this reader adds whose
    idea each one is (the words before it)."""
    lexicon = lexicon_for(signals or load_signals())
    norm = normalise_for_matching(analysis_view(text))
    # ``activities``: words for the work count too ("plumbing", "not doing police, plumbing or
    # hair"), as a client names a job that way far more often than an adviser's notes do.
    links = link_occupations(norm, _link_words(lexicon), activities=activities)
    mentions: list[OccupationMention] = []
    for link in links.jobs:
        others, suggested = _attributed(norm[: link.start], lexicon)
        # "Plasterer, twenty years, self-employed": the client's own trade, said with its years
        others = others or _YEARS_IN.match(norm[link.end : link.end + 40]) is not None
        mentions.append(
            OccupationMention(
                occupation_id=link.occupation_id,
                title=link.title,
                phrase=link.phrase,
                score=link.score,
                own_idea=not others and not suggested,
                suggested_by_others=suggested,
            )
        )
    ambiguous = [
        AmbiguousMention(phrase=a.phrase, candidates=list(a.candidates)) for a in links.ambiguous
    ]
    return mentions, ambiguous
