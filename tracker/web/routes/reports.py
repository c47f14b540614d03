"""The reports registry: list, download, and "generate now" (officers and administrators).

Generating goes the way `tracker report review|brief` does: prepare in a read session, render
each chosen format outside any transaction (the PDF in the app's warm child,
`tracker.web.rendering`; HWPX and DOCX from the report's outline), then store the files (a temp
file renamed into the reports folder, or chunks in the database: `tracker.storage`) and their
registry rows, one version, in one write transaction. Downloads stream from the store. The list
shows a generation's formats on one row, each with its own download.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from tracker.db import read_session
from tracker.domain import Language, ReportFormat, ReportKind
from tracker.errors import NotFound, TrackerError, Word
from tracker.reports.generate import ReportRefused, prepare_report, render_report, save_reports
from tracker.reports.render import RenderFailed
from tracker.services import accounts
from tracker.services.accounts import Permission, may
from tracker.services.agreements import agreement_choices
from tracker.services.paging import Page, PageRequest
from tracker.services.report_registry import (
    REPORT_CURSOR_WIDTH,
    ListedReport,
    find_report,
    generations,
    page_of_reports,
    report_key,
)
from tracker.storage import FileStore, make_store
from tracker.web.deps import Current, Reader, Web, WebDep, permitted_form
from tracker.web.downloads import attachment, stream_download
from tracker.web.flash import tell
from tracker.web.form_errors import FormFields
from tracker.web.paging import next_page_url, page_request
from tracker.web.rendering import close_renderer, renderer_for

__all__ = ["attachment", "close_renderer", "router"]

router = APIRouter()
ReportsForm = Annotated[accounts.Visitor, Depends(permitted_form(Permission.GENERATE_REPORTS))]
# Which field of the report form each refusal is about.
REPORT_FIELDS = FormFields(
    codes={
        "report.choose_agreement": "agreement",
        "agreement.unknown": "agreement",
        "report.brief_needs_meeting": "meeting",
        "meeting.": "meeting",
        "report.brief_needs_mechanism": "mechanism",
        "report.no_reviewing_mechanism": "mechanism",
        "report.nothing_to_brief": "mechanism",
        "mechanism.unknown": "mechanism",
        "cycle.": "cycle",
        "report.choose_format": "formats",
        "report.unknown_format": "formats",
    }
)


@dataclass(frozen=True)
class ReportFile:
    """One format of a generation, as its download link shows it."""

    id: int
    format: str
    pages: int | None
    size_kb: int
    available: bool  # the file is in the reports folder


@dataclass(frozen=True)
class ReportRow:
    """One generation as the list shows it: its files, one per format."""

    agreement_key: str
    agreement_title: str
    kind: str
    subject: str
    language: str
    cycle: int | None
    meeting: str  # the meeting's date, for briefs
    mechanism: str
    version: int
    generated_at: str  # in the configured zone
    generated_by: str
    files: list[ReportFile]  # PDF, HWPX, DOCX

    @property
    def id(self) -> int:
        """The generation's first file: the one "generate now" points the list at."""
        return min(f.id for f in self.files)


@router.get("/reports", response_class=HTMLResponse)
def reports_page(
    request: Request,
    web: WebDep,
    visitor: Current,
    session: Reader,
    agreement: str = "",
    new: int | None = None,
    limit: str | None = None,
    cursor: str | None = None,
) -> Response:
    wanted = page_request(limit, cursor, width=REPORT_CURSOR_WIDTH)
    return _page(request, web, visitor, session, agreement=agreement, new=new, wanted=wanted)


def _page(
    request: Request,
    web: Web,
    visitor: accounts.Visitor,
    session: Session,
    *,
    agreement: str = "",
    new: int | None = None,
    status_code: int = 200,
    error: Exception | str = "",
    draft: dict[str, str] | None = None,
    field_errors: dict[str, str] | None = None,
    wanted: PageRequest = PageRequest(),
) -> Response:
    try:
        found = page_of_reports(session=session, page=wanted, agreement=agreement or None)
    except NotFound as exc:
        found, error, status_code = Page([]), exc, 404
    rows = found.items
    agreements = agreement_choices(
        session=session, officer_id=visitor.officer.id, division_id=visitor.officer.division_id
    )
    default_agreement = agreement or (agreements[0][0] if agreements else "")
    form = {
        "agreement": default_agreement,
        "kind": ReportKind.REVIEW.value,
        "language": web.settings.general.language.value,
        "cycle": "current",
        "mechanism": "",
        "meeting": "",
        "formats": ",".join(f.value for f in web.settings.reports.formats),
    } | (draft or {})
    return web.render(
        request,
        "reports.html",
        status_code,
        visitor=visitor,
        rows=_rows(web, rows),
        # After a form post the page shows the newest reports; its address is the form's.
        next_page=next_page_url(request, found.next_cursor) if request.method == "GET" else None,
        agreements=agreements,
        agreement=agreement,
        new=new,
        may_generate=may(visitor.role, Permission.GENERATE_REPORTS),
        error=error,
        form=form,
        values=draft or {},
        field_errors=field_errors or {},
        zone=str(web.settings.tz),
    )


def _rows(web: Web, listed: list[ListedReport]) -> list[ReportRow]:
    """One row per generation (`generations`), each file marked available or not in one
    look at the store."""
    keys = {row.report.id: report_key(row.report.path) for row in listed}
    held = _reports_store(web).present(key for key in keys.values() if key is not None)
    zone = web.settings.tz
    rows = []
    for generation in generations(listed):
        row, report = generation.listed, generation.listed.report
        files = [
            ReportFile(
                id=file.id,
                format=file.format.value,
                pages=file.pages,
                size_kb=max(1, round(file.size_bytes / 1024)),
                available=keys[file.id] in held,
            )
            for file in generation.files
        ]
        rows.append(
            ReportRow(
                agreement_key=row.agreement_key,
                agreement_title=row.agreement_title,
                kind=report.kind.value,
                subject=report.subject,
                language=report.language.value,
                cycle=row.cycle,
                meeting=row.meeting_on.isoformat() if row.meeting_on else "",
                mechanism=row.mechanism,
                version=report.version,
                generated_at=report.generated_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                generated_by=report.generated_by,
                files=files,
            )
        )
    return rows


@router.get("/reports/{report_id}/download")
def download(report_id: int, web: WebDep, visitor: Current, session: Reader) -> Response:
    """A report's file from the reports store (folder or database), streamed; a file written
    with `--out` elsewhere is not the store's, and not served."""
    report = find_report(report_id, session=session)
    if report is None:
        raise NotFound("download.no_report", report=report_id)
    key = report_key(report.path)
    if key is None:
        raise NotFound("download.report_outside", report=report_id)
    session.close()  # streamed after this returns: the connection goes back now (see evidence)
    return stream_download(
        _reports_store(web),
        key,
        filename="_".join(key.split("/")[-2:]),
        media_type=report.format.media_type,
        missing=NotFound("download.report_file_missing", report=report_id),
    )


@router.post("/reports/generate", response_class=HTMLResponse)
def generate(
    request: Request,
    web: WebDep,
    visitor: ReportsForm,
    agreement: Annotated[str, Form()] = "",
    kind: Annotated[ReportKind, Form()] = ReportKind.REVIEW,
    language: Annotated[Language | None, Form()] = None,
    cycle: Annotated[str, Form()] = "current",
    mechanism: Annotated[str, Form()] = "",
    meeting: Annotated[str, Form()] = "",
    formats: Annotated[list[str] | None, Form()] = None,
    formats_offered: Annotated[str, Form()] = "",
) -> Response:
    draft = {
        "agreement": agreement,
        "kind": kind.value,
        "language": (language or web.settings.general.language).value,
        "cycle": cycle,
        "mechanism": mechanism,
        "meeting": meeting,
        "formats": ",".join(formats or []),
    }
    try:
        # A client that does not offer the choice gets the configured formats; a form that
        # offered it and came back with none ticked is refused.
        chosen = _formats(formats or []) if formats or formats_offered else _configured(web)
        with read_session(web.db) as session:
            prepared = prepare_report(
                kind,
                session=session,
                settings=web.settings,
                agreement=agreement.strip(),
                language=language,
                cycle=cycle.strip() or "current",
                mechanism=mechanism.strip(),
                meeting=meeting.strip(),
            )
        renditions = render_report(
            prepared, chosen, pdf_renderer=lambda: renderer_for(request.app, web.settings)
        )
        saved = save_reports(
            prepared,
            renditions,
            engine=web.db,
            store=_reports_store(web),
            actor=visitor.officer.name,
        )[0]
    except TrackerError as exc:
        with read_session(web.db) as session:
            return _page(
                request,
                web,
                visitor,
                session,
                status_code=503 if isinstance(exc, RenderFailed) else 400,
                error=exc,
                draft=draft,
                field_errors=web.field_errors(request, exc, REPORT_FIELDS),
            )
    told = tell(
        "flash.report_generated",
        kind=Word(f"report_kind_{saved.kind.value}"),
        subject=saved.subject,
        version=saved.version,
    )
    # `new` only marks the new row in the list; what happened is the flash message.
    return web.redirect(request, f"/reports?new={saved.id}#report-{saved.id}", told)


def _formats(values: list[str]) -> list[ReportFormat]:
    """The ticked formats, each once, in the order the form lists them; at least one."""
    known = {f.value: f for f in ReportFormat}
    wrong = [v for v in values if v not in known]
    if wrong:
        raise ReportRefused("report.unknown_format", format=wrong[0][:20])
    chosen = [f for f in ReportFormat if f.value in values]
    if not chosen:
        raise ReportRefused("report.choose_format")
    return chosen


def _configured(web: Web) -> list[ReportFormat]:
    return list(web.settings.reports.formats)


def _reports_store(web: Web) -> FileStore:
    return make_store(web.settings, web.db).reports
