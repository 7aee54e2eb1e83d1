"""The occupation records in memory: look one up by id, or find them by a job title."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError
from rapidfuzz import fuzz, process, utils

from guidance_assistant.errors import LMIError
from guidance_assistant.lmi.models import OccupationMatch, OccupationRecord
from guidance_assistant.paths import bundled_dir

RECORDS_FILE = Path("lmi") / "occupations.jsonl"
REBUILD_HINT = (
    "Rebuild it with 'python scripts/build_lmi.py --shared ../shared/lmi "
    "--out knowledge/lmi/occupations.jsonl' or reinstall guidance-assistant."
)


def default_records_path() -> Path:
    """The bundled ``knowledge/lmi/occupations.jsonl``."""
    return bundled_dir("knowledge") / RECORDS_FILE


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ())) or "record"
    return f"{where}: {first.get('msg', 'invalid value')}"


class LMIStore:
    """All occupation records of one file, by id, with fuzzy title search."""

    def __init__(self, records: list[OccupationRecord], path: Path | None = None) -> None:
        self.path = path
        self._records: dict[str, OccupationRecord] = {}
        for record in records:
            if record.id in self._records:
                raise LMIError(f"Two occupation records have the id '{record.id}'.")
            self._records[record.id] = record
        self._titles: list[str] = []
        self._title_owner: list[str] = []
        for record in self._records.values():
            seen: set[str] = set()
            for title in (record.title, *record.alternative_titles):
                key = utils.default_process(title)
                if key and key not in seen:
                    seen.add(key)
                    self._titles.append(title)
                    self._title_owner.append(record.id)

    @classmethod
    def load(cls, path: Path | None = None) -> LMIStore:
        """Read a JSON-lines file of records (default: the bundled one).

        Raises :class:`LMIError` naming the file and line when the file is missing, a line is not
        a JSON object or does not fit the record schema, or two lines share an id.
        """
        path = path if path is not None else default_records_path()
        if not path.is_file():
            raise LMIError(f"The occupation records file {path} does not exist. {REBUILD_HINT}")
        records: list[OccupationRecord] = []
        seen: dict[str, int] = {}
        try:
            handle = path.open(encoding="utf-8")
        except OSError as error:
            raise LMIError(f"Cannot read the occupation records file {path}: {error}.") from error
        with handle:
            try:
                for number, line in enumerate(handle, start=1):
                    if not line.strip():
                        continue
                    try:
                        data = json.loads(line)
                    except json.JSONDecodeError as error:
                        raise LMIError(
                            f"{path}, line {number}: not valid JSON ({error.msg}, column "
                            f"{error.colno}). {REBUILD_HINT}"
                        ) from error
                    if not isinstance(data, dict):
                        raise LMIError(
                            f"{path}, line {number}: expected a JSON object (one occupation "
                            f"record). {REBUILD_HINT}"
                        )
                    try:
                        record = OccupationRecord.model_validate(data)
                    except ValidationError as error:
                        raise LMIError(
                            f"{path}, line {number}: not a valid occupation record "
                            f"({_first_error(error)}). {REBUILD_HINT}"
                        ) from error
                    if record.id in seen:
                        raise LMIError(
                            f"{path}, line {number}: the id '{record.id}' is already used on "
                            f"line {seen[record.id]}."
                        )
                    seen[record.id] = number
                    records.append(record)
            except UnicodeDecodeError as error:
                raise LMIError(f"{path} is not UTF-8 text ({error.reason}).") from error
        if not records:
            raise LMIError(f"The occupation records file {path} holds no records. {REBUILD_HINT}")
        return cls(records, path=path)

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[OccupationRecord]:
        return iter(self._records.values())

    def __contains__(self, occupation_id: object) -> bool:
        return occupation_id in self._records

    def all(self) -> list[OccupationRecord]:
        """Every record, in file order."""
        return list(self._records.values())

    def ids(self) -> list[str]:
        return list(self._records)

    def get(self, id: str) -> OccupationRecord:
        """The record with this id; an unknown id raises :class:`LMIError` naming close ids."""
        record = self._records.get(id)
        if record is not None:
            return record
        message = f"No occupation record has the id '{id}'."
        suggestions = self.closest_ids(id)
        if suggestions:
            message += " Did you mean: " + ", ".join(f"'{s}'" for s in suggestions) + "?"
        message += " Use find() to search by job title."
        raise LMIError(message)

    def closest_ids(self, text: str, limit: int = 3) -> list[str]:
        """The ids (matched on ids and titles) most like ``text``."""
        if not text.strip():
            return []
        query = text.replace("-", " ")
        scores: dict[str, float] = {}
        candidates = {record.id: record.id.replace("-", " ") for record in self}
        for _choice, score, key in process.extract(
            query, candidates, scorer=fuzz.WRatio, processor=utils.default_process, limit=limit
        ):
            scores[str(key)] = max(scores.get(str(key), 0.0), float(score))
        for match in self.find(text, limit=limit):
            scores[match.record.id] = max(scores.get(match.record.id, 0.0), match.score)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return [key for key, score in ranked[:limit] if score >= 50]

    def find(self, query: str, limit: int = 5) -> list[OccupationMatch]:
        """Records whose title or an alternative title is most like ``query``, best first.

        Typo-tolerant (``"software develper"``) and partial (``"nurse"`` finds the nursing
        jobs). ``score`` is 0–100; ``matched_title`` is the title that matched best.
        """
        if not isinstance(query, str) or not utils.default_process(query):
            raise LMIError("Give a job title to search for (the query is empty).")
        if limit < 1:
            raise LMIError(f"The number of results must be at least 1 (got {limit}).")
        processed = utils.default_process(query)
        best: dict[str, tuple[float, float, float, str]] = {}
        for title, score, index in process.extract(
            processed,
            self._titles,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            limit=None,
            score_cutoff=1,
        ):
            owner = self._title_owner[index]
            # Ties (many titles contain the query) go to titles holding the query's words
            # whole ('Dental nurse' before 'Nursery worker'), then to the closest whole title.
            target = utils.default_process(title)
            candidate = (
                float(score),
                float(fuzz.token_set_ratio(processed, target)),
                float(fuzz.ratio(processed, target)),
                title,
            )
            current = best.get(owner)
            if current is None or candidate[:3] > current[:3]:
                best[owner] = candidate
        ranked = sorted(
            best.items(),
            key=lambda item: (-item[1][0], -item[1][1], -item[1][2], item[1][3], item[0]),
        )
        return [
            OccupationMatch(
                record=self._records[owner],
                score=round(min(score, 100.0), 1),
                matched_title=title,
            )
            for owner, (score, _words, _closeness, title) in ranked[:limit]
        ]
