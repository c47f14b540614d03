"""The scheduler process, its plan and status, and running due reports by hand."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from tracker.cli.base import (
    TrackerTyper,
    local_time,
    parse_day,
    print_json,
    print_table,
    reading,
    runtime_of,
)
from tracker.cli.reports import report_app

scheduler_app = TrackerTyper(help="The scheduler: reports before meetings, daily checks.")


def run(
    ctx: typer.Context,
    check_every: Annotated[
        float, typer.Option(help="Seconds between checks of what is due.", min=1)
    ] = 60,
    once: Annotated[
        bool, typer.Option("--once", help="Check once, run what is due, exit.")
    ] = False,
) -> None:
    """Run the one scheduler process (for systemd or a terminal); stops on SIGTERM or Ctrl-C.

    At start it runs whatever fell due while it was down, once each, and logs how late.
    A second scheduler against the same database refuses to start.

    \b
    Example:
      tracker scheduler run
      tracker scheduler run --once
    """
    from tracker.scheduling.process import run_scheduler

    runtime = runtime_of(ctx)
    engine = runtime.checked_engine()  # before logging is on: a refusal stays one line
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    run_scheduler(
        engine=engine,
        settings=runtime.settings,
        check_seconds=check_every,
        once=once,
    )


def plan_(
    ctx: typer.Context,
    start: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--to", help="Last day, YYYY-MM-DD.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List what would run between two days, when, and why, without running it.

    \b
    Example:
      tracker scheduler plan --from 2027-01-01 --to 2027-12-31
    """
    from tracker.scheduling.status import plan

    first, last = parse_day(start, option="--from"), parse_day(end, option="--to")
    assert first is not None and last is not None
    if last < first:
        raise typer.BadParameter(f"{last} is before --from {first}", param_hint="--to")
    runtime = runtime_of(ctx)
    with reading(ctx) as session:
        units = plan(session=session, settings=runtime.settings, start=first, end=last)
    if as_json:
        print_json(
            [
                {"due_at": u.due_at.isoformat(), "kind": u.kind, "period": u.period}
                | {"subject": u.subject, "reason": u.reason}
                for u in units
            ]
        )
        return
    zone = runtime.settings.tz
    print_table(
        ["when", "what", "for", "period", "why"],
        [(local_time(u.due_at, zone), u.kind, u.subject, u.period, u.reason) for u in units],
        empty="nothing would run",
    )


def status(ctx: typer.Context) -> None:
    """Show, per kind of work, the last run, the next one, and any failures.

    \b
    Example:
      tracker scheduler status
    """
    from tracker.models import utcnow
    from tracker.scheduling.status import scheduler_status

    runtime = runtime_of(ctx)
    zone = runtime.settings.tz
    with reading(ctx) as session:
        rows = scheduler_status(session=session, settings=runtime.settings, now=utcnow())
    print_table(
        ["work", "last done", "result", "next", "for", "failing"],
        [
            (
                row.kind,
                local_time(row.last_done.finished_at, zone) if row.last_done else "-",
                row.last_done.result if row.last_done else "-",
                local_time(row.next_due.due_at, zone) if row.next_due else "-",
                row.next_due.subject if row.next_due else "-",
                "; ".join(f"{f.period} {f.subject}: {f.last_error}" for f in row.failing) or "-",
            )
            for row in rows
        ],
        empty="",
    )


def report_due(ctx: typer.Context) -> None:
    """Build the review reports and briefs that are due now, as the scheduler would (once each).

    \b
    Example:
      tracker report due
    """
    from tracker.models import utcnow
    from tracker.scheduling.runner import Runner
    from tracker.services.due import BRIEF, REVIEW

    runtime = runtime_of(ctx)
    runner = Runner(engine=runtime.checked_engine(), settings=runtime.settings, actor="cli")
    try:
        outcomes = runner.run_due(now=utcnow(), kinds=(REVIEW, BRIEF))
    finally:
        runner.close()
    if not outcomes:
        typer.echo("nothing due: every report due by now is built")
    for outcome in outcomes:
        typer.echo(f"{outcome.state}: {outcome.unit.kind} {outcome.unit.subject} {outcome.result}")
    if any(o.state == "failed" for o in outcomes):
        raise typer.Exit(1)


def register(app: TrackerTyper) -> None:
    scheduler_app.command("run")(run)
    scheduler_app.command("plan")(plan_)
    scheduler_app.command("status")(status)
    report_app.command("due")(report_due)
    app.add_typer(scheduler_app, name="scheduler")
