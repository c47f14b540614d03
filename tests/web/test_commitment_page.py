"""The commitment page: its clause, evidence files, and the assessment of the open cycle."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.web.helpers import form_token, sign_in
from tracker.models import Assessment, Evidence, StatusUpdate

PAGE = "/commitments/kr-ca-2025:7.1"


@pytest.fixture
def config_file(config_file: Path) -> Path:
    """This module's installation takes evidence files of up to 1 KiB, requests up to 8 KiB."""
    with config_file.open("a", encoding="utf-8") as config:
        config.write("[evidence]\nmax_bytes = 1024\n[web]\nmax_request_bytes = 8192\n")
    return config_file


def test_the_commitment_is_marked_inside_the_verbatim_text_of_its_clause(
    app_client: TestClient,
) -> None:
    sign_in(app_client)
    page = app_client.get(PAGE).text
    assert "<mark>합동 작전, 연습 및 훈련 참여 확대</mark>" in page
    assert "대북 제재 이행 감시 관련 긴밀한 협력" in page  # the rest of clause 7 around it
    assert 'href="/agreements/kr-ca-2025#clause-7"' in page


def test_an_officer_attaches_files_and_readers_download_them(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client)
    csrf, version = form_token(app_client.get(PAGE).text)
    saved = app_client.post(
        f"{PAGE}/status",
        data={"csrf": csrf, "version": version, "status": "in_progress", "note": "결과 보고"},
        files=[
            ("files", ("../../훈련 결과.pdf", b"%PDF-1.4 result", "application/pdf")),
            ("files", ("memo.html", b"<script>alert(1)</script>", "text/html")),
        ],
    )
    assert saved.status_code == 303
    page = app_client.get(PAGE).text
    links = re.findall(r'<a href="(/evidence/\d+)">([^<]+)</a>', page)
    assert [name for _, name in links] == ["훈련 결과.pdf", "memo.html"]  # no path kept
    pdf = app_client.get(links[0][0])
    assert pdf.content == b"%PDF-1.4 result"
    assert pdf.headers["content-disposition"].startswith("attachment")
    html = app_client.get(links[1][0])  # never served as a page of this site
    assert html.headers["content-type"] == "application/octet-stream"
    assert "attachment" in html.headers["content-disposition"]
    assert len(session.exec(select(Evidence)).all()) == 2


def test_a_file_over_the_limit_is_refused_and_nothing_is_saved(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client)
    csrf, version = form_token(app_client.get(PAGE).text)
    refused = app_client.post(
        f"{PAGE}/status",
        data={"csrf": csrf, "version": version, "status": "in_progress", "note": "큰 파일"},
        files=[("files", ("big.bin", b"x" * 2048, "application/octet-stream"))],
    )
    assert refused.status_code == 400
    assert "근거 파일이 한도(1,024바이트)를 넘습니다: big.bin" in refused.text
    assert "큰 파일" in refused.text  # the note typed is still in the form
    assert session.exec(select(StatusUpdate)).all() == []


def test_an_empty_file_is_refused_by_name(app_client: TestClient, session: Session) -> None:
    sign_in(app_client)
    csrf, version = form_token(app_client.get(PAGE).text)
    refused = app_client.post(
        f"{PAGE}/status",
        data={"csrf": csrf, "version": version, "status": "in_progress"},
        files=[("files", ("빈 파일.txt", b"", "text/plain"))],
    )
    assert refused.status_code == 400 and "빈 근거 파일입니다: 빈 파일.txt" in refused.text
    assert session.exec(select(StatusUpdate)).all() == []


def test_an_officer_assesses_the_open_cycle_and_a_score_needs_a_rationale(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client)
    csrf, version = form_token(app_client.get(PAGE).text)
    bare = app_client.post(
        f"{PAGE}/assessment", data={"csrf": csrf, "version": version, "score": "0"}
    )
    assert bare.status_code == 400 and "평가 근거를 입력하세요." in bare.text
    saved = app_client.post(
        f"{PAGE}/assessment",
        data={"csrf": csrf, "version": version, "score": "0", "rationale": "1회 훈련만 참가"},
    )
    assert saved.status_code == 303
    page = app_client.get(PAGE).text
    assert "점검 주기 1: <strong>0 부분 이행</strong> — 1회 훈련만 참가" in page
    assert '<option value="0" selected>' in page
    stale = app_client.post(
        f"{PAGE}/assessment",
        data={"csrf": csrf, "version": version, "score": "+1", "rationale": "다른 탭"},
    )
    assert stale.status_code == 409 and "다른 탭" in stale.text
    assert [a.score for a in session.exec(select(Assessment)).all()] == [0]


def test_a_reader_of_another_division_sees_no_forms_and_cannot_assess(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client, "sypark")
    page = app_client.get(PAGE).text
    assert 'action="/commitments/kr-ca-2025:7.1/assessment"' not in page
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf is not None
    forced = app_client.post(
        f"{PAGE}/assessment",
        data={"csrf": csrf.group(1), "version": "1", "score": "+1", "rationale": "x"},
    )
    assert forced.status_code == 403
    assert session.exec(select(Assessment)).all() == []


def test_a_request_over_the_size_limit_is_refused_before_it_is_read(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client)
    csrf, version = form_token(app_client.get(PAGE).text)
    refused = app_client.post(
        f"{PAGE}/status",
        data={"csrf": csrf, "version": version, "status": "in_progress"},
        files=[("files", ("huge.bin", b"x" * 10_000, "application/octet-stream"))],
        headers={"referer": f"http://testserver{PAGE}"},
    )
    assert refused.status_code == 413
    assert "요청이 한도(8,192바이트)를 넘습니다." in refused.text
    assert f'href="{PAGE}"' in refused.text  # the way back, to the page it came from
    assert session.exec(select(StatusUpdate)).all() == []
