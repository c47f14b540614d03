"""The web app without a browser: sign-in, CSRF, roles, updates and conflicts."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.web.helpers import PASSWORD, add_user, form_token, sign_in
from tracker.domain import DigestFrequency, Language, Role
from tracker.models import ChangeRecord, StatusUpdate, WebSession
from tracker.services.accounts import disable_account
from tracker.services.commitments import list_commitments
from tracker.services.lookup import find_officer


def test_every_page_but_sign_in_and_health_wants_a_signed_in_officer(
    app_client: TestClient,
) -> None:
    assert app_client.get("/healthz").json() == {"status": "ok"}
    for path in ("/", "/agreements", "/agreements/kr-ca-2025", "/commitments/kr-ca-2025:7.1"):
        response = app_client.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert "서비스 이용을 위해 로그인 해주세요" in app_client.get("/login").text


def test_an_officer_signs_in_updates_a_commitment_and_sees_it_in_history(
    app_client: TestClient, session: Session
) -> None:
    assert sign_in(app_client) == "/"
    page = app_client.get("/commitments/kr-ca-2025:7.1")
    assert page.status_code == 200 and "합동 작전, 연습 및 훈련 참여 확대" in page.text
    csrf, version = form_token(page.text)
    saved = app_client.post(
        "/commitments/kr-ca-2025:7.1/status",
        data={
            "csrf": csrf,
            "version": version,
            "status": "in_progress",
            "note": "<script>alert(1)</script> 1차 훈련 참관",
            "evidence": "https://www.mofa.go.kr/press/1",
        },
    )
    assert saved.status_code == 303
    after = app_client.get("/commitments/kr-ca-2025:7.1").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 1차 훈련 참관" in after
    assert "<script>alert(1)" not in after
    assert "https://www.mofa.go.kr/press/1" in after
    update = session.exec(select(StatusUpdate)).one()
    assert (update.author, update.source.value) == ("정진우", "web")


def test_a_stale_form_gets_a_conflict_and_keeps_what_was_typed(app_client: TestClient) -> None:
    sign_in(app_client)
    page = app_client.get("/commitments/kr-ca-2025:7.1").text
    csrf, version = form_token(page)
    first = {"csrf": csrf, "version": version, "status": "in_progress", "note": "첫 번째"}
    assert app_client.post("/commitments/kr-ca-2025:7.1/status", data=first).status_code == 303
    second = first | {"status": "achieved", "note": "두 번째 탭에서 입력"}
    conflict = app_client.post("/commitments/kr-ca-2025:7.1/status", data=second)
    assert conflict.status_code == 409
    assert (
        "이 화면을 연 뒤에 다른 변경이 있었습니다" in conflict.text and "첫 번째" in conflict.text
    )
    assert "두 번째 탭에서 입력" in conflict.text  # nothing typed is lost


def test_forms_without_the_csrf_token_are_refused(app_client: TestClient) -> None:
    sign_in(app_client)
    _, version = form_token(app_client.get("/commitments/kr-ca-2025:7.1").text)
    response = app_client.post(
        "/commitments/kr-ca-2025:7.1/status",
        data={"version": version, "status": "achieved", "csrf": "forged"},
    )
    assert response.status_code == 403
    login = app_client.post("/login", data={"login": "jwjung", "password": PASSWORD})
    assert login.status_code == 403


def test_an_officer_of_another_division_reads_but_cannot_edit(
    app_client: TestClient, session: Session
) -> None:
    assert sign_in(app_client, "sypark") == "/"
    page = app_client.get("/commitments/kr-ca-2025:7.1").text
    assert "수정 권한이 없습니다" in page and 'name="version"' not in page
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf is not None
    forced = app_client.post(
        "/commitments/kr-ca-2025:7.1/status",
        data={"csrf": csrf.group(1), "version": "1", "status": "achieved"},
    )
    assert forced.status_code == 403
    assert session.exec(select(StatusUpdate)).all() == []


def test_the_sign_in_throttle_engages_after_five_failures(
    app_client: TestClient, session: Session
) -> None:
    for _ in range(5):
        assert "아이디 또는 비밀번호가 올바르지 않습니다" in sign_in(
            app_client, password="wrong password!"
        )
    throttled = sign_in(app_client)  # even the right password, for a while
    assert "로그인 실패가 너무 많습니다" in throttled
    refused = session.exec(
        select(ChangeRecord).where(ChangeRecord.action == "sign-in refused")
    ).all()
    assert len(refused) == 5


def test_the_session_cookie_is_http_only_and_same_site_and_signing_out_revokes_it(
    app_client: TestClient,
) -> None:
    page = app_client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf is not None
    response = app_client.post(
        "/login", data={"login": "jwjung", "password": PASSWORD, "csrf": csrf.group(1)}
    )
    cookie = next(
        v
        for k, v in response.headers.multi_items()
        if k == "set-cookie" and v.startswith("tracker_session=")
    )
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    token = cookie.split(";", 1)[0].split("=", 1)[1]
    dashboard = app_client.get("/")
    assert dashboard.status_code == 200
    out = re.search(
        r'action="/logout"><input type="hidden" name="csrf" value="([^"]+)"', dashboard.text
    )
    assert out is not None
    assert app_client.post("/logout", data={"csrf": out.group(1)}).status_code == 303
    app_client.cookies.set("tracker_session", token)  # the old cookie, replayed
    assert app_client.get("/").status_code == 303


def test_the_web_form_takes_evidence_links_only_never_a_server_path(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client)
    csrf, version = form_token(app_client.get("/commitments/kr-ca-2025:7.1").text)
    response = app_client.post(
        "/commitments/kr-ca-2025:7.1/status",
        data={"csrf": csrf, "version": version, "status": "achieved", "evidence": "/etc/passwd"},
    )
    assert response.status_code == 400
    assert "근거는 http(s) 링크로 입력하세요" in response.text
    assert "링크가 아닌 값: /etc/passwd" in response.text
    assert session.exec(select(StatusUpdate)).all() == []


@pytest.mark.parametrize(
    ("role", "own", "expected"),
    [
        (Role.VIEWER, False, 403),
        (Role.OFFICER, False, 403),  # another division's commitment
        (Role.OFFICER, True, 303),  # their own division's
        (Role.ADMIN, False, 303),
    ],
)
def test_every_page_by_role_reads_and_only_the_rule_lets_one_edit(
    app_client: TestClient, session: Session, role: Role, own: bool, expected: int
) -> None:
    division = "북미2과" if own else "개발협력과"
    add_user(session, f"역할 {role.value}", f"user-{role.value}-{own}", role, division)
    session.commit()
    assert sign_in(app_client, f"user-{role.value}-{own}") == "/"
    for path in ("/", "/agreements", "/agreements/kr-ca-2025", "/commitments/kr-ca-2025:7.1"):
        assert app_client.get(path).status_code == 200, path
    page = app_client.get("/commitments/kr-ca-2025:7.1").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf is not None
    posted = app_client.post(
        "/commitments/kr-ca-2025:7.1/status",
        data={"csrf": csrf.group(1), "version": "1", "status": "in_progress"},
    )
    assert posted.status_code == expected


def test_disabling_an_account_signs_its_open_sessions_out(
    app_client: TestClient, session: Session
) -> None:
    assert sign_in(app_client) == "/"
    assert app_client.get("/").status_code == 200
    disable_account("JWJung", session=session, actor="admin")
    session.commit()
    assert app_client.get("/").status_code == 303  # the cookie it already had stops working
    revoked = session.exec(select(WebSession)).all()
    assert revoked and all(s.revoked_at is not None for s in revoked)
    assert "아이디 또는 비밀번호가 올바르지 않습니다" in sign_in(app_client)


def test_a_malformed_as_of_date_is_refused_in_plain_words(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client)
    csrf, version = form_token(app_client.get("/commitments/kr-ca-2025:7.1").text)
    response = app_client.post(
        "/commitments/kr-ca-2025:7.1/status",
        data={"csrf": csrf, "version": version, "status": "achieved", "as_of": "2025-13-01"},
    )
    assert response.status_code == 400
    assert "기준일이 날짜 형식(YYYY-MM-DD)이 아닙니다: 2025-13-01" in response.text
    assert "month must be" not in response.text
    assert session.exec(select(StatusUpdate)).all() == []


def test_the_web_form_takes_a_link_whatever_the_case_of_its_scheme(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client)
    csrf, version = form_token(app_client.get("/commitments/kr-ca-2025:7.1").text)
    response = app_client.post(
        "/commitments/kr-ca-2025:7.1/status",
        data={
            "csrf": csrf,
            "version": version,
            "status": "achieved",
            "evidence": "HTTPS://www.mofa.go.kr/press/2\nftp://files.example.org/x",
        },
    )
    assert response.status_code == 400
    assert "링크가 아닌 값: ftp://files.example.org/x" in response.text
    assert "HTTPS://www.mofa.go.kr/press/2\nftp://files.example.org/x" in response.text  # kept
    _, version = form_token(response.text)
    response = app_client.post(
        "/commitments/kr-ca-2025:7.1/status",
        data={
            "csrf": csrf,
            "version": version,
            "status": "achieved",
            "evidence": "HTTPS://www.mofa.go.kr/press/2",
        },
    )
    assert response.status_code == 303
    assert len(session.exec(select(StatusUpdate)).all()) == 1


def test_signing_in_returns_to_the_page_asked_for_or_the_page_a_stale_form_was_on(
    app_client: TestClient,
) -> None:
    asked = app_client.get("/agreements", params={"q": "캐나다 & co", "country": "CA"})
    assert asked.headers["location"] == (
        "/login?next=%2Fagreements%3Fq%3D%25EC%25BA%2590%25EB%2582%2598%25EB%258B%25A4"
        "%2B%2526%2Bco%26country%3DCA"
    )
    page = app_client.get(asked.headers["location"]).text
    assert (
        'name="next" value="/agreements?q=%EC%BA%90%EB%82%98%EB%8B%A4+%26+co&amp;country=CA"'
        in page
    )
    posted = app_client.post(
        "/commitments/kr-ca-2025:7.1/status",
        data={"csrf": "x", "version": "1", "status": "achieved"},
        headers={"referer": "http://testserver/commitments/kr-ca-2025:7.1"},
    )
    assert posted.status_code == 303
    assert posted.headers["location"] == "/login?next=%2Fcommitments%2Fkr-ca-2025%3A7.1"
    elsewhere = app_client.post(
        "/logout", headers={"referer": "https://evil.example/commitments/kr-ca-2025:7.1"}
    )
    assert elsewhere.headers["location"] == "/login?next=%2F"
    assert app_client.post("/logout").headers["location"] == "/login?next=%2F"


def test_pages_may_not_be_framed_sniffed_or_stored_and_there_is_no_api_schema(
    app_client: TestClient,
) -> None:
    for response in (app_client.get("/login"), app_client.get("/"), app_client.get("/nowhere")):
        assert response.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"
    assert "no-store" not in app_client.get("/healthz").headers.get("cache-control", "")
    for path in ("/openapi.json", "/docs", "/redoc"):
        assert app_client.get(path).status_code == 404, path


def test_a_malformed_form_gets_a_page_that_names_the_field_not_the_value(
    app_client: TestClient,
) -> None:
    sign_in(app_client)
    csrf, _ = form_token(app_client.get("/commitments/kr-ca-2025:7.1").text)
    response = app_client.post(
        "/commitments/kr-ca-2025:7.1/status",
        data={"csrf": csrf, "version": "<b>zzqq</b>", "status": "achieved"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "version" in response.text and "zzqq" not in response.text
    missing = app_client.post("/login", data={"csrf": "x"})
    assert missing.status_code == 400 and "login" in missing.text


def test_an_agreement_page_lists_its_tracked_commitments_only(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client)
    page = app_client.get("/agreements/kr-ca-2025").text
    tracked = list_commitments(session=session, agreement="kr-ca-2025", tracked=True)
    untracked = list_commitments(session=session, agreement="kr-ca-2025", tracked=False)
    assert tracked and untracked
    assert all(f'href="/commitments/kr-ca-2025:{c.ref}"' in page for c in tracked)
    assert not any(f'href="/commitments/kr-ca-2025:{c.ref}"' in page for c in untracked)


def test_an_officer_sets_their_mail_language_and_digest_frequency(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client)
    dashboard = app_client.get("/").text
    assert 'href="/me/settings"' in dashboard
    page = app_client.get("/me/settings")
    assert page.status_code == 200 and "이행점검 요약 메일" in page.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf is not None
    forged = app_client.post(
        "/me/settings", data={"csrf": "forged", "language": "en", "digest_frequency": "off"}
    )
    assert forged.status_code == 403
    saved = app_client.post(
        "/me/settings",
        data={"csrf": csrf.group(1), "language": "en", "digest_frequency": "off"},
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/me/settings"
    officer = find_officer("정진우", session=session)
    session.refresh(officer)
    assert (officer.language, officer.digest_frequency) == (Language.EN, DigestFrequency.OFF)
    shown = app_client.get(saved.headers["location"]).text
    assert "저장했습니다" in shown and '<option value="off" selected>' in shown
    assert "Digest e-mails" in app_client.get("/me/settings?lang=en").text
    assert (
        app_client.post(
            "/me/settings",
            data={"csrf": csrf.group(1), "language": "fr", "digest_frequency": "off"},
        ).status_code
        == 400
    )
    signed_out = TestClient(app_client.app, follow_redirects=False).get("/me/settings")
    assert signed_out.headers["location"] == "/login?next=%2Fme%2Fsettings"
