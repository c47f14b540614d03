"""`tracker demo`, `tracker bench`, `tracker bench-web` and `tracker bench-scale`."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli.base import TrackerTyper, runtime_of, writing
from tracker.cli.importing import catalog_for, print_split
from tracker.cli.listing import agreements_list
from tracker.cli.reports import review
from tracker.cli.setup import init


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
    from tracker.importer import parse_agreement
    from tracker.services.import_sources import SAMPLE_KEY, SAMPLE_NAME, sample_source
    from tracker.services.imports import import_agreement

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
    from tracker.bench.suite import run_benchmarks

    if database_url is not None:
        _check_postgres(database_url)
    settings = runtime_of(ctx).settings
    templates = settings.resolve(settings.paths.templates)
    for figure in run_benchmarks(quick=quick, database_url=database_url, templates=templates):
        typer.echo(str(figure))


def bench_web(
    ctx: typer.Context,
    users: Annotated[int, typer.Option(help="Simulated users.", min=1, max=200)] = 20,
    seconds: Annotated[float, typer.Option(help="Measured time.", min=1, max=3600)] = 60,
    think_ms: Annotated[
        float, typer.Option(help="Pause before each request (±50%), ms; 0: none.", min=0)
    ] = 1000,
    workers: Annotated[
        int, typer.Option(help="Server worker processes (`serve --workers`).", min=1, max=16)
    ] = 1,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            metavar="URL",
            help="Run on a fresh schema in this PostgreSQL database instead of a SQLite file.",
        ),
    ] = None,
    portfolio: Annotated[
        int,
        typer.Option(
            help="Build this many agreements first (as bench-scale does) beside the seed.",
            min=0,
            max=20000,
        ),
    ] = 0,
) -> None:
    """Load-test the web app: start `tracker serve` on 127.0.0.1 over a fresh database, let
    USERS signed-in officers browse and update for SECONDS, stop it, and print p50/p95 per
    page, conflicts, errors and lost updates. Exits 1 on any error or lost update.

    \b
    Example:
      tracker bench-web --users 20 --seconds 60
      tracker bench-web --think-ms 0 --workers 2   # saturation, no pause between clicks
      tracker bench-web --portfolio 2000           # the same load in a ministry's portfolio
    """
    from tracker.bench.web import bench_web as run

    settings = runtime_of(ctx).settings
    templates = settings.resolve(settings.paths.templates)
    try:
        report = run(
            users=users,
            seconds=seconds,
            think_ms=think_ms,
            workers=workers,
            templates=templates,
            database_url=database_url,
            portfolio=portfolio,
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--database-url") from None
    for line in report.lines():
        typer.echo(line)
    if not report.ok:
        raise typer.Exit(1)


def bench_scale(
    ctx: typer.Context,
    agreements: Annotated[
        int, typer.Option(help="Agreements in the smaller portfolio.", min=1, max=20_000)
    ] = 200,
    factor: Annotated[
        int, typer.Option(help="The larger portfolio is FACTOR x AGREEMENTS; 1: only one.", min=1)
    ] = 10,
    samples: Annotated[int, typer.Option(help="Timed runs per item.", min=1, max=100)] = 7,
    quick: Annotated[
        bool, typer.Option("--quick", help="20 and 40 agreements, 2 runs, no PDF: a smoke test.")
    ] = False,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            metavar="URL",
            help="Build each portfolio in a fresh schema of this PostgreSQL database instead "
            "of a SQLite file in a temporary folder.",
        ),
    ] = None,
) -> None:
    """Build a realistic portfolio (AGREEMENTS distinct agreements from the corpus texts, with
    officers, status updates, meetings, assessments and accounts) and measure every web page
    and API call through `tracker serve`, the main CLI commands, one digest, the busiest
    mechanism's brief and a review report; then again at FACTOR x AGREEMENTS. Prints p50/p95
    per item and the ratio between the two sizes.

    \b
    Example:
      tracker bench-scale --agreements 200 --factor 10
      tracker bench-scale --quick
    """
    from tracker.bench.scale.run import run_bench_scale

    if database_url is not None:
        _check_postgres(database_url)
    settings = runtime_of(ctx).settings
    if quick:
        agreements, factor, samples = 20, 2, 2
    for line in run_bench_scale(
        agreements=agreements,
        factor=factor,
        templates=settings.resolve(settings.paths.templates),
        samples=samples,
        database_url=database_url,
        render=not quick,
    ):
        typer.echo(line)


def _check_postgres(database_url: str) -> None:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from tracker.db import check_connection, make_engine

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


def register(app: TrackerTyper) -> None:
    app.command("demo")(demo)
    app.command("bench")(bench)
    app.command("bench-web")(bench_web)
    app.command("bench-scale")(bench_scale)
