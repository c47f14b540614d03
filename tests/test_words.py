"""The catalogues: every message in both languages, with the same fields, and every id that code
or a template asks for is in them (found the way `pybabel extract` finds them)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from jinja2 import DictLoader, Environment

from tracker import words

ROOT = Path(__file__).resolve().parents[1]
FIELD = re.compile(r"%\((\w+)\)")
KEYWORDS = {**{name: None for name in ("_", "gettext", "N_", "tell", "show")}, "say": (2,)}


def catalogue(language: str) -> dict[str, str]:
    """Every message id and its text; a message with plural forms gives its forms joined by
    a line break (English has two, Korean one)."""
    messages: dict[str, str] = {}
    for source in sorted((words.LOCALE / language / "LC_MESSAGES").glob("*.po")):
        with source.open("rb") as stream:
            for message in read_po(stream):
                if message.id:
                    message_id = message.id[0] if message.pluralizable else message.id
                    assert message_id not in messages, f"{message_id} is in two parts"
                    forms = message.string if message.pluralizable else (message.string,)
                    messages[str(message_id)] = "\n".join(str(form) for form in forms)
    return messages


def plurals(language: str) -> dict[str, int]:
    """The number of forms of each message with plural forms."""
    found: dict[str, int] = {}
    for source in sorted((words.LOCALE / language / "LC_MESSAGES").glob("*.po")):
        with source.open("rb") as stream:
            for message in read_po(stream):
                if message.id and message.pluralizable:
                    assert message.id[0] == message.id[1], "a plural's two ids are one key"
                    found[message.id[0]] = sum(1 for form in message.string if form)
    return found


def asked_for() -> Iterator[tuple[str, str]]:
    """(message id, where) for every literal id in the package and the templates, found as
    `pybabel extract -F babel.cfg` finds them."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = extract_from_dir(str(ROOT), method_map, options_map, keywords=KEYWORDS, comment_tags=())
    for filename, line, message, _comments, _context in found:
        ids = message if isinstance(message, tuple) else (message,)
        for message_id in ids:
            if message_id:
                yield message_id, f"{filename}:{line}"


def test_both_languages_have_every_message_with_the_same_fields() -> None:
    korean, english = catalogue("ko"), catalogue("en")
    assert sorted(set(korean) ^ set(english)) == []
    for message_id, text in korean.items():
        assert text.strip(), f"{message_id} has no Korean"
        assert english[message_id].strip(), f"{message_id} has no English"
        assert set(FIELD.findall(text)) == set(FIELD.findall(english[message_id])), message_id
        for language, each in (("ko", text), ("en", english[message_id])):
            # Every message is %-formatted: a stray brace or a lone % would print as is.
            assert not re.search(r"\{\w*[:}]", each), f"{language} {message_id}: {each}"
            assert each.replace("%%", "").count("%") == len(FIELD.findall(each)), each


def test_every_id_the_code_and_templates_ask_for_is_in_the_catalogues() -> None:
    known = set(catalogue("ko"))
    missing = sorted(
        f"{message_id} ({where})" for message_id, where in asked_for() if message_id not in known
    )
    assert missing == []
    assert len(list(asked_for())) > 300  # the extraction really looked


def test_a_count_picks_the_plural_form_of_the_reader_s_language() -> None:
    assert plurals("en") and all(forms == 2 for forms in plurals("en").values())
    assert plurals("ko").keys() == plurals("en").keys()
    assert all(forms == 1 for forms in plurals("ko").values())
    assert words.say("en", "evidence.count", count=1) == "1 item"
    assert words.say("en", "evidence.count", count=2) == "2 items"
    assert words.say("ko", "evidence.count", count=1) == "1건"
    assert words.say("ko", "evidence.count", count=2) == "2건"


def test_a_message_is_said_in_the_reader_s_language_with_its_fields() -> None:
    assert words.say("ko", "attention.stale") == "점검 지연"
    assert words.say("en", "attention.stale") == "Stale"
    assert words.say("fr", "attention.stale") == "점검 지연"  # a language we lack: Korean
    assert words.knows("en", "attention.stale") and not words.knows("en", "attention.nonsense")


def test_templates_speak_the_page_s_language_and_escape_only_the_fields() -> None:
    environment = Environment(autoescape=True)
    words.install(environment)
    environment.loader = DictLoader(
        {"page": '{{ _("cal_reports_more", count=n, total=total|number) }} {{ _("clear") }}'}
    )
    page = environment.get_template("page")
    assert page.render(language="ko", n=3, total=1200) == "외 3건, 모두 1,200건 초기화"
    assert page.render(language="en", n=3, total=1200) == "and 3 more, 1,200 in all Clear"
    environment.loader = DictLoader({"page": '{{ _("cal_reports_more", count=n, total=1) }}'})
    assert "&lt;b&gt;" in environment.get_template("page").render(language="en", n="<b>")


def test_a_catalogue_that_was_not_compiled_is_refused_with_the_command_that_compiles_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    messages = tmp_path / "ko" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (messages / "web.po").write_text('msgid "x"\nmsgstr "y"\n', encoding="utf-8")
    monkeypatch.setattr(words, "LOCALE", tmp_path)
    words._load.cache_clear()
    try:
        with pytest.raises(words.CatalogueMissing, match="run `make catalogues`"):
            words.catalogue("ko")
    finally:
        monkeypatch.undo()
        words._load.cache_clear()
