"""The scheduler process, its plan and status, and running due reports by hand."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.base import (
    JsonOption,
    TrackerTyper,
    local_time,
    parse_day,
    print_json,
    print_table,
    reading,
    runtime_of,
)
from tracker.cli.reports import report_app
from tracker.cli.speech import show, tell
from tracker.msgids import N_

if TYPE_CHECKING:
    from tracker.services.due import Unit

scheduler_app = TrackerTyper(help=N_("cli.scheduler"))

# The kinds of work (services/due.py), said as the reports page and the calendar say them.
WORK_WORDS = {
    "review_report": N_("report_kind_review"),
    "brief": N_("report_kind_brief"),
    "stale_check": N_("cli.scheduler.work.stale_check"),
    "digests": N_("cli.scheduler.work.digests"),
}
# Why a kind of work falls due (a report's unit is due before its meeting).
WHY_WORDS = {
    "review_report": N_("cli.scheduler.why.meeting"),
    "brief": N_("cli.scheduler.why.meeting"),
    "stale_check": N_("cli.scheduler.why.daily"),
    "digests": N_("cli.scheduler.why.digests"),
}


def run(
    ctx: typer.Context,
    check_every: Annotated[
        float, typer.Option(help=N_("cli.scheduler.run.check_every"), min=1)
    ] = 60,
    once: Annotated[bool, typer.Option("--once", help=N_("cli.scheduler.run.once"))] = False,
) -> None:
    from tracker.logs import configure_logging
    from tracker.scheduling.process import run_scheduler

    runtime = runtime_of(ctx)
    engine = runtime.checked_engine()  # before logging is on: a refusal stays one line
    configure_logging(runtime.settings)  # [logging] format and level, as `tracker serve`
    run_scheduler(
        engine=engine,
        settings=runtime.settings,
        check_seconds=check_every,
        once=once,
    )


def plan_(
    ctx: typer.Context,
    start: Annotated[str, typer.Option("--from", help=N_("cli.scheduler.plan.from"))],
    end: Annotated[str, typer.Option("--to", help=N_("cli.scheduler.plan.to"))],
    as_json: JsonOption = False,
) -> None:
    from tracker.scheduling.status import plan

    first, last = parse_day(start, option="--from"), parse_day(end, option="--to")
    assert first is not None and last is not None
    if last < first:
        raise typer.BadParameter(
            tell("cli.scheduler.plan.backwards", end=last, start=first), param_hint="--to"
        )
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
        [
            N_("cli.column.when"),
            N_("cli.column.what"),
            N_("cli.column.for"),
            N_("cli.column.period"),
            N_("cli.column.why"),
        ],
        [
            (local_time(u.due_at, zone), _work(u.kind), _subject(u.subject), u.period, _why(u))
            for u in units
        ],
        empty=tell("cli.scheduler.plan.none"),
    )


def status(ctx: typer.Context) -> None:
    from tracker.models import utcnow
    from tracker.scheduling.status import scheduler_status

    runtime = runtime_of(ctx)
    zone = runtime.settings.tz
    with reading(ctx) as session:
        rows = scheduler_status(session=session, settings=runtime.settings, now=utcnow())
    print_table(
        [
            N_("cli.column.work"),
            N_("cli.column.last_done"),
            N_("cli.column.result"),
            N_("cli.column.next"),
            N_("cli.column.for"),
            N_("cli.column.failing"),
        ],
        [
            (
                _work(row.kind),
                local_time(row.last_done.finished_at, zone) if row.last_done else "-",
                row.last_done.result if row.last_done else "-",
                local_time(row.next_due.due_at, zone) if row.next_due else "-",
                _subject(row.next_due.subject) if row.next_due else "-",
                "; ".join(f"{f.period} {f.subject}: {f.last_error}" for f in row.failing) or "-",
            )
            for row in rows
        ],
        empty="",
    )


def report_due(ctx: typer.Context) -> None:
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
        show("cli.report.due.none")
    for outcome in outcomes:
        said = (
            N_("cli.report.due.failed") if outcome.state == "failed" else N_("cli.report.due.done")
        )
        show(
            said,
            work=_work(outcome.unit.kind),
            subject=_subject(outcome.unit.subject),
            result=outcome.result,
        )
    if any(o.state == "failed" for o in outcomes):
        raise typer.Exit(1)


def _work(kind: str) -> str:
    return tell(WORK_WORDS[kind]) if kind in WORK_WORDS else kind


def _subject(subject: str) -> str:
    """Whom a unit of work is for: every officer or commitment, one mechanism, an agreement."""
    if subject == "all":
        return tell("cli.scheduler.for_all")
    if subject.startswith("mechanism-"):
        return tell("cli.scheduler.for_mechanism", id=subject.removeprefix("mechanism-"))
    return subject  # an agreement's key


def _why(unit: Unit) -> str:
    """Why a unit falls due, worded from what names it (a report's period starts with its
    meeting's day): `unit.reason` is an English sentence, kept for `--json`."""
    if unit.kind not in WHY_WORDS:
        return unit.reason
    day, _, rest = unit.period.partition("#")
    if rest.endswith("-estimated"):  # "cycle-N-estimated": no meeting recorded yet
        cycle = rest.removeprefix("cycle-").removesuffix("-estimated")
        return tell("cli.scheduler.why.estimated", day=day, cycle=cycle)
    return tell(WHY_WORDS[unit.kind], day=day)


def register(app: TrackerTyper) -> None:
    scheduler_app.command("run", help=N_("cli.scheduler.run"))(run)
    scheduler_app.command("plan", help=N_("cli.scheduler.plan"))(plan_)
    scheduler_app.command("status", help=N_("cli.scheduler.status"))(status)
    report_app.command("due", help=N_("cli.report.due"))(report_due)
    app.add_typer(scheduler_app, name="scheduler")
