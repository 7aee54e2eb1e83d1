"""How a turn changes the session state: what the client said (:func:`absorb`) and what the
adviser's move did (:func:`apply_move`). Both are deterministic functions of their inputs.

``absorb`` records facts per exploration topic (an answer counts for the topic just asked),
the client's criteria, the options they name (with a snapshot of each record's routes and pay
band, so the policy can test options without I/O), their view of an option, discrepancies,
decisions, SMART actions (what, who, by when) and the next contact.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from guidance_assistant.errors import LMIError
from guidance_assistant.interview.message import ActionMention, MessageAnalysis, OccupationMention
from guidance_assistant.interview.model import (
    InterviewModel,
    SignalsFile,
    StageId,
    TopicId,
)
from guidance_assistant.interview.phrases import Phrasebook
from guidance_assistant.interview.policy import Move
from guidance_assistant.interview.state import (
    ActionItem,
    ClientCriterion,
    Decision,
    Discrepancy,
    DiscrepancyKind,
    Fact,
    OptionConsidered,
    OptionOrigin,
    SessionState,
    StageTransition,
)
from guidance_assistant.text.clean import (
    as_typed,
    clip_words,
    join_words,
    normalise_for_matching,
    second_person,
)
from guidance_assistant.text.dates import format_date
from guidance_assistant.text.negation import clause_before, negated_before, negated_in_list
from guidance_assistant.text.sentences import split_sentences
from guidance_assistant.text.words import match_key

_AGENDA_CUE = re.compile(
    r"\b(?P<verb>talk about|talk through|help with|help me with|think about|know about|look at|"
    r"(?:want|wanted|like|need|needed) to know(?: about)?|learn about|"
    r"find out about|find out|figure out|work out|sort out|decide|deciding|choose|choosing|"
    r"ideas? (?:for|about)|advice (?:on|about)|questions? about|here (?:for|about)|"
    r"here because)\s+(?P<agenda>[^.!?]+)",
    re.IGNORECASE,
)
_KEEP_VERB = {
    "decide": "deciding",
    "deciding": "deciding",
    "choose": "choosing",
    "choosing": "choosing",
    "figure out": "working out",
    "work out": "working out",
    "sort out": "sorting out",
    "find out": "finding out",
    "look at": "looking at",
}
_FILLERS = re.compile(
    r"^(?:(?:hi|hello|hey|hiya|hey there|hi there|good morning|good afternoon|morning|afternoon|"
    r"um+|umm+|er+|erm+|uh+|ah+|oh|hmm+|yeah|yes|yep|yup|ok|okay|so|well|like|right|basically|"
    r"honestly|i mean|i guess|you know|anyway)\b[,.!…\s-]*)+",
    re.IGNORECASE,
)
#: A self-introduction ("my name is Oliver", "I'm Aisha"): a greeting, not what the client
#: wants to cover. After "I'm" only a capitalised word ending the clause counts as a name
#: ("I'm stuck" is not one).
_INTRODUCTION = re.compile(
    r"^(?:(?i:my name is|my name's|my names|i am called|i'm called|im called|call me)\s+"
    r"[A-Za-z'’-]+|(?i:i'm|i’m|i am|im|this is)\s+[A-Z][a-z'’-]+(?=\s*(?:$|[,.!…]|(?i:and)\b)))"
    r"[,.!…\s-]*"
)
_UNSURE = re.compile(
    r"^(?:i'?m|i’m|i am)\s+(?:really\s+|just\s+|a bit\s+|quite\s+)?(?:not sure|unsure|"
    r"confused|stuck|undecided|torn)\s*(?:about\s+|on\s+)?"
    r"(?=(?:what|whether|if|which|how|where)\b|$)"
    r"|^i\s+(?:really\s+)?(?:don'?t|don’t|do not|dont)\s+know\s*(?:about\s+)?"
    r"(?=(?:what|whether|if|which|how|where)\b|$)",
    re.IGNORECASE,
)
_NONE_ANSWER = re.compile(
    r"^\s*(?:no|nope|nah|not really|nothing|none|no one|nobody|not much|not that i know of|"
    r"i dont think so|i don't think so|no one really|nobody really|nothing really)\b",
    re.IGNORECASE,
)
MAX_FACTS_PER_TOPIC = 4
#: When a client gives no date for a step, the adviser suggests one this many days ahead.
SUGGESTED_DAYS = 14


def suggested_date(state: SessionState) -> date:
    """The date the adviser proposes for an undated step: two weeks from the session."""
    return state.session_date + timedelta(days=SUGGESTED_DAYS)


def article(title: str) -> str:
    """``a nurse``, ``an electrician``, ``a British Sign Language teacher``, ``a GP``."""
    first, _, rest = title.partition(" ")
    proper = first.isupper() or first in {"British", "English", "Royal", "RAF", "NHS", "European"}
    word = first if proper else first[:1].lower() + first[1:]
    phrase = f"{word} {rest}".strip()
    vowel = phrase[:1].lower() in "aeiou" or (first.isupper() and phrase[:1] in "AEFHILMNORSX")
    return ("an " if vowel else "a ") + phrase


def agenda_phrase(text: str) -> str:
    """What the client wants to cover, from their words: "Hi, yeah I'm not sure what to do after
    year 11" → "working out what to do after Year 11" (greetings and fillers dropped); empty when
    the message names no focus (see :func:`read_agenda`)."""
    return read_agenda(text)[0]


def read_agenda(text: str) -> tuple[str, str]:
    """``(agenda, said)`` from a client's message in contracting.

    ``agenda`` is a phrase for what they want to cover: after a cue ("talk about college" →
    "college"), an unsure clause ("I don't know what job to go for" → "working out what job to
    go for") or a want ("I need to pick my GCSE options" → "picking your GCSE options", "I want
    a change of career" → "a change of career"). When the message only describes the client's
    situation ("I dropped out of college and I'm not doing anything now"), ``agenda`` is empty
    and ``said`` is that description turned to "you", for the adviser to reflect before
    proposing a focus.
    """
    from guidance_assistant.interview.reading import split_clauses

    text = strip_fillers(_INTRODUCTION.sub("", strip_fillers(text)))
    if not text:
        return "", ""
    match = _AGENDA_CUE.search(text)
    if match:
        chosen = match.group("agenda")
        verb = match.group("verb").lower()
        if verb in _KEEP_VERB:
            chosen = f"{_KEEP_VERB[verb]} {chosen}"
        chosen = (split_clauses(chosen) or [chosen])[0].rstrip("?")
        return _agenda_words(strip_fillers(chosen)), ""
    for clause in split_clauses(text):
        clause = strip_fillers(clause.rstrip("?"))
        unsure = _UNSURE.match(clause)
        if unsure:
            rest = clause[unsure.end() :].strip()
            rest = re.sub(r"^if\b", "whether", rest, flags=re.IGNORECASE)
            return (_agenda_words(f"working out {rest}") if rest else ""), ""
        turned = second_person(clause)
        wanted = _WANT_TO.match(turned)
        if wanted:
            return _agenda_words(f"{_ing(wanted.group('verb'))}{wanted.group('rest')}"), ""
        wanted = _WANT_THING.match(turned)
        if wanted:
            return _agenda_words(wanted.group("thing")), ""
    if text.rstrip().endswith("?"):
        return "", ""  # a question is answered, not taken as the session's focus
    said = _agenda_words(text, limit=20)
    first, _, rest = said.partition(" ")
    if first.lower() in _YOU_WORDS:
        said = f"{first.lower()} {rest}".strip()
    return "", said


_YOU_WORDS = frozenset(("you", "your", "you're", "you've", "you'd", "you'll"))


#: "you need to pick ...", "you'd like to change ...": a want, turned into "picking ...".
_WANT_TO = re.compile(
    r"^you(?:\s+(?:really\s+|just\s+|also\s+)?(?:need|want|have|hope|got)|'ve\s+got|"
    r"(?:'d|\s+would)\s+(?:really\s+)?like)\s+to\s+(?P<verb>[a-z]+)\b(?P<rest>.*)$",
    re.IGNORECASE,
)
#: "you want a change of career": the thing wanted ("you like art" is an interest, not this).
_WANT_THING = re.compile(
    r"^you(?:\s+(?:really\s+)?(?:need|want|are\s+looking\s+for)|'re\s+looking\s+for|"
    r"(?:'d|\s+would)\s+like)\s+(?P<thing>(?:a|an|some|more|help|advice|information|ideas?)\b.*)$",
    re.IGNORECASE,
)
_ING_DOUBLED = frozenset(
    ("get", "put", "stop", "plan", "run", "sit", "set", "swap", "drop", "quit", "shop", "chat")
)


def _ing(verb: str) -> str:
    """``pick`` → ``picking``, ``choose`` → ``choosing``, ``get`` → ``getting``."""
    word = verb.lower()
    if word in _ING_DOUBLED:
        return word + word[-1] + "ing"
    if word.endswith("ie"):
        return word[:-2] + "ying"
    if word.endswith("e") and not word.endswith(("ee", "ye", "oe")) and len(word) > 2:
        return word[:-1] + "ing"
    return word + "ing"


def _agenda_words(text: str, *, limit: int = 14) -> str:
    text = re.sub(r"\byear\s+(\d{1,2})\b", r"Year \1", text, flags=re.IGNORECASE)
    return second_person(clip_words(text.strip(" ,;:-"), limit)).rstrip(".!?…")


def strip_fillers(text: str) -> str:
    """``text`` without leading greetings and fillers ("Hi, yeah, um, so ...")."""
    return _FILLERS.sub("", text.strip()).strip(" ,;:-")


def options_named(state: SessionState, text: str) -> list[str]:
    """Options in ``state`` whose title the text mostly names ("games developer" for
    "Computer games developer"), best first."""
    words = set(re.findall(r"[a-z]+", text.lower()))
    words |= {w[:-1] for w in words if w.endswith("s")}
    scored: list[tuple[float, str]] = []
    for option in state.options:
        title_words = [w for w in re.findall(r"[a-z]+", option.title.lower()) if len(w) > 2]
        if not title_words:
            continue
        share = sum(1 for w in title_words if w in words or w.rstrip("s") in words) / len(
            title_words
        )
        if share >= 0.6:
            scored.append((share, option.occupation_id))
    return [occupation_id for _, occupation_id in sorted(scored, key=lambda item: -item[0])]


def make_option(occupation_id: str, origin: OptionOrigin, turn: int) -> OptionConsidered | None:
    """An option with a snapshot of the record's routes, degree requirement, pay band, subjects."""
    from guidance_assistant import lmi
    from guidance_assistant.interview import grounding

    try:
        record = lmi.get(occupation_id)
    except LMIError:
        return None
    return OptionConsidered(
        occupation_id=record.id,
        title=record.title,
        origin=origin,
        route_types=grounding.route_types(record),
        degree_only=grounding.is_degree_only(record),
        pay_band=grounding.pay_band(record),
        required_subjects=grounding.required_subjects(record),
        turn=turn,
    )


def _add_fact(state: SessionState, topic: TopicId, gist: str, text: str, turn: int) -> None:
    facts = state.facts.setdefault(topic, [])
    if any(fact.text == text and fact.gist == gist for fact in facts):
        return
    if len(facts) < MAX_FACTS_PER_TOPIC:
        facts.append(Fact(topic=topic, gist=gist, text=text, turn=turn))


def _absorb_topics(
    state: SessionState, analysis: MessageAnalysis, interview: InterviewModel
) -> None:
    turn = state.client_turns
    asked = state.last_question_topic
    by_clause: dict[str, list[tuple[TopicId, str, int]]] = {}
    step_clauses = {m.text.strip() for m in analysis.actions if m.concrete}
    for evidence in analysis.topics:
        if evidence.text in step_clauses and state.options:
            continue  # a step the client proposes, not something about them
        by_clause.setdefault(evidence.text, []).append(
            (evidence.topic, evidence.gist, evidence.weight)
        )
    for clause, entries in by_clause.items():
        # A clause counts for the topic just asked about when it speaks to it at all;
        # otherwise for its strongest topics.
        if any(entry[0] == asked for entry in entries):
            entries = [entry for entry in entries if entry[0] == asked]
        else:
            best = max(entry[2] for entry in entries)
            entries = [entry for entry in entries if entry[2] == best]
        for topic, gist, _ in entries:
            _add_fact(state, topic, gist, clause, turn)
    if analysis.own_occupations and not analysis.topics and not analysis.is_question:
        from guidance_assistant.interview.reading import make_gist

        # "I want to make video games": an idea that says what they enjoy.
        gist = make_gist(analysis.text.strip(), "interests")
        if gist:
            _add_fact(state, "interests", gist, analysis.text.strip(), turn)
        return
    if analysis.topics or asked is None or analysis.is_question or analysis.distress is not None:
        return
    if state.stage != "exploration" or state.last_move not in (
        "open_question",
        "reflection",
        "affirmation",
    ):
        return
    spec = next((t for t in interview.stage("exploration").topics if t.id == asked), None)
    if spec is None:
        return
    text = analysis.text.strip()
    if spec.none_is_an_answer and _NONE_ANSWER.match(text) and analysis.content_words <= 3:
        _add_fact(state, asked, "", "", turn)  # "nothing in particular": known, with no gist
        state.facts[asked][-1] = state.facts[asked][-1].model_copy(update={"text": text})
        return
    if analysis.content_words >= 2 and not analysis.has("dont_know", "agree", "greeting"):
        from guidance_assistant.interview.reading import make_gist

        gist = make_gist(text, asked)
        if gist:
            _add_fact(state, asked, gist, text, turn)


def _absorb_criteria(state: SessionState, analysis: MessageAnalysis, signals: SignalsFile) -> None:
    known = set(state.criterion_ids())
    for criterion_id in analysis.criteria:
        if criterion_id in known:
            continue
        signal = signals.criterion(criterion_id)
        if signal is None:
            continue
        state.criteria.append(
            ClientCriterion(
                id=criterion_id,
                label=signal.label,
                text=clip_words(analysis.text, 30),
                turn=state.client_turns,
                gist=analysis.criteria_gists.get(criterion_id),
            )
        )
        known.add(criterion_id)


def _absorb_options(state: SessionState, analysis: MessageAnalysis) -> None:
    if state.stage == "close" and not analysis.has("ask_information"):
        return
    turn = state.client_turns
    for mention in analysis.occupations:
        if not mention.own_idea and not mention.suggested_by_others:
            continue
        origin: OptionOrigin = "client" if mention.own_idea else "others"
        existing = state.option(mention.occupation_id)
        if existing is None:
            option = make_option(mention.occupation_id, origin, turn)
            if option is None:
                continue
            state.options.append(option)
        elif origin == "client" and existing.origin != "client":
            index = state.options.index(existing)
            state.options[index] = existing.model_copy(update={"origin": "client"})
        if mention.own_idea:
            state.focus_option = mention.occupation_id


#: A message that turns down the suggestion it reports ("My drama teacher says I should be an
#: actor. No way", "my coach says be a PE teacher. I don't want to teach PE").
_TURNS_DOWN = re.compile(
    r"\b(no way|nah|not for me|not my thing|no chance|not happening|i dont want|i do not want|"
    r"i wont|im not (doing|going to|gonna|being)|not doing|thats (his|her|their|\w+s) thing|"
    r"not interested|hate|rather not)\b"
)


def _absorb_rejections(state: SessionState, analysis: MessageAnalysis) -> None:
    """Any stage: a job the message names only to turn it down ("I don't want to be a vet"), or
    someone else's suggestion the client turns down in the same message, is recorded as not
    wanted, so it never stays in the plan as an option."""
    norm = normalise_for_matching(analysis.text)
    turned_down = bool(_TURNS_DOWN.search(norm)) or analysis.option_view == "negative"
    named = {mention.occupation_id for mention in analysis.occupations}
    # An option turned down by its field's word, which names no job by itself ("not
    # photography now either"): as if the job had been named.
    fields = [
        OccupationMention(occupation_id=o.occupation_id, title=o.title, phrase=o.title, score=100.0)
        for o in state.options
        if o.occupation_id not in named
        and o.client_view != "negative"
        and _named_by_its_field(analysis.text.lower(), o.title) is not None
    ]
    for mention in [*analysis.occupations, *fields]:
        option = state.option(mention.occupation_id)
        if option is None or option.client_view == "negative":
            continue
        denied = _denied(analysis, option)
        if not denied and not (not mention.own_idea and turned_down):
            continue  # someone else's job or suggestion, turned down: "Mum's a nurse... no"
        if mention.own_idea and not denied:
            continue
        index = state.options.index(option)
        state.options[index] = option.model_copy(
            update={"client_view": "negative", "view_text": clip_words(analysis.text, 30)}
        )
        if state.focus_option == option.occupation_id:
            state.focus_option = None
        # A decision for a job the client now turns down is withdrawn ("maybe plumbing" ...
        # "I'm not doing retail, plumbing or the army").
        state.decisions = [d for d in state.decisions if d.occupation_id != option.occupation_id]


def _absorb_view(state: SessionState, analysis: MessageAnalysis) -> None:
    if state.stage not in ("options_and_challenge", "decision_and_action_planning"):
        return
    view = analysis.option_view
    if (
        view is None
        and analysis.has("agree")
        and state.last_move in ("information", "open_question")
        and state.last_variant in ("occupation", "option_view")
    ):
        view = "positive"
    if (
        view is None
        and analysis.has("agree")
        and not analysis.has("disagree")
        and state.last_move == "challenge"
        and state.last_variant == "study_route"
    ):
        view = "positive"  # "yes" to "the apprenticeship route may fit what you said"
    if view is None:
        return
    mentioned = [m.occupation_id for m in analysis.own_occupations if state.option(m.occupation_id)]
    target_id = mentioned[0] if mentioned else state.focus_option
    if target_id is None:
        return
    option = state.option(target_id)
    if option is None:
        return
    index = state.options.index(option)
    state.options[index] = option.model_copy(
        update={"client_view": view, "view_text": clip_words(analysis.text, 30)}
    )


def refresh_discrepancies(state: SessionState, signals: SignalsFile) -> None:
    """Add any new gap between a client criterion and a considered option."""
    criteria = set(state.criterion_ids())
    existing = {(d.kind, d.occupation_id, d.criterion_id) for d in state.discrepancies}
    subjects = {c.id: (c.subject or "").lower() for c in signals.criteria if c.subject is not None}
    for option in state.options:
        if option.client_view == "negative" or option.origin == "widening":
            continue
        found: list[tuple[DiscrepancyKind, str]] = []
        if "avoid_study" in criteria and option.degree_only:
            found.append(("avoid_study", "avoid_study"))
        elif (
            "avoid_study" in criteria
            and "university" in option.route_types
            and {"apprenticeship", "college"} & set(option.route_types)
        ):
            # Not degree-only, but the degree route means exams: name it beside the others.
            found.append(("study_route", "avoid_study"))
        elif "earn_soon" in criteria and option.degree_only:
            found.append(("earn_soon", "earn_soon"))
        if "high_pay" in criteria and option.pay_band == "lower":
            found.append(("high_pay", "high_pay"))
        for criterion_id, subject in subjects.items():
            if criterion_id in criteria and any(subject in s for s in option.required_subjects):
                found.append(("dislike_subject", criterion_id))
        for kind, criterion_id in found:
            key = (kind, option.occupation_id, criterion_id)
            if key not in existing:
                state.discrepancies.append(
                    Discrepancy(
                        kind=kind,
                        occupation_id=option.occupation_id,
                        criterion_id=criterion_id,
                    )
                )
                existing.add(key)


_WAY_START = re.compile(r"^(?:ok(?:ay)?|right|alright|yeah|yes|ye|so|then)\b")
_THEN_END = re.compile(r"\bthen\W*$")
_TENTATIVE = re.compile(
    r"\b(?:thinking (?:about|of)|thought about|wondering|maybe|might|not sure|dunno|"
    r"don'?t know|or something|could be)\b"
)
_WAY_LEAD = re.compile(
    r"^(?:(?:ok(?:ay)?|right|alright|yeah|yes|ye|so|well|then|nah|no|decision|my decision)"
    r"\b[\s,.:;!-]*)*(?:i\s+think\b[\s:,]*)?"
    # "I will practise the bus...": "you've decided to practise the bus...", not "to you will"
    r"(?:(?:i\s+will|i'?ll|i\s+am\s+going\s+to|i'?m\s+going\s+to|i'?m\s+gonna|gonna|"
    r"i\s+want\s+to|i'?d\s+like\s+to)\s+)?",
    re.IGNORECASE,
)


def states_way_forward(analysis: MessageAnalysis) -> bool:
    """Whether the message says which way the client will go: a decision read as such, or a
    route, course, subject or job said as a conclusion ("ok so the T Level at college",
    "art a level then", "right, sixth form college then")."""
    if analysis.has("decide"):
        return True
    if analysis.is_question or analysis.has("disagree", "dont_know"):
        return False
    norm = normalise_for_matching(analysis.text)
    if _TENTATIVE.search(" ".join(norm.split()[:8])):
        return False  # "yes, I was thinking about being a game designer": an idea, not a choice
    if _THEN_END.search(norm) is not None:
        return bool(analysis.routes or analysis.own_occupations or analysis.subject_words)
    # "ok so adult nursing at uni": a route or a course said as a conclusion (a job alone after
    # "yes" is an answer to the adviser's question, not a decision).
    return bool(analysis.routes or analysis.subject_words) and (
        analysis.has("agree") or _WAY_START.match(norm) is not None
    )


def _own_words_decision(analysis: MessageAnalysis) -> str:
    """The decision in the client's words, said back to them ("the T Level at Northgate")."""
    for sentence in split_sentences(analysis.text):
        if sentence.rstrip().endswith("?"):
            continue
        words = _WAY_LEAD.sub("", sentence.strip()).strip(" ,.;:!-")
        if len(words.split()) >= 2:  # not a bare "Ok." before the decision itself
            return second_person(clip_words(words, 24))
    return second_person(clip_words(analysis.text.strip(), 24))


def _denied(analysis: MessageAnalysis, option: OptionConsidered) -> bool:
    """Whether the message names ``option`` only to deny it ("I don't want to be a PE
    teacher", "not dentist")."""
    lowered = analysis.text.lower()
    phrases = [
        m.phrase.lower() for m in analysis.occupations if m.occupation_id == option.occupation_id
    ]
    phrases.append(option.title.lower())
    for phrase in phrases:
        start = lowered.find(phrase)
        if start >= 0:
            before = clause_before(lowered, start)
            return negated_before(before, words=6, between="none") or negated_in_list(
                lowered, start
            )
    field = _named_by_its_field(lowered, option.title)
    if field is not None:
        before = clause_before(lowered, field)
        return negated_before(before, words=6, between="none") or negated_in_list(lowered, field)
    return False


def _named_by_its_field(lowered: str, title: str) -> int | None:
    """Where ``lowered`` names a one-word job by its field ("not photography now either" for
    Photographer: the same word key), else ``None``."""
    words = title.lower().split()
    if len(words) != 1:
        return None
    key = match_key(words[0])
    return next(
        (m.start() for m in re.finditer(r"[a-z]{5,}", lowered) if match_key(m.group()) == key),
        None,
    )


#: A message that opens with a question's words asks, whatever follows it.
_ASKING_START = re.compile(
    r"^(?:so\s+|and\s+|but\s+|ok\s+)?(?:what|whats|wat|wats|wot|how|hows|why|when|where|which|"
    r"who|is it|is there|are there|can i|can you|could i|do i|do you|does it|will i|would i)\b"
)


def _absorb_decision(
    state: SessionState,
    analysis: MessageAnalysis,
    phrases: Phrasebook,
    interview: InterviewModel,
) -> None:
    if state.stage not in ("exploration", "decision_and_action_planning", "options_and_challenge"):
        return
    if analysis.is_question and (
        analysis.text.rstrip().endswith("?")
        or _ASKING_START.match(normalise_for_matching(analysis.text)) is not None
    ):
        # "how long?" and "what's an HNC. the engineer said do an HNC" are asked, not decided
        # (whatever else the message reads as)
        return
    in_decision = state.stage == "decision_and_action_planning"
    late = state.client_turns >= interview.practice.decision_from_turn
    way_forward = states_way_forward(analysis) and (late or in_decision)
    if state.stage == "exploration" and not way_forward:
        return  # earlier, "I want to be a vet" is an idea to explore, not a decision
    if analysis.action is not None and (
        analysis.action.anaphoric or not way_forward or (state.decisions and analysis.dates)
    ):
        return  # a step (or a date for steps already said), not a decision
    turn = state.client_turns
    route = analysis.routes[0] if analysis.routes else None
    liked = [o for o in state.options if o.client_view != "negative"]
    chosen: str | None = None
    mentioned = [m.occupation_id for m in analysis.own_occupations if state.option(m.occupation_id)]
    if not mentioned:
        mentioned = options_named(state, analysis.text)
    # Never an option the client turned down, here ("Not dentist, sorry mum") or before.
    mentioned = [
        occupation_id
        for occupation_id in mentioned
        if (option := state.option(occupation_id)) is not None
        and option.client_view != "negative"
        and not _denied(analysis, option)
    ]
    limit = interview.stage("decision_and_action_planning").max_client_turns
    undecided = (
        in_decision
        and not mentioned
        and (
            (analysis.has("dont_know") and state.last_variant in ("decision", "dont_know"))
            or (not state.decisions and state.stage_client_turns + 1 >= limit)
        )
    )
    if analysis.has("keep_open") or undecided:
        chosen_titles = liked or state.options
        titles = [article(o.title) for o in chosen_titles][:3]
        if titles:
            text = phrases.render(
                "decision.keep_open",
                seed=state.seed,
                turn=turn,
                plain=False,
                options=join_words(titles),
            )
        else:
            text = phrases.render(
                "decision.keep_open_general", seed=state.seed, turn=turn, plain=False
            )
        state.decisions.append(Decision(text=text, turn=turn))
        return
    if mentioned and (in_decision or analysis.has("decide") or way_forward):
        chosen = mentioned[0]
    elif analysis.has("decide") and state.focus_option:
        chosen = state.focus_option
    elif in_decision and state.last_variant == "decision":
        positive = [o for o in state.options if o.client_view == "positive"]
        if (analysis.has("agree") or route) and len(positive) == 1:
            chosen = positive[0].occupation_id
        elif route and state.focus_option:
            chosen = state.focus_option
    picked = state.option(chosen) if chosen is not None else None
    if picked is not None and (
        picked.client_view == "negative" or _denied(analysis, picked) or picked.origin == "others"
    ):
        chosen = None  # never a job the client turned down, nor someone else's
    if chosen is None or state.option(chosen) is None:
        if way_forward and not (state.decisions and state.decisions[-1].turn == turn):
            # A way forward that is not one of the jobs looked at (a course, a route, a
            # subject): recorded in the client's own words.
            text = phrases.render(
                "decision.own_words",
                seed=state.seed,
                turn=turn,
                plain=False,
                words=_own_words_decision(analysis),
            )
            state.decisions.append(Decision(text=text, route=route, turn=turn))
        return
    option = state.option(chosen)
    assert option is not None
    if route is not None and route in option.route_types:
        text = phrases.render(
            "decision.option_route",
            seed=state.seed,
            turn=turn,
            plain=False,
            option=article(option.title),
            route=route,
        )
    else:
        route = None
        text = phrases.render(
            "decision.option", seed=state.seed, turn=turn, plain=False, option=article(option.title)
        )
    if (
        state.decisions
        and state.decisions[-1].occupation_id == chosen
        and state.decisions[-1].route == route
    ):
        return
    state.decisions.append(Decision(text=text, occupation_id=chosen, route=route, turn=turn))
    state.focus_option = chosen


def _date_undated(state: SessionState, when: date, turn: int) -> bool:
    """Give every undated step ``when`` ("I'll do it by Friday"); whether there were any."""
    dated = False
    for action in state.actions:
        if action.when is None:
            action.when = when
            action.turn = turn
            dated = True
    return dated


def _add_steps(
    state: SessionState,
    analysis: MessageAnalysis,
    when: date | None,
    limit: int,
    mentions: list[ActionMention] | None = None,
) -> int:
    """Record each step the client named (what, who, when); how many were new."""
    added = 0
    for mention in analysis.actions if mentions is None else mentions:
        # ``mention.what`` comes from the matching view; the step keeps the client's letters.
        what = second_person(as_typed(mention.what, mention.text))
        if len(state.actions) >= limit or any(a.what == what for a in state.actions):
            continue
        state.actions.append(
            ActionItem(
                what=what,
                who=mention.who,
                when=when,
                turn=state.client_turns,
                source_text=clip_words(analysis.text, 40),
            )
        )
        added += 1
    return added


def _absorb_early_steps(state: SessionState, analysis: MessageAnalysis, limit: int) -> None:
    """Steps a client proposes before the planning stage ("I could look at apprenticeships and
    talk to my mum"), once there are options to act on: recorded, and dated later."""
    if analysis.is_question:
        return
    when = analysis.dates[0].when if analysis.dates else None
    if (
        when is not None
        and state.undated_action() is not None
        and (analysis.action is None or analysis.action.anaphoric)
    ):
        _date_undated(state, when, state.client_turns)
        return
    if (
        not analysis.actions
        and analysis.bare_actions
        and when is not None
        and state.stage == "options_and_challenge"
        and (state.options or state.decisions)
        and all(m.concrete and not m.anaphoric for m in analysis.bare_actions)
    ):
        # "I'm ringing my old firm on Monday to ask about vacancies": a dated step said
        # without "I'll", once there are options to act on.
        _add_steps(state, analysis, when, limit, analysis.bare_actions)
        return
    if not analysis.actions or (analysis.has("decide") and not state.decisions):
        return  # "I want to go for graphic designer" is a decision for the next stage
    if not (state.options or state.decisions or when is not None):
        return  # steps need something to act on: an option, a decision or a date
    if not all(m.concrete and not m.anaphoric for m in analysis.actions):
        return
    _add_steps(state, analysis, when, limit)


def _absorb_actions(
    state: SessionState, analysis: MessageAnalysis, interview: InterviewModel
) -> None:
    limit = interview.stage("decision_and_action_planning").max_actions
    if state.stage in ("exploration", "options_and_challenge"):
        _absorb_early_steps(state, analysis, limit)
        return
    if state.stage != "decision_and_action_planning":
        return
    if state.decisions and state.decisions[-1].turn == state.client_turns and not analysis.dates:
        return  # the message stated a decision, not a step
    turn = state.client_turns
    when = analysis.dates[0].when if analysis.dates else None
    undated = state.undated_action()
    if analysis.action is not None and analysis.action.anaphoric:
        if when is not None and undated is not None:
            _date_undated(state, when, turn)
            return
    elif analysis.action is not None and len(state.actions) < limit and not analysis.is_question:
        if (
            undated is not None
            and when is not None
            and analysis.action.what in normalise_for_matching(undated.what)
        ):
            undated.when = when
            undated.turn = turn
            return
        if _add_steps(state, analysis, when, limit):
            return
    elif (
        analysis.action is None
        and analysis.bare_actions
        and not analysis.is_question
        and len(state.actions) < limit
        and undated is None
        and not analysis.has("disagree", "finished")
        # Asked for a step, the client names one without "I'll": "ring grandad. tonight".
        and _add_steps(state, analysis, when, limit, analysis.bare_actions)
    ):
        return
    if when is not None and undated is not None:
        undated.when = when
        undated.turn = turn
        return
    if undated is not None and state.last_variant == "action_date_offer" and analysis.has("agree"):
        undated.when = suggested_date(state)
        undated.turn = turn
        return
    if (
        state.suggested_action
        and state.last_variant in ("suggest", "invite")
        and (
            analysis.has("agree")
            or (analysis.action is not None and analysis.action.anaphoric)
            or (when is not None and analysis.content_words <= 4)
        )
        and len(state.actions) < limit
    ):
        if when is None and state.last_variant == "suggest":
            when = suggested_date(state)  # the suggestion named this date; the client agreed
        state.actions.append(
            ActionItem(
                what=state.suggested_action,
                who="You",
                when=when,
                turn=turn,
                source_text=clip_words(analysis.text, 40),
            )
        )
        state.suggested_action = None


def _absorb_next_contact(state: SessionState, analysis: MessageAnalysis) -> None:
    if state.stage != "close" or "close" not in state.summaries or state.next_contact_agreed:
        return
    if analysis.dates:
        state.next_contact = f"on or around {format_date(analysis.dates[0].when)}"
        state.next_contact_agreed = True
    elif analysis.has("disagree", "finished") and not analysis.has("agree"):
        state.next_contact = None
        state.next_contact_agreed = True
    elif analysis.content_words >= 1 or analysis.has("agree"):
        text = analysis.text.strip().rstrip(".!")
        text = re.sub(
            r"^(?:yes|yeah|yep|ok|okay|sure)\b[,\s]*(?:please)?[,\s]*", "", text, flags=re.I
        )
        state.next_contact = (
            clip_words(second_person(text), 12) if text else "when it suits you both"
        )
        state.next_contact_agreed = True


def _absorb_agenda(state: SessionState, analysis: MessageAnalysis, phrases: Phrasebook) -> None:
    if state.stage != "contracting" or state.agenda_agreed:
        return
    if analysis.has("agree", "dont_know", "greeting", "thanks") and analysis.content_words < 4:
        return
    if analysis.content_words < 2 and not analysis.is_question:
        return
    phrase, said = read_agenda(analysis.text)
    if not phrase and said:
        # The client described their situation: the focus is what they could do next (the
        # adviser reflects their words when checking it).
        phrase = phrases.render("agenda.situation", seed=state.seed, turn=0, plain=False)
    if phrase and phrase not in state.agenda:
        if analysis.has("disagree"):
            state.agenda = [phrase]
        else:
            state.agenda.append(phrase)
        state.agenda_turn = state.client_turns


def absorb(
    state: SessionState,
    analysis: MessageAnalysis,
    *,
    interview: InterviewModel,
    signals: SignalsFile,
    phrases: Phrasebook,
) -> None:
    """Record what the client's message says (``state`` is changed in place)."""
    if analysis.empty or analysis.has("off_topic", "injection", "about_adviser"):
        return
    if analysis.safeguarding is not None and analysis.safeguarding.flagged:
        return
    if state.active_flag is not None:
        return
    _absorb_agenda(state, analysis, phrases)
    if state.stage == "exploration":
        _absorb_topics(state, analysis, interview)
    if state.stage != "close":
        _absorb_criteria(state, analysis, signals)
    _absorb_options(state, analysis)
    _absorb_rejections(state, analysis)
    _absorb_view(state, analysis)
    refresh_discrepancies(state, signals)
    _absorb_decision(state, analysis, phrases, interview)
    _absorb_actions(state, analysis, interview)
    _absorb_next_contact(state, analysis)


def enter_stage(state: SessionState, stage: StageId, reason: str, phrases: Phrasebook) -> None:
    """Move the interview to ``stage`` and record the transition."""
    if stage == state.stage:
        return
    state.transitions.append(
        StageTransition(
            from_stage=state.stage, to_stage=stage, turn=state.client_turns, reason=reason
        )
    )
    if state.stage == "contracting":
        state.agenda_agreed = True
        if not state.agenda:
            state.agenda.append(
                phrases.render(
                    "agenda.default", seed=state.seed, turn=state.client_turns, plain=False
                )
            )
    state.stage = stage
    state.pending_transition = None
    state.pending_reason = None
    state.stage_client_turns = 0
    state.last_question_topic = None


def apply_move(
    state: SessionState,
    move: Move,
    *,
    phrases: Phrasebook,
    widened: list[OptionConsidered] | None = None,
    suggested_action: str | None = None,
) -> None:
    """Record what the adviser's move did (topics asked, options presented, discrepancy named...)."""
    if move.enter_stage is not None and move.enter_stage != state.stage:
        enter_stage(state, move.enter_stage, move.transition_reason or "exit criteria met", phrases)
    turn = state.client_turns
    kind, variant = move.kind, move.variant
    if kind == "contracting" and variant == "opening":
        for item in ("purpose", "time", "confidentiality"):
            if item not in state.contract_items:
                state.contract_items.append(item)
    if move.propose_stage is not None:
        state.pending_transition = move.propose_stage
        state.pending_reason = move.reason if move.kind == "summary" else None
    asked: TopicId | None = None
    if kind == "open_question" and move.topic is not None and variant in ("topic", "alternative"):
        asked = move.topic
    elif move.bridge in (
        "interests",
        "strengths",
        "values",
        "circumstances",
        "influences",
        "barriers",
    ):
        asked = move.bridge  # type: ignore[assignment]
    if asked is not None:
        state.asked[asked] = state.asked.get(asked, 0) + 1
        state.last_question_topic = asked
    if kind == "open_question" and variant == "ideas":
        state.asked_for_ideas = True
    if kind == "information" and variant == "occupation":
        for occupation_id in move.occupation_ids:
            option = state.option(occupation_id)
            if option is None and state.stage in (
                "options_and_challenge",
                "decision_and_action_planning",
            ):
                option = make_option(occupation_id, "client", turn)
                if option is not None:
                    state.options.append(option)
            if option is not None:
                index = state.options.index(option)
                state.options[index] = option.model_copy(update={"presented": True})
                state.focus_option = occupation_id
    if kind == "information" and variant == "widening":
        state.widened = True
        for option in widened or []:
            if state.option(option.occupation_id) is None:
                state.options.append(option.model_copy(update={"presented": True}))
    if kind == "challenge" and move.discrepancy is not None:
        for index, discrepancy in enumerate(state.discrepancies):
            if (
                discrepancy.kind == move.discrepancy.kind
                and discrepancy.occupation_id == move.discrepancy.occupation_id
                and discrepancy.criterion_id == move.discrepancy.criterion_id
            ):
                state.discrepancies[index] = discrepancy.model_copy(
                    update={"named": True, "turn_named": turn}
                )
    if suggested_action:
        state.suggested_action = suggested_action
    if kind == "summary" and state.stage not in state.summaries:
        state.summaries.append(state.stage)
    if kind == "affirmation" and variant == "goodbye":
        state.plan_offered = True
        state.ended = True
    same = (kind, variant) == (state.last_move, state.last_variant)
    state.repeats = state.repeats + 1 if same else 0
    state.last_move = kind
    state.last_variant = variant
    state.last_info = list(move.info_kinds)
