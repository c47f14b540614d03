"""Bringing an installation up: folders and schema."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tracker.config import Settings
from tracker.errors import TrackerError
from tracker.runtime import Runtime
from tracker.schema import upgrade_database


@dataclass(frozen=True)
class InitResult:
    database: str
    revision_before: str | None
    revision_after: str | None
    folders: tuple[Path, ...]


def installation_folders(settings: Settings) -> tuple[Path, ...]:
    folders = [
        settings.resolve(settings.paths.reports),
        settings.resolve(settings.paths.evidence),
        settings.resolve(settings.mail.outbox_dir),
    ]
    if settings.sqlite_path is not None:
        folders.append(settings.sqlite_path.parent)
    return tuple(folders)


def initialize(runtime: Runtime) -> InitResult:
    """Create the folders the installation writes to, then migrate the database to head."""
    folders = installation_folders(runtime.settings)
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TrackerError("setup.folder_failed", folder=folder, reason=exc.strerror) from None
    before, after = upgrade_database(runtime.engine)
    shown = runtime.engine.url.render_as_string(hide_password=True)
    return InitResult(shown, before, after, folders)
