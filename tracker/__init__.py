"""tracker: commitment follow-up and compliance tracking for desk officers."""

__version__ = "0.1.0"
