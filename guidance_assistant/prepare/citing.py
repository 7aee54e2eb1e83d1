"""Whole sentences cited from the framework notes, and the needs to plan for with their
preparation points."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from guidance_assistant.interview import grounding
from guidance_assistant.interview.grounding import KnowledgeSource, PassageLike
from guidance_assistant.interview.model import (
    NEEDS,
)
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


@dataclass(frozen=True)
class _NeedGuide:
    label: str
    plan_for: tuple[str, ...] = ()
    question: str | None = None


#: Needs the interview engine does not know (its needs come from ``needs.yaml``).
_EXTRA_NEEDS: dict[str, _NeedGuide] = {
    "money": _NeedGuide(
        "money worries",
        (
            "Talk about money openly, without assuming what the family can afford; have the "
            "facts on costs and financial support for each route ready.",
            "Set routes that pay while training (apprenticeships, including degree "
            "apprenticeships) beside full-time study, so the comparison is fair.",
        ),
        "What have you heard about the costs of the options you're thinking about, and how much "
        "does money shape your choice?",
    ),
    "travel": _NeedGuide(
        "limits on travel",
        (
            "Check which colleges, training providers and employers are realistically "
            "reachable, with the travel time and cost to each.",
        ),
        "How do you get around at the moment, and how far could you travel each day?",
    ),
    "confidence": _NeedGuide(
        "low confidence",
        (
            "Plan to affirm specific strengths from the notes, and break next steps into small, "
            "achievable ones.",
        ),
        "What is something you've done recently that went better than you expected?",
    ),
    "exams": _NeedGuide(
        "worry about exams",
        (
            "Compare how each route is assessed (exams, coursework, practical work) as well as "
            "where it leads.",
        ),
        "How do you show what you can do best: exams, coursework or practical tasks?",
    ),
    "family_expectations": _NeedGuide(
        "family expectations",
        (
            "Explore whose idea each option is and how the client feels about the family's "
            "hopes; keep the decision the client's.",
            "Consider information for parents or carers about routes the family may know less "
            "about.",
        ),
        "What do the people at home hope you'll do, and how do you feel about that?",
    ),
    "family_circumstances": _NeedGuide(
        "family circumstances (to explore sensitively)",
        (
            "Ask open, non-judgemental questions about home; don't assume what the family can "
            "or cannot support.",
            "Find out what practical support (time, travel, money) the client has for the next "
            "step.",
        ),
    ),
    "neet_risk": _NeedGuide(
        "at risk of not being in education, employment or training (NEET)",
        (
            "Plan earlier and repeated contact with the same adviser, with tasters and visits to "
            "providers.",
            "Check the local authority's follow-up for young people without a place.",
        ),
        "What would make it easier to get started somewhere new?",
    ),
    "disadvantage": _NeedGuide(
        "financial disadvantage (pupil premium, free school meals)",
        (
            "Raise financial support openly, and look for outreach, widening participation "
            "schemes and work experience that do not rely on family contacts.",
        ),
    ),
    "new_arrival": _NeedGuide(
        "a recent arrival in the UK",
        (
            "Ask about education and qualifications from before arriving, and check how they "
            "compare with UK ones.",
            "Flag any question about immigration status and eligibility for funding early, and "
            "refer to a qualified adviser rather than advising on it.",
        ),
        "What were you studying before you came here, and what did you enjoy most?",
    ),
    "career_change": _NeedGuide(
        "an adult changing career or returning to learning",
        (
            "Map the skills and experience from past work that carry over.",
            "Look at adult routes and funding: part-time and distance study, apprenticeships, "
            "retraining courses.",
        ),
        "What from your past work would you like to keep doing, and what would you leave behind?",
    ),
}

_Facts = tuple[tuple[str, tuple[str, ...]], ...]
#: What the framework notes are searched for, per need, and words a cited sentence must hold.
_NEED_FACTS: dict[str, _Facts] = {
    "young_carer": (
        (
            "young carers support student carers bursaries flexible young carers services",
            ("carer",),
        ),
    ),
    "care_experienced": (
        ("care leavers bursary personal adviser virtual school personal education plan", ("care",)),
    ),
    "eal": (
        (
            "English as an additional language plain English interpreter more time",
            ("interpret", "plain english", "language ability"),
        ),
    ),
    "new_arrival": (
        (
            "UK ENIC statements comparing overseas qualifications with UK ones",
            ("enic",),
        ),
        (
            "immigration status student finance eligibility refer qualified adviser",
            ("immigration",),
        ),
    ),
    "send": (
        ("SEND careers guidance ambitious SENCO personalised supported internships", ("send",)),
    ),
    "ehcp": (("EHC plan annual review Year 9 preparing for adulthood", ("ehc",)),),
    "autism": (
        (
            "adapting guidance interviews quiet room literal language processing time visual",
            ("literal", "sensory", "processing"),
        ),
    ),
    "adhd": (
        (
            "adapting guidance interviews shorter sessions breaks one question at a time",
            ("breaks", "one question"),
        ),
    ),
    "dyslexia": (
        ("accessible action plans easy-read recorded plain language", ("accessible", "easy-read")),
    ),
    "anxiety": (
        (
            "adapting guidance interviews quiet room breaks preparation visits tasters",
            ("quiet", "visits", "breaks"),
        ),
    ),
    "physical_disability": (
        (
            "Access to Work reasonable adjustments Equality Act disabled",
            ("access to work", "reasonable adjustments"),
        ),
    ),
    "sensory_impairment": (
        (
            "interpreters signers reasonable adjustments communication",
            ("signers", "interpreter", "reasonable adjustments"),
        ),
    ),
    "mental_health": (
        ("mental health difficulties referral boundaries wellbeing", ("mental health",)),
    ),
    "travel": (
        (
            "local authority transport policies post-16 travel discretionary bursaries",
            ("transport", "travel"),
        ),
    ),
    "confidence": (
        ("affirmation recognises strengths specific honest builds confidence", ("confidence",)),
    ),
    "exams": (
        (
            "how they prefer to be assessed exams coursework practical tasks comparing routes",
            ("assess",),
        ),
    ),
    "family_expectations": (
        ("influences parents carers siblings friends expectations exploration", ("parents",)),
    ),
    "family_circumstances": (
        (
            "exploration influences barriers circumstances home family",
            ("circumstances", "barriers"),
        ),
    ),
    "neet_risk": (
        (
            "NEET risk effective support repeated guidance tasters visits September Guarantee",
            ("neet", "september guarantee", "repeated"),
        ),
    ),
    "disadvantage": (
        (
            "disadvantaged pupils financial worries discussed openly widening participation",
            ("financial", "widening"),
        ),
    ),
    "career_change": (
        (
            "adults Access to Higher Education Diploma without the usual qualifications",
            ("access to higher education", "age limit"),
        ),
    ),
}


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
    for mention in notes.needs:
        need = mention.need
        guidance = phrases.need(need) if need in NEEDS else None
        extra = _EXTRA_NEEDS.get(need)
        if guidance is not None:
            label, plan_for = guidance.label, list(guidance.plan_for)
            if guidance.question is not None:
                pool = guidance.question.plain if plain and guidance.question.plain else None
                questions[need] = (pool or guidance.question.standard)[0]
            facts = _NEED_FACTS.get(need, ())
            if not facts and guidance.framework_query:
                facts = ((guidance.framework_query, ()),)
        elif extra is not None:
            label, plan_for = extra.label, list(extra.plan_for)
            if extra.question:
                questions[need] = extra.question
            facts = _money_facts(notes) if need == "money" else _NEED_FACTS.get(need, ())
        else:  # pragma: no cover - every need id has guidance
            continue
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
