"""Errors a person can act on. Each message says what went wrong and what to do."""

from __future__ import annotations


class GuidanceAssistantError(Exception):
    """Base class: the CLI and the app show ``str(error)`` to the person, never a traceback."""


class QueryError(GuidanceAssistantError, ValueError):
    """A search question that cannot be used as it is (empty, too long, unreadable)."""


class DocumentError(GuidanceAssistantError):
    """A document that cannot be read or has no text."""


class KnowledgeIndexError(GuidanceAssistantError):
    """Base for problems with a persisted index."""


class IndexMissingError(KnowledgeIndexError):
    """No index where one was expected."""


class IndexMismatchError(KnowledgeIndexError):
    """The index was built with another embedding model or other chunking settings."""


class IndexCorruptError(KnowledgeIndexError):
    """A file of the index is truncated, altered or unreadable."""


class LMIError(GuidanceAssistantError):
    """An occupation record that does not exist or a malformed LMI data file."""
