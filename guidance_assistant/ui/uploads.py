"""Where Gradio keeps uploads: a private folder in the app's data folder, emptied at start.

Gradio writes every upload to its cache before a handler sees it, and by default that cache is
a shared folder in ``/tmp`` that outlives the server. The app points Gradio at
``DATA_DIR/uploads`` (readable by the server's account only), each handler deletes what it was
given as soon as it has read or moved it, Gradio's own clean-up removes anything left after an
hour (an upload no handler took), and :func:`clear_upload_folder` empties it at start. The
server never serves files from it (:mod:`guidance_assistant.ui.server`).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from guidance_assistant.config import Settings

UPLOADS_FOLDER = "uploads"
#: Gradio's ``delete_cache``: every 10 minutes, remove uploads older than an hour.
DELETE_CACHE = (600, 3600)


def upload_folder(settings: Settings) -> Path:
    return (settings.data_dir / UPLOADS_FOLDER).resolve()


def use_private_upload_folder(settings: Settings) -> Path:
    """Make the private upload folder and point Gradio at it (before any Blocks is built)."""
    folder = upload_folder(settings)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.chmod(0o700)
    os.environ["GRADIO_TEMP_DIR"] = str(folder)
    return folder


def clear_upload_folder(settings: Settings) -> int:
    """Delete everything in the upload folder (left by a crash); the number of entries."""
    folder = upload_folder(settings)
    if not folder.is_dir():
        return 0
    count = 0
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        count += 1
    return count
