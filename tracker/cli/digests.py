"""Email digests and the outbox."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli.base import (
    JsonOption,
    TrackerTyper,
    local_time,
    print_json,
    print_table,
    reading,
    runtime_of,
)
from tracker.cli.speech import show, tell
from tracker.domain import OutboxState
from tracker.msgids import N_

digest_app = TrackerTyper(help=N_("cli.digest"))
outbox_app = TrackerTyper(help=N_("cli.outbox"))

STATE_WORDS = {
    OutboxState.QUEUED: N_("outbox_state.queued"),
    OutboxState.SENT: N_("outbox_state.sent"),
    OutboxState.FAILED: N_("outbox_state.failed"),
}
# What became of a message `digest due` tried to send, when it was not sent.
DELIVERY_WORDS = {
    "retry": N_("cli.outbox.delivery.retry"),
    "failed": N_("cli.outbox.delivery.failed"),
}


def digest_preview(
    ctx: typer.Context,
    officer: Annotated[str, typer.Option(help=N_("cli.officer_ref"))],
    html: Annotated[bool, typer.Option("--html", help=N_("cli.digest.preview.html"))] = False,
) -> None:
    from tracker.digests.compose import preview
    from tracker.models import utcnow
    from tracker.services.lookup import find_officer

    runtime = runtime_of(ctx)
    with reading(ctx) as session:
        found = find_officer(officer, session=session)
        mail = preview(found, session=session, settings=runtime.settings, now=utcnow())
    if mail is None:
        show("cli.digest.preview.nothing", name=found.name)
        return
    if html:
        typer.echo(mail.html)  # the mail itself, to be saved and opened
        return
    typer.echo(tell("cli.digest.preview.subject", subject=mail.subject) + "\n\n" + mail.text)


def digest_due(ctx: typer.Context) -> None:
    from tracker.digests.sender import compose_and_send
    from tracker.models import utcnow

    runtime = runtime_of(ctx)
    done = compose_and_send(
        engine=runtime.checked_engine(), settings=runtime.settings, now=utcnow()
    )
    show("cli.digest.due.done", composed=len(done.composed), sent=done.sent)
    for delivery in done.deliveries:
        if delivery.state != "sent":
            message = DELIVERY_WORDS.get(delivery.state, N_("cli.outbox.delivery.failed"))
            show(message, id=delivery.outbox_id, detail=delivery.detail)


def outbox_list(
    ctx: typer.Context,
    state: Annotated[OutboxState | None, typer.Option(help=N_("cli.outbox.list.state"))] = None,
    as_json: JsonOption = False,
) -> None:
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
        [
            N_("cli.column.id"),
            N_("cli.column.officer"),
            N_("cli.column.period"),
            N_("cli.column.state"),
            N_("cli.column.tries"),
            N_("cli.column.next_try"),
            N_("cli.column.sent"),
            N_("cli.column.last_error"),
        ],
        [
            (
                row.id,
                name,
                row.period,
                tell(STATE_WORDS[row.state]),
                row.attempts,
                local_time(row.next_attempt_at, zone) if row.state is OutboxState.QUEUED else "-",
                local_time(row.sent_at, zone),
                row.last_error or "-",
            )
            for row, name in rows
        ],
        empty=tell("cli.outbox.list.none"),
    )


def outbox_retry(
    ctx: typer.Context,
    outbox_id: Annotated[int, typer.Argument(help=N_("cli.outbox.retry.id"), metavar="ID")],
) -> None:
    from tracker.digests.sender import requeue
    from tracker.models import utcnow

    runtime = runtime_of(ctx)
    row = requeue(outbox_id, engine=runtime.checked_engine(), now=utcnow())
    show("cli.outbox.retry.done", id=row.id, to=row.to_address)


def register(app: TrackerTyper) -> None:
    digest_app.command("preview", help=N_("cli.digest.preview"))(digest_preview)
    digest_app.command("due", help=N_("cli.digest.due"))(digest_due)
    outbox_app.command("list", help=N_("cli.outbox.list"))(outbox_list)
    outbox_app.command("retry", help=N_("cli.outbox.retry"))(outbox_retry)
    app.add_typer(digest_app, name="digest")
    app.add_typer(outbox_app, name="outbox")
