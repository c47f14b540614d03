"""Accounts, sign-in and sessions for the web app; the rule of who may do what.

Passwords are hashed with Argon2 (pwdlib). A session token is random; only its SHA-256 is
stored. Failed sign-ins are throttled per login and per address (services/throttle.py).
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from pwdlib import PasswordHash
from sqlmodel import Session, col, select

from tracker.domain import Role
from tracker.errors import NotFound, TrackerError
from tracker.models import Account, ApiToken, Commitment, Officer, WebSession, utcnow
from tracker.services import throttle
from tracker.services.changes import record_change

SESSION_LIFETIME = timedelta(hours=12)
MIN_PASSWORD = 10


@functools.cache
def _hasher() -> PasswordHash:
    """Made on first use, not at import (the CLI rarely needs it), and then kept."""
    return PasswordHash.recommended()


@functools.cache
def _dummy_hash() -> str:
    """A hash no password matches, checked when the login is unknown so that an unknown login
    takes as long to refuse as a wrong password (no telling which logins exist)."""
    return _hasher().hash(secrets.token_urlsafe(32))


class AccountRefused(TrackerError):
    """An account that cannot be made or changed as asked."""


class SignInRefused(TrackerError):
    """Wrong login or password, or a disabled account."""


def add_account(
    officer: Officer,
    *,
    login: str,
    password: str,
    session: Session,
    actor: str,
    role: Role | None = None,
) -> Account:
    """Give `officer` an account; `role`, when given, becomes the officer's role."""
    login = login.strip().lower()
    if not login or not login.isascii() or " " in login:
        raise AccountRefused("account.login_format", login=login)
    if len(password) < MIN_PASSWORD:
        raise AccountRefused("account.password_short", minimum=MIN_PASSWORD)
    if session.exec(select(Account).where(Account.login == login)).first() is not None:
        raise AccountRefused("account.login_taken", login=login)
    if session.exec(select(Account).where(Account.officer_id == officer.id)).first():
        raise AccountRefused("account.has_one", officer=officer.name)
    assert officer.id is not None
    if role is not None:
        officer.role = role
        session.add(officer)
    account = Account(officer_id=officer.id, login=login, password_hash=_hasher().hash(password))
    session.add(account)
    session.flush()
    assert account.id is not None
    record_change(
        session, "account", account.id, "added", actor, {"login": login, "role": officer.role.value}
    )
    return account


def find_account(login: str, *, session: Session) -> Account:
    account = session.exec(select(Account).where(Account.login == login.strip().lower())).first()
    if account is None:
        raise NotFound("account.missing", login=login).see("tracker users list")
    return account


@dataclass(frozen=True)
class AccountRow:
    """An account as `tracker users list` shows it."""

    login: str
    officer: str
    role: Role
    active: bool


def list_accounts(*, session: Session) -> list[AccountRow]:
    rows = session.exec(
        select(Account, Officer)
        .join(Officer, col(Officer.id) == Account.officer_id)
        .order_by(col(Account.login))
    ).all()
    return [AccountRow(a.login, o.name, o.role, o.active) for a, o in rows]


def disable_account(
    login: str, *, session: Session, actor: str, now: datetime | None = None
) -> Account:
    """Disable the account's officer and revoke every open session and API token: a browser
    signed in before is signed out at its next request."""
    now = now or utcnow()
    account = find_account(login, session=session)
    officer = session.get(Officer, account.officer_id)
    assert officer is not None and account.id is not None
    officer.active = False
    session.add(officer)
    open_sessions = session.exec(
        select(WebSession).where(
            WebSession.account_id == account.id, col(WebSession.revoked_at).is_(None)
        )
    ).all()
    for web_session in open_sessions:
        web_session.revoked_at = now
        session.add(web_session)
    # Its API tokens too: enabling the account again must not bring old tokens back.
    for token in session.exec(
        select(ApiToken).where(
            ApiToken.account_id == account.id, col(ApiToken.revoked_at).is_(None)
        )
    ).all():
        token.revoked_at = now
        session.add(token)
    record_change(
        session, "account", account.id, "disabled", actor, {"sessions revoked": len(open_sessions)}
    )
    return account


def enable_account(login: str, *, session: Session, actor: str) -> Account:
    """Let a disabled account sign in again. Its old sessions and API tokens stay revoked:
    the officer signs in anew and makes new tokens."""
    account = find_account(login, session=session)
    officer = session.get(Officer, account.officer_id)
    assert officer is not None and account.id is not None
    if officer.active:
        raise AccountRefused("account.not_disabled", login=account.login)
    officer.active = True
    session.add(officer)
    record_change(session, "account", account.id, "enabled", actor, {})
    return account


def set_role(login: str, role: Role, *, session: Session, actor: str) -> Role:
    """Change the role of the account's officer; returns the role it had."""
    account = find_account(login, session=session)
    officer = session.get(Officer, account.officer_id)
    assert officer is not None and account.id is not None
    before = officer.role
    officer.role = role
    session.add(officer)
    record_change(
        session, "account", account.id, "role", actor, {"from": before.value, "to": role.value}
    )
    return before


@dataclass(frozen=True)
class SignedIn:
    token: str  # for the cookie; never stored
    csrf_token: str
    expires_at: datetime


def sign_in(
    login: str, password: str, *, session: Session, address: str, now: datetime | None = None
) -> SignedIn:
    """Check the password and open a session; every outcome is recorded."""
    account = authenticate(login, password, session=session, address=address, now=now)
    return open_session(account, session=session, address=address, now=now)


def authenticate(
    login: str, password: str, *, session: Session, address: str, now: datetime | None = None
) -> Account:
    """The account `login` names, once the throttle allows a try (else throttle.SignInThrottled)
    and the password matches (else SignInRefused). Only reads: the web app runs it outside any
    write transaction, since Argon2 is slow on purpose and SQLite's write lock would make every
    other writer wait for it."""
    throttle.check(login, address, session=session, now=now)
    login = login.strip().lower()
    account = session.exec(select(Account).where(Account.login == login)).first()
    officer = session.get(Officer, account.officer_id) if account else None
    stored = account.password_hash if account is not None else _dummy_hash()
    valid = _hasher().verify(password, stored) and account is not None
    if not valid or account is None or officer is None or not officer.active:
        raise SignInRefused("sign_in.refused")
    return account


def open_session(
    account: Account, *, session: Session, address: str, now: datetime | None = None
) -> SignedIn:
    """A new web session for `account`, recorded in the audit log; the login's failed
    sign-ins stop counting against it."""
    now = now or utcnow()
    assert account.id is not None
    throttle.forget(account.login, session=session)
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    expires = now + SESSION_LIFETIME
    session.add(
        WebSession(
            token_hash=_digest(token),
            account_id=account.id,
            csrf_token=csrf,
            created_at=now,
            expires_at=expires,
        )
    )
    record_change(session, "account", account.id, "signed in", account.login, {"address": address})
    return SignedIn(token, csrf, expires)


@dataclass(frozen=True)
class Visitor:
    """The signed-in officer behind a request."""

    account: Account
    officer: Officer
    session: WebSession

    @property
    def role(self) -> Role:
        return self.officer.role


def visitor(token: str | None, *, session: Session, now: datetime | None = None) -> Visitor | None:
    """The officer behind a session cookie: one query, run on every request."""
    if not token:
        return None
    now = now or utcnow()
    row = session.exec(
        select(WebSession, Account, Officer)
        .join(Account, col(Account.id) == WebSession.account_id)
        .join(Officer, col(Officer.id) == Account.officer_id)
        .where(WebSession.token_hash == _digest(token))
    ).first()
    if row is None:
        return None
    web_session, account, officer = row
    if web_session.revoked_at is not None or web_session.expires_at < now or not officer.active:
        return None
    return Visitor(account, officer, web_session)


def sign_out(current: Visitor, *, session: Session) -> None:
    web_session = session.get(WebSession, current.session.id)
    assert web_session is not None
    web_session.revoked_at = utcnow()
    session.add(web_session)
    assert current.account.id is not None
    record_change(session, "account", current.account.id, "signed out", current.account.login, {})


class Permission(StrEnum):
    """What a role may do; `may` and `may_edit` are the one place the rule is written."""

    READ = "read"
    EDIT_COMMITMENTS = "edit commitments"  # and, for officers, only their own (may_edit)
    IMPORT = "import agreements"
    RECORD_MEETINGS = "record meetings"
    GENERATE_REPORTS = "generate reports"
    MANAGE_USERS = "manage users"
    READ_AUDIT_LOG = "read the audit log"

    @property
    def word(self) -> str:
        """Its catalogue id, as a refusal names it ("may not <edit commitments>")."""
        return f"permission.{self.name.lower()}"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.OFFICER: frozenset(set(Permission) - {Permission.MANAGE_USERS, Permission.READ_AUDIT_LOG}),
    Role.VIEWER: frozenset({Permission.READ}),
}


def may(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


class Caller(Protocol):
    """Whoever acts: a signed-in visitor of the pages, or an API token's caller."""

    @property
    def officer(self) -> Officer: ...

    @property
    def role(self) -> Role: ...


def may_edit(current: Caller, commitment: Commitment) -> bool:
    """Administrators edit every commitment; officers those they own or that belong to their
    division; viewers none."""
    if not may(current.role, Permission.EDIT_COMMITMENTS):
        return False
    if current.role is Role.ADMIN:
        return True
    return commitment.owner_id == current.officer.id or (
        current.officer.division_id is not None
        and commitment.division_id == current.officer.division_id
    )


def may_edit_group(current: Caller, commitments: Iterable[Commitment]) -> bool:
    """Whether `current` may change what a group of commitments shares: an agreement's split,
    or the meetings of the mechanism that follows them up. Officers may when they may edit one
    of them, or when none is anyone's yet (no owner, no division: a text just imported)."""
    if not may(current.role, Permission.EDIT_COMMITMENTS):
        return False
    if current.role is Role.ADMIN:
        return True
    group = list(commitments)
    unclaimed = all(c.owner_id is None and c.division_id is None for c in group)
    return unclaimed or any(may_edit(current, c) for c in group)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
