"""Where evidence files and reports are kept: one interface, two backends (`storage.backend`).

Rules every backend keeps:
- A key is a relative POSIX path of plain names, in one of two namespaces: evidence
  (`ab/<sha256>`, content-addressed: the same file attached twice is kept once) and reports
  (`<folder>/<file name>`, relative to the reports folder). They are the paths the rows already
  hold (`Evidence.stored_path`, `Report.path`), so switching backends changes no row.
- No reader ever sees half a file. The filesystem writes a hidden temp file and renames it
  into place; the database writes the file's row and all its chunks in one transaction (the
  caller's, when given a session, so a file goes when the row naming it fails).
- Reading streams chunk by chunk (`chunks()`, `open()`): the database selects one chunk at a
  time, in order, and never loads a whole file.
- `filesystem` (the default, one machine or a folder every server mounts) keeps the folders of
  `[paths]`; `database` keeps the bytes in the database (PostgreSQL, several servers), where a
  database backup (`tracker backup`) holds them too.
- `tracker storage migrate` moves files between the two with checks; `tracker storage verify`
  re-hashes what the rows reference (`tracker.storage.moving`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tracker.storage.base import (
    FileMissing,
    FileStat,
    FileStore,
    Namespace,
    StorageRefused,
    check_key,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from tracker.config import Settings

__all__ = [
    "FileMissing",
    "FileStat",
    "FileStore",
    "Namespace",
    "Storage",
    "StorageRefused",
    "check_key",
    "make_store",
    "storage_of",
]


@dataclass(frozen=True)
class Storage:
    """The two namespaces of one backend."""

    evidence: FileStore
    reports: FileStore

    @property
    def backend(self) -> str:
        return self.evidence.backend

    def __getitem__(self, namespace: Namespace) -> FileStore:
        return self.evidence if namespace is Namespace.EVIDENCE else self.reports


def make_store(settings: Settings, engine: Engine) -> Storage:
    """The configured backend's stores (`storage.backend`)."""
    return storage_of(settings.storage.backend, settings, engine)


def storage_of(backend: str, settings: Settings, engine: Engine) -> Storage:
    """The stores of `backend`, whatever is configured (migrating reads one, writes the other)."""
    chunk = settings.storage.chunk_bytes
    if backend == "database":
        from tracker.storage.database import DatabaseStore

        return Storage(
            evidence=DatabaseStore(engine, Namespace.EVIDENCE, chunk_bytes=chunk),
            reports=DatabaseStore(engine, Namespace.REPORTS, chunk_bytes=chunk),
        )
    from tracker.storage.filesystem import FilesystemStore

    return Storage(
        evidence=FilesystemStore(
            settings.resolve(settings.paths.evidence), Namespace.EVIDENCE, chunk_bytes=chunk
        ),
        reports=FilesystemStore(
            settings.resolve(settings.paths.reports), Namespace.REPORTS, chunk_bytes=chunk
        ),
    )
