"""Where the bundled, expert-editable data lives.

In a source checkout (the README's editable install) the data folders sit beside the package;
in a built wheel they are copied into ``guidance_assistant/_bundled``. Nothing here reads env vars.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent


def bundled_dir(name: str) -> Path:
    """Return the folder ``name`` (``knowledge``, ``prompts`` or ``evals``) of the bundled data."""
    for candidate in (PACKAGE_DIR / "_bundled" / name, REPO_ROOT / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"The bundled '{name}' folder is missing (looked in {PACKAGE_DIR / '_bundled'} and "
        f"{REPO_ROOT}). Reinstall guidance-assistant or run it from a full checkout."
    )


def shared_dir(name: str) -> Path | None:
    """The sibling ``../shared/<name>`` folder of a checkout, when it exists (else ``None``)."""
    candidate = REPO_ROOT.parent / "shared" / name
    return candidate if candidate.is_dir() else None


def file_stamp(path: Path) -> tuple[int, int]:
    """(modification time, size) of ``path``, or (-1, -1) when it can't be read: part of a cache
    key, so that an expert's edit to a YAML file is picked up without a restart."""
    try:
        info = path.stat()
    except OSError:
        return (-1, -1)
    return (info.st_mtime_ns, info.st_size)
