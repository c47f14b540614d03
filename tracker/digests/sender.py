"""Deliver the outbox: claim a message, send it, record what happened.

Temporary failures are retried with exponential backoff (1 min, 2, 4 ... up to 6 h) and the
same Message-ID; permanent ones (5xx) are marked failed with the reason and wait for
`tracker outbox retry`. A claim (`sending_until`) keeps two senders off one message, and runs
out if the sender dies mid-send, so the message is tried again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tracker.config import Settings
from tracker.db import read_session, write_session
from tracker.digests.compose import compose_due
from tracker.digests.mailer import (
    Backend,
    PermanentFailure,
    TemporaryFailure,
    build_message,
    make_backend,
)
from tracker.domain import OutboxState
from tracker.errors import NotFound, TrackerError, Word
from tracker.models import Officer, OutboxMessage

log = logging.getLogger("tracker.mail")
# With waits doubling to at most 6 h, 24 tries span about four days: a mail server down over a
# long weekend still gets every digest.
MAX_ATTEMPTS = 24
FIRST_BACKOFF = timedelta(minutes=1)
LONGEST_BACKOFF = timedelta(hours=6)


@dataclass(frozen=True)
class Delivery:
    outbox_id: int
    state: str  # sent, retry, failed
    detail: str = ""


def backoff(attempts: int) -> timedelta:
    delay: timedelta = FIRST_BACKOFF * 2 ** max(attempts - 1, 0)
    return min(delay, LONGEST_BACKOFF)


def send_queued(
    *, engine: Engine, settings: Settings, backend: Backend, now: datetime
) -> list[Delivery]:
    """Try every queued message whose next attempt is due."""
    with read_session(engine) as session:
        ids = session.exec(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.state == OutboxState.QUEUED,
                col(OutboxMessage.next_attempt_at) <= now,
            )
            .order_by(col(OutboxMessage.id))
        ).all()
    deliveries = []
    for outbox_id in ids:
        assert outbox_id is not None
        delivery = _send_one(outbox_id, engine=engine, settings=settings, backend=backend, now=now)
        if delivery is not None:
            deliveries.append(delivery)
    return deliveries


def _send_one(
    outbox_id: int, *, engine: Engine, settings: Settings, backend: Backend, now: datetime
) -> Delivery | None:
    hold = timedelta(seconds=settings.mail.timeout_seconds * 4)
    with write_session(engine) as session:
        taken = session.execute(
            update(OutboxMessage)
            .where(
                col(OutboxMessage.id) == outbox_id,
                col(OutboxMessage.state) == OutboxState.QUEUED,
                col(OutboxMessage.next_attempt_at) <= now,
                col(OutboxMessage.sending_until).is_(None)
                | (col(OutboxMessage.sending_until) < now),
            )
            .values(sending_until=now + hold, attempts=OutboxMessage.attempts + 1)
        )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            return None
        row = session.get(OutboxMessage, outbox_id)
        assert row is not None
        officer = session.get(Officer, row.officer_id)
        name = officer.name if officer else ""
        attempts = row.attempts
        session.expunge(row)
    try:
        backend.send(build_message(row, settings=settings, officer_name=name), row)
    except TemporaryFailure as exc:
        if attempts >= MAX_ATTEMPTS:
            return _record(
                outbox_id,
                engine,
                OutboxState.FAILED,
                f"gave up after {attempts} attempts: {exc}",
                now,
            )
        retry_at = now + backoff(attempts)
        with write_session(engine) as session:
            session.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == outbox_id)
                .values(next_attempt_at=retry_at, sending_until=None, last_error=str(exc)[:2000])
            )
        log.warning("digest %s to %s: %s; retrying at %s", outbox_id, row.to_address, exc, retry_at)
        return Delivery(outbox_id, "retry", str(exc))
    except PermanentFailure as exc:
        log.error("digest %s to %s refused: %s", outbox_id, row.to_address, exc)
        return _record(outbox_id, engine, OutboxState.FAILED, str(exc), now)
    except (ValueError, UnicodeError) as exc:  # a message that cannot be built as it stands
        reason = f"cannot build the message: {type(exc).__name__}: {exc}"
        log.error("digest %s to %s: %s", outbox_id, row.to_address, reason)
        return _record(outbox_id, engine, OutboxState.FAILED, reason, now)
    return _record(outbox_id, engine, OutboxState.SENT, "", now)


def _record(
    outbox_id: int, engine: Engine, state: OutboxState, error: str, now: datetime
) -> Delivery:
    with write_session(engine) as session:
        session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == outbox_id)
            .values(
                state=state,
                sending_until=None,
                last_error=error[:2000],
                sent_at=now if state is OutboxState.SENT else None,
            )
        )
    return Delivery(outbox_id, state.value, error)


@dataclass(frozen=True)
class DigestRun:
    composed: list[int]
    deliveries: list[Delivery]

    @property
    def sent(self) -> int:
        return sum(1 for delivery in self.deliveries if delivery.state == "sent")

    def __str__(self) -> str:
        return f"{len(self.composed)} composed, {self.sent} sent"


def compose_and_send(*, engine: Engine, settings: Settings, now: datetime) -> DigestRun:
    """What `digest due` and the scheduler's daily run do: compose the digests due now (once
    per officer and period), then send every queued message whose time has come."""
    composed = compose_due(engine=engine, settings=settings, now=now)
    deliveries = send_queued(
        engine=engine, settings=settings, backend=make_backend(settings), now=now
    )
    return DigestRun(composed, deliveries)


def list_outbox(
    *, session: Session, state: OutboxState | None = None
) -> list[tuple[OutboxMessage, str]]:
    """Messages, newest first, each with its officer's name."""
    query = (
        select(OutboxMessage, Officer.name)
        .join(Officer, col(Officer.id) == OutboxMessage.officer_id)
        .order_by(col(OutboxMessage.id).desc())
    )
    if state is not None:
        query = query.where(OutboxMessage.state == state)
    return list(session.exec(query).all())


class RetryRefused(TrackerError):
    """Only a failed message can be re-queued."""


def requeue(outbox_id: int, *, engine: Engine, now: datetime) -> OutboxMessage:
    """Put a failed message back in the queue, to be tried at once, keeping its Message-ID."""
    with write_session(engine) as session:
        row = session.get(OutboxMessage, outbox_id)
        if row is None:
            raise NotFound("outbox.missing", message=outbox_id).see("tracker outbox list")
        if row.state is not OutboxState.FAILED:
            state = Word(f"outbox_state.{row.state.value}")
            raise RetryRefused("outbox.not_failed", message=outbox_id, state=state)
        row.state = OutboxState.QUEUED
        row.next_attempt_at = now
        row.attempts = 0
        row.last_error = ""
        session.add(row)
        session.flush()
        session.expunge(row)
    return row
