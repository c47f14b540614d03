"""Reading an edited sheet: CSV (UTF-8) or XLSX records, the header check, and the changed
rows, as typed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tracker.errors import Grouped, TrackerError
from tracker.services.spreadsheet.columns import (
    COLUMNS,
    COUNTERPART,
    EDITABLE,
    HOME,
    MAX_BYTES,
    SHEET_TITLE,
    SINCE_PARTIES,
    SUFFIXES,
    SpreadsheetRefused,
)


@dataclass(frozen=True)
class SheetRow:
    """One changed row, as typed: nothing in it is checked yet."""

    where: str  # "line 5" (CSV) or "row 5" (XLSX)
    agreement: str
    ref: str
    version: str
    new_status: str
    note: str
    as_of: str | date
    evidence: str
    text: str = ""  # the commitment's text as exported: a check that the row is the one meant
    evidence_level: str = ""
    obstacles: str = ""
    # The counterpart's update, recorded when any of these is filled.
    new_counterpart_status: str = ""
    counterpart_note: str = ""
    counterpart_as_of: str | date = ""

    @property
    def home_changed(self) -> bool:
        return any(_text(getattr(self, name)) for name in HOME)

    @property
    def counterpart_changed(self) -> bool:
        return any(_text(getattr(self, name)) for name in COUNTERPART)


@dataclass(frozen=True)
class Sheet:
    path: Path
    rows: list[SheetRow]
    unchanged: int  # rows with nothing to apply
    # rows that could not even be read, each about its line or row
    problems: list[TrackerError] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name


def read_updates(path: Path, *, max_bytes: int = MAX_BYTES) -> Sheet:
    """The rows of an edited export (CSV in UTF-8, or XLSX) that have something to apply.

    A file that cannot be read as a whole (missing, too large, another encoding, another
    header) is refused at once; problems of single rows are kept for `check_updates`.
    """
    suffix = path.suffix.lower()
    if suffix in (".xls", ".xlsm", ".ods", ".numbers"):
        raise SpreadsheetRefused("sheet.old_format", name=path.name, suffix=suffix)
    if suffix not in SUFFIXES:
        raise SpreadsheetRefused("sheet.unknown_suffix", name=path.name)
    if not path.is_file():
        raise SpreadsheetRefused("sheet.no_file", path=str(path))
    size = path.stat().st_size
    if size > max_bytes:
        raise SpreadsheetRefused(
            "sheet.too_big", name=path.name, size=Grouped(size), limit=Grouped(max_bytes)
        )
    if size == 0:
        raise SpreadsheetRefused("sheet.empty", name=path.name)
    records = _csv_records(path) if suffix == ".csv" else _xlsx_records(path)
    return _sheet(path, records)


def _csv_records(path: Path) -> Iterator[tuple[str, list[Any]]]:
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SpreadsheetRefused("sheet.utf16", name=path.name)
    if b"\x00" in data:
        raise SpreadsheetRefused("sheet.binary", name=path.name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _not_utf8(path.name, data) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        for number, cells in enumerate(reader, start=1):
            where = f"line {start}" + (f" (spreadsheet row {number})" if start != number else "")
            yield where, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise SpreadsheetRefused(
            "sheet.bad_csv", name=path.name, line=reader.line_num, reason=str(exc)
        ) from None


def _not_utf8(name: str, data: bytes) -> SpreadsheetRefused:
    """Not UTF-8: Korean Excel's plain CSV (CP949) is named as such, with how to save it."""
    try:
        data.decode("cp949")
    except UnicodeDecodeError:
        return SpreadsheetRefused("sheet.not_utf8", name=name)
    return SpreadsheetRefused("sheet.cp949", name=name)


def _xlsx_records(path: Path) -> Iterator[tuple[str, list[Any]]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise SpreadsheetRefused(
            "sheet.bad_xlsx", name=path.name, reason=f"{type(exc).__name__}: {exc}"
        ) from None
    try:
        names = workbook.sheetnames
        sheet = workbook[SHEET_TITLE] if SHEET_TITLE in names else workbook.worksheets[0]
        if isinstance(sheet, ReadOnlyWorksheet):
            sheet.reset_dimensions()  # some programs record a wrong used range: read every row
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield f"row {number}", list(values)
    finally:
        workbook.close()


def _sheet(path: Path, records: Iterable[tuple[str, list[Any]]]) -> Sheet:
    iterator = iter(records)
    header_record = next(iterator, None)
    if header_record is None:
        raise SpreadsheetRefused("sheet.empty", name=path.name)
    positions = _header(path.name, header_record[1])
    width = len(positions)
    rows: list[SheetRow] = []
    problems: list[TrackerError] = []
    unchanged = 0
    for where, cells in iterator:
        extra = [value for value in cells[width:] if _text(value)]
        if extra:
            shown = [_text(value) for value in extra[:3]]
            problems.append(TrackerError("sheet.extra_cells", width=width, values=shown).at(where))
            continue
        values = {name: None for name in COLUMNS} | {
            name: cells[index] if index < len(cells) else None for name, index in positions.items()
        }
        if not any(_text(values[name]) for name in EDITABLE):
            if any(_text(value) for value in cells):
                unchanged += 1
            continue
        rows.append(
            SheetRow(
                where=where,
                agreement=_text(values["agreement"]),
                ref=_text(values["ref"]),
                version=_text(values["version"]),
                new_status=_text(values["new_status"]),
                note=_text(values["note"]),
                as_of=_day(values["as_of"]),
                evidence=_text(values["evidence"]),
                text=_text(values["text"]),
                evidence_level=_text(values["evidence_level"]),
                obstacles=_text(values["obstacles"]),
                new_counterpart_status=_text(values["new_counterpart_status"]),
                counterpart_note=_text(values["counterpart_note"]),
                counterpart_as_of=_day(values["counterpart_as_of"]),
            )
        )
    return Sheet(path=path, rows=rows, unchanged=unchanged, problems=problems)


def _header(name: str, cells: list[Any]) -> dict[str, int]:
    """Column key -> index; the header must name every column once and nothing else (a sheet
    exported before parties were recorded may lack their columns)."""
    while cells and not _text(cells[-1]):
        cells = cells[:-1]
    keys = [_text(cell).lower() for cell in cells]
    missing = [c for c in COLUMNS if c not in keys and c not in SINCE_PARTIES]
    extra = [key or f"(blank, column {i})" for i, key in enumerate(keys, 1) if key not in COLUMNS]
    repeated = sorted({key for key in keys if key in COLUMNS and keys.count(key) > 1})
    if missing or extra or repeated:
        problems = []
        if extra:
            problems.append(TrackerError("sheet.header_unknown", columns=extra))
        if missing:
            problems.append(TrackerError("sheet.header_missing", columns=missing))
        if repeated:
            problems.append(TrackerError("sheet.header_repeated", columns=repeated))
        if len(keys) == 1 and (";" in keys[0] or "\t" in keys[0]):
            problems.append(TrackerError("sheet.header_not_commas"))
        raise SpreadsheetRefused(
            "sheet.bad_header", name=name, columns=list(COLUMNS)
        ).with_problems(problems)
    return {key: keys.index(key) for key in COLUMNS if key in keys}


def _day(value: Any) -> str | date:
    """A date cell as Excel gives it, else its text (checked later)."""
    return value if isinstance(value, date) else _text(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
