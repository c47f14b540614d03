"""The database layer: aware UTC times, SQLite set up for several writers."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import select

from tests.conftest import on_postgres
from tracker.db import check_connection, make_engine, read_session, write_session
from tracker.errors import DatabaseUnavailable
from tracker.models import ChangeRecord, Division


def test_times_come_back_as_aware_utc_whatever_zone_they_were_written_in(engine: Engine) -> None:
    seoul = timezone(timedelta(hours=9))
    with write_session(engine) as session:
        session.add(
            ChangeRecord(
                at=datetime(2026, 3, 1, 9, 0, tzinfo=seoul),
                actor="정진우",
                entity="agreement",
                entity_id=1,
                action="imported",
            )
        )
    with read_session(engine) as session:
        record = session.exec(select(ChangeRecord)).one()
    assert record.at == datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
    assert record.at.tzinfo is not None


def test_a_naive_datetime_is_refused_rather_than_guessed(engine: Engine) -> None:
    with pytest.raises(Exception, match="naive datetime"), write_session(engine) as session:
        session.add(
            ChangeRecord(at=datetime(2026, 1, 1), actor="x", entity="e", entity_id=1, action="a")
        )


def test_a_failed_write_transaction_leaves_nothing_behind(engine: Engine) -> None:
    with pytest.raises(RuntimeError), write_session(engine) as session:
        session.add(Division(name="북미2과", ministry="외교부"))
        session.flush()
        raise RuntimeError("crash half-way")
    with read_session(engine) as session:
        assert session.exec(select(Division)).all() == []


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    from tracker.models import Officer

    with pytest.raises(Exception, match="(?i)foreign key"), write_session(engine) as session:
        session.add(Officer(name="정진우", division_id=999))


@pytest.mark.skipif(on_postgres(), reason="SQLite's locking is what is under test")
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(engine: Engine) -> None:
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30000


@pytest.mark.skipif(on_postgres(), reason="SQLite's locking is what is under test")
def test_eight_writers_that_read_then_write_never_hit_database_is_locked(engine: Engine) -> None:
    with write_session(engine) as session:
        session.add(Division(name="counter", ministry="0"))
    errors: list[BaseException] = []

    def bump(times: int) -> None:
        try:
            for _ in range(times):
                with write_session(engine) as session:
                    division = session.exec(select(Division)).one()
                    division.ministry = str(int(division.ministry) + 1)
        except BaseException as exc:  # collected, so the test can show it
            errors.append(exc)

    threads = [threading.Thread(target=bump, args=(25,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with read_session(engine) as session:
        assert session.exec(select(Division)).one().ministry == "200"


def test_an_unreachable_database_is_reported_in_one_line() -> None:
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(DatabaseUnavailable) as error:
        check_connection(engine)
    message = str(error.value)
    assert message.startswith("cannot open database postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert "\n" not in message


def test_a_missing_sqlite_folder_says_to_run_init(tmp_path: object) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/nowhere/tracker.db")
    with pytest.raises(DatabaseUnavailable, match="does not exist: run `tracker init`"):
        check_connection(engine)


def test_the_suite_runs_on_the_database_it_was_asked_for(engine: Engine) -> None:
    assert engine.dialect.name == ("postgresql" if on_postgres() else "sqlite")


def test_a_value_longer_than_its_column_is_refused_naming_the_field(engine: Engine) -> None:
    from tracker.db import ValueTooLong

    with (
        pytest.raises(
            ValueTooLong, match=r"division.name is 201 characters long; the limit is 200"
        ),
        write_session(engine) as session,
    ):
        session.add(Division(name="가" * 201, ministry="외교부"))
    with read_session(engine) as session:
        assert session.exec(select(Division)).all() == []
