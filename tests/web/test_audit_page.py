"""The audit log page: an administrator sees every sign-in and change, in Seoul time."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.helpers import form_token, sign_in


def test_an_administrator_sees_sign_ins_refusals_and_updates(app_client: TestClient) -> None:
    assert sign_in(app_client, "jwjung", "wrong password") != "/"
    sign_in(app_client)
    csrf, version = form_token(app_client.get("/commitments/kr-ca-2025:7.1").text)
    app_client.post(
        "/commitments/kr-ca-2025:7.1/status",
        data={"csrf": csrf, "version": version, "status": "in_progress", "note": "감사 확인용"},
    )
    assert app_client.get("/audit").status_code == 403  # an officer does not read the log
    app_client.cookies.clear()
    sign_in(app_client, "admin")

    page = app_client.get("/audit").text
    for seen in (
        "로그인 거부",  # the actions, in the page's language
        "로그인</td>",
        "감사 확인용",
        'href="/commitments/kr-ca-2025:7.1"',
    ):
        assert seen in page
    accounts_only = app_client.get("/audit", params={"entity": "account", "actor": "jwjung"}).text
    assert "로그인</td>" in accounts_only and "감사 확인용" not in accounts_only
    bad = app_client.get("/audit", params={"since": "yesterday", "actor": "jwjung"})
    assert bad.status_code == 400 and "날짜 형식(YYYY-MM-DD)이 아닙니다" in bad.text
    # The filters come back as typed, the message beside the one that is wrong.
    assert 'value="yesterday"' in bad.text and 'value="jwjung"' in bad.text
    assert 'id="since"' in bad.text and 'aria-invalid="true"' in bad.text
