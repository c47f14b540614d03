"""The root command and its groups."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tracker import __version__
from tracker.cli import (
    audit,
    backup,
    corrections,
    digests,
    followup,
    importing,
    intake,
    listing,
    maintenance,
    meetings,
    officers,
    reports,
    requests,
    scheduler,
    setup,
    spreadsheet,
    storage,
    tokens,
    web,
)
from tracker.cli.base import CliState
from tracker.cli.lazy import LazyTyper
from tracker.msgids import N_

app = LazyTyper(
    name="tracker",
    add_completion=False,
    help=N_("cli.tracker"),
    epilog=N_("cli.tracker.epilog"),
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tracker {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help=N_("cli.tracker.config"),
            dir_okay=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", help=N_("cli.tracker.version"), callback=_version, is_eager=True),
    ] = False,
) -> None:
    ctx.obj = CliState(config)


setup.register(app)
importing.register(app)
intake.register(app)
listing.register(app)
corrections.register()
followup.register(app)
requests.register(app)
meetings.register(app)
officers.register(app)
spreadsheet.register(app)
reports.register(app)
scheduler.register(app)
digests.register(app)
web.register(app)
tokens.register(app)
maintenance.register(app)
audit.register(app)
backup.register(app)
storage.register(app)


def main() -> None:
    app(prog_name="tracker")
