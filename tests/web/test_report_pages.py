"""The reports pages: the registry, downloads, and generating a report from the web."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.reports.conftest import pdf_text
from tests.web.helpers import another_client, csrf_of, sign_in
from tracker.config import Settings
from tracker.domain import Language, ReportKind
from tracker.models import Agreement, Report
from tracker.reports.render import RenderedPdf, RenderFailed
from tracker.web.app import create_app
from tracker.web.rendering import STATE_NAME, SharedRenderer, renderer_for
from tracker.web.routes.reports import attachment

TITLE = "한-캐나다 안보·국방 협력 파트너십 수립"


def review_form(csrf: str, **changes: str) -> dict[str, str]:
    return {
        "csrf": csrf,
        "agreement": "kr-ca-2025",
        "kind": "review",
        "language": "ko",
        "cycle": "current",
    } | changes


def add_report_row(session: Session, path: str) -> Report:
    agreement = session.exec(select(Agreement)).one()
    report = Report(
        kind=ReportKind.REVIEW,
        language=Language.KO,
        agreement_id=agreement.id,
        subject=f"kr-ca-2025/test-{path}",
        path=path,
        sha256="0" * 64,
        size_bytes=2048,
        pages=3,
        generated_by="테스트",
    )
    session.add(report)
    session.commit()
    return report


@pytest.mark.slow  # starts the renderer process and renders a real review PDF: seconds
def test_an_officer_generates_a_review_that_a_viewer_lists_and_downloads_but_cannot_make(
    app_client: TestClient, session: Session, settings: Settings, tmp_path: Path
) -> None:
    assert sign_in(app_client) == "/"
    page = app_client.get("/reports")
    assert page.status_code == 200 and "생성된 보고서가 없습니다" in page.text
    assert 'action="/reports/generate"' in page.text
    made = app_client.post("/reports/generate", data=review_form(csrf_of(page.text)))
    assert made.status_code == 303, made.text
    report = session.exec(select(Report)).one()
    assert made.headers["location"] == f"/reports?new={report.id}#report-{report.id}"
    assert report.generated_by == "정진우" and report.kind is ReportKind.REVIEW

    listed = app_client.get(made.headers["location"]).text
    assert f'<tr id="report-{report.id}" class="new-report" aria-current="true">' in listed
    assert TITLE in listed and "이행점검 보고서" in listed and "v1" in listed
    assert "제1주기" in listed and "한국 시간" in listed
    local = report.generated_at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
    assert local in listed
    assert f'href="/reports/{report.id}/download"' in listed
    filtered = app_client.get("/reports", params={"agreement": "kr-ca-2025"}).text
    assert f'id="report-{report.id}"' in filtered

    download = app_client.get(f"/reports/{report.id}/download")
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")
    disposition = download.headers["content-disposition"]
    stem = Path(report.path).name
    assert disposition == (
        f"attachment; filename=\"kr-ca-2025_{stem}\"; filename*=UTF-8''kr-ca-2025_{stem}"
    )
    saved = tmp_path / "downloaded.pdf"
    saved.write_bytes(download.content)
    assert TITLE in pdf_text(saved, layout=True)

    viewer = another_client(app_client)
    assert sign_in(viewer, "viewer") == "/"
    seen = viewer.get("/reports")
    assert seen.status_code == 200 and f'id="report-{report.id}"' in seen.text
    assert 'action="/reports/generate"' not in seen.text
    assert viewer.get(f"/reports/{report.id}/download").content == download.content
    refused = viewer.post("/reports/generate", data=review_form(csrf_of(seen.text)))
    assert refused.status_code == 403
    assert len(session.exec(select(Report)).all()) == 1

    folder = settings.resolve(settings.paths.reports)
    (folder / report.path).unlink()
    assert "파일 없음" in app_client.get("/reports").text
    gone = app_client.get(f"/reports/{report.id}/download")
    assert gone.status_code == 404 and "파일이 보고서 폴더에 없습니다" in gone.text


def test_a_download_outside_the_reports_folder_or_of_a_missing_file_is_a_404(
    app_client: TestClient, session: Session, settings: Settings, tmp_path: Path
) -> None:
    folder = settings.resolve(settings.paths.reports)
    (folder / "kr-ca-2025").mkdir(parents=True)
    secret = tmp_path / "outside.pdf"
    secret.write_bytes(b"%PDF-1.7 not for the web")
    escaping = add_report_row(session, "../outside.pdf")
    absolute = add_report_row(session, str(secret))
    missing = add_report_row(session, "kr-ca-2025/2027-10-14_review-cycle-09_ko_v01.pdf")
    sign_in(app_client)
    for report in (escaping, absolute):
        response = app_client.get(f"/reports/{report.id}/download")
        assert response.status_code == 404
        assert "보고서 폴더 밖에 저장되어" in response.text
        assert str(tmp_path) not in response.text  # no server path shown
    response = app_client.get(f"/reports/{missing.id}/download")
    assert response.status_code == 404 and "파일이 보고서 폴더에 없습니다" in response.text
    assert app_client.get("/reports/999/download").status_code == 404
    listed = app_client.get("/reports").text
    assert listed.count("파일 없음") == 3 and "/download" not in listed


def test_generating_needs_the_csrf_token_and_a_signed_in_officer(
    app_client: TestClient, session: Session
) -> None:
    signed_out = app_client.post("/reports/generate", data=review_form("x"))
    assert signed_out.status_code == 303 and signed_out.headers["location"].startswith("/login")
    sign_in(app_client)
    without = {k: v for k, v in review_form("").items() if k != "csrf"}
    assert app_client.post("/reports/generate", data=without).status_code == 403
    assert app_client.post("/reports/generate", data=review_form("forged")).status_code == 403
    assert session.exec(select(Report)).all() == []


def test_a_refused_report_is_one_line_and_keeps_the_form(
    app_client: TestClient, session: Session, settings: Settings
) -> None:
    sign_in(app_client)
    csrf = csrf_of(app_client.get("/reports").text)
    unknown = app_client.post("/reports/generate", data=review_form(csrf, agreement="kr-xx-1999"))
    assert unknown.status_code == 400
    assert "없는 합의문서입니다: &#39;kr-xx-1999&#39;" in unknown.text
    no_cycle = app_client.post("/reports/generate", data=review_form(csrf, cycle="9"))
    assert no_cycle.status_code == 400 and '<option value="9" selected>' in no_cycle.text
    brief = app_client.post(
        "/reports/generate", data=review_form(csrf, kind="brief", language="en", meeting="")
    )
    assert brief.status_code == 400 and "브리핑할 회의를 입력하세요" in brief.text
    assert '<option value="brief" selected>' in brief.text
    assert '<option value="en" selected>' in brief.text
    bad_kind = app_client.post("/reports/generate", data=review_form(csrf, kind="memo"))
    assert bad_kind.status_code == 400
    assert session.exec(select(Report)).all() == []
    folder = settings.resolve(settings.paths.reports)
    assert not folder.exists() or not any(folder.rglob("*.pdf"))


class FakeRenderer:
    def __init__(self, *, fail: bool = False, seconds: float = 0.0) -> None:
        self.fail = fail
        self.seconds = seconds
        self.closed = False
        self.busy = False
        self.overlapped = False

    def render(self, html: str) -> RenderedPdf:
        if self.busy:
            self.overlapped = True
        self.busy = True
        try:
            time.sleep(self.seconds)
            if self.fail:
                raise RenderFailed("rendering took longer than 1 s; nothing was written")
            return RenderedPdf(b"%PDF-1.7 fake", 1, self.seconds, 1.0)
        finally:
            self.busy = False

    def close(self) -> None:
        self.closed = True


def test_a_renderer_failure_is_a_503_and_writes_nothing(
    app_client: TestClient, session: Session, settings: Settings
) -> None:
    failing = FakeRenderer(fail=True)
    setattr(
        app_client.app.state,  # type: ignore[attr-defined]
        STATE_NAME,
        SharedRenderer(lambda: failing, wait_seconds=5),
    )
    sign_in(app_client)
    csrf = csrf_of(app_client.get("/reports").text)
    response = app_client.post("/reports/generate", data=review_form(csrf))
    assert response.status_code == 503
    assert "rendering took longer than 1 s; nothing was written" in response.text
    assert session.exec(select(Report)).all() == []
    folder = settings.resolve(settings.paths.reports)
    assert not folder.exists() or not any(folder.rglob("*"))


def test_one_renderer_per_app_made_on_first_use_taking_turns_and_closed_at_shutdown(
    settings: Settings, engine: Engine
) -> None:
    app = create_app(settings, engine=engine)
    made: list[FakeRenderer] = []

    def factory() -> FakeRenderer:
        made.append(FakeRenderer(seconds=0.05))
        return made[-1]

    with TestClient(app):
        holder = renderer_for(app, settings)
        assert renderer_for(app, settings) is holder and not holder.started
        setattr(app.state, STATE_NAME, SharedRenderer(factory, wait_seconds=5))
        holder = renderer_for(app, settings)
        threads = [threading.Thread(target=holder.render, args=("<p>x</p>",)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(made) == 1 and not made[0].overlapped
        assert not made[0].closed
    assert made[0].closed and not holder.started


def test_the_attachment_header_has_an_ascii_fallback_and_the_exact_name() -> None:
    assert attachment("보고서 2027.pdf") == (
        "attachment; filename=\"2027.pdf\"; filename*=UTF-8''%EB%B3%B4%EA%B3%A0%EC%84%9C%202027.pdf"
    )
    assert attachment('a"b\\c.pdf').startswith('attachment; filename="a_b_c.pdf";')
    assert attachment("한글.pdf").startswith('attachment; filename="report.pdf";')


def test_the_registry_pages_newest_first_and_the_form_offers_my_agreements_first(
    app_client: TestClient, session: Session
) -> None:
    made = [add_report_row(session, f"r{number}.pdf").id for number in range(7)]
    sign_in(app_client)
    seen: list[int] = []
    url: str | None = "/reports?limit=3"
    while url is not None:
        page = app_client.get(url).text
        seen += [int(i) for i in re.findall(r'<tr id="report-(\d+)"', page)]
        found = re.search(r'<a rel="next" href="([^"]+)"', page)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert seen == sorted(made, reverse=True)  # each once, newest first, over three pages
    form = app_client.get("/reports").text
    assert '<datalist id="agreement-keys"><option value="kr-ca-2025">' in form
    assert app_client.get("/reports?cursor=bogus").status_code == 400


def test_an_officer_makes_the_review_for_hangul_and_word_and_downloads_each(
    app_client: TestClient, session: Session, settings: Settings
) -> None:
    sign_in(app_client)
    page = app_client.get("/reports")
    assert 'name="formats" value="pdf" checked' in page.text  # reports.formats: ["pdf"]
    form = review_form(csrf_of(page.text), formats_offered="yes")
    made = app_client.post("/reports/generate", data=form | {"formats": ["hwpx", "docx"]})
    assert made.status_code == 303, made.text
    hwpx, docx = session.exec(select(Report).order_by(Report.id)).all()  # type: ignore[arg-type]
    assert (hwpx.format, docx.format, hwpx.version, docx.version) == ("hwpx", "docx", 1, 1)

    listed = app_client.get(made.headers["location"]).text
    # One row for the generation, named by its first file, with a download per format.
    assert made.headers["location"] == f"/reports?new={hwpx.id}#report-{hwpx.id}"
    row = listed.split(f'<tr id="report-{hwpx.id}" class="new-report"', 1)[1].split("</tr>")[0]
    assert f'<tr id="report-{docx.id}"' not in listed
    assert row.index("한글(HWPX)") < row.index("워드(DOCX)")
    assert (
        f'href="/reports/{hwpx.id}/download"' in row
        and f'href="/reports/{docx.id}/download"' in row
    )

    for report, media_type in (
        (hwpx, "application/hwp+zip"),
        (docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ):
        download = app_client.get(f"/reports/{report.id}/download")
        assert download.status_code == 200
        assert download.headers["content-type"] == media_type
        assert download.headers["x-content-type-options"] == "nosniff"
        disposition = download.headers["content-disposition"]
        assert disposition.startswith('attachment; filename="kr-ca-2025_2027-10-30_review-cycle')
        assert disposition.endswith(f"_v01.{report.format}")
        assert (
            download.content
            == (settings.resolve(settings.paths.reports) / report.path).read_bytes()
        )


def test_a_form_with_no_format_ticked_is_refused_and_writes_nothing(
    app_client: TestClient, session: Session, settings: Settings
) -> None:
    sign_in(app_client)
    csrf = csrf_of(app_client.get("/reports").text)
    refused = app_client.post("/reports/generate", data=review_form(csrf, formats_offered="yes"))
    assert refused.status_code == 400
    assert 'id="formats-error">파일 형식을 하나 이상 고르세요.</p>' in refused.text
    assert 'name="formats" value="pdf" checked' not in refused.text  # the form as it was sent
    unknown = app_client.post(
        "/reports/generate", data=review_form(csrf, formats_offered="yes") | {"formats": "odt"}
    )
    assert unknown.status_code == 400 and "알 수 없는 파일 형식입니다: odt" in unknown.text
    assert session.exec(select(Report)).all() == []
    folder = settings.resolve(settings.paths.reports)
    assert not folder.exists() or not any(folder.rglob("*"))
