"""Several machines over one PostgreSQL: two `tracker serve` processes, each in a folder of its
own (as two machines would be), files kept in the database (`storage.backend = "database"`).
What one server takes in, the other serves; what the scheduler builds elsewhere, both serve; a
server killed mid-upload leaves nothing half-stored; and 20 users across both lose nothing.

These need PostgreSQL: `make test-postgres` runs them (the SQLite run skips them)."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url
from sqlmodel import select

from tracker.bench.scratch import PASSWORD
from tracker.bench.web import (
    prepare_database,
    run_web_load,
    start_server,
    stop_server,
    wait_until_healthy,
    write_config,
)
from tracker.config import load_settings
from tracker.db import make_engine, read_session, write_session
from tracker.domain import ReportFormat
from tracker.models import Evidence, MeetingCreate, Report
from tracker.scheduling.runner import Runner
from tracker.services.due import REVIEW
from tracker.services.lookup import find_mechanism
from tracker.services.meetings import add_meeting

TEMPLATES = Path(__file__).parents[2] / "templates"
PAGE = "/commitments/kr-ca-2025:7.1"

pytestmark = pytest.mark.slow  # real servers and a real PostgreSQL


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    home: Path


@pytest.fixture
def postgres_url(database_url: str) -> str:
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("several servers share one PostgreSQL database: make test-postgres runs this")
    return database_url


@pytest.fixture
def servers(postgres_url: str, tmp_path: Path) -> Iterator[list[Server]]:
    prepare_database(postgres_url, users=2)  # load00 edits the seed's commitments
    started: list[Server] = []
    try:
        for name in ("machine-a", "machine-b"):
            home = tmp_path / name
            config = write_config(home, postgres_url, TEMPLATES, storage="database")
            port = _free_port()
            server = Server(
                f"http://127.0.0.1:{port}", start_server(config, port, home / "server.log"), home
            )
            started.append(server)
            wait_until_healthy(server.process, server.url, home / "server.log")
        yield started
    finally:
        for server in started:
            stop_server(server.process)


def signed_in(server: Server) -> httpx.Client:
    client = httpx.Client(base_url=server.url, follow_redirects=False, timeout=30)
    csrf = _csrf(client.get("/login").text)
    answer = client.post(
        "/login", data={"login": "load00", "password": PASSWORD, "csrf": csrf, "next": "/"}
    )
    assert answer.status_code == 303, answer.text[:300]
    return client


def test_evidence_uploaded_through_one_server_downloads_identical_through_the_other(
    servers: list[Server],
) -> None:
    first, second = (signed_in(server) for server in servers)
    data = bytes(range(256)) * 8000  # 2 MB: several chunks
    page = first.get(PAGE).text
    saved = first.post(
        f"{PAGE}/status",
        data={"csrf": _csrf(page), "version": _version(page), "status": "in_progress"},
        files=[("files", ("훈련 결과.bin", data, "application/octet-stream"))],
    )
    assert saved.status_code == 303, saved.text[:300]
    link = re.search(r'<a href="(/evidence/\d+)">훈련 결과.bin</a>', second.get(PAGE).text)
    assert link is not None
    downloaded = second.get(link.group(1))
    assert downloaded.status_code == 200 and downloaded.content == data
    assert downloaded.headers["content-type"] == "application/octet-stream"
    assert downloaded.headers["x-content-type-options"] == "nosniff"
    assert downloaded.headers["content-disposition"].startswith("attachment")
    assert not any(path.is_file() for s in servers for path in (s.home / "var").rglob("*"))


def test_a_report_the_scheduler_built_on_a_third_machine_downloads_from_both(
    servers: list[Server], postgres_url: str, tmp_path: Path
) -> None:
    third = tmp_path / "machine-c"
    settings = load_settings(write_config(third, postgres_url, TEMPLATES, storage="database"))
    engine = make_engine(postgres_url)
    try:
        with write_session(engine) as session:
            mechanism = find_mechanism("2+2", session=session)
            assert mechanism.id is not None
            add_meeting(
                mechanism,
                MeetingCreate(mechanism_id=mechanism.id, held_on=date(2027, 10, 14)),
                session=session,
                actor="test",
                today=date(2026, 12, 1),
            )
        formats = settings.reports.model_copy(
            update={"formats": [ReportFormat.PDF, ReportFormat.HWPX]}
        )
        runner = Runner(engine=engine, settings=settings.model_copy(update={"reports": formats}))
        try:
            (outcome,) = runner.run_due(now=datetime(2027, 9, 14, 1, tzinfo=UTC), kinds=(REVIEW,))
        finally:
            runner.close()
        assert outcome.state == "done", outcome
        with read_session(engine) as session:
            reports = session.exec(select(Report)).all()
    finally:
        engine.dispose()
    assert {r.format.value for r in reports} == {"pdf", "hwpx"}
    assert not any(path.is_file() for path in third.rglob("*.pdf"))  # in the database only
    for client in (signed_in(server) for server in servers):
        for report in reports:
            downloaded = client.get(f"/reports/{report.id}/download")
            assert downloaded.status_code == 200
            assert len(downloaded.content) == report.size_bytes


def test_a_server_killed_mid_upload_leaves_no_half_file(
    servers: list[Server], postgres_url: str
) -> None:
    first, second = servers
    client = signed_in(first)
    page = client.get(PAGE).text
    body_start, total = _multipart_head(_csrf(page), _version(page), size=8_000_000)
    with socket.create_connection(("127.0.0.1", int(first.url.rsplit(":", 1)[1]))) as raw:
        cookies = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        raw.sendall(
            f"POST {PAGE}/status HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookies}\r\n"
            f"Content-Type: multipart/form-data; boundary=XBOUNDARY\r\n"
            f"Content-Length: {total}\r\n\r\n".encode()
            + body_start
            + b"x" * 4_000_000  # half the file, then the machine goes down
        )
        first.process.kill()
        first.process.wait(timeout=10)
    engine = make_engine(postgres_url)
    try:
        with read_session(engine) as session:
            assert session.exec(select(Evidence)).all() == []
    finally:
        engine.dispose()
    config = str(second.home / "config.toml")
    verified = subprocess.run(
        [sys.executable, "-m", "tracker", "--config", config, "storage", "verify"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert signed_in(second).get(PAGE).status_code == 200  # the other machine serves on


def test_twenty_users_across_both_servers_for_a_minute_lose_nothing(
    postgres_url: str, tmp_path: Path
) -> None:
    report = run_web_load(
        postgres_url, tmp_path / "load", TEMPLATES, users=20, seconds=60, think_ms=500, servers=2
    )
    shown = "\n".join(report.lines())
    assert not report.errors, shown
    assert report.lost_updates == 0 and report.unknown_saved == 0, shown
    assert report.accepted > 0, shown


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _version(html: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', html)
    assert found is not None
    return found.group(1)


def _multipart_head(csrf: str, version: str, *, size: int) -> tuple[bytes, int]:
    """The start of a status update's form with one file of `size` bytes, and the whole
    body's length."""
    fields = b"".join(
        b'--XBOUNDARY\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
        % (name.encode(), value.encode())
        for name, value in (("csrf", csrf), ("version", version), ("status", "in_progress"))
    )
    head = fields + (
        b'--XBOUNDARY\r\nContent-Disposition: form-data; name="files"; filename="big.bin"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n"
    )
    tail = b"\r\n--XBOUNDARY--\r\n"
    return head, len(head) + size + len(tail)
