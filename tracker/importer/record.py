"""The portal's record: the fields above the document on the 경제외교활용포털 agreement page.

A saved page looks like this (menus, then a table flattened into run-together lines, the title
again, a summary paragraph, then the document under a marker such as `❚ 비공식 국문본`):

    합의내용 합의기관(국내), 합의기관(해외), ... 안내하는 표입니다.      ← table caption: noise
    한-캐나다 안보·국방 협력 파트너십 수립                              ← title
    합의기관(국내) 외교부 합의기관(해외) 국방부 관련국가                  ← fields, any order,
    캐나다 캐나다                                                      one or several per line
    분야 방산·항공우주 합의일자 2025-10-30 장소 대한민국 경주
    담당자
    외무서기관 정진우 (외교부 / 북미2과)
    한-캐나다 안보·국방 협력 파트너십 수립                              ← title repeated
    한국과 캐나다는 10.30.(목) 경주에서 ...                             ← summary
    ❚ 비공식 국문본                                                    ← the document follows

Fields are read by label: the value of a label runs to the next label, across line breaks, so
the order and the line layout do not matter. The field block ends at the first line without a
label once the last label has its value. A country printed twice ("캐나다 캐나다", one per table
column) is one country. Values keep their printed spelling, with whitespace runs as one space.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from tracker.importer.parsed import ParsedRecord, ParseWarning
from tracker.importer.textutil import Line, fold, fold_space
from tracker.words import N_

_LABELS: dict[str, str] = {
    "합의기관(국내)": "domestic_body",
    "합의기관(해외)": "foreign_body",
    "관련국가": "countries",
    "관련국": "countries",
    "분야": "field",
    "합의일자": "signed_on",
    "장소": "place",
    "담당자": "officer",
}
_STRONG = frozenset({"domestic_body", "foreign_body", "countries", "signed_on", "officer"})
_LABEL = re.compile(
    r"(?<!\S)(합의\s*기관\s*\(\s*(?:국내|해외)\s*\)|관련\s*국가|관련국|분야|합의\s*일자|장소|담당자)"
    r"(?:\s*[:：])?(?=\s|$)"
)
_PORTAL_NOISE = re.compile(
    r"로그인\s*해\s*주세요|서비스\s*이용을\s*위해|안내하는\s*표입니다|안내\s*입니다\s*$"
    r"|^\s*[•·ㆍ]?\s*(?:보도자료|관련정보)\s*$"
)
_MENU = re.compile(r"\|")
DOCUMENT_MARKER = re.compile(
    r"^\s*[❚■□▣◆◇●○◼▶▷※|]*\s*[(\[]?\s*(?:비공식\s*)?[)\]]?\s*"
    r"(?:국문본|영문본|번역본|가번역본?|국문\s*번역|원문|국문\s*가번역)\s*[)\]]?\s*$"
)
_DATE = re.compile(r"(\d{4})\s*[-./년]\s*(\d{1,2})\s*[-./월]\s*(\d{1,2})")
_OFFICER = re.compile(r"^(?P<person>[^()]*?)\s*(?:\((?P<org>[^()]*)\))?\s*$")
_COUNTRY_SPLIT = re.compile(r"[,、/·]|\s+")
_CLAUSE_START = re.compile(r"^\s*(?:\d{1,3}\.(?!\d)|\(\d{1,3}\)|[①-⑳]|제\s*\d+\s*조)")


@dataclass(slots=True)
class RecordResult:
    record: ParsedRecord | None
    body_start: int  # where the document itself starts
    portal: bool  # the text is a saved portal page (portal page noise applies to its body)
    warnings: list[ParseWarning] = field(default_factory=list)


def is_portal_noise(text: str) -> bool:
    """Menu, login and link lines the portal prints around the document."""
    return _PORTAL_NOISE.search(text) is not None


def extract_record(text: str, lines: list[Line]) -> RecordResult:
    marker = next(
        (i for i, line in enumerate(lines) if DOCUMENT_MARKER.match(text[line.lo : line.hi])), None
    )
    head = lines if marker is None else lines[:marker]
    first = _first_label_line(text, head)
    if first is None:
        body_start = 0 if marker is None else lines[marker].end + 1
        return RecordResult(None, min(body_start, len(text)), False)

    values, after = _read_fields(text, head, first)
    warnings: list[ParseWarning] = []
    title = _title_before(text, head, first)
    rest = after
    while rest < len(head) and head[rest].blank:
        rest += 1
    if not title and rest < len(head):
        title = fold_space(text[head[rest].lo : head[rest].hi])
    if rest < len(head) and fold(text[head[rest].lo : head[rest].hi]) == fold(title):
        rest += 1

    if marker is not None:
        summary_lines = [ln for ln in head[rest:] if not ln.blank and not _noise(text, ln)]
        body_start = lines[marker].end + 1
    else:
        summary_lines = _summary_paragraph(text, head, rest)
        body_start = summary_lines[-1].end + 1 if summary_lines else head[rest - 1].end + 1
        warnings.append(ParseWarning(N_("warning.record.no_marker")))
    summary = ""
    if summary_lines:
        summary = re.sub(
            r"\n\s*\n\s*", "\n\n", text[summary_lines[0].lo : summary_lines[-1].hi]
        ).strip()

    signed_on = _date(values.get("signed_on", ""))
    if values.get("signed_on") and signed_on is None:
        warnings.append(ParseWarning(N_("warning.record.bad_date"), {"value": values["signed_on"]}))
    rank, name, ministry, division = _officer(values.get("officer", ""))
    for key, label in (("domestic_body", "합의기관(국내)"), ("signed_on", "합의일자")):
        if not values.get(key):
            warnings.append(ParseWarning(N_("warning.record.no_field"), {"label": label}))
    record = ParsedRecord(
        title=title,
        domestic_body=values.get("domestic_body", ""),
        foreign_body=values.get("foreign_body", ""),
        countries=_countries(values.get("countries", "")),
        field=values.get("field", ""),
        signed_on=signed_on,
        place=values.get("place", ""),
        officer_rank=rank,
        officer_name=name,
        officer_ministry=ministry,
        officer_division=division,
        summary=summary,
    )
    return RecordResult(record, min(body_start, len(text)), True, warnings)


def _noise(text: str, line: Line) -> bool:
    segment = text[line.lo : line.hi]
    return is_portal_noise(segment) or _MENU.search(segment) is not None


def _first_label_line(text: str, head: list[Line]) -> int | None:
    seen: set[str] = set()
    first: int | None = None
    for index, line in enumerate(head[:200]):
        if line.blank or _noise(text, line):
            continue
        found = {_key(m.group(1)) for m in _LABEL.finditer(text, line.lo, line.hi)}
        if found & _STRONG and first is None:
            first = index
        seen |= found
    return first if len(seen) >= 2 else None


def _key(label: str) -> str:
    return _LABELS[re.sub(r"\s+", "", label)]


def _read_fields(text: str, head: list[Line], first: int) -> tuple[dict[str, str], int]:
    """The field values, and the index of the first line after the field block."""
    chunks: list[str] = []
    pending = True  # the last label seen still waits for its value
    index = first
    while index < len(head):
        line = head[index]
        if line.blank or _noise(text, line):
            index += 1
            continue
        segment = text[line.lo : line.hi]
        labels = list(_LABEL.finditer(segment))
        if not labels and not pending:
            break
        chunks.append(segment)
        pending = bool(labels) and not segment[labels[-1].end() :].strip()
        index += 1
    joined = " ".join(chunks)
    values: dict[str, str] = {}
    found = list(_LABEL.finditer(joined))
    for n, match in enumerate(found):
        stop = found[n + 1].start() if n + 1 < len(found) else len(joined)
        key = _key(match.group(1))
        value = fold_space(joined[match.end() : stop])
        if value and key not in values:
            values[key] = value
    return values, index


def _title_before(text: str, head: list[Line], first: int) -> str:
    for line in reversed(head[:first]):
        if line.blank or _noise(text, line):
            continue
        return fold_space(text[line.lo : line.hi])
    return ""


def _summary_paragraph(text: str, head: list[Line], rest: int) -> list[Line]:
    """Without a document marker: the first paragraph after the record, if it reads as prose."""
    paragraph: list[Line] = []
    for line in head[rest:]:
        if line.blank:
            if paragraph:
                break
            continue
        if _noise(text, line):
            continue
        paragraph.append(line)
    if not paragraph:
        return []
    body = text[paragraph[0].lo : paragraph[-1].hi]
    if _CLAUSE_START.match(body) or len(body) < 40 or not re.search(r"[.다]\s*$|다\.", body):
        return []
    return paragraph


def _date(value: str) -> date | None:
    match = _DATE.search(value)
    if match is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _countries(value: str) -> tuple[str, ...]:
    names = [part for part in _COUNTRY_SPLIT.split(value) if part]
    return tuple(dict.fromkeys(names))


def _officer(value: str) -> tuple[str, str, str, str]:
    """(rank, name, ministry, division) from "외무서기관 정진우 (외교부 / 북미2과)"."""
    match = _OFFICER.match(value)
    if not value or match is None:
        return "", "", "", ""
    words = match.group("person").split()
    rank = " ".join(words[:-1])
    name = words[-1] if words else ""
    ministry = division = ""
    if match.group("org"):
        parts = [fold_space(p) for p in match.group("org").split("/")]
        ministry = parts[0]
        division = " / ".join(p for p in parts[1:] if p)
    return rank, name, ministry, division
