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
from tracker.cli.speech import show, tell
from tracker.cli.web import LoginArgument, users_app
from tracker.domain import TokenScope
from tracker.msgids import N_

# A token's scope as the settings page says it.
SCOPE_WORDS = {
    TokenScope.API: N_("token_scope_api"),
    TokenScope.CALENDAR: N_("token_scope_calendar"),
}


def users_token(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help=N_("cli.users.token.login"))],
    name: Annotated[str, typer.Option(help=N_("cli.users.token.name"))] = "cli",
    scope: Annotated[TokenScope, typer.Option(help=N_("cli.users.token.scope"))] = TokenScope.API,
    by: ByOption = None,
) -> None:
    from tracker.services import tokens
    from tracker.services.accounts import find_account

    with writing(ctx) as session:
        account = find_account(login, session=session)
        row, plaintext = tokens.issue_token(
            account, name, session=session, actor=actor_name(by), scope=scope
        )
        token_id, login, name = row.id, account.login, row.name
    typer.echo(plaintext)  # the token alone on stdout, for a script to read
    show("cli.users.token.issued", err=True, id=token_id, name=name, login=login)


def users_tokens(
    ctx: typer.Context,
    login: LoginArgument,
    as_json: JsonOption = False,
) -> None:
    from tracker.services import tokens
    from tracker.services.accounts import find_account

    zone = runtime_of(ctx).settings.tz
    with reading(ctx) as session:
        rows = tokens.list_tokens(find_account(login, session=session), session=session)
    if as_json:
        print_json(rows)
        return
    print_table(
        [
            N_("cli.column.id"),
            N_("cli.column.name"),
            N_("cli.column.scope"),
            N_("cli.column.created"),
            N_("cli.column.last_used"),
            N_("cli.column.revoked"),
        ],
        [
            (
                r.id,
                r.name,
                tell(SCOPE_WORDS[r.scope]),
                local_time(r.created_at, zone),
                local_time(r.last_used_at, zone),
                local_time(r.revoked_at, zone) if r.revoked_at else False,
            )
            for r in rows
        ],
        empty=tell("cli.users.tokens.none", login=login),
    )


def users_revoke_token(
    ctx: typer.Context,
    token_id: Annotated[int, typer.Argument(help=N_("cli.users.revoke_token.id"))],
    by: ByOption = None,
) -> None:
    from tracker.models import utcnow
    from tracker.services import tokens

    now = utcnow()
    with writing(ctx) as session:
        row = tokens.revoke_token(token_id, session=session, actor=actor_name(by), now=now)
        name, revoked_at = row.name, row.revoked_at
    if revoked_at == now:
        show("cli.users.revoke_token.done", id=token_id, name=name)
    else:
        zone = runtime_of(ctx).settings.tz
        show(
            "cli.users.revoke_token.already",
            id=token_id,
            name=name,
            when=local_time(revoked_at, zone),
        )


def register(app: TrackerTyper) -> None:
    """Adds to `tracker users` (made in tracker.cli.web); `app` is taken for symmetry."""
    del app
    users_app.command("token", help=N_("cli.users.token"))(users_token)
    users_app.command("tokens", help=N_("cli.users.tokens"))(users_tokens)
    users_app.command("revoke-token", help=N_("cli.users.revoke_token"))(users_revoke_token)
