"""`tracker demo` and `tracker bench`."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.bench import run_benchmarks
from tracker.cli.base import TrackerTyper
from tracker.cli.listing import agreements_list
from tracker.cli.setup import init


def demo(ctx: typer.Context) -> None:
    """Set up the embedded database and show what tracker holds.

    \b
    Example:
      tracker demo
    """
    init(ctx)
    agreements_list(ctx)


def bench(
    quick: Annotated[bool, typer.Option("--quick", help="Small sizes, for a smoke test.")] = False,
) -> None:
    """Measure the figures the project tracks (median of several runs) and print them.

    \b
    Example:
      tracker bench
    """
    for figure in run_benchmarks(quick=quick):
        typer.echo(str(figure))


def register(app: TrackerTyper) -> None:
    app.command("demo")(demo)
    app.command("bench")(bench)
