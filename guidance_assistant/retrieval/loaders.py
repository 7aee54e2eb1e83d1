"""Reading files into :class:`~guidance_assistant.sources.Document` objects.

Supported: Markdown (with optional YAML front matter), plain text, PDF and HTML. A file that
cannot be used is reported as a :class:`LoadProblem` in words a person understands; it never
stops the other files from loading.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from guidance_assistant.errors import DocumentError
from guidance_assistant.paths import REPO_ROOT, bundled_dir
from guidance_assistant.sources import DocType, Document

SUPPORTED_SUFFIXES = {".md", ".markdown", ".txt", ".pdf", ".html", ".htm"}
MAX_FILE_BYTES = 50 * 1024 * 1024
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)


#: Named folders a document's id is written relative to, so that an index built in one checkout
#: or data folder is reused by another (``file:knowledge/frameworks/gatsby-benchmarks.md``).
Roots = Mapping[str, Path]


def default_roots() -> dict[str, Path]:
    """The bundled knowledge folder and the checkout's sibling ``shared`` folder."""
    return {"knowledge": bundled_dir("knowledge"), "shared": REPO_ROOT.parent / "shared"}


def document_id(path: Path, roots: Roots | None = None) -> str:
    """``file:<root name>/<path below it>`` for a file under one of ``roots`` (the deepest
    that holds it), else ``file:<absolute path>``."""
    resolved = Path(path).resolve()
    best: tuple[int, str] | None = None
    for name, root in (default_roots() if roots is None else roots).items():
        try:
            below = resolved.relative_to(Path(root).resolve())
        except (ValueError, OSError):
            continue
        depth = len(Path(root).resolve().parts)
        if best is None or depth > best[0]:
            best = (depth, f"file:{name}/{below.as_posix()}")
    return best[1] if best is not None else f"file:{resolved}"


def document_path(doc_id: str, roots: Roots | None = None) -> Path | None:
    """The file a ``file:`` document id names (``None`` for other ids or an unknown root)."""
    if not doc_id.startswith("file:"):
        return None
    rest = doc_id[len("file:") :]
    if rest.startswith("/"):
        return Path(rest)
    name, _, below = rest.partition("/")
    root = (default_roots() if roots is None else roots).get(name)
    return Path(root) / below if root is not None else None


@dataclass(frozen=True)
class LoadProblem:
    """A file that was skipped, and why."""

    path: Path
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class SourceCitation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    publisher: str | None = None
    year: int | None = None
    url: str | None = None


class FrontMatter(BaseModel):
    """The YAML header of a Markdown knowledge note."""

    model_config = ConfigDict(extra="forbid")
    title: str
    doc_type: DocType = "framework"
    publisher: str | None = None
    year: int | None = None
    url: str | None = None
    sources: list[SourceCitation] = []


class CatalogueEntry(BaseModel):
    """Title and publisher of a document whose text carries none (``knowledge/sources.yaml``)."""

    model_config = ConfigDict(extra="forbid")
    title: str
    publisher: str | None = None
    year: int | None = None
    url: str | None = None
    doc_type: DocType = "framework"


@functools.lru_cache(maxsize=1)
def source_catalogue() -> dict[str, CatalogueEntry]:
    """Known documents by file name, from the bundled ``knowledge/sources.yaml``."""
    path = bundled_dir("knowledge") / "sources.yaml"
    if not path.is_file():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict):
        raise DocumentError(f"{path} must map file names to their title and publisher.")
    try:
        return {str(name): CatalogueEntry.model_validate(entry) for name, entry in raw.items()}
    except ValidationError as error:
        raise DocumentError(f"{path} has an invalid entry: {error}") from error


def iter_files(paths: Iterable[Path]) -> tuple[list[Path], list[LoadProblem]]:
    """Expand folders into the supported files below them (sorted, hidden files skipped)."""
    files: list[Path] = []
    problems: list[LoadProblem] = []
    for path in paths:
        path = Path(path).expanduser()
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if child.is_file() and not hidden and child.suffix.lower() in SUPPORTED_SUFFIXES:
                    files.append(child)
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                files.append(path)
            else:
                problems.append(
                    LoadProblem(
                        path,
                        f"'{path.suffix or 'no extension'}' files are not supported; "
                        "use .md, .txt, .pdf or .html.",
                    )
                )
        else:
            problems.append(LoadProblem(path, "no such file or folder."))
    return files, problems


def load_paths(
    paths: Iterable[Path], *, doc_type: DocType = "user", roots: Roots | None = None
) -> tuple[list[Document], list[LoadProblem]]:
    """Load every supported file under ``paths``; unusable files come back as problems.
    Document ids are relative to ``roots`` (see :func:`document_id`)."""
    files, problems = iter_files(paths)
    documents: list[Document] = []
    seen: set[str] = set()
    for file in files:
        try:
            document = load_file(file, doc_type=doc_type, roots=roots)
        except DocumentError as error:
            problems.append(LoadProblem(file, str(error)))
            continue
        if document.doc_id in seen:
            continue
        seen.add(document.doc_id)
        documents.append(document)
    return documents, problems


def load_file(path: Path, *, doc_type: DocType = "user", roots: Roots | None = None) -> Document:
    """Read one file. Raises :class:`DocumentError` with a plain reason when it can't be used.
    Its id is relative to ``roots`` (see :func:`document_id`)."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise DocumentError(f"cannot be read ({error.strerror}).") from error
    if size == 0:
        raise DocumentError("the file is empty.")
    if size > MAX_FILE_BYTES:
        raise DocumentError(
            f"the file is {size / 1e6:.0f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB."
        )
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        title, text = _read_pdf(path)
        meta: dict[str, Any] = {}
    elif suffix in {".html", ".htm"}:
        title, text = _read_html(path)
        meta = {}
    else:
        raw = _read_text(path)
        title, text, meta = _split_front_matter(raw, path)
        if suffix == ".txt":
            text = mark_plain_text_headings(text)
    if not text.strip() or not any(ch.isalnum() for ch in text):
        raise DocumentError("has no readable text.")

    entry = source_catalogue().get(path.name)
    resolved_type: DocType = meta.get("doc_type", doc_type)
    publisher = meta.get("publisher")
    year = meta.get("year")
    url = meta.get("url")
    if entry is not None:
        title, resolved_type = entry.title, entry.doc_type
        publisher, year, url = entry.publisher, entry.year, entry.url
    extra = {}
    if meta.get("sources"):
        extra["cites"] = "; ".join(
            f"{s.title} ({', '.join(str(p) for p in (s.publisher, s.year) if p)})"
            for s in meta["sources"]
        )
    return Document(
        doc_id=document_id(path, roots),
        title=title or _title_from_name(path),
        text=text,
        doc_type=resolved_type,
        source=path.name,
        publisher=publisher,
        year=year,
        url=url,
        metadata=extra,
    )


def _title_from_name(path: Path) -> str:
    return re.sub(r"[_-]+", " ", path.stem).strip().capitalize() or path.name


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise DocumentError("looks like a binary file, not text.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in text[:20000])
    if printable < 0.9 * min(len(text), 20000):
        raise DocumentError("looks like a binary file, not text.")
    return text.replace("\r\n", "\n")


def _split_front_matter(raw: str, path: Path) -> tuple[str | None, str, dict[str, Any]]:
    match = _FRONT_MATTER.match(raw)
    if not match:
        heading = re.search(r"^#\s+(.+)$", raw, re.MULTILINE)
        return (heading.group(1).strip() if heading else None), raw, {}
    try:
        data = yaml.safe_load(match.group(1)) or {}
        front = FrontMatter.model_validate(data)
    except (yaml.YAMLError, ValidationError) as error:
        raise DocumentError(f"its front matter is not valid: {error}") from error
    return (
        front.title,
        raw[match.end() :],
        front.model_dump(exclude_none=True) | {"sources": front.sources},
    )


_HEADING_LIKE = re.compile(r"^[A-Z0-9][^.!?:;]{2,78}$")


def mark_plain_text_headings(text: str) -> str:
    """Turn heading-like lines of a plain text file into Markdown headings.

    A line counts as a heading when it is short, starts with a capital or digit, has no
    sentence punctuation and is followed by a longer line (the paragraph it heads).
    """
    lines = text.split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        stripped = line.strip().strip("*").strip()
        nxt = next((ln.strip() for ln in lines[i + 1 :] if ln.strip()), "")
        if (
            not stripped.startswith("#")
            and _HEADING_LIKE.match(stripped)
            and len(stripped.split()) <= 12
            and len(nxt) > len(stripped) + 20
        ):
            out.append(f"## {stripped}")
        else:
            out.append(line)
    return "\n".join(out)


def _read_pdf(path: Path) -> tuple[str | None, str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
        title = reader.metadata.title if reader.metadata and reader.metadata.title else None
    except (PdfReadError, ValueError, KeyError, OSError) as error:
        raise DocumentError(f"is not a readable PDF ({error}).") from error
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise DocumentError("has no extractable text (a scanned PDF needs OCR first).")
    return (str(title) if title else None), mark_plain_text_headings(text)


def _read_html(path: Path) -> tuple[str | None, str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_read_text(path), "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "iframe", "nav", "footer"]):
        tag.decompose()
    for level in range(1, 7):
        for heading in soup.find_all(f"h{level}"):
            heading.replace_with(
                f"\n\n{'#' * min(level, 3)} {heading.get_text(' ', strip=True)}\n\n"
            )
    for block in soup.find_all(["p", "li", "div", "br", "tr"]):
        block.insert_after("\n")
    title = soup.title.get_text(strip=True) if soup.title else None
    if soup.title:
        soup.title.decompose()
    text = re.sub(r"\n{3,}", "\n\n", soup.get_text())
    return title or None, text.strip()
