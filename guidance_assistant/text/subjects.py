"""School subjects: the one linker from words in notes and messages to canonical subject names.

Used by the notes reader (``prepare.notes``) and the interview's reading ("my english teacher").
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

#: School subjects and the patterns that find them in notes (also used to read "english teacher").
SUBJECTS: list[tuple[str, re.Pattern[str]]] = [
    ("design and technology", re.compile(r"\b(?:DT|D&T|D and T|D ?& ?T)\b")),
    (
        "design and technology",
        re.compile(r"\b(?:design (?:and|&) technology|design technology|product design)\b", _I),
    ),
    ("art", re.compile(r"(?<!martial )\b(?:fine art|art and design|art|arts)\b(?! therap)", _I)),
    ("maths", re.compile(r"\b(?:maths|mathematics|math|further maths|statistics)\b", _I)),
    (
        "English",
        re.compile(
            r"(?<!speaks )(?<!speak )(?<!learning )(?<!new to )(?<!little )(?<!limited )"
            r"(?<!his )(?<!her )(?<!their )(?<!basic )(?<!some )"
            r"\benglish(?: language| literature| lit)?\b"
            r"(?! (?:is |still )?(?:improving|limited|developing|basic|weak)| as an?)",
            _I,
        ),
    ),
    ("science", re.compile(r"\b(?:triple science|combined science|sciences|science)\b", _I)),
    ("biology", re.compile(r"\bbiology\b", _I)),
    ("chemistry", re.compile(r"\bchemistry\b", _I)),
    ("physics", re.compile(r"\bphysics\b", _I)),
    ("computing", re.compile(r"\b(?:computing|computer science)\b", _I)),
    ("computing", re.compile(r"\bICT\b")),
    ("history", re.compile(r"\bhistory\b", _I)),
    ("geography", re.compile(r"\bgeography\b", _I)),
    ("languages", re.compile(r"\b(?:languages|MFL)\b", _I)),
    ("French", re.compile(r"\bfrench\b", _I)),
    ("Spanish", re.compile(r"\bspanish\b", _I)),
    ("German", re.compile(r"\bgerman\b", _I)),
    ("music", re.compile(r"\bmusic\b", _I)),
    ("drama", re.compile(r"\b(?:drama|theatre studies|performing arts)\b", _I)),
    ("PE", re.compile(r"\b(?:PE|P\.E\.)\b")),
    ("PE", re.compile(r"\bphysical education\b", _I)),
    ("business", re.compile(r"\bbusiness(?: studies)?\b", _I)),
    ("economics", re.compile(r"\beconomics\b", _I)),
    ("psychology", re.compile(r"\bpsychology\b", _I)),
    ("sociology", re.compile(r"\bsociology\b", _I)),
    ("religious studies", re.compile(r"\b(?:RE|R\.E\.)\b")),
    ("religious studies", re.compile(r"\breligious (?:studies|education)\b", _I)),
    ("media studies", re.compile(r"\bmedia studies\b", _I)),
    ("photography", re.compile(r"\bphotography\b", _I)),
    ("textiles", re.compile(r"\btextiles\b", _I)),
    ("food technology", re.compile(r"\bfood (?:tech|technology|preparation|and nutrition)\b", _I)),
    ("engineering", re.compile(r"\bengineering\b", _I)),
    ("health and social care", re.compile(r"\bhealth (?:and|&) social care\b", _I)),
    ("law", re.compile(r"\blaw\b", _I)),
    ("politics", re.compile(r"\bpolitics\b", _I)),
    ("philosophy", re.compile(r"\bphilosophy\b", _I)),
    ("child development", re.compile(r"\bchild development\b", _I)),
    ("construction", re.compile(r"\bconstruction\b", _I)),
    ("dance", re.compile(r"\bdance\b", _I)),
    ("graphics", re.compile(r"\bgraphics\b", _I)),
    ("electronics", re.compile(r"\belectronics\b", _I)),
]


def subjects_in(text: str) -> list[str]:
    """School subjects named in ``text``, canonical names, in order of appearance."""
    found: list[tuple[int, str]] = []
    for name, pattern in SUBJECTS:
        match = pattern.search(text)
        if match:
            found.append((match.start(), name))
    return list(dict.fromkeys(name for _, name in sorted(found)))
