"""Safeguarding check: runs on every client message before any backend sees it.

A disclosure of abuse, neglect, self-harm or suicidal thoughts, exploitation, forced marriage,
homelessness or domestic violence stops normal guidance. :func:`detect_safeguarding` says whether
a message holds one (and why, in words an adviser understands); :func:`escalation_reply` builds the
reply the young person sees instead of guidance: it acknowledges, does not promise secrecy, says
the adviser must pass it to the designated safeguarding lead, and gives UK signposting.

The rules are expert-editable YAML in ``prompts/safeguarding/`` (``categories.yaml`` and
``response.yaml``); :meth:`SafeguardingRules.load` validates them and compiles every pattern
once. Matching is deterministic, pure and fast (plain regular expressions over normalised text);
it is tuned so that a miss is far less likely than a false alarm.

How a message is matched:

1. It is normalised (:func:`normalise_text`): HTML tags dropped and entities decoded, NFKC,
   lowercased, accents, zero-width and control characters removed, look-alike Cyrillic and Greek
   letters mapped to Latin ones, apostrophes removed (``don't`` → ``dont``), hyphens and dashes
   turned into spaces (``self-harm`` → ``self harm``), letters repeated three or more times
   squeezed (``sooo`` → ``so``) and whitespace collapsed. A second view also undoes light
   obfuscation (``k1ll`` → ``kill``, ``s*icide``, ``k i l l``); both views are checked.
2. Every category's patterns are searched. A match is set aside only when one of that category's
   exclusions matches text overlapping it (``dying to`` explains ``dying``), or when a negation
   comes just before it in the same clause (``nobody hits me``, ``never been abused``) and
   nothing nearby (``anymore``, ``until``, ``used to``...) suggests the negation is partial.
3. The message is flagged when any match survives; the first matching category in file order is
   the one reported first. The last category, ``other_concern``, is a broad net of strong cue
   words (``abused``, ``homeless``, ``nudes``...) that no precise pattern explained.

Long messages (over :data:`_SHORT_TEXT` characters) are first passed through Hyperscan
(:mod:`.prefilter`), which names the patterns that could match anywhere in them; only those run,
so a 100,000-character paste is checked in milliseconds; tests check this never changes a result.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.paths import bundled_dir, file_stamp
from guidance_assistant.safeguarding.prefilter import Prefilter
from guidance_assistant.text import fold
from guidance_assistant.text.negation import clause_before, hedged, negated_before
from guidance_assistant.text.sentences import split_sentences

CATEGORIES_FILE = "categories.yaml"
RESPONSE_FILE = "response.yaml"

#: Phrases an escalation reply must never contain (a promise of secrecy).
_SECRECY_PROMISE = re.compile(
    r"\b(?:i|we)\s+(?:won'?t|will\s+not|promise\s+not\s+to|promise\s+i\s+won'?t|will\s+never)\s+"
    r"tell\b|\bkeep\s+(?:this|it|that|everything)\s+(?:a\s+)?secret\b|\b(?:is|stays?|will\s+stay|"
    r"will\s+be|keep\s+it)\s+(?:completely\s+|totally\s+|strictly\s+)?confidential\b",
    re.IGNORECASE,
)
_BETWEEN_US = re.compile(r"\bbetween\s+(?:us|you\s+and\s+me|ourselves)\b", re.IGNORECASE)
_NEGATED_BETWEEN_US = re.compile(
    r"\b(?:can'?t|cannot|can\s+not|won'?t\s+be\s+able\s+to|am\s+not\s+able\s+to)\s+keep\s+"
    r"(?:this|it|that|what\s+you(?:'ve)?\s+(?:told|said)(?:\s+me)?)\s+(?:just\s+|only\s+)?"
    r"between\s+(?:us|you\s+and\s+me|ourselves)\b",
    re.IGNORECASE,
)
#: Numbers that every escalation reply must carry, whatever an expert edits.
REQUIRED_NUMBERS = ("999", "0800 1111", "116 123")
DSL_PHRASE = "designated safeguarding lead"

_MACRO = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_UPPERCASE_LITERAL = re.compile(r"(?<!\\)[A-Z]")
_CONTEXT_CHARS = 250
#: Messages up to this length are scanned whole; longer ones only near the literals patterns need.
_SHORT_TEXT = 1500


class SafeguardingRulesError(GuidanceAssistantError):
    """The safeguarding rules folder is missing a file or a file is malformed."""


# --------------------------------------------------------------------------------------------
# YAML models
# --------------------------------------------------------------------------------------------


class SafeguardingCategory(BaseModel):
    """One kind of disclosure in ``categories.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Stable id, e.g. 'self_harm'.")
    label: str = Field(
        min_length=1, description="What an adviser reads, e.g. 'possible self-harm'."
    )
    description: str = Field(min_length=1)
    signposting: list[str] = Field(
        default_factory=list,
        description="Keys of response.yaml signposting shown for this category (besides 'always').",
    )
    patterns: list[str] = Field(min_length=1)
    exclusions: list[str] = Field(default_factory=list)
    inherit_exclusions: bool = Field(
        default=False,
        description="Also set a match aside when any other category's exclusion explains it "
        "(for a broad-net category whose cue words the precise categories already know).",
    )

    @field_validator("patterns", "exclusions")
    @classmethod
    def _no_blank(cls, value: list[str]) -> list[str]:
        for item in value:
            if not item.strip():
                raise ValueError("a pattern or exclusion is empty")
        return value


class CategoriesFile(BaseModel):
    """``categories.yaml``: reusable regex pieces and the categories in priority order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    macros: dict[str, str] = Field(default_factory=dict)
    categories: list[SafeguardingCategory] = Field(min_length=1)


class ReplyLine(BaseModel):
    """A line of the escalation reply, with an optional plainer wording."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1)
    plain: str | None = Field(default=None, min_length=1)

    def render(self, plain_language: bool) -> str:
        return (self.plain or self.text) if plain_language else self.text


class ResponseFile(BaseModel):
    """``response.yaml``: the pieces of the escalation reply."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    acknowledgements: list[ReplyLine] = Field(min_length=1)
    no_secrecy: ReplyLine
    dsl: ReplyLine
    signposting_intro: ReplyLine
    signposting: dict[str, ReplyLine] = Field(min_length=1)
    always_signpost: list[str] = Field(min_length=1)
    closing: ReplyLine | None = None


class SafeguardingResult(BaseModel):
    """What :func:`detect_safeguarding` found in one message."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    flagged: bool
    category: str | None = Field(default=None, description="Highest-priority matching category.")
    reason: str = Field(description="Which phrase matched, in words an adviser understands.")
    matched_text: str | None = Field(default=None, description="The (normalised) phrase matched.")
    categories: list[str] = Field(default_factory=list, description="Every matching category.")


# --------------------------------------------------------------------------------------------
# Compiled rules
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _CompiledCategory:
    id: str
    label: str
    patterns: tuple[re.Pattern[str], ...]
    exclusions: tuple[re.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class _Match:
    category: int
    text: str
    start: int


class SafeguardingRules:
    """Validated, compiled safeguarding rules from one folder.

    Build with :meth:`load`; the default folder is ``prompts/safeguarding`` of the bundled data.
    """

    __slots__ = ("_compiled", "_prefilter", "categories", "folder", "response")

    def __init__(self, folder: Path, categories: CategoriesFile, response: ResponseFile) -> None:
        self.folder = folder
        self.categories = categories
        self.response = response
        self._compiled = _compile_categories(folder / CATEGORIES_FILE, categories)
        self._prefilter = Prefilter([p for c in self._compiled for p in c.patterns])
        _check_response(folder / RESPONSE_FILE, response, categories)

    @classmethod
    def load(cls, path: str | Path | None = None) -> SafeguardingRules:
        """Load (and cache) the rules of the folder ``path``, or of the bundled default folder.

        A file edited since the last load is read again. Raises :class:`SafeguardingRulesError`
        naming the file and the problem when a file is missing or malformed.
        """
        folder = Path(path) if path is not None else default_rules_folder()
        folder = folder.expanduser().resolve()
        if not folder.is_dir():
            raise SafeguardingRulesError(
                f"The safeguarding rules folder {folder} does not exist. Point to a folder that "
                f"holds {CATEGORIES_FILE} and {RESPONSE_FILE}."
            )
        stamps = tuple(file_stamp(folder / name) for name in (CATEGORIES_FILE, RESPONSE_FILE))
        return _load_cached(folder, stamps)

    @property
    def category_ids(self) -> list[str]:
        return [category.id for category in self.categories.categories]

    def label(self, category_id: str) -> str:
        """The adviser-facing label of a category id."""
        for category in self.categories.categories:
            if category.id == category_id:
                return category.label
        return category_id.replace("_", " ")

    def detect(self, text: str, *, scan_whole_text: bool = False) -> SafeguardingResult:
        """Check one message; see :func:`detect_safeguarding`.

        Long messages are searched only where each pattern's required words occur;
        ``scan_whole_text`` turns that off (tests check it never changes a result).
        """
        if not isinstance(text, str):
            raise TypeError(f"detect_safeguarding needs a str, not {type(text).__name__}")
        base = normalise_text(text)
        if not base:
            return SafeguardingResult(flagged=False, reason="empty message: nothing to check")
        views = [base]
        alternative = _deobfuscated_view(base)
        if alternative:
            views.append(alternative)

        first: dict[int, _Match] = {}
        set_aside: list[str] = []
        for view in views:
            self._scan(view, first, set_aside, scan_whole_text)
        found = list(first.values())
        if not found:
            reason = "no safeguarding concern found"
            if set_aside:
                shown = ", ".join(f"'{phrase}'" for phrase in dict.fromkeys(set_aside))
                reason += f" (set aside as everyday language or denied: {_clip(shown, 200)})"
            return SafeguardingResult(flagged=False, reason=reason)

        found.sort(key=lambda m: (m.category, m.start))
        first_by_category: dict[int, _Match] = {}
        for match in found:
            first_by_category.setdefault(match.category, match)
        ordered = [first_by_category[index] for index in sorted(first_by_category)]
        reasons = [f"{self._compiled[m.category].label}: '{_clip(m.text, 80)}'" for m in ordered]
        return SafeguardingResult(
            flagged=True,
            category=self._compiled[ordered[0].category].id,
            reason="; ".join(reasons),
            matched_text=_clip(ordered[0].text, 200),
            categories=[self._compiled[m.category].id for m in ordered],
        )

    def _scan(
        self, view: str, first: dict[int, _Match], set_aside: list[str], scan_whole_text: bool
    ) -> None:
        """Record in ``first`` the earliest surviving match of each category in ``view``.

        Matches after a category's earliest surviving one are not examined (they cannot change
        the result); set-aside phrases are kept only while nothing has been flagged.
        """
        candidates = (
            None
            if scan_whole_text or len(view) <= _SHORT_TEXT
            else self._prefilter.candidates(view)
        )
        index = -1
        whole = [(0, len(view))]
        for number, category in enumerate(self._compiled):
            for pattern in category.patterns:
                index += 1
                windows = whole if candidates is None else candidates.get(index, [])
                for lo, hi in windows:  # none: Hyperscan says it cannot match anywhere
                    known = first.get(number)
                    if known is not None and lo >= known.start:
                        break
                    for match in pattern.finditer(view, lo, hi):
                        start, end = match.span()
                        known = first.get(number)
                        if known is not None and start >= known.start:
                            break
                        if end == start:
                            continue
                        phrase = match.group(0).strip()
                        if _excluded(category.exclusions, view, start, end) or negated_at(
                            view, start, end
                        ):
                            if not first:
                                set_aside.append(phrase)
                            continue
                        first[number] = _Match(number, phrase, start)
                        break


def default_rules_folder() -> Path:
    """``prompts/safeguarding`` of the bundled data."""
    return bundled_dir("prompts") / "safeguarding"


def detect_safeguarding(text: str, *, rules: SafeguardingRules | None = None) -> SafeguardingResult:
    """Whether ``text`` holds a safeguarding disclosure, which kind, and the phrase that shows it.

    Pure and deterministic; the default rules are loaded once and cached. Empty text is not
    flagged. Raises :class:`SafeguardingRulesError` when the rules folder is malformed: callers
    must then stop (fail closed), never carry on to a backend unchecked.
    """
    return (rules or SafeguardingRules.load()).detect(text)


def escalation_reply(
    result: SafeguardingResult,
    *,
    seed: int = 0,
    plain_language: bool = False,
    rules: SafeguardingRules | None = None,
) -> str:
    """The reply the young person sees instead of guidance when ``result`` is flagged.

    It acknowledges (variant chosen by ``seed``), says the adviser cannot keep it secret and must
    pass it to the designated safeguarding lead, and signposts 999, Childline and Samaritans
    always, plus the services of the matched categories. An unflagged result still gets the
    general reply (a caller escalating for its own reasons must never get an empty answer).
    """
    rules = rules or SafeguardingRules.load()
    response = rules.response
    acknowledgement = response.acknowledgements[seed % len(response.acknowledgements)]
    keys = list(response.always_signpost)
    categories = {category.id: category for category in rules.categories.categories}
    for category_id in result.categories or ([result.category] if result.category else []):
        category = categories.get(category_id)
        if category is not None:
            keys.extend(category.signposting)
    keys = list(dict.fromkeys(keys))

    opening = " ".join(
        line.render(plain_language) for line in (acknowledgement, response.no_secrecy, response.dsl)
    )
    signposts = "\n".join(f"- {response.signposting[key].render(plain_language)}" for key in keys)
    parts = [opening, f"{response.signposting_intro.render(plain_language)}\n{signposts}"]
    if response.closing is not None:
        parts.append(response.closing.render(plain_language))
    return "\n\n".join(parts)


def promises_secrecy(text: str) -> bool:
    """Whether ``text`` promises to keep something secret (an escalation reply never may)."""
    if _SECRECY_PROMISE.search(text):
        return True
    between = len(_BETWEEN_US.findall(text))
    negated = len(_NEGATED_BETWEEN_US.findall(text))
    return between > negated


# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

_TAG = re.compile(
    r"<(?:script|style)\b[^>]{0,200}>.{0,5000}?</(?:script|style)\s*>|<[^<>]{0,500}>", re.S
)
_LOOKALIKES = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j",
    "ѕ": "s", "ԁ": "d", "ӏ": "l", "ɡ": "g", "α": "a", "ε": "e", "ι": "i", "κ": "k",
    "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ℓ": "l",
}  # fmt: skip
_INVISIBLE = "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u2800\u3164\uffa0"
_APOSTROPHE_CHARS = "'`´ʼʻ‘’‛′"
_DASH_CHARS = "-‐‑‒–—―−_"


class _CleanTable(dict[int, str | None]):
    """``str.translate`` table for step 1 of normalisation, filled lazily per character."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        value: str | None
        if char in _LOOKALIKES:
            value = _LOOKALIKES[char]
        elif char in _INVISIBLE or char in _APOSTROPHE_CHARS:
            value = None
        elif char in _DASH_CHARS or char in "\t\n\r\f\v":
            value = " "
        else:
            category = unicodedata.category(char)
            if category in ("Mn", "Me", "Cf", "Cc", "Co", "Cs"):
                value = None
            elif category.startswith("Z"):
                value = " "
            else:
                value = char
        self[code] = value
        return value


_CLEAN = _CleanTable()
_SPACES = re.compile(r"\s+")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_LEET_TOKEN = re.compile(r"[a-z0-9@$!|*]*[0-9@$!|*][a-z0-9@$!|*]*")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                       "$": "s", "!": "i", "|": "l", "*": ""})  # fmt: skip
_SPACED_LETTERS = re.compile(r"\b[a-z](?:[ .*](?=[a-z]\b)[a-z]){2,}\b")
_EMPHASIS = re.compile(r"[*~^]")
_MAYBE_OBFUSCATED = re.compile(r"[0-9@$!|*~^]|\b[a-z][ .*][a-z][ .*][a-z]\b")


def normalise_text(text: str) -> str:
    """The form patterns are written for: see the module docstring."""
    if not text:
        return ""
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text).replace("&", " and ")
    if text.isascii():
        text = text.lower()
    else:
        text = fold(text).casefold()  # NFKC and Unicode confusables: the shared text layer
        text = unicodedata.normalize("NFKD", text)
    text = text.translate(_CLEAN)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = _SPACES.sub(" ", text).strip()
    return _REPEATS.sub(r"\1", text)


def _deobfuscated_view(text: str) -> str:
    """The sentences of ``text`` that :func:`_deobfuscate` changes, deobfuscated ('' if none)."""
    if not _MAYBE_OBFUSCATED.search(text):
        return ""
    if len(text) <= _SHORT_TEXT:
        changed = _deobfuscate(text)
        return "" if changed == text else changed
    parts: list[str] = []
    for sentence in split_sentences(text):
        if sentence and _MAYBE_OBFUSCATED.search(sentence):
            fixed = _deobfuscate(sentence)
            if fixed != sentence.strip():
                parts.append(fixed)
    return " ".join(parts)


def _deobfuscate(text: str) -> str:
    """A second view that undoes light obfuscation: k1ll, s*icide, *die*, k i l l."""

    def unleet(match: re.Match[str]) -> str:
        token = match.group(0)
        core = token.rstrip("!")
        if not any("a" <= c <= "z" for c in core):
            return token  # a number such as 0800, not a disguised word
        return core.translate(_LEET) + token[len(core) :]

    text = _LEET_TOKEN.sub(unleet, text)
    text = _EMPHASIS.sub("", text)
    text = _SPACED_LETTERS.sub(lambda m: re.sub(r"[ .*]", "", m.group(0)), text)
    return _SPACES.sub(" ", text).strip()


# --------------------------------------------------------------------------------------------
# Matching helpers
# --------------------------------------------------------------------------------------------


def _excluded(exclusions: Sequence[re.Pattern[str]], text: str, start: int, end: int) -> bool:
    """Whether an exclusion matches text overlapping ``text[start:end]``."""
    lo = _word_edge_left(text, max(0, start - _CONTEXT_CHARS))
    hi = _word_edge_right(text, min(len(text), end + _CONTEXT_CHARS))
    for exclusion in exclusions:
        for hit in exclusion.finditer(text, lo, hi):
            if hit.start() < end and hit.end() > start:
                return True
            if hit.start() >= end:
                break
    return False


def negated_at(text: str, start: int, end: int) -> bool:
    """A negation in the two words just before the match, in the same clause, and nothing
    nearby that makes it partial."""
    before = clause_before(text, start)
    return negated_before(before, words=2, between="bridge") and not hedged(text, start, end)


def _word_edge_left(text: str, index: int) -> int:
    while index > 0 and not text[index - 1].isspace():
        index -= 1
    return index


def _word_edge_right(text: str, index: int) -> int:
    while index < len(text) and not text[index].isspace():
        index += 1
    return index


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------------------------------
# Loading and checking
# --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=16)
def _load_cached(folder: Path, stamps: tuple[tuple[int, int], ...]) -> SafeguardingRules:
    del stamps  # part of the cache key only: an edited file is read again
    categories = CategoriesFile.model_validate(_read_yaml(folder / CATEGORIES_FILE), strict=False)
    response = ResponseFile.model_validate(_read_yaml(folder / RESPONSE_FILE), strict=False)
    return SafeguardingRules(folder, categories, response)


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise SafeguardingRulesError(
            f"{path}: file missing. The safeguarding rules folder needs {CATEGORIES_FILE} and "
            f"{RESPONSE_FILE}."
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise SafeguardingRulesError(f"{path}: not UTF-8 text ({exc}).") from exc
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f" at line {mark.line + 1}, column {mark.column + 1}"
        problem = getattr(exc, "problem", None) or str(exc)
        raise SafeguardingRulesError(
            f"{path}: not valid YAML{where}: {problem}. Check the indentation and quoting there "
            "(write regular expressions in 'single quotes')."
        ) from exc
    if not isinstance(data, dict):
        raise SafeguardingRulesError(f"{path}: expected a mapping at the top of the file.")
    return _validated(path, data)


def _validated(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    model: type[BaseModel] = CategoriesFile if path.name == CATEGORIES_FILE else ResponseFile
    try:
        model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = _describe_location(data, error["loc"])
            problems.append(f"{where}: {error['msg']}" if where else str(error["msg"]))
        raise SafeguardingRulesError(f"{path}: " + "; ".join(problems)) from exc
    return data


def _describe_location(data: Any, loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(key, int):
            label = f"[{key + 1}]"
            if isinstance(node, list) and key < len(node):
                node = node[key]
                if isinstance(node, dict) and isinstance(node.get("id"), str):
                    label = f"[{key + 1}] (id '{node['id']}')"
            parts.append(label)
        else:
            parts.append(("." if parts else "") + key)
            node = node.get(key) if isinstance(node, dict) else None
    return "".join(parts)


def _expand_macros(path: Path, macros: dict[str, str], text: str, where: str) -> str:
    for _ in range(10):
        names = _MACRO.findall(text)
        if not names:
            return text
        for name in names:
            if name not in macros:
                raise SafeguardingRulesError(
                    f"{path}: {where} uses {{{name}}}, but no macro '{name}' is defined under "
                    f"'macros' (defined: {', '.join(sorted(macros)) or 'none'})."
                )
        text = _MACRO.sub(lambda m: f"(?:{macros[m.group(1)]})", text)
    raise SafeguardingRulesError(f"{path}: {where}: macros nest too deeply (a macro uses itself?).")


def _compile_one(path: Path, macros: dict[str, str], source: str, where: str) -> re.Pattern[str]:
    if _UPPERCASE_LITERAL.search(_MACRO.sub("", source)):
        raise SafeguardingRulesError(
            f"{path}: {where} {source!r} has capital letters, but messages are lowercased before "
            "matching, so it could never match. Write it in lowercase."
        )
    expanded = _expand_macros(path, macros, source, where)
    try:
        compiled = re.compile(expanded)
    except re.error as exc:
        raise SafeguardingRulesError(
            f"{path}: {where} {source!r} is not a valid regular expression: {exc}."
        ) from exc
    if compiled.search("") is not None or compiled.search(" ") is not None:
        raise SafeguardingRulesError(
            f"{path}: {where} {source!r} matches empty text, so it would match every message. "
            "Make it require at least one word."
        )
    return compiled


def _compile_categories(path: Path, file: CategoriesFile) -> tuple[_CompiledCategory, ...]:
    seen: set[str] = set()
    compiled: list[_CompiledCategory] = []
    own_exclusions: dict[str, tuple[re.Pattern[str], ...]] = {}
    for name, value in file.macros.items():
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise SafeguardingRulesError(
                f"{path}: macro name '{name}' must be lowercase letters, digits and underscores."
            )
        _compile_macro(path, file.macros, name, value)
    for category in file.categories:
        if category.id in seen:
            raise SafeguardingRulesError(f"{path}: category id '{category.id}' appears twice.")
        seen.add(category.id)
        patterns = tuple(
            (_compile_one(path, file.macros, p, f"category '{category.id}' pattern {i}"))
            for i, p in enumerate(category.patterns, 1)
        )
        exclusions = tuple(
            (_compile_one(path, file.macros, p, f"category '{category.id}' exclusion {i}"))
            for i, p in enumerate(category.exclusions, 1)
        )
        own_exclusions[category.id] = exclusions
        compiled.append(_CompiledCategory(category.id, category.label, patterns, exclusions))
    inheriting = {c.id for c in file.categories if c.inherit_exclusions}
    if inheriting:
        every = tuple(pattern for group in own_exclusions.values() for pattern in group)
        compiled = [
            _CompiledCategory(c.id, c.label, c.patterns, tuple(dict.fromkeys(every)))
            if c.id in inheriting
            else c
            for c in compiled
        ]
    return tuple(compiled)


def _compile_macro(path: Path, macros: dict[str, str], name: str, value: str) -> None:
    expanded = _expand_macros(path, macros, value, f"macro '{name}'")
    try:
        re.compile(expanded)
    except re.error as exc:
        raise SafeguardingRulesError(
            f"{path}: macro '{name}' {value!r} is not a valid regular expression: {exc}."
        ) from exc


def _check_response(path: Path, response: ResponseFile, categories: CategoriesFile) -> None:
    known = set(response.signposting)
    for key in response.always_signpost:
        if key not in known:
            raise SafeguardingRulesError(
                f"{path}: always_signpost names '{key}', which is not under 'signposting' "
                f"(known: {', '.join(sorted(known))})."
            )
    for category in categories.categories:
        for key in category.signposting:
            if key not in known:
                raise SafeguardingRulesError(
                    f"{path.parent / CATEGORIES_FILE}: category '{category.id}' signposts '{key}', "
                    f"which is not under 'signposting' in {RESPONSE_FILE} "
                    f"(known: {', '.join(sorted(known))})."
                )
    for plain in (False, True):
        always = " ".join(
            response.signposting[key].render(plain) for key in response.always_signpost
        )
        for number in REQUIRED_NUMBERS:
            if number not in always:
                raise SafeguardingRulesError(
                    f"{path}: the always_signpost lines must give {number} "
                    f"({'plain' if plain else 'text'} wording); every escalation reply carries "
                    "999, Childline 0800 1111 and Samaritans 116 123."
                )
        if DSL_PHRASE not in response.dsl.render(plain).lower():
            raise SafeguardingRulesError(
                f"{path}: the dsl line must say '{DSL_PHRASE}' "
                f"({'plain' if plain else 'text'} wording)."
            )
    lines: list[tuple[str, ReplyLine]] = [
        ("no_secrecy", response.no_secrecy),
        ("dsl", response.dsl),
    ]
    lines += [(f"acknowledgements[{i}]", a) for i, a in enumerate(response.acknowledgements, 1)]
    lines += [(f"signposting.{k}", v) for k, v in response.signposting.items()]
    lines.append(("signposting_intro", response.signposting_intro))
    if response.closing is not None:
        lines.append(("closing", response.closing))
    for name, line in lines:
        for wording in (line.text, line.plain or ""):
            if promises_secrecy(wording):
                raise SafeguardingRulesError(
                    f"{path}: {name} promises secrecy ({wording!r}). An adviser can never promise "
                    "to keep a disclosure secret."
                )
    if not _NEGATED_BETWEEN_US.search(response.no_secrecy.text):
        raise SafeguardingRulesError(
            f"{path}: no_secrecy must say plainly that you cannot keep this between you, "
            'e.g. "I can\'t keep this just between us".'
        )
