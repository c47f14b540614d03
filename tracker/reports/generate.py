"""Review reports and pre-meeting briefs: prepare (read), render (child process), store.

Preparing reads the database and renders the HTML; rendering the PDF happens outside any
transaction (it takes seconds); storing writes the file into the reports store
(`tracker.storage`: a temp file renamed into the reports folder, or chunks in the database)
and its registry row in one short write transaction. Every generation for the same subject is a new
version with its own file; earlier files stay. The registry is read in
`tracker.services.report_registry`.
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from jinja2 import Environment
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker.config import Settings
from tracker.db import write_session
from tracker.domain import Language, ReportFormat, ReportKind
from tracker.errors import NotFound, TrackerError
from tracker.files import write_atomically
from tracker.models import Agreement, Report, ReportPublic, ReviewCycle
from tracker.reports.context import brief_report, report_views, review_report, snapshot
from tracker.reports.render import PdfRenderer, RenderedPdf
from tracker.reports.templating import make_environment
from tracker.reports.views import BriefView, ReviewReportView
from tracker.services.cycles import cycle_end, find_cycle
from tracker.services.lookup import find_agreement, find_mechanism
from tracker.services.meetings import find_meeting
from tracker.services.policy import FollowUpPolicy
from tracker.services.report_registry import next_version, report_key
from tracker.storage import FileStore


class ReportRefused(TrackerError):
    """A report that cannot be made as asked."""


@dataclass(frozen=True)
class PreparedReport:
    kind: ReportKind
    language: Language
    subject: str  # "kr-ca-2025/cycle-1", "mechanism-3/2027-10-14"
    folder: str  # under the reports folder
    stem: str  # file name without version and suffix; sorts by date
    html: str
    snapshot: dict[str, Any]
    view: ReviewReportView | BriefView  # what the HTML shows: the HWPX and DOCX are built from it
    agreement_id: int | None = None
    cycle_id: int | None = None
    meeting_id: int | None = None
    mechanism_id: int | None = None


def template_folders(settings: Settings) -> list[Path]:
    """The override folder (if any) first, then the shipped templates."""
    folders = [settings.resolve(settings.paths.templates)]
    if settings.reports.override_templates is not None:
        folders.insert(0, settings.resolve(settings.reports.override_templates))
    return folders


def make_renderer(settings: Settings) -> PdfRenderer:
    return PdfRenderer(
        assets=[folder / "reports" for folder in template_folders(settings)][::-1],
        time_limit=settings.reports.time_limit_seconds,
        memory_mb=settings.reports.memory_mb,
    )


def prepare_review(
    agreement_ref: str,
    *,
    session: Session,
    settings: Settings,
    cycle: str = "current",
    language: Language | None = None,
    today: date | None = None,
) -> PreparedReport:
    policy, language, today = _defaults(settings, language, today)
    agreement = find_agreement(agreement_ref, session=session)
    chosen = _existing_cycle(agreement, cycle, session=session)
    view = review_report(
        agreement,
        chosen,
        session=session,
        policy=policy,
        language=language.value,
        classification=settings.reports.classification,
        today=today,
    )
    end = cycle_end(chosen, agreement, session=session)
    when = (end.on if end else chosen.starts_on).isoformat()
    return PreparedReport(
        kind=ReportKind.REVIEW,
        language=language,
        subject=f"{agreement.key}/cycle-{chosen.number}",
        folder=agreement.key,
        stem=f"{when}_review-cycle-{chosen.number:02d}_{language.value}",
        html=_render(settings, "review.html", view),
        snapshot=snapshot(report_views(view)),
        view=view,
        agreement_id=agreement.id,
        cycle_id=chosen.id,
    )


def prepare_brief(
    mechanism_ref: str,
    meeting_ref: str,
    *,
    session: Session,
    settings: Settings,
    language: Language | None = None,
    today: date | None = None,
) -> PreparedReport:
    policy, language, today = _defaults(settings, language, today)
    mechanism = find_mechanism(mechanism_ref, session=session)
    meeting = find_meeting(meeting_ref, session=session, mechanism=mechanism)
    view = brief_report(
        mechanism,
        meeting,
        session=session,
        policy=policy,
        language=language.value,
        classification=settings.reports.classification,
        today=today,
        max_details=settings.reports.brief_max_details,
    )
    if not view.agreements:
        raise ReportRefused("report.nothing_to_brief", mechanism=mechanism.name)
    return PreparedReport(
        kind=ReportKind.BRIEF,
        language=language,
        subject=f"mechanism-{mechanism.id}/{meeting.held_on.isoformat()}",
        folder=f"mechanism-{mechanism.id}-{_slug(mechanism.name_en or mechanism.name)}",
        stem=f"{meeting.held_on.isoformat()}_brief_{language.value}",
        html=_render(settings, "brief.html", view),
        snapshot=snapshot(report_views(view)),
        view=view,
        meeting_id=meeting.id,
        mechanism_id=mechanism.id,
    )


def _defaults(
    settings: Settings, language: Language | None, today: date | None
) -> tuple[FollowUpPolicy, Language, date]:
    """The follow-up rules in the report's own language (statuses are labelled in it), the
    language, and the day the report is dated."""
    language = language or settings.general.language
    policy = replace(FollowUpPolicy.from_settings(settings), language=language)
    return policy, language, today or policy.today()


class RendersPdf(Protocol):
    """A PDF renderer: the warm child (`PdfRenderer`) or the web app's shared one."""

    def render(self, html: str) -> RenderedPdf: ...


@dataclass(frozen=True)
class Rendition:
    """A prepared report written in one format: the file's bytes, and its pages where they are
    counted (a PDF's; a word processor paginates HWPX and DOCX itself)."""

    format: ReportFormat
    data: bytes
    pages: int | None = None
    seconds: float = 0.0  # spent making the file

    @classmethod
    def of_pdf(cls, pdf: RenderedPdf) -> Rendition:
        return cls(ReportFormat.PDF, pdf.data, pdf.pages, pdf.seconds)


def render_report(
    prepared: PreparedReport,
    formats: Sequence[ReportFormat],
    *,
    pdf_renderer: Callable[[], RendersPdf],
) -> list[Rendition]:
    """`prepared` in each of `formats`: the PDF by WeasyPrint (a renderer is asked for only
    when a PDF is), HWPX and DOCX from the report's outline (`tracker.reports.outline`)."""
    renditions = []
    for fmt in dict.fromkeys(formats):
        if fmt == ReportFormat.PDF:
            renditions.append(Rendition.of_pdf(pdf_renderer().render(prepared.html)))
        else:
            renditions.append(export_document(prepared, fmt))
    return renditions


def output_files(out: Path, formats: Sequence[ReportFormat]) -> dict[ReportFormat, Path]:
    """Where `--out` puts each format: the file as named for one format (refused when its
    suffix names another format), and the name with each format's suffix for several."""
    named = next((f for f in ReportFormat if out.suffix.lower() == f".{f.value}"), None)
    if len(formats) == 1:
        if named is not None and named is not formats[0]:
            raise ReportRefused("report.out_suffix", file=out.name, format=formats[0].value)
        return {formats[0]: out}
    stem = out.with_suffix("") if named is not None else out
    return {f: stem.with_name(f"{stem.name}.{f.value}") for f in formats}


def export_document(prepared: PreparedReport, fmt: ReportFormat) -> Rendition:
    """The report as an editable HWPX or DOCX file, built from the same view as its PDF."""
    from tracker.reports.outline import brief_outline, review_outline

    started = time.perf_counter()
    view = prepared.view
    document = review_outline(view) if isinstance(view, ReviewReportView) else brief_outline(view)
    if fmt == ReportFormat.HWPX:
        from tracker.reports.hwpx import write_hwpx

        data = write_hwpx(document)
    elif fmt == ReportFormat.DOCX:
        from tracker.reports.docx import write_docx

        data = write_docx(document)
    else:
        raise ValueError(f"not an editable document format: {fmt}")
    return Rendition(fmt, data, None, time.perf_counter() - started)


def store_report(
    prepared: PreparedReport,
    rendered: Rendition | RenderedPdf,
    *,
    session: Session,
    store: FileStore,
    actor: str,
    out: Path | None = None,
    version: int | None = None,
) -> Report:
    """Write the file into the reports `store` (in `session`'s transaction for the database
    backend; temp file, then rename for the filesystem) and record it; the file goes if the row
    fails. With `out` the file is written there instead, a plain file where the officer asked,
    and the row names it by its absolute path (outside the store: not offered for download).
    `version` is the next one for the subject unless given (the other formats of the same
    generation share it)."""
    file = rendered if isinstance(rendered, Rendition) else Rendition.of_pdf(rendered)
    if version is None:
        version = next_version(prepared.kind, prepared.subject, prepared.language, session=session)
    name = f"{prepared.stem}_v{version:02d}.{file.format.value}"
    if out is not None:
        write_atomically(out, file.data)
        path = str(out.resolve())
    else:
        path = store.put(f"{prepared.folder}/{name}", file.data, session=session).key
    try:
        report = Report(
            kind=prepared.kind,
            language=prepared.language,
            format=file.format,
            agreement_id=prepared.agreement_id,
            cycle_id=prepared.cycle_id,
            meeting_id=prepared.meeting_id,
            mechanism_id=prepared.mechanism_id,
            subject=prepared.subject,
            version=version,
            path=path,
            sha256=hashlib.sha256(file.data).hexdigest(),
            size_bytes=len(file.data),
            pages=file.pages,
            generated_by=actor,
            snapshot=prepared.snapshot,
        )
        session.add(report)
        session.flush()
    except BaseException:
        _forget(path, store)
        raise
    return report


def _forget(path: str, store: FileStore) -> None:
    """A stored report whose transaction failed: its file goes (`FileStore.forget`)."""
    key = report_key(path)
    if key is None:
        Path(path).unlink(missing_ok=True)
    else:
        store.forget(key)


def store_renditions(
    prepared: PreparedReport,
    renditions: Sequence[Rendition],
    *,
    session: Session,
    store: FileStore,
    actor: str,
    outs: Mapping[ReportFormat, Path] | None = None,
) -> list[Report]:
    """Every format of one generation, as one version: all of them are recorded, or none
    (the files written so far go when one fails)."""
    version = next_version(prepared.kind, prepared.subject, prepared.language, session=session)
    stored: list[Report] = []
    try:
        for file in renditions:
            out = (outs or {}).get(file.format)
            stored.append(
                store_report(
                    prepared,
                    file,
                    session=session,
                    store=store,
                    actor=actor,
                    out=out,
                    version=version,
                )
            )
    except BaseException:
        for report in stored:
            _forget(report.path, store)
        raise
    return stored


def save_reports(
    prepared: PreparedReport,
    renditions: Sequence[Rendition],
    *,
    engine: Engine,
    store: FileStore,
    actor: str,
    outs: Mapping[ReportFormat, Path] | None = None,
    also: Callable[[Session, list[Report]], None] | None = None,
) -> list[ReportPublic]:
    """`store_renditions` in its own transaction: if the commit fails, the files go too, so a
    file never stays without its row (the database backend's go with the rollback). `outs`
    names a file per format (`output_files`); `also` writes what goes with the reports in that
    transaction (the scheduler's run finished)."""
    written: list[str] = []
    try:
        with write_session(engine) as session:
            reports = store_renditions(
                prepared, renditions, session=session, store=store, actor=actor, outs=outs
            )
            written = [report.path for report in reports]
            if also is not None:
                also(session, reports)
            public = [ReportPublic.model_validate(r, from_attributes=True) for r in reports]
    except BaseException:
        for path in written:
            _forget(path, store)
        raise
    return public


def prepare_report(
    kind: ReportKind,
    *,
    session: Session,
    settings: Settings,
    agreement: str = "",
    cycle: str = "current",
    mechanism: str = "",
    meeting: str = "",
    language: Language | None = None,
) -> PreparedReport:
    """A review of `agreement`'s cycle, or a brief for `meeting` of `mechanism` (by default
    the agreement's reviewing mechanism), as the web form asks for one."""
    if kind is ReportKind.REVIEW:
        if not agreement:
            raise ReportRefused("report.choose_agreement")
        return prepare_review(
            agreement, session=session, settings=settings, cycle=cycle, language=language
        )
    if not meeting:
        raise ReportRefused("report.brief_needs_meeting")
    if not mechanism:
        if not agreement:
            raise ReportRefused("report.brief_needs_mechanism")
        found = find_agreement(agreement, session=session)
        if found.review_mechanism_id is None:
            raise ReportRefused("report.no_reviewing_mechanism", key=found.key)
        mechanism = str(found.review_mechanism_id)
    return prepare_brief(mechanism, meeting, session=session, settings=settings, language=language)


def _existing_cycle(agreement: Agreement, reference: str, *, session: Session) -> ReviewCycle:
    try:
        return find_cycle(agreement, reference, session=session)
    except NotFound as exc:  # a cycle that is not there is what was asked for, not a page
        refused = ReportRefused(exc.code, **exc.fields).with_problems(exc.problems)
        refused.where, refused.command = exc.where, exc.command
        raise refused from None


def _render(settings: Settings, template: str, view: Any) -> str:
    folders = tuple(folder / "reports" for folder in template_folders(settings))
    return _environment(folders).get_template(template).render(report=view, language=view.language)


@functools.lru_cache(maxsize=8)
def _environment(folders: tuple[Path, ...]) -> Environment:
    """One environment per template folders, so a batch compiles each template once; Jinja
    still notices a template edited on disk."""
    return make_environment(folders)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "mechanism"
