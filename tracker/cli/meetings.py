"""Meetings of mechanisms (past and planned) and the review cycles they delimit."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli.base import (
    ByOption,
    JsonOption,
    TrackerTyper,
    actor_name,
    parse_day,
    policy_of,
    print_json,
    print_table,
    reading,
    writing,
)
from tracker.cli.speech import tell
from tracker.msgids import N_

meetings_app = TrackerTyper(help=N_("cli.meetings"))
cycles_app = TrackerTyper(help=N_("cli.cycles"))


def _state(planned: bool) -> str:
    """A meeting's state as the calendar page says it."""
    return tell("cal_state_planned") if planned else tell("cal_state_held")


def meetings_add(
    ctx: typer.Context,
    mechanism: Annotated[str, typer.Argument(help=N_("cli.meetings.add.mechanism"))],
    on: Annotated[str, typer.Option("--date", help=N_("cli.meetings.add.date"))],
    held: Annotated[
        bool, typer.Option("--held/--planned", help=N_("cli.meetings.add.held"))
    ] = False,
    title: Annotated[str, typer.Option(help=N_("cli.meetings.add.title"))] = "",
    place: Annotated[str, typer.Option(help=N_("cli.meetings.add.place"))] = "",
    note: Annotated[str, typer.Option(help=N_("cli.meetings.add.note"))] = "",
    by: ByOption = None,
) -> None:
    from tracker.models import MeetingCreate
    from tracker.services import meetings
    from tracker.services.lookup import find_mechanism

    policy = policy_of(ctx)
    day = parse_day(on, option="--date")
    assert day is not None
    with writing(ctx) as session:
        found = find_mechanism(mechanism, session=session)
        assert found.id is not None
        meeting = meetings.add_meeting(
            found,
            MeetingCreate(
                mechanism_id=found.id,
                held_on=day,
                title=title,
                place=place,
                planned=not held,
                note=note,
            ),
            session=session,
            actor=actor_name(by),
            today=policy.today(),
        )
        said = tell(
            "cli.meetings.added",
            id=meeting.id,
            mechanism=found.name,
            state=_state(not held),
            date=meeting.held_on,
            place=place,
        )
        typer.echo(said.rstrip())


def meetings_update(
    ctx: typer.Context,
    meeting: Annotated[str, typer.Argument(help=N_("cli.meetings.update.meeting"))],
    on: Annotated[str | None, typer.Option("--date", help=N_("cli.meetings.update.date"))] = None,
    held: Annotated[
        bool | None, typer.Option("--held/--planned", help=N_("cli.meetings.update.held"))
    ] = None,
    title: Annotated[str | None, typer.Option(help=N_("cli.meetings.update.title"))] = None,
    place: Annotated[str | None, typer.Option(help=N_("cli.meetings.update.place"))] = None,
    note: Annotated[str | None, typer.Option(help=N_("cli.meetings.update.note"))] = None,
    by: ByOption = None,
) -> None:
    from tracker.models import MeetingUpdate
    from tracker.services import meetings

    policy = policy_of(ctx)
    change = MeetingUpdate(
        held_on=parse_day(on, option="--date"),
        title=title,
        place=place,
        note=note,
        planned=None if held is None else not held,
    )
    if not change.model_dump(exclude_none=True):
        raise typer.BadParameter(tell("cli.meetings.update.nothing"))
    with writing(ctx) as session:
        found = meetings.find_meeting(meeting, session=session)
        meetings.update_meeting(
            found, change, session=session, actor=actor_name(by), today=policy.today()
        )
        said = tell(
            "cli.meetings.updated",
            id=found.id,
            state=_state(found.planned),
            date=found.held_on,
            place=found.place,
        )
        typer.echo(said.rstrip())


def meetings_list(
    ctx: typer.Context,
    mechanism: Annotated[str | None, typer.Option(help=N_("cli.meetings.list.mechanism"))] = None,
    since: Annotated[str | None, typer.Option("--from", help=N_("cli.meetings.list.from"))] = None,
    until: Annotated[str | None, typer.Option("--to", help=N_("cli.meetings.list.to"))] = None,
    as_json: JsonOption = False,
) -> None:
    from tracker.services.lookup import find_mechanism
    from tracker.services.portfolio_calendar import list_meetings

    policy = policy_of(ctx)
    with reading(ctx) as session:
        rows = list_meetings(
            session=session,
            mechanism=find_mechanism(mechanism, session=session) if mechanism else None,
            since=parse_day(since, option="--from"),
            until=parse_day(until, option="--to"),
            today=policy.today(),
        )
    if as_json:
        print_json(rows)
        return
    print_table(
        [
            N_("cli.column.id"),
            N_("cli.column.date"),
            N_("cli.column.mechanism"),
            N_("cli.column.state"),
            N_("cli.column.place"),
            N_("cli.column.title"),
        ],
        # A state is held, planned or estimated: the calendar page's words.
        [
            (r.id, r.held_on, r.mechanism, tell(f"cal_state_{r.state}"), r.place, r.title)
            for r in rows
        ],
        empty=tell("cli.meetings.list.none"),
    )


def cycles_list(
    ctx: typer.Context,
    agreement: Annotated[str, typer.Option("--agreement", "-a", help=N_("cli.agreement_ref"))],
    as_json: JsonOption = False,
) -> None:
    from tracker.services import cycles
    from tracker.services.lookup import find_agreement

    with reading(ctx) as session:
        rows = cycles.list_cycles(find_agreement(agreement, session=session), session=session)
    if as_json:
        print_json(rows)
        return
    print_table(
        [
            N_("cli.column.cycle"),
            N_("cli.column.starts"),
            N_("cli.column.ends"),
            N_("cli.column.state"),
        ],
        [
            (
                c.number,
                c.starts_on,
                c.ends_on or c.closes_on or "-",
                tell("cli.cycles.closed")
                if c.ends_on
                else tell("cli.cycles.open_estimated")
                if c.closes_estimated
                else tell("cli.cycles.open"),
            )
            for c in rows
        ],
        empty=tell("cli.cycles.list.none"),
    )


def register(app: TrackerTyper) -> None:
    meetings_app.command("add", help=N_("cli.meetings.add"))(meetings_add)
    meetings_app.command("update", help=N_("cli.meetings.update"))(meetings_update)
    meetings_app.command("list", help=N_("cli.meetings.list"))(meetings_list)
    cycles_app.command("list", help=N_("cli.cycles.list"))(cycles_list)
    app.add_typer(meetings_app, name="meetings")
    app.add_typer(cycles_app, name="cycles")
