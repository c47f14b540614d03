"""Review reports and pre-meeting briefs as PDF, and the registry of those made."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.base import (
    TrackerTyper,
    actor_name,
    local_time,
    print_json,
    print_table,
    reading,
    runtime_of,
)
from tracker.domain import Language
from tracker.files import write_atomically

if TYPE_CHECKING:
    from tracker.reports.generate import PreparedReport

report_app = TrackerTyper(help="Review reports and pre-meeting briefs (PDF).")

LangOption = Annotated[
    Language | None, typer.Option("--lang", help="Language of the report (default: config).")
]
OutOption = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Write here instead of the reports folder.", dir_okay=False),
]
HtmlOption = Annotated[
    bool, typer.Option("--html", help="Write the HTML instead, for a quick look; not recorded.")
]
ByOption = Annotated[str | None, typer.Option("--by", help="Who generates it (for the registry).")]


def review(
    ctx: typer.Context,
    agreement: Annotated[str, typer.Option("--agreement", "-a", help="Agreement key or id.")],
    cycle: Annotated[str, typer.Option(help="current, previous, or a cycle number.")] = "current",
    lang: LangOption = None,
    out: OutOption = None,
    html: HtmlOption = False,
    by: ByOption = None,
) -> None:
    """Build the biennial review report of an agreement for one review cycle.

    \b
    Example:
      tracker report review -a kr-ca-2025
      tracker report review -a kr-ca-2025 --cycle 1 --lang en --out review-en.pdf
      tracker report review -a kr-ca-2025 --html --out review.html
    """
    from tracker.reports import generate

    runtime = runtime_of(ctx)
    with reading(ctx) as session:
        prepared = generate.prepare_review(
            agreement, session=session, settings=runtime.settings, cycle=cycle, language=lang
        )
    _finish(ctx, prepared, out=out, html=html, by=by)


def brief(
    ctx: typer.Context,
    mechanism: Annotated[str, typer.Option(help="Mechanism: id, name, alias or NAME@COUNTERPART.")],
    meeting: Annotated[str, typer.Option(help="Meeting id, or its date (YYYY-MM-DD).")],
    lang: LangOption = None,
    out: OutOption = None,
    html: HtmlOption = False,
    by: ByOption = None,
) -> None:
    """Build a pre-meeting brief: what the mechanism follows, across all agreements.

    \b
    Example:
      tracker report brief --mechanism "외교·국방 정책 대화" --meeting 2026-06-02
    """
    from tracker.reports import generate

    runtime = runtime_of(ctx)
    with reading(ctx) as session:
        prepared = generate.prepare_brief(
            mechanism, meeting, session=session, settings=runtime.settings, language=lang
        )
    _finish(ctx, prepared, out=out, html=html, by=by)


def list_(
    ctx: typer.Context,
    agreement: Annotated[
        str | None, typer.Option("--agreement", "-a", help="Only this agreement's reports.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List generated reports, newest first.

    \b
    Example:
      tracker report list -a kr-ca-2025
    """
    from tracker.services import report_registry

    runtime = runtime_of(ctx)
    with reading(ctx) as session:
        rows = report_registry.list_reports(session=session, agreement=agreement)
    if as_json:
        print_json(rows)
        return
    zone = runtime.settings.tz
    folder = runtime.settings.resolve(runtime.settings.paths.reports)
    print_table(
        ["id", "generated", "kind", "subject", "v", "lang", "pages", "by", "file"],
        [
            (
                r.id,
                local_time(r.generated_at, zone),
                r.kind.value,
                r.subject,
                r.version,
                r.language.value,
                r.pages,
                r.generated_by,
                report_registry.report_path(r, folder),
            )
            for r in rows
        ],
        empty="no reports yet (make one with `tracker report review -a KEY`)",
    )


def _finish(
    ctx: typer.Context, prepared: PreparedReport, *, out: Path | None, html: bool, by: str | None
) -> None:
    from tracker.reports import generate
    from tracker.services import report_registry

    settings = runtime_of(ctx).settings
    if html:
        target = out or Path(f"{prepared.stem}.html")
        write_atomically(target, prepared.html.encode())
        typer.echo(f"wrote {target}")
        return
    with generate.make_renderer(settings) as renderer:
        pdf = renderer.render(prepared.html)
    folder = settings.resolve(settings.paths.reports)
    report = generate.save_report(
        prepared,
        pdf,
        engine=runtime_of(ctx).checked_engine(),
        reports_dir=folder,
        actor=actor_name(by),
        out=out,
    )
    path = report_registry.report_path(report, folder)
    typer.echo(
        f"{path} ({report.pages} pages, {report.size_bytes / 1024:.0f} KB, v{report.version})"
    )


def register(app: TrackerTyper) -> None:
    report_app.command("review")(review)
    report_app.command("brief")(brief)
    report_app.command("list")(list_)
    app.add_typer(report_app, name="report")
