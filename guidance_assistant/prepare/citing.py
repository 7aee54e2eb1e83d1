"""Whole sentences cited from the framework notes, and the needs to plan for with their
preparation points."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from guidance_assistant.interview import grounding
from guidance_assistant.interview.grounding import KnowledgeSource, PassageLike
from guidance_assistant.interview.phrases import load_phrasebook
from guidance_assistant.prepare.brief_model import (
    BriefNeed,
    BriefPoint,
)
from guidance_assistant.prepare.linking import (
    _md,
)
from guidance_assistant.prepare.notes import (
    ClientNotes,
)
from guidance_assistant.text.sentences import split_sentences

# --------------------------------------------------------------------------- cited sentences


@functools.lru_cache(maxsize=1)
def _framework_files() -> dict[str, str]:
    """The bundled framework notes by file name, as plain text (for whole-sentence checks)."""
    from guidance_assistant.paths import bundled_dir

    try:
        folder = bundled_dir("knowledge") / "frameworks"
        return {
            path.name: _plain(path.read_text(encoding="utf-8"))
            for path in sorted(folder.glob("*.md"))
        }
    except (OSError, FileNotFoundError):
        return {}


def _plain(text: str) -> str:
    """Markdown as plain text on one line: headings dropped, bullets and emphasis removed."""
    lines = [
        re.sub(r"^\s*[-*]\s+", "", line)
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    joined = re.sub(r"\s[-*]\s+(?=\*\*)", " ", " ".join(lines))  # "... - **Label**: ..."
    return " ".join(joined.replace("**", "").replace("*", "").split())


def whole_sentences(text: str, source: str | None = None) -> list[str]:
    """The complete sentences of a retrieved passage: a passage cut from the middle of a
    document may start or end mid-sentence, and those pieces are left out. When the source is
    one of the bundled framework notes, each sentence is checked against the note itself."""
    parts = split_sentences(_plain(text), prose=True, lines=False)
    document = _framework_files().get(source or "")
    kept: list[str] = []
    for index, part in enumerate(parts):
        if not re.search(r"[.!?][\"')]?$", part):
            continue
        if document is not None:
            at = document.find(part)
            if at < 0 or (
                at > 0 and not re.search(r"[.!?:][\"')]?\s$", document[max(0, at - 3) : at])
            ):
                continue
        elif index == 0 and not re.match(r"[A-Z0-9\"'(£]", part):
            continue
        kept.append(part)
    return kept


def _framework_filter() -> dict[str, str | list[str]]:
    files = sorted(_framework_files())
    return {"doc_type": "framework", "source": files} if files else {"doc_type": "framework"}


def _cited(
    knowledge: KnowledgeSource | None,
    query: str,
    must: Sequence[str],
    *,
    exclude: set[str],
    limit: int = 2,
    max_words: int = 75,
) -> BriefPoint | None:
    """One or two whole sentences from the framework notes that answer ``query`` and name one
    of ``must``, with their citation; None when the notes hold none (nothing is made up)."""
    passages: list[PassageLike] = grounding.safe_search(knowledge, query, 5, _framework_filter())
    if not passages:
        passages = grounding.safe_search(knowledge, query, 5, {"doc_type": "framework"})
    wanted = [m.lower() for m in must]
    for passage in passages:
        source = str(passage.metadata.get("source", passage.citation.source))
        found = [
            s
            for s in whole_sentences(passage.text, source)
            if (not wanted or any(m in s.lower() for m in wanted)) and s not in exclude
        ]
        if not found:
            continue
        ranked = sorted(range(len(found)), key=lambda i: (-grounding.relevance(found[i], query), i))
        chosen: list[str] = []
        words = 0
        for index in sorted(ranked[:limit]):
            size = len(found[index].split())
            if chosen and words + size > max_words:
                break
            chosen.append(found[index])
            words += size
        exclude.update(chosen)
        return BriefPoint(text=" ".join(chosen), citation=passage.citation)
    return None


# ------------------------------------------------------------------------------------ needs


_Facts = tuple[tuple[str, tuple[str, ...]], ...]


def _heading_for_university(notes: ClientNotes) -> bool:
    """Whether the notes say the client is applying to, or thinking about, higher education
    (a university route, or an offer that is not an apprenticeship or a college place)."""
    return notes.route("university") is not None or any(
        not re.search(r"\b(?:apprentice\w*|college|coleg|sixth form|6th form)\b", o.what, re.I)
        for o in notes.offers
    )


def _money_facts(notes: ClientNotes) -> _Facts:
    if notes.life_stage == "adult":
        return (
            ("Advanced Learner Loan course fees adults free Level 3 courses", ("loan", "free")),
        )
    university = notes.route("university")
    text = " ".join(m.quote for m in notes.needs if m.need == "money").lower()
    if university is not None or re.search(r"\b(?:uni|university|debt|loan|fees|degree)\b", text):
        return (
            ("student finance loan repayments depend on earnings headline debt", ("repay",)),
            (
                "degree apprenticeships paid job no tuition fees without student debt",
                ("debt", "tuition"),
            ),
        )
    return (("16 to 19 Bursary Fund discretionary bursaries travel equipment meals", ("bursar",)),)


def _needs(
    notes: ClientNotes, knowledge: KnowledgeSource | None, used: set[str]
) -> tuple[list[BriefNeed], dict[str, str]]:
    """Each need with its preparation points and cited facts, and the question for it."""
    phrases = load_phrasebook()
    plain = any((g := phrases.need(n)) is not None and g.plain_language for n in notes.need_ids())
    needs: list[BriefNeed] = []
    questions: dict[str, str] = {}
    university = _heading_for_university(notes)
    for mention in notes.needs:
        need = mention.need
        guidance = phrases.need(need)
        if guidance is None:  # pragma: no cover - needs.yaml has every need (tested)
            continue
        label, plan_for = guidance.label, list(guidance.plan_for)
        if guidance.question is not None:
            pool = guidance.question.plain if plain and guidance.question.plain else None
            questions[need] = (pool or guidance.question.standard)[0]
        facts: _Facts = tuple(
            (fact.query, tuple(fact.must))
            for fact in guidance.facts
            if fact.when is None or (fact.when == "university" and university)
        )
        if need == "money":
            facts = _money_facts(notes)
        elif not facts and guidance.framework_query:
            facts = ((guidance.framework_query, ()),)
        points = [
            point
            for query, must in facts
            if (point := _cited(knowledge, query, must, exclude=used, limit=1)) is not None
        ]
        evidence = "" if mention.quote in ("adult",) else _md(mention.quote)
        needs.append(
            BriefNeed(need=need, label=label, evidence=evidence, plan_for=plan_for, points=points)
        )
    return needs, questions
