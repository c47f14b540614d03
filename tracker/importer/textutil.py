"""Small helpers the importer's stages share: lines with offsets, folding, Hangul tests."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.domain import Language

_SPACE_RUN = re.compile(r"\s+")
_FOLD_DROP = re.compile(r"[\s<>「」『』〈〉《》()（）\[\]{}‘’'\"“”`´]")
_FOLD_TABLE = str.maketrans(
    {
        "ㆍ": "·",
        "•": "·",
        "‧": "·",
        "・": "·",
        "∙": "·",
        "⋅": "·",
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "－": "-",
    }
)
HANGUL = re.compile(r"[\uac00-\ud7a3]")
_LATIN = re.compile(r"[A-Za-z]")
_PROVENANCE = re.compile(r"^SOURCE:", re.IGNORECASE)
# The usual top-level headings of an agreement (전문, 일반 …, 후속조치, Preamble, Final …): a
# heading that starts so is a section of the first level, never the document's title.
TOP_LEVEL_HEADING = re.compile(
    r"^(?:[IVX]+\.\s*|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]\.?\s*)?(?:전문|서문|총칙|일반|후속|이행|최종|부칙|맺음말|결론|기타"
    r"|preamble|general|follow|implementation|final|conclu|closing|review)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the source: `start`/`end` bound its text without the newline; `lo`/`hi`
    bound it without surrounding whitespace (lo == hi for a blank line)."""

    start: int
    end: int
    lo: int
    hi: int

    @property
    def blank(self) -> bool:
        return self.lo == self.hi


def split_lines(text: str, start: int = 0, end: int | None = None) -> list[Line]:
    stop = len(text) if end is None else end
    lines: list[Line] = []
    pos = start
    while pos < stop:
        nl = text.find("\n", pos, stop)
        line_end = stop if nl < 0 else nl
        lo, hi = strip_span(text, pos, line_end)
        lines.append(Line(pos, line_end, lo, hi))
        pos = line_end + 1
    return lines


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """(start, end) moved inwards past whitespace; (start, start) when only whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def fold_space(text: str) -> str:
    """Whitespace runs (newlines, no-break spaces) as one space, ends trimmed."""
    return _SPACE_RUN.sub(" ", text).strip()


def fold(name: str) -> str:
    """The form in which two spellings of one name compare equal: case, whitespace, brackets,
    quotes, middle-dot and dash variants do not count."""
    return _FOLD_DROP.sub("", name.translate(_FOLD_TABLE).casefold())


def is_provenance_line(text: str) -> bool:
    """A first line saying where a stored copy came from ("SOURCE: https://…"): not the text."""
    return _PROVENANCE.match(text) is not None


def detect_language(text: str) -> Language:
    hangul = len(HANGUL.findall(text))
    latin = len(_LATIN.findall(text))
    return Language.KO if hangul and hangul * 3 >= latin else Language.EN


def has_final_rieul(syllable: str) -> bool:
    """True for a Hangul syllable ending in ㄹ (할, 될, 을): the future/prospective form."""
    code = ord(syllable) - 0xAC00
    return 0 <= code < 11172 and code % 28 == 8
