"""Fixtures of the storage tests: a store of each backend over the test's database and folder,
and an installation whose config file chooses the database backend."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.web.conftest import app_client, web_accounts, web_client  # noqa: F401
from tracker.domain import EvidenceKind
from tracker.models import Commitment, Evidence, StatusUpdate
from tracker.storage import FileStore, Namespace
from tracker.storage.database import DatabaseStore
from tracker.storage.filesystem import FilesystemStore

SMALL_CHUNK = 4096  # the least chunk size the settings take


@pytest.fixture(params=["filesystem", "database"])
def store(request: pytest.FixtureRequest, engine: Engine, tmp_path: Path) -> FileStore:
    """The evidence store of each backend, in small chunks so files span several."""
    if request.param == "database":
        return DatabaseStore(engine, Namespace.EVIDENCE, chunk_bytes=SMALL_CHUNK)
    return FilesystemStore(tmp_path / "evidence", Namespace.EVIDENCE, chunk_bytes=SMALL_CHUNK)


def set_backend(config_file: Path, backend: str, chunk_bytes: int = SMALL_CHUNK) -> None:
    """The config file with its [storage] section (re)written to `backend`."""
    text = config_file.read_text(encoding="utf-8").split("[storage]")[0]
    config_file.write_text(
        f'{text}[storage]\nbackend = "{backend}"\nchunk_bytes = {chunk_bytes}\n', encoding="utf-8"
    )


@pytest.fixture
def database_backend(config_file: Path) -> Iterator[Path]:
    set_backend(config_file, "database")
    yield config_file


def evidence_rows(
    session: Session, files: dict[str, bytes], *, commitment: Commitment
) -> list[Evidence]:
    """One status update with an evidence row naming each file (key -> bytes), as
    `store_evidence` records them."""
    assert commitment.id is not None
    update = StatusUpdate(
        commitment_id=commitment.id,
        status="in_progress",
        as_of=date(2026, 1, 5),
        author="테스트",
        commitment_version=commitment.version,
    )
    session.add(update)
    session.flush()
    assert update.id is not None
    rows = [
        Evidence(
            status_update_id=update.id,
            kind=EvidenceKind.FILE,
            file_name=f"file-{number}.txt",
            stored_path=key,
            sha256=hashlib.sha256(data).hexdigest(),
            size_bytes=len(data),
        )
        for number, (key, data) in enumerate(files.items())
    ]
    session.add_all(rows)
    session.commit()
    return rows
