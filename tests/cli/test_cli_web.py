"""`tracker users`: add, list, set-role and disable web accounts."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from tests.conftest import Cli
from tests.factories import import_seed
from tracker.domain import Role
from tracker.models import ChangeRecord, WebSession
from tracker.services.accounts import sign_in
from tracker.services.lookup import find_officer

PASSWORD = "correct horse battery"


def test_an_administrator_adds_lists_changes_and_disables_an_account(
    cli: Cli, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_seed(session)
    session.commit()
    monkeypatch.setenv("TRACKER_NEW_PASSWORD", PASSWORD)
    added = cli("users", "add", "정진우", "--login", "jwjung", "--role", "viewer", "--by", "admin")
    assert added.exit_code == 0, added.output
    assert "account jwjung for 정진우 (Viewer)" in added.output
    assert find_officer("정진우", session=session).role is Role.VIEWER
    listed = cli("users", "list")
    assert "jwjung" in listed.output and "Viewer" in listed.output

    changed = cli("users", "set-role", "jwjung", "officer", "--by", "admin")
    assert changed.exit_code == 0, changed.output
    assert "jwjung: Viewer → Officer" in changed.output
    session.rollback()  # a fresh read of what the command wrote
    assert find_officer("정진우", session=session).role is Role.OFFICER

    sign_in("jwjung", PASSWORD, session=session, address="127.0.0.1")
    session.commit()
    disabled = cli("users", "disable", "jwjung", "--by", "admin")
    assert disabled.exit_code == 0, disabled.output
    assert "jwjung disabled" in disabled.output
    session.rollback()  # a fresh read of what the command wrote
    assert all(s.revoked_at is not None for s in session.exec(select(WebSession)).all())
    actions = [r.action for r in session.exec(select(ChangeRecord)).all()]
    assert {"added", "role", "disabled"} <= set(actions)
    assert "Officer  no" in cli("users", "list").output

    enabled = cli("users", "enable", "jwjung", "--by", "admin")
    assert enabled.exit_code == 0 and "jwjung enabled" in enabled.output
    assert "Officer  yes" in cli("users", "list").output
    again = cli("users", "enable", "jwjung")
    assert again.exit_code != 0 and "is not disabled" in again.output
