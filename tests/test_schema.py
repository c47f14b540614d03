"""Migrations are the schema: they build what the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import tracker.models  # noqa: F401
from tracker.config import Settings
from tracker.db import make_engine
from tracker.schema import (
    alembic_config,
    current_revision,
    head_revision,
    models_describe,
    upgrade_database,
)


def test_the_migrated_database_matches_the_models_exactly(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": models_describe}
        )
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


def test_upgrading_an_existing_database_gives_its_commitments_owners_and_a_first_cycle(
    settings: Settings,
) -> None:
    engine = make_engine(settings.database_url)
    upgrade_database(engine, revision="0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO division (id, name, ministry, name_en) "
                "VALUES (1, '북미2과', '외교부', '')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO officer (id, name, rank, division_id, role, language, "
                "digest_frequency, active, created_at) VALUES (1, '정진우', '', 1, 'officer', "
                "'ko', 'weekly', :yes, :now)"
            ),
            {"yes": True, "now": datetime(2025, 11, 1, tzinfo=UTC)},
        )
        connection.execute(
            text(
                "INSERT INTO agreement (id, key, title, document_title, domestic_body, "
                "foreign_body, countries, field, signed_on, place, summary, officer_rank, "
                "officer_name, officer_ministry, officer_division, language, desk_officer_id, "
                "source_name, source_text, source_hash, imported_at) VALUES (1, 'kr-ca-2025', "
                "'t', '', '외교부', '', '캐나다', '', :signed, '', '', '', '', '', '', 'ko', 1, "
                "'', '1. x', 'h', :now)"
            ),
            {"signed": date(2025, 10, 30), "now": datetime(2025, 11, 1, tzinfo=UTC)},
        )
        connection.execute(
            text(
                "INSERT INTO clause (id, agreement_id, number, position, text, span_start, "
                "span_end) VALUES (1, 1, '1', 1, '1. x', 0, 4)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO commitment (id, agreement_id, clause_id, ref, text, actors, "
                "strength, tracked, span_start, span_end, created_at, updated_at) VALUES "
                "(1, 1, 1, '1.1', 'x', 'both', 'firm', :yes, 3, 4, :now, :now)"
            ),
            {"yes": True, "now": datetime(2025, 11, 1, tzinfo=UTC)},
        )
    upgrade_database(engine)
    with engine.connect() as connection:
        owner = connection.execute(
            text("SELECT owner_id, division_id, lead_agency, version FROM commitment")
        ).one()
        cycle = connection.execute(
            text("SELECT agreement_id, number, starts_on, ends_on FROM review_cycle")
        ).one()
    assert tuple(owner) == (1, 1, "외교부", 1)
    assert (cycle.agreement_id, cycle.number, cycle.ends_on) == (1, 1, None)
    assert str(cycle.starts_on) == "2025-10-30"
    engine.dispose()


def test_upgrading_turns_the_history_s_english_sentences_into_facts(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    upgrade_database(engine, revision="0010")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO change_record (id, at, actor, entity, entity_id, action, detail, "
                "reason) VALUES (1, :now, 'scheduler', 'commitment', 7, 'stale', :detail, '')"
            ),
            {
                "now": datetime(2026, 3, 1, tzinfo=UTC),
                "detail": json.dumps(
                    {"summary": "no status update for 90 days", "day": "2026-03-01"}
                ),
            },
        )
    upgrade_database(engine)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT detail FROM change_record")).scalar_one()
    detail = stored if isinstance(stored, dict) else json.loads(stored)
    assert detail == {"day": "2026-03-01", "days": 90}


def test_upgrading_keeps_every_update_the_home_side_s_and_grades_its_evidence(
    settings: Settings,
) -> None:
    """0013: existing updates are the home side's; one with evidence is `found`, one without
    `reported` (never "no evidence available", which an officer says, not a migration)."""
    engine = make_engine(settings.database_url)
    upgrade_database(engine, revision="0001")
    now = datetime(2025, 11, 1, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO agreement (id, key, title, document_title, domestic_body, "
                "foreign_body, countries, field, signed_on, place, summary, officer_rank, "
                "officer_name, officer_ministry, officer_division, language, "
                "source_name, source_text, source_hash, imported_at) VALUES (1, 'kr-ca-2025', "
                "'t', '', '', '', '캐나다', '', :signed, '', '', '', '', '', '', 'ko', "
                "'', '1. x', 'h', :now)"
            ),
            {"signed": date(2025, 10, 30), "now": now},
        )
        connection.execute(
            text(
                "INSERT INTO clause (id, agreement_id, number, position, text, span_start, "
                "span_end) VALUES (1, 1, '1', 1, '1. x', 0, 4)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO commitment (id, agreement_id, clause_id, ref, text, actors, "
                "strength, tracked, span_start, span_end, created_at, updated_at) VALUES "
                "(1, 1, 1, '1.1', 'x', 'both', 'firm', :yes, 3, 4, :now, :now)"
            ),
            {"yes": True, "now": now},
        )
    upgrade_database(engine, revision="0012")
    with engine.begin() as connection:
        for update_id in (1, 2):
            connection.execute(
                text(
                    "INSERT INTO status_update (id, status, narrative, as_of, commitment_id, "
                    "author, source, commitment_version, recorded_at) VALUES "
                    "(:id, 'in_progress', '', :day, 1, '정진우', 'cli', 1, :now)"
                ),
                {"id": update_id, "day": date(2025, 11, update_id), "now": now},
            )
        connection.execute(
            text(
                "INSERT INTO evidence (id, status_update_id, kind, url, file_name, stored_path, "
                "sha256) VALUES (1, 1, 'link', 'https://www.mofa.go.kr/1', '', '', '')"
            )
        )
    upgrade_database(engine)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, party, obstacles, evidence_level FROM status_update ORDER BY id")
        ).all()
        counterpart = connection.execute(
            text("SELECT counterpart_status FROM commitment")
        ).scalar_one()
    assert [tuple(row) for row in rows] == [(1, "home", "", "found"), (2, "home", "", "reported")]
    assert counterpart is None
    engine.dispose()


def test_upgrading_keeps_every_report_a_pdf_and_lets_a_version_have_other_formats(
    settings: Settings,
) -> None:
    """0014: existing reports are PDFs; a version may then be written in other formats too."""
    engine = make_engine(settings.database_url)
    upgrade_database(engine, revision="0013")
    now = datetime(2026, 11, 1, tzinfo=UTC)
    columns = (
        "(kind, language, subject, version, path, sha256, size_bytes, pages, generated_at, "
        "generated_by, snapshot"
    )
    with engine.begin() as connection:
        connection.execute(
            text(
                f"INSERT INTO report {columns}) VALUES ('review', 'ko', 'kr-ca-2025/cycle-1', 1, "
                "'a.pdf', :sha, 10, 3, :now, 'a', '{}')"
            ),
            {"sha": "0" * 64, "now": now},
        )
    upgrade_database(engine)
    with engine.begin() as connection:
        connection.execute(
            text(
                f"INSERT INTO report {columns}, format) VALUES ('review', 'ko', "
                "'kr-ca-2025/cycle-1', 1, 'a.hwpx', :sha, 10, NULL, :now, 'a', '{}', 'hwpx')"
            ),
            {"sha": "0" * 64, "now": now},
        )
        rows = connection.execute(
            text("SELECT format, version, pages FROM report ORDER BY id")
        ).all()
    assert [tuple(row) for row in rows] == [("pdf", 1, 3), ("hwpx", 1, None)]
    engine.dispose()
