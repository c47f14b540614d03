"""The Jinja environment for reports: autoescaped, overridable, and keeping Korean words whole.

WeasyPrint ignores `word-break: keep-all` and breaks lines inside Korean words. Every value a
template prints passes through `finalize`, which puts U+2060 WORD JOINER between the Hangul
syllables of a word: lines then break only at spaces, between 어절, and text extraction still
reads the words. Templates cannot forget it, because they do not have to ask for it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

WORD_JOINER = "\u2060"
# A letter followed by another letter of the same word, where at least one is Hangul.
_INSIDE_KOREAN_WORD = re.compile(
    r"(?<=[\uac00-\ud7a3])(?=[^\s\u2060])|(?<=[^\s\u2060])(?=[\uac00-\ud7a3])"
)


def keep_words(text: str) -> str:
    """Join the characters of each Korean word so a line can only break between words."""
    return _INSIDE_KOREAN_WORD.sub(WORD_JOINER, text)


def _finalize(value: Any) -> Any:
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return keep_words(value)


def _day(value: date | datetime | None, language: str = "ko") -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat() if language == "ko" else value.strftime("%d %b %Y")


def make_environment(folders: Sequence[Path]) -> Environment:
    """Templates from the first of `folders` that has them (an override folder comes first)."""
    environment = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(folder)) for folder in folders]),
        autoescape=select_autoescape(["html", "htm", "xml", "svg"], default=True),
        finalize=_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["day"] = _day
    environment.filters["keep_words"] = keep_words
    return environment
