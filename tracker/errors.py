"""Errors a user can act on: the CLI prints them as one line and exits 1, the web answers 4xx."""

from __future__ import annotations


class TrackerError(Exception):
    """A problem with the user's input or environment, explained in one line."""

    exit_code = 1


class ConfigError(TrackerError):
    """config.toml or a TRACKER_ environment variable is wrong."""


class DatabaseUnavailable(TrackerError):
    """The configured database cannot be reached or opened."""


class NotFound(TrackerError):
    """A named agreement, commitment, mechanism or officer does not exist."""
