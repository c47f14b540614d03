"""With the database backend the scheduler's reports are rows: any server serves them."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.storage.conftest import set_backend
from tests.web.helpers import sign_in
from tracker.config import Settings
from tracker.domain import ReportFormat
from tracker.models import MeetingCreate, Report, StoredFile
from tracker.scheduling.runner import Runner
from tracker.services.due import REVIEW
from tracker.services.lookup import find_mechanism
from tracker.services.meetings import add_meeting


@pytest.fixture
def config_file(config_file: Path) -> Path:
    set_backend(config_file, "database")
    return config_file


def test_a_report_the_scheduler_builds_is_kept_in_the_database_and_downloads(
    app_client: TestClient, session: Session, engine: Engine, settings: Settings
) -> None:
    mechanism = find_mechanism("2+2", session=session)
    assert mechanism.id is not None
    add_meeting(
        mechanism,
        MeetingCreate(mechanism_id=mechanism.id, held_on=date(2027, 10, 14)),
        session=session,
        actor="test",
        today=date(2026, 11, 26),
    )
    session.commit()
    formats = settings.reports.model_copy(update={"formats": [ReportFormat.HWPX]})
    runner = Runner(engine=engine, settings=settings.model_copy(update={"reports": formats}))
    try:
        (outcome,) = runner.run_due(
            now=datetime(2027, 9, 14, 9, tzinfo=ZoneInfo("Asia/Seoul")), kinds=(REVIEW,)
        )
    finally:
        runner.close()
    assert outcome.state == "done", outcome
    report = session.exec(select(Report).order_by(col(Report.id))).one()
    assert outcome.result == f"database:reports/{report.path}"
    stored = session.exec(select(StoredFile)).one()
    assert (stored.key, stored.sha256) == (report.path, report.sha256)
    folder = settings.resolve(settings.paths.reports)
    assert not folder.exists() or not any(folder.rglob("*"))

    sign_in(app_client)
    download = app_client.get(f"/reports/{report.id}/download")
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/hwp+zip"
    assert len(download.content) == report.size_bytes and download.content.startswith(b"PK")
