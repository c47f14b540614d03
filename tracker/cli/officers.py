"""Officers and divisions: who can own commitments."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli.base import TrackerTyper, actor_name, print_json, print_table, reading, writing
from tracker.domain import DigestFrequency, Language
from tracker.msgids import N_

officers_app = TrackerTyper(help="Officers who own commitments.")


def officers_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Full name, e.g. 김하늘.")],
    division: Annotated[str | None, typer.Option(help="Division, e.g. 북미2과.")] = None,
    email: Annotated[str | None, typer.Option(help="E-mail address (for digests).")] = None,
    rank: Annotated[str, typer.Option(help="Rank, e.g. 외무사무관.")] = "",
    language: Annotated[Language, typer.Option(help="Language of their mail.")] = Language.KO,
    digest: Annotated[
        DigestFrequency, typer.Option(help="How often they get a digest.")
    ] = DigestFrequency.WEEKLY,
    by: Annotated[str | None, typer.Option("--by", help="Who adds them.")] = None,
) -> None:
    """Add an officer.

    \b
    Example:
      tracker officers add 김하늘 --division 북미2과 --email haneul.kim@mofa.go.kr
    """
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
        typer.echo(f"officer {officer.id}: {officer.name}")


def officers_update(
    ctx: typer.Context,
    officer: Annotated[str, typer.Argument(help="Officer: id, e-mail or name.")],
    email: Annotated[str | None, typer.Option(help="E-mail address (for digests).")] = None,
    rank: Annotated[str | None, typer.Option(help="Rank, e.g. 외무서기관.")] = None,
    division: Annotated[str | None, typer.Option(help="Division, e.g. 북미2과.")] = None,
    language: Annotated[Language | None, typer.Option(help="Language of their mail.")] = None,
    digest: Annotated[
        DigestFrequency | None, typer.Option(help="How often they get a digest.")
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who changes it.")] = None,
) -> None:
    """Change an officer: e-mail, rank, division, mail language, digest frequency.

    \b
    Example:
      tracker officers update 정진우 --email jw.jung@mofa.go.kr --digest weekly
    """
    from tracker.models import OfficerUpdate
    from tracker.services import owners
    from tracker.services.lookup import find_officer

    change = OfficerUpdate(email=email, rank=rank, language=language, digest_frequency=digest)
    if not change.model_dump(exclude_none=True) and division is None:
        raise typer.BadParameter(
            "nothing to change: give --email, --rank, --division, --language or --digest"
        )
    with writing(ctx) as session:
        found = owners.update_officer(
            find_officer(officer, session=session),
            change,
            session=session,
            actor=actor_name(by),
            division=division,
        )
        typer.echo(f"officer {found.id}: {found.name} <{found.email or '-'}>")


def officers_list(
    ctx: typer.Context,
    include_inactive: Annotated[
        bool, typer.Option("--all", help="Include officers who have left.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List officers with their division.

    \b
    Example:
      tracker officers list --all
    """
    from tracker.services import owners

    with reading(ctx) as session:
        rows = owners.list_officers(session=session, include_inactive=include_inactive)
    if as_json:
        print_json(rows)
        return
    print_table(
        ["id", "name", "rank", "division", "email", "active"],
        [(o.id, o.name, o.rank, o.division, o.email, o.active) for o in rows],
        empty="no officers yet (add one with `tracker officers add NAME`)",
    )


def register(app: TrackerTyper) -> None:
    officers_app.command("add", help=N_("cli.officers.add"))(officers_add)
    officers_app.command("update")(officers_update)
    officers_app.command("list")(officers_list)
    app.add_typer(officers_app, name="officers")
