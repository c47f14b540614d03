"""Schema migrations: `tracker db upgrade` and `tracker init` bring any database to head."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.engine import Engine

from tracker.db import check_connection, is_sqlite
from tracker.errors import TrackerError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the package ships no migrations"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def require_current_schema(engine: Engine) -> None:
    """Stop with a one-line hint when the database is missing tables or is behind."""
    database = engine.url.database
    if is_sqlite(engine) and database not in (None, "", ":memory:") and not Path(database).exists():
        # Connecting would create an empty file; a reading command must not write.
        raise TrackerError(f"the database {database} does not exist: run `tracker init`")
    check_connection(engine)
    revision = current_revision(engine)
    if revision is None:
        raise TrackerError("the database is not initialized: run `tracker init`")
    if revision != head_revision():
        raise TrackerError(
            f"the database schema is at {revision}, this release needs {head_revision()}: "
            "run `tracker db upgrade`"
        )


def upgrade_database(engine: Engine, *, revision: str = "head") -> tuple[str | None, str | None]:
    """Migrate to `revision`; returns (before, after)."""
    check_connection(engine)
    before = current_revision(engine)
    config = alembic_config()
    with engine.connect() as connection:
        if is_sqlite(engine):
            _run_sqlite_batch_safely(connection, config, revision)
        else:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            connection.commit()
    return before, current_revision(engine)


def _run_sqlite_batch_safely(connection: Connection, config: Config, revision: str) -> None:
    # Batch mode rebuilds tables by DROP + rename; with foreign keys on, the DROP would cascade
    # into child rows. SQLite only honours this pragma outside a transaction.
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.commit()
        broken = raw.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise TrackerError(f"migration left {len(broken)} rows with broken foreign keys")
    finally:
        raw.execute("PRAGMA foreign_keys=ON")
