"""A light, rule-based reading of one client message: what they did and what they said.

:func:`analyse_message` finds intents (asked for information, expressed a feeling, agreed, went
off topic...), the exploration topics the message speaks to (with a short gist in the client's
own words), the client's criteria ("good pay", "no more studying"), occupations mentioned (exact
titles, "be a X", "work as X", fuzzy matches through :func:`guidance_assistant.lmi.find`),
feelings, views of an option, routes, dates and actions.

It is pure: the same text and ``today`` always give the same analysis. The phrases it listens
for are data (``prompts/interview/signals.yaml``). Client text is only ever matched, never run.
"""

from __future__ import annotations

import re
from datetime import date

from guidance_assistant.interview.acts import Act, ActReading
from guidance_assistant.interview.lexicon import Lexicon, any_cue, found_cues, lexicon_for
from guidance_assistant.interview.message import (
    ActionMention,
    AmbiguousMention,
    Intent,
    MessageAnalysis,
    OccupationMention,
    OptionView,
    TopicEvidence,
)
from guidance_assistant.interview.model import (
    FeelingKind,
    InfoKind,
    Need,
    RouteKind,
    SignalsFile,
    load_signals,
)
from guidance_assistant.interview.occupations import criteria_of, find_occupations
from guidance_assistant.safeguarding.rules import SafeguardingResult, detect_safeguarding
from guidance_assistant.text.clean import (
    MAX_ANALYSIS_CHARS,
    analysis_view,
    clip_words,
    normalise_for_matching,
    second_person,
    truncate,
    words,
)
from guidance_assistant.text.dates import DateMention, find_dates
from guidance_assistant.text.words import STOP_WORDS

__all__ = [
    "ActionMention",
    "AmbiguousMention",
    "Intent",
    "MessageAnalysis",
    "OccupationMention",
    "OptionView",
    "TopicEvidence",
    "analyse_message",
    "criteria_of",
    "find_occupations",
    "make_gist",
    "split_clauses",
]

_CONTENT_WORD = re.compile(r"[a-z][a-z'-]+")
_CLAUSE_SPLIT = re.compile(
    r"[.!?;\n]+|,\s*(?:but|and|so|because|although|though)\s+|\s+but\s+"
    r"|,\s*(?=(?:i|im|i'm|i've|ive|my|we|me)\b)|\s+and\s+(?=(?:i|im|ive)\b)",
    re.IGNORECASE,
)


# ------------------------------------------------------------------------------- lexicon


# ------------------------------------------------------------------------------ job titles


# ----------------------------------------------------------------------------------- gists

_TOPIC_FRAMES: dict[str, str] = {
    "interests": "you enjoy {x}",
    "strengths": "you're good at {x}",
    "values": "{x} matters to you",
    "circumstances": "{x}",
    "influences": "{x}",
    "barriers": "{x} might get in the way",
}
_PERSONAL = re.compile(r"\b(?:i|im|i'm|ive|i've|id|i'd|my|me|we|our|us)\b", re.IGNORECASE)
#: A verb that makes a clause a statement of its own, which a topic frame would garble.
_FINITE_VERB = re.compile(
    r"\b(?:is|are|was|were|isn'?t|aren'?t|has|have|had|can'?t|could|will|would|matters?|"
    r"means?|gets?|makes?|seems?|feels?)\b",
    re.IGNORECASE,
)
_LEADING_FILLER = re.compile(
    r"^(?:(?:and|but|so|well|um+|er+|erm|like|yeah|yes|yep|no|nah|ok|okay|not really|oh|hmm|i mean|"
    r"maybe|perhaps|probably|something like|kind of|sort of)\b[,\s]*)+",
    re.IGNORECASE,
)


#: Clauses never given back as content: apologies, thanks and requests for secrecy ("sorry
#: if I'm a bit slow today", "please don't tell my mum"): reflecting them garbles them.
_NOT_REFLECTED = re.compile(
    r"^(?:sorry|soz|sry|apologies|i apologi[sz]e|thanks|thank you|thank u|ty|cheers|ta|"
    r"(?:please |pls |plz )?(?:don'?t|do not) (?:tell|say|mention)|keep (?:it|this) (?:secret|between))\b",
    re.IGNORECASE,
)


_SENTENCE_END = re.compile(r"(?<=[a-z0-9)\]'\"])[.!?]+\s+|\n+", re.IGNORECASE)
#: A message that starts with its verb, its "I" left out.
_BARE_VERB = re.compile(
    r"^(?:want|wanna|love|like|enjoy|hate|built|made|make|do|did|play|played|work|worked|"
    r"help|helped|fixed|fix|got|go|went|think|thought|prefer|need|reckon|used to)\b",
    re.IGNORECASE,
)


def make_gist(clause: str, topic: str) -> str:
    """A short clause for reflecting ``clause`` back: "you love drawing", "money matters to you"
    (empty for an apology, thanks or a request for secrecy)."""
    text = _LEADING_FILLER.sub("", clause.strip()).strip(" ,;:-").rstrip(".!?")
    if not text or _NOT_REFLECTED.match(text):
        return ""
    # The key part, not the whole message: its first sentence when that says enough.
    first = _SENTENCE_END.split(text, maxsplit=1)[0].strip(" ,;:-")
    if len(first.split()) >= 3:
        text = first
    # "want to be a bricklayer", "built a wall for my nan": said without "I"
    if _BARE_VERB.match(text):
        text = f"I {text}"
    text = clip_words(text, 16)
    if _PERSONAL.search(text):
        result = second_person(text)
    elif _FINITE_VERB.search(text):
        # Already a statement ("time and money are the main barriers"): given back as it is.
        result = text
    else:
        result = _TOPIC_FRAMES.get(topic, "{x}").format(x=text[:1].lower() + text[1:])
    return result[:1].lower() + result[1:] if not result.startswith("I ") else result


# -------------------------------------------------------------------------------- analyser


def split_clauses(text: str) -> list[str]:
    """``text`` cut into clauses at sentence ends, semicolons and ", but", ", I"...; a clause
    that ended with a question mark keeps it ("Will he get paid on the apprenticeship? Kai
    wants to know how much" asks its first clause)."""
    clauses: list[str] = []
    start = 0
    for separator in _CLAUSE_SPLIT.finditer(text):
        part = text[start : separator.start()].strip()
        if part:
            clauses.append(part + ("?" if "?" in separator.group() else ""))
        start = separator.end()
    rest = text[start:].strip()
    if rest:
        clauses.append(rest)
    return clauses


_clauses = split_clauses


def _is_question(clause: str, norm: str, lexicon: Lexicon) -> bool:
    if clause.rstrip().endswith("?"):
        return True
    if lexicon.question_starts is None:
        return False
    # "and do you have to be 18...", "ok so how long...": the words a question starts after
    match = lexicon.question_starts.match(_LEADING_FILLERS.sub("", norm))
    return match is not None


_LEADING_FILLERS = re.compile(
    r"^(?:(?:and|but|so|also|oh|ok|okay|right|sorry|um|erm|well|then|plus|one|two|three)\b[\s,:]*)+"
)


_ANAPHORIC_STEP = re.compile(
    r"^(?:do|sort|get|have)\s+(?:it|that|this|them|those|these|both|all|everything)"
    r"(?:\s+(?:done|sorted|of\s+them))?$"
)
_AGENDA_CHANGE = re.compile(
    r"\b(?:actually|instead|rather talk|talk about|help with|help me with|main thing|"
    r"want to (?:talk|discuss|focus|look at))\b"
)


def _action(
    clause: str, norm: str, lexicon: Lexicon, dates: list[DateMention]
) -> list[ActionMention]:
    if _CONDITION.match(norm):
        return []  # "because if I don't set a date I'll just keep fiddling": not a step
    # "my husband says I should go for school business manager": his idea, not a step
    starts = [
        s
        for s in found_cues(lexicon.action_starts, norm)
        if not _reported(norm, s.start()) and not _EMBEDDED.search(norm[: s.start()])
    ]
    other = _OTHER_OWNER.match(_BARE_LEAD.sub("", norm)) if not starts else None
    if not starts and other is None:
        return []
    who = "You"
    if other is not None:
        # "My caseworker will help me with the ENIC form", "Mr Patel will email the college":
        # a step someone else takes for the client, in the plan under their name
        who = other.group("who").removeprefix("my ").removeprefix("our ").strip().title()
        rest = _BARE_LEAD.sub("", norm)[other.end() :]
        if lexicon.action_verbs is None or lexicon.action_verbs.match(rest) is None:
            return []  # "my teacher will kill me": not a step
    else:
        for label, pattern in lexicon.owners:
            if any_cue(pattern, norm):
                who = label
                break
        rest = norm[starts[0].end() :]
    for mention in dates:
        rest = rest.replace(normalise_for_matching(mention.phrase), " ")
    rest = re.sub(r"\b(?:by|on|before|until|till|this|next)\s*$", "", rest.strip())
    rest = re.sub(r"^(?:also|then|probably|definitely|maybe|try to|try and)\s+", "", rest.strip())
    rest = re.sub(r"\s+", " ", rest).strip(" ,.-")
    if who == "Adviser":
        rest = re.sub(r"^(?:please\s+)?", "", rest)
        rest = re.sub(r"\bme\b", "the client", rest)
    if len(rest.split()) < 2:
        return []

    def starts_with_verb(part: str) -> bool:
        match = lexicon.action_verbs.match(part) if lexicon.action_verbs else None
        return match is not None

    # "look at apprenticeships and talk to my mum": two steps, each starting with a verb.
    parts = [rest]
    if starts_with_verb(rest):
        pieces = re.split(r"\s+(?:and|and then|then|and also)\s+", rest)
        if len(pieces) > 1 and all(
            len(piece.split()) >= 2 and starts_with_verb(piece) for piece in pieces
        ):
            parts = pieces
    return [
        ActionMention(
            what=part,
            who=who,
            text=clause,
            concrete=starts_with_verb(part),
            anaphoric=_ANAPHORIC_STEP.match(part) is not None,
        )
        for part in parts
    ]


#: Someone else's words reported just before a step or a choice: "my husband says (I should)".
_REPORTED = re.compile(
    r"\b(?:says?|said|saying|thinks|reckons|reckoned|tells? me|told me|wants? me to|"
    r"keeps? saying)\s+(?:that\s+)?(?:i\s+)?(?:should|could|ought to|must|have to|need to)?\s*$"
)


def _reported(norm: str, start: int) -> bool:
    """Whether the words before ``start`` report someone else's words ("mum says I should...")."""
    return _REPORTED.search(norm[:start]) is not None


#: "asking my manager if I can swap shifts": an "I can" after "if" is not the client's step.
_EMBEDDED = re.compile(r"\b(?:if|whether)\s+$")

#: Someone in the client's life who will take a step ("my caseworker will", "Mr Patel is going
#: to"): a person's role or a title and name, then "will" or "is going to".
_OTHER_OWNER = re.compile(
    r"^(?P<who>(?:my |our )?(?:(?:mr|mrs|miss|ms|dr) [a-z]+|(?:case ?worker|key ?worker|"
    r"social worker|support worker|personal adviser|pa|job coach|mentor|teacher|tutor|senco|"
    r"head of year|head teacher|headteacher|coach|manager|boss|supervisor|mum|mam|dad|nan|"
    r"gran|grandad|grandma|sister|brother|auntie|aunt|uncle|husband|wife|partner|carer|"
    r"foster carer|friend|mate)))\s+(?:will|is going to|is gonna|s going to|s gonna|ll)\s+"
)

_CONDITION = re.compile(r"^(?:because|cos|coz|cause|if|otherwise|or else|unless|in case)\b")

_BARE_LEAD = re.compile(
    r"^(?:(?:and|also|then|so|ok|okay|yeah|yes|yep|first|maybe|probably|i think|after that|"
    r"next|step (?:one|two|three|four|1|2|3|4)|first of all|second|secondly|third|thirdly|"
    r"finally|lastly)\b[\s,:]*)+"
)


def _base_form(rest: str, lexicon: Lexicon) -> str:
    """ "sending my UCAS" → "send my UCAS": a step's verb in -ing given back in its base form
    when the base is one of the step verbs."""
    first, _, tail = rest.partition(" ")
    if not first.endswith("ing") or lexicon.action_verbs is None:
        return rest
    stem = first[:-3]
    for base in (stem, stem + "e", stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else ""):
        if base and lexicon.action_verbs.fullmatch(base):
            return f"{base} {tail}".strip()
    return rest


def _bare_actions(view: str, lexicon: Lexicon, dates: list[DateMention]) -> list[ActionMention]:
    """Steps said without "I'll": each clause, its dates and a leading "and", "then" or "I"
    taken off, that starts with a step's verb and has two words or more ("ring grandad",
    "look for firms", "I go with my mother to the open evening")."""
    if lexicon.action_verbs is None:
        return []
    found: list[ActionMention] = []
    for clause in _clauses(view):
        if clause.rstrip().endswith("?"):
            continue
        rest = normalise_for_matching(clause)
        for mention in dates:
            rest = rest.replace(normalise_for_matching(mention.phrase), " ")
        rest = re.sub(r"\s+", " ", rest).strip(" ,.-!")
        rest = _BARE_LEAD.sub("", rest).strip(" ,.-")
        if _CONDITION.match(rest):
            continue
        # "after my shift I call DVLA", "I'm sending my UCAS": the step starts at "I"
        subject = re.search(r"(?:^|\s)(?:i\s+(?:m|am)|im|i)\s+(?:also\s+|then\s+|first\s+)?", rest)
        # "asking the site engineer tomorrow", "ringing my PA wednesday": the step's verb, in
        # front of any later "I" ("asking my manager if I can swap shifts")
        verb_first = lexicon.action_verbs.match(_base_form(rest, lexicon)) is not None
        if subject is not None and not verb_first and len(rest[: subject.start()].split()) <= 4:
            rest = rest[subject.end() :]
        rest = _base_form(rest, lexicon)
        rest = re.sub(r"\b(?:by|on|before|until|till|this|next|at|the)\s*$", "", rest).strip(" ,.-")
        if len(rest.split()) < 2 or lexicon.action_verbs.match(rest) is None:
            continue
        found.append(
            ActionMention(
                what=rest,
                who="You",
                text=clause,
                concrete=True,
                anaphoric=_ANAPHORIC_STEP.match(rest) is not None,
            )
        )
    return found


_ASKS: tuple[Act, ...] = ("ask_job", "ask_route", "ask_concept", "ask_process")
#: The learned reader's score at which a message with no question the rules can see is still
#: taken as one.
SURE_ASK = 0.85
#: A question (by its mark or its first words) with at least this many content words is a
#: question to answer even when neither the cues nor the learned reader say what it asks.
_UNEXPLAINED_QUESTION_WORDS = 3
#: ...and at which a correction or a rejected option is taken from the reader alone.
SURE_CHANGE = 0.85
_ASKED: tuple[Intent, ...] = ("ask_information", "ask_framework", "ask_opinion")


def _merge_acts(
    acts: ActReading,
    intents: list[Intent],
    *,
    is_question: bool,
    option_view: OptionView | None,
    names_a_job: bool,
    short: bool,
    marked: bool,
    own_dated_step: bool = False,
) -> tuple[bool, OptionView | None]:
    """Add to the rules' ``intents`` what the learned reader found and the rules missed (the
    reader generalises to words the rules were not written for; the rules stay for what they
    find and to explain it). Only intents the engine can act on without the rules' details are
    added: a question (about a named job, else answered from the knowledge base), a question
    about the adviser, agreement, a correction, a decision, "nothing more", a greeting, thanks,
    "don't know" and off-topic talk; a rejected option makes the view of it negative. A question
    counts when ``marked`` with a question mark or when the reader is sure of it. Returns the
    question flag and the option view, updated."""

    def add(intent: Intent) -> None:
        if intent not in intents:
            intents.append(intent)

    asks = max((acts.scores.get(a, 0.0) for a in _ASKS), default=0.0)
    # A question the rules missed ("wat grades do i need"): the reader alone must be sure of it,
    # since a statement read as a question derails the turn into information.
    # A dated step of the client's own without a question mark is a step, whatever words it
    # holds ("I'll look at the SRA website tonight to check what counts as...").
    if (
        acts.has(*_ASKS)
        and (marked or (asks >= SURE_ASK and not own_dated_step))
        and not any(i in intents for i in _ASKED)
    ):
        add("ask_information" if names_a_job else "ask_framework")
        is_question = True
    if acts.has("ask_adviser"):
        add("about_adviser")
    objects = acts.has("correct", "reject_option") or "disagree" in intents
    if acts.has("agree") and not objects:
        add("agree")
    # A correction or a rejection changes the record: the reader alone must be sure of it.
    if acts.scores.get("correct", 0.0) >= SURE_CHANGE and "agree" not in intents:
        add("disagree")
    if acts.scores.get("reject_option", 0.0) >= SURE_CHANGE and option_view is None:
        option_view = "negative"
    if acts.has("decision"):
        add("decide")
    if acts.has("nothing_more"):
        add("finished")
    if acts.has("greeting") and short:
        add("greeting")
    if acts.has("thanks"):
        add("thanks")
    if acts.has("unsure"):
        add("dont_know")
    if (
        acts.has("off_topic")
        and not names_a_job
        and not acts.has(*_ASKS)
        and "propose_action" not in intents  # the client's own step is never off topic
    ):
        add("off_topic")
    return is_question, option_view


def analyse_message(
    text: str,
    *,
    today: date | None = None,
    signals: SignalsFile | None = None,
    safeguarding: SafeguardingResult | None = None,
    acts: ActReading | None = None,
) -> MessageAnalysis:
    """Read one client message (see the module docstring). ``text`` should already be cleaned
    with :func:`~guidance_assistant.text.clean.clean_input`. ``safeguarding``: the result of
    the check already run on the whole message (the session runs it first, before this); when
    not given it is run here, on the whole message, before anything else is read. ``acts``: the
    learned reader's view of the message (:mod:`.acts`), merged with the rules' intents by
    :func:`_merge_acts`."""
    if safeguarding is None:
        safeguarding = detect_safeguarding(text)
    signals = signals or load_signals()
    lexicon = lexicon_for(signals)
    today = today or date.today()
    original_length = len(text)
    view, truncated = truncate(analysis_view(text), MAX_ANALYSIS_CHARS)
    norm = normalise_for_matching(view)
    if not norm:
        return MessageAnalysis(
            text=view, empty=True, original_length=original_length, safeguarding=safeguarding
        )

    tokens = words(view)
    content = [w for w in _CONTENT_WORD.findall(norm) if w not in STOP_WORDS]
    intents: list[Intent] = []

    def add(intent: Intent) -> None:
        if intent not in intents:
            intents.append(intent)

    first_words = " ".join(norm.split()[:3])
    short = len(tokens) <= 4
    is_question = _is_question(view, norm, lexicon) or any(
        _is_question(c, normalise_for_matching(c), lexicon) for c in _clauses(view)
    )

    if any(p.search(norm) for p in lexicon.injection):
        add("injection")
    if any(p.search(norm) for p in lexicon.off_topic):
        add("off_topic")
    if any(p.search(norm) for p in lexicon.about_adviser):
        add("about_adviser")
    if any_cue(lexicon.disagreement, first_words) or (
        short and any_cue(lexicon.disagreement, norm)
    ):
        add("disagree")
    if (
        any_cue(lexicon.agreement, first_words) or (short and any_cue(lexicon.agreement, norm))
    ) and ("disagree" not in intents):
        add("agree")
    if any_cue(lexicon.dont_know, norm):
        add("dont_know")
    if any_cue(lexicon.finished, norm):
        add("finished")
    if short and any_cue(lexicon.greetings, norm) and not content[1:]:
        add("greeting")
    if any_cue(lexicon.thanks, norm):
        add("thanks")
    if any_cue(lexicon.ask_opinion, norm):
        add("ask_opinion")
    if any_cue(lexicon.keep_open, norm):
        add("keep_open")
        add("decide")
    elif any(
        not _reported(norm, cue.start())
        for cue in found_cues(lexicon.decision, norm, negatable=True)
    ):
        add("decide")  # not "my husband says I should go for school business manager"

    feelings: list[FeelingKind] = [
        kind for kind, pattern in lexicon.feelings.items() if any_cue(pattern, norm, negatable=True)
    ]
    if feelings:
        add("express_feeling")

    info_kinds: list[InfoKind] = [
        kind for kind, pattern in lexicon.information.items() if any_cue(pattern, norm)
    ]
    occupations, ambiguous = find_occupations(view, signals, activities=True)
    if occupations:
        add("mention_occupation")
    framework = any_cue(lexicon.framework, norm)
    if is_question and "ask_opinion" not in intents:
        if occupations or ambiguous or (info_kinds and not framework):
            add("ask_information")
        elif framework:
            add("ask_framework")

    topics: list[TopicEvidence] = []
    criteria: list[str] = []
    dates = find_dates(view, today)
    actions: list[ActionMention] = []
    criteria_gists: dict[str, str] = {}
    for clause in _clauses(view):
        clause_norm = normalise_for_matching(clause)
        if _is_question(clause, clause_norm, lexicon):
            continue
        weights = {
            topic: len(found_cues(pattern, clause_norm))
            for topic, pattern in lexicon.topics.items()
        }
        for topic, weight in weights.items():
            if weight:
                gist = make_gist(clause, topic)
                if gist:
                    topics.append(
                        TopicEvidence(topic=topic, gist=gist, text=clause.strip(), weight=weight)
                    )
        for criterion_id, pattern in lexicon.criteria.items():
            negatable = criterion_id not in lexicon.subjects.values()
            if criterion_id not in criteria and any_cue(pattern, clause_norm, negatable=negatable):
                criteria.append(criterion_id)
        for criterion_id in criteria:
            if criterion_id not in criteria_gists:
                gist = make_gist(clause, "values")
                if gist:
                    criteria_gists[criterion_id] = gist
        if not actions:
            actions = _action(clause, clause_norm, lexicon, dates)
    action = actions[0] if actions else None
    bare_actions = [] if actions or is_question else _bare_actions(view, lexicon, dates)
    if any(t.topic == "interests" for t in topics):
        add("state_interest")
    if any(t.topic == "strengths" for t in topics):
        add("state_strength")
    if criteria:
        add("state_criteria")
    if action is not None:
        add("propose_action")
        if "off_topic" in intents and not is_question and action.who != "Adviser":
            # "I'm going to ask my art teacher if I can do my coursework on SFX faces": the
            # client's own step, not a request for homework help.
            intents.remove("off_topic")

    option_view: OptionView | None = None
    if any_cue(lexicon.view_negative, norm) or (
        found_cues(lexicon.view_positive, norm)
        and not found_cues(lexicon.view_positive, norm, negatable=True)
    ):
        option_view = "negative"
    elif any_cue(lexicon.view_positive, norm, negatable=True):
        option_view = "positive"
    elif any_cue(lexicon.view_unsure, norm):
        option_view = "unsure"

    routes: list[RouteKind] = [
        route for route, pattern in lexicon.routes.items() if any_cue(pattern, norm)
    ]
    needs: list[Need] = [
        need for need, pattern in lexicon.needs.items() if any_cue(pattern, norm, negatable=True)
    ]
    subjects = [
        subject
        for subject in lexicon.subjects
        if subject and re.search(rf"\b{re.escape(subject.lower())}\b", norm)
    ]

    if acts is not None:
        is_question, option_view = _merge_acts(
            acts,
            intents,
            is_question=is_question,
            option_view=option_view,
            names_a_job=bool(occupations or ambiguous or (info_kinds and not framework)),
            short=short,
            marked="?" in view,
            own_dated_step=bool(dates) and bool(actions or bare_actions),
        )
    if (
        is_question
        and len(content) >= _UNEXPLAINED_QUESTION_WORDS
        and not any(i in intents for i in (*_ASKED, "about_adviser", "off_topic", "injection"))
    ):
        # A question with content that no cue explains ("how long does a plumbin apprentership
        # take", "so can u do nursing with a btec or not"): still a question, answered from the
        # knowledge (or honestly declined), never taken as a statement by a stage rule.
        add("ask_information" if occupations or ambiguous else "ask_framework")

    return MessageAnalysis(
        text=view,
        safeguarding=safeguarding,
        acts=list(acts.acts) if acts is not None else [],
        truncated=truncated,
        original_length=original_length,
        word_count=len(tokens),
        content_words=len(content),
        is_question=is_question,
        intents=intents,
        info_kinds=info_kinds,
        topics=topics,
        feelings=feelings,
        criteria=criteria,
        occupations=occupations,
        ambiguous=ambiguous,
        option_view=option_view,
        routes=routes,
        dates=dates,
        action=action,
        actions=actions,
        bare_actions=bare_actions,
        refers_back=any_cue(lexicon.refers_back, norm),
        agenda_change=_AGENDA_CHANGE.search(norm) is not None,
        criteria_gists=criteria_gists,
        needs=needs,
        subject_words=subjects,
    )
