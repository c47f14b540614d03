"""Spreadsheets for officers who live in them: export commitments with their current status and
blank columns for the new one; read the edited sheet back and apply it, every row or none.

Columns. The header row holds these keys, in English whatever the language of the labels, so a
sheet re-imports the same under any configuration. On import the columns may come in any order,
but the header must hold all of them and no others.

  agreement       agreement key            } which commitment the row is about: leave as exported
  ref             reference, e.g. 7.3      }
  version         the commitment's version at export: a row whose commitment has changed
                  since (another update, a reassignment, a correction) is refused; export again
  clause          clause number            } for reading only: ignored on import (but
  text            the commitment's text    } see text below)
  owner           responsible officer      }
  division        their division           }
  current_status  current status label     }
  current_as_of   its as-of date           }
  new_status      the new status: a key or a label in either language (achieved, 달성,
                  Achieved); blank keeps the current status
  note            what happened: the update's narrative
  as_of           the date the status holds from: YYYY-MM-DD (2025.11.3 and 2025/11/3 too, or
                  an Excel date); blank means today; never after today
  evidence        http(s) links and file paths, separated by ';', line breaks or spaces; a
                  file name with spaces must stand alone between ';'. A relative path is read
                  from the sheet's folder.

Rows. A row whose new_status, note, as_of and evidence are all blank is unchanged and skipped
(it is not even checked, so a stale version there does no harm). Any other row records one
status update; without a new_status it keeps the commitment's current status (a progress note,
which also counts as a report for staleness). A commitment may appear on one changed row only.
The reading columns are ignored, except that a changed row's text, unless blanked, must still be
its commitment's text: Excel opening a CSV turns the reference 7.10 into 7.1, and such a row
would otherwise update the wrong commitment. XLSX keeps references as text; prefer it.

Problems are reported by where the user finds the row: `line N` in a CSV (its physical line,
the header is line 1; when a quoted cell spans several lines the spreadsheet row is added) and
`row N` in an XLSX workbook. Every problem of every row is listed; if there is any, nothing
is written.

Files. CSV is written as UTF-8 with a BOM (so that Excel shows Korean) and CRLF line ends, and
must be read back as UTF-8: Korean Excel's plain "CSV" is CP949, refused with how to save it.
XLSX has the header bold and frozen, the read-only columns greyed, a drop-down of the status
labels on new_status, and a second sheet listing the statuses. Exports are written to a temp
file in the target folder, then renamed into place.
"""

from __future__ import annotations

import csv
import io
import os
import re
import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from tracker.config import ProgressStatus
from tracker.domain import Language, UpdateSource
from tracker.errors import NotFound, TrackerError
from tracker.models import (
    ChangeRecord,
    Commitment,
    StatusUpdate,
    StatusUpdateCreate,
)
from tracker.services.commitments import CommitmentFilter, list_commitments
from tracker.services.evidence import EvidenceRefused, check_evidence
from tracker.services.lookup import find_agreement
from tracker.services.policy import FollowUpPolicy, UnknownStatus
from tracker.services.status import latest_update, record_status_update
from tracker.text import fold_whitespace

IDENTITY = ("agreement", "ref", "version")
INFORMATION = (
    "clause",
    "text",
    "owner",
    "division",
    "current_status",
    "current_as_of",
)
EDITABLE = ("new_status", "note", "as_of", "evidence")
COLUMNS = (*IDENTITY, *INFORMATION, *EDITABLE)

SUFFIXES = (".csv", ".xlsx")
SHEET_TITLE = "updates"
STATUS_SHEET_TITLE = "statuses"
MAX_BYTES = 10_000_000

# What each column is for, shown as a note on the XLSX header cells.
_HELP: dict[str, tuple[str, str]] = {
    "agreement": ("협정 키 (수정하지 마세요)", "Agreement key (do not edit)"),
    "ref": ("공약 번호 (수정하지 마세요)", "Commitment reference (do not edit)"),
    "version": (
        "내보낼 때의 버전 (수정하지 마세요): 그 뒤 바뀐 공약은 거부됩니다",
        "Version at export (do not edit): a commitment changed since is refused",
    ),
    "clause": ("조항 (참고용)", "Clause (for reading only)"),
    "text": ("공약 원문 (참고용)", "Commitment text (for reading only)"),
    "owner": ("담당자 (참고용)", "Responsible officer (for reading only)"),
    "division": ("담당 부서 (참고용)", "Division (for reading only)"),
    "current_status": ("현재 상태 (참고용)", "Current status (for reading only)"),
    "current_as_of": ("현재 상태의 기준일 (참고용)", "As-of date of the current status"),
    "new_status": (
        "새 상태: 목록에서 고르세요. 비워 두면 현재 상태를 유지합니다",
        "New status: pick from the list; blank keeps the current status",
    ),
    "note": ("진행 상황 설명", "What happened"),
    "as_of": (
        "기준일 YYYY-MM-DD; 비워 두면 오늘, 미래 날짜는 안 됩니다",
        "As-of date YYYY-MM-DD; blank means today; not in the future",
    ),
    "evidence": (
        "근거: 링크 또는 파일 경로, ';'로 구분 (상대 경로는 이 파일의 폴더 기준)",
        "Evidence: links or file paths separated by ';' (relative to this file's folder)",
    ),
}

_WIDTHS = {
    "agreement": 18,
    "ref": 8,
    "version": 8,
    "clause": 7,
    "text": 60,
    "owner": 12,
    "division": 14,
    "current_status": 14,
    "current_as_of": 13,
    "new_status": 16,
    "note": 40,
    "as_of": 13,
    "evidence": 40,
}


class SpreadsheetRefused(TrackerError):
    """A spreadsheet that cannot be written or read: its name, encoding or header."""


class SheetRefused(TrackerError):
    """Rows of an edited sheet that cannot be applied; the message lists every one."""

    def __init__(self, source: str, problems: Sequence[str], *, exit_code: int = 1) -> None:
        self.problems = list(problems)
        self.exit_code = exit_code
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__("\n".join([f"{source}: {count}; nothing was saved", *problems]))


# --- export -------------------------------------------------------------------------------


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

    def cells(self) -> list[Any]:
        """The row's values in column order, the editable ones blank."""
        return [
            self.agreement,
            self.ref,
            self.version,
            self.clause,
            self.text,
            self.owner,
            self.division,
            self.current_status,
            self.current_as_of,
            *([None] * len(EDITABLE)),
        ]


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
        raise SpreadsheetRefused(
            f"cannot write {path.name}: the file name must end in .csv or .xlsx"
        )
    folder = path.parent
    if not folder.is_dir():
        raise SpreadsheetRefused(f"cannot write {path}: folder {folder} does not exist")
    if path.is_dir():
        raise SpreadsheetRefused(f"cannot write {path}: it is a folder")
    if path.exists() and not overwrite:
        raise SpreadsheetRefused(
            f"{path} already exists (maybe a sheet being edited); choose another name, "
            "or replace it with --force"
        )
    language = language or policy.language
    temp = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        with temp.open("xb") as out:
            if suffix == ".csv":
                out.write(_csv_bytes(rows))
            else:
                _write_xlsx(rows, out, statuses=policy.statuses, language=language)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except OSError as exc:
        raise SpreadsheetRefused(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if temp.exists():
            temp.unlink()
    return path


_FORMULA_START = ("=", "+", "-", "@")


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
            if name in ("current_as_of", "as_of"):
                cell.number_format = "yyyy-mm-dd"
            cell.alignment = wrap if name in ("text", "note", "evidence") else top
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

    choices = DataValidation(
        type="list",
        formula1=f"={STATUS_SHEET_TITLE}!${label_column}$2:${label_column}${len(statuses) + 1}",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle="new_status",
        error=", ".join(s.label(language) for s in statuses),
    )
    sheet.add_data_validation(choices)
    choices.add(f"{letters['new_status']}2:{letters['new_status']}{last}")
    workbook.save(out)


# --- reading an edited sheet ----------------------------------------------------------------


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


@dataclass(frozen=True)
class Sheet:
    path: Path
    rows: list[SheetRow]
    unchanged: int  # rows with nothing to apply
    problems: list[str] = field(default_factory=list)  # rows that could not even be read

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
        raise SpreadsheetRefused(
            f"{path.name}: {suffix} files are not read; save it as .xlsx or as CSV UTF-8"
        )
    if suffix not in SUFFIXES:
        raise SpreadsheetRefused(f"{path.name}: expected a .csv or .xlsx file")
    if not path.is_file():
        raise SpreadsheetRefused(f"{path}: no such file")
    size = path.stat().st_size
    if size > max_bytes:
        raise SpreadsheetRefused(
            f"{path.name} is {size:,} bytes; the limit for a sheet is {max_bytes:,}"
        )
    if size == 0:
        raise SpreadsheetRefused(f"{path.name} is empty")
    records = _csv_records(path) if suffix == ".csv" else _xlsx_records(path)
    return _sheet(path, records)


def _csv_records(path: Path) -> Iterator[tuple[str, list[Any]]]:
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SpreadsheetRefused(
            f"{path.name} is UTF-16 (Excel's 'Unicode text'); save it as 'CSV UTF-8' or .xlsx"
        )
    if b"\x00" in data:
        raise SpreadsheetRefused(f"{path.name} is not a CSV file (it holds binary data)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpreadsheetRefused(_not_utf8(path.name, data)) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        for number, cells in enumerate(reader, start=1):
            where = f"line {start}" + (f" (spreadsheet row {number})" if start != number else "")
            yield where, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise SpreadsheetRefused(
            f"{path.name}: line {reader.line_num}: not valid CSV ({exc})"
        ) from None


def _not_utf8(name: str, data: bytes) -> str:
    try:
        data.decode("cp949")
    except UnicodeDecodeError:
        looks = "it is not UTF-8"
    else:
        looks = "it looks like CP949/EUC-KR, Excel's plain 'CSV (쉼표로 분리)'"
    return (
        f"{name} is not in UTF-8 ({looks}); in Excel choose Save As > "
        "'CSV UTF-8 (쉼표로 분리)' (CSV UTF-8), or save it as .xlsx, and import that"
    )


def _xlsx_records(path: Path) -> Iterator[tuple[str, list[Any]]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise SpreadsheetRefused(
            f"{path.name} is not a readable .xlsx workbook ({type(exc).__name__}: {exc})"
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
        raise SpreadsheetRefused(f"{path.name} is empty")
    positions = _header(path.name, header_record[1])
    width = len(positions)
    rows: list[SheetRow] = []
    problems: list[str] = []
    unchanged = 0
    for where, cells in iterator:
        extra = [value for value in cells[width:] if _text(value)]
        if extra:
            shown = ", ".join(repr(_text(value)) for value in extra[:3])
            problems.append(f"{where}: values beyond the header's {width} columns: {shown}")
            continue
        values = {
            name: cells[index] if index < len(cells) else None for name, index in positions.items()
        }
        if not any(_text(values[name]) for name in EDITABLE):
            if any(_text(value) for value in cells):
                unchanged += 1
            continue
        as_of = values["as_of"]
        rows.append(
            SheetRow(
                where=where,
                agreement=_text(values["agreement"]),
                ref=_text(values["ref"]),
                version=_text(values["version"]),
                new_status=_text(values["new_status"]),
                note=_text(values["note"]),
                as_of=as_of if isinstance(as_of, date) else _text(as_of),
                evidence=_text(values["evidence"]),
                text=_text(values["text"]),
            )
        )
    return Sheet(path=path, rows=rows, unchanged=unchanged, problems=problems)


def _header(name: str, cells: list[Any]) -> dict[str, int]:
    """Column key -> index; the header must name every column once and nothing else."""
    while cells and not _text(cells[-1]):
        cells = cells[:-1]
    keys = [_text(cell).lower() for cell in cells]
    missing = [column for column in COLUMNS if column not in keys]
    extra = [key or f"(blank, column {i})" for i, key in enumerate(keys, 1) if key not in COLUMNS]
    repeated = sorted({key for key in keys if key in COLUMNS and keys.count(key) > 1})
    if missing or extra or repeated:
        parts = []
        if extra:
            parts.append(f"unknown column{'s' if len(extra) > 1 else ''} {', '.join(extra)}")
        if missing:
            parts.append(f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
        if repeated:
            parts.append(f"repeated column{'s' if len(repeated) > 1 else ''} {', '.join(repeated)}")
        hint = ""
        if len(keys) == 1 and (";" in keys[0] or "\t" in keys[0]):
            hint = " (the columns must be separated by commas)"
        raise SpreadsheetRefused(
            f"{name}: the header is not the export's: {'; '.join(parts)}{hint}; the first row "
            f"must be exactly: {', '.join(COLUMNS)}"
        )
    return {key: keys.index(key) for key in COLUMNS}


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


# --- checking and applying ------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedUpdate:
    """A row that passed every check: what it will record."""

    where: str
    reference: str  # KEY:REF
    commitment_id: int
    update: StatusUpdateCreate
    status_before: str  # labels
    status_after: str


@dataclass(frozen=True)
class AppliedUpdate:
    planned: PlannedUpdate
    status_update_id: int
    current: bool  # False: a later update stays current (the row was back-dated)
    current_as_of: date | None


@dataclass(frozen=True)
class SheetResult:
    name: str
    applied: list[AppliedUpdate]
    unchanged: int


_DATE = re.compile(r"^(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\s*\.?$")


def check_updates(
    sheet: Sheet,
    *,
    session: Session,
    policy: FollowUpPolicy,
    today: date | None = None,
) -> list[PlannedUpdate]:
    """Check every changed row of `sheet` and return what each would record, or raise
    SheetRefused listing every problem of every row. Writes nothing."""
    today = today or policy.today()
    problems = list(sheet.problems)
    conflicts = 0
    commitments = _commitments(sheet.rows, session=session)
    seen: dict[int, str] = {}
    planned: list[PlannedUpdate] = []
    for row in sheet.rows:
        row_problems: list[str] = []
        reference = f"{row.agreement}:{row.ref}"
        commitment: Commitment | None = None
        if not row.agreement or not row.ref:
            row_problems.append(
                "the agreement and ref columns must stay as exported (one of them is blank)"
            )
        else:
            found = commitments.get((row.agreement, row.ref))
            if isinstance(found, str):
                row_problems.append(f"unknown reference {reference}: {found}")
            else:
                commitment = found
        if commitment is not None:
            assert commitment.id is not None
            if commitment.id in seen:
                row_problems.append(
                    f"{reference} is also on {seen[commitment.id]}; give each commitment one row"
                )
            else:
                seen[commitment.id] = row.where
            if row.text and not _same_text(row.text, commitment.text):
                row_problems.append(
                    f"the text is not that of {reference}: was the ref changed (Excel turns "
                    "a CSV's 7.10 into 7.1)? keep agreement, ref, version and text as exported"
                )
            version_problem = _version_problem(row.version, commitment, session=session)
            if version_problem:
                row_problems.append(f"{reference} {version_problem}")
                conflicts += version_problem.startswith("changed")
        status: ProgressStatus | None = None
        if row.new_status:
            try:
                status = policy.status(row.new_status)
            except UnknownStatus as exc:
                row_problems.append(str(exc))
        as_of, date_problem = _as_of(row.as_of, today=today)
        if date_problem:
            row_problems.append(date_problem)
        evidence: list[str] = []
        for item in _evidence_items(row.evidence, folder=sheet.path.parent):
            try:
                check_evidence([item], max_bytes=policy.evidence_max_bytes)
            except EvidenceRefused as exc:
                row_problems.append(str(exc))
            evidence.append(item)
        problems.extend(f"{row.where}: {problem}" for problem in row_problems)
        if row_problems or commitment is None or as_of is None:
            continue
        assert commitment.id is not None
        before = policy.status_of(commitment.status)
        after = status or before
        planned.append(
            PlannedUpdate(
                where=row.where,
                reference=reference,
                commitment_id=commitment.id,
                update=StatusUpdateCreate(
                    status=after.key,
                    narrative=row.note,
                    as_of=as_of,
                    evidence=evidence,
                    expected_version=commitment.version,
                ),
                status_before=before.label(policy.language),
                status_after=after.label(policy.language),
            )
        )
    if problems:
        raise SheetRefused(sheet.name, problems, exit_code=3 if conflicts == len(problems) else 1)
    return planned


def apply_updates(
    sheet: Sheet,
    *,
    session: Session,
    policy: FollowUpPolicy,
    author: str,
    author_id: int | None = None,
    today: date | None = None,
) -> SheetResult:
    """Check every row, then record them all as status updates from a spreadsheet, in the
    caller's transaction (which makes it all or nothing: roll back on any error)."""
    today = today or policy.today()
    planned = check_updates(sheet, session=session, policy=policy, today=today)
    applied: list[AppliedUpdate] = []
    for plan in planned:
        commitment = session.get(Commitment, plan.commitment_id)
        assert commitment is not None
        try:
            row = record_status_update(
                commitment,
                plan.update,
                session=session,
                policy=policy,
                author=author,
                author_id=author_id,
                source=UpdateSource.SPREADSHEET,
                today=today,
            )
        except TrackerError as exc:  # changed between the check and now: a concurrent writer
            raise SheetRefused(
                sheet.name, [f"{plan.where}: {exc}"], exit_code=exc.exit_code
            ) from None
        assert row.id is not None
        latest = latest_update(commitment, session=session)
        applied.append(
            AppliedUpdate(
                planned=plan,
                status_update_id=row.id,
                current=latest is not None and latest.id == row.id,
                current_as_of=commitment.status_as_of,
            )
        )
    return SheetResult(name=sheet.name, applied=applied, unchanged=sheet.unchanged)


def _commitments(
    rows: Sequence[SheetRow], *, session: Session
) -> dict[tuple[str, str], Commitment | str]:
    """(agreement, ref) -> the commitment, or why there is none; one query per agreement."""
    found: dict[tuple[str, str], Commitment | str] = {}
    wanted: dict[str, set[str]] = {}
    for row in rows:
        if row.agreement and row.ref:
            wanted.setdefault(row.agreement, set()).add(row.ref)
    for key, refs in wanted.items():
        try:
            agreement = find_agreement(key, session=session)
        except NotFound as exc:
            found.update({(key, ref): str(exc) for ref in refs})
            continue
        by_ref = {
            c.ref: c
            for c in session.exec(
                select(Commitment).where(
                    Commitment.agreement_id == agreement.id, col(Commitment.ref).in_(refs)
                )
            ).all()
        }
        for ref in refs:
            found[(key, ref)] = by_ref.get(ref) or (
                f"agreement {agreement.key!r} has no commitment {ref!r}"
            )
    return found


def _same_text(typed: str, stored: str) -> bool:
    """Whether a sheet's text cell still holds `stored`: spacing may differ, and the CSV export
    put a quote before a text that Excel would take for a formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    expected = fold_whitespace(ILLEGAL_CHARACTERS_RE.sub("", stored))
    typed = fold_whitespace(typed)
    return typed == expected or (typed.startswith("'") and typed[1:] == expected)


def _version_problem(text: str, commitment: Commitment, *, session: Session) -> str:
    if not text.isdigit():
        shown = repr(text) if text else "blank"
        return f"has version {shown}; the version column must stay as exported (a number)"
    if int(text) == commitment.version:
        return ""
    return (
        f"changed since the export (the sheet has version {int(text)}, it is now "
        f"{commitment.version}{_last_change(commitment, session=session)}); export again and "
        "re-enter this row"
    )


def _last_change(commitment: Commitment, *, session: Session) -> str:
    """Who changed `commitment` last, and how: its latest status update or recorded change."""
    update = session.exec(
        select(StatusUpdate)
        .where(StatusUpdate.commitment_id == commitment.id)
        .order_by(col(StatusUpdate.recorded_at).desc(), col(StatusUpdate.id).desc())
    ).first()
    record = session.exec(
        select(ChangeRecord)
        .where(ChangeRecord.entity == "commitment", ChangeRecord.entity_id == commitment.id)
        .order_by(col(ChangeRecord.at).desc(), col(ChangeRecord.id).desc())
    ).first()
    if record is not None and (update is None or record.at > update.recorded_at):
        return f"; last change: {record.action} by {record.actor} on {record.at.date()}"
    if update is not None:
        return (
            f"; last change: {update.author} set {update.status!r} as of {update.as_of}, "
            f"recorded {update.recorded_at.date()}"
        )
    return ""


def _as_of(value: str | date, *, today: date) -> tuple[date | None, str]:
    """The row's as-of date (blank: today), or why it cannot be one."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        parsed = value
    elif not value:
        return today, ""
    else:
        match = _DATE.match(value)
        if match is None:
            return None, f"as_of {value!r} is not a date; write YYYY-MM-DD, e.g. {today}"
        try:
            parsed = date(*(int(part) for part in match.groups()))
        except ValueError:
            return None, f"as_of {value!r} is not a date that exists"
    if parsed > today:
        return None, f"as_of {parsed} is after today ({today})"
    return parsed, ""


_SEPARATORS = re.compile(r"[;\r\n]+")


def _evidence_items(text: str, *, folder: Path) -> list[str]:
    """Links and file paths; relative paths resolved against `folder`. Pieces are split on ';'
    and line breaks, then on spaces unless the whole piece names an existing file."""
    items: list[str] = []
    for piece in (p.strip() for p in _SEPARATORS.split(text)):
        if not piece:
            continue
        spaced = " " in piece or "\t" in piece
        if spaced and (_is_link(piece) or not _resolve(piece, folder).is_file()):
            items.extend(_resolved(token, folder) for token in piece.split())
            continue
        items.append(_resolved(piece, folder))
    return items


def _is_link(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def _resolve(value: str, folder: Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else folder / path


def _resolved(value: str, folder: Path) -> str:
    if _is_link(value) or re.match(r"^[A-Za-z][A-Za-z0-9+.-]+:", value):
        return value  # a link (or another scheme, which check_evidence explains)
    return str(_resolve(value, folder))
