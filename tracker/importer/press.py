"""What a press copy puts around an agreement's text: datelines, bylines, contact lines and the
signature block. None of it is a clause or a commitment; the date and place in it are what the
agreement's record takes when the text has no portal record (pure, no I/O).

At the head of the body (its first lines, before the first sentence; the `SOURCE:` provenance
line and portal noise are passed over), one of:

* a **line dateline**: a date, a dash, a place, optionally a dash and the issuing body, e.g.
  "November 1, 2024 – Ottawa, Ontario – Global Affairs Canada", or a Korean date alone on its
  line ("2025. 10. 2.(목)", "2025년 10월 2일"), or a release-time label line ("보도일시 …");
* a **wire dateline** before the first sentence, ending in a dash: "OTTAWA, Nov. 1, 2024 /CNW/ -",
  "SEOUL, Oct. 2 (Yonhap) --", "WASHINGTON (AP) —";
* a **Korean byline**: "(서울=뉴스1) 정윤영 기자 =", "[서울=뉴시스]",
  "【서울=뉴시스】홍길동 기자 =", "[이데일리 김관용 기자]", "홍길동 기자 =".

Lines before a dateline or byline (no more than a few, none ending a sentence) are the
article's headline: the document's title. On a text that lost its line breaks the dateline or
byline is found inside the first line: a wire dateline or byline within its first 400
characters, after text that ends no sentence (the headline); a line dateline at its very start,
the issuing body being the capitalised words up to the first word that opens the body (one
followed by a comma, as "We,", or by a lower-case word, as "The ministers").

At the tail (the last lines, or what follows the last sentence of the last line when the text
lost its line breaks), read from the end back while the lines are:

* **contact** lines: an e-mail address, a reporter ("정윤영 기자"), a copyright line
  ("ⓒ 뉴스1", "무단 전재 및 재배포 금지", "All rights reserved"), "- 30 -", or a contact heading
  ("For further information", "Media Relations", "Contacts:", "문의") and everything after it;
* on a portal page, its **link lines** run together after the last sentence ("• 보도자료 안내
  입니다 보도자료 • 관련정보 …"), set aside as contact lines;
* a **signature date**: a line holding a date ("2000년 6월 15일", "2000. 6. 15.", "June 15, 2000")
  and no sentence, with at most a place beside it ("평양에서", "Seoul,");
* a **closing formula** holding a date, though it is a sentence: "DONE at Seoul on 12 May
  2023, in duplicate …", "Done at Washington, D.C., this 26th day of April, 2023", "Done in
  duplicate at Seoul, …", "2023년 5월 12일 서울에서 한국어와 영어로 각 2부씩 작성되었다." (a place
  with 에서 beside the date, the sentence ending in 작성/서명/체결/채택되었다): a signature date,
  its place the one after "at"/"in" or before 에서 ("Seoul", "Washington, D.C.", "서울");
* **names and titles**: short lines (up to 40 characters) that end no sentence and carry no list
  marker, below the date ("대한민국 대통령 김대중"); above the date only one, a place ("평양").
  "For the Government of …" and "… 정부를 대표하여" lines count as names too (up to 100
  characters).

A run without a contact line or a signature date is left alone (a short last heading is the
structure's business). The record's date is the signature date, else the dateline's; its place
the one beside the signature date (or the short line just above it), else the dateline's. A
Korean byline's city is where the reporter files from, not where the agreement was made: it
gives neither.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tracker.importer.parsed import ParsedAside
from tracker.importer.record import is_portal_noise
from tracker.importer.textutil import Line, fold_space, is_provenance_line, split_lines, strip_span

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = re.compile(
    r"(?P<ky>\d{4})\s*년\s*(?P<km>\d{1,2})\s*월\s*(?P<kd>\d{1,2})\s*일(?:\s*\(\w\))?"
    r"|(?P<ny>\d{4})\s*[.\-/]\s*(?P<nm>\d{1,2})\s*[.\-/]\s*(?P<nd>\d{1,2})\b\.?(?:\s*\(\w\))?"
    rf"|(?P<em>{_MONTH})\s+(?P<ed>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<ey>\d{{4}})\b"
    rf"|(?P<bd>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:day\s+of\s+)?(?P<bm>{_MONTH}),?\s+(?P<by>\d{{4}})\b"
)
_DASH = r"[-–—]{1,2}"
# "November 1, 2024 – Ottawa, Ontario – Global Affairs Canada"
_LINE_DATELINE = re.compile(
    rf"^(?P<date>{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH}\s+\d{{4}})\s*{_DASH}\s*"
    r"(?P<place>[A-Z][\w.'’-]*(?:,?\s+[A-Z][\w.'’-]*){0,3})"
    rf"(?:\s*{_DASH}\s*(?P<body>\S.*))?$"
)
_KO_DATE_LINE = re.compile(
    r"^(?:(?:보도|배포|발표)\s*(?:일시|일자|시점)\s*[:：]?\s*)?"
    r"(?:\d{4}\s*년\s*\d{1,2}\s*월\s*\d{1,2}\s*일|\d{4}\s*\.\s*\d{1,2}\s*\.\s*\d{1,2}\s*\.?)"
    r"(?:\s*\(\w\))?(?:\s*\d{1,2}\s*:\s*\d{2})?[^.!?]{0,20}$"
)
# "OTTAWA, Nov. 1, 2024 /CNW/ - ", "SEOUL, Oct. 2 (Yonhap) -- ", "WASHINGTON (AP) — "
_WIRE_DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){0,3}(?:,\s*[A-Z][A-Za-z.]+(?:\s+[A-Z][a-z.]+)?)?)"
    rf"(?:\s*,\s*(?P<date>{_MONTH}\s+\d{{1,2}}(?:,\s*\d{{4}})?))?"
    r"\s*(?:/\s*[A-Za-z][\w ]{1,24}\s*/|\(\s*[A-Za-z][\w ]{1,24}\s*\))?"
    rf"\s*{_DASH}\s+"
)
_REPORTERS = (
    r"[가-힣]{2,4}(?:\s*[·,ㆍ]?\s*[가-힣]{2,4}){0,3}\s*(?:선임|수석|객원|전문)?\s*(?:기자|특파원)"
)
_KO_BYLINE = re.compile(
    r"[(\[【]\s*[가-힣]{1,8}\s*=\s*[^)\]】\s][^)\]】]{0,15}[)\]】]\s*"
    rf"(?:{_REPORTERS}(?:\s*[\w.+-]+@[\w-]+(?:\.[\w-]+)+)?\s*=?\s*)?"
    rf"|[(\[【]\s*[가-힣A-Za-z0-9]{{2,10}}\s+{_REPORTERS}\s*[)\]】]\s*"
    rf"|{_REPORTERS}\s*=\s*"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CONTACT = re.compile(
    r"[ⓒ©]|\bcopyright\b|무단\s*전재|재배포\s*금지|all rights reserved|^-\s*30\s*-$"
    rf"|^\s*[(\[]?\s*{_REPORTERS}\s*[)\]]?\s*$",
    re.IGNORECASE,
)
_CONTACT_HEADING = re.compile(
    r"^(?:For (?:further|more) information|Media (?:Relations|contacts?|inquiries)|Contacts?\s*:"
    r"|(?:보도\s*)?(?:관련\s*)?문의\s*[:：]?|담당\s*부서\s*[:：]?)",
    re.IGNORECASE,
)
# the portal's link lines after the document, run together: "• 보도자료 안내 입니다 보도자료 • …"
_PORTAL_LINKS = re.compile(r"(?:[•·ㆍ]?\s*(?:보도자료|관련정보)(?:\s*안내\s*입니다)?\s*)+$")
_MARKER = re.compile(r"^(?:[-•*·ㅇ○□■▲△▶◇◆※]|\d{1,3}[.)]|\(\w{1,3}\)|[가-하][.)])")
_SENTENCE_END = re.compile(r"(?<=[^\d\s])[.!?。](?:[\"”’')\]]*)(?=\s|$)|다(?=\s*$)")
# closing formulas: "DONE at Seoul on 12 May 2023, in duplicate …", "Done in duplicate at Seoul,
# …", "Done at Washington, D.C., this 26th day of April, 2023", "Signed in Ottawa …"
_CLOSING_EN = re.compile(
    r"^(?:DONE|Done|SIGNED|Signed)(?:\s+in\s+(?:duplicate|triplicate|\w+\s+originals))?,?"
    r"\s+(?:at|in)\s+(?P<place>[A-Z][\w.'’-]*(?:,?\s+[A-Z][\w.'’-]*){0,3})"
)
# "2023년 5월 12일 서울에서 한국어와 영어로 각 2부씩 작성되었다.", "서울에서 … 서명되었다"
_CLOSING_KO = re.compile(
    r"(?:(?P<place>[가-힣]{1,10})에서\s|\d\s*일\s+(?P<after>[가-힣]{1,10})에서\s).*"
    r"(?:작성|서명|체결|채택)(?:되었|하였|했)다\.?$"
)
_SIGNATORY = re.compile(r"^(?:For|FOR)\s+(?:the|THE)\s+\S|(?:대표하여|위하여)\s*$")
_PLACE_WORDS = re.compile(r"^(?:(?:Done|Signed|Issued)\s+(?:at|in)\s+)?(?P<place>.*?)(?:에서)?$")
_BODY_OPENER = re.compile(r"[A-Z][\w'’-]*,|(?:[A-Z][\w'’-]*)(?=\s+(?!of\b|and\b|for\b|the\b)[a-z])")
_ORG_WORD = re.compile(r"(?:[A-Z][\w'’.&-]*|of|and|for|the|&)\s+")
_HEAD_LINES = 5
_HEADLINE_LIMIT = 250
_INLINE_HEAD = 400
_SHORT = 40


@dataclass(frozen=True, slots=True)
class Press:
    """What the press framing holds: the spans set aside, the headline, the date and place."""

    asides: tuple[ParsedAside, ...] = ()
    headline: tuple[int, int] | None = None
    signed_on: date | None = None
    place: str = ""
    dated_by: str = ""  # the aside the date came from: "signature" or "dateline"


def read_press(text: str, body_start: int, *, portal: bool = False) -> Press:
    """The dateline or byline at the head of text[body_start:] and the contact and signature
    lines at its tail (see the module's rules)."""
    lines = [
        line
        for n, line in enumerate(split_lines(text, body_start))
        if not line.blank
        and not (n == 0 and is_provenance_line(text[line.lo : line.hi]))
        and not (portal and is_portal_noise(text[line.lo : line.hi]))
    ]
    if not lines:
        return Press()
    head_asides, headline, head_date, head_place = _head(text, lines)
    stop = head_asides[-1].end if head_asides else lines[0].lo
    tail_asides, sign_date, sign_place = _tail(text, lines, stop, portal=portal)
    signed_on, dated_by = (sign_date, "signature") if sign_date else (head_date, "dateline")
    return Press(
        asides=(*head_asides, *tail_asides),
        headline=headline,
        signed_on=signed_on,
        place=sign_place or head_place,
        dated_by=dated_by if signed_on else "",
    )


def read_date(value: str) -> date | None:
    """The first date written in value, Korean or English ("2000년 6월 15일", "2000. 6. 15.",
    "Nov. 1, 2024", "1 November 2024"); None when there is none or it does not exist."""
    match = _DATE.search(value)
    return _date_of(match) if match else None


def _date_of(match: re.Match[str]) -> date | None:
    g = match.group
    try:
        if g("ky"):
            return date(int(g("ky")), int(g("km")), int(g("kd")))
        if g("ny"):
            return date(int(g("ny")), int(g("nm")), int(g("nd")))
        if g("em"):
            return date(int(g("ey")), _MONTHS[g("em")[:3].lower()], int(g("ed")))
        return date(int(g("by")), _MONTHS[g("bm")[:3].lower()], int(g("bd")))
    except ValueError:
        return None


# --- the head -----------------------------------------------------------------------------------


def _head(
    text: str, lines: list[Line]
) -> tuple[list[ParsedAside], tuple[int, int] | None, date | None, str]:
    for n, line in enumerate(lines[:_HEAD_LINES]):
        segment = text[line.lo : line.hi]
        found = _dateline_at(text, line.lo, line.hi, whole_line=True)
        if found is None:
            found = _inline_head(text, line) if n == 0 else None
            if found is None:
                if _SENTENCE_END.search(segment):
                    break  # the body has begun
                continue
        kind, start, end, day, place = found
        headline: tuple[int, int] | None = None
        before = [ln for ln in lines[:n]]
        if start > line.lo:
            lo, hi = strip_span(text, line.lo, start)
            headline = (lines[0].lo if before else lo, hi)
        elif before:
            headline = (before[0].lo, before[-1].hi)
        if headline is not None and (
            headline[1] - headline[0] > _HEADLINE_LIMIT
            or _SENTENCE_END.search(text, headline[0], headline[1])
        ):
            headline = None
        return [ParsedAside(kind, text[start:end], start, end)], headline, day, place
    return [], None, None, ""


def _dateline_at(
    text: str, lo: int, hi: int, *, whole_line: bool
) -> tuple[str, int, int, date | None, str] | None:
    """A dateline or byline starting at lo: (kind, start, end, date, place)."""
    segment = text[lo:hi]
    line_dateline = _LINE_DATELINE.match(segment)
    if line_dateline:
        end = hi
        body = line_dateline.group("body")
        if body is not None:
            opener = _body_start(body)
            if opener is None and not whole_line:
                return None
            if opener is not None and opener > 0:
                end = lo + line_dateline.start("body") + opener
            elif opener == 0:
                end = lo + line_dateline.start("body")
        end = strip_span(text, lo, end)[1]
        day = read_date(line_dateline.group("date"))
        return "dateline", lo, end, day, fold_space(line_dateline.group("place"))
    if whole_line and _KO_DATE_LINE.match(segment):
        return "dateline", lo, hi, read_date(segment), ""
    wire = _WIRE_DATELINE.match(segment)
    if wire and (wire.group("date") or "(" in wire.group() or "/" in wire.group()):
        end = strip_span(text, lo, lo + wire.end())[1]
        day = read_date(wire.group("date") or "")
        # the date line gives no year ("SEOUL, Oct. 2"): the place is still the dateline's
        return "dateline", lo, end, day, fold_space(wire.group("place"))
    byline = _KO_BYLINE.match(segment)
    if byline:
        return "byline", lo, strip_span(text, lo, lo + byline.end())[1], None, ""
    return None


def _body_start(rest: str) -> int | None:
    """Where the body begins after a line dateline's issuing body, run together with it: at the
    first capitalised word followed by a comma or by a lower-case word; None when the words are
    not all capitalised up to there (not an issuing body, or one that runs past six words)."""
    pos = 0
    for _ in range(7):
        opener = _BODY_OPENER.match(rest, pos)
        if opener is not None:
            return pos
        word = _ORG_WORD.match(rest, pos)
        if word is None:
            return None
        pos = word.end()
    return None


def _inline_head(text: str, line: Line) -> tuple[str, int, int, date | None, str] | None:
    """In a line that holds a whole article: a wire dateline or byline after its headline."""
    limit = min(line.hi, line.lo + _INLINE_HEAD)
    for pattern in (_KO_BYLINE, _WIRE_DATELINE):
        for match in pattern.finditer(text, line.lo, limit):
            start = match.start()
            if start > line.lo and not text[start - 1].isspace():
                continue
            if _SENTENCE_END.search(text, line.lo, start):
                break
            found = _dateline_at(text, start, line.hi, whole_line=False)
            if found is not None:
                return found
    return None


# --- the tail -----------------------------------------------------------------------------------


def _tail(
    text: str, lines: list[Line], stop: int, *, portal: bool = False
) -> tuple[list[ParsedAside], date | None, str]:
    segments = [(ln.lo, ln.hi) for ln in lines if ln.lo >= stop]
    if not segments:
        return [], None, ""
    last_lo, last_hi = segments[-1]
    ends = [m.end() for m in _SENTENCE_END.finditer(text, last_lo, last_hi)]
    if ends and ends[-1] < last_hi:  # the last line runs on after its last sentence
        rest = strip_span(text, ends[-1], last_hi)
        segments[-1:] = [(last_lo, ends[-1]), rest]
    kinds: list[tuple[int, int, str]] = []
    contact_from: int | None = None
    for lo, hi in reversed(segments):
        links = portal and _PORTAL_LINKS.match(text, lo, hi) is not None
        kind = "contact" if links else _tail_kind(text, lo, hi)
        if kind is None:
            break
        kinds.append((lo, hi, kind))
        if kind == "contact heading":
            contact_from = len(kinds)
    kinds.reverse()
    if contact_from is not None:  # a contact heading takes everything after it
        first = len(kinds) - contact_from
        kinds[first:] = [(kinds[first][0], kinds[-1][1], "contact")]
    dated = [n for n, (_, _, kind) in enumerate(kinds) if kind == "date"]
    if dated:  # above the date, one short line at most: a place
        first = dated[0]
        if first > 0 and kinds[first - 1][2] == "short":
            lo, hi, _ = kinds[first - 1]
            first -= 1 if hi - lo <= 15 else 0
        kinds = kinds[first:]
    else:  # a contact block: from its first contact line on
        contacts = [n for n, (_, _, kind) in enumerate(kinds) if kind == "contact"]
        kinds = [(lo, hi, "contact") for lo, hi, _ in kinds[contacts[0] :]] if contacts else []
    if not kinds:
        return [], None, ""
    asides = [
        ParsedAside("contact" if kind == "contact" else "signature", text[lo:hi], lo, hi)
        for lo, hi, kind in kinds
    ]
    signed_on, place = None, ""
    if dated:
        for n, (lo, hi, kind) in enumerate(kinds):
            if kind != "date":
                continue
            signed_on, place = _signature_date(text[lo:hi])
            if not place and n > 0 and kinds[n - 1][2] == "short":
                place = fold_space(text[kinds[n - 1][0] : kinds[n - 1][1]])
            break
    return asides, signed_on, place


def _tail_kind(text: str, lo: int, hi: int) -> str | None:
    segment = text[lo:hi]
    if _CONTACT_HEADING.match(segment):
        return "contact heading"
    if len(segment) <= 120 and (_EMAIL.search(segment) or _CONTACT.search(segment)):
        return "contact"
    match = _DATE.search(segment)
    if match and len(segment) <= 250 and _closing_place(segment) is not None:
        return "date"  # a closing formula: a sentence, but the signing's date and place
    if match and len(segment) <= 120:
        outside = segment[: match.start()] + " " + segment[match.end() :]
        if not _SENTENCE_END.search(outside.strip()):
            return "date"
    if len(segment) <= 100 and _SIGNATORY.search(segment) and not _SENTENCE_END.search(segment):
        return "short"  # "For the Government of the Republic of Korea"
    if (
        len(segment) <= _SHORT
        and not _SENTENCE_END.search(segment)
        and not _MARKER.match(segment)
        and not segment.endswith((":", ","))
    ):
        return "short"
    return None


def _signature_date(segment: str) -> tuple[date | None, str]:
    """The date of a signature date line, and the place beside it if it is only a place."""
    match = _DATE.search(segment)
    if match is None:
        return None, ""
    closing = _closing_place(segment)
    if closing:
        return _date_of(match), closing
    rest = fold_space((segment[: match.start()] + " " + segment[match.end() :]).strip(" ,."))
    place_match = _PLACE_WORDS.match(rest)
    place = fold_space(place_match.group("place").strip(" ,")) if place_match else ""
    if len(place) > 20 or len(place.split()) > 3 or any(ch.isdigit() for ch in place):
        place = ""
    return _date_of(match), place


def _closing_place(segment: str) -> str | None:
    """The place a closing formula names ("DONE at Seoul on …" → "Seoul", "… 서울에서 …
    작성되었다" → "서울"); None when the segment is no closing formula."""
    english = _CLOSING_EN.match(segment)
    if english:
        return fold_space(english.group("place"))
    korean = _CLOSING_KO.search(segment)
    if korean and _DATE.search(segment):
        return korean.group("place") or korean.group("after")
    return None
