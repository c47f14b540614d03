"""The JSON API under /api: bearer tokens, the one role rule, conflicts, the OpenAPI schema."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.web.helpers import sign_in
from tracker.models import Account, ApiToken, StatusUpdate
from tracker.services.accounts import disable_account
from tracker.services.tokens import digest, issue_token, revoke_token

ITEM = "/api/commitments/kr-ca-2025:7.1"


@dataclass(frozen=True)
class Tokens:
    owner: str  # 정진우, 북미2과, who owns kr-ca-2025:7.1
    other: str  # an officer of another division
    viewer: str
    admin: str


@pytest.fixture
def tokens(session: Session, web_accounts: dict[str, Account]) -> Tokens:
    """An API token named "test" for each of the shared accounts."""
    issued = {
        login: issue_token(account, "test", session=session, actor="t")[1]
        for login, account in web_accounts.items()
    }
    session.commit()
    return Tokens(issued["jwjung"], issued["sypark"], issued["viewer"], issued["admin"])


@pytest.fixture
def client(tokens: Tokens, web_client: TestClient) -> TestClient:
    return web_client


def bearer(token: str, language: str = "en") -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept-Language": language}


def post_status(
    client: TestClient, token: str, version: int, **fields: object
) -> tuple[int, dict[str, object]]:
    body = {"status": "in_progress", "expected_version": version, **fields}
    response = client.post(f"{ITEM}/status", json=body, headers=bearer(token))
    return response.status_code, response.json()


def test_without_a_valid_token_every_endpoint_answers_401_in_json(
    client: TestClient, tokens: Tokens
) -> None:
    for path in ("/api/agreements", "/api/commitments", ITEM, "/api/meetings", "/api/me"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["code"] == "api.no_token"
        assert "Authorization: Bearer" in response.json()["message"]
    for header in ("Bearer trk_not-a-token", f"Basic {tokens.owner}", tokens.owner):
        response = client.get("/api/me", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.headers["www-authenticate"] == "Bearer"
    refused = client.post(f"{ITEM}/status", json={"status": "achieved", "expected_version": 1})
    assert refused.status_code == 401


def test_a_revoked_token_is_refused(client: TestClient, tokens: Tokens, session: Session) -> None:
    assert client.get("/api/me", headers=bearer(tokens.owner)).status_code == 200
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == digest(tokens.owner))).one()
    assert row.id is not None
    revoke_token(row.id, session=session, actor="admin")
    session.commit()
    response = client.get("/api/me", headers=bearer(tokens.owner))
    assert response.status_code == 401
    assert response.json() == {
        "code": "api.bad_token",
        "message": "the API token is unknown or revoked, or its account is disabled",
        "fields": {},
    }


def test_a_disabled_accounts_token_is_refused(
    client: TestClient, tokens: Tokens, session: Session
) -> None:
    assert client.get("/api/commitments", headers=bearer(tokens.owner)).status_code == 200
    disable_account("jwjung", session=session, actor="admin")
    session.commit()
    assert client.get("/api/commitments", headers=bearer(tokens.owner)).status_code == 401


def test_me_says_who_the_token_acts_for_and_records_its_use(
    client: TestClient, tokens: Tokens, session: Session
) -> None:
    me = client.get("/api/me", headers=bearer(tokens.owner))
    assert me.status_code == 200 and me.headers["cache-control"] == "no-store"
    body = me.json()
    assert (body["login"], body["role"], body["officer"]["name"]) == ("jwjung", "officer", "정진우")
    assert body["officer"]["division"] == "북미2과" and "token_hash" not in body["token"]
    used = session.exec(select(ApiToken).where(ApiToken.name == "test")).all()
    assert sum(1 for t in used if t.last_used_at is not None) == 1


def test_a_viewer_reads_everything_but_may_not_record_a_status(
    client: TestClient, tokens: Tokens, session: Session
) -> None:
    headers = bearer(tokens.viewer)
    agreements = client.get("/api/agreements", headers=headers, params={"country": "캐나다"})
    assert agreements.status_code == 200
    assert [a["key"] for a in agreements.json()] == ["kr-ca-2025"]
    assert (
        client.get("/api/agreements", headers=headers, params={"search": "없는 제목"}).json() == []
    )
    detail = client.get("/api/agreements/kr-ca-2025", headers=headers).json()
    assert detail["tracked_count"] == len(detail["commitments"]) > 0
    assert all(c["tracked"] for c in detail["commitments"])
    listed = client.get(
        "/api/commitments",
        headers=headers,
        params={"agreement": "kr-ca-2025", "division": "북미2과"},
    ).json()
    assert "7.1" in [c["ref"] for c in listed]
    unowned = client.get("/api/commitments", headers=headers, params={"unowned": True}).json()
    assert all("unowned" in c["attention"] for c in unowned)
    commitment = client.get(ITEM, headers=headers).json()
    assert commitment["agreement_key"] == "kr-ca-2025" and commitment["ref"] == "7.1"
    assert client.get(f"{ITEM}/history", headers=headers).status_code == 200
    meetings = client.get("/api/meetings", headers=headers)
    assert meetings.status_code == 200 and meetings.json()
    status, body = post_status(client, tokens.viewer, commitment["version"])
    assert status == 403 and body["code"] == "api.viewer_reads_only"
    assert "viewer" in str(body["message"])
    assert session.exec(select(StatusUpdate)).all() == []


def test_an_officer_of_another_division_may_not_record_a_status(
    client: TestClient, tokens: Tokens, session: Session
) -> None:
    version = client.get(ITEM, headers=bearer(tokens.other)).json()["version"]
    status, body = post_status(client, tokens.other, version)
    assert status == 403 and body == {
        "code": "commitment.not_yours",
        "message": "you may not edit this commitment (another division's)",
        "fields": {},
    }
    response = client.post(
        f"{ITEM}/status",
        json={"status": "in_progress", "expected_version": version},
        headers=bearer(tokens.other, "ko-KR,ko;q=0.9,en;q=0.8"),
    )
    assert response.json()["message"] == "다른 부서의 이행과제라 수정할 수 없습니다."
    assert session.exec(select(StatusUpdate)).all() == []


def test_the_owner_records_a_status_and_the_history_shows_it(
    client: TestClient, tokens: Tokens, session: Session
) -> None:
    version = client.get(ITEM, headers=bearer(tokens.owner)).json()["version"]
    status, body = post_status(
        client,
        tokens.owner,
        version,
        note="1차 훈련 참관 (API)",
        as_of="2026-01-15",
        evidence=["https://www.mofa.go.kr/press/1"],
    )
    assert status == 201, body
    after = body["commitment"]
    update = body["update"]
    assert isinstance(after, dict) and isinstance(update, dict)
    assert after["status"] == "in_progress" and after["version"] == version + 1
    assert (update["narrative"], update["as_of"], update["source"]) == (
        "1차 훈련 참관 (API)",
        "2026-01-15",
        "api",
    )
    assert update["evidence"][0]["url"] == "https://www.mofa.go.kr/press/1"
    history = client.get(f"{ITEM}/history", headers=bearer(tokens.owner)).json()
    assert any(e["actor"] == "정진우" and "1차 훈련 참관 (API)" in e["summary"] for e in history)
    stored = session.exec(select(StatusUpdate)).one()
    assert (stored.author, stored.source.value) == ("정진우", "api")
    admin_status, _ = post_status(client, tokens.admin, version + 1, status="achieved")
    assert admin_status == 201


def test_a_stale_version_is_a_409_naming_the_newer_update(
    client: TestClient, tokens: Tokens, session: Session
) -> None:
    version = client.get(ITEM, headers=bearer(tokens.owner)).json()["version"]
    first, _ = post_status(client, tokens.owner, version, note="첫 번째 갱신")
    assert first == 201
    status, body = post_status(client, tokens.admin, version, status="achieved", note="늦은 갱신")
    assert status == 409
    detail = str(body["message"])
    assert "changed since you read it" in detail and "정진우, In progress" in detail
    assert "\n" not in detail
    fields = body["fields"]
    assert fields["author"] == "정진우"
    assert fields["status"] == {"ko": "진행 중", "en": "In progress"}
    assert len(session.exec(select(StatusUpdate)).all()) == 1


def test_bad_input_gets_a_one_line_message(client: TestClient, tokens: Tokens) -> None:
    version = client.get(ITEM, headers=bearer(tokens.owner)).json()["version"]
    status, body = post_status(client, tokens.owner, version, status="no such status")
    assert status == 400 and "unknown status 'no such status'" in str(body["message"])
    status, body = post_status(client, tokens.owner, version, evidence=["/etc/passwd"])
    assert status == 400 and "not a link: /etc/passwd" in str(body["message"])
    status, body = post_status(
        client, tokens.owner, version, status="nope", as_of="2099-01-01", evidence=["/x"]
    )
    assert (
        status == 400 and "\n" not in str(body["message"]) and "3 problems" in str(body["message"])
    )
    status, body = post_status(client, tokens.owner, version, as_of="2025-13-01", notes="typo")
    assert status == 422
    detail = str(body["message"])
    assert body["code"] == "request.invalid"
    assert "as_of" in detail and "notes" in detail and "2025-13-01" not in detail
    assert {p["field"] for p in body["fields"]["problems"]} == {"body.as_of", "body.notes"}
    missing = client.post(f"{ITEM}/status", json={"status": "x"}, headers=bearer(tokens.owner))
    assert missing.status_code == 422 and "expected_version" in missing.json()["message"]
    unknown = client.get("/api/commitments/kr-ca-2025:99.9", headers=bearer(tokens.owner))
    assert unknown.status_code == 404 and "has no commitment '99.9'" in unknown.json()["message"]
    assert client.get("/api/agreements/nowhere", headers=bearer(tokens.owner)).status_code == 404
    bad_filter = client.get(
        "/api/commitments", headers=bearer(tokens.owner), params={"status": "zzz"}
    )
    assert bad_filter.status_code == 400 and "unknown status" in bad_filter.json()["message"]


def test_the_openapi_schema_lists_the_paths_and_the_bearer_scheme(client: TestClient) -> None:
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["info"]["title"] == "tracker API"
    assert {
        "/agreements",
        "/agreements/{key}",
        "/commitments",
        "/commitments/{reference}",
        "/commitments/{reference}/history",
        "/commitments/{reference}/status",
        "/meetings",
        "/me",
    } <= set(document["paths"])
    assert document["servers"] == [{"url": "/api"}]
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["bearer"]["description"],
    }
    post = document["paths"]["/commitments/{reference}/status"]["post"]
    assert post["security"] == [{"bearer": []}]
    assert {"201", "400", "401", "403", "404", "409", "422"} <= set(post["responses"])
    assert client.get("/api/docs").status_code != 200  # its UI would load from a CDN
    assert client.get("/openapi.json").status_code == 404  # the pages have none


def test_my_settings_create_a_token_shown_once_and_revoke_it(
    client: TestClient, tokens: Tokens, session: Session
) -> None:
    assert sign_in(client, "sypark") == "/"
    assert client.get("/api/me").status_code == 401  # the browser's cookie is no API token
    page = client.get("/me/settings")
    assert page.status_code == 200 and "API 토큰" in page.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf is not None
    forged = client.post("/me/tokens", data={"csrf": "forged", "name": "script"})
    assert forged.status_code == 403
    assert client.post("/me/tokens", data={"csrf": csrf.group(1), "name": "  "}).status_code == 400

    created = client.post("/me/tokens", data={"csrf": csrf.group(1), "name": "주간 내보내기"})
    assert created.status_code == 200 and created.headers["cache-control"] == "no-store"
    shown = re.search(r'<input id="new-token"[^>]* readonly value="(trk_[^"]+)"', created.text)
    assert shown is not None and "한 번만 표시됩니다" in created.text
    plaintext = shown.group(1)
    me = client.get("/api/me", headers=bearer(plaintext))
    assert me.status_code == 200 and me.json()["login"] == "sypark"
    again = client.get("/me/settings").text
    assert "주간 내보내기" in again and plaintext not in again  # never shown again

    row = session.exec(select(ApiToken).where(ApiToken.token_hash == digest(plaintext))).one()
    theirs = session.exec(select(ApiToken).where(ApiToken.token_hash == digest(tokens.owner))).one()
    action = f"/me/tokens/{row.id}/revoke"
    assert f'action="{action}"' in again
    assert f'action="/me/tokens/{theirs.id}/revoke"' not in again  # only one's own are listed
    assert client.post(action, data={"csrf": "forged"}).status_code == 403
    assert client.get("/api/me", headers=bearer(plaintext)).status_code == 200
    stolen = client.post(f"/me/tokens/{theirs.id}/revoke", data={"csrf": csrf.group(1)})
    assert stolen.status_code == 404  # another's token: not found, and left alone
    assert client.get("/api/me", headers=bearer(tokens.owner)).status_code == 200
    revoked = client.post(action, data={"csrf": csrf.group(1)})
    assert revoked.status_code == 303 and revoked.headers["location"] == "/me/settings"
    after = client.get(revoked.headers["location"]).text
    assert "토큰 ‘주간 내보내기’을(를) 폐기했습니다." in after
    assert client.get("/api/me", headers=bearer(plaintext)).status_code == 401
    assert "Revoked" in client.get("/me/settings?lang=en").text


def test_my_settings_make_a_calendar_address_that_reads_the_feed_only(
    client: TestClient, tokens: Tokens
) -> None:
    assert sign_in(client, "sypark") == "/"
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/me/settings").text)
    assert csrf is not None
    created = client.post(
        "/me/tokens", data={"csrf": csrf.group(1), "name": "Outlook", "scope": "calendar"}
    )
    shown = re.search(r'<input id="new-calendar"[^>]* readonly value="([^"]+)"', created.text)
    assert shown is not None
    address = shown.group(1)
    assert address.startswith("http://127.0.0.1:8000/calendar.ics?token=trk_")
    token = address.split("token=", 1)[1]
    client.cookies.clear()  # a calendar app has no session
    assert client.get("/calendar.ics", params={"token": token}).status_code == 200
    assert client.get("/api/me", headers=bearer(token)).status_code == 401
