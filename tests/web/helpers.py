"""What the web tests share besides fixtures: the password every test account has, reading a
page's CSRF token and form version, signing in through the form, and making accounts."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from tracker.domain import Role
from tracker.models import Account, OfficerCreate
from tracker.services.accounts import add_account
from tracker.services.lookup import find_officer
from tracker.services.owners import add_officer

PASSWORD = "correct horse battery"
ADMIN = "관리자 한"  # the administrator of the shared accounts (tests/web/conftest.py)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def form_token(html: str) -> tuple[str, str]:
    """The CSRF token and the record version of a page's update form."""
    version = re.search(r'name="version" value="(\d+)"', html)
    assert version is not None
    return csrf_of(html), version.group(1)


def sign_in(client: TestClient, login: str = "jwjung", password: str = PASSWORD) -> str:
    """Sign in through the form: where it sends the browser on (303), else the page shown."""
    csrf = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"login": login, "password": password, "csrf": csrf, "next": "/"}
    )
    return (
        str(response.headers.get("location", "")) if response.status_code == 303 else response.text
    )


def another_client(client: TestClient) -> TestClient:
    """A second browser on the same app, with no cookies of its own yet."""
    return TestClient(client.app, follow_redirects=False)


def add_user(
    session: Session, name: str, login: str, role: Role = Role.OFFICER, division: str | None = None
) -> Account:
    """A new officer and their account (password PASSWORD); not committed."""
    officer = add_officer(
        OfficerCreate(name=name, role=role), session=session, actor="test", division=division
    )
    return add_account(officer, login=login, password=PASSWORD, session=session, actor="test")


def add_desk_account(session: Session) -> Account:
    """The account jwjung of 정진우, the seed's desk officer (북미2과); not committed."""
    desk = find_officer("정진우", session=session)
    return add_account(desk, login="jwjung", password=PASSWORD, session=session, actor="test")
