"""Exporting commitments to a sheet to fill in: the rows, and the CSV and XLSX writers."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session

from tracker.config import ProgressStatus
from tracker.domain import EvidenceLevel, Language
from tracker.files import write_atomically
from tracker.services.commitments import CommitmentFilter, list_commitments
from tracker.services.policy import FollowUpPolicy
from tracker.services.spreadsheet.columns import (
    _HELP,
    _WIDTHS,
    COLUMNS,
    EDITABLE,
    INFORMATION,
    SHEET_TITLE,
    STATUS_SHEET_TITLE,
    SUFFIXES,
    SpreadsheetRefused,
)
from tracker.words import say


@dataclass(frozen=True)
class ExportRow:
    agreement: str
    ref: str
    version: int
    clause: str
    text: str
    owner: str
    division: str
    current_status: str
    current_as_of: date | None
    current_counterpart_status: str = ""  # blank: nobody recorded the counterpart's
    current_counterpart_as_of: date | None = None

    def cells(self) -> list[Any]:
        """The row's values in column order, the editable ones blank."""
        return [None if name in EDITABLE else getattr(self, name) for name in COLUMNS]


def export_rows(
    *,
    session: Session,
    policy: FollowUpPolicy,
    agreement: str | None = None,
    owner: str | None = None,
    include_untracked: bool = False,
    language: Language | None = None,
) -> list[ExportRow]:
    """The commitments of `agreement` and/or `owner` (an officer's id, e-mail or name), tracked
    ones only unless `include_untracked`, in document order."""
    commitments = list_commitments(
        session=session,
        policy=policy,
        where=CommitmentFilter(
            agreement=agreement, owner=owner, tracked=None if include_untracked else True
        ),
    )
    language = language or policy.language
    return [
        ExportRow(
            agreement=c.agreement_key,
            ref=c.ref,
            version=c.version,
            clause=c.clause,
            text=c.text,
            owner=c.owner,
            division=c.division,
            current_status=policy.label(c.status, language),
            current_as_of=c.status_as_of,
            current_counterpart_status=(
                policy.label(c.counterpart_status, language) if c.counterpart_status else ""
            ),
            current_counterpart_as_of=c.counterpart_status_as_of,
        )
        for c in commitments
    ]


def write_export(
    rows: Sequence[ExportRow],
    path: Path,
    *,
    policy: FollowUpPolicy,
    language: Language | None = None,
    overwrite: bool = False,
) -> Path:
    """Write `rows` as CSV or XLSX (by `path`'s suffix) through a temp file renamed into place,
    so that `path` is never half-written. An existing file is kept unless `overwrite`: it may
    be a sheet someone has been editing."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise SpreadsheetRefused("sheet.write_suffix", name=path.name)
    folder = path.parent
    if not folder.is_dir():
        raise SpreadsheetRefused("sheet.write_no_folder", path=str(path), folder=str(folder))
    if path.is_dir():
        raise SpreadsheetRefused("sheet.write_folder", path=str(path))
    if path.exists() and not overwrite:
        raise SpreadsheetRefused("sheet.write_exists", path=str(path))
    language = language or policy.language
    try:
        if suffix == ".csv":
            data = _csv_bytes(rows)
        else:
            buffer = io.BytesIO()
            _write_xlsx(rows, buffer, statuses=policy.statuses, language=language)
            data = buffer.getvalue()
        write_atomically(path, data)
    except OSError as exc:
        raise SpreadsheetRefused(
            "sheet.write_failed", path=str(path), reason=str(exc.strerror or exc)
        ) from None
    return path


_FORMULA_START = ("=", "+", "-", "@")
DATES = ("current_as_of", "current_counterpart_as_of", "as_of", "counterpart_as_of")
WRAPPED = ("text", "note", "evidence", "obstacles", "counterpart_note")


def _csv_bytes(rows: Sequence[ExportRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        cells = row.cells()
        writer.writerow(
            [
                _csv_cell(value, guard=name in INFORMATION)
                for name, value in zip(COLUMNS, cells, strict=True)
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def _csv_cell(value: Any, *, guard: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    # Excel runs a CSV cell that starts like a formula; a text for reading is kept as text.
    if guard and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _write_xlsx(
    rows: Sequence[ExportRow],
    out: Any,
    *,
    statuses: Sequence[ProgressStatus],
    language: Language,
) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    grey = PatternFill("solid", start_color="EDEDED")
    yellow = PatternFill("solid", start_color="FFF8DC")
    muted = Font(color="595959")
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    letters = {name: get_column_letter(index) for index, name in enumerate(COLUMNS, start=1)}

    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        name = str(cell.value)
        cell.font = Font(bold=True)
        cell.fill = yellow if name in EDITABLE else grey
        ko, en = _HELP[name]
        cell.comment = Comment(ko if language is Language.KO else en, "tracker")
    for row in rows:
        values = [
            ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
            for value in row.cells()
        ]
        sheet.append(values)
        for name, cell in zip(COLUMNS, sheet[sheet.max_row], strict=True):
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a text starting with "=" stays text, not a formula
            if name in DATES:
                cell.number_format = "yyyy-mm-dd"
            cell.alignment = wrap if name in WRAPPED else top
            if name not in EDITABLE:
                cell.fill = grey
                cell.font = muted
    for name, letter in letters.items():
        sheet.column_dimensions[letter].width = _WIDTHS[name]
    sheet.freeze_panes = "C2"
    last = max(sheet.max_row, 2)
    sheet.auto_filter.ref = f"A1:{letters[COLUMNS[-1]]}{last}"

    legend = workbook.create_sheet(STATUS_SHEET_TITLE)
    label_column = "B" if language is Language.KO else "C"
    legend.append(["key", "ko", "en"])
    for cell in legend[1]:
        cell.font = Font(bold=True)
    for status in statuses:
        legend.append([status.key, status.ko, status.en])
    for letter, width in (("A", 16), ("B", 16), ("C", 20)):
        legend.column_dimensions[letter].width = width

    for column in ("new_status", "new_counterpart_status"):
        choices = DataValidation(
            type="list",
            formula1=f"={STATUS_SHEET_TITLE}!${label_column}$2:${label_column}${len(statuses) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle=column,
            error=", ".join(s.label(language) for s in statuses),
        )
        sheet.add_data_validation(choices)
        choices.add(f"{letters[column]}2:{letters[column]}{last}")
    levels = [say(language, f"evidence_level.{level.value}") for level in EvidenceLevel]
    leveled = DataValidation(
        type="list",
        formula1='"' + ",".join(levels) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle="evidence_level",
        error=", ".join(levels),
    )
    sheet.add_data_validation(leveled)
    leveled.add(f"{letters['evidence_level']}2:{letters['evidence_level']}{last}")
    workbook.save(out)
