"""`tracker init` and `tracker db ...`."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli.base import TrackerTyper, runtime_of

db_app = TrackerTyper(help="Database schema: upgrade to the version this release needs.")


def init(ctx: typer.Context) -> None:
    """Create the data folders and bring the database schema up to date.

    Safe to run again: an up-to-date installation is left as it is.

    \b
    Example:
      tracker init
      tracker --config /etc/tracker/config.toml init
    """
    from tracker.services.setup import initialize

    result = initialize(runtime_of(ctx))
    typer.echo(f"database: {result.database}")
    if result.revision_before == result.revision_after:
        typer.echo(f"schema: up to date ({result.revision_after})")
    else:
        typer.echo(f"schema: {result.revision_before or 'empty'} -> {result.revision_after}")
    for folder in result.folders:
        typer.echo(f"folder: {folder}")


def upgrade(
    ctx: typer.Context,
    revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
) -> None:
    """Apply schema migrations up to REVISION (default: the newest).

    \b
    Example:
      tracker db upgrade
      TRACKER_DATABASE__URL=postgresql+psycopg://tracker@db/tracker tracker db upgrade
    """
    from tracker.schema import upgrade_database

    before, after = upgrade_database(runtime_of(ctx).engine, revision=revision)
    if before == after:
        typer.echo(f"schema: up to date ({after})")
    else:
        typer.echo(f"schema: {before or 'empty'} -> {after}")


def current(ctx: typer.Context) -> None:
    """Show the database's schema revision and the one this release needs.

    \b
    Example:
      tracker db current
    """
    from tracker.db import check_connection
    from tracker.schema import current_revision, head_revision

    engine = runtime_of(ctx).engine
    check_connection(engine)
    revision = current_revision(engine)
    head = head_revision()
    state = "up to date" if revision == head else "needs `tracker db upgrade`"
    typer.echo(f"database: {revision or 'empty'}; release: {head} ({state})")


def register(app: TrackerTyper) -> None:
    app.command("init")(init)
    db_app.command("upgrade")(upgrade)
    db_app.command("current")(current)
    app.add_typer(db_app, name="db")
