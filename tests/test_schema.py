"""Migrations are the schema: they build what the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import tracker.models  # noqa: F401
from tracker.config import Settings
from tracker.db import make_engine
from tracker.schema import alembic_config, current_revision, head_revision, upgrade_database


def test_the_migrated_database_matches_the_models_exactly(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_upgrading_twice_changes_nothing(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    assert upgrade_database(engine) == (None, head_revision())
    assert upgrade_database(engine) == (head_revision(), head_revision())
    engine.dispose()


def test_migrations_downgrade_to_empty_and_back(engine: Engine) -> None:
    config = alembic_config()
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
        connection.commit()
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    assert current_revision(engine) is None
    upgrade_database(engine)
    assert "commitment" in inspect(engine).get_table_names()
