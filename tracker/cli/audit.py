"""`tracker audit`: read the audit log (sign-ins, changes, status updates, reports)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from tracker.cli.base import (
    JsonOption,
    TrackerTyper,
    local_time,
    parse_day,
    policy_of,
    print_json,
    print_table,
    reading,
)
from tracker.services.audit import AuditFilter, audit_log
from tracker.text import shorten

ENTITIES = ("account", "agreement", "commitment", "meeting", "officer", "report")


def audit(
    ctx: typer.Context,
    actor: Annotated[
        str | None, typer.Option(help="Part of the name or login of who did it.")
    ] = None,
    entity: Annotated[
        str | None, typer.Option(help=f"Only this kind: {', '.join(ENTITIES)}.")
    ] = None,
    since: Annotated[str | None, typer.Option(help="From this local day (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="To this local day, inclusive.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many entries.", min=1, max=100_000)] = 50,
    as_json: JsonOption = False,
) -> None:
    """Show the audit log, newest first: sign-ins (and refused ones), every change, status
    update and generated report, with who did it and when (in the configured time zone).

    \b
    Example:
      tracker audit --actor 정진우 --since 2026-11-01
      tracker audit --entity account --limit 20 --json
    """
    if entity is not None and entity not in ENTITIES:
        raise typer.BadParameter(f"choose one of {', '.join(ENTITIES)}", param_hint="--entity")
    where = AuditFilter(
        actor=actor,
        entity=entity,
        since=parse_day(since, option="--since"),
        until=parse_day(until, option="--until"),
    )
    policy = policy_of(ctx)
    with reading(ctx) as session:
        entries = audit_log(session=session, where=where, timezone=policy.timezone, limit=limit)
    if as_json:
        print_json([asdict(e) | {"at": e.at.isoformat()} for e in entries])
        return
    print_table(
        ["when", "who", "what", "action", "detail"],
        [
            (
                local_time(e.at, policy.timezone),
                e.actor,
                e.subject,
                e.action,
                shorten("; ".join(f"{k}: {v}" for k, v in e.detail.items() if v), 60),
            )
            for e in entries
        ],
        empty="nothing in the audit log matches",
    )


def register(app: TrackerTyper) -> None:
    app.command("audit")(audit)
