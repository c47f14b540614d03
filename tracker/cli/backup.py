"""`tracker backup DIR` and `tracker restore DIR`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tracker.cli.base import TrackerTyper, runtime_of

FolderArgument = Annotated[
    Path, typer.Argument(metavar="DIR", file_okay=False, help="The backup folder.")
]


def backup(ctx: typer.Context, folder: FolderArgument) -> None:
    """Write a consistent copy of the database, the evidence files and the reports into DIR,
    with a manifest of SHA-256 sums. Safe while the web app and the scheduler run.

    DIR must be new or empty. SQLite is copied with its online backup API; PostgreSQL with
    `pg_dump` (custom format), which must be on PATH or under /usr/lib/postgresql/*/bin.

    \b
    Example:
      tracker backup /srv/backups/tracker-$(date +%F)
    """
    from tracker.services.backup import back_up

    runtime = runtime_of(ctx)
    manifest = back_up(settings=runtime.settings, engine=runtime.engine, target=folder)
    typer.echo(
        f"backed up to {folder}: {manifest.database} database at schema "
        f"{manifest.schema_revision}, {manifest.count_under('evidence'):,} evidence files, "
        f"{manifest.count_under('reports'):,} report files, {manifest.bytes:,} bytes"
    )


def restore(ctx: typer.Context, folder: FolderArgument) -> None:
    """Restore a copy made by `tracker backup` into this installation's empty database.

    Refused, with nothing written, when any file's SHA-256 differs from the manifest, when
    the copy's schema is newer than this release, or when the target database holds any
    agreement or account (a database that `tracker init` only set up counts as empty).

    \b
    Example:
      tracker restore /srv/backups/tracker-2026-11-26
    """
    from tracker.services.backup import restore as restore_copy

    runtime = runtime_of(ctx)
    result = restore_copy(settings=runtime.settings, engine=runtime.engine, source=folder)
    manifest = result.manifest
    typer.echo(
        f"restored {folder} (made {manifest.created_at:%Y-%m-%d %H:%M} UTC by tracker "
        f"{manifest.tracker_version}): {manifest.database} database at schema "
        f"{manifest.schema_revision}, {manifest.count_under('evidence'):,} evidence files, "
        f"{manifest.count_under('reports'):,} report files"
    )
    if result.needs_upgrade:
        typer.echo("the copy's schema is older than this release: run `tracker db upgrade`")


def register(app: TrackerTyper) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)
