"""Review reports and pre-meeting briefs as PDF, HWPX or DOCX, and the registry of those made."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.base import (
    JsonOption,
    TrackerTyper,
    actor_name,
    local_time,
    print_json,
    print_table,
    reading,
    runtime_of,
)
from tracker.cli.speech import show, tell
from tracker.domain import Language, ReportFormat, ReportKind
from tracker.files import write_atomically
from tracker.msgids import N_

if TYPE_CHECKING:
    from tracker.reports.generate import PreparedReport

report_app = TrackerTyper(help=N_("cli.report"))

LangOption = Annotated[Language | None, typer.Option("--lang", help=N_("cli.report.lang"))]
OutOption = Annotated[
    Path | None, typer.Option("--out", "-o", help=N_("cli.report.out"), dir_okay=False)
]
HtmlOption = Annotated[bool, typer.Option("--html", help=N_("cli.report.html"))]
ByOption = Annotated[str | None, typer.Option("--by", help=N_("cli.report.by"))]
FormatOption = Annotated[
    list[ReportFormat] | None, typer.Option("--format", "-f", help=N_("cli.report.format"))
]
# A report's kind and language as the reports page says them.
KIND_WORDS = {
    ReportKind.REVIEW: N_("report_kind_review"),
    ReportKind.BRIEF: N_("report_kind_brief"),
}
LANGUAGE_WORDS = {Language.KO: N_("language.ko"), Language.EN: N_("language.en")}


def review(
    ctx: typer.Context,
    agreement: Annotated[str, typer.Option("--agreement", "-a", help=N_("cli.report.agreement"))],
    cycle: Annotated[str, typer.Option(help=N_("cli.report.review.cycle"))] = "current",
    lang: LangOption = None,
    out: OutOption = None,
    html: HtmlOption = False,
    by: ByOption = None,
    formats: FormatOption = None,
) -> None:
    from tracker.reports import generate

    runtime = runtime_of(ctx)
    with reading(ctx) as session:
        prepared = generate.prepare_review(
            agreement, session=session, settings=runtime.settings, cycle=cycle, language=lang
        )
    _finish(ctx, prepared, out=out, html=html, by=by, formats=formats)


def brief(
    ctx: typer.Context,
    mechanism: Annotated[str, typer.Option(help=N_("cli.report.brief.mechanism"))],
    meeting: Annotated[str, typer.Option(help=N_("cli.report.brief.meeting"))],
    lang: LangOption = None,
    out: OutOption = None,
    html: HtmlOption = False,
    by: ByOption = None,
    formats: FormatOption = None,
) -> None:
    from tracker.reports import generate

    runtime = runtime_of(ctx)
    with reading(ctx) as session:
        prepared = generate.prepare_brief(
            mechanism, meeting, session=session, settings=runtime.settings, language=lang
        )
    _finish(ctx, prepared, out=out, html=html, by=by, formats=formats)


def list_(
    ctx: typer.Context,
    agreement: Annotated[
        str | None, typer.Option("--agreement", "-a", help=N_("cli.report.list.agreement"))
    ] = None,
    as_json: JsonOption = False,
) -> None:
    from tracker.services import report_registry
    from tracker.storage import make_store

    runtime = runtime_of(ctx)
    with reading(ctx) as session:
        rows = report_registry.list_reports(session=session, agreement=agreement)
    if as_json:
        print_json(rows)
        return
    zone = runtime.settings.tz
    store = make_store(runtime.settings, runtime.engine).reports
    print_table(
        [
            N_("cli.column.id"),
            N_("cli.column.generated"),
            N_("cli.column.kind"),
            N_("cli.column.subject"),
            N_("cli.column.version"),
            N_("cli.column.language"),
            N_("cli.column.format"),
            N_("cli.column.pages"),
            N_("cli.column.by"),
            N_("cli.column.file"),
        ],
        [
            (
                r.id,
                local_time(r.generated_at, zone),
                tell(KIND_WORDS[r.kind]),
                r.subject,
                r.version,
                tell(LANGUAGE_WORDS[r.language]),
                r.format.value.upper(),
                "-" if r.pages is None else r.pages,
                r.generated_by,
                report_registry.report_location(r, store),
            )
            for r in rows
        ],
        empty=tell("cli.report.list.none"),
    )


def _finish(
    ctx: typer.Context,
    prepared: PreparedReport,
    *,
    out: Path | None,
    html: bool,
    by: str | None,
    formats: list[ReportFormat] | None,
) -> None:
    from tracker.reports import generate
    from tracker.services import report_registry
    from tracker.storage import make_store

    settings = runtime_of(ctx).settings
    if html:
        target = out or Path(f"{prepared.stem}.html")
        write_atomically(target, prepared.html.encode())
        show("cli.report.wrote", path=target)
        return
    chosen = list(dict.fromkeys(formats or [ReportFormat.PDF]))
    outs = generate.output_files(out, chosen) if out is not None else None
    with generate.make_renderer(settings) as renderer:
        renditions = generate.render_report(prepared, chosen, pdf_renderer=lambda: renderer)
    engine = runtime_of(ctx).checked_engine()
    store = make_store(settings, engine).reports
    reports = generate.save_reports(
        prepared, renditions, engine=engine, store=store, actor=actor_name(by), outs=outs
    )
    for report in reports:
        path = report_registry.report_location(report, store)
        size = round(report.size_bytes / 1024)
        if report.pages is None:
            show("cli.report.saved_document", path=path, size=size, version=report.version)
        else:
            show(
                "cli.report.saved", path=path, pages=report.pages, size=size, version=report.version
            )


def register(app: TrackerTyper) -> None:
    report_app.command("review", help=N_("cli.report.review"))(review)
    report_app.command("brief", help=N_("cli.report.brief"))(brief)
    report_app.command("list", help=N_("cli.report.list"))(list_)
    app.add_typer(report_app, name="report")
