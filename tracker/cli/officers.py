"""Officers and divisions: who can own commitments."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli.base import (
    ByOption,
    JsonOption,
    TrackerTyper,
    actor_name,
    print_json,
    print_table,
    reading,
    writing,
)
from tracker.cli.speech import show, tell
from tracker.domain import DigestFrequency, Language
from tracker.msgids import N_

officers_app = TrackerTyper(help=N_("cli.officers"))

DivisionOption = Annotated[str | None, typer.Option(help=N_("cli.officers.division"))]
EmailOption = Annotated[str | None, typer.Option(help=N_("cli.officers.email"))]


def officers_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=N_("cli.officers.add.name"))],
    division: DivisionOption = None,
    email: EmailOption = None,
    rank: Annotated[str, typer.Option(help=N_("cli.officers.rank"))] = "",
    language: Annotated[Language, typer.Option(help=N_("cli.officers.language"))] = Language.KO,
    digest: Annotated[
        DigestFrequency, typer.Option(help=N_("cli.officers.digest"))
    ] = DigestFrequency.WEEKLY,
    by: ByOption = None,
) -> None:
    from tracker.models import OfficerCreate
    from tracker.services import owners

    with writing(ctx) as session:
        officer = owners.add_officer(
            OfficerCreate(
                name=name, email=email, rank=rank, language=language, digest_frequency=digest
            ),
            session=session,
            actor=actor_name(by),
            division=division,
        )
        show("cli.officers.added", id=officer.id, name=officer.name)


def officers_update(
    ctx: typer.Context,
    officer: Annotated[str, typer.Argument(help=N_("cli.officer_ref"))],
    email: EmailOption = None,
    rank: Annotated[str | None, typer.Option(help=N_("cli.officers.rank"))] = None,
    division: DivisionOption = None,
    language: Annotated[Language | None, typer.Option(help=N_("cli.officers.language"))] = None,
    digest: Annotated[DigestFrequency | None, typer.Option(help=N_("cli.officers.digest"))] = None,
    by: ByOption = None,
) -> None:
    from tracker.models import OfficerUpdate
    from tracker.services import owners
    from tracker.services.lookup import find_officer

    change = OfficerUpdate(email=email, rank=rank, language=language, digest_frequency=digest)
    if not change.model_dump(exclude_none=True) and division is None:
        raise typer.BadParameter(tell("cli.officers.update.nothing"))
    with writing(ctx) as session:
        found = owners.update_officer(
            find_officer(officer, session=session),
            change,
            session=session,
            actor=actor_name(by),
            division=division,
        )
        show("cli.officers.updated", id=found.id, name=found.name, email=found.email or "-")


def officers_list(
    ctx: typer.Context,
    include_inactive: Annotated[
        bool, typer.Option("--all", help=N_("cli.officers.list.all"))
    ] = False,
    as_json: JsonOption = False,
) -> None:
    from tracker.services import owners

    with reading(ctx) as session:
        rows = owners.list_officers(session=session, include_inactive=include_inactive)
    if as_json:
        print_json(rows)
        return
    print_table(
        [
            N_("cli.column.id"),
            N_("cli.column.name"),
            N_("cli.column.rank"),
            N_("cli.column.division"),
            N_("cli.column.email"),
            N_("cli.column.active"),
        ],
        [(o.id, o.name, o.rank, o.division, o.email, o.active) for o in rows],
        empty=tell("cli.officers.list.none"),
    )


def register(app: TrackerTyper) -> None:
    officers_app.command("add", help=N_("cli.officers.add"))(officers_add)
    officers_app.command("update", help=N_("cli.officers.update"))(officers_update)
    officers_app.command("list", help=N_("cli.officers.list"))(officers_list)
    app.add_typer(officers_app, name="officers")
