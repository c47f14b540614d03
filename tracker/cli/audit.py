"""`tracker audit`: read the audit log (sign-ins, changes, status updates, reports)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict
from itertools import islice
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo

import typer

from tracker.cli.base import (
    JsonOption,
    TrackerTyper,
    local_time,
    parse_day,
    policy_of,
    reading,
    stream_json,
    stream_table,
)
from tracker.text import shorten

if TYPE_CHECKING:
    from tracker.services.audit import AuditEntry

ENTITIES = ("account", "agreement", "commitment", "meeting", "officer", "report")
HEADERS = ["when", "who", "what", "action", "detail"]
TABLE_BLOCK = 500


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
    limit: Annotated[
        int | None, typer.Option(help="At most this many entries (default: all).", min=1)
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Show the audit log, newest first: sign-ins (and refused ones), every change, status
    update and generated report, with who did it and when (in the configured time zone).
    The whole log streams, a batch at a time, however long it is.

    \b
    Example:
      tracker audit --actor 정진우 --since 2026-11-01
      tracker audit --entity account --limit 20 --json
    """
    from tracker.services.audit import AuditFilter, audit_entries

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
        entries = islice(
            audit_entries(session=session, where=where, timezone=policy.timezone), limit
        )
        if as_json:
            stream_json(_json_items(entries))
        else:
            stream_table(
                HEADERS,
                _table_rows(entries, policy.timezone),
                empty="nothing in the audit log matches",
                block=TABLE_BLOCK,
            )


def _json_items(entries: Iterable[AuditEntry]) -> Iterator[dict[str, Any]]:
    return (asdict(entry) | {"at": entry.at.isoformat()} for entry in entries)


def _table_rows(entries: Iterable[AuditEntry], timezone: ZoneInfo) -> Iterator[list[str]]:
    return (
        [
            local_time(e.at, timezone),
            e.actor,
            e.subject,
            e.action,
            shorten("; ".join(f"{k}: {v}" for k, v in e.detail.items() if v), 60),
        ]
        for e in entries
    )


def register(app: TrackerTyper) -> None:
    app.command("audit")(audit)
