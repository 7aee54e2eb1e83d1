"""Word helpers that link a person's words to job titles: forms of one word ("architecture" ~
"architect"), the person who does it ("medicine" ~ "doctor"), content words of a phrase."""

from __future__ import annotations

import re

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
