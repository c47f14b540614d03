"""`tracker backup DIR` and `tracker restore DIR`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.base import TrackerTyper, runtime_of
from tracker.cli.speech import show
from tracker.msgids import N_

if TYPE_CHECKING:
    from tracker.services.backup import Manifest

FolderArgument = Annotated[
    Path, typer.Argument(metavar="DIR", file_okay=False, help=N_("cli.backup.folder"))
]


def backup(ctx: typer.Context, folder: FolderArgument) -> None:
    from tracker.services.backup import back_up

    runtime = runtime_of(ctx)
    manifest = back_up(settings=runtime.settings, engine=runtime.engine, target=folder)
    evidence, reports = _files(manifest)
    if runtime.settings.storage.backend == "database":
        # The files are rows of the database: the copy holds them, the folders hold none.
        show(
            "cli.backup.done_files_in_database",
            folder=folder,
            database=manifest.database,
            revision=manifest.schema_revision,
            bytes=_number(manifest.bytes),
        )
        return
    show(
        "cli.backup.done",
        folder=folder,
        database=manifest.database,
        revision=manifest.schema_revision,
        bytes=_number(manifest.bytes),
        evidence=evidence,
        reports=reports,
    )


def restore(ctx: typer.Context, folder: FolderArgument) -> None:
    from tracker.services.backup import restore as restore_copy

    runtime = runtime_of(ctx)
    result = restore_copy(settings=runtime.settings, engine=runtime.engine, source=folder)
    manifest = result.manifest
    evidence, reports = _files(manifest)
    show(
        "cli.restore.done",
        folder=folder,
        made=manifest.created_at.strftime("%Y-%m-%d %H:%M"),
        version=manifest.tracker_version,
        database=manifest.database,
        revision=manifest.schema_revision,
        evidence=evidence,
        reports=reports,
    )
    if result.needs_upgrade:
        show("cli.restore.needs_upgrade")


def _files(manifest: Manifest) -> tuple[str, str]:
    """How many evidence files and report files a copy holds."""
    return _number(manifest.count_under("evidence")), _number(manifest.count_under("reports"))


def _number(count: int) -> str:
    return f"{count:,}"


def register(app: TrackerTyper) -> None:
    app.command("backup", help=N_("cli.backup"))(backup)
    app.command("restore", help=N_("cli.restore"))(restore)
