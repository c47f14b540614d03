"""Backup and restore of one installation: the database, the evidence files and the reports.

A backup is a folder: the database copy (SQLite: `tracker.db` written with SQLite's online
backup API; PostgreSQL: `tracker.dump` from `pg_dump --format=custom`), the evidence files
under `evidence/`, the generated reports under `reports/`, and `manifest.json` naming the
release, the schema revision, the database kind and a SHA-256 and size for every file.

The database is copied first and the files after it: evidence is written before the status
update that points at it commits, so every file the copied rows name is already on disk.

What the copy holds depends on the storage backend (`storage.backend`, `tracker.storage`):
with `filesystem` the files are those of the two folders; with `database` their bytes are rows
of the database (`stored_file`, `stored_chunk`), so the database copy holds them, taken in the
same snapshot as the rows that name them, and the folders (empty, or what a migration left)
are copied as they are. A restore puts each back where it was: the folders' files into the
folders, the stored files with the database.

A restore goes only into an *empty* target: one whose database holds no agreement and no
account. A database that `tracker init` has only set up counts as empty (its tables are
replaced); anything that holds a ministry's record is refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.engine.url import URL
from sqlmodel import SQLModel

from tracker import __version__
from tracker.config import Settings
from tracker.db import check_connection, is_sqlite, write_session
from tracker.errors import TrackerError, Word
from tracker.models.revision import new_revision
from tracker.schema import alembic_config, current_revision, head_revision

MANIFEST = "manifest.json"
SQLITE_COPY = "tracker.db"
POSTGRES_COPY = "tracker.dump"
EVIDENCE = "evidence"
REPORTS = "reports"
FORMAT = 1
_CHUNK = 1 << 20
# Rows that make a database someone's record: a target holding any of them is not empty.
_RECORD_TABLES = ("agreement", "account")
_SEARCH_PATH = re.compile(r"-c\s*search_path\s*=\s*([^\s,]+)")


class BackupFailed(TrackerError):
    """A backup could not be written; nothing was left behind."""


class RestoreRefused(TrackerError):
    """A copy that cannot be restored, or a target it must not be restored into."""


@dataclass(frozen=True)
class Manifest:
    tracker_version: str
    schema_revision: str
    database: str  # "sqlite" or "postgresql"
    postgres_schema: str | None
    created_at: datetime
    files: dict[str, tuple[str, int]]  # relative path -> (sha256, size)

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "tracker_version": self.tracker_version,
                "schema_revision": self.schema_revision,
                "database": self.database,
                "postgres_schema": self.postgres_schema,
                "created_at": self.created_at.isoformat(),
                "files": {
                    name: {"sha256": digest, "size": size}
                    for name, (digest, size) in sorted(self.files.items())
                },
            },
            ensure_ascii=False,
            indent=2,
        )

    @property
    def bytes(self) -> int:
        return sum(size for _, size in self.files.values())

    def count_under(self, folder: str) -> int:
        return sum(1 for name in self.files if name.startswith(f"{folder}/"))


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    needs_upgrade: bool


# --- backup -------------------------------------------------------------------------------


def back_up(*, settings: Settings, engine: Engine, target: Path) -> Manifest:
    """Write a consistent copy of the installation into `target`, a new or empty folder.

    Everything is written into a hidden sibling folder that is renamed into place at the end:
    a backup that fails leaves nothing behind."""
    target = target.expanduser().absolute()
    _refuse_unusable_target(target, settings=settings)
    check_connection(engine)
    revision = current_revision(engine)
    if revision is None:
        raise BackupFailed("backup.not_initialized")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.partial-"))
    try:
        if is_sqlite(engine):
            _copy_sqlite(engine, work / SQLITE_COPY)
            schema = None
        else:
            schema = _dump_postgres(engine, work / POSTGRES_COPY)
        _copy_tree(settings.resolve(settings.paths.evidence), work / EVIDENCE)
        _copy_tree(settings.resolve(settings.paths.reports), work / REPORTS)
        manifest = Manifest(
            tracker_version=__version__,
            schema_revision=revision,
            database=engine.dialect.name,
            postgres_schema=schema,
            created_at=datetime.now(UTC),
            files={name: _digest(work / name) for name in _files_in(work)},
        )
        (work / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
        _fsync_tree(work)
        if target.exists():
            target.rmdir()  # empty, checked above; rename cannot replace it on every system
        os.replace(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return manifest


def _refuse_unusable_target(target: Path, *, settings: Settings) -> None:
    if target.exists() and not target.is_dir():
        raise BackupFailed("backup.target_not_folder", target=target)
    if target.is_dir() and any(target.iterdir()):
        raise BackupFailed("backup.target_not_empty", target=target)
    for kind, folder in (
        (Word("backup.folder_evidence"), settings.paths.evidence),
        (Word("backup.folder_reports"), settings.paths.reports),
    ):
        source = settings.resolve(folder).absolute()
        if target == source or source in target.parents:
            raise BackupFailed("backup.target_inside", target=target, kind=kind, folder=source)


def _copy_sqlite(engine: Engine, destination: Path) -> None:
    """SQLite's online backup: one step, so the copy is one snapshot while writers go on."""
    partial = destination.with_name(f".{destination.name}.partial")
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy, pages=-1)
            # One self-contained file: no -wal beside it to lose on the way.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    except sqlite3.Error as exc:
        raise BackupFailed("backup.sqlite_failed", reason=str(exc)) from None
    finally:
        raw.close()
    os.replace(partial, destination)


def _dump_postgres(engine: Engine, destination: Path) -> str | None:
    """`pg_dump` reads in one snapshot; returns the schema dumped (None: the whole database)."""
    schema = postgres_schema(engine.url)
    partial = destination.with_name(f".{destination.name}.partial")
    command = [
        _postgres_tool("pg_dump", error=BackupFailed),
        "--format=custom",
        "--no-owner",
        f"--file={partial}",
    ]
    if schema is not None:
        command.append(f"--schema={schema}")
    _run_postgres_tool([*command, libpq_address(engine.url)], url=engine.url, error=BackupFailed)
    os.replace(partial, destination)
    return schema


def _copy_tree(source: Path, destination: Path) -> None:
    if not source.is_dir():
        return
    for path in sorted(source.rglob("*")):
        # Hidden names are write_atomically's temp files: never a finished file.
        if not path.is_file() or any(
            part.startswith(".") for part in path.relative_to(source).parts
        ):
            continue
        copied = destination / path.relative_to(source)
        copied.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, copied)


def _files_in(folder: Path) -> Iterator[str]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            yield path.relative_to(folder).as_posix()


def _digest(path: Path) -> tuple[str, int]:
    sha = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            sha.update(chunk)
            size += len(chunk)
    return sha.hexdigest(), size


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as stream:
                os.fsync(stream.fileno())


# --- restore ------------------------------------------------------------------------------


def read_verified_manifest(folder: Path) -> Manifest:
    """The copy's manifest, once every file it lists is present with its size and SHA-256."""
    folder = folder.expanduser()
    if not folder.is_dir():
        raise RestoreRefused("restore.not_folder", folder=folder)
    manifest = _read_manifest(folder / MANIFEST)
    for name, (digest, size) in sorted(manifest.files.items()):
        path = folder / name
        if not path.is_file():
            raise RestoreRefused("restore.file_missing", name=name)
        if _digest(path) != (digest, size):
            raise RestoreRefused("restore.file_damaged", name=name)
    copy = SQLITE_COPY if manifest.database == "sqlite" else POSTGRES_COPY
    if copy not in manifest.files:
        raise RestoreRefused("restore.no_database_copy", copy=copy)
    return manifest


def _read_manifest(path: Path) -> Manifest:
    if not path.is_file():
        raise RestoreRefused("restore.no_manifest", path=path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["format"] != FORMAT:
            raise RestoreRefused("restore.unknown_format", format=data["format"]).at(str(path))
        files: dict[str, tuple[str, int]] = {}
        for name, entry in data["files"].items():
            if not _is_plain_relative(name):
                raise RestoreRefused("restore.file_outside", path=path, name=name)
            files[name] = (str(entry["sha256"]), int(entry["size"]))
        manifest = Manifest(
            tracker_version=str(data["tracker_version"]),
            schema_revision=str(data["schema_revision"]),
            database=str(data["database"]),
            postgres_schema=data["postgres_schema"],
            created_at=datetime.fromisoformat(data["created_at"]),
            files=files,
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise RestoreRefused("restore.manifest_unreadable", path=path, reason=repr(exc)) from None
    if manifest.database not in ("sqlite", "postgresql"):
        raise RestoreRefused("restore.unknown_database", database=manifest.database).at(str(path))
    return manifest


def _is_plain_relative(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(parts) and not name.startswith("/") and ".." not in parts and "\\" not in name


def restore(*, settings: Settings, engine: Engine, source: Path) -> RestoreResult:
    """Restore the copy in `source` into this installation's empty database and folders.

    Checked first, before anything is written: every file's SHA-256, that this release knows
    the copy's schema revision, that the copy is for this kind of database, and that the
    target is empty. Files go in before the database, which is the commit point: a failure
    while restoring the database leaves it empty and the files only orphaned."""
    source = source.expanduser()
    manifest = read_verified_manifest(source)
    _refuse_unknown_revision(manifest.schema_revision)
    if manifest.database != engine.dialect.name:
        raise RestoreRefused(
            "restore.other_database", copy=manifest.database, target=engine.dialect.name
        )
    pg_restore = ""
    if is_sqlite(engine) and engine.url.database not in (None, "", ":memory:"):
        Path(engine.url.database).parent.mkdir(parents=True, exist_ok=True)
    elif not is_sqlite(engine):
        _refuse_other_schema(engine, copy_schema=manifest.postgres_schema)
        pg_restore = _postgres_tool("pg_restore", error=RestoreRefused)
    check_connection(engine)
    _refuse_non_empty_target(engine)
    for name in sorted(manifest.files):
        top, _, rest = name.partition("/")
        if top == EVIDENCE and rest:
            _put_file(source / name, settings.resolve(settings.paths.evidence) / rest)
        elif top == REPORTS and rest:
            _put_file(source / name, settings.resolve(settings.paths.reports) / rest)
    if is_sqlite(engine):
        _restore_sqlite(engine, source / SQLITE_COPY)
    else:
        _restore_postgres(engine, source / POSTGRES_COPY, pg_restore=pg_restore)
    needs_upgrade = manifest.schema_revision != head_revision()
    if not needs_upgrade:
        # A server that kept the empty database's calendar must not take the copy's for it.
        with write_session(engine) as session:
            new_revision(session)
    return RestoreResult(manifest, needs_upgrade=needs_upgrade)


def _refuse_unknown_revision(revision: str) -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    if revision not in {script.revision for script in scripts.walk_revisions()}:
        raise RestoreRefused("restore.unknown_revision", revision=revision, head=head_revision())


def _refuse_non_empty_target(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        for table in _RECORD_TABLES:
            if table in tables:
                rows = connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
                if rows:
                    shown = engine.url.render_as_string(hide_password=True)
                    unit = Word("restore.row" if rows == 1 else "restore.rows")
                    raise RestoreRefused(
                        "restore.target_not_empty", url=shown, table=table, rows=rows, unit=unit
                    )


def _put_file(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.restoring")
    shutil.copy2(source, partial)
    os.replace(partial, target)


def _restore_sqlite(engine: Engine, copy: Path) -> None:
    """The online backup API in reverse: the live file is replaced page by page under
    SQLite's own lock, -wal included, in one step."""
    engine.dispose()
    raw = engine.raw_connection()
    try:
        target = raw.driver_connection
        assert isinstance(target, sqlite3.Connection)
        source = sqlite3.connect(f"{copy.absolute().as_uri()}?mode=ro", uri=True)
        try:
            source.backup(target, pages=-1)
        finally:
            source.close()
    except sqlite3.Error as exc:
        raise RestoreRefused("restore.sqlite_failed", reason=str(exc)) from None
    finally:
        raw.close()
        engine.dispose()


def _refuse_other_schema(engine: Engine, *, copy_schema: str | None) -> None:
    """A dump names its schema in every statement: it can only go back where it came from."""
    target_schema = postgres_schema(engine.url)
    if (copy_schema or "public") != (target_schema or "public"):
        raise RestoreRefused(
            "restore.other_schema", copy=copy_schema or "public", target=target_schema or "public"
        )


def _restore_postgres(engine: Engine, dump: Path, *, pg_restore: str) -> None:
    # The schema itself is made here, not by the dump: it may exist already (empty).
    listing = _run_postgres_tool([pg_restore, "--list", str(dump)], url=None, error=RestoreRefused)
    wanted = [line for line in listing.splitlines() if not re.search(r"\bSCHEMA - ", line)]
    _clear_initialized_tables(engine, schema=postgres_schema(engine.url))
    with tempfile.NamedTemporaryFile("w", suffix=".list", encoding="utf-8") as items:
        items.write("\n".join(wanted) + "\n")
        items.flush()
        _run_postgres_tool(
            [
                pg_restore,
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--use-list={items.name}",
                f"--dbname={libpq_address(engine.url)}",
                str(dump),
            ],
            url=engine.url,
            error=RestoreRefused,
        )
    engine.dispose()


def _clear_initialized_tables(engine: Engine, *, schema: str | None) -> None:
    """Drop what `tracker init` made (checked empty), so the copy's tables take their place."""
    known = {table.name for table in SQLModel.metadata.sorted_tables} | {"alembic_version"}
    with engine.begin() as connection:
        if schema is not None:
            connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        present = set(inspect(connection).get_table_names())
        for table in sorted(known & present):
            connection.execute(text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
    engine.dispose()


# --- PostgreSQL tools ---------------------------------------------------------------------


def postgres_schema(url: URL) -> str | None:
    """The schema named by `options=-csearch_path=NAME` in the URL, if any."""
    options = url.query.get("options", "")
    found = _SEARCH_PATH.search(options if isinstance(options, str) else " ".join(options))
    return found.group(1).strip('"') if found else None


def libpq_address(url: URL) -> str:
    """The URL as libpq reads it: no driver name, no password (that goes in PGPASSWORD)."""
    return make_url(url).set(drivername="postgresql", password=None).render_as_string()


def _postgres_tool(name: str, *, error: type[TrackerError]) -> str:
    found = shutil.which(name)
    if found:
        return found
    folders = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)
    for folder in folders:
        if (folder / name).is_file():
            return str(folder / name)
    raise error("postgres.tool_missing", tool=name)


def _version_key(folder: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", folder.parent.name))


def _run_postgres_tool(command: list[str], *, url: URL | None, error: type[TrackerError]) -> str:
    # The caller's PGPASSWORD or ~/.pgpass still serve; a password in the URL wins.
    environment = dict(os.environ)
    if url is not None and url.password:
        environment["PGPASSWORD"] = str(url.password)
    done = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        reason = lines[0] if lines else f"exit status {done.returncode}"
        raise error("postgres.tool_failed", tool=Path(command[0]).name, reason=reason)
    return done.stdout
