"""Which safeguarding patterns could match a long message, found in one pass by Hyperscan.

A 100,000-character message scanned by every pattern in turn takes seconds. Hyperscan (Intel's
multi-pattern matcher) compiles every pattern into one database in *prefilter* mode, which
reports a superset of the patterns that can match (constructs it cannot run exactly, such as
look-behinds, are loosened, never tightened), so the rules then run only the patterns it names,
with Python's ``re``, over the whole text: the result is exactly the whole scan's (a test checks
it). A pattern Hyperscan cannot compile is always run; without Hyperscan (no wheel for the
platform) every pattern is run, which is slower but the same.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: How far back from where a match ends its start may lie (no safeguarding pattern matches more
#: than a few hundred characters), and how far on a look-ahead may read.
REACH_BACK = 1_500
REACH_ON = 200


class Prefilter:
    """Built for one set of compiled rules; the Hyperscan database is compiled on the first long
    message (about five seconds for the bundled rules), kept in the data folder for later
    processes and cached for this one, shared by every rules object with the same patterns. :meth:`candidates` is safe to call from threads."""

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        self.sources = tuple(p.pattern for p in patterns)
        self._lock = threading.Lock()

    @property
    def always(self) -> frozenset[int]:
        """Patterns Hyperscan could not compile: they are always run."""
        compiled = _compiled(self.sources)
        return compiled[1] if compiled is not None else frozenset(range(len(self.sources)))

    def candidates(self, text: str) -> dict[int, list[tuple[int, int]]] | None:
        """For each pattern that could match ``text``, the stretches of it to search (around
        every place Hyperscan's looser form of the pattern ends a match); ``None``: search the
        whole text with every pattern.

        The database is compiled for ASCII: a character outside ASCII (views are folded to ASCII
        letters, but dashes, currency signs, emoji or other scripts remain) is scanned as one ASCII
        character that matches every class it does (:func:`ascii_stand_in`), so offsets stay the
        same and no match is lost; patterns whose negated classes could exclude a stand-in are
        searched whole."""
        with self._lock:
            compiled = _compiled(self.sources)
        if compiled is None:
            return None
        database, always = compiled
        ends: dict[int, list[int]] = {}

        def on_match(pattern_id: int, start: int, end: int, flags: int, context: Any) -> None:
            ends.setdefault(pattern_id, []).append(end)

        try:
            with self._lock:
                database.scan(ascii_stand_in(text).encode("ascii"), match_event_handler=on_match)
        except Exception as error:  # never lose a message to the prefilter
            log.warning("hyperscan scan failed (%s): every pattern runs", error)
            return None
        whole = [(0, len(text))]
        found = {index: whole for index in always}
        for index, positions in ends.items():
            found[index] = _windows(text, positions)
        return found


def ascii_stand_in(text: str) -> str:
    """``text`` with each non-ASCII character replaced by one ASCII character of the same kind:
    ``0`` for a digit, ``q`` for another letter or digit-like word character, a space for a
    space, ``#`` for anything else (each matches ``\\d``/``\\w``/``\\s``/``\\W`` as the
    original does, and ``.``, ``\\S`` and negated classes that do not name it)."""
    if text.isascii():
        return text
    return "".join(char if char.isascii() else _stand_in(char) for char in text)


def _stand_in(char: str) -> str:
    if char.isdigit():
        return "0"
    if char.isalnum() or char == "_":
        return "q"
    if char.isspace():
        return " "
    return "#"


#: A negated class that names a stand-in (or a class of them) could refuse it where it would
#: accept the original character: such patterns are searched whole.
_RISKY_NEGATED_CLASS = re.compile(r"\[\^[^\]]*(?:[ q#0]|\\[sdwSDW])")


def _windows(text: str, ends: list[int]) -> list[tuple[int, int]]:
    """Merged stretches that hold every match ending at one of ``ends``: from
    :data:`REACH_BACK` characters before each end to :data:`REACH_ON` after it (for look-aheads),
    widened to whole words so that ``\\b`` at an edge means what it says."""
    size = len(text)
    merged: list[tuple[int, int]] = []
    for end in sorted(ends):
        lo, hi = max(0, end - REACH_BACK), min(size, end + REACH_ON)
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    out: list[tuple[int, int]] = []
    for lo, hi in merged:
        if lo > 0:
            space = text.rfind(" ", max(0, lo - 64), lo)
            lo = space + 1 if space != -1 else max(0, lo - 64)
        if hi < size:
            space = text.find(" ", hi, hi + 64)
            hi = space if space != -1 else min(size, hi + 64)
        out.append((lo, hi))
    return out


@functools.lru_cache(maxsize=4)
def _compiled(sources: tuple[str, ...]) -> tuple[Any, frozenset[int]] | None:
    """One prefilter database for ``sources`` and the indexes it leaves out; ``None`` without
    Hyperscan."""
    try:
        import hyperscan
    except ImportError:  # pragma: no cover - the wheel exists for the platforms we test on
        log.info("hyperscan is not installed: long messages are scanned by every pattern")
        return None
    flags = (
        hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_ALLOWEMPTY
    )
    expressions = {
        i: s.encode("ascii")
        for i, s in enumerate(sources)
        if s.isascii() and not _RISKY_NEGATED_CLASS.search(s)
    }
    cached = _load_cached(hyperscan, expressions, flags)
    if cached is not None:
        return cached[0], frozenset(range(len(sources))) - cached[1]
    try:
        usable = expressions
        database = _database(hyperscan, usable, flags) if usable else None
    except Exception:  # find the patterns it cannot compile; they are always run
        usable = {}
        for index, expression in expressions.items():
            try:
                _database(hyperscan, {index: expression}, flags)
            except Exception:
                continue
            usable[index] = expression
        database = _database(hyperscan, usable, flags) if usable else None
    if database is None:
        return None
    _save_cached(hyperscan, expressions, flags, database, frozenset(usable))
    return database, frozenset(range(len(sources))) - frozenset(usable)


def _cache_path(hyperscan: Any, expressions: dict[int, bytes], flags: int) -> Path | None:
    """Where the compiled database for these expressions is kept between processes: the data
    folder, named by a hash of the expressions, the flags and the Hyperscan version (a database
    from another version or machine is refused by ``loadb`` and compiled afresh)."""
    try:
        from guidance_assistant.config import get_settings

        folder = get_settings().data_dir / "cache"
    except Exception:  # pragma: no cover - settings that cannot load: no cache, still correct
        return None
    digest = hashlib.sha256()
    digest.update(str(getattr(hyperscan, "__version__", "")).encode())
    digest.update(str(flags).encode())
    for index, expression in sorted(expressions.items()):
        digest.update(f"{index}:".encode() + expression + b"\0")
    return folder / f"safeguarding-prefilter-{digest.hexdigest()[:16]}.hsdb"


def _load_cached(
    hyperscan: Any, expressions: dict[int, bytes], flags: int
) -> tuple[Any, frozenset[int]] | None:
    path = _cache_path(hyperscan, expressions, flags)
    if path is None or not path.is_file():
        return None
    try:
        payload = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        database = hyperscan.loadb(path.read_bytes(), hyperscan.HS_MODE_BLOCK)
        database.scratch = hyperscan.Scratch(database)  # a loaded database has no scratch space
        return database, frozenset(int(i) for i in payload["usable"])
    except Exception:  # stale, truncated or from another machine: compile again
        log.info("prefilter cache %s unusable; compiling", path)
        return None


def _save_cached(
    hyperscan: Any,
    expressions: dict[int, bytes],
    flags: int,
    database: Any,
    usable: frozenset[int],
) -> None:
    path = _cache_path(hyperscan, expressions, flags)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(hyperscan.dumpb(database))
        path.with_suffix(".json").write_text(json.dumps({"usable": sorted(usable)}), "utf-8")
        os.replace(temporary, path)
    except OSError as error:  # a read-only data folder: compile each process, still correct
        log.info("prefilter cache not written: %s", error)


def _database(hyperscan: Any, expressions: dict[int, bytes], flags: int) -> Any:
    database = hyperscan.Database()
    database.compile(
        expressions=list(expressions.values()),
        ids=list(expressions),
        elements=len(expressions),
        flags=[flags] * len(expressions),
    )
    return database
