"""Backup and restore: a consistent copy taken while officers work, restored only when whole.

Each test loses the installation the way an operator would (the database dropped, the
evidence and report folders gone) and restores into the same settings, so the same tests run
on SQLite and on the PostgreSQL schema that tests/conftest.py gives each test.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from tests.conftest import on_postgres
from tests.factories import import_seed
from tracker.config import Settings
from tracker.db import is_sqlite, make_engine, read_session, write_session
from tracker.models import Agreement, Commitment, Evidence, StatusUpdate, StatusUpdateCreate
from tracker.schema import head_revision, upgrade_database
from tracker.services.backup import (
    BackupFailed,
    RestoreRefused,
    back_up,
    postgres_schema,
    restore,
)
from tracker.services.lookup import find_commitment
from tracker.services.policy import FollowUpPolicy
from tracker.services.status_updates import Conflict, latest_update, record_status_update

TODAY = date(2026, 11, 26)
REPORT = "kr-ca-2025/review-2026-1.pdf"


def evidence_folder(settings: Settings) -> Path:
    return settings.resolve(settings.paths.evidence)


def reports_folder(settings: Settings) -> Path:
    return settings.resolve(settings.paths.reports)


def record(
    engine: Engine, settings: Settings, ref: str, status: str, **fields: object
) -> StatusUpdate:
    policy = FollowUpPolicy.from_settings(settings)
    with write_session(engine) as session:
        commitment = find_commitment(ref, session=session)
        data = StatusUpdateCreate(status=status, as_of=fields.pop("as_of", TODAY), **fields)  # type: ignore[arg-type]
        row = record_status_update(
            commitment, data, session=session, policy=policy, author="정진우", today=TODAY
        )
        session.expunge(row)
    return row


def a_working_installation(engine: Engine, settings: Settings, tmp_path: Path) -> bytes:
    """The seed agreement, one update with an evidence file, one report; returns the
    evidence file's bytes."""
    with Session(engine) as session:
        import_seed(session)
    scan = tmp_path / "minutes.txt"
    scan.write_bytes("제1차 국방정책실무회의 결과\n".encode())
    record(engine, settings, "kr-ca-2025:7.1", "in_progress", evidence=[str(scan)])
    report = reports_folder(settings) / REPORT
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_bytes(b"%PDF-1.7 review")
    return scan.read_bytes()


def lose_everything(engine: Engine, settings: Settings) -> None:
    """The disaster: the database and both folders gone, an empty database in their place."""
    engine.dispose()
    if is_sqlite(engine):
        database = Path(str(engine.url.database))
        for path in (database, *database.parent.glob(f"{database.name}-*")):
            path.unlink(missing_ok=True)
    else:
        schema = postgres_schema(engine.url)
        assert schema is not None, "tests run in a schema of their own"
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
    shutil.rmtree(evidence_folder(settings), ignore_errors=True)
    shutil.rmtree(reports_folder(settings), ignore_errors=True)


def count(engine: Engine, model: type[Agreement] | type[StatusUpdate]) -> int:
    with read_session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


@pytest.mark.parametrize("target", ["a bare database", "a database tracker init set up"])
def test_a_backup_restored_after_losing_everything_brings_back_the_record_evidence_and_reports(
    engine: Engine, settings: Settings, tmp_path: Path, target: str
) -> None:
    scan = a_working_installation(engine, settings, tmp_path)

    manifest = back_up(settings=settings, engine=engine, target=tmp_path / "copy")

    assert manifest.schema_revision == head_revision()
    assert manifest.database == engine.dialect.name
    assert manifest.created_at.utcoffset() == timedelta(0)
    assert manifest.count_under("evidence") == 1
    assert manifest.count_under("reports") == 1
    written = json.loads((tmp_path / "copy" / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(written["files"]) == sorted(manifest.files)
    assert all(len(entry["sha256"]) == 64 for entry in written["files"].values())

    lose_everything(engine, settings)
    if target == "a database tracker init set up":
        upgrade_database(engine)
    result = restore(settings=settings, engine=engine, source=tmp_path / "copy")

    assert not result.needs_upgrade
    assert count(engine, Agreement) == 1
    with read_session(engine) as session:
        commitment = find_commitment("kr-ca-2025:7.1", session=session)
        assert commitment.status == "in_progress"
        (evidence,) = session.exec(select(Evidence)).all()
    (stored,) = [p for p in evidence_folder(settings).rglob("*") if p.is_file()]
    assert stored.read_bytes() == scan
    assert evidence.stored_path and stored.name in evidence.stored_path
    assert (reports_folder(settings) / REPORT).read_bytes() == b"%PDF-1.7 review"
    # The restored database goes on working: new rows take new ids.
    later = record(engine, settings, "kr-ca-2025:7.1", "ongoing")
    assert later.id is not None and count(engine, StatusUpdate) == 2


def test_a_backup_refuses_a_folder_that_is_not_empty_and_leaves_nothing_behind(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    a_working_installation(engine, settings, tmp_path)
    target = tmp_path / "backups" / "monday"
    target.mkdir(parents=True)
    (target / "notes.txt").write_text("keep me", encoding="utf-8")

    with pytest.raises(BackupFailed, match="not empty"):
        back_up(settings=settings, engine=engine, target=target)

    assert [p.name for p in (tmp_path / "backups").iterdir()] == ["monday"]
    assert [p.name for p in target.iterdir()] == ["notes.txt"]


def test_a_backup_into_an_empty_folder_fills_it(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    a_working_installation(engine, settings, tmp_path)
    (tmp_path / "mounted").mkdir()

    back_up(settings=settings, engine=engine, target=tmp_path / "mounted")

    assert (tmp_path / "mounted" / "manifest.json").is_file()
    assert not [p for p in tmp_path.iterdir() if ".partial" in p.name]


@pytest.mark.parametrize("damage", ["changed", "missing"])
def test_a_copy_with_a_damaged_file_is_refused_naming_the_file_and_nothing_is_written(
    engine: Engine, settings: Settings, tmp_path: Path, damage: str
) -> None:
    a_working_installation(engine, settings, tmp_path)
    manifest = back_up(settings=settings, engine=engine, target=tmp_path / "copy")
    (name,) = [name for name in manifest.files if name.startswith("evidence/")]
    if damage == "changed":
        (tmp_path / "copy" / name).write_bytes(b"tampered")
    else:
        (tmp_path / "copy" / name).unlink()
    lose_everything(engine, settings)

    with pytest.raises(RestoreRefused, match=name):
        restore(settings=settings, engine=engine, source=tmp_path / "copy")

    assert not evidence_folder(settings).exists()
    assert not reports_folder(settings).exists()
    if is_sqlite(engine):
        assert not Path(str(engine.url.database)).exists()


def test_a_copy_from_a_newer_release_is_refused(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    a_working_installation(engine, settings, tmp_path)
    back_up(settings=settings, engine=engine, target=tmp_path / "copy")
    path = tmp_path / "copy" / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["schema_revision"] = "0099"
    path.write_text(json.dumps(data), encoding="utf-8")
    lose_everything(engine, settings)

    with pytest.raises(RestoreRefused, match="0099 is not one this release knows"):
        restore(settings=settings, engine=engine, source=tmp_path / "copy")

    assert not evidence_folder(settings).exists()


def test_a_copy_is_not_restored_over_a_database_that_holds_a_record(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    a_working_installation(engine, settings, tmp_path)
    back_up(settings=settings, engine=engine, target=tmp_path / "copy")
    record(engine, settings, "kr-ca-2025:7.1", "ongoing")

    with pytest.raises(RestoreRefused, match=r"not empty \(agreement: 1 row\)"):
        restore(settings=settings, engine=engine, source=tmp_path / "copy")

    assert count(engine, StatusUpdate) == 2


def test_a_backup_taken_while_officers_record_updates_holds_every_acknowledged_update(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    with Session(engine) as session:
        import_seed(session)
        refs = [
            f"kr-ca-2025:{c.ref}"
            for c in session.exec(
                select(Commitment).where(col(Commitment.tracked)).order_by(col(Commitment.id))
            ).all()[:6]
        ]
    statuses = ("not_started", "in_progress", "ongoing", "stalled")
    acknowledged: list[tuple[int, float]] = []
    failures: list[str] = []
    stop = threading.Event()

    def officer(number: int) -> None:
        step = 0
        while not stop.is_set():
            step += 1
            ref = refs[(number * 7 + step) % len(refs)]
            try:
                row = record(
                    engine,
                    settings,
                    ref,
                    statuses[step % len(statuses)],
                    # As-of dates out of order, so "latest" is not simply "last written".
                    as_of=TODAY - timedelta(days=(number * 13 + step * 5) % 60),
                    narrative=f"officer {number}, update {step}",
                )
            except Conflict:
                continue
            except Exception as exc:  # any other error is a finding
                failures.append(f"officer {number}: {exc!r}")
                return
            assert row.id is not None
            acknowledged.append((row.id, time.monotonic()))

    officers = [threading.Thread(target=officer, args=(n,)) for n in range(4)]
    for thread in officers:
        thread.start()
    try:
        _wait_for(lambda: len(acknowledged) >= 30 or bool(failures))
        started = time.monotonic()
        back_up(settings=settings, engine=engine, target=tmp_path / "copy")
        finished = time.monotonic()
        _wait_for(lambda: any(at > finished for _, at in acknowledged) or bool(failures))
    finally:
        stop.set()
        for thread in officers:
            thread.join(timeout=60)
    assert not failures, failures

    promised = {update_id for update_id, at in acknowledged if at < started}
    lose_everything(engine, settings)
    restore(settings=settings, engine=engine, source=tmp_path / "copy")

    with read_session(engine) as session:
        in_copy = set(session.exec(select(StatusUpdate.id)).all())
        missing = promised - in_copy
        assert not missing, f"{len(missing)} acknowledged updates are not in the copy"
        # Nothing in the copy that no officer was told was saved.
        assert in_copy <= {update_id for update_id, _ in acknowledged}
        # One snapshot: every commitment shows the update that stands in its own history.
        for ref in refs:
            commitment = find_commitment(ref, session=session)
            standing = latest_update(commitment, session=session)
            assert standing is not None
            assert (commitment.status, commitment.status_as_of) == (
                standing.status,
                standing.as_of,
            ), ref


def _wait_for(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the officers made no progress"
        time.sleep(0.01)


@pytest.mark.skipif(not on_postgres(), reason="a PostgreSQL schema of its own")
def test_a_postgres_copy_is_restored_only_into_the_schema_it_was_taken_from(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    a_working_installation(engine, settings, tmp_path)
    back_up(settings=settings, engine=engine, target=tmp_path / "copy")
    shutil.rmtree(evidence_folder(settings))
    other = f"{postgres_schema(engine.url)}_other"
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{other}"'))
    elsewhere = make_engine(
        engine.url.update_query_dict({"options": f"-csearch_path={other}"}).render_as_string(
            hide_password=False
        )
    )
    try:
        with pytest.raises(RestoreRefused, match=f"uses {other}"):
            restore(settings=settings, engine=elsewhere, source=tmp_path / "copy")
        assert not evidence_folder(settings).exists()
    finally:
        elsewhere.dispose()
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{other}" CASCADE'))
