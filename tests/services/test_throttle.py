"""Sign-in throttling: per login (exponential, capped) and per address (ten times higher, so an
office behind one NAT address is not locked out by one officer's typos), in the database, with
every throttled attempt in the audit log; and the client's address, which X-Forwarded-For may
name only through a proxy listed in `web.trusted_proxies`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from ipaddress import ip_network

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.web import conftest as web_fixtures
from tests.web.helpers import PASSWORD, csrf_of
from tracker.config import Settings
from tracker.models import Account, ChangeRecord, SignInAttempt
from tracker.services import accounts, throttle
from tracker.services.throttle import LIMITS, SignInThrottled
from tracker.web.app import create_app
from tracker.web.security import client_address

web_accounts = web_fixtures.web_accounts

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
OFFICE = "203.0.113.7"  # one NAT address in front of a whole office


def fail(session: Session, login: str, address: str, at: datetime, times: int = 1) -> None:
    for n in range(times):
        throttle.record_failure(login, address, session=session, now=at + timedelta(seconds=n))
    session.commit()


def refusal(session: Session, login: str, address: str, at: datetime) -> SignInThrottled | None:
    try:
        throttle.check(login, address, session=session, now=at)
    except SignInThrottled as exc:
        return exc
    return None


# -- the rules, at the service ----------------------------------------------------------------


def test_five_failures_make_the_login_wait_twice_as_long_after_each_further_one(
    session: Session,
) -> None:
    fail(session, "jwjung", OFFICE, T0, times=4)
    assert refusal(session, "jwjung", OFFICE, T0 + timedelta(seconds=10)) is None
    last = T0 + timedelta(seconds=20)
    fail(session, "jwjung", OFFICE, last)
    first = refusal(session, "JWJung ", OFFICE, last + timedelta(seconds=1))
    assert first is not None and first.code == "sign_in.wait_login"
    assert first.retry_after == 59 and first.fields == {"count": 1}
    assert first.http_status == 429
    # A minute after the fifth failure the login may try once more; a sixth waits two.
    assert refusal(session, "jwjung", OFFICE, last + timedelta(seconds=60)) is None
    sixth = last + timedelta(seconds=60)
    fail(session, "jwjung", OFFICE, sixth)
    second = refusal(session, "jwjung", OFFICE, sixth)
    assert second is not None and second.retry_after == 120
    assert second.describe("en") == (
        "too many failed sign-ins for this login; try again in 2 minutes"
    )
    assert "2분 뒤에" in second.describe("ko")
    assert first.describe("en").endswith("in 1 minute")


def test_the_wait_is_capped(session: Session) -> None:
    for n in range(9):  # 1, 2, 4, 8 and then 15 minutes, not 16
        fail(session, "jwjung", OFFICE, T0 + timedelta(seconds=n))
    last = T0 + timedelta(seconds=8)
    capped = refusal(session, "jwjung", OFFICE, last)
    assert capped is not None and capped.retry_after == LIMITS.longest_wait.total_seconds()


def test_one_officer_s_typos_lock_only_that_login_not_the_office_s_address(
    session: Session,
) -> None:
    fail(session, "jwjung", OFFICE, T0, times=LIMITS.per_login + 3)
    after = T0 + timedelta(seconds=30)
    assert refusal(session, "jwjung", OFFICE, after) is not None
    assert refusal(session, "sypark", OFFICE, after) is None
    assert refusal(session, "admin", OFFICE, after) is None


def test_an_address_that_fails_for_many_logins_is_stopped_for_every_login(
    session: Session,
) -> None:
    # Up to four tries at each of many logins (under every login's limit): a password spray.
    logins = [f"officer{n}" for n in range(13)]
    tries = [login for _ in range(4) for login in logins][: LIMITS.per_address]
    for n, login in enumerate(tries[:-1]):
        fail(session, login, OFFICE, T0 + timedelta(seconds=n))
    almost = T0 + timedelta(seconds=LIMITS.per_address)
    assert refusal(session, "jwjung", OFFICE, almost) is None
    fail(session, tries[-1], OFFICE, almost)
    stopped = refusal(session, "jwjung", OFFICE, almost + timedelta(seconds=1))
    assert stopped is not None and stopped.code == "sign_in.wait_address"
    # Free again once the oldest counted failure (at T0) leaves the window.
    assert stopped.retry_after == (T0 + LIMITS.window - almost).total_seconds() - 1
    assert "network address" in stopped.describe("en")
    assert refusal(session, "jwjung", "198.51.100.1", almost) is None  # another address
    assert refusal(session, "jwjung", OFFICE, T0 + LIMITS.window + timedelta(seconds=1)) is None


def test_an_ipv6_address_counts_with_the_rest_of_its_64(session: Session) -> None:
    for n in range(LIMITS.per_address):
        fail(session, f"officer{n}", f"2001:db8:1:2::{n + 1:x}", T0)
    assert refusal(session, "jwjung", "2001:db8:1:2:ffff::1", T0) is not None
    assert refusal(session, "jwjung", "2001:db8:1:3::1", T0) is None
    counted = session.exec(select(SignInAttempt.address).distinct()).all()
    assert counted == ["2001:db8:1:2::/64"]


def test_a_sign_in_that_succeeds_forgets_the_login_s_failures(
    session: Session, web_accounts: dict[str, Account]
) -> None:
    fail(session, "jwjung", OFFICE, T0, times=LIMITS.per_login - 1)
    fail(session, "sypark", OFFICE, T0, times=2)
    accounts.sign_in("jwjung", PASSWORD, session=session, address=OFFICE, now=T0)
    session.commit()
    left = session.exec(select(SignInAttempt.login)).all()
    assert left == ["sypark", "sypark"]  # another login's failures still count
    fail(session, "jwjung", OFFICE, T0 + timedelta(seconds=5), times=LIMITS.per_login - 1)
    assert refusal(session, "jwjung", OFFICE, T0 + timedelta(seconds=10)) is None


def test_failures_older_than_the_window_are_dropped(session: Session) -> None:
    fail(session, "jwjung", OFFICE, T0, times=3)
    fail(session, "sypark", OFFICE, T0 + LIMITS.window + timedelta(seconds=3))
    assert session.exec(select(SignInAttempt.login)).all() == ["sypark"]


# -- through the sign-in page -----------------------------------------------------------------


@pytest.fixture
def proxied(settings: Settings) -> Settings:
    """The settings of an app behind a reverse proxy at 10.0.0.5 (and a second at 10.0.1.0/24)."""
    web = settings.web.model_copy(update={"trusted_proxies": ("10.0.0.5/32", "10.0.1.0/24")})
    return settings.model_copy(update={"web": web})


def browser(
    engine: Engine, settings: Settings, peer: str, forwarded: str | None = None
) -> TestClient:
    """A browser whose connection arrives from `peer`, with X-Forwarded-For when given."""
    headers = {"X-Forwarded-For": forwarded} if forwarded else None
    return TestClient(
        create_app(settings, engine=engine),
        client=(peer, 40000),
        headers=headers,
        follow_redirects=False,
    )


def attempt(client: TestClient, login: str, password: str) -> tuple[int, str, str]:
    csrf = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"login": login, "password": password, "csrf": csrf, "next": "/"}
    )
    return response.status_code, response.headers.get("retry-after", ""), response.text


def audit_of(session: Session, action: str) -> list[ChangeRecord]:
    session.commit()  # a new transaction: the app wrote since this session last read
    return list(
        session.exec(
            select(ChangeRecord).where(ChangeRecord.action == action).order_by(col(ChangeRecord.id))
        ).all()
    )


def test_a_throttled_sign_in_answers_429_with_retry_after_and_is_in_the_audit_log(
    engine: Engine, settings: Settings, session: Session, web_accounts: dict[str, Account]
) -> None:
    office = browser(engine, settings, OFFICE)
    for _ in range(LIMITS.per_login):
        status, _, _ = attempt(office, "jwjung", "wrong password!")
        assert status == 401
    status, retry_after, page = attempt(office, "jwjung", PASSWORD)  # even the right one
    assert status == 429 and 55 <= int(retry_after) <= 60
    assert "로그인 실패가 너무 많습니다. 1분 뒤에 다시 시도하세요." in page
    # Another officer in the same office signs in.
    assert attempt(office, "sypark", PASSWORD)[0] == 303
    refused = audit_of(session, "sign-in refused")
    assert [(r.actor, r.detail) for r in refused] == [(OFFICE, {"login": "jwjung"})] * 5
    throttled = audit_of(session, "sign-in throttled for login")
    assert len(throttled) == 1
    assert throttled[0].actor == OFFICE and throttled[0].detail["login"] == "jwjung"
    assert throttled[0].entity_id == web_accounts["jwjung"].id
    # The throttled try was not a failure: nothing more was counted.
    assert len(session.exec(select(SignInAttempt)).all()) == LIMITS.per_login


def test_x_forwarded_for_from_an_untrusted_peer_is_ignored(
    engine: Engine, settings: Settings, session: Session, web_accounts: dict[str, Account]
) -> None:
    # No proxy is configured: a client cannot name a fresh address for each try.
    for n in range(LIMITS.per_login):
        spoofing = browser(engine, settings, OFFICE, forwarded=f"192.0.2.{n}")
        assert attempt(spoofing, "jwjung", "wrong password!")[0] == 401
    assert attempt(browser(engine, settings, OFFICE, "192.0.2.99"), "jwjung", PASSWORD)[0] == 429
    assert {r.actor for r in audit_of(session, "sign-in refused")} == {OFFICE}
    # Nor from 127.0.0.1 (uvicorn's own default trusts it): only what the configuration lists.
    local = browser(engine, settings, "127.0.0.1", forwarded="192.0.2.50")
    attempt(local, "nobody", "wrong password!")
    assert audit_of(session, "sign-in refused")[-1].actor == "127.0.0.1"


def test_x_forwarded_for_through_a_listed_proxy_names_the_client(
    engine: Engine, proxied: Settings, session: Session, web_accounts: dict[str, Account]
) -> None:
    # The client claims 192.0.2.1; the proxy 10.0.1.9 appended what it saw, 198.51.100.4,
    # and the proxy 10.0.0.5 appended 10.0.1.9. The client is the rightmost unlisted one.
    through = browser(engine, proxied, "10.0.0.5", forwarded="192.0.2.1, 198.51.100.4, 10.0.1.9")
    assert attempt(through, "jwjung", "wrong password!")[0] == 401
    assert attempt(through, "jwjung", PASSWORD)[0] == 303
    assert audit_of(session, "sign-in refused")[-1].actor == "198.51.100.4"
    assert audit_of(session, "signed in")[-1].detail == {"address": "198.51.100.4"}
    # A peer that is not listed is the client, whatever it forwards.
    direct = browser(engine, proxied, "10.0.0.6", forwarded="198.51.100.4")
    attempt(direct, "nobody", "wrong password!")
    assert audit_of(session, "sign-in refused")[-1].actor == "10.0.0.6"


def test_the_client_address_is_the_rightmost_that_is_not_a_listed_proxy() -> None:
    proxies = (ip_network("10.0.0.5/32"), ip_network("10.0.1.0/24"), ip_network("fd00::/8"))
    assert client_address("198.51.100.4", ["192.0.2.1"], proxies) == "198.51.100.4"
    assert client_address("10.0.0.5", ["192.0.2.1, 198.51.100.4"], proxies) == "198.51.100.4"
    assert client_address("10.0.0.5", ["192.0.2.1", "198.51.100.4, 10.0.1.3"], proxies) == (
        "198.51.100.4"
    )
    assert client_address("10.0.0.5", ["10.0.1.3, 10.0.1.4"], proxies) == "10.0.1.3"
    assert client_address("10.0.0.5", [], proxies) == "10.0.0.5"
    assert client_address("fd00::1", ["[2001:db8::7]:443"], proxies) == "2001:db8::7"
    assert client_address("::ffff:10.0.0.5", ["198.51.100.4:5123"], proxies) == "198.51.100.4"
    assert client_address("10.0.0.5", ["unknown"], proxies) == "unknown"
    assert client_address("10.0.0.5", ["192.0.2.1"], ()) == "10.0.0.5"
