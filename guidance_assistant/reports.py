"""Deprecated: use :mod:`guidance_assistant.export` (``from guidance_assistant.export import
markdown_to_pdf, pdf_text``). These names are re-exported from there unchanged and will go in a
later release.
"""

from __future__ import annotations

from guidance_assistant.export.pdf import markdown_to_pdf, pdf_text

__all__ = ["markdown_to_pdf", "pdf_text"]
