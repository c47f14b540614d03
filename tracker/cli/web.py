"""The web app process and its user accounts."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated

import typer

from tracker.cli.base import (
    CliState,
    TrackerTyper,
    actor_name,
    print_table,
    reading,
    runtime_of,
    writing,
)
from tracker.domain import Role

users_app = TrackerTyper(help="Web accounts (administrators).")
PASSWORD_ENV = "TRACKER_NEW_PASSWORD"


def users_add(
    ctx: typer.Context,
    officer: Annotated[str, typer.Argument(help="Officer: id, e-mail or name.")],
    login: Annotated[str, typer.Option(help="Sign-in name, e.g. jwjung.")],
    role: Annotated[Role, typer.Option(help="admin, officer or viewer.")] = Role.OFFICER,
    by: Annotated[str | None, typer.Option("--by", help="Who adds it.")] = None,
) -> None:
    """Give an officer a web account; the password is asked for (or read from
    $TRACKER_NEW_PASSWORD), never taken from the command line.

    \b
    Example:
      tracker users add 정진우 --login jwjung --role officer
    """
    from tracker.services import accounts
    from tracker.services.lookup import find_officer

    password = os.environ.get(PASSWORD_ENV) or getpass.getpass("password: ")
    with writing(ctx) as session:
        found = find_officer(officer, session=session)
        account = accounts.add_account(
            found,
            login=login,
            password=password,
            session=session,
            actor=actor_name(by),
            role=role,
        )
        typer.echo(f"account {account.login} for {found.name} ({role.value})")


def users_list(ctx: typer.Context) -> None:
    """List web accounts with their officer, role and state.

    \b
    Example:
      tracker users list
    """
    from tracker.services import accounts

    with reading(ctx) as session:
        rows = accounts.list_accounts(session=session)
    print_table(
        ["login", "officer", "role", "active"],
        [(a.login, a.officer, a.role.value, a.active) for a in rows],
        empty="no accounts yet (add one with `tracker users add OFFICER --login NAME`)",
    )


def users_disable(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help="Sign-in name.")],
    by: Annotated[str | None, typer.Option("--by", help="Who disables it.")] = None,
) -> None:
    """Disable an account: its sessions stop working at once.

    \b
    Example:
      tracker users disable jwjung
    """
    from tracker.services import accounts

    with writing(ctx) as session:
        account = accounts.disable_account(login, session=session, actor=actor_name(by))
        typer.echo(f"{account.login} disabled")


def users_enable(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help="Sign-in name.")],
    by: Annotated[str | None, typer.Option("--by", help="Who enables it.")] = None,
) -> None:
    """Let a disabled account sign in again (its old sessions and API tokens stay revoked).

    \b
    Example:
      tracker users enable jwjung
    """
    from tracker.services import accounts

    with writing(ctx) as session:
        account = accounts.enable_account(login, session=session, actor=actor_name(by))
        typer.echo(f"{account.login} enabled")


def users_set_role(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help="Sign-in name.")],
    role: Annotated[Role, typer.Argument(help="admin, officer or viewer.")],
    by: Annotated[str | None, typer.Option("--by", help="Who changes it.")] = None,
) -> None:
    """Change an account's role.

    \b
    Example:
      tracker users set-role jwjung admin
    """
    from tracker.services import accounts

    with writing(ctx) as session:
        before = accounts.set_role(login, role, session=session, actor=actor_name(by))
    typer.echo(f"{login.strip().lower()}: {before.value} → {role.value}")


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.", min=1, max=65535)] = 8000,
    workers: Annotated[
        int, typer.Option(help="Worker processes (about one per core).", min=1, max=64)
    ] = 1,
) -> None:
    """Run the web app. It never runs scheduled jobs (that is `tracker scheduler run`).

    \b
    Example:
      tracker serve --port 8000
      tracker serve --host 0.0.0.0 --workers 2
    """
    import uvicorn

    from tracker.config import CONFIG_ENV
    from tracker.web.app import create_app

    runtime = runtime_of(ctx)
    engine = runtime.checked_engine()  # refuse to start on a missing or old database
    if workers == 1:
        uvicorn.run(
            create_app(runtime.settings, engine=engine), host=host, port=port, log_level="info"
        )
        return
    # Each worker process builds its own app (and engine) from the same config file.
    runtime.close()
    state = ctx.find_object(CliState)
    if state is not None and state.config_path is not None:
        os.environ[CONFIG_ENV] = str(Path(state.config_path).resolve())
    uvicorn.run(
        "tracker.web.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
    )


def register(app: TrackerTyper) -> None:
    users_app.command("add")(users_add)
    users_app.command("list")(users_list)
    users_app.command("disable")(users_disable)
    users_app.command("enable")(users_enable)
    users_app.command("set-role")(users_set_role)
    app.add_typer(users_app, name="users")
    app.command("serve")(serve)
