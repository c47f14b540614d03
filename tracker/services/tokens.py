"""API tokens: issued to an account, shown once, stored only as their SHA-256, revoked.

A token acts as its account's officer with the officer's current role; a disabled officer's
tokens stop working at once, as a revoked one does. Using a token records when, at most once
a minute, so that calling the API is not a database write per request.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from tracker.domain import Role, TokenScope
from tracker.errors import NotFound, TrackerError
from tracker.models import (
    Account,
    ApiToken,
    ApiTokenCreate,
    ApiTokenPublic,
    Officer,
    utcnow,
)
from tracker.services.changes import record_change

PREFIX = "trk_"  # tells a leaked token apart in logs and secret scanners
USE_RECORDED_EVERY = timedelta(minutes=1)
MAX_NAME = 100  # characters of a token's name


class TokenRefused(TrackerError):
    """A token that cannot be issued or revoked as asked."""


@dataclass(frozen=True)
class ApiCaller:
    """The officer behind an API request. Unlike `accounts.Visitor` it has no web session:
    a bearer token is never sent by a browser on its own, so there is no CSRF to check."""

    account: Account
    officer: Officer
    token: ApiToken

    @property
    def role(self) -> Role:
        return self.officer.role


def issue_token(
    account: Account,
    name: str,
    *,
    session: Session,
    actor: str,
    scope: TokenScope = TokenScope.API,
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token for `account`; returns the row and the plaintext, which is never stored
    and cannot be shown again."""
    name = " ".join(name.split())
    if not name:
        raise TokenRefused("token.name_missing")
    if len(name) > MAX_NAME:
        raise TokenRefused("token.name_long", length=len(name), limit=MAX_NAME)
    wanted = ApiTokenCreate(name=name, scope=scope)
    officer = session.get(Officer, account.officer_id)
    if officer is None or not officer.active:
        raise TokenRefused("token.account_disabled", login=account.login)
    assert account.id is not None
    plaintext = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        name=wanted.name,
        scope=wanted.scope,
        account_id=account.id,
        token_hash=digest(plaintext),
        created_at=now or utcnow(),
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    record_change(
        session,
        "account",
        account.id,
        "api token issued",
        actor,
        {"token": row.id, "name": row.name, "scope": row.scope.value},
    )
    return row, plaintext


def list_tokens(account: Account, *, session: Session) -> list[ApiTokenPublic]:
    """The account's tokens, newest first, revoked ones included."""
    rows = session.exec(
        select(ApiToken)
        .where(ApiToken.account_id == account.id)
        .order_by(col(ApiToken.created_at).desc(), col(ApiToken.id).desc())
    ).all()
    return [ApiTokenPublic.model_validate(row, from_attributes=True) for row in rows]


def revoke_token(
    token_id: int,
    *,
    session: Session,
    actor: str,
    account: Account | None = None,
    now: datetime | None = None,
) -> ApiToken:
    """Revoke token `token_id` (only among `account`'s tokens, when given). Revoking a
    revoked token changes nothing."""
    row = session.get(ApiToken, token_id)
    if row is None or (account is not None and row.account_id != account.id):
        raise NotFound("token.missing", token=token_id).see("tracker users tokens LOGIN")
    if row.revoked_at is None:
        row.revoked_at = now or utcnow()
        session.add(row)
        record_change(
            session,
            "account",
            row.account_id,
            "api token revoked",
            actor,
            {"token": token_id, "name": row.name},
        )
    return row


def caller_for_token(
    token: str | None, *, session: Session, scope: TokenScope = TokenScope.API
) -> ApiCaller | None:
    """Who `token` acts for, or None when it is unknown, revoked, of another scope, or its
    officer is disabled. Reads only; see `visitor_for_token` for the one that records the use."""
    if not token:
        return None
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == digest(token))).first()
    if row is None or row.revoked_at is not None or row.scope is not scope:
        return None
    account = session.get(Account, row.account_id)
    officer = session.get(Officer, account.officer_id) if account else None
    if account is None or officer is None or not officer.active:
        return None
    return ApiCaller(account, officer, row)


def use_due(row: ApiToken, now: datetime | None = None) -> bool:
    """Whether a use of `row` now should be written down (the last one is a minute old)."""
    now = now or utcnow()
    return row.last_used_at is None or now - row.last_used_at >= USE_RECORDED_EVERY


def visitor_for_token(
    token: str | None, *, session: Session, now: datetime | None = None
) -> ApiCaller | None:
    """`caller_for_token`, and the use recorded in `session` (to be committed by the caller)
    when the last recorded one is at least a minute old. A caller that reads in one session
    and writes in another checks `use_due` first, so most requests never write."""
    now = now or utcnow()
    caller = caller_for_token(token, session=session)
    if caller is not None and use_due(caller.token, now):
        caller.token.last_used_at = now
        session.add(caller.token)
        session.flush()
    return caller


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
