"""The registry of reports made: each generation's version, the list, and where its file is
(a key of the reports store, `tracker.storage`, or the absolute path of a `--out` file).

Writing the file and its row is `tracker.reports.generate`'s (an output writes its files); the
rows are read here, so the web, the terminal and the scheduler list them the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PureWindowsPath

from sqlalchemy import select as sa_select
from sqlalchemy import text
from sqlmodel import Session, col, func, select

from tracker.domain import Language, ReportFormat, ReportKind
from tracker.models import Agreement, Mechanism, Meeting, Report, ReportPublic, ReviewCycle
from tracker.services.lookup import find_agreement
from tracker.services.paging import BadCursor, Page, PageRequest, encode_cursor
from tracker.storage import FileStore, StorageRefused, check_key
from tracker.storage.filesystem import FilesystemStore

REPORT_CURSOR_WIDTH = 1


@dataclass(frozen=True)
class ListedReport:
    """A registry row with what the list names it by: its agreement, cycle, meeting, mechanism."""

    report: ReportPublic
    agreement_key: str  # "" for a brief, which spans agreements
    agreement_title: str
    cycle: int | None  # the review cycle's number
    meeting_on: date | None  # the meeting a brief was made for
    mechanism: str  # the mechanism's name, for briefs


@dataclass(frozen=True)
class Generation:
    """One generation of a report: the files of one version, one per format."""

    listed: ListedReport  # its first file's row, with the names it is listed by
    files: list[ReportPublic]  # PDF, HWPX, DOCX


def generations(listed: Sequence[ListedReport]) -> list[Generation]:
    """Rows of one kind, subject, language and version as one generation. The formats of a
    version are registered together, so they are neighbours in a list by id (a page break may
    still part them)."""
    found: list[Generation] = []
    for row in listed:
        report = row.report
        last = found[-1].listed.report if found else None
        if last is not None and (last.kind, last.subject, last.language, last.version) == (
            report.kind,
            report.subject,
            report.language,
            report.version,
        ):
            found[-1].files.append(report)
        else:
            found.append(Generation(row, [report]))
    order = list(ReportFormat)
    for generation in found:
        generation.files.sort(key=lambda file: order.index(file.format))
    return found


def next_version(kind: ReportKind, subject: str, language: Language, *, session: Session) -> int:
    """Every generation for the same subject and language is a new version; earlier ones stay.

    Two generations of one subject at once (two clicks, a click and the scheduler) must not
    both take the same number: on PostgreSQL the transaction first takes an advisory lock on
    the subject, held to its end; SQLite's write transactions take the database's write lock
    up front, which serialises them already."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext('tracker.report'), hashtext(:subject))"),
            {"subject": f"{kind.value}/{language.value}/{subject}"},
        )
    latest = session.exec(
        select(func.max(Report.version)).where(
            Report.kind == kind, Report.subject == subject, Report.language == language
        )
    ).one()
    return (latest or 0) + 1


def find_report(report_id: int, *, session: Session) -> ReportPublic | None:
    report = session.get(Report, report_id)
    return ReportPublic.model_validate(report, from_attributes=True) if report else None


def list_reports(*, session: Session, agreement: str | None = None) -> list[ReportPublic]:
    query = select(Report).order_by(col(Report.generated_at).desc(), col(Report.id).desc())
    if agreement is not None:
        query = query.where(Report.agreement_id == find_agreement(agreement, session=session).id)
    return [ReportPublic.model_validate(r, from_attributes=True) for r in session.exec(query).all()]


def page_of_reports(
    *, session: Session, page: PageRequest, agreement: str | None = None
) -> Page[ListedReport]:
    """The registry newest first (by id: reports are registered as they are made), a page at
    a time, each row with the names it is listed by (one query, four tables joined)."""
    query = (
        sa_select(
            Report,
            col(Agreement.key),
            col(Agreement.title),
            col(ReviewCycle.number),
            col(Meeting.held_on),
            col(Mechanism.name),
        )
        .outerjoin(Agreement, col(Agreement.id) == Report.agreement_id)
        .outerjoin(ReviewCycle, col(ReviewCycle.id) == Report.cycle_id)
        .outerjoin(Meeting, col(Meeting.id) == Report.meeting_id)
        .outerjoin(Mechanism, col(Mechanism.id) == Report.mechanism_id)
        .order_by(col(Report.id).desc())
        .limit(page.limit + 1)
    )
    if agreement is not None:
        query = query.where(
            col(Report.agreement_id) == find_agreement(agreement, session=session).id
        )
    if page.after is not None:
        (last_id,) = page.after
        if not isinstance(last_id, int) or isinstance(last_id, bool):
            raise BadCursor("page.bad_report_cursor")
        query = query.where(col(Report.id) < last_id)
    rows = [
        ListedReport(
            report=ReportPublic.model_validate(report, from_attributes=True),
            agreement_key=key or "",
            agreement_title=title or "",
            cycle=number,
            meeting_on=held_on,
            mechanism=mechanism or "",
        )
        for report, key, title, number, held_on, mechanism in session.execute(query).all()
    ]
    more = len(rows) > page.limit
    last = rows[page.limit - 1].report.id if more else None
    return Page(rows[: page.limit], encode_cursor((last,)) if more else None)


def report_key(path: str) -> str | None:
    """The reports store's key for a row's `path`; None for a file written with `--out`
    (an absolute path, outside the store) or a path that is not a plain key."""
    if Path(path).is_absolute() or PureWindowsPath(path).is_absolute():
        return None
    try:
        return check_key(path)
    except StorageRefused:
        return None


def report_location(report: Report | ReportPublic, store: FileStore) -> str:
    """Where a report's file is, as a terminal shows it: the file's path for the filesystem
    store or a `--out` file, `database:reports/<key>` for the database store."""
    key = report_key(report.path)
    if key is None:
        return report.path
    if isinstance(store, FilesystemStore):
        return str(store.path(key))
    return f"{store.backend}:{store.namespace.value}/{key}"


def report_path(report: Report | ReportPublic, reports_dir: Path) -> Path:
    """The file of a report kept in the reports folder (the filesystem store)."""
    path = Path(report.path)
    return path if path.is_absolute() else reports_dir / path
