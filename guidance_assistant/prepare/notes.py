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
from typing import TYPE_CHECKING

from guidance_assistant.interview.model import SignalsFile, load_signals
from guidance_assistant.lmi.title_words import (
    content_words,
    related_words,
    word_forms,
    words_of,
)
from guidance_assistant.prepare.notes_cues import (
    _AGAINST,
    _BARRIERS,
    _CLAUSE_START,
    _DISLIKE_CUES,
    _DOUBTS,
    _EXCLUSIONS,
    _EXPERIENCE_CUES,
    _FIELD_LINE,
    _GRADE_CUES,
    _GRADE_TOKEN,
    _HARD_STOP,
    _I,
    _IDEA_CUES,
    _INTEREST_CUES,
    _ITEM_SPLIT,
    _KEEP_WHOLE,
    _KNOWS_LITTLE,
    _LEADING_FILLER,
    _NEED_CUES,
    _OFFER,
    _QUALIFICATION,
    _REJECT_CUES,
    _ROUTE_LEFTOVER,
    _ROUTES,
    _STRENGTH_CUES,
    _TRAILING_FILLER,
    _WORRY_CUES,
    _clauses,
    _negated,
    _patterns_for,
    _sentences,
)
from guidance_assistant.prepare.notes_facts import (
    _KIN_WORD,
    circumstances,
    client_age,
    client_name,
    client_year,
    offers,
    people,
    subject_grades,
)
from guidance_assistant.prepare.notes_model import (
    MAX_NOTES_CHARS,
    NOTE_NEEDS,
    ClientNotes,
    Interest,
    InterestKind,
    LifeStage,
    Mention,
    NeedMention,
    NoteNeed,
    RouteMention,
    RouteName,
    RouteView,
    SubjectGrade,
)
from guidance_assistant.prepare.notes_profile import (
    hedged,
    high_grade,
    languages,
    lapsed,
    lead_titles,
    not_an_item,
    praise,
    profile_rules,
    qualifications,
    roles,
    said_of_someone_else,
    subject_strengths,
    traits,
)
from guidance_assistant.prepare.notes_rejected import (
    refusals,
    rejected_items,
    rejected_rules,
)
from guidance_assistant.prepare.notes_rejected import (
    someone_elses as _someone_elses_refusal,
)
from guidance_assistant.text.clean import analysis_view, clean_input, normalise_for_matching
from guidance_assistant.text.subjects import subjects_in

if TYPE_CHECKING:
    from guidance_assistant.prepare.spans import SpanReader

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


def read_notes(
    notes: str, *, signals: SignalsFile | None = None, learned: bool = True
) -> ClientNotes:
    """Read an adviser's free-text ``notes`` on a client (see the module docstring);
    ``learned=False`` reads with the cue rules alone (no clause classifier)."""
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
    year_group = client_year(view)
    if year_group is not None and not 1 <= year_group <= 14:
        year_group = None
    name = client_name(view) or _name(sentences, view)
    age = client_age(view, name)
    if age is None:
        age_match = _AGE.search(view)
        age = (
            int(age_match.group(1) or age_match.group(2)) if age_match else _fragment_age(sentences)
        )
    if age is not None and not 5 <= age <= 100:
        age = None

    at_school = year_group is not None or (age is not None and age < 19)
    reading = _Reading(name, at_school=at_school)
    for sentence in sentences:
        reading.read(sentence)
    found_people = people(view)
    if learned:
        reading.add_learned(view, [p.job or p.who for p in found_people])
    reading.merge_fixed()
    needs = _needs(sentences, signals)
    if learned:
        needs = _learned_needs(sentences, needs)
    if age is not None and age >= 25:  # NEET is a measure of 16-24 year olds
        needs = [m for m in needs if m.need != "neet_risk"]
    adult_cues = any(n.need == "career_change" for n in needs)
    life_stage = _life_stage(year_group, age, adult_cues)
    grades_found = subject_grades(sentences, life_stage=life_stage)
    strengths = _distinct(
        _unique([*reading.strengths, *_grade_strengths(grades_found, reading.strengths, sentences)])
    )
    # An adult is not a career changer by age alone (the labelled notes' 24-year-old graduate in
    # a call centre, the 58-year-old carer): career_change comes from the notes' own words.
    return ClientNotes(
        text=view,
        original_length=original_length,
        truncated=truncated,
        markup_removed=markup_removed,
        instructions_ignored=_injection(normalise_for_matching(view), signals),
        name=name,
        year_group=year_group,
        age=age,
        life_stage=life_stage,
        grades=list(dict.fromkeys(_sentence_case(g) for g in reading.grades)),
        subjects=subjects_in(" ".join(view.split())),
        strengths=strengths,
        interests=list({(i.kind, i.text.lower()): i for i in reversed(reading.interests)}.values())[
            ::-1
        ],
        dislikes=_unique(reading.dislikes),
        rejected=_unique(reading.rejected),
        routes=_routes(sentences, reading.route_items),
        needs=needs,
        worries=_unique(reading.worries),
        experience=_unique(reading.experience),
        subject_grades=grades_found,
        offers=offers(view),
        people=found_people,
        circumstances=circumstances(sentences),
    )


_MARKUP = re.compile(r"<[^<>]{0,200}>|&(?:[a-z]{2,8}|#\d{1,6}|#x[0-9a-f]{1,6});", re.IGNORECASE)
_Found = tuple[str, str, str]  # (cleaned phrase, quote, the raw object)


class _Reading:
    """What the cue words of each sentence introduce."""

    def __init__(self, client: str | None = None, *, at_school: bool = True) -> None:
        self.client = client
        self.at_school = at_school
        self.interests: list[Interest] = []
        self.strengths: list[Mention] = []
        self.dislikes: list[Mention] = []
        self.rejected: list[Mention] = []
        self.grades: list[str] = []
        self.worries: list[Mention] = []
        self.experience: list[Mention] = []
        self.route_items: list[tuple[RouteName, str, RouteView, str]] = []
        #: Strengths of knowledge/notes/profile.yaml (traits, roles, subjects): kept as found,
        #: never cut by the span head.
        self.fixed: list[Mention] = []

    def merge_fixed(self) -> None:
        """The strengths of ``profile.yaml`` joined to the others, and the words that are never
        an item (``not_items``) left out of every list."""
        self.strengths += self.fixed
        self.fixed = []
        interests: list[Interest] = []
        for interest in self.interests:
            items = [i for i in interest.items or [interest.text] if not not_an_item(i)]
            if len(items) == len(interest.items or [interest.text]):
                interests.append(interest)
            elif items:
                interests.append(
                    interest.model_copy(update={"items": items, "text": " and ".join(items)})
                )
        self.interests = interests
        self.strengths = [m for m in self.strengths if not not_an_item(m.text)]
        self.rejected = [m for m in self.rejected if not not_an_item(m.text)]

    def _take(
        self,
        sentence: str,
        spans: _Span,
        cues: Sequence[re.Pattern[str]],
        *,
        negatable: bool = True,
        accept: re.Pattern[str] | None = None,
        clients_only: bool = False,
    ) -> list[_Found]:
        field = _FIELD_LINE.match(sentence + " ") is not None
        found: list[_Found] = []
        for pattern in cues:
            for match in pattern.finditer(sentence):
                if not spans.free(match.start(), match.end()):
                    continue
                if negatable and _negated(normalise_for_matching(sentence[: match.start()])):
                    continue
                if clients_only and self._someone_else_before(sentence[: match.start()]):
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

    def _someone_else_before(self, before: str) -> bool:
        """Whether the clause before a cue names someone else as the one who wants it ("Big
        sister in Yr 11 wants to be a dentist", "Parents want him to", "Chloe wants")."""
        clause = re.split(r"[,;:(\n]|\s[-–—]\s|\band\b|\bbut\b", before)[-1]
        if _KIN_WORD.search(clause) and not re.search(r"\b(?:him|her|them)\s*$", clause, _I):
            return True
        names = re.findall(r"\b[A-Z][a-z]{2,}\b", clause)
        common = _common_words()
        return bool(names) and all(
            n.lower() not in common and n.lower() not in _NOT_NAMES and n != self.client
            for n in names[-1:]
        )

    def read(self, sentence: str) -> None:
        spans = _Span()
        cues = [*_REJECT_CUES, *rejected_rules().cues]
        unquoted = re.sub(r"[\"“”]", " ", sentence)  # he will "never ever" work in a shop
        for phrase, quote, _ in self._take(unquoted, spans, cues, negatable=False):
            start = unquoted.find(quote[:20])
            if _someone_elses_refusal(sentence[: max(start, 0)]):
                continue
            liking = _LIKING_REFUSAL.search(quote[: max(quote.find(phrase), 0)])
            for item in rejected_items(phrase):
                subject_only = subjects_in(item) and len(content_words(item)) <= 2
                (self.dislikes if subject_only and liking else self.rejected).append(
                    Mention(text=item, quote=quote)
                )
        for item, quote in refusals(sentence):
            if spans.free(*_place_in(sentence, quote)):
                self.rejected.append(Mention(text=item, quote=_quote(quote)))
        for phrase, quote, _ in self._take(sentence, spans, _DISLIKE_CUES, negatable=False):
            self.dislikes.append(Mention(text=phrase, quote=quote))
        for kind, cues in (("idea", _IDEA_CUES), ("interest", _INTEREST_CUES)):
            for phrase, quote, _ in self._take(sentence, spans, cues, clients_only=kind == "idea"):
                self._interest(phrase, quote, "idea" if kind == "idea" else "interest")
        for phrase, quote, _ in self._take(sentence, spans, _STRENGTH_CUES):
            if not _lapsed_at(sentence, quote):
                self.strengths += [
                    Mention(text=item, quote=quote) for item in _strength_items(phrase)
                ]
        rules = profile_rules()
        for phrase, quote, _ in self._take(sentence, spans, rules.strength_cues, clients_only=True):
            start = sentence.find(quote[:20])
            if said_of_someone_else(sentence[: max(start, 0)]) or _lapsed_at(sentence, quote):
                continue
            if hedged(sentence[: max(start, 0)]):
                continue
            if not content_words(phrase):  # "excellent with her hands": the praise is the item
                self.fixed.append(Mention(text=clean_phrase(quote), quote=quote))
                continue
            self.strengths += [Mention(text=i, quote=quote) for i in _strength_items(phrase)]
        clauses = _clauses(sentence)
        for clause in clauses:
            if lapsed(clause):  # "used to be good at swimming (county level at 12)"
                continue
            found = [
                *traits(clause),
                *(words for _, _, words in roles(clause)),
                *subject_strengths(clause),
            ]
            self.fixed.extend(Mention(text=item, quote=_quote(clause)) for item in found)
        # Held qualifications and posts are finished achievements: a lapse does not undo them
        # ("got his black belt, but stopped", "left as a sergeant").
        held = [*qualifications(sentence), *lead_titles(sentence)]
        for start, end, words in [*held, *praise(sentence)]:
            clause = next((c for c in clauses if words in c), sentence[start:end])
            if (start, end, words) in held or not lapsed(clause):
                self.fixed.append(Mention(text=words, quote=_quote(clause)))
        for words in languages(sentence):
            clause = next((c for c in clauses if words in c), sentence)
            if not lapsed(clause):
                self.fixed.append(Mention(text=words, quote=_quote(clause)))
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

    def add_learned(self, text: str, theirs: Sequence[str] = ()) -> None:
        """The span reader (:mod:`.spans`) over the notes: the long objects of the cue rules cut
        to the words that are the item ("keyboard at church most Sundays" -> "keyboard"; the
        rule's label kept), and the items no cue introduced; never an item about a person in
        the client's life or one of ``theirs`` (their jobs), nor a name."""
        from guidance_assistant.prepare.spans import shared_span_reader

        reader = shared_span_reader()
        if reader is None:
            return
        self._refine(reader)
        self.merge_fixed()
        if self.at_school:
            self._drop_subject_ideas()
        known = [
            *(item for i in self.interests for item in (i.items or [i.text])),
            *(m.text for m in (*self.strengths, *self.rejected, *self.dislikes)),
        ]
        for found in reader.read(text):
            item = clean_phrase(found.text)
            if not _learned_item(item, known, theirs):
                continue
            if found.label == "idea" and self._someone_else_before(found.clause[: found.start]):
                continue
            if found.label == "strength" and _not_the_clients_claim(found.clause, found.start):
                continue
            if _route_of(item) is not None:  # routes are read on their own (see _routes)
                continue
            if (  # a subject beside grades or options is one taken, not an idea
                found.label == "idea"
                and _only_subjects(item)
                and _TAKEN.search(found.clause)
                and not _DEGREE_WORDS.search(found.clause)
            ):
                continue
            known.append(item)
            quote = _quote(found.clause)
            if found.label in ("interest", "idea"):
                kind: InterestKind = "idea" if found.label == "idea" else "interest"
                self.interests.append(Interest(text=item, quote=quote, kind=kind, items=[item]))
            else:
                self.strengths.append(Mention(text=item, quote=quote))

    def _drop_subject_ideas(self) -> None:
        """Ideas that are only school subjects ("history", "Eng Lit"): options and courses
        taken, read under subjects, unless the clause speaks of a degree or university."""
        kept: list[Interest] = []
        for interest in self.interests:
            if interest.kind == "idea" and not _DEGREE_WORDS.search(interest.quote):
                items = interest.items or [interest.text]
                subjects = [i for i in items if _only_subjects(i)]
                if subjects and _LIKING.match(interest.quote):  # "keen on art": an interest
                    kept.append(
                        interest.model_copy(
                            update={
                                "items": subjects,
                                "text": " and ".join(subjects),
                                "kind": "interest",
                            }
                        )
                    )
                items = [i for i in items if i not in subjects]
                if not items:
                    continue
                interest = interest.model_copy(update={"items": items, "text": " and ".join(items)})
            kept.append(interest)
        self.interests = kept

    def _refine(self, reader: SpanReader) -> None:
        """Each cue rule's item of more than :data:`_SHORT_ITEM` words replaced by the phrases
        in it the span head takes for items (dropped when it takes none)."""
        places: list[tuple[str, int, int]] = []
        where: list[tuple[str, int, int]] = []  # (list, entry, item) indexes
        for index, interest in enumerate(self.interests):
            for j, item in enumerate(interest.items or [interest.text]):
                place = _place(interest.quote, item)
                if place is not None:
                    places.append(place)
                    where.append(("interest", index, j))
        for index, mention in enumerate(self.strengths):
            place = _place(mention.quote, mention.text)
            if place is not None:
                places.append(place)
                where.append(("strength", index, 0))
        if not places:
            return
        cut = dict(zip(where, reader.within(places), strict=True))
        interests: list[Interest] = []
        for index, interest in enumerate(self.interests):
            items: list[str] = []
            for j, item in enumerate(interest.items or [interest.text]):
                inside = cut.get(("interest", index, j))
                items += [item] if inside is None else [clean_phrase(p) for p in inside]
            items = [i for i in dict.fromkeys(items) if i]
            if items:
                interests.append(
                    interest.model_copy(update={"items": items, "text": " and ".join(items)})
                )
        self.interests = interests
        strengths: list[Mention] = []
        for index, mention in enumerate(self.strengths):
            inside = cut.get(("strength", index, 0))
            texts = [mention.text] if inside is None else [clean_phrase(p) for p in inside]
            strengths += [mention.model_copy(update={"text": t}) for t in texts if t]
        self.strengths = strengths

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


_LIKING = re.compile(r"\W*(?:\w+\s+)?(?:keen on|interested in|into|loves?|likes?|enjoys?)\b", _I)
_TAKEN = re.compile(
    r"\b(?:pred(?:icted)?|target|mocks?|grades?|GCSEs?|A[- ]levels?|options?|taking|takes)\b", _I
)
_DEGREE_WORDS = re.compile(r"\b(?:degree|uni|university|study|studying|BSc|BA|MSc)\b", _I)


#: Subjects that are also a profession's degree: an idea when named alone ("then law").
_PROFESSION_SUBJECTS = re.compile(
    r"\b(?:law|medicine|nursing|dentistry|pharmacy|economics|veterinary|midwifery|engineering|"
    r"architecture|accounting|accountancy)\b",
    _I,
)


def _only_subjects(item: str) -> bool:
    """Whether ``item`` names school subjects and nothing else."""
    from guidance_assistant.prepare.notes_facts import subject_spans

    if _PROFESSION_SUBJECTS.search(item):
        return False
    rest = item
    for start, end, _ in reversed(subject_spans(item)):
        rest = rest[:start] + " " + rest[end:]
    return rest != item and not re.search(r"[A-Za-z]{2,}", rest)


#: A cue rule's item of at most this many words is kept as the rule found it.
_SHORT_ITEM = 1


def _place(quote: str, item: str) -> tuple[str, int, int] | None:
    """Where ``item`` lies in ``quote`` (case-blind), when it is longer than a short item."""
    if len(item.split()) <= _SHORT_ITEM:
        return None
    start = quote.lower().find(item.lower())
    if start < 0:
        return None
    return quote, start, start + len(item)


#: Words the span head may take that are never an item on their own.
_NOT_LEARNED = frozenset(
    {"retrain", "retraining", "work", "working", "job", "jobs", "course", "courses", "something"}
)


def _learned_item(item: str, known: Sequence[str], theirs: Sequence[str]) -> bool:
    """Whether the span reader's ``item`` is new, about the client, and no name."""
    from guidance_assistant.prepare.facts import phrase_matches

    if not item or _KIN_WORD.search(item) or item.lower() in _NOT_LEARNED:
        return False
    if any(phrase_matches(item, k) for k in known) or any(phrase_matches(item, j) for j in theirs):
        return False
    words = item.split()
    common = _common_words()
    return not all(w[:1].isupper() and not w.isupper() and w.lower() not in common for w in words)


#: A refusal of a subject said as a dislike ("not keen on maths", "isn't into PE") is a dislike,
#: not a next step ruled out ("NOT taking French").
_LIKING_REFUSAL = re.compile(r"\b(?:interested|keen|into|bothered|fussed|like|fan)\b", _I)


def _place_in(sentence: str, quote: str) -> tuple[int, int]:
    start = sentence.find(quote)
    return (start, start + len(quote)) if start >= 0 else (0, 0)


def _not_the_clients_claim(clause: str, start: int) -> bool:
    """Whether a strength the span head found at ``clause[start:]`` is someone else's ("sister
    Jade v. sporty", "my mate Josh is proper good at drawing"), lapsed ("used to be good at
    football") or hedged ("OK at English")."""
    before = clause[:start]
    return (
        said_of_someone_else(before)
        or _KIN_WORD.search(re.split(r"[,;:(]", before)[-1]) is not None
        or lapsed(clause)
        or hedged(before)
    )


def _grade_strengths(
    grades: Sequence[SubjectGrade], known: Sequence[Mention], sentences: Sequence[str] = ()
) -> list[Mention]:
    """Subjects with a high grade predicted, achieved or worked at (GCSE 7-9, A*/A,
    Distinction): strengths by LABELLING.md, unless a strength already names the subject; each
    in the notes' own word for it ("RE", "Computing"), else its name, quoted with the sentence
    that gives the grade."""
    from guidance_assistant.prepare.notes_facts import subject_spans

    named = {name for m in known for _, _, name in subject_spans(m.text)}
    written: dict[str, tuple[str, str]] = {}  # subject -> (word, sentence)
    for sentence in sentences:
        for start, end, name in subject_spans(sentence):
            if name not in written or not _GRADE_TOKEN.search(written[name][1]):
                written[name] = (_subject_word(sentence[start:end], name), sentence)
    found: list[Mention] = []
    for grade in grades:
        if grade.status == "target" or not high_grade(grade.grade):
            continue
        if grade.subject in named:
            continue
        named.add(grade.subject)
        words, sentence = written.get(grade.subject, (grade.subject, ""))
        quote = _quote(sentence) if sentence else f"{words} {grade.grade}"
        found.append(Mention(text=words, quote=quote))
    return found


def _subject_word(surface: str, name: str) -> str:
    """A subject as a strength: the notes' own word when it is a whole word ("Computing") or an
    acronym that is not the name's initials ("RE" for religious studies, "DT"), else the subject's
    name ("Chem", "FM", "Compsci" -> chemistry, further maths, computer science)."""
    initials = "".join(w[0] for w in name.split()).upper()
    if surface.isupper() and 2 <= len(surface) <= 4:
        return name if surface.upper() == initials else surface
    if " " not in surface and surface.lower() in _common_words():
        return surface
    return name


def _lapsed_at(sentence: str, quote: str) -> bool:
    """Whether the claim quoted from ``sentence`` is a lapsed one ("used to be good at football
    but I quit"): the words of its clause before it and of the sentence just after it."""
    start = sentence.find(quote[:20])
    if start < 0:
        return False
    before = re.split(r"[;,(]", sentence[:start])[-1]
    after = sentence[start + len(quote) : start + len(quote) + 60]
    return lapsed(before + " " + quote + " " + after)


def _strength_items(phrase: str) -> list[str]:
    """A strength cue's object as its items ("PE/DT", "physics, maths" -> two), when every part
    is short; else whole (the span head cuts it)."""
    items = split_items(phrase)
    return items if len(items) > 1 and all(len(i.split()) <= 2 for i in items) else [phrase]


def _distinct(mentions: list[Mention]) -> list[Mention]:
    """``mentions`` less any whose words lie inside a longer one's from the same words of the
    notes ("kids" beside "good with kids", "corporal" beside "lance corporal")."""

    def inside(short: Mention, long: Mention) -> bool:
        if len(short.text) >= len(long.text):
            return False
        pattern = rf"(?<![\w-]){re.escape(short.text.lower())}(?![\w-])"
        if not re.search(pattern, long.text.lower()):
            return False
        a, b = short.quote.lower(), long.quote.lower()
        return a in b or b in a

    return [m for m in mentions if not any(inside(m, other) for other in mentions)]


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
                elif _against(clause, match.start(), match.end()):
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


def _against(clause: str, start: int, end: int) -> bool:
    """Whether ``clause`` turns down the route at ``clause[start:end]``: words against it at most
    six words before it ("doesn't want to go to uni"), not a condition ("uni if it means living in
    halls"), a weighing-up ("a degree against an apprenticeship") or someone else's wish."""
    before = clause[:start]
    against = list(_AGAINST.finditer(before))
    if not against:
        return False
    last = against[-1]
    if len(before[last.end() :].split()) > 6 or re.search(r"\bweigh|\bversus\b|\bvs\b", before, _I):
        return False
    if re.match(r"[^,;]{0,20}\b(?:if|unless|only if|except)\b", clause[end:], _I):
        return False
    return not _someone_elses_refusal(before[: last.start()])


#: Needs of the client's own person: a clause naming someone else ("brother has autism") is
#: never read for them by the learned head.
_PERSONAL_NEEDS = frozenset(
    {
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
        "confidence",
        "exams",
        "career_change",
    }
)


def _learned_needs(sentences: list[str], needs: list[NeedMention]) -> list[NeedMention]:
    """``needs`` with what the need head (:mod:`.needs`) reads in clauses the rules found
    nothing of that need in; never a negated clause, nor someone else's condition."""
    from guidance_assistant.prepare.needs import shared_need_reader

    reader = shared_need_reader()
    if reader is None:
        return needs
    clauses = [c for s in sentences for c in _clauses(s) if 2 <= len(c.split()) <= 40]
    found = {m.need: m for m in needs}
    for reading in reader.read(clauses):
        if reading.need in found:
            continue
        norm = normalise_for_matching(reading.clause)
        if _negated(norm) or re.search(r"\bno\b|\bnot\b|n't\b", norm):
            continue
        if reading.need in _PERSONAL_NEEDS and _KIN_WORD.search(reading.clause):
            continue
        found[reading.need] = NeedMention(need=reading.need, quote=_quote(reading.clause))
    return sorted(found.values(), key=lambda m: NOTE_NEEDS.index(m.need))


#: A need that always brings another with it.
_IMPLIES: dict[NoteNeed, NoteNeed] = {"ehcp": "send"}


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
    for need, implied in _IMPLIES.items():  # an EHC plan is a special educational need
        if need in found and implied not in found:
            found[implied] = found[need]
    ordered = sorted(found.items(), key=lambda item: NOTE_NEEDS.index(item[0]))
    return [NeedMention(need=need, quote="; ".join(quotes[:3])) for need, quotes in ordered]


#: The notes' records and word helpers live in their own modules; importable from here too.
__all__ = [
    "MAX_NOTES_CHARS",
    "ClientNotes",
    "Interest",
    "RouteName",
    "content_words",
    "read_notes",
    "related_words",
    "word_forms",
    "words_of",
]
