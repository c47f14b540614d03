"""Schema migrations: `tracker db upgrade` and `tracker init` bring any database to head.

Alembic is imported only where it works (upgrades, `db status`): loading it and reading every
migration takes longer than most commands, and every command checks the schema before it runs."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import Engine

from tracker.db import check_connection, is_sqlite
from tracker.errors import TrackerError

# The search index's objects by name (migration 0012): the FTS tables (and the shadow tables
# SQLite keeps for them), their triggers, PostgreSQL's trigram indexes. The models do not
# describe them, so a comparison of the schema with the models leaves them out.
SEARCH_OBJECT = re.compile(r"search_(clause|commitment)(_\w+)?|ix_search_\w+")


def is_search_object(name: str | None) -> bool:
    """Whether a table, index or trigger is the search index's (for schema comparisons)."""
    return name is not None and SEARCH_OBJECT.fullmatch(name) is not None


def models_describe(name: str | None, _type: str, _parents: object) -> bool:
    """Alembic's `include_name`: what a comparison with the models looks at."""
    return not is_search_object(name)


if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the package ships no migrations"
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def require_current_schema(engine: Engine) -> None:
    """Stop with a one-line hint when the database is missing tables or is behind."""
    database = engine.url.database
    if is_sqlite(engine) and database not in (None, "", ":memory:") and not Path(database).exists():
        # Connecting would create an empty file; a reading command must not write.
        raise TrackerError("database.missing", database=database)
    check_connection(engine)
    revision = _stored_revision(engine)
    if revision is None:
        raise TrackerError("database.not_initialized")
    if revision != shipped_head() and revision != head_revision():
        raise TrackerError("database.behind", revision=revision, needed=head_revision())


@cache
def shipped_head() -> str | None:
    """The head revision named by the migration files, read without alembic; None unless every
    file names its `revision` and exactly one is no other's `down_revision` (then ask alembic).
    Read once per process: the files ship with the package and do not change under it."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        revision, down = _revision_of(path)
        if revision is None:
            return None
        revisions.add(revision)
        parents.update(down)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _revision_of(path: Path) -> tuple[str | None, tuple[str, ...]]:
    """A migration file's `revision` and its `down_revision`s, as literals in the file."""
    revision: str | None = None
    parents: tuple[str, ...] = ()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets: list[ast.expr]
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        elif isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        else:
            continue
        names = {target.id for target in targets if isinstance(target, ast.Name)}
        if "revision" in names:
            literal = ast.literal_eval(value)
            revision = literal if isinstance(literal, str) else None
        if "down_revision" in names:
            literal = ast.literal_eval(value)
            parents = (literal,) if isinstance(literal, str) else tuple(literal or ())
    return revision, parents


def _stored_revision(engine: Engine) -> str | None:
    """The revision recorded in the database, by plain SQL; alembic answers anything unusual."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    return rows[0][0] if len(rows) == 1 else current_revision(engine)


def upgrade_database(engine: Engine, *, revision: str = "head") -> tuple[str | None, str | None]:
    """Migrate to `revision`; returns (before, after)."""
    from alembic import command

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
    from alembic import command

    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.commit()
        broken = raw.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise TrackerError("database.broken_keys", count=len(broken))
    finally:
        raw.execute("PRAGMA foreign_keys=ON")
