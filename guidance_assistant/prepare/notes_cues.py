"""The notes reader's sentences and cue words (what each kind of note sounds like)."""

from __future__ import annotations

import re

from guidance_assistant.interview.model import NEEDS, SignalsFile
from guidance_assistant.prepare.notes_model import (
    NOTE_NEEDS,
    NoteNeed,
    RouteName,
)
from guidance_assistant.text.clean import normalise_for_matching
from guidance_assistant.text.negation import NOTE_NEGATORS, STRONG_NEGATORS, negated_before
from guidance_assistant.text.sentences import split_sentences

# ------------------------------------------------------------------------------ sentences

_FIELD_LINE = re.compile(r"^\s*[A-Za-z][A-Za-z /&()-]{0,30}:\s")
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s+")


def _sentences(text: str) -> list[str]:
    """Sentences of the notes: blank lines, bullets, "Field:" lines and [.!?;] end one; a line
    wrapped in the middle of a sentence is joined to the next."""
    lines = text.split("\n")
    blocks: list[str] = []
    current: list[str] = []
    for line in lines:
        stripped = line.strip()
        starts_new = not stripped or _BULLET.match(line) or _FIELD_LINE.match(line)
        if starts_new and current:
            blocks.append(" ".join(current))
            current = []
        if stripped:
            current.append(_BULLET.sub("", stripped))
            if _FIELD_LINE.match(line):
                blocks.append(" ".join(current))
                current = []
    if current:
        blocks.append(" ".join(current))
    result: list[str] = []
    for block in blocks:
        for part in split_sentences(" ".join(block.split()), clauses=True):
            part = part.strip(" .;!?")
            if part:
                result.append(part)
    return result


_CLAUSE_SPLIT = re.compile(
    r"\s*,\s*|\s*;\s*|\s+(?:but|although|though|because|whereas|while|so|yet|however)\s+"
    r"|\s+[-–—]\s+",
    re.IGNORECASE,
)


def _clauses(sentence: str) -> list[str]:
    return [part.strip(" ,;") for part in _CLAUSE_SPLIT.split(sentence) if part.strip(" ,;")]


# ------------------------------------------------------------------------------- cue words

_I = re.IGNORECASE
#: Cue words, each list with its "Field:" pattern first (a "Strengths: ..." line is one item).
_IDEA_CUES = [
    re.compile(p, _I)
    for p in (
        r"^(?:ideas?|career ideas?|aspirations?|ambitions?|goals?|plans?|wants?|looking at|"
        r"considering|options?)\s*:\s*",
        r"\b(?:has |also )?(?:talked|talks|spoke|asked) about\s(?=\w+(?:\s\w+)?\s(?:as a career|"
        r"as a job|courses?|apprenticeships?|jobs?|roles?|careers?))",
        r"\b(?:mentioned|said|says|also said)\s(?=(?:an?\s)?[a-z]+(?:\s[a-z]+)?\s[\"“'(]?maybe\b)",
        r"\b(?:is |was |has been |been |also )?(?:thinking|thought) (?:about|of)"
        r"(?: (?:doing|becoming|being|going into|getting into|a career in|studying|training as|"
        r"working in|working as|working with))?\s",
        r"\b(?:is |was |also )?considering\s",
        r"\b(?:is |was |seems |very |really |quite |more |most |also )?interested in\s",
        r"\b(?:is |was |very |really )?keen (?:on|to (?:be|become|do|study|work (?:in|with|as)|"
        r"go into|get into|train as|try))\s",
        r"\b(?:wants?|wanted|wanting|would like|'d like|hopes?|hoping|plans?|planning|aims?|"
        r"aiming|intends?|aspires?|has always wanted) to (?:be an?|be|become an?|become|do|"
        r"study|work (?:in|on|with|for|as an?|as)|go into|get into|train (?:as an?|as|in|to be an?|to be)|"
        r"retrain (?:as an?|as|in)|pursue|follow|move into|try|have a career in|start|join|"
        r"get a job (?:in|as an?|as|with))\s",
        r"\b(?:dreams? of|set on|aiming for|aspirations? (?:is|are|of)|ambitions? (?:is|are|to be)|"
        r"has (?:an? )?(?:idea|ideas) (?:of|about)|career ideas?(?: (?:are|include|:))?|"
        r"looking (?:at|into)|looked (?:at|into)|exploring|researching|curious about|fancies)\s",
        r"\b(?:has |holds |got )?(?:an? )?(?:firm |conditional |unconditional )?offers? "
        r"(?:to study|to do|for)\s",
        r"\b(?:applied|applying|apply) (?:to study|to do|for)\s",
    )
]
_INTEREST_CUES = [
    re.compile(p, _I)
    for p in (
        r"^(?:hobbies|likes|enjoys|interests?|into|out of school|outside school|spare time)\s*:\s*",
        r"\bwhat (?:he|she|they)(?:'s| is| are|'re) into\s*:\s*",
        r"\b(?:plays|played|volunteers (?:at|with|for|in)|volunteering (?:at|with)|coaches|trains at|"
        r"does|goes to|collects|makes|builds|fan of|huge fan of|obsessed with|loves watching|"
        r"loves playing|likes playing|helps out at|member of)\s",
        r"\b(?:likes|loves|enjoys|adores|liked|loved|enjoyed|is into|really into|into|"
        r"passionate about|fascinated by|spends (?:his|her|their|most of (?:his|her|their)) "
        r"(?:free |spare )?time(?: on)?)\s",
    )
]
_STRENGTH_CUES = [
    re.compile(p, _I)
    for p in (
        r"^(?:strengths?|skills?|good at|strong at|strong in)\s*:\s*",
        r"\btop of (?:his|her|their|the) (?:class|year|set) in\s",
        r"\b(?:has a (?:real )?(?:talent|gift|flair) for|natural (?:at|with)|a natural)\s",
        r"\b(?:is |very |really |particularly |also )?(?:strong|good|great|excellent|brilliant|"
        r"talented|gifted|skilled|able) (?:in|at|with)\s",
        r"\bexcels? (?:in|at)\s",
        r"\b(?:best|favourite|strongest|top) subjects? (?:is|are|include|:)\s*",
        r"\btop set (?:in|for)\s",
        r"\bdoes (?:very )?well in\s",
    )
]
#: Ideas, jobs and routes the client has ruled out ("doesn't want to go back into steel",
#: "said no to the police", "not a vet"); read before the idea cues so that "doesn't want to be
#: a vet" is not an idea.
_REJECT_CUES = [
    re.compile(p, _I)
    for p in (
        r"\b(?:doesn'?t|does not|don'?t|do not|didn'?t|did not|won'?t|will not|wouldn'?t|"
        r"would not|never|definitely doesn'?t|really doesn'?t) (?:want|wanna|fancy|like the idea of|"
        r"see (?:himself|herself|themselves) (?:as|in|doing))(?: to (?:be an?|be|become an?|become|"
        r"do|go (?:back )?(?:into|to)|go|study|work (?:in|with|as an?|as|for)|join|train as an?|"
        r"train as|return to|end up (?:in|as)|take|have|get)| an?| anything| any)?\s",
        r"\b(?:not|isn'?t|is not|no longer|not really|not at all) (?:interested in|keen on|"
        r"keen to (?:be|do|go)|bothered (?:about|abt)|fussed (?:about|abt)|considering|thinking "
        r"(?:about|of))\s",
        r"\b(?:said no to|says no to|no to|ruled out|rules out|has ruled out|"
        r"gone off|went off|gave up on|has given up on|put off by|turned off|dead against|refuses to "
        r"(?:consider|do|go to)|hates the idea of)\s",
        r"(?:^|[.;,(\-–]\s*|\balso said\s+|\bsaid\s+)[\"“']?not (?:an?|the) (?=\w)",
        r"\b(?:used to want to (?:be an?|be|become an?|become|do|join|go into)|"
        r"(?:was|were) going to (?:be an?|be|do|join)|"
        r"(?:previously|originally) wanted(?: to (?:be an?|be|do|join))?)\s",
    )
]
_DISLIKE_CUES = [
    re.compile(p, _I)
    for p in (
        r"\b(?:not|isn'?t|is not|wasn'?t|no longer) (?:very |that |really |so |at all )?"
        r"(?:keen on|interested in|into|a fan of|good at|strong in|confident (?:in|with))\s",
        r"\b(?:dislikes|hates|hated|can'?t stand|doesn'?t (?:like|enjoy)|does not (?:like|enjoy)|"
        r"struggles? with|weak (?:in|at)|bad at|rubbish at)\s",
    )
]
_GRADE_CUES = [
    re.compile(p, _I)
    for p in (
        r"\b(?:predicted|predictions?(?: are| of)?|predicted grades?(?: are| of)?|working (?:at|"
        r"towards)|on track for|target grades?(?: are| of)?|expected to get|achieved|got|"
        r"results?(?: were| are)?|mocks?(?: results)?(?: were| are)?)(?:\s*:)?\s",
    )
]
_WORRY_CUES = [
    re.compile(r"^(?:worries|concerns|barriers|worried about)\s*:\s*", _I),
    re.compile(
        r"\b(?:worried|worries|worry|worrying|concerned|anxious|nervous|scared|afraid|"
        r"frightened|stressed|panicking|apprehensive|having doubts|doubts|second thoughts|"
        r"unsure)\s+(?:about|of|that|by|over)\s",
        _I,
    ),
]
_EXPERIENCE_CUES = [
    re.compile(
        r"\b(?:has |had )?(?:worked|works|working|employed|volunteers?|volunteered|volunteering|"
        r"(?:part[- ]time|saturday|weekend) job|work experience|placement)\s+(?:in|at|as an?|as|"
        r"for|with)\s",
        _I,
    )
]
_GRADE_TOKEN = re.compile(
    r"\b(?:[1-9](?:s|'s)?|[A-E]\*?|A\*|[A-E*]{2,4}|D\*?D\*?D\*?|distinctions?|merits?|"
    r"pass(?:es)?|grades?)\b"
)
_QUALIFICATION = re.compile(
    r"\b(?:gcses?|a[- ]levels?|btecs?|nvqs?|t[- ]levels?|hnds?|hncs?|degree|diplomas?|"
    r"level [1-8]|qualifications?)\b(?!\s+apprenticeship)",
    _I,
)

_HARD_STOP = re.compile(
    r"[.;:!?()\[\]{}\"]|\s(?:but|although|though|because|whereas|while|since|unless|however|"
    r"yet|so|as (?:she|he|they)|and (?:she|he|they|is|has|was|wants|would|gets|seems|says|feels|"
    r"needs|worries|worried|helps|lives|doesn'?t|does not|isn'?t|can'?t|mum|dad|her|his|their))"
    r"\b|\s[-–—]\s",
    _I,
)
_CLAUSE_START_WORDS = (
    "she he they i we his her their mum dad mother father parents family is has was were "
    "are had wants would could will can does doesnt doesn't says said feels seems worried "
    "predicted thinking considering currently lives works worked no not also strong good "
    "loves likes enjoys hates interested keen gets needs helps aged age year attends "
    "attendance been very quite really who which that made left moved started finished became "
    "got took went came lost joined passed failed arrived recently last now then since"
)
_CLAUSE_START = frozenset(_CLAUSE_START_WORDS.split())
_LEADING_FILLER = re.compile(
    r"^(?:maybe|possibly|perhaps|probably|also|really|quite|a bit|a little|lots of|the idea of|"
    r"a career in|careers in|a career as|a job in|jobs in|a job as|a job with|jobs with|"
    r"working in|working with|working as|work in|work with|work as|going into|getting into|"
    r"doing|studying|study|being|becoming|something (?:in|to do with|with|like|around)|"
    r"anything (?:in|to do with|with)|things like|subjects like|the|an?|some|his|her|their|"
    r"more|other)\s+(?![Ll]evels?\b)",
    _I,
)
_TRAILING_FILLER = re.compile(
    r"\s+(?:instead|too|as well|at the moment|for now|at school|at college|at (?:a )?"
    r"university|at uni|after school|in (?:the )?future|one day|eventually|later|maybe|"
    r"etc|and so on|or similar|stuff|things|now)$",
    _I,
)
_ITEM_SPLIT = re.compile(r"\s*,\s*|\s+(?:or|and|&|plus|as well as)\s+|\s*/\s*", _I)
#: Multi-word subjects and areas kept whole when items are split at "and".
_KEEP_WHOLE = re.compile(
    r"\b(?:design (?:and|&) technology|health (?:and|&) social care|art (?:and|&) design|"
    r"travel (?:and|&) tourism|hair (?:and|&) beauty|sport (?:and|&) exercise|"
    r"food (?:and|&) nutrition|hospitality (?:and|&) catering|D (?:and|&) T)\b",
    _I,
)

_ROUTES: list[tuple[RouteName, re.Pattern[str]]] = [
    (
        "apprenticeship",
        re.compile(
            r"\b(?:degree |higher |advanced |intermediate |level \d )?apprenticeships?\b", _I
        ),
    ),
    (
        "university",
        re.compile(
            r"\b(?:uni|university|universities|a degree|degree course|higher education)\b"
            r"(?!\s+apprenticeship)",
            _I,
        ),
    ),
    ("college", re.compile(r"\bcolleges?\b", _I)),
    ("sixth form", re.compile(r"\bsixth[- ]form\b", _I)),
    ("A levels", re.compile(r"\ba[- ]levels?\b", _I)),
    ("T Levels", re.compile(r"\bt[- ]levels?\b", _I)),
    ("gap year", re.compile(r"\bgap year\b", _I)),
]
_ROUTE_LEFTOVER = re.compile(
    r"\b(?:route|routes|options?|course|courses|instead|too|maybe|possibly|an?|the|do|doing|"
    r"go|going|to|into|a|at|of|in|on|via|through|training|study|studying)\b",
    _I,
)
_KNOWS_LITTLE = re.compile(
    r"\b(?:doesn'?t|does not|don'?t|do not|didn'?t|did not) (?:really )?know (?:much|a lot|"
    r"anything|very much|enough|what|how|about)\b|\bknows? (?:little|nothing|very little) "
    r"about\b|\bhasn'?t heard of\b|\bnot sure what (?:an? |the )?\w+ (?:is|are|involves?)\b|"
    r"\bunfamiliar with\b|\bnew to (?:the idea|them|it)\b",
    _I,
)
_DOUBTS = re.compile(
    r"\b(?:doubts?|second thoughts|unsure|not sure|questioning|reconsidering|wavering|"
    r"rethinking|cold feet|not convinced)\b",
    _I,
)
_AGAINST = re.compile(
    r"\b(?:doesn'?t|does not|don'?t|do not|won'?t|will not|not|never|no longer)\s+(?:\w+\s+){0,2}?"
    r"(?:want|wanting|going|planning|keen|interested|considering|like|likes|fancy|fancies)\b"
    r"|\b(?:against|rules? out|ruled out|hates? the idea of|put off)\b",
    _I,
)
_OFFER = re.compile(r"\boffers?\b|\bapplied\b|\bapplying\b", _I)

# Needs: extra cues (on normalised clauses: lowercase, no apostrophes) beside signals.yaml's.
_NEED_CUES: dict[NoteNeed, tuple[str, ...]] = {
    "young_carer": (
        r"young carer",
        r"carer for",
        r"caring responsibilit",
        r"helps? (?:out )?(?:with|at home with) (?:the )?(?:childcare|child care|caring)",
        r"helps? (?:to )?(?:look after|care for|with) (?:his|her|their) (?:\w+ )?(?:siblings?|"
        r"brothers?|sisters?|mum|dad|mother|father|gran|nan|grandparents?|grandma|grandad)",
        r"looks? after (?:his|her|their) (?:\w+ )?(?:siblings?|brothers?|sisters?|mum|dad|mother|"
        r"father|gran|nan|grandma|grandmother|grandad|grandfather|grandparents?|parents?|family|"
        r"aunt|uncle)",
        r"(?:cares?|caring) for (?:his|her|their) ",
        r"collects? (?:his|her|their) (?:\w+ )?(?:siblings?|brothers?|sisters?) from",
        r"childcare for (?:his|her|their)",
        r"responsibilit(?:y|ies) at home",
    ),
    "care_experienced": (
        r"care experienced",
        r"care-experienced",
        r"care leaver",
        r"looked after child",
        r"looked-after",
        r"in (?:foster|local authority|residential) care",
        r"foster (?:carers?|placement|family|home)",
        r"fostered",
        r"childrens home",
        r"virtual school",
        r"kinship care",
        r"special guardianship",
        r"lives in care",
        r"\bin care\b",
    ),
    "eal": (
        r"\beal\b",
        r"english as an? (?:additional|second) language",
        r"new(?:er)? to english",
        r"english (?:is )?(?:still )?(?:improving|limited|developing|basic|weak)",
        r"limited english",
        r"little english",
        r"\besol\b",
        r"needs an interpreter",
    ),
    "new_arrival": (
        r"arrived (?:in the uk |in england |in britain |here )?(?:from [a-z]+ )?"
        r"(?:\w+ )?(?:months?|weeks?|years?) ago",
        r"arrived (?:in the uk |in england |here )?from",
        r"new(?:ly)? arrive",
        r"new arrival",
        r"arrived in the uk",
        r"\barrived (?:in )?(?:january|february|march|april|may|june|july|august|september|october|"
        r"november|december|\d{4})\b",
        r"recent(?:ly)? arrive",
        r"\brefugees?\b",
        r"\basylum\b",
        r"moved to (?:the uk|england|britain) ",
        r"unaccompanied",
    ),
    "neet_risk": (
        r"\bneet\b",
        r"not in (?:education|employment|training)",
        r"dropped out",
        r"left (?:college|school|sixth form|his course|her course|the course)",
        r"\bexcluded\b",
        r"\bexclusions?\b",
        r"\bexpelled\b",
        r"(?:poor|low|dropping|falling|patchy|irregular) attendance",
        r"attendance (?:has )?(?:dropped|fallen|is low|is poor|is dropping|concerns?)",
        r"alternative provision",
        r"\bpru\b",
        r"not attending",
        r"school refus",
        r"no (?:post-16 |post 16 )?(?:plan|offer|place) (?:for|after) ",
    ),
    "disadvantage": (
        r"free school meals",
        r"\bfsm\b",
        r"(?:^|[-•*:;,(]\s*)pp(?:\s*(?:student|pupil|eligible|\+|/|,|;|$)|$)",
        r"\bpp (?:student|pupil|eligible|funding)",
        r"pupil premium",
        r"universal credit",
        r"on benefits",
        r"low[- ]income",
        r"disadvantaged",
    ),
    "money": (
        r"\bdebts?\b",
        r"cant afford",
        r"can ?not afford",
        r"\bafford",
        r"\bcosts?\b",
        r"\bexpensive\b",
        r"tuition fees?",
        r"student (?:loans?|finance)",
        r"money (?:is )?(?:tight|worries|worry|problems|issues)",
        r"(?:worried|worries|worry|concerned|anxious|stressed) (?:about|over) (?:\w+ ){0,3}"
        r"(?:money|pay|wages?|salary|income|earning)",
        r"\bfinanc(?:e|es|ial|ially)\b",
        r"low income",
        r"\bmortgage\b",
        r"pay cut",
        r"drop in (?:pay|income|salary)",
        r"lower (?:pay|salary|wages?)",
        r"(?:needs?|has) to earn",
        r"needs? (?:a |an )?(?:wage|income)",
        r"\bbills\b",
    ),
    "travel": (
        r"\btravel(?:ling|ing)?\b",
        r"\btransport\b",
        r"(?:doesnt|does not|cant|cannot|can not|dont|unable to) drive",
        r"no car\b",
        r"bus (?:routes?|fares?|services?)",
        r"\brural\b",
        r"\bcommut",
        r"far from",
        r"long journey",
    ),
    "confidence": (
        r"(?:lacks?|lacking|low|little|no|lost|losing|knocked) (?:in )?(?:self[- ])?confidence",
        r"confidence (?:is |has been |very |quite |really )?(?:low|knocked|shot|gone|poor|fragile)",
        r"knocked (?:his|her|their) confidence",
        r"not (?:very |that |at all )?confident",
        r"self[- ]esteem",
        r"\bshy\b",
        r"doubts (?:him|her|them)sel(?:f|ves)",
        r"self[- ]doubt",
        r"(?:lacks?|low) self[- ]belief",
        r"underestimates (?:him|her|them)sel",
    ),
    "exams": (
        r"(?:worried|worries|worry|anxious|nervous|stressed|scared|panics?|panicking|concerned)"
        r" (?:about|by|over|before|in) (?:\w+ ){0,2}(?:exams?|tests?|results|grades|revision|"
        r"gcses|a levels|mocks)",
        r"exam (?:stress|anxiety|nerves|pressure)",
        r"hates? (?:exams|revising|revision)",
        r"struggles? (?:with|in) exams",
        r"(?:doesnt|does not) do well in exams",
    ),
    "family_expectations": (
        r"(?:parents?|mum|dad|mother|father|family|carers?|grandparents?|gran|nan|uncle|aunt|"
        r"stepdad|stepmum|step-dad|step-mum) (?:\w+ )?(?:expects?|expected|wants?|wanted|"
        r"thinks?|thought|would like|insists?|insisted|is keen|are keen|pushing|pushes|"
        r"pressur|hopes?|says? (?:she|he|they) should)",
        r"family (?:pressure|expectations?)",
        r"(?:high |big )?expectations (?:at home|from (?:home|family|parents))",
        r"(?:keen|wants?|pushing|expects?) (?:for )?(?:him|her|them) to (?:do|be|go|look|study|become|"
        r"apply|take|stay|follow)",
        r"keeps? (?:suggesting|pushing|telling (?:him|her|them))",
        r"pressure from (?:his|her|their) (?:family|parents|mum|dad)",
    ),
    "family_circumstances": (
        r"single (?:parent|mum|mother|dad|father)",
        r"lone parent",
        r"parents? (?:are |have )?(?:separated|divorced|split up)",
        r"lives? with (?:his|her|their) (?:\w+ )?(?:mum|dad|mother|father|gran|nan|grandparents?|"
        r"grandmother|grandfather|uncle|aunt|sister|brother|cousin)",
        r"bereave",
        r"passed away",
        r"\bdied\b",
        r"temporary accommodation",
        r"\bhomeless",
        r"(?:mum|dad|mother|father|parent) (?:is|has been) (?:ill|unwell|disabled|in hospital)",
        r"has (?:a |two |three |four |young )?(?:kids|children|a baby|a child|a son|a daughter|"
        r"sons|daughters)",
        r"(?:two|three|four|young) (?:kids|children)",
    ),
    "career_change": (
        r"career chang",
        r"change (?:of )?careers?",
        r"\bretrain",
        r"made redundant",
        r"\bredundan",
        r"return(?:ing)? to work",
        r"back to work",
        r"change (?:jobs?|direction)",
        r"new career",
        r"mid[- ]career",
    ),
}
#: Words that look like a cue but mean something else in that clause.
_NEED_EXCLUSIONS: dict[NoteNeed, tuple[str, ...]] = {
    "care_experienced": (
        r"looked after (?:his|her|their|my|the|a|an|younger|older|[a-z]+s)\b",
        r"in care (?:work|homes?|sector|settings?|jobs?|assistant|roles?)\b",
        r"(?:work|working|job|jobs|career|careers|interested) in care\b",
    ),
    "eal": (r"first language (?:is )?english",),
    "physical_disability": (r"social mobility",),
    "travel": (r"travel (?:and|&) tourism", r"travel agent", r"travel (?:industry|writer)"),
    "money": (r"cost (?:accountant|estimator)", r"(?:good|decent|high) (?:pay|salary)"),
    "family_expectations": (r"(?:parents?|mum|dad|family) (?:\w+ )?(?:is|are) supportive",),
}


def _need_patterns(signals: SignalsFile) -> dict[NoteNeed, re.Pattern[str]]:
    from_signals: dict[str, list[str]] = {str(k): list(v) for k, v in signals.needs.items()}
    patterns: dict[NoteNeed, re.Pattern[str]] = {}
    for need in NOTE_NEEDS:
        parts: list[str] = []
        if need in NEEDS and need != "care_experienced":  # its own list: "looked after" misreads
            for cue in from_signals.get(need, []):
                norm = normalise_for_matching(cue)
                if norm:
                    parts.append(rf"\b{re.escape(norm)}\b")
        parts.extend(_NEED_CUES.get(need, ()))
        if parts:
            patterns[need] = re.compile("|".join(f"(?:{p})" for p in parts))
    return patterns


_PATTERN_CACHE: dict[int, tuple[SignalsFile, dict[NoteNeed, re.Pattern[str]]]] = {}


def _patterns_for(signals: SignalsFile) -> dict[NoteNeed, re.Pattern[str]]:
    cached = _PATTERN_CACHE.get(id(signals))
    if cached is not None and cached[0] is signals:
        return cached[1]
    patterns = _need_patterns(signals)
    _PATTERN_CACHE[id(signals)] = (signals, patterns)
    return patterns


_EXCLUSIONS = {
    need: re.compile("|".join(f"(?:{p})" for p in cues)) for need, cues in _NEED_EXCLUSIONS.items()
}
#: Needs that are barriers: "can't travel", "can't afford" say the need, they don't deny it.
_BARRIERS: frozenset[NoteNeed] = frozenset(("money", "travel", "confidence", "exams"))


def _negated(norm_before: str, *, barrier: bool = False) -> bool:
    """Whether the words just before a cue deny it ("no EHCP", "not a young carer")."""
    if barrier:
        return negated_before(norm_before, words=2, between="none", negators=STRONG_NEGATORS)
    return negated_before(norm_before, words=4, between="none", negators=NOTE_NEGATORS)
