"""With the database backend, what an officer uploads or generates is served from the database:
nothing is in the folders, and every server over the same database would serve it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.storage.conftest import set_backend
from tests.web.helpers import csrf_of, form_token, sign_in
from tracker.config import Settings
from tracker.models import Evidence, Report, StoredFile

PAGE = "/commitments/kr-ca-2025:7.1"
# Larger than a chunk (4 KiB here), with bytes that are no text.
RESULT = bytes(range(256)) * 40 + b"%PDF-1.4 end"


@pytest.fixture
def config_file(config_file: Path) -> Path:
    set_backend(config_file, "database")
    return config_file


def test_an_evidence_file_uploaded_downloads_byte_identical_from_the_database(
    app_client: TestClient, session: Session, settings: Settings
) -> None:
    sign_in(app_client)
    csrf, version = form_token(app_client.get(PAGE).text)
    saved = app_client.post(
        f"{PAGE}/status",
        data={"csrf": csrf, "version": version, "status": "in_progress", "note": "결과 보고"},
        files=[("files", ("훈련 결과.pdf", RESULT, "application/pdf"))],
    )
    assert saved.status_code == 303, saved.text
    evidence = session.exec(select(Evidence)).one()
    stored = session.exec(select(StoredFile)).one()
    assert (stored.namespace, stored.key, stored.chunk_count) == (
        "evidence",
        evidence.stored_path,
        3,
    )
    evidence_folder = settings.resolve(settings.paths.evidence)
    assert not evidence_folder.exists() or not any(evidence_folder.rglob("*"))

    link = re.findall(r'<a href="(/evidence/\d+)">', app_client.get(PAGE).text)[0]
    download = app_client.get(link)
    assert download.status_code == 200
    assert download.content == RESULT
    assert download.headers["content-type"] == "application/octet-stream"
    assert download.headers["content-length"] == str(len(RESULT))
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"] == (
        "attachment; filename=\"report.pdf\"; filename*=UTF-8''"
        "%ED%9B%88%EB%A0%A8%20%EA%B2%B0%EA%B3%BC.pdf"
    )


def test_a_missing_database_evidence_file_is_a_404_page(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client)
    csrf, version = form_token(app_client.get(PAGE).text)
    app_client.post(
        f"{PAGE}/status",
        data={"csrf": csrf, "version": version, "status": "in_progress", "note": "결과 보고"},
        files=[("files", ("memo.txt", b"memo", "text/plain"))],
    )
    session.delete(session.exec(select(StoredFile)).one())
    session.commit()
    evidence = session.exec(select(Evidence)).one()
    gone = app_client.get(f"/evidence/{evidence.id}")
    assert gone.status_code == 404 and "memo.txt" in gone.text


def test_a_report_generated_is_kept_in_the_database_and_downloads(
    app_client: TestClient, session: Session, settings: Settings
) -> None:
    sign_in(app_client)
    page = app_client.get("/reports")
    form = {
        "csrf": csrf_of(page.text),
        "agreement": "kr-ca-2025",
        "kind": "review",
        "language": "ko",
        "cycle": "current",
        "formats_offered": "yes",
        "formats": ["docx"],
    }
    made = app_client.post("/reports/generate", data=form)
    assert made.status_code == 303, made.text
    report = session.exec(select(Report)).one()
    stored = session.exec(select(StoredFile)).one()
    assert (stored.namespace, stored.key, stored.sha256) == ("reports", report.path, report.sha256)
    reports_folder = settings.resolve(settings.paths.reports)
    assert not reports_folder.exists() or not any(reports_folder.rglob("*"))

    listed = app_client.get("/reports").text
    assert f'href="/reports/{report.id}/download"' in listed and "파일 없음" not in listed
    download = app_client.get(f"/reports/{report.id}/download")
    assert download.status_code == 200
    assert download.content.startswith(b"PK") and len(download.content) == report.size_bytes
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"].startswith('attachment; filename="kr-ca-2025_')

    session.delete(stored)
    session.commit()
    assert "파일 없음" in app_client.get("/reports").text
    assert app_client.get(f"/reports/{report.id}/download").status_code == 404
