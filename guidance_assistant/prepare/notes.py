"""Reading an adviser's notes on a client, before a guidance interview.

:func:`read_notes` turns free-text notes such as::

    Year 11, Amira. Predicted 5s and 6s, strong in art and DT. Thinking about architecture but
    worried about uni debt. Mum is a single parent; Amira helps with childcare after school.

into a :class:`ClientNotes`: the year group, age and name, grades and qualifications, subjects
and strengths, interests and ideas ("thinking about architecture"), the routes mentioned and
what the notes say about them ("interested in apprenticeships but doesn't know much about
them"), the needs and circumstances to plan for (young carer, money, travel, SEND, EAL, family
expectations...), worries and past work. Every item keeps the clause of the notes it came from,
so a brief can show why it says what it says.

It is rule-based and deterministic. The notes are only ever matched: nothing in them is run,
rendered as markup or followed as an instruction. The word helpers at the end
(:func:`related_words`, :func:`content_words`) link the notes' words to job titles.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from guidance_assistant.interview.model import NEEDS, SignalsFile, load_signals
from guidance_assistant.text.clean import analysis_view, clean_input, normalise_for_matching
from guidance_assistant.text.subjects import subjects_in

#: Notes longer than this are read only up to here (the safeguarding check still reads them all).
MAX_NOTES_CHARS = 20_000

#: Needs, in the order a brief lists them: care and caring first, then SEND and health,
#: language, risk, money and practical limits, family, confidence, adult change.
NoteNeed = Literal[
    "care_experienced",
    "young_carer",
    "ehcp",
    "send",
    "autism",
    "adhd",
    "dyslexia",
    "physical_disability",
    "sensory_impairment",
    "mental_health",
    "anxiety",
    "eal",
    "new_arrival",
    "neet_risk",
    "disadvantage",
    "money",
    "travel",
    "family_circumstances",
    "family_expectations",
    "confidence",
    "exams",
    "career_change",
]
NOTE_NEEDS: tuple[NoteNeed, ...] = get_args(NoteNeed)
InterestKind = Literal["idea", "interest"]
RouteName = Literal[
    "apprenticeship", "university", "college", "sixth form", "A levels", "T Levels", "gap year"
]
RouteView = Literal[
    "interested",
    "considering",
    "has an offer",
    "doubts",
    "not keen",
    "knows little",
    "worried about",
    "expected by family",
    "mentioned",
]
LifeStage = Literal["pre-16", "post-16", "adult"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Mention(_Model):
    """Something the notes say, with the clause that said it."""

    text: str = Field(description="What was said, e.g. 'art and DT'.")
    quote: str = Field(description="The clause of the notes, e.g. 'strong in art and DT'.")


class Interest(Mention):
    """An interest or an idea for the future, split into items ("teaching", "IT")."""

    kind: InterestKind = Field(
        description="'idea': thinking about, considering, wants to be; 'interest': likes, enjoys."
    )
    items: list[str] = Field(default_factory=list)


class RouteMention(_Model):
    """A route named in the notes and what the notes say about it."""

    route: RouteName
    views: list[RouteView] = Field(default_factory=list)
    detail: str | None = Field(default=None, description="e.g. 'degree apprenticeship'.")
    quote: str


class NeedMention(_Model):
    """A need, worry or circumstance to plan for, with the notes' words for it."""

    need: NoteNeed
    quote: str


class ClientNotes(_Model):
    """What :func:`read_notes` found in the notes."""

    text: str = Field(description="The text read: cleaned, markup removed, perhaps cut.")
    empty: bool = False
    original_length: int = 0
    truncated: bool = False
    markup_removed: bool = False
    instructions_ignored: bool = Field(
        default=False, description="Part of the notes reads like an instruction to software."
    )
    name: str | None = None
    year_group: int | None = None
    age: int | None = None
    life_stage: LifeStage | None = None
    grades: list[str] = Field(default_factory=list)
    subjects: list[str] = Field(default_factory=list)
    strengths: list[Mention] = Field(default_factory=list)
    interests: list[Interest] = Field(default_factory=list)
    dislikes: list[Mention] = Field(default_factory=list)
    routes: list[RouteMention] = Field(default_factory=list)
    needs: list[NeedMention] = Field(default_factory=list)
    worries: list[Mention] = Field(default_factory=list)
    experience: list[Mention] = Field(default_factory=list)

    def need_ids(self) -> list[NoteNeed]:
        return [mention.need for mention in self.needs]

    def has_need(self, *needs: NoteNeed) -> bool:
        return any(mention.need in needs for mention in self.needs)

    def need(self, need: NoteNeed) -> NeedMention | None:
        return next((mention for mention in self.needs if mention.need == need), None)

    def route(self, route: RouteName) -> RouteMention | None:
        return next((mention for mention in self.routes if mention.route == route), None)

    def positive_subjects(self) -> list[str]:
        """Subjects the notes name as strengths or interests (not dislikes)."""
        found: list[str] = []
        for mention in [*self.strengths, *self.interests]:
            found.extend(subjects_in(mention.text))
        return list(dict.fromkeys(found))


# ------------------------------------------------------------------------------ sentences

_ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|etc|approx|incl|esp|Mr|Mrs|Ms|Dr|St)\.", re.IGNORECASE)
_FIELD_LINE = re.compile(r"^\s*[A-Za-z][A-Za-z /&()-]{0,30}:\s")
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s+")


def _sentences(text: str) -> list[str]:
    """Sentences of the notes: blank lines, bullets, "Field:" lines and [.!?;] end one; a line
    wrapped in the middle of a sentence is joined to the next."""
    text = _ABBREVIATIONS.sub(lambda m: m.group(1).replace(".", ""), text)
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
        for part in re.split(r"(?<=[.!?;])\s+", " ".join(block.split())):
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
        r"^(?:interests?|ideas?|career ideas?|aspirations?|ambitions?|goals?|plans?)\s*:\s*",
        r"\b(?:is |was |has been |been |also )?(?:thinking|thought) (?:about|of)"
        r"(?: (?:doing|becoming|being|going into|getting into|a career in|studying|training as|"
        r"working in|working as|working with))?\s",
        r"\b(?:is |was |also )?considering\s",
        r"\b(?:is |was |seems |very |really |quite |more |most |also )?interested in\s",
        r"\b(?:is |was |very |really )?keen (?:on|to (?:be|become|do|study|work (?:in|with|as)|"
        r"go into|get into|train as|try))\s",
        r"\b(?:wants?|wanted|wanting|would like|'d like|hopes?|hoping|plans?|planning|aims?|"
        r"aiming|intends?|aspires?|has always wanted) to (?:be an?|be|become an?|become|do|"
        r"study|work (?:in|with|as an?|as)|go into|get into|train (?:as an?|as|in|to be an?|to be)|"
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
        r"^(?:hobbies|likes|enjoys)\s*:\s*",
        r"\b(?:likes|loves|enjoys|adores|liked|loved|enjoyed|is into|really into|into|"
        r"passionate about|fascinated by|spends (?:his|her|their|most of (?:his|her|their)) "
        r"(?:free |spare )?time(?: on)?)\s",
    )
]
_STRENGTH_CUES = [
    re.compile(p, _I)
    for p in (
        r"^(?:strengths?|skills?)\s*:\s*",
        r"\b(?:is |very |really |particularly |also )?(?:strong|good|great|excellent|brilliant|"
        r"talented|gifted|skilled|able) (?:in|at|with)\s",
        r"\bexcels? (?:in|at)\s",
        r"\b(?:best|favourite|strongest|top) subjects? (?:is|are|include|:)\s*",
        r"\btop set (?:in|for)\s",
        r"\bdoes (?:very )?well in\s",
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
    r"more|other)\s+",
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
_NEGATORS_WORDS = (
    "no not never without isnt doesnt dont wasnt arent nor denies neither hasnt havent"
)
_NEGATORS = frozenset(_NEGATORS_WORDS.split())

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
        r"pressure from (?:his|her|their) (?:family|parents|mum|dad)",
    ),
    "family_circumstances": (
        r"single (?:parent|mum|mother|dad|father)",
        r"lone parent",
        r"parents? (?:are |have )?(?:separated|divorced|split up)",
        r"lives? with (?:his|her|their) (?:\w+ )?(?:mum|dad|mother|father|gran|nan|grandparents?|"
        r"grandmother|grandfather|uncle|aunt|sister|brother|cousin)",
        r"(?:younger|older|little|big) (?:siblings?|brothers?|sisters?)",
        r"\bsiblings\b",
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
_STRONG_NEGATORS = frozenset(("no", "not", "without", "never", "nor"))


def _negated(norm_before: str, *, barrier: bool = False) -> bool:
    """Whether the words just before a cue deny it ("no EHCP", "not a young carer")."""
    if barrier:
        return any(word in _STRONG_NEGATORS for word in norm_before.split()[-2:])
    return any(word in _NEGATORS for word in norm_before.split()[-4:])


# ------------------------------------------------------------------------------- the reader


class _Span:
    """Character spans of a sentence already claimed by a cue and its object."""

    def __init__(self) -> None:
        self.spans: list[tuple[int, int]] = []

    def free(self, start: int, end: int) -> bool:
        return not any(start < e and s < end for s, e in self.spans)

    def claim(self, start: int, end: int) -> None:
        self.spans.append((start, end))


def _is_cue(text: str) -> bool:
    return any(
        p.search(text)
        for p in (*_IDEA_CUES, *_INTEREST_CUES, *_STRENGTH_CUES, *_DISLIKE_CUES, *_WORRY_CUES)
    )


def _continues(segment: str) -> bool:
    words = segment.split()
    if not words or len(words) > 5:
        return False
    if words[0].lower().strip("'") in _CLAUSE_START:
        return False
    return not _is_cue(" " + segment + " ")


def _object(sentence: str, start: int, *, field: bool = False) -> tuple[str, int]:
    """The words a cue introduces (up to a clause boundary; a list after a comma is kept)."""
    rest = sentence[start:]
    stop = _HARD_STOP.search(rest)
    if stop is not None and not (field and stop.group().strip() in (":",)):
        rest = rest[: stop.start()]
    segments = rest.split(",")
    kept = [segments[0]]
    for segment in segments[1:]:
        if field or _continues(segment.strip()):
            kept.append(segment)
        else:
            break
    text = ",".join(kept)
    end = start + len(text)
    return text.strip(" ,"), end


def clean_phrase(text: str) -> str:
    """``text`` without leading and trailing filler ("maybe a", "instead"), at most 12 words."""
    text = " ".join(text.split()).strip(" ,.;:-")
    for _ in range(4):
        new = _LEADING_FILLER.sub("", text).strip(" ,")
        new = _TRAILING_FILLER.sub("", new).strip(" ,")
        if new == text:
            break
        text = new
    words = text.split()
    return " ".join(words[:12])


def split_items(text: str) -> list[str]:
    """``text`` split at "and", "or" and commas, keeping subjects such as "art and design"."""
    protected = _KEEP_WHOLE.sub(lambda m: m.group().replace(" ", "\u00a0"), text)
    items = [clean_phrase(part.replace("\u00a0", " ")) for part in _ITEM_SPLIT.split(protected)]
    return [item for item in dict.fromkeys(items) if item]


def _route_of(item: str) -> tuple[RouteName, str] | None:
    """The route an item names, when the item is only a route ("degree apprenticeships")."""
    for route, pattern in _ROUTES:
        match = pattern.search(item)
        if match is None:
            continue
        leftover = _ROUTE_LEFTOVER.sub(" ", item[: match.start()] + " " + item[match.end() :])
        if not leftover.strip(" ,.-"):
            return route, match.group().lower()
    return None


def _quote(text: str, limit: int = 25) -> str:
    words = " ".join(text.split()).strip(" ,;").split()
    clipped = " ".join(words[:limit])
    return clipped + ("…" if len(words) > limit else "")


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


@functools.lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    """Lowercase words of the bundled framework notes and job titles: a word list for telling
    a name ("Amira") from an ordinary capitalised word ("Anxious")."""
    from guidance_assistant.paths import bundled_dir

    found: set[str] = set()
    try:
        for path in (bundled_dir("knowledge") / "frameworks").glob("*.md"):
            found.update(re.findall(r"\b[a-z][a-z'-]+\b", path.read_text(encoding="utf-8")))
    except (OSError, FileNotFoundError):
        pass
    try:
        from guidance_assistant import lmi

        for record in lmi.bundled_store().all():
            found.update(w.lower() for w in re.findall(r"[A-Za-z]+", record.title))
    except Exception:  # no records: names are still read from "Name:" lines
        pass
    return frozenset(found)


_NOT_NAMES_WORDS = (
    "year yr client student pupil learner notes note referral background name male female "
    "boy girl he she they mum dad mother father parent parents monday tuesday wednesday "
    "thursday friday saturday sunday january february march april may june july august "
    "september october november december today tomorrow interview adviser teacher senco "
    "predicted"
)
_NOT_NAMES = frozenset(_NOT_NAMES_WORDS.split())
_NAME_FIELD = re.compile(
    r"^\s*(?i:name|client|student|pupil|young person)\s*:\s*([A-Z][a-z'-]{1,30})\b",
    re.MULTILINE,
)
_NAME_TOKEN = re.compile(r"^[A-Z][a-z'-]{1,30}$")
_YEAR = re.compile(r"\b(?:year|yr|y)\s?:?\s?(\d{1,2})\b", _I)
_AGE = re.compile(
    r"\b(?:aged?\s*:?\s*(\d{1,2})|(\d{1,2})[- ]?(?:years?[- ]old|yrs?[- ]old|y/?o)\b)", _I
)


def _name(sentences: list[str], text: str) -> str | None:
    field = _NAME_FIELD.search(text)
    if field:
        return field.group(1)
    common = _common_words()
    for sentence in sentences[:2]:
        for fragment in (part.strip() for part in re.split(r",|\s[-–—]\s", sentence)):
            tokens = fragment.split()
            if not 1 <= len(tokens) <= 2 or not all(_NAME_TOKEN.match(t) for t in tokens):
                continue
            first = tokens[0]
            if first.lower() in _NOT_NAMES or first.lower() in common:
                continue
            return first
    return None


def _fragment_age(sentences: list[str]) -> int | None:
    for sentence in sentences[:1]:
        fragments = [part.strip() for part in sentence.split(",")]
        for index, fragment in enumerate(fragments[:3]):
            if re.fullmatch(r"\d{2}", fragment) and index > 0:
                value = int(fragment)
                if 14 <= value <= 90:
                    return value
    return None


def _life_stage(year_group: int | None, age: int | None, adult_cues: bool) -> LifeStage | None:
    if year_group is not None:
        return "pre-16" if year_group <= 11 else "post-16"
    if age is not None:
        return "pre-16" if age < 16 else "post-16" if age < 19 else "adult"
    return "adult" if adult_cues else None


def _injection(norm: str, signals: SignalsFile) -> bool:
    for pattern in signals.injection:
        try:
            if re.search(pattern, norm):
                return True
        except re.error:  # a bad pattern in the data must not stop the reading
            continue
    return False


def read_notes(notes: str, *, signals: SignalsFile | None = None) -> ClientNotes:
    """Read an adviser's free-text ``notes`` on a client (see the module docstring)."""
    signals = signals or load_signals()
    cleaned = clean_input(notes or "")
    original_length = len(cleaned)
    markup_removed = bool(_MARKUP.search(cleaned))
    view = analysis_view(cleaned)
    view = re.sub(r"<(?=[A-Za-z/!?])", " ", view)  # tags that were entity-encoded
    truncated = len(view) > MAX_NOTES_CHARS
    if truncated:
        cut = view[:MAX_NOTES_CHARS]
        space = cut.rfind(" ")
        view = cut[:space] if space > MAX_NOTES_CHARS * 0.8 else cut
    if not re.search(r"[A-Za-z0-9]", view):
        return ClientNotes(
            text="", empty=True, original_length=original_length, markup_removed=markup_removed
        )

    sentences = _sentences(view)
    year_match = _YEAR.search(view)
    year_group = int(year_match.group(1)) if year_match else None
    if year_group is not None and not 1 <= year_group <= 14:
        year_group = None
    age_match = _AGE.search(view)
    age = int(age_match.group(1) or age_match.group(2)) if age_match else _fragment_age(sentences)
    if age is not None and not 5 <= age <= 100:
        age = None

    reading = _Reading()
    for sentence in sentences:
        reading.read(sentence)
    needs = _needs(sentences, signals)
    adult_cues = any(n.need == "career_change" for n in needs)
    life_stage = _life_stage(year_group, age, adult_cues)
    if life_stage == "adult" and not adult_cues:
        needs.append(NeedMention(need="career_change", quote=f"aged {age}" if age else "adult"))
    return ClientNotes(
        text=view,
        original_length=original_length,
        truncated=truncated,
        markup_removed=markup_removed,
        instructions_ignored=_injection(normalise_for_matching(view), signals),
        name=_name(sentences, view),
        year_group=year_group,
        age=age,
        life_stage=life_stage,
        grades=list(dict.fromkeys(_sentence_case(g) for g in reading.grades)),
        subjects=subjects_in(" ".join(view.split())),
        strengths=_unique(reading.strengths),
        interests=reading.interests,
        dislikes=_unique(reading.dislikes),
        routes=_routes(sentences, reading.route_items),
        needs=needs,
        worries=_unique(reading.worries),
        experience=_unique(reading.experience),
    )


_MARKUP = re.compile(r"<[^<>]{0,200}>|&(?:[a-z]{2,8}|#\d{1,6}|#x[0-9a-f]{1,6});", re.IGNORECASE)
_Found = tuple[str, str, str]  # (cleaned phrase, quote, the raw object)


class _Reading:
    """What the cue words of each sentence introduce."""

    def __init__(self) -> None:
        self.interests: list[Interest] = []
        self.strengths: list[Mention] = []
        self.dislikes: list[Mention] = []
        self.grades: list[str] = []
        self.worries: list[Mention] = []
        self.experience: list[Mention] = []
        self.route_items: list[tuple[RouteName, str, RouteView, str]] = []

    def _take(
        self,
        sentence: str,
        spans: _Span,
        cues: Sequence[re.Pattern[str]],
        *,
        negatable: bool = True,
        accept: re.Pattern[str] | None = None,
    ) -> list[_Found]:
        field = _FIELD_LINE.match(sentence + " ") is not None
        found: list[_Found] = []
        for pattern in cues:
            for match in pattern.finditer(sentence):
                if not spans.free(match.start(), match.end()):
                    continue
                if negatable and _negated(normalise_for_matching(sentence[: match.start()])):
                    continue
                obj, end = _object(sentence, match.end(), field=field)
                taken = [a for a, _ in spans.spans if match.end() <= a < end]
                if taken:
                    end = min(taken)
                    obj = sentence[match.end() : end].rstrip(" ,;")
                if accept is not None and not accept.search(obj):
                    continue
                spans.claim(match.start(), max(end, match.end()))
                phrase = clean_phrase(obj)
                if phrase:
                    found.append((phrase, _quote(sentence[match.start() : end]), obj))
        return found

    def read(self, sentence: str) -> None:
        spans = _Span()
        for phrase, quote, _ in self._take(sentence, spans, _DISLIKE_CUES, negatable=False):
            self.dislikes.append(Mention(text=phrase, quote=quote))
        for kind, cues in (("idea", _IDEA_CUES), ("interest", _INTEREST_CUES)):
            for phrase, quote, _ in self._take(sentence, spans, cues):
                self._interest(phrase, quote, "idea" if kind == "idea" else "interest")
        for phrase, quote, _ in self._take(sentence, spans, _STRENGTH_CUES):
            self.strengths.append(Mention(text=phrase, quote=quote))
        for phrase, quote, _ in self._take(sentence, spans, _WORRY_CUES):
            self.worries.append(Mention(text=phrase, quote=quote))
            view: RouteView = "doubts" if _DOUBTS.search(quote) else "worried about"
            for route, pattern in _ROUTES:
                if pattern.search(phrase):
                    self.route_items.append((route, "", view, quote))
        for _, quote, _ in self._take(sentence, spans, _GRADE_CUES, accept=_GRADE_TOKEN):
            self.grades.append(quote)
        for phrase, quote, _ in self._take(sentence, spans, _EXPERIENCE_CUES):
            self.experience.append(Mention(text=phrase, quote=quote))
        for clause in _clauses(sentence):
            if (
                len(clause.split()) <= 12
                and _QUALIFICATION.search(clause)
                and not _is_cue(" " + clause + " ")
                and not _ROUTES[0][1].search(clause)
                and not any(clause in g or g in clause for g in self.grades)
                and (
                    re.search(r"\b(?:no|has|holds|with|in|doing|studying|taking|on)\b", clause, _I)
                    or _GRADE_TOKEN.search(clause)
                )
            ):
                self.grades.append(_quote(clause))

    def _interest(self, phrase: str, quote: str, kind: InterestKind) -> None:
        items: list[str] = []
        for item in split_items(phrase):
            route = _route_of(item)
            if route is None:
                items.append(item)
                continue
            view: RouteView = (
                "has an offer"
                if _OFFER.search(quote)
                else "considering"
                if re.search(r"consider|thinking|looking|exploring", quote, _I)
                else "interested"
            )
            self.route_items.append((route[0], route[1], view, quote))
        if items:
            text = phrase if len(items) == len(split_items(phrase)) else " and ".join(items)
            self.interests.append(Interest(text=text, quote=quote, kind=kind, items=items))


def _unique(mentions: list[Mention]) -> list[Mention]:
    seen: set[str] = set()
    kept: list[Mention] = []
    for mention in mentions:
        key = mention.text.lower()
        if key not in seen:
            seen.add(key)
            kept.append(mention)
    return kept


_FAMILY_EXPECTS = re.compile(_NEED_CUES["family_expectations"][0])


def _routes(
    sentences: list[str], items: list[tuple[RouteName, str, RouteView, str]]
) -> list[RouteMention]:
    views: dict[RouteName, list[RouteView]] = {}
    quotes: dict[RouteName, list[str]] = {}
    details: dict[RouteName, str] = {}

    def add(route: RouteName, view: RouteView, quote: str, detail: str = "") -> None:
        route_views = views.setdefault(route, [])
        if view not in route_views:
            route_views.append(view)
        route_quotes = quotes.setdefault(route, [])
        if quote and not any(quote in known for known in route_quotes):
            route_quotes[:] = [known for known in route_quotes if known not in quote]
            route_quotes.append(quote)
        if detail and route == "apprenticeship" and detail.rstrip("s") != route:
            details.setdefault(route, detail.rstrip("s"))

    for route, detail, view, quote in items:
        add(route, view, quote, detail)
    for sentence in sentences:
        for route, pattern in _ROUTES:
            if pattern.search(sentence) is None:
                continue
            for clause in _clauses(sentence):
                match = pattern.search(clause)
                if match is None:
                    continue
                detail = match.group().lower()
                quote = _quote(clause)
                if _KNOWS_LITTLE.search(sentence):
                    add(route, "knows little", _quote(sentence), detail)
                if _DOUBTS.search(clause):
                    add(route, "doubts", quote, detail)
                elif _AGAINST.search(clause[: match.start()]):
                    add(route, "not keen", quote, detail)
                if _FAMILY_EXPECTS.search(normalise_for_matching(clause)):
                    add(route, "expected by family", quote, detail)
                if _OFFER.search(clause):
                    add(route, "has an offer", quote, detail)
                if route not in views:
                    add(route, "mentioned", quote, detail)
    result: list[RouteMention] = []
    for route, _pattern in _ROUTES:
        if route not in views:
            continue
        route_views = views[route]
        if len(route_views) > 1:
            route_views = [v for v in route_views if v != "mentioned"]
        result.append(
            RouteMention(
                route=route,
                views=route_views,
                detail=details.get(route),
                quote="; ".join(quotes[route][:2]),
            )
        )
    return result


def _needs(sentences: list[str], signals: SignalsFile) -> list[NeedMention]:
    patterns = _patterns_for(signals)
    found: dict[NoteNeed, list[str]] = {}
    for sentence in sentences:
        for clause in _clauses(sentence):
            norm = normalise_for_matching(clause)
            for need, pattern in patterns.items():
                exclusion = _EXCLUSIONS.get(need)
                if exclusion is not None and exclusion.search(norm):
                    continue
                for match in pattern.finditer(norm):
                    if _negated(norm[: match.start()], barrier=need in _BARRIERS):
                        continue
                    quotes = found.setdefault(need, [])
                    quote = _quote(clause)
                    if quote not in quotes:
                        quotes.append(quote)
                    break
    ordered = sorted(found.items(), key=lambda item: NOTE_NEEDS.index(item[0]))
    return [NeedMention(need=need, quote="; ".join(quotes[:3])) for need, quotes in ordered]


# --------------------------------------------------------------------------- word helpers

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_STOP_WORDS = (
    "a an the and or of in on at for to with by from as is are be into about than then "
    "this that these those it its some any more most other such very really quite just "
    "also maybe possibly perhaps his her their my your our"
)
_STOP = frozenset(_STOP_WORDS.split())
#: Words too general to link a note to a job title on their own.
_GENERIC_WORD_LIST = (
    "something anything things thing stuff job jobs work working career careers area field "
    "industry sector role roles people person others helping help making doing using good "
    "money lot lots kind sort type different new outdoors outside creative practical hands "
    "options option way ways idea ideas course courses subject subjects level levels "
    "worker assistant officer manager technician operative professional specialist "
    "consultant adviser advisor apprentice trainee junior senior general"
)
GENERIC_WORDS = frozenset(_GENERIC_WORD_LIST.split())
_SUFFIXES = frozenset(
    (
        "",
        "s",
        "es",
        "e",
        "r",
        "er",
        "ers",
        "or",
        "ors",
        "ist",
        "ists",
        "ian",
        "ians",
        "y",
        "ry",
        "ure",
        "ural",
        "al",
        "ing",
        "ic",
        "ics",
        "ical",
        "ed",
        "ment",
        "ant",
        "ants",
        "ancy",
        "ism",
    )
)
_INFLECTIONS = frozenset(("", "s", "es"))
#: Short or irregular words and the title words they lead to.
DERIVED: dict[str, tuple[str, ...]] = {
    "art": ("artist",),
    "arts": ("artist",),
    "law": ("lawyer", "solicitor", "barrister"),
    "hair": ("hairdresser",),
    "music": ("musician",),
    "science": ("scientist",),
    "sciences": ("scientist",),
    "physics": ("physicist",),
    "maths": ("mathematician",),
    "mathematics": ("mathematician",),
    "medicine": ("doctor",),
    "drama": ("actor",),
    "acting": ("actor",),
    "army": ("soldier",),
    "cooking": ("chef", "cook"),
    "nursing": ("nurse",),
    "caring": ("carer",),
    "writing": ("writer",),
    "animals": ("vet",),
}
#: Irregular forms of one word ("gaming" ~ "games"), linked like regular ones.
FORMS: dict[str, tuple[str, ...]] = {
    "gaming": ("games", "game"),
    "caring": ("care",),
    "arts": ("art",),
    "law": ("legal",),
    "animals": ("veterinary",),
    "pe": ("pe",),
}
#: Look-alike words that are not forms of one another.
_FALSE_FRIENDS = frozenset(
    (("nurse", "nursery"), ("police", "policy"), ("art", "article"), ("car", "care"))
)


def words_of(text: str) -> list[str]:
    """The words of ``text`` (apostrophes dropped), keeping their case."""
    return [w.replace("'", "").replace("’", "") for w in _WORD.findall(text)]


def content_words(text: str) -> list[str]:
    """Words of ``text`` that can link it to a job title: no stop words or generic words;
    acronyms ("IT", "DT") keep their capitals, other words are lowercased."""
    result: list[str] = []
    for word in words_of(text):
        if word.isupper() and 2 <= len(word) <= 4:
            result.append(word)
            continue
        lower = word.lower()
        if lower in _STOP or lower in GENERIC_WORDS or len(lower) < 3:
            continue
        result.append(lower)
    return list(dict.fromkeys(result))


def related_words(a: str, b: str) -> bool:
    """Whether two words are forms of one word ("architecture" ~ "architect" ~ "architectural",
    "design" ~ "designer", "teaching" ~ "teacher") or the person who does it ("art" ~ "artist",
    "medicine" ~ "doctor", see :data:`DERIVED`); but not "animals" ~ "animator", "cars" ~
    "care" or "police" ~ "policy". Acronyms match only themselves (same capitals)."""
    if word_forms(a, b):
        return True
    a, b = a.lower(), b.lower()
    return b in DERIVED.get(a, ()) or a in DERIVED.get(b, ())


def word_forms(a: str, b: str) -> bool:
    """Whether two words are forms of one word (see :func:`related_words`), no derived jobs."""
    if a.isupper() or b.isupper():
        return a == b or (a.lower() == b.lower() and len(a) > 4)
    a, b = a.lower(), b.lower()
    if a == b:
        return True
    if b in FORMS.get(a, ()) or a in FORMS.get(b, ()):
        return True
    if (a, b) in _FALSE_FRIENDS or (b, a) in _FALSE_FRIENDS:
        return False
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    for size in range(common, 2, -1):
        rest_a, rest_b = a[size:], b[size:]
        allowed = _SUFFIXES if size >= 5 else _INFLECTIONS
        if rest_a in allowed and rest_b in allowed:
            if len(rest_a) == len(rest_b) == 1 and rest_a != rest_b:
                continue  # "police" / "policy"
            return True
    return False
