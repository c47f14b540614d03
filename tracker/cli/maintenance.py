"""`tracker demo`, `tracker bench`, `tracker bench-web` and `tracker bench-scale`."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli.base import TrackerTyper, runtime_of, writing
from tracker.cli.importing import catalog_for, print_split
from tracker.cli.listing import agreements_list
from tracker.cli.reports import review
from tracker.cli.setup import init
from tracker.cli.speech import show, tell
from tracker.msgids import N_

# What importing the seed did, in the words of `tracker import`'s outcomes.
OUTCOME_WORDS = {
    "imported": N_("cli.demo.imported"),
    "replaced": N_("cli.demo.replaced"),
}


def demo(
    ctx: typer.Context,
    report: Annotated[
        bool, typer.Option("--report/--no-report", help=N_("cli.demo.report"))
    ] = True,
) -> None:
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
        show("cli.demo.unchanged", key=outcome.key)
    else:
        show(OUTCOME_WORDS[outcome.outcome], key=outcome.key)
    typer.echo("")
    agreements_list(ctx)
    if report:
        typer.echo("")
        show("cli.demo.review")
        review(ctx, agreement=outcome.key, by="demo")


def bench(
    ctx: typer.Context,
    quick: Annotated[bool, typer.Option("--quick", help=N_("cli.bench.quick"))] = False,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            metavar="URL",
            help=N_("cli.bench.database_url"),
        ),
    ] = None,
) -> None:
    from tracker.bench.suite import run_benchmarks

    if database_url is not None:
        _check_postgres(database_url)
    settings = runtime_of(ctx).settings
    templates = settings.resolve(settings.paths.templates)
    for figure in run_benchmarks(quick=quick, database_url=database_url, templates=templates):
        typer.echo(str(figure))


def bench_web(
    ctx: typer.Context,
    users: Annotated[int, typer.Option(help=N_("cli.bench_web.users"), min=1, max=200)] = 20,
    seconds: Annotated[float, typer.Option(help=N_("cli.bench_web.seconds"), min=1, max=3600)] = 60,
    think_ms: Annotated[float, typer.Option(help=N_("cli.bench_web.think_ms"), min=0)] = 1000,
    workers: Annotated[int, typer.Option(help=N_("cli.bench_web.workers"), min=1, max=16)] = 1,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            metavar="URL",
            help=N_("cli.bench_web.database_url"),
        ),
    ] = None,
    portfolio: Annotated[
        int,
        typer.Option(
            help=N_("cli.bench_web.portfolio"),
            min=0,
            max=20000,
        ),
    ] = 0,
    servers: Annotated[int, typer.Option(help=N_("cli.bench_web.servers"), min=1, max=8)] = 1,
) -> None:
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
            servers=servers,
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
        int, typer.Option(help=N_("cli.bench_scale.agreements"), min=1, max=20_000)
    ] = 200,
    factor: Annotated[int, typer.Option(help=N_("cli.bench_scale.factor"), min=1)] = 10,
    samples: Annotated[int, typer.Option(help=N_("cli.bench_scale.samples"), min=1, max=100)] = 7,
    quick: Annotated[bool, typer.Option("--quick", help=N_("cli.bench_scale.quick"))] = False,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            metavar="URL",
            help=N_("cli.bench_scale.database_url"),
        ),
    ] = None,
) -> None:
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
        raise typer.BadParameter(tell("cli.bench.not_postgres"), param_hint="--database-url")
    engine = make_engine(database_url)
    try:
        check_connection(engine)
    finally:
        engine.dispose()


def register(app: TrackerTyper) -> None:
    app.command("demo", help=N_("cli.demo"))(demo)
    app.command("bench", help=N_("cli.bench"))(bench)
    app.command("bench-web", help=N_("cli.bench_web"))(bench_web)
    app.command("bench-scale", help=N_("cli.bench_scale"))(bench_scale)
