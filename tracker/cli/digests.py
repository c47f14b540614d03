"""Email digests and the outbox."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli.base import (
    TrackerTyper,
    local_time,
    print_json,
    print_table,
    reading,
    runtime_of,
)
from tracker.domain import OutboxState

digest_app = TrackerTyper(help="Email digests: one per officer per period.")
outbox_app = TrackerTyper(help="Composed mail and what became of it.")


def digest_preview(
    ctx: typer.Context,
    officer: Annotated[str, typer.Option(help="Officer: id, e-mail or name.")],
    html: Annotated[bool, typer.Option("--html", help="Print the HTML part instead.")] = False,
) -> None:
    """Print what an officer's digest would say now; sends and records nothing.

    \b
    Example:
      tracker digest preview --officer 정진우
      tracker digest preview --officer jw.jung@mofa.go.kr --html > digest.html
    """
    from tracker.digests.compose import preview
    from tracker.models import utcnow
    from tracker.services.lookup import find_officer

    runtime = runtime_of(ctx)
    with reading(ctx) as session:
        found = find_officer(officer, session=session)
        mail = preview(found, session=session, settings=runtime.settings, now=utcnow())
    if mail is None:
        typer.echo(f"nothing to say to {found.name} now: no digest would be sent")
        return
    typer.echo(mail.html if html else f"Subject: {mail.subject}\n\n{mail.text}")


def digest_due(ctx: typer.Context) -> None:
    """Compose the digests due now (once per officer and period) and send what is queued.

    \b
    Example:
      tracker digest due
    """
    from tracker.digests.sender import compose_and_send
    from tracker.models import utcnow

    runtime = runtime_of(ctx)
    done = compose_and_send(
        engine=runtime.checked_engine(), settings=runtime.settings, now=utcnow()
    )
    typer.echo(f"composed {len(done.composed)}, sent {done.sent}")
    for delivery in done.deliveries:
        if delivery.state != "sent":
            typer.echo(f"outbox {delivery.outbox_id}: {delivery.state}: {delivery.detail}")


def outbox_list(
    ctx: typer.Context,
    state: Annotated[OutboxState | None, typer.Option(help="Only messages in this state.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List composed messages: queued, sent or failed, with the reason of the last failure.

    \b
    Example:
      tracker outbox list --state failed
    """
    from tracker.digests.sender import list_outbox

    runtime = runtime_of(ctx)
    with reading(ctx) as session:
        rows = list_outbox(session=session, state=state)
    if as_json:
        print_json(
            [
                row.model_dump(mode="json", exclude={"text_body", "html_body"}) | {"officer": name}
                for row, name in rows
            ]
        )
        return
    zone = runtime.settings.tz
    print_table(
        ["id", "officer", "period", "state", "tries", "next try", "sent", "last error"],
        [
            (
                row.id,
                name,
                row.period,
                row.state.value,
                row.attempts,
                local_time(row.next_attempt_at, zone) if row.state is OutboxState.QUEUED else "-",
                local_time(row.sent_at, zone),
                row.last_error or "-",
            )
            for row, name in rows
        ],
        empty="the outbox is empty",
    )


def outbox_retry(
    ctx: typer.Context,
    outbox_id: Annotated[int, typer.Argument(help="Id of a failed message.", metavar="ID")],
) -> None:
    """Re-queue a failed message; it keeps its Message-ID and goes out at the next send.

    \b
    Example:
      tracker outbox retry 12
    """
    from tracker.digests.sender import requeue
    from tracker.models import utcnow

    runtime = runtime_of(ctx)
    row = requeue(outbox_id, engine=runtime.checked_engine(), now=utcnow())
    typer.echo(f"outbox {row.id}: queued again for {row.to_address}")


def register(app: TrackerTyper) -> None:
    digest_app.command("preview")(digest_preview)
    digest_app.command("due")(digest_due)
    outbox_app.command("list")(outbox_list)
    outbox_app.command("retry")(outbox_retry)
    app.add_typer(digest_app, name="digest")
    app.add_typer(outbox_app, name="outbox")
