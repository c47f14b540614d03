"""The `tracker` command line. Commands parse input, call one service function, and print."""

from __future__ import annotations

from tracker.cli.app import app, main

__all__ = ["app", "main"]
