"""The web app process and its user accounts."""

from __future__ import annotations

import getpass
import os
import signal
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer

from tracker.cli.base import (
    ByOption,
    CliState,
    TrackerTyper,
    actor_name,
    print_table,
    reading,
    runtime_of,
    writing,
)
from tracker.cli.speech import show, tell
from tracker.domain import Role
from tracker.msgids import N_

users_app = TrackerTyper(help=N_("cli.users"))
PASSWORD_ENV = "TRACKER_NEW_PASSWORD"
# Long enough for a report being built by hand; short enough for a rolling restart.
GRACEFUL_SHUTDOWN_SECONDS = 15
LoginArgument = Annotated[str, typer.Argument(help=N_("cli.users.login"))]
# A role as the accounts page says it.
ROLE_WORDS = {
    Role.ADMIN: N_("user_role_admin"),
    Role.OFFICER: N_("user_role_officer"),
    Role.VIEWER: N_("user_role_viewer"),
}


def users_add(
    ctx: typer.Context,
    officer: Annotated[str, typer.Argument(help=N_("cli.officer_ref"))],
    login: Annotated[str, typer.Option(help=N_("cli.users.add.login"))],
    role: Annotated[Role, typer.Option(help=N_("cli.users.role"))] = Role.OFFICER,
    by: ByOption = None,
) -> None:
    from tracker.services import accounts
    from tracker.services.lookup import find_officer

    password = os.environ.get(PASSWORD_ENV) or getpass.getpass(tell("cli.users.add.password"))
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
        show(
            "cli.users.add.done",
            login=account.login,
            officer=found.name,
            role=tell(ROLE_WORDS[role]),
        )


def users_list(ctx: typer.Context) -> None:
    from tracker.services import accounts

    with reading(ctx) as session:
        rows = accounts.list_accounts(session=session)
    print_table(
        [
            N_("cli.column.login"),
            N_("cli.column.officer"),
            N_("cli.column.role"),
            N_("cli.column.active"),
        ],
        [(a.login, a.officer, tell(ROLE_WORDS[a.role]), a.active) for a in rows],
        empty=tell("cli.users.list.none"),
    )


def users_disable(
    ctx: typer.Context,
    login: LoginArgument,
    by: ByOption = None,
) -> None:
    from tracker.services import accounts

    with writing(ctx) as session:
        account = accounts.disable_account(login, session=session, actor=actor_name(by))
        show("cli.users.disable.done", login=account.login)


def users_enable(
    ctx: typer.Context,
    login: LoginArgument,
    by: ByOption = None,
) -> None:
    from tracker.services import accounts

    with writing(ctx) as session:
        account = accounts.enable_account(login, session=session, actor=actor_name(by))
        show("cli.users.enable.done", login=account.login)


def users_set_role(
    ctx: typer.Context,
    login: LoginArgument,
    role: Annotated[Role, typer.Argument(help=N_("cli.users.role"))],
    by: ByOption = None,
) -> None:
    from tracker.services import accounts

    with writing(ctx) as session:
        before = accounts.set_role(login, role, session=session, actor=actor_name(by))
    show(
        "cli.users.set_role.done",
        login=login.strip().lower(),
        before=tell(ROLE_WORDS[before]),
        after=tell(ROLE_WORDS[role]),
    )


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help=N_("cli.serve.host"))] = "127.0.0.1",
    port: Annotated[int, typer.Option(help=N_("cli.serve.port"), min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help=N_("cli.serve.workers"), min=1, max=64)] = 1,
) -> None:
    import uvicorn

    from tracker.config import CONFIG_ENV
    from tracker.logs import configure_logging, uvicorn_logging
    from tracker.web import metrics
    from tracker.web.app import create_app

    runtime = runtime_of(ctx)
    engine = runtime.checked_engine()  # refuse to start on a missing or old database
    settings = runtime.settings
    configure_logging(settings)
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        # The app reads X-Forwarded-For itself, from `web.trusted_proxies` only
        # (web/security.py); uvicorn's own reading would believe it from 127.0.0.1 whatever
        # the configuration says.
        "proxy_headers": False,
        # On SIGTERM: stop accepting, let the requests in flight finish (this long at most),
        # then exit 0, so a rolling restart behind the load balancer loses no answer.
        "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_SECONDS,
        **uvicorn_logging(settings),
    }
    if workers == 1:
        app = create_app(settings, engine=engine)  # a SIGTERM until here still stops it
        _swallow_the_sigterm_uvicorn_raises_again()
        uvicorn.run(app, **options)
        return
    # Each worker process builds its own app (and engine) from the same config file.
    runtime.close()
    state = ctx.find_object(CliState)
    if state is not None and state.config_path is not None:
        os.environ[CONFIG_ENV] = str(Path(state.config_path).resolve())
    # /metrics from any worker adds up all of them (web/metrics.py).
    shared = metrics.shared_between_workers() if settings.metrics.enabled else nullcontext()
    with shared:
        _swallow_the_sigterm_uvicorn_raises_again()
        uvicorn.run(
            "tracker.web.app:app_from_environment", factory=True, workers=workers, **options
        )


def _swallow_the_sigterm_uvicorn_raises_again() -> None:
    """uvicorn hands SIGTERM back to the process once it has shut down cleanly, which would
    end it by the signal (status 143): a stop asked for and done is a success. Installed just
    before uvicorn starts (it then takes the signal itself), so a SIGTERM while the app is
    still being built stops the process as usual."""
    signal.signal(signal.SIGTERM, _stopped_cleanly)


def _stopped_cleanly(_signal: int, _frame: object) -> None:
    """The SIGTERM uvicorn raises again after its graceful shutdown: nothing left to do."""


def register(app: TrackerTyper) -> None:
    users_app.command("add", help=N_("cli.users.add"))(users_add)
    users_app.command("list", help=N_("cli.users.list"))(users_list)
    users_app.command("disable", help=N_("cli.users.disable"))(users_disable)
    users_app.command("enable", help=N_("cli.users.enable"))(users_enable)
    users_app.command("set-role", help=N_("cli.users.set_role"))(users_set_role)
    app.add_typer(users_app, name="users")
    app.command("serve", help=N_("cli.serve"))(serve)
