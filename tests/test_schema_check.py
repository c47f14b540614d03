"""The schema check every command makes before it runs: at head it passes without alembic; a
database behind this release, or never initialized, is refused with what to run."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory

from tracker.config import Settings
from tracker.db import make_engine
from tracker.errors import TrackerError
from tracker.schema import (
    alembic_config,
    head_revision,
    require_current_schema,
    shipped_head,
    upgrade_database,
)


def test_the_head_read_from_the_migration_files_is_the_one_alembic_finds() -> None:
    assert shipped_head() == head_revision()


def test_a_database_one_migration_behind_is_refused_until_it_is_upgraded(
    settings: Settings,
) -> None:
    head = head_revision()
    previous = ScriptDirectory.from_config(alembic_config()).get_revision(head).down_revision
    assert isinstance(previous, str)
    engine = make_engine(settings.database_url)
    try:
        upgrade_database(engine, revision=previous)
        with pytest.raises(TrackerError) as refused:
            require_current_schema(engine)
        assert str(refused.value) == (
            f"the database schema is at {previous}, this release needs {head}: "
            "run `tracker db upgrade`"
        )
        upgrade_database(engine)
        require_current_schema(engine)
    finally:
        engine.dispose()


def test_a_database_without_the_schema_is_refused_with_init(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    try:
        with engine.begin() as connection:  # reachable, but nothing migrated
            connection.exec_driver_sql("CREATE TABLE unrelated (id INTEGER PRIMARY KEY)")
        with pytest.raises(TrackerError, match=r"not initialized: run `tracker init`"):
            require_current_schema(engine)
    finally:
        engine.dispose()
