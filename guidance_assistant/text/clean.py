"""Small text helpers for the interview engine: cleaning client input, sentences, "you" forms.

Everything here is pure and deterministic. Client text is only ever read as data: nothing in it
is executed, interpreted as markup or treated as an instruction.
"""

from __future__ import annotations

import html
import re
import unicodedata

from guidance_assistant.text import fold
from guidance_assistant.text.sentences import split_sentences

#: Longest client message that is analysed in full; longer ones are cut (with a polite note).
MAX_ANALYSIS_CHARS = 4000
#: Longest client message kept whole in the transcript.
MAX_TRANSCRIPT_CHARS = 10_000

_TAG = re.compile(r"<[^<>]{0,200}>")
_CODE_ELEMENT = re.compile(
    r"<(script|style)\b[^<>]{0,200}>.{0,2000}?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_SPACES = re.compile(r"[ \t\f\v]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_WORD = re.compile(r"[A-Za-z0-9£'’-]+")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"'})


def clean_input(text: str) -> str:
    """``text`` with control characters removed, Unicode composed and whitespace tidied.

    Newlines and tabs survive; HTML is kept exactly as typed (it is plain text to us).
    """
    text = unicodedata.normalize("NFC", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs", "Co")
    )
    kept = _SPACES.sub(" ", kept)
    kept = _BLANK_LINES.sub("\n\n", kept)
    return kept.strip()


def analysis_view(text: str) -> str:
    """What the analyser reads: HTML tags (and the code inside script and style elements)
    dropped, entities decoded, invisible format characters (zero-width spaces, soft hyphens)
    removed, quotes made plain."""
    view = html.unescape(_TAG.sub(" ", _CODE_ELEMENT.sub(" ", text))).translate(_APOSTROPHES)
    view = fold("".join(ch for ch in view if unicodedata.category(ch) != "Cf"))
    return _SPACES.sub(" ", view).strip()


def normalise_for_matching(text: str) -> str:
    """Lowercase, apostrophes removed (``don't`` → ``dont``), punctuation spaced out."""
    text = text.translate(_APOSTROPHES).lower().replace("'", "")
    text = re.sub(r"[^a-z0-9£%\s.,!?;:/-]", " ", text)
    return _SPACES.sub(" ", text).strip()


def truncate(text: str, limit: int) -> tuple[str, bool]:
    """``text`` cut to at most ``limit`` characters at a word boundary, and whether it was cut."""
    if len(text) <= limit:
        return text, False
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip(), True


def sentences(text: str) -> list[str]:
    """The sentences (or lines) of ``text``, stripped, non-empty (the one splitter)."""
    return split_sentences(text)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def mean_sentence_length(text: str) -> float:
    """Average words per sentence (0 for empty text)."""
    parts = [len(words(s)) for s in sentences(text)]
    parts = [p for p in parts if p]
    return sum(parts) / len(parts) if parts else 0.0


# ------------------------------------------------------------------------ second person

_SECOND_PERSON = {
    "i": "you",
    "im": "you're",
    "i'm": "you're",
    "ive": "you've",
    "i've": "you've",
    "id": "you'd",
    "i'd": "you'd",
    "ill": "you'll",
    "i'll": "you'll",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "myself": "yourself",
    "am": "are",
    "was": "were",
    "we": "you",
    "our": "your",
    "ours": "yours",
    "us": "you",
}
_AFTER_I_ONLY = {"am", "was"}
#: Words after which "ill" is the adjective ("she is ill"), not "I'll" typed without its
#: apostrophe.
_ILL_ADJECTIVE_AFTER = frozenset(
    (
        *("is", "was", "are", "were", "be", "been", "being", "am", "become", "became"),
        *("feel", "feels", "felt", "feeling", "get", "gets", "got", "getting", "fell", "falls"),
        *("very", "really", "so", "too", "quite", "bit", "often", "always", "long"),
        *("seriously", "chronically", "mentally", "terminally"),
    )
)
_TOKEN = re.compile(r"[A-Za-z']+|[^A-Za-z']+")


def second_person(text: str) -> str:
    """The client's words turned towards them: "I love my art" → "you love your art".

    ``am``/``was`` change only straight after ``I``/``we``; other words are left as typed.
    """
    out: list[str] = []
    previous = ""
    for token in _TOKEN.findall(text.translate(_APOSTROPHES)):
        lower = token.lower()
        if (
            lower in _SECOND_PERSON
            and (lower not in _AFTER_I_ONLY or previous in {"i", "we"})
            and not (lower == "ill" and previous in _ILL_ADJECTIVE_AFTER)
        ):
            replacement = _SECOND_PERSON[lower]
            if token[:1].isupper() and lower not in {"i", "im", "i'm", "ive", "i've", "id", "i'd"}:
                replacement = replacement.capitalize()
            out.append(replacement)
        else:
            out.append(token)
        if token.strip():
            previous = lower if token[:1].isalpha() else previous
    return "".join(out)


def clip_words(text: str, limit: int) -> str:
    """The first ``limit`` words of ``text`` (with "…" when cut)."""
    parts = text.split()
    if len(parts) <= limit:
        return text.strip()
    return " ".join(parts[:limit]).rstrip(",;:") + "…"


def gist(text: str, limit: int = 14) -> str:
    """A short phrase from the client's words for reflecting back: trimmed, "you" form."""
    text = text.strip().strip(" ,;:-").rstrip(".!?")
    text = re.sub(
        r"^(?:and|but|so|well|um+|er+|like|yeah|yes|no|ok|okay)\b[, ]*", "", text, flags=re.I
    )
    return second_person(clip_words(text, limit)).strip()


def join_words(items: list[str], last: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def sentence_case(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text else text


def split_plain(text: str, max_words: int = 14) -> str:
    """Long sentences split at commas, semicolons and dashes for plain language."""
    result: list[str] = []
    for sentence in sentences(text):
        if len(words(sentence)) <= max_words:
            result.append(sentence)
            continue
        pieces = re.split(r"\s*(?:;|—|–| - |, and |, but |, so )\s*", sentence)
        for index, piece in enumerate(pieces):
            piece = piece.strip().rstrip(",")
            if not piece:
                continue
            piece = sentence_case(piece)
            if index < len(pieces) - 1 and not piece.endswith((".", "!", "?")):
                piece += "."
            result.append(piece)
    return " ".join(result)
