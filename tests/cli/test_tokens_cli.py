"""`tracker users token`, `tokens` and `revoke-token`: API tokens from the command line."""

from __future__ import annotations

from sqlmodel import Session, select

from tests.conftest import Cli
from tests.factories import import_seed
from tracker.models import ApiToken, ChangeRecord
from tracker.services.accounts import add_account
from tracker.services.lookup import find_officer
from tracker.services.tokens import caller_for_token, digest

PASSWORD = "correct horse battery"


def test_a_token_is_issued_printed_once_listed_and_revoked(cli: Cli, session: Session) -> None:
    import_seed(session)
    add_account(
        find_officer("정진우", session=session),
        login="jwjung",
        password=PASSWORD,
        session=session,
        actor="t",
    )
    session.commit()
    assert "no API tokens" in cli("users", "tokens", "jwjung").output

    issued = cli("users", "token", "JWJung", "--name", "weekly export", "--by", "admin")
    assert issued.exit_code == 0, issued.output
    plaintext = issued.stdout.strip()
    assert plaintext.startswith("trk_") and "\n" not in plaintext
    assert "shown once" in issued.stderr and "revoke-token 1" in issued.stderr
    row = session.exec(select(ApiToken)).one()
    assert row.token_hash == digest(plaintext) and row.name == "weekly export"
    assert caller_for_token(plaintext, session=session) is not None

    listed = cli("users", "tokens", "jwjung")
    assert listed.exit_code == 0, listed.output
    assert "weekly export" in listed.output and plaintext not in listed.output
    assert row.token_hash not in listed.output
    as_json = cli("users", "tokens", "jwjung", "--json")
    assert '"name": "weekly export"' in as_json.output and "token_hash" not in as_json.output

    revoked = cli("users", "revoke-token", "1", "--by", "admin")
    assert revoked.exit_code == 0, revoked.output
    assert "token 1 (weekly export) revoked" in revoked.output
    session.rollback()  # a fresh read of what the command wrote
    assert caller_for_token(plaintext, session=session) is None
    assert "already revoked" in cli("users", "revoke-token", "1").output
    listed = cli("users", "tokens", "jwjung").output
    assert "weekly export" in listed and " no" not in listed.splitlines()[1]
    actions = {
        (r.action, r.actor) for r in session.exec(select(ChangeRecord)).all() if "token" in r.action
    }
    assert actions == {("api token issued", "admin"), ("api token revoked", "admin")}


def test_token_commands_refuse_in_one_line(cli: Cli, session: Session) -> None:
    import_seed(session)
    session.commit()
    unknown = cli("users", "token", "nobody")
    assert unknown.exit_code == 1 and "error: no account 'nobody'" in unknown.output
    missing = cli("users", "revoke-token", "42")
    assert missing.exit_code == 1 and "error: no API token 42" in missing.output


def test_every_token_command_has_an_example(cli: Cli) -> None:
    for command in ("token", "tokens", "revoke-token"):
        shown = cli("users", command, "--help")
        assert shown.exit_code == 0 and "Example:" in shown.output, command
        assert f"tracker users {command}" in shown.output
