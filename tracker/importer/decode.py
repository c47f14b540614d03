"""Bytes of an agreement file → text, or one line saying why not.

Accepted: UTF-8 (with or without BOM), UTF-16 and UTF-32 with a BOM, CP949 / EUC-KR, and HTML
(the portal page saved from a browser) in any of those, honouring its `<meta charset>`.
Newlines become "\\n" and a leading BOM is dropped; nothing else in a plain text changes, so the
parser's offsets index what the user sees. HTML is converted to text (block elements end lines,
script and style are dropped, entities unescaped); offsets then index the converted text.

The decoder never guesses silently: a file that is not valid UTF-8 is accepted as CP949 only when
it decodes strictly *and* most of its non-ASCII characters are Hangul syllables, so a Latin-1 or
other single-byte file raises instead of becoming mojibake.
"""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser

from tracker.importer.errors import ImportInputError

# BOMs, longest first (the UTF-32 LE BOM starts with the UTF-16 LE one).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_KOREAN_CODECS = {
    "euc-kr",
    "euckr",
    "euc_kr",
    "cp949",
    "ms949",
    "uhc",
    "windows-949",
    "x-windows-949",
    "ks_c_5601-1987",
    "ks_c_5601",
    "ksc5601",
    "ksc_5601",
    "korean",
}
_HTML_SNIFF = re.compile(rb"<(?:!doctype\s+html|html[\s>]|body[\s>]|head[\s>])", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_NEWLINES = re.compile(r"\r\n?")
_MIN_HANGUL_SHARE = 0.6  # of the non-ASCII characters of a text decoded as CP949
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff]")


def decode_source(data: bytes, *, name: str) -> str:
    """The text of an agreement file; `ImportInputError` (one line, naming `name`) if none."""
    if not data.strip():
        raise ImportInputError("source.empty").at(name)
    text, html = _decode(data, name)
    text = _NEWLINES.sub("\n", text).removeprefix("\ufeff")
    _refuse_binary(text, name)
    if html:
        text = html_to_text(text)
    if not text.strip():
        raise ImportInputError("source.no_text").at(name)
    return text


def _decode(data: bytes, name: str) -> tuple[str, bool]:
    """(text, is_html)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise ImportInputError(
                    "source.bad_bom", encoding=encoding.upper(), byte=exc.start + len(bom)
                ).at(name) from None
            return text, _looks_html(text.encode("utf-8", "replace"))
    if b"\x00" in data:
        raise ImportInputError("source.nul_bytes").at(name)
    html = _looks_html(data)
    if html:
        declared = _declared_charset(data)
        if declared is not None:
            return _decode_declared(data, declared, name), True
    try:
        return data.decode("utf-8"), html
    except UnicodeDecodeError as exc:
        utf8_error = exc
    korean = _decode_korean(data)
    if korean is not None:
        return korean, html
    raise ImportInputError("source.not_text", byte=utf8_error.start).at(name)


def _looks_html(data: bytes) -> bool:
    return _HTML_SNIFF.search(data[:4096]) is not None


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:8192])
    return match.group(1).decode("ascii").lower() if match else None


def _decode_declared(data: bytes, declared: str, name: str) -> str:
    encoding = "cp949" if declared in _KOREAN_CODECS else declared
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ImportInputError("source.unknown_charset", charset=declared).at(name) from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ImportInputError("source.charset_mismatch", charset=declared, byte=exc.start).at(
            name
        ) from None


def _decode_korean(data: bytes) -> str | None:
    """`data` as CP949 if it decodes strictly and reads as Korean, else None."""
    try:
        text = data.decode("cp949")
    except UnicodeDecodeError:
        return None
    non_ascii = [ch for ch in text if ord(ch) > 0x7F]
    if not non_ascii:
        return text
    hangul = sum(1 for ch in non_ascii if "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e")
    return text if hangul / len(non_ascii) >= _MIN_HANGUL_SHARE else None


def _refuse_binary(text: str, name: str) -> None:
    if "\x00" in text:
        raise ImportInputError("source.nul_characters").at(name)
    controls = len(_CONTROL.findall(text))
    if controls > max(2, len(text) // 200):
        raise ImportInputError("source.control_characters", count=controls).at(name)


# --- HTML ---------------------------------------------------------------------------------------

_BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "caption",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "ul",
        "title",
    ]
)
_SKIP = frozenset({"script", "style", "noscript", "template", "head"})
_CELL = frozenset({"td", "th"})
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_LINE_EDGES = re.compile(r"[ \t]*\n[ \t]*")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0
        self._pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self._skip_depth = 0  # a <head> left open ends where the body starts
        elif tag in _SKIP:
            self._skip_depth += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK:
            self.parts.append("\n\n")
            if tag == "pre":
                self._pre_depth += 1
        elif tag in _CELL:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK:
            self.parts.append("\n\n")
            if tag == "pre":
                self._pre_depth = max(0, self._pre_depth - 1)

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        self.parts.append(data if self._pre_depth else _HTML_SPACE.sub(" ", data))


def html_to_text(markup: str) -> str:
    """The visible text of an HTML page: one block element per paragraph, blank lines between."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = _LINE_EDGES.sub("\n", "".join(parser.parts))
    return _MANY_NEWLINES.sub("\n\n", text).strip("\n ") + "\n"
