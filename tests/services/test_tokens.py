"""API tokens: issued once, stored hashed, revoked, dead with a disabled account; a use is
written at most once a minute."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from tracker.domain import Role
from tracker.errors import NotFound
from tracker.models import Account, Agreement, ApiToken, ChangeRecord, OfficerCreate, utcnow
from tracker.services.accounts import add_account, disable_account, may_edit
from tracker.services.lookup import find_commitment, find_officer
from tracker.services.owners import add_officer
from tracker.services.tokens import (
    TokenRefused,
    caller_for_token,
    digest,
    issue_token,
    list_tokens,
    revoke_token,
    use_due,
    visitor_for_token,
)

PASSWORD = "correct horse battery"


@pytest.fixture
def account(session: Session, seed: Agreement) -> Account:
    desk = find_officer("정진우", session=session)
    return add_account(desk, login="jwjung", password=PASSWORD, session=session, actor="test")


def test_a_token_is_shown_once_and_only_its_hash_is_stored(
    session: Session, account: Account
) -> None:
    row, plaintext = issue_token(account, "  weekly   export ", session=session, actor="admin")
    session.commit()
    assert plaintext.startswith("trk_") and len(plaintext) > 40
    assert row.name == "weekly export" and row.token_hash == digest(plaintext)
    assert len(row.token_hash) == 64 and plaintext not in row.token_hash
    for table in ("api_token", "change_record"):
        dumped = " ".join(
            str(value)
            for r in session.connection().execute(text(f"SELECT * FROM {table}"))
            for value in r
        )
        assert plaintext not in dumped and plaintext[4:] not in dumped
    assert [t.name for t in list_tokens(account, session=session)] == ["weekly export"]
    assert "token_hash" not in list_tokens(account, session=session)[0].model_dump()
    issued = session.exec(
        select(ChangeRecord).where(ChangeRecord.action == "api token issued")
    ).one()
    assert (issued.entity, issued.entity_id, issued.actor) == ("account", account.id, "admin")


def test_the_token_acts_for_its_officer_until_revoked(session: Session, account: Account) -> None:
    row, plaintext = issue_token(account, "script", session=session, actor="t")
    caller = visitor_for_token(plaintext, session=session)
    assert caller is not None and caller.officer.name == "정진우" and caller.role is Role.OFFICER
    assert visitor_for_token(plaintext + "x", session=session) is None
    assert visitor_for_token("", session=session) is None
    assert row.id is not None
    revoke_token(row.id, session=session, actor="t")
    assert visitor_for_token(plaintext, session=session) is None
    first = row.revoked_at
    revoke_token(row.id, session=session, actor="t")  # again: changes nothing
    assert row.revoked_at == first
    revoked = session.exec(
        select(ChangeRecord).where(ChangeRecord.action == "api token revoked")
    ).all()
    assert len(revoked) == 1


def test_a_disabled_account_gets_no_token_and_its_tokens_stop(
    session: Session, account: Account
) -> None:
    _, plaintext = issue_token(account, "script", session=session, actor="t")
    session.commit()
    disable_account("jwjung", session=session, actor="admin")
    session.commit()
    assert caller_for_token(plaintext, session=session) is None
    # Revoked, not only unusable: enabling the account again would not bring it back.
    assert session.exec(select(ApiToken)).one().revoked_at is not None
    with pytest.raises(TokenRefused, match="disabled"):
        issue_token(account, "another", session=session, actor="t")


def test_a_token_needs_a_name_that_fits(session: Session, account: Account) -> None:
    with pytest.raises(TokenRefused, match="name"):
        issue_token(account, "   ", session=session, actor="t")
    with pytest.raises(TokenRefused, match="limit is 100"):
        issue_token(account, "x" * 101, session=session, actor="t")


def test_one_may_revoke_only_ones_own_token_when_the_account_is_given(
    session: Session, account: Account
) -> None:
    other = add_officer(OfficerCreate(name="박서연"), session=session, actor="t")
    theirs = add_account(other, login="sypark", password=PASSWORD, session=session, actor="t")
    row, _ = issue_token(theirs, "theirs", session=session, actor="t")
    assert row.id is not None
    with pytest.raises(NotFound, match=f"no API token {row.id}"):
        revoke_token(row.id, session=session, actor="t", account=account)
    assert row.revoked_at is None
    with pytest.raises(NotFound):
        revoke_token(9999, session=session, actor="t")


def test_a_use_is_written_at_most_once_a_minute(session: Session, account: Account) -> None:
    row, plaintext = issue_token(account, "script", session=session, actor="t")
    assert row.last_used_at is None and use_due(row)
    start = utcnow()
    visitor_for_token(plaintext, session=session, now=start)
    assert row.last_used_at == start
    visitor_for_token(plaintext, session=session, now=start + timedelta(seconds=59))
    assert row.last_used_at == start and not use_due(row, start + timedelta(seconds=59))
    later = start + timedelta(seconds=61)
    visitor_for_token(plaintext, session=session, now=later)
    assert row.last_used_at == later
    session.commit()
    stored = session.exec(select(ApiToken)).one()
    assert stored.last_used_at == later and stored.last_used_at.tzinfo is not None


def test_the_one_role_rule_applies_to_an_api_caller(session: Session, account: Account) -> None:
    commitment = find_commitment("kr-ca-2025:7.1", session=session)
    _, plaintext = issue_token(account, "script", session=session, actor="t")
    caller = caller_for_token(plaintext, session=session)
    assert caller is not None and may_edit(caller, commitment)
    caller.officer.role = Role.VIEWER
    assert not may_edit(caller, commitment)
    session.rollback()
