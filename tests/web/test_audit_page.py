"""The audit log page: an administrator sees every sign-in and change, in Seoul time."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.web.test_web_pages import PASSWORD, app_client, form_token, sign_in
from tracker.domain import Role
from tracker.models import OfficerCreate
from tracker.services.accounts import add_account
from tracker.services.owners import add_officer

__all__ = ["app_client"]


def test_an_administrator_sees_sign_ins_refusals_and_updates(
    app_client: TestClient, session: Session
) -> None:
    admin = add_officer(OfficerCreate(name="관리자", role=Role.ADMIN), session=session, actor="t")
    add_account(admin, login="admin", password=PASSWORD, session=session, actor="t")
    session.commit()
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
        "sign-in refused",
        "signed in",
        "감사 확인용",
        'href="/commitments/kr-ca-2025:7.1"',
    ):
        assert seen in page
    accounts_only = app_client.get("/audit", params={"entity": "account", "actor": "jwjung"}).text
    assert "signed in" in accounts_only and "감사 확인용" not in accounts_only
    bad = app_client.get("/audit", params={"since": "yesterday"})
    assert bad.status_code == 400 and "날짜 형식(YYYY-MM-DD)이 아닙니다" in bad.text
