"""Every word the product shows, from one gettext catalogue per language.

The catalogues live in `tracker/locale/<language>/LC_MESSAGES/<part>.po`: `common` for the
shared vocabulary (mechanism kinds and cadences, attention flags, scores), then one part per
channel (`web`, `reports`, `mail`, `calendar`, `history`) and one per family of refusals
(`errors*`). `make catalogues` compiles them to `.mo`; a language's parts are merged into one
catalogue when first asked for, so a message id is unique across parts.

Rules, so that every message reads the same from Python and from a template:
- a message id is a key (`attention.stale`, `save`), never an English sentence, and both
  languages translate it (a test checks every id in both catalogues);
- every message is a `%`-format string: fields are named (`%(count)s`), and a literal per cent
  sign is written `%%`, whether or not the message has fields;
- code marks ids for extraction with `say(language, "id", …)` or `N_("id")`, templates with
  `_("id", …)` (`jinja2.ext.i18n`, new style: the page's `language` picks the catalogue).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel.support import NullTranslations, Translations
from markupsafe import Markup

if TYPE_CHECKING:
    from jinja2 import Environment
    from jinja2.runtime import Context

from tracker.msgids import N_ as N_  # re-exported: code that says words marks them from here

LANGUAGES = ("ko", "en")
_HANGUL = re.compile("[\uac00-\ud7a3]")
LOCALE = Path(__file__).parent / "locale"


class CatalogueMissing(Exception):
    """A language's catalogue is missing or older than its source: the words themselves are
    not there, so this one is said in English (the CLI prints it as one line and exits 1; a
    page cannot be built without its words: the server answers 500)."""

    exit_code = 1

    def describe(self, _language: str, *, terminal: bool = False) -> str:
        return str(self)


def say(language: str, message_id: str, /, **fields: Any) -> str:
    """The message `message_id` in `language`, its `%(name)s` fields filled from `fields`."""
    return _text(language, message_id, fields) % fields


def _text(language: str, message_id: str, fields: Mapping[str, Any]) -> str:
    """A message that counts things has plural forms in the catalogue (`msgid_plural`, the
    same id): its `count` field picks the form by the language's rule (English has two,
    Korean one), for Python and templates alike."""
    translations = catalogue(language)
    count = fields.get("count")
    if isinstance(count, int) and (message_id, 0) in _messages(language):
        return translations.ngettext(message_id, message_id, count)
    return translations.gettext(message_id)


def knows(language: str, message_id: str) -> bool:
    """Whether the catalogue of `language` has `message_id` (for keys built from data)."""
    return message_id in _messages(language)


def terminal_language(environ: Mapping[str, str] | None = None) -> str:
    """The language a terminal's reader asked for: `TRACKER_LANGUAGE`, else the first of
    gettext's variables that is set (LANGUAGE, LC_ALL, LC_MESSAGES, LANG) when it names Korean
    or English; English otherwise (a server's `C` locale is not a choice of Korean)."""
    environ = os.environ if environ is None else environ
    for name in ("TRACKER_LANGUAGE", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            language = value.split(":")[0][:2].lower()
            return language if language in LANGUAGES else "en"
    return "en"


def catalogue(language: str) -> NullTranslations:
    """The merged catalogue of `language` (Korean for a language we do not have)."""
    return _load(language if language in LANGUAGES else LANGUAGES[0])


@cache
def _load(language: str) -> Translations:
    merged: Translations | None = None
    for source in sorted((LOCALE / language / "LC_MESSAGES").glob("*.po")):
        compiled = source.with_suffix(".mo")
        if not compiled.exists() or compiled.stat().st_mtime < source.stat().st_mtime:
            raise CatalogueMissing(
                f"the {language} catalogue {source.name} is not compiled or older than its "
                "source: run `make catalogues`"
            )
        with compiled.open("rb") as stream:
            loaded = Translations(stream, domain=source.stem)
        merged = loaded if merged is None else merged.merge(loaded)
    if merged is None:
        raise CatalogueMissing(f"no {language} catalogue in {LOCALE}")
    return merged


def _messages(language: str) -> Mapping[Any, str]:
    return getattr(catalogue(language), "_catalog", {})


def install(environment: Environment) -> None:
    """`_` and `gettext` in templates, speaking the template's `language` (a message with
    plural forms is said by its `count` field, as `say` does)."""
    # Imported here: a help page in a terminal needs the catalogues, not the template engine.
    from babel.dates import get_timezone, get_timezone_name
    from babel.numbers import format_decimal
    from jinja2 import pass_context

    environment.add_extension("jinja2.ext.i18n")

    @pass_context
    def gettext(context: Context, message_id: str, **fields: Any) -> str:
        return _formatted(context, _text(_language_of(context), message_id, fields), fields)

    @pass_context
    def known_or(context: Context, message_id: str, fallback: Any) -> str:
        """The message if the catalogue has it (ids built from data), else `fallback`."""
        language = _language_of(context)
        return gettext(context, message_id) if knows(language, message_id) else fallback

    # Not `install_gettext_callables(newstyle=True)`: its wrappers would look the message up
    # again without the language; these escape and format as the new style does.
    @pass_context
    def number(context: Context, value: int | float) -> str:
        """`1234567` as the page's language writes it (1,234,567)."""
        return format_decimal(value, locale=_language_of(context))

    @pass_context
    def zone_name(context: Context, zone: str) -> str:
        """`Asia/Seoul` as the page's language names it (한국 시간, Korean Time)."""
        return get_timezone_name(get_timezone(zone), locale=_language_of(context))

    environment.filters["number"] = number
    environment.filters["language_of"] = language_of
    environment.filters["zone_name"] = zone_name
    environment.globals.update(_=gettext, gettext=gettext, known_or=known_or)
    environment.newstyle_gettext = True  # type: ignore[attr-defined]


def language_of(text: str) -> str:
    """The language of a piece of data (an agreement's text): Korean if it has Hangul, else
    English; pages mark such parts with `lang` so a screen reader speaks them right."""
    return "ko" if _HANGUL.search(text) else "en"


def _language_of(context: Context) -> str:
    return str(context.get("language") or LANGUAGES[0])


def _formatted(context: Context, text: str, fields: Mapping[str, Any]) -> str:
    if context.eval_ctx.autoescape:
        return Markup(text) % fields  # fields are escaped, the catalogue's text is not
    return text % fields
