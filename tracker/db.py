"""Engines and sessions.

SQLite is set up for several writers: WAL, foreign keys, a busy timeout, and write transactions
that take the write lock up front (BEGIN IMMEDIATE) so a read-then-write never dies half-way
with "database is locked". PostgreSQL needs none of this and gets the same code paths.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine, create_engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session

from tracker.errors import DatabaseUnavailable, TrackerError

_WRITE_OPTION = "tracker_write"


class ValueTooLong(TrackerError):
    """A value does not fit its column."""


def make_engine(url: str, *, busy_timeout_ms: int = 30_000, echo: bool = False) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, echo=echo, pool_pre_ping=True)
    engine = create_engine(
        url,
        echo=echo,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
    )
    in_memory = parsed.database in (None, "", ":memory:")
    _configure_sqlite(engine, busy_timeout_ms=busy_timeout_ms, wal=not in_memory)
    return engine


def _configure_sqlite(engine: Engine, *, busy_timeout_ms: int, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself, so we choose its mode.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reading; it never commits."""
    with Session(engine) as session:
        yield session


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write transaction: commits when the block ends, rolls back on any error."""
    with Session(engine.execution_options(**{_WRITE_OPTION: True})) as session:
        event.listen(session, "before_flush", _refuse_overlong_values)
        keep_calendar_revision(session)
        with session.begin():
            yield session


def keep_calendar_revision(session: Session) -> None:
    """A write to what review dates depend on gives the calendar a new revision, in the same
    transaction. Every session that writes does this (the tests' sessions too), or a server's
    kept calendar would miss the write. (Imported here, not at the top: `tracker --version`
    loads no models.)"""
    from tracker.models.revision import note_calendar_change, note_calendar_statement

    event.listen(session, "before_flush", note_calendar_change)
    event.listen(session, "do_orm_execute", note_calendar_statement)


def _refuse_overlong_values(session: Session, _context: Any, _instances: Any) -> None:
    """PostgreSQL rejects a string longer than its column with a DataError (and a traceback)
    while SQLite stores it silently; say which field is too long, the same on both."""
    for instance in (*session.new, *session.dirty):
        table = getattr(instance, "__table__", None)
        if table is None:
            continue
        for column in table.columns:
            length = getattr(column.type, "length", None)
            value = getattr(instance, column.key, None)
            if length and isinstance(value, str) and len(value) > length:
                raise ValueTooLong(
                    "value.too_long",
                    column=f"{table.name}.{column.key}",
                    length=len(value),
                    limit=length,
                    start=value[:40],
                )


def check_connection(engine: Engine) -> None:
    """Connect once, so an unreachable database is reported before any work starts."""
    if is_sqlite(engine) and engine.url.database not in (None, "", ":memory:"):
        folder = Path(engine.url.database).parent
        if not folder.is_dir():
            raise DatabaseUnavailable("database.no_folder", folder=folder)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (OperationalError, DBAPIError) as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        shown = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnavailable("database.unavailable", url=shown, reason=reason) from None
