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

meetings_app = TrackerTyper(help="Meetings of mechanisms, past and planned.")
cycles_app = TrackerTyper(help="Review cycles: the spans between reviewing meetings.")


def meetings_add(
    ctx: typer.Context,
    mechanism: Annotated[
        str, typer.Argument(help="Mechanism: id, name, alias or NAME@COUNTERPART.")
    ],
    on: Annotated[str, typer.Option("--date", help="Day of the meeting, YYYY-MM-DD.")],
    held: Annotated[
        bool, typer.Option("--held/--planned", help="Already held, or planned (the default).")
    ] = False,
    title: Annotated[str, typer.Option(help="e.g. 제2차 한-캐나다 외교·국방(2+2) 장관회의.")] = "",
    place: Annotated[str, typer.Option(help="Where, e.g. 오타와.")] = "",
    note: Annotated[str, typer.Option(help="Anything else worth keeping.")] = "",
    by: ByOption = None,
) -> None:
    """Record a meeting. A held meeting of the mechanism that bounds review cycles (for the
    seed, the 2+2) closes the open cycle and opens the next.

    \b
    Example:
      tracker meetings add "2+2@캐나다" --date 2027-10-14 --place 오타와
      tracker meetings add "외교·국방 정책 대화" --date 2026-06-02 --held --title "제3차 정책대화"
    """
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
        state = "held" if held else "planned"
        typer.echo(f"meeting {meeting.id}: {found.name} {state} {meeting.held_on} {place}".rstrip())


def meetings_update(
    ctx: typer.Context,
    meeting: Annotated[str, typer.Argument(help="Meeting id (see `tracker meetings list`).")],
    on: Annotated[str | None, typer.Option("--date", help="The real date, YYYY-MM-DD.")] = None,
    held: Annotated[
        bool | None, typer.Option("--held/--planned", help="Mark as held, or as planned.")
    ] = None,
    title: Annotated[str | None, typer.Option(help="New title.")] = None,
    place: Annotated[str | None, typer.Option(help="New place.")] = None,
    note: Annotated[str | None, typer.Option(help="New note.")] = None,
    by: ByOption = None,
) -> None:
    """Change a meeting: set the real date, the place, or mark it held.

    \b
    Example:
      tracker meetings update 3 --date 2027-11-04 --place 서울
      tracker meetings update 3 --held
    """
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
        raise typer.BadParameter(
            "nothing to change: give --date, --held, --title, --place or --note"
        )
    with writing(ctx) as session:
        found = meetings.find_meeting(meeting, session=session)
        meetings.update_meeting(
            found, change, session=session, actor=actor_name(by), today=policy.today()
        )
        state = "planned" if found.planned else "held"
        typer.echo(f"meeting {found.id}: {state} {found.held_on} {found.place}".rstrip())


def meetings_list(
    ctx: typer.Context,
    mechanism: Annotated[str | None, typer.Option(help="Only this mechanism.")] = None,
    since: Annotated[str | None, typer.Option("--from", help="From this day, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option("--to", help="Up to this day, YYYY-MM-DD.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List meetings, and the next meeting each cadence projects where none is set.

    \b
    Example:
      tracker meetings list
      tracker meetings list --mechanism "2+2" --from 2026-01-01 --json
    """
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
        ["id", "date", "mechanism", "state", "place", "title"],
        [(r.id, r.held_on, r.mechanism, r.state, r.place, r.title) for r in rows],
        empty="no meetings recorded or projected",
    )


def cycles_list(
    ctx: typer.Context,
    agreement: Annotated[str, typer.Option("--agreement", "-a", help="Agreement key or id.")],
    as_json: JsonOption = False,
) -> None:
    """List an agreement's review cycles; the open one ends at the next reviewing meeting.

    \b
    Example:
      tracker cycles list -a kr-ca-2025
    """
    from tracker.services import cycles
    from tracker.services.lookup import find_agreement

    with reading(ctx) as session:
        rows = cycles.list_cycles(find_agreement(agreement, session=session), session=session)
    if as_json:
        print_json(rows)
        return
    print_table(
        ["cycle", "from", "to", "state"],
        [
            (
                c.number,
                c.starts_on,
                c.ends_on or c.closes_on or "-",
                "closed"
                if c.ends_on
                else ("open, end estimated from cadence" if c.closes_estimated else "open"),
            )
            for c in rows
        ],
        empty="no review cycles",
    )


def register(app: TrackerTyper) -> None:
    meetings_app.command("add")(meetings_add)
    meetings_app.command("update")(meetings_update)
    meetings_app.command("list")(meetings_list)
    cycles_app.command("list")(cycles_list)
    app.add_typer(meetings_app, name="meetings")
    app.add_typer(cycles_app, name="cycles")
