"""`tracker init` and `tracker db ...`."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli.base import TrackerTyper, runtime_of
from tracker.cli.speech import show, tell
from tracker.msgids import N_

db_app = TrackerTyper(help=N_("cli.db"))


def init(ctx: typer.Context) -> None:
    from tracker.services.setup import initialize

    result = initialize(runtime_of(ctx))
    show("cli.init.database", database=result.database)
    _show_schema(result.revision_before, result.revision_after)
    for folder in result.folders:
        show("cli.init.folder", folder=folder)


def upgrade(
    ctx: typer.Context,
    revision: Annotated[str, typer.Option(help=N_("cli.db.upgrade.revision"))] = "head",
) -> None:
    from tracker.schema import upgrade_database

    before, after = upgrade_database(runtime_of(ctx).engine, revision=revision)
    _show_schema(before, after)


def _show_schema(before: str | None, after: str | None) -> None:
    if before == after:
        show("cli.db.schema_current", revision=after)
    else:
        show("cli.db.schema_upgraded", before=before or tell("cli.db.empty"), after=after)


def current(ctx: typer.Context) -> None:
    from tracker.db import check_connection
    from tracker.schema import current_revision, head_revision

    engine = runtime_of(ctx).engine
    check_connection(engine)
    revision = current_revision(engine) or tell("cli.db.empty")
    head = head_revision()
    if revision == head:
        show("cli.db.current.up_to_date", revision=revision, head=head)
    else:
        show("cli.db.current.behind", revision=revision, head=head)


def register(app: TrackerTyper) -> None:
    app.command("init", help=N_("cli.init"))(init)
    db_app.command("upgrade", help=N_("cli.db.upgrade"))(upgrade)
    db_app.command("current", help=N_("cli.db.current"))(current)
    app.add_typer(db_app, name="db")
