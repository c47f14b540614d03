"""`tracker audit`: who did what, when, read from the command line."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session

from tests.conftest import Cli
from tests.factories import import_seed

PASSWORD = "correct horse battery"


def test_an_administrator_reads_who_changed_what(
    cli: Cli, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_seed(session)
    session.commit()
    monkeypatch.setenv("TRACKER_NEW_PASSWORD", PASSWORD)
    assert cli("users", "add", "정진우", "--login", "jwjung", "--by", "admin").exit_code == 0
    assert (
        cli("status", "set", "kr-ca-2025:7.1", "-s", "in_progress", "--by", "정진우").exit_code == 0
    )

    table = cli("audit")
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    # Newest first, under the header; kinds and actions are words, as on the audit page.
    assert "kr-ca-2025:7.1" in lines[1] and "Status update" in lines[1]
    assert "Account jwjung" in table.output and "imported" in table.output

    accounts = json.loads(cli("audit", "--entity", "account", "--json").output)
    assert [(e["actor"], e["action"]) for e in accounts] == [("admin", "added")]
    assert (
        cli("audit", "--since", "2099-01-01").output.strip() == "nothing in the audit log matches"
    )


def test_bad_filters_are_refused_in_one_line(cli: Cli) -> None:
    wrong_kind = cli("audit", "--entity", "user")
    assert wrong_kind.exit_code != 0 and "choose one of account" in wrong_kind.output
    wrong_day = cli("audit", "--since", "26-11-2026")
    assert wrong_day.exit_code != 0 and "is not a date (YYYY-MM-DD)" in wrong_day.output
