"""`tracker demo` and `tracker bench`."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from tracker.bench import run_benchmarks
from tracker.cli.base import TrackerTyper, runtime_of, writing
from tracker.cli.importing import catalog_for, print_split
from tracker.cli.listing import agreements_list
from tracker.cli.reports import review
from tracker.cli.setup import init
from tracker.db import check_connection, make_engine
from tracker.importer import parse_agreement
from tracker.services.imports import SAMPLE_KEY, SAMPLE_NAME, import_agreement, sample_source


def demo(
    ctx: typer.Context,
    report: Annotated[
        bool, typer.Option("--report/--no-report", help="Also build the review report (PDF).")
    ] = True,
) -> None:
    """Set up the database, import the seed agreement shipped with tracker, show its split, and
    build its review report for the current cycle.

    The seed is the portal record of the Korea-Canada security and defence partnership
    (2025-10-30). Running the demo again imports nothing new; the report gets a new version.

    \b
    Example:
      tracker demo
      tracker demo --no-report
    """
    init(ctx)
    runtime = runtime_of(ctx)
    parsed = parse_agreement(sample_source(), catalog=catalog_for(runtime.settings))
    with writing(ctx) as session:
        outcome = import_agreement(parsed, session=session, source_name=SAMPLE_NAME, key=SAMPLE_KEY)
    typer.echo("")
    print_split(parsed, SAMPLE_NAME)
    if outcome.outcome == "unchanged":
        typer.echo(f"already imported as {outcome.key}; nothing changed")
    else:
        typer.echo(f"{outcome.outcome}: {outcome.key}")
    typer.echo("")
    agreements_list(ctx)
    if report:
        typer.echo("")
        typer.echo("review report of the current cycle:")
        review(ctx, agreement=outcome.key, by="demo")


def bench(
    ctx: typer.Context,
    quick: Annotated[bool, typer.Option("--quick", help="Small sizes, for a smoke test.")] = False,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            metavar="URL",
            help="Measure on this PostgreSQL database instead of throw-away SQLite files: "
            "each benchmark works in a fresh schema of its own, dropped afterwards.",
        ),
    ] = None,
) -> None:
    """Measure the figures the project tracks (median of several runs) and print them.

    Status updates are measured one after another and from several processes at once on
    the same commitments; the second figure says how many were refused as conflicts.

    \b
    Example:
      tracker bench
      tracker bench --database-url postgresql+psycopg://tracker@127.0.0.1:5432/tracker
    """
    if database_url is not None:
        try:
            backend = make_url(database_url).get_backend_name()
        except ArgumentError:
            backend = ""
        if backend != "postgresql":
            raise typer.BadParameter(
                "give a PostgreSQL URL (postgresql+psycopg://USER@HOST:PORT/DB); without "
                "--database-url the benchmarks run on SQLite",
                param_hint="--database-url",
            )
        engine = make_engine(database_url)
        try:
            check_connection(engine)
        finally:
            engine.dispose()
    settings = runtime_of(ctx).settings
    templates = settings.resolve(settings.paths.templates)
    for figure in run_benchmarks(quick=quick, database_url=database_url, templates=templates):
        typer.echo(str(figure))


def register(app: TrackerTyper) -> None:
    app.command("demo")(demo)
    app.command("bench")(bench)
