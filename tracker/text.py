"""Small text helpers shared by the importer, lookups and the UI."""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")
_DOTS = str.maketrans({"ㆍ": "·", "•": "·", "‧": "·", "・": "·", "∙": "·"})
_BRACKETS = re.compile(r"[<>「」『』‘’'\"“”〈〉《》]")


def fold_whitespace(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def fold_name(name: str) -> str:
    """The form in which two spellings of one mechanism name compare equal."""
    return _SPACE.sub("", _BRACKETS.sub("", name.translate(_DOTS))).casefold()


def shorten(text: str, limit: int = 60) -> str:
    """One line of at most `limit` characters, for tables."""
    flat = fold_whitespace(text)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
