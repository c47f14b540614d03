"""Fixtures of the web tests: the app under a TestClient, and the seed agreement with the
accounts most stories need. Plain helpers (signing in, CSRF tokens) are in helpers.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.web.helpers import ADMIN, add_desk_account, add_user
from tracker.config import Settings
from tracker.domain import Role
from tracker.models import Account, Agreement
from tracker.web.app import create_app


@pytest.fixture
def web_accounts(session: Session, seed: Agreement) -> dict[str, Account]:
    """The seed agreement and four accounts, by login: jwjung (정진우, the seed's desk officer,
    북미2과), sypark (an officer of another division, 군비통제과), admin (ADMIN, 정책과) and
    viewer (a reader without a division)."""
    made = {
        "jwjung": add_desk_account(session),
        "sypark": add_user(session, "박서연", "sypark", Role.OFFICER, "군비통제과"),
        "admin": add_user(session, ADMIN, "admin", Role.ADMIN, "정책과"),
        "viewer": add_user(session, "이열람", "viewer", Role.VIEWER),
    }
    session.commit()
    return made


@pytest.fixture
def web_client(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    """The app over the test's database, redirects not followed, nobody signed in."""
    with TestClient(create_app(settings, engine=engine), follow_redirects=False) as client:
        yield client


@pytest.fixture
def app_client(web_accounts: dict[str, Account], web_client: TestClient) -> TestClient:
    """The app over the seed and the four accounts of `web_accounts`."""
    return web_client
