"""The importer's errors: the input cannot be turned into an agreement, or the catalog is bad."""

from __future__ import annotations

from tracker.errors import TrackerError


class ImportInputError(TrackerError, ValueError):
    """The file is not a readable agreement text; `at` names the file.

    It is a `ValueError` (the importer's contract) and a `TrackerError`, so the CLI and the web
    report it as a user error (one line, exit 1 / 4xx) like every other input problem.
    """


class CatalogError(TrackerError, ValueError):
    """A mechanism catalog entry (shipped or from the user's config) is malformed."""
