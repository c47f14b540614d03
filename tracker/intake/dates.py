"""Dates in a follow-up text: the day it was published, and every date its sentences name.

A date keeps the precision the text gives it (`FuzzyDate`): a day, a month or a year. A month
stays a month and a year stays a year; no day is ever invented. Years run from 1900 to 2100, so
a duration ("4년") is never read as a year. A date that does not exist ("2025년 2월 30일") is
skipped, never raised.

Absolute forms (need nothing else):

* a full date: "2025년 10월 2일" (spaces optional), "2025. 10. 2.", "2025.10.2", "2025-10-02",
  "2025/10/02", "November 1, 2024", "Nov. 1 2024", "1 November 2024", "November 12-13, 2024"
  (a range is its first day) → day;
* "2026년 3월", "November 2024" → month; "2026년", "2026년도", "2026년 중" → year; an English
  bare year counts only after a word that makes it a date ("in", "by", "during", "early", "mid",
  "late", "until", "of", …), so "the 2023 fact sheet" names no date.

Relative forms are resolved against the `reference` (the text's own date) and are skipped when
there is none:

* a day of the month ("2일(현지시간)", "30일") is in the reference's month, unless it is more
  than 15 days after the reference's day: a press release reports days just past, so "30일" in
  a text of 2 October is 30 September. "지난 5일" is never after the reference, "오는 1일"
  never before it;
* "10.30.(목)", "11월 1일", "11월", "on November 1", "1 November", "in November" are in the
  reference's year ("지난 11월" moves back a year, "오는 3월" forward, when the month says so);
* 작년/지난해, 올해/금년 (and "올 6월"), 내년/명년, optionally with a month and day; 지난달,
  이달/이번 달, 다음 달/내달, optionally with a day; "last/this/next year", "last/this/next
  month" ("later this year" is this year), "today", "yesterday", "tomorrow". A qualifier that
  does not make a period of its own keeps the plain one: "내년 상반기" is next year.

When forms overlap the longest wins ("2025년 10월 2일" is one day, not also a year and a month);
a longest form that names no date (invalid, or relative with no reference) still takes its words.
A mention's span is the date's own words: a word that only lets a bare year or month count
("in 2026", "on November 1", "지난 5일") is outside it.

`text_date` finds the day a text was published. It skips a `SOURCE:` first line (our stored
copies start with one), then looks in the first five non-empty lines for a dateline: a short
line whose first full date starts the line, or follows only a label ("입력", "Published:"), a
news agency in brackets ("(서울=뉴스1)") or a place and a comma ("OTTAWA, "), and is followed
by nothing, a separator ("–", "/CNW/", "(목)") or a time, not by a title's words. Failing that, it
takes the first full date anywhere in the text; a text with none (a news article that says only
"2일") has no date, and the caller must be told it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

FIRST_YEAR, LAST_YEAR = 1900, 2100
ROLLBACK_DAYS = 15  # a bare day-of-month this far past the reference's day is last month's
DATELINE_LINES = 5
DATELINE_MAX_CHARS = 100


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True, order=True)
class FuzzyDate:
    """A day, a month or a year; for a month or a year `on` is the period's first day."""

    on: date
    precision: Precision

    def __post_init__(self) -> None:
        first = {
            Precision.DAY: self.on,
            Precision.MONTH: self.on.replace(day=1),
            Precision.YEAR: self.on.replace(month=1, day=1),
        }[self.precision]
        if first != self.on:
            raise ValueError(f"a {self.precision} starts on its first day, not {self.on}")

    def iso(self) -> str:
        if self.precision is Precision.DAY:
            return self.on.isoformat()
        if self.precision is Precision.MONTH:
            return f"{self.on.year:04d}-{self.on.month:02d}"
        return f"{self.on.year:04d}"

    def contains(self, day: date) -> bool:
        if self.precision is Precision.DAY:
            return day == self.on
        if self.precision is Precision.MONTH:
            return (day.year, day.month) == (self.on.year, self.on.month)
        return day.year == self.on.year


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    date: FuzzyDate
    relative: bool


def text_date(text: str) -> FuzzyDate | None:
    """The date the text was published (day precision only), from its dateline or, failing
    that, its first full date; None when it names no full date."""
    body = _SOURCE_LINE.sub("", text.lstrip("\ufeff"), count=1)
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    for line in lines[:DATELINE_LINES]:
        if len(line) <= DATELINE_MAX_CHARS and (dateline := _dateline(line)) is not None:
            return dateline
    # The whole body at once: a hard-wrapped English date may run over a line break.
    first = _first_full_date(body)
    return None if first is None else first.date


def dates_in(sentence: str, *, reference: date | None) -> list[DateMention]:
    """Every date the sentence names, in order, resolved against `reference` (the text's date)."""
    found: list[tuple[int, int, FuzzyDate | None, bool]] = []
    for rule in _RULES:
        for match in rule.pattern.finditer(sentence):
            start, end = match.span("at") if "at" in rule.pattern.groupindex else match.span()
            found.append((start, end, rule.resolve(match, reference), rule.relative))
    taken: list[tuple[int, int, FuzzyDate | None, bool]] = []
    for candidate in sorted(found, key=lambda c: (c[0] - c[1], c[0])):
        if all(candidate[1] <= s or candidate[0] >= e for s, e, _, _ in taken):
            taken.append(candidate)
    return [
        DateMention(start, end, when, relative)
        for start, end, when, relative in sorted(taken, key=lambda c: c[0])
        if when is not None
    ]


# --- building dates -------------------------------------------------------------------------


def _day(year: int, month: int, day: int) -> FuzzyDate | None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        return FuzzyDate(date(year, month, day), Precision.DAY)
    except ValueError:
        return None


def _month(year: int, month: int) -> FuzzyDate | None:
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        return None
    return FuzzyDate(date(year, month, 1), Precision.MONTH)


def _year(year: int) -> FuzzyDate | None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    return FuzzyDate(date(year, 1, 1), Precision.YEAR)


def _month_or_day(year: int, month: int, day: str | None) -> FuzzyDate | None:
    return _month(year, month) if day is None else _day(year, month, int(day))


def _add_months(on: date, months: int) -> tuple[int, int]:
    index = on.year * 12 + on.month - 1 + months
    return index // 12, index % 12 + 1


def _day_near(day: int, reference: date, direction: str | None) -> FuzzyDate | None:
    """A day of the month with no month: the reference's month, or the one before (after) it."""
    shift = 0
    if direction == "지난":
        shift = -1 if day > reference.day else 0
    elif direction == "오는":
        shift = 1 if day < reference.day else 0
    elif day - reference.day > ROLLBACK_DAYS:
        shift = -1
    return _day(*_add_months(reference, shift), day)


def _year_near(month: int, day: int, reference: date, direction: str | None) -> int:
    """The reference's year, moved by 지난 (past) or 오는 (coming) when the month says so."""
    if direction == "지난" and (month, day) > (reference.month, reference.day):
        return reference.year - 1
    if direction == "오는" and (month, day) < (reference.month, reference.day):
        return reference.year + 1
    return reference.year


# --- the forms ------------------------------------------------------------------------------

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
# Capitalised or upper case only: "may" and "march" in lower case are a verb, not a month.
_MONTH_NAMES = "|".join(
    f"{name.capitalize()}|{name.upper()}" for name in sorted(_MONTHS, key=len, reverse=True)
)
MON = rf"(?P<mon>{_MONTH_NAMES})(?![A-Za-z])\.?"
ORD = r"(?:st|nd|rd|th)?"
RANGE = r"(?:\s*[-–~∼〜]\s*\d{1,2})?"  # "12-13", "30~31": the range's first day stands for it
GATE_EN = r"(?i:in|by|during|early|mid|late|until|till|since|from|before|after|through|of)"
DIRECTION = r"(?:(?P<dir>지난|오는)\s*)?"
# A number of days, not a day of the month: "3일간", "30일 이내", "2일 후에".
NOT_DAYS = (
    r"(?!간|째|\s*(?:동안|이내|만에|만의|이상|이하|가량|씩)"
    r"|\s*(?:전|후|뒤)(?:에|엔|부터|까지|의)?(?![가-힣]))"
)

Resolver = Callable[[re.Match[str], date | None], FuzzyDate | None]


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    resolve: Resolver
    relative: bool


def _absolute(pattern: str, resolve: Callable[[re.Match[str]], FuzzyDate | None]) -> _Rule:
    return _Rule(re.compile(pattern), lambda m, _ref: resolve(m), relative=False)


def _relative(pattern: str, resolve: Callable[[re.Match[str], date], FuzzyDate | None]) -> _Rule:
    def with_reference(m: re.Match[str], reference: date | None) -> FuzzyDate | None:
        return None if reference is None else resolve(m, reference)

    return _Rule(re.compile(pattern), with_reference, relative=True)


def _ints(m: re.Match[str], *names: str) -> list[int]:
    return [int(m[name]) for name in names]


def _mon(m: re.Match[str]) -> int:
    return _MONTHS[m["mon"].lower()]


def _named_month_day(m: re.Match[str], reference: date) -> FuzzyDate | None:
    return _day(reference.year, _mon(m), int(m["day"]))


def _korean_month(m: re.Match[str], reference: date) -> FuzzyDate | None:
    month = int(m["m"])
    day = int(m["day"]) if m.groupdict().get("day") else 1
    year = _year_near(month, day, reference, m.groupdict().get("dir"))
    return _month_or_day(year, month, m.groupdict().get("day"))


_KOREAN_YEARS = {"작년": -1, "지난해": -1, "올해": 0, "금년": 0, "올": 0, "내년": 1, "명년": 1}
_KOREAN_MONTHS = {"지난달": -1, "이달": 0, "이번달": 0, "다음달": 1, "내달": 1}  # spaces dropped
_ENGLISH_SHIFT = {"last": -1, "this": 0, "next": 1}
_ENGLISH_DAYS = {"yesterday": -1, "today": 0, "tomorrow": 1}


def _korean_year_word(m: re.Match[str], reference: date) -> FuzzyDate | None:
    year = reference.year + _KOREAN_YEARS[m["w"]]
    if m["m"] is None:
        return _year(year)
    return _month_or_day(year, int(m["m"]), m["day"])


def _korean_month_word(m: re.Match[str], reference: date) -> FuzzyDate | None:
    year, month = _add_months(reference, _KOREAN_MONTHS[m["w"].replace(" ", "")])
    return _month_or_day(year, month, m["day"])


def _english_period(m: re.Match[str], reference: date) -> FuzzyDate | None:
    shift = _ENGLISH_SHIFT[m["rel"].lower()]
    if m["unit"].lower() == "year":
        return _year(reference.year + shift)
    return _month(*_add_months(reference, shift))


def _english_day(m: re.Match[str], reference: date) -> FuzzyDate | None:
    on = reference + timedelta(days=_ENGLISH_DAYS[m["w"].lower()])
    return _day(on.year, on.month, on.day)


_RULES: tuple[_Rule, ...] = (
    # Korean and numeric full dates.
    _absolute(
        rf"(?<!\d)(?P<y>\d{{4}})\s*년\s*(?P<m>\d{{1,2}})\s*월\s*(?P<day>\d{{1,2}}){RANGE}\s*일",
        lambda m: _day(*_ints(m, "y", "m", "day")),
    ),
    _absolute(
        r"(?<![\d.])(?P<y>\d{4})(?P<sep>[-/])(?P<m>\d{1,2})(?P=sep)(?P<day>\d{1,2})(?!\d)",
        lambda m: _day(*_ints(m, "y", "m", "day")),
    ),
    _absolute(
        r"(?<![\d.])(?P<y>\d{4})\.\s?(?P<m>\d{1,2})\.\s?(?P<day>\d{1,2})(?!\d)\.?",
        lambda m: _day(*_ints(m, "y", "m", "day")),
    ),
    _absolute(
        r"(?<!\d)(?P<y>\d{4})\s*년\s*(?P<m>\d{1,2})\s*월", lambda m: _month(*_ints(m, "y", "m"))
    ),
    _absolute(r"(?<!\d)(?P<y>\d{4})\s*년도?", lambda m: _year(int(m["y"]))),
    # English full dates, months and gated years.
    _absolute(
        rf"{MON}\s+(?P<day>\d{{1,2}}){ORD}{RANGE}{ORD},?\s+(?P<y>\d{{4}})(?!\d)",
        lambda m: _day(int(m["y"]), _mon(m), int(m["day"])),
    ),
    _absolute(
        rf"(?<!\d)(?P<day>\d{{1,2}}){ORD}{RANGE}{ORD}\s+(?:of\s+)?{MON},?\s+(?P<y>\d{{4}})(?!\d)",
        lambda m: _day(int(m["y"]), _mon(m), int(m["day"])),
    ),
    _absolute(rf"{MON},?\s+(?P<y>\d{{4}})(?!\d)", lambda m: _month(int(m["y"]), _mon(m))),
    _absolute(
        rf"\b{GATE_EN}[\s-]+(?P<at>(?P<y>\d{{4}}))(?!\d)",
        lambda m: _year(int(m["y"])),
    ),
    # Korean days and months of the reference's year.
    _relative(
        rf"{DIRECTION}(?P<at>(?<!\d)(?P<m>\d{{1,2}})\s*월\s*(?P<day>\d{{1,2}}){RANGE}\s*일)",
        _korean_month,
    ),
    _relative(rf"{DIRECTION}(?P<at>(?<!\d)(?P<m>\d{{1,2}})\s*월)", _korean_month),
    _relative(
        rf"{DIRECTION}(?P<at>(?<![\d.])(?P<day>\d{{1,2}}){RANGE}일){NOT_DAYS}",
        lambda m, ref: _day_near(int(m["day"]), ref, m["dir"]),
    ),
    _relative(
        r"(?<![\d.])(?P<m>\d{1,2})\.\s?(?P<day>\d{1,2})\.(?!\d)(?:\s?\([월화수목금토일]\))?",
        lambda m, ref: _day(ref.year, *_ints(m, "m", "day")),
    ),
    # Korean words for years and months.
    _relative(
        r"(?<![가-힣])(?P<w>작년|지난해|올해|금년|내년|명년|올(?=\s*\d{1,2}\s*월))"
        r"(?:\s*(?P<m>\d{1,2})\s*월(?:\s*(?P<day>\d{1,2})\s*일)?)?",
        _korean_year_word,
    ),
    _relative(
        r"(?<![가-힣])(?P<w>지난\s?달|이번\s?달|이달|다음\s?달|내달)(?:\s*(?P<day>\d{1,2})\s*일)?",
        _korean_month_word,
    ),
    # English days and months of the reference's year, and words for periods.
    _relative(
        rf"{MON}\s+(?P<day>\d{{1,2}}){ORD}{RANGE}{ORD}(?!\d)",
        _named_month_day,
    ),
    _relative(
        rf"(?<![\d.])(?P<day>\d{{1,2}}){ORD}{RANGE}{ORD}\s+(?:of\s+)?{MON}",
        _named_month_day,
    ),
    _relative(
        rf"\b{GATE_EN}[\s-]+(?P<at>{MON})(?!\s*\d)",
        lambda m, ref: _month(ref.year, _mon(m)),
    ),
    _relative(r"(?i)\b(?P<rel>last|this|next)\s+(?P<unit>year|month)\b", _english_period),
    _relative(r"(?i)\b(?P<w>yesterday|today|tomorrow)\b", _english_day),
)


# --- text date ------------------------------------------------------------------------------

_SOURCE_LINE = re.compile(r"\A\s*SOURCE:[^\n]*")
_DATELINE_LEAD = re.compile(
    r"""(?:
        \([^()]{1,20}\)\s*                                   # (서울=뉴스1)
      | (?i:기사\s*입력|입력|등록|수정|최종\s*수정|발행|게재|작성|보도\s*일시|배포\s*일시
          |보도\s*일자|일시|날짜|published|posted|updated|last\s+updated|dated?|released|issued)
        \s*(?:일|일시)?\s*[:：]?\s*
      | [A-Z][\w .'’-]{0,38},\s*                              # OTTAWA,  Seoul, Korea,
    )?""",
    re.VERBOSE,
)


# After a dateline's date: nothing, a separator, a weekday or a time; not the words of a title.
_DATELINE_TAIL = re.compile(r"\s*(?:$|[–—\-/|(,:·]|\d{1,2}:\d{2}|오전|오후)")


def _first_full_date(line: str) -> DateMention | None:
    return next(
        (m for m in dates_in(line, reference=None) if m.date.precision is Precision.DAY), None
    )


def _dateline(line: str) -> FuzzyDate | None:
    found = _first_full_date(line)
    if found is None or not _DATELINE_LEAD.fullmatch(line[: found.start]):
        return None
    if not _DATELINE_TAIL.match(line, found.end):
        return None
    return found.date
