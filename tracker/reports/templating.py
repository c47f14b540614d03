"""The Jinja environment for reports: autoescaped, overridable, and keeping Korean words whole.

WeasyPrint ignores `word-break: keep-all` and breaks lines inside Korean words. Every value a
template prints passes through `finalize`, which puts U+2060 WORD JOINER between the Hangul
syllables of a word: lines then break only at spaces, between 어절, and text extraction still
reads the words. Templates cannot forget it, because they do not have to ask for it.

The reports' words come from the catalogues (`tracker.words`): a template says
`_("part.summary")`, and the `language` it is rendered with picks Korean or English. `finalize`
leaves markup alone, and a catalogue message comes back as markup (its fields escaped), so
`_` keeps its Korean words whole itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context
from markupsafe import Markup

from tracker import words

WORD_JOINER = "\u2060"
# A letter followed by another letter of the same word, where at least one is Hangul.
_INSIDE_KOREAN_WORD = re.compile(
    r"(?<=[\uac00-\ud7a3])(?=[^\s\u2060])|(?<=[^\s\u2060])(?=[\uac00-\ud7a3])"
)


def keep_words(text: str) -> str:
    """Join the characters of each Korean word so a line can only break between words."""
    return _INSIDE_KOREAN_WORD.sub(WORD_JOINER, text)


def _whole_words(message: Callable[..., str]) -> Callable[..., str]:
    """`message` (a catalogue lookup of `tracker.words`) with its Korean words kept whole."""

    @pass_context
    def lookup(context: Context, *args: Any, **fields: Any) -> str:
        text = message(context, *args, **fields)
        joined = keep_words(text)  # adds U+2060 beside Hangul only: no markup is touched
        return Markup(joined) if isinstance(text, Markup) else joined

    return lookup


def _finalize(value: Any) -> Any:
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return keep_words(value)


def report_day(value: date | datetime | None, language: str = "ko") -> str:
    """A date as every report format prints it: 2027-10-14 in Korean, 14 Oct 2027 in English."""
    if value is None:
        return "-"
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat() if language == "ko" else value.strftime("%d %b %Y")


def make_environment(folders: Sequence[Path]) -> Environment:
    """Templates from the first of `folders` that has them (an override folder comes first).

    Render with `language=` ("ko" or "en") beside the view: `_` reads it from the context."""
    environment = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(folder)) for folder in folders]),
        autoescape=select_autoescape(["html", "htm", "xml", "svg"], default=True),
        finalize=_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["day"] = report_day
    environment.filters["keep_words"] = keep_words
    words.install(environment)
    for name in ("_", "gettext"):
        looked_up = cast("Callable[..., str]", environment.globals[name])
        environment.globals[name] = _whole_words(looked_up)
    return environment
