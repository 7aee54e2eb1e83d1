"""Unicode folding and sentence splitting shared by every reader of client text.

:func:`fold` turns disguised text into the plain letters a reader expects: Unicode NFKC
(full-width ``ｋｉｌｌ`` and mathematical bold ``𝐤𝐢𝐥𝐥`` become ``kill``), look-alike letters from
other scripts mapped to Latin with the Unicode confusables table (``confusable-homoglyphs``:
Cyrillic ``р`` → ``p``), accents and combining marks dropped, invisible format characters
(zero-width spaces, soft hyphens) removed, curly quotes made plain. Case, punctuation, digits and
spacing are kept, so its output is still readable text for a sentence embedder or a pattern.
Characters with no Latin look-alike (Arabic, Chinese, emoji) are kept as they are.

:func:`sentences` splits text into sentences and lines, keeping each one's words as typed.
"""

from __future__ import annotations

import functools
import unicodedata

from confusable_homoglyphs import confusables

from guidance_assistant.text.sentences import split_sentences

_QUOTES = str.maketrans({"’": "'", "‘": "'", "‛": "'", "ʼ": "'", "`": "'", "“": '"', "”": '"'})


@functools.lru_cache(maxsize=8192)
def _latin(char: str) -> str:
    """The ASCII letter ``char`` is a look-alike of, or ``char`` itself."""
    found = confusables.is_confusable(char, preferred_aliases=["latin"], greedy=True)
    if found:
        for glyph in found[0]["homoglyphs"]:
            candidate = glyph["c"]
            if candidate.isascii() and candidate.isalpha():
                return str(candidate)
    return char


@functools.lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    category = unicodedata.category(char)
    if category in ("Cf", "Mn", "Me"):
        return ""
    if category.startswith("Z"):
        return " "
    if char.isascii():
        return char
    base = unicodedata.normalize("NFKD", char)
    stripped = "".join(c for c in base if unicodedata.category(c) not in ("Mn", "Me"))
    if stripped.isascii() and stripped:
        return stripped
    if char.isalpha():
        return _latin(char)
    return char


def fold(text: str) -> str:
    """``text`` with disguised letters made plain (see the module docstring). Never raises."""
    if not text:
        return ""
    text = str(text)
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    if text.isascii():
        return text
    return "".join(_fold_char(char) if not char.isascii() else char for char in text)


def sentences(text: str) -> list[str]:
    """The sentences, lines and semicolon clauses of ``text``, stripped, non-empty (the one
    splitter, :func:`~guidance_assistant.text.sentences.split_sentences`, in clause mode)."""
    return split_sentences(text, clauses=True)
