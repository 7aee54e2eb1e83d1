"""Small text helpers for the interview engine: cleaning client input, sentences, "you" forms.

Everything here is pure and deterministic. Client text is only ever read as data: nothing in it
is executed, interpreted as markup or treated as an instruction.

Two kinds of text come out of here, and only one may lose letters:

- **what is stored and shown** (:func:`clean_input`, :func:`analysis_view`, :func:`as_typed`)
  keeps every letter as typed: Łukasz, Nguyễn, Şükrü, محمد;
- **matching views** (:func:`normalise_for_matching`) fold text with
  :func:`guidance_assistant.text.fold` (accents and look-alike letters made plain, case
  lowered) so that cues and titles match, and are never shown to anyone.
"""

from __future__ import annotations

import difflib
import html
import re
import unicodedata

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.text import fold
from guidance_assistant.text.sentences import split_sentences

#: Longest client message that is analysed in full; longer ones are cut (with a polite note).
MAX_ANALYSIS_CHARS = 4000
#: Longest client message kept whole in the transcript.
MAX_TRANSCRIPT_CHARS = 10_000

#: Bidirectional controls (embeddings, overrides, isolates, marks): typed into a message they
#: can show its words reversed or out of order, so :func:`clean_input` removes them. Text in
#: Arabic or Urdu needs none of them: its direction comes from its letters.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
#: Zero-width characters that hide inside words ("h\u200bits"): removed by :func:`clean_input`.
ZERO_WIDTH = frozenset("\u200b\u2060\ufeff")
#: Zero-width joiner and non-joiner: removed, except between two letters (or marks) that are
#: not ASCII, where a script needs them (the non-joiner in Persian and Urdu words, the joiner in
#: Indic conjuncts); no Latin word needs them, so inside ASCII words they are removed too.
JOINERS = frozenset("\u200c\u200d")

_TAG = re.compile(r"<[^<>]{0,200}>")
_CODE_ELEMENT = re.compile(
    r"<(script|style)\b[^<>]{0,200}>.{0,2000}?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_SPACES = re.compile(r"[ \t\f\v]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_WORD = re.compile(r"(?:[^\W_]|[£'’-])+")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"'})
_EDGE_PUNCTUATION = ".,;:!?"


class EmptyMessageError(GuidanceAssistantError, ValueError):
    """A message with nothing in it: empty, or only spaces, control characters or characters
    that do not show. It is not stored; the person is asked to type something."""


def _joins_letters(before: str, after: str) -> bool:
    return all(
        char and not char.isascii() and unicodedata.category(char)[0] in "LM"
        for char in (before, after)
    )


def clean_input(text: str) -> str:
    """``text`` as it is stored and shown: control characters, bidirectional controls and
    zero-width characters removed (see :data:`BIDI_CONTROLS`, :data:`ZERO_WIDTH`,
    :data:`JOINERS`), Unicode composed (NFC), spaces of every kind made plain and tidied.

    Every letter stays as typed. Newlines and tabs survive; HTML is kept exactly as typed (it is
    plain text to us).
    """
    text = unicodedata.normalize("NFC", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    kept: list[str] = []
    for index, char in enumerate(text):
        if char in "\n\t":
            kept.append(char)
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Cs", "Co") or char in BIDI_CONTROLS or char in ZERO_WIDTH:
            continue
        if char in JOINERS:
            after = text[index + 1] if index + 1 < len(text) else ""
            if not _joins_letters(kept[-1] if kept else "", after):
                continue
        kept.append(" " if category == "Zs" else char)
    tidy = _SPACES.sub(" ", "".join(kept))
    tidy = _BLANK_LINES.sub("\n\n", tidy)
    return tidy.strip()


def has_content(text: str) -> bool:
    """Whether ``text`` holds anything that shows: a character that is neither a space nor an
    invisible format character (nor a variation selector)."""
    return any(
        not char.isspace()
        and unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co")
        and not 0xFE00 <= ord(char) <= 0xFE0F
        for char in text
    )


def require_message(text: object) -> str:
    """``text`` cleaned with :func:`clean_input`; :class:`EmptyMessageError` when nothing that
    shows is left (an empty message, spaces, NUL or other control characters, zero-width or
    direction characters only)."""
    cleaned = clean_input(text if isinstance(text, str) else "" if text is None else str(text))
    if not has_content(cleaned):
        raise EmptyMessageError(
            "Nothing to send: the message is empty, or holds only spaces or characters that "
            "do not show. Type what you want to say, then send it."
        )
    return cleaned


def analysis_view(text: str) -> str:
    """What the analyser reads: HTML tags (and the code inside script and style elements)
    dropped, entities decoded, invisible format characters (zero-width spaces, soft hyphens)
    removed, compatibility forms made standard (NFKC: full-width ``ａｒｔ`` is ``art``, ``…`` is
    ``...``), quotes made plain.

    Letters keep their accents, script and case (Łukasz, Nguyễn, محمد), because clauses of this
    view are stored and shown (reflections, facts, steps); matching folds them later, in
    :func:`normalise_for_matching`.
    """
    view = html.unescape(_TAG.sub(" ", _CODE_ELEMENT.sub(" ", text)))
    view = "".join(ch for ch in view if unicodedata.category(ch) != "Cf")
    view = unicodedata.normalize("NFKC", view).translate(_APOSTROPHES)
    return _SPACES.sub(" ", view).strip()


def normalise_for_matching(text: str) -> str:
    """The matching view of ``text`` (never shown): folded with
    :func:`~guidance_assistant.text.fold` (accents dropped, look-alike letters made Latin),
    lowercase, apostrophes removed (``don't`` → ``dont``), every other character outside
    ``a-z``, digits, ``£ %`` and ``. , ! ? ; : / -`` made a space."""
    text = fold(text).translate(_APOSTROPHES).lower().replace("'", "")
    text = re.sub(r"[^a-z0-9£%\s.,!?;:/-]", " ", text)
    return _SPACES.sub(" ", text).strip()


def _match_key(word: str) -> str:
    return word.strip(_EDGE_PUNCTUATION + "-/")


def as_typed(phrase: str, text: str) -> str:
    """``phrase``, a piece of :func:`normalise_for_matching` ``(text)`` (maybe with words left
    out or put in), in the words of ``text`` as typed.

    The matching view loses letters (``Email Łukasz Nguyễn`` reads ``email ukasz nguyen``), so a
    step or a phrase found in it is mapped back: each run of the phrase's words that matches
    words of ``text`` in order becomes the typed span they came from, words the matching view
    has nothing for inside that span included (``محمد``, which it drops whole); a word written
    in another script straight after the phrase's end is kept too. Words of the phrase that are
    not in ``text`` (put in by a reader: ``the client``) stay as they are.
    """
    tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    flat: list[tuple[str, int]] = []
    for number, (start, end) in enumerate(tokens):
        for word in normalise_for_matching(text[start:end]).split():
            key = _match_key(word)
            if key:
                flat.append((key, number))
    wanted = [_match_key(word) or word for word in phrase.split()]
    matcher = difflib.SequenceMatcher(None, wanted, [key for key, _ in flat], autojunk=False)
    pieces: list[str] = []
    done = 0
    for first, at, size in matcher.get_matching_blocks():
        pieces += phrase.split()[done:first]
        if not size:
            break
        last_token = flat[at + size - 1][1]
        if first + size == len(wanted):  # the phrase ends here: keep a name in another script
            while last_token + 1 < len(tokens) and not normalise_for_matching(
                text[slice(*tokens[last_token + 1])]
            ):
                following = text[slice(*tokens[last_token + 1])]
                if not any(char.isalpha() for char in following):
                    break
                last_token += 1
        span = text[tokens[flat[at][1]][0] : tokens[last_token][1]]
        last_word = phrase.split()[first + size - 1]
        while span and span[-1] in _EDGE_PUNCTUATION and not last_word.endswith(span[-1]):
            span = span[:-1]
        pieces.append(span)
        done = first + size
    return " ".join(piece for piece in pieces if piece)


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
#: Runs of letters (any script) and apostrophes, and the runs between them.
_TOKEN = re.compile(r"(?:[^\W\d_]|')+|(?:[^\w']|[\d_])+")


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
