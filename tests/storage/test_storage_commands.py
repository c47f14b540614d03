"""`tracker storage migrate` moves every file with checks and can be run again after an
interruption; `tracker storage verify` finds what is missing or corrupt."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col
from sqlmodel import select as rows_of

from tests.conftest import Cli
from tests.storage.conftest import evidence_rows, set_backend
from tracker.config import Settings, load_settings
from tracker.domain import Language, ReportKind
from tracker.models import Agreement, Commitment, Report, StoredFile
from tracker.storage import Storage, storage_of
from tracker.storage.moving import move_files


def evidence_key(data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    return f"{digest[:2]}/{digest}"


def a_commitment(session: Session) -> Commitment:
    first = session.exec(rows_of(Commitment).order_by(col(Commitment.id))).first()
    assert first is not None
    return first


def add_report(session: Session, key: str, data: bytes) -> Report:
    agreement = session.exec(rows_of(Agreement)).one()
    report = Report(
        kind=ReportKind.REVIEW,
        language=Language.KO,
        agreement_id=agreement.id,
        subject=f"kr-ca-2025/{key}",
        path=key,
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        pages=1,
        generated_by="테스트",
    )
    session.add(report)
    session.commit()
    return report


def stores(config_file: Path, backend: str, engine: Engine) -> Storage:
    return storage_of(backend, load_settings(config_file), engine)


@pytest.fixture
def kept(seed: Agreement, session: Session, settings: Settings, engine: Engine) -> dict[str, bytes]:
    """1,000 evidence files and three reports in the folders, each named by a row."""
    files = {}
    folders = storage_of("filesystem", settings, engine)
    for number in range(1000):
        data = f"근거 {number}\n".encode() * (1 + number % 7)
        files[evidence_key(data)] = data
        folders.evidence.put(evidence_key(data), data)
    evidence_rows(session, files, commitment=a_commitment(session))
    for number in range(3):
        key = f"kr-ca-2025/2027-10-30_review-cycle-01_ko_v{number + 1:02d}.docx"
        data = f"PK report {number}".encode() * 2000
        folders.reports.put(key, data)
        add_report(session, key, data)
    return files


def test_migrating_1000_files_there_and_back_loses_nothing(
    cli: Cli,
    config_file: Path,
    settings: Settings,
    engine: Engine,
    kept: dict[str, bytes],
    session: Session,
) -> None:
    there = cli("storage", "migrate", "--to", "database")
    assert there.exit_code == 0, there.output
    assert "1,000 moved, 0 already there (skipped), 0 refused" in there.output
    assert "3 moved" in there.output
    assert 'set backend = "database" under [storage]' in there.output
    evidence_folder = settings.resolve(settings.paths.evidence)
    assert not [p for p in evidence_folder.rglob("*") if p.is_file()]
    database = stores(config_file, "database", engine)
    assert database.evidence.read_bytes(next(iter(kept))) == kept[next(iter(kept))]
    set_backend(config_file, "database")
    clean = cli("storage", "verify")
    assert clean.exit_code == 0, clean.output
    assert "1,003 files checked in the database store" in clean.output

    back = cli("storage", "migrate", "--to", "filesystem")
    assert back.exit_code == 0, back.output
    assert "1,000 moved" in back.output and "already says" not in back.output
    assert session.execute(select(func.count()).select_from(StoredFile)).scalar_one() == 0
    set_backend(config_file, "filesystem")
    assert "1,003 files checked in the filesystem store" in cli("storage", "verify").output
    folders = stores(config_file, "filesystem", engine)
    assert all(folders.evidence.read_bytes(key) == data for key, data in kept.items())


@pytest.mark.parametrize("backend", ["filesystem", "database"])
def test_verify_lists_a_corrupt_and_a_missing_file_and_exits_1(
    cli: Cli, config_file: Path, engine: Engine, seed: Agreement, session: Session, backend: str
) -> None:
    set_backend(config_file, backend)
    storage = stores(config_file, backend, engine)
    files = {evidence_key(data): data for data in (b"minutes", b"photo", b"letter")}
    evidence_rows(session, files, commitment=a_commitment(session))
    report_key = "kr-ca-2025/2027-10-30_review-cycle-01_ko_v01.pdf"
    add_report(session, report_key, b"%PDF report")  # never written: missing
    for key, data in files.items():
        storage.evidence.put(key, data)
    damaged, _, intact = files
    if backend == "filesystem":
        storage.evidence.path(damaged).write_bytes(b"minutes, edited by hand")  # type: ignore[attr-defined]
    else:
        session.execute(
            text(
                "UPDATE stored_chunk SET data = :data WHERE file_id = "
                "(SELECT id FROM stored_file WHERE key = :key)"
            ),
            {"data": b"minutes, edited by hand", "key": damaged},
        )
        session.commit()
    found = cli("storage", "verify")
    assert found.exit_code == 1, found.output
    lines = found.output.splitlines()
    assert f"missing: reports/{report_key} (report 1)" in lines
    assert any(line.startswith(f"corrupt: evidence/{damaged} (evidence 1)") for line in lines)
    assert not any(intact in line for line in lines)
    assert f"4 files checked in the {backend} store: 1 missing, 1 corrupt." in lines


def test_an_interrupted_migration_carries_on_and_never_duplicates(
    cli: Cli, config_file: Path, engine: Engine, kept: dict[str, bytes], session: Session
) -> None:
    source = stores(config_file, "filesystem", engine)
    target = stores(config_file, "database", engine)
    keys = list(kept)
    # Killed while copying the 301st file: its transaction never committed.
    real_put = target.evidence.put
    calls = 0

    def put_then_die(key: str, data: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls > 300:
            raise KeyboardInterrupt
        return real_put(key, data, **kwargs)  # type: ignore[arg-type]

    target.evidence.put = put_then_die  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        move_files(source, target)
    # And one more copied whose original was not yet removed when it died.
    straggler = next(key for key in keys if source.evidence.exists(key))
    real_put(straggler, kept[straggler])

    resumed = cli("storage", "migrate", "--to", "database")
    assert resumed.exit_code == 0, resumed.output
    assert "699 moved, 1 already there (skipped), 0 refused" in resumed.output
    assert target.evidence.present(keys) == set(keys)
    assert not list(source.evidence.keys()) and not list(source.reports.keys())
    counted = session.execute(
        select(StoredFile.namespace, func.count()).group_by(StoredFile.namespace)  # type: ignore[arg-type]
    ).all()
    assert sorted(tuple(row) for row in counted) == [("evidence", 1000), ("reports", 3)]
    set_backend(config_file, "database")
    assert cli("storage", "verify").exit_code == 0


def test_a_file_the_target_holds_with_other_bytes_is_refused_and_left_alone(
    cli: Cli, config_file: Path, engine: Engine, seed: Agreement
) -> None:
    source = stores(config_file, "filesystem", engine)
    target = stores(config_file, "database", engine)
    source.reports.put("kr-ca-2025/review_v01.pdf", b"the folder's")
    target.reports.put("kr-ca-2025/review_v01.pdf", b"the database's")
    refused = cli("storage", "migrate", "--to", "database")
    assert refused.exit_code == 1
    assert "refused reports/kr-ca-2025/review_v01.pdf: the target already holds other bytes" in (
        refused.output
    )
    assert source.reports.read_bytes("kr-ca-2025/review_v01.pdf") == b"the folder's"
    assert target.reports.read_bytes("kr-ca-2025/review_v01.pdf") == b"the database's"
