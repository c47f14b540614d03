"""Sign-in throttling: failed sign-ins counted per login and per address, in the database.

Several web workers, on several machines, share one count, so it lives in a table
(`sign_in_attempt`, a row per failure), not in a process. Two limits, each over a sliding
window:

- per login: after `per_login` failures the login waits before its next try, `first_wait`
  after the latest failure, twice as long after each further one, never more than
  `longest_wait`. A sign-in that succeeds forgets the login's failures.
- per address: `per_address` failures, whatever logins they named, stop every sign-in from the
  address until the oldest of them leave the window. It is ten times the login's limit so that
  one officer's typos lock out that officer only, not the office behind one NAT address, while
  a password tried against many logins from one address is still stopped.

Logins that do not exist are counted as those that do, so the throttle tells no one which
exist. A throttled attempt checks no password and is not a failure (it was not a try); the
audit log records it. An IPv6 address is counted by its /64, which one host commonly holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from ipaddress import IPv6Address, ip_address, ip_network

from sqlalchemy import delete
from sqlmodel import Session, col, func, select

from tracker.errors import TrackerError
from tracker.models import Account, SignInAttempt, utcnow
from tracker.services.changes import record_change


@dataclass(frozen=True)
class Limits:
    per_login: int = 5
    per_address: int = 50
    window: timedelta = timedelta(minutes=15)
    first_wait: timedelta = timedelta(minutes=1)
    longest_wait: timedelta = timedelta(minutes=15)


LIMITS = Limits()


class SignInThrottled(TrackerError):
    """Too many failed sign-ins for the login or from the address: refused without a check.
    `retry_after` is in seconds (the Retry-After header); the message says it in minutes."""

    http_status = 429

    def __init__(
        self, code: str, /, *, count: int, retry_after: int, login: str, address: str
    ) -> None:
        super().__init__(code, count=count)
        self.retry_after = retry_after
        self.login = login
        self.address = address

    @property
    def limited(self) -> str:
        """What reached its limit: "login" or "address"."""
        return self.code.rsplit("_", 1)[1]


def check(
    login: str,
    address: str,
    *,
    session: Session,
    now: datetime | None = None,
    limits: Limits = LIMITS,
) -> None:
    """Refuse (SignInThrottled) when the login or the address must wait; only reads."""
    now = now or utcnow()
    login = _login(login)
    since = now - limits.window
    login_free = _login_free_at(login, since, session=session, limits=limits)
    address_free = _address_free_at(_counted(address), since, session=session, limits=limits)
    if address_free is not None and (login_free is None or address_free > login_free):
        wait = _seconds(address_free - now)
        if wait > 0:
            raise SignInThrottled(
                "sign_in.wait_address",
                count=_minutes(wait),
                retry_after=wait,
                login=login,
                address=address,
            )
    if login_free is not None:
        wait = _seconds(login_free - now)
        if wait > 0:
            raise SignInThrottled(
                "sign_in.wait_login",
                count=_minutes(wait),
                retry_after=wait,
                login=login,
                address=address,
            )


def _login_free_at(
    login: str, since: datetime, *, session: Session, limits: Limits
) -> datetime | None:
    row = session.exec(
        select(func.count(), func.max(SignInAttempt.at)).where(
            SignInAttempt.login == login, col(SignInAttempt.at) > since
        )
    ).one()
    failures: int = row[0]
    latest: datetime | None = row[1]
    if failures < limits.per_login or latest is None:
        return None
    doublings = min(failures - limits.per_login, 30)  # 2**30 minutes is past any cap
    return latest + min(limits.first_wait * (1 << doublings), limits.longest_wait)


def _address_free_at(
    counted: str, since: datetime, *, session: Session, limits: Limits
) -> datetime | None:
    # The `per_address`-th latest failure: once it leaves the window, one more try is allowed.
    oldest_counted: datetime | None = session.exec(
        select(SignInAttempt.at)
        .where(SignInAttempt.address == counted, col(SignInAttempt.at) > since)
        .order_by(col(SignInAttempt.at).desc())
        .offset(limits.per_address - 1)
        .limit(1)
    ).first()
    return None if oldest_counted is None else oldest_counted + limits.window


def record_failure(
    login: str,
    address: str,
    *,
    session: Session,
    now: datetime | None = None,
    limits: Limits = LIMITS,
) -> None:
    """Count a failed sign-in and keep it in the audit log. In its own transaction, since the
    refused sign-in's is rolled back; failures older than the window are dropped here, as the
    audit log keeps them."""
    now = now or utcnow()
    login = _login(login)
    session.add(SignInAttempt(login=login, address=_counted(address), at=now))
    session.execute(delete(SignInAttempt).where(col(SignInAttempt.at) <= now - limits.window))
    account_id = _account_id(login, session)
    record_change(session, "account", account_id, "sign-in refused", address, {"login": login})


def record_throttled(refusal: SignInThrottled, *, session: Session) -> None:
    """Keep a throttled attempt in the audit log: by whom (the address), for which login,
    which limit it met and how long it must wait."""
    record_change(
        session,
        "account",
        _account_id(refusal.login, session),
        f"sign-in throttled for {refusal.limited}",
        refusal.address,
        {"login": refusal.login, "seconds": refusal.retry_after},
    )


def forget(login: str, *, session: Session) -> None:
    """A sign-in succeeded: the login's failures no longer count against it."""
    session.execute(delete(SignInAttempt).where(col(SignInAttempt.login) == _login(login)))


def _counted(address: str) -> str:
    """What an address is counted as: itself, or for IPv6 its /64 (a host's usual share)."""
    try:
        parsed = ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, IPv6Address) and parsed.ipv4_mapped is None:
        return str(ip_network(f"{parsed}/64", strict=False))
    return str(parsed.ipv4_mapped if isinstance(parsed, IPv6Address) else parsed)


def _login(login: str) -> str:
    return login.strip().lower()


def _account_id(login: str, session: Session) -> int:
    account = session.exec(select(Account).where(Account.login == login)).first()
    return account.id if account is not None and account.id is not None else 0


def _seconds(span: timedelta) -> int:
    return math.ceil(span.total_seconds())


def _minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))
