"""API tokens of web accounts: `tracker users token`, `tokens`, `revoke-token`."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli.base import (
    ByOption,
    JsonOption,
    TrackerTyper,
    actor_name,
    local_time,
    print_json,
    print_table,
    reading,
    runtime_of,
    writing,
)
from tracker.cli.web import users_app
from tracker.domain import TokenScope


def users_token(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help="Sign-in name of the account it acts for.")],
    name: Annotated[
        str, typer.Option(help="What the token is for, e.g. the script that uses it.")
    ] = "cli",
    scope: Annotated[
        TokenScope,
        typer.Option(help="api: calls the JSON API; calendar: reads /calendar.ics only."),
    ] = TokenScope.API,
    by: ByOption = None,
) -> None:
    """Issue an API token (or a calendar subscription token) for an account and print it. It
    is shown this once and stored only hashed: keep it now. API calls send it as
    `Authorization: Bearer TOKEN`; a calendar app subscribes to `/calendar.ics?token=TOKEN`.

    \b
    Example:
      tracker users token jwjung --name "weekly export"
      tracker users token jwjung --name Outlook --scope calendar
    """
    from tracker.services import tokens
    from tracker.services.accounts import find_account

    with writing(ctx) as session:
        account = find_account(login, session=session)
        row, plaintext = tokens.issue_token(
            account, name, session=session, actor=actor_name(by), scope=scope
        )
        token_id, login, name = row.id, account.login, row.name
    typer.echo(plaintext)
    typer.echo(
        f"token {token_id} ({name}) for {login}: shown once, store it now; "
        f"revoke it with `tracker users revoke-token {token_id}`",
        err=True,
    )


def users_tokens(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help="Sign-in name.")],
    as_json: JsonOption = False,
) -> None:
    """List an account's API tokens (never the tokens themselves), revoked ones included.

    \b
    Example:
      tracker users tokens jwjung
    """
    from tracker.services import tokens
    from tracker.services.accounts import find_account

    zone = runtime_of(ctx).settings.tz
    with reading(ctx) as session:
        rows = tokens.list_tokens(find_account(login, session=session), session=session)
    if as_json:
        print_json(rows)
        return
    print_table(
        ["id", "name", "scope", "created", "last used", "revoked"],
        [
            (
                r.id,
                r.name,
                r.scope.value,
                local_time(r.created_at, zone),
                local_time(r.last_used_at, zone),
                local_time(r.revoked_at, zone) if r.revoked_at else "no",
            )
            for r in rows
        ],
        empty=f"no API tokens (issue one with `tracker users token {login}`)",
    )


def users_revoke_token(
    ctx: typer.Context,
    token_id: Annotated[int, typer.Argument(help="Token id (see `tracker users tokens`).")],
    by: ByOption = None,
) -> None:
    """Revoke an API token: calls made with it are refused from now on.

    \b
    Example:
      tracker users revoke-token 3
    """
    from tracker.models import utcnow
    from tracker.services import tokens

    now = utcnow()
    with writing(ctx) as session:
        row = tokens.revoke_token(token_id, session=session, actor=actor_name(by), now=now)
        name, revoked_at = row.name, row.revoked_at
    if revoked_at == now:
        typer.echo(f"token {token_id} ({name}) revoked")
    else:
        zone = runtime_of(ctx).settings.tz
        typer.echo(
            f"token {token_id} ({name}) was already revoked ({local_time(revoked_at, zone)})"
        )


def register(app: TrackerTyper) -> None:
    """Adds to `tracker users` (made in tracker.cli.web); `app` is taken for symmetry."""
    del app
    users_app.command("token")(users_token)
    users_app.command("tokens")(users_tokens)
    users_app.command("revoke-token")(users_revoke_token)
