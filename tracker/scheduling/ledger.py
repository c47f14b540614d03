"""Claim, then act: a unit of work is claimed in the ledger before any side effect.

A claim is an INSERT that does nothing on conflict, or an UPDATE that takes over a claim whose
lease ran out; both work on SQLite (which ignores SELECT ... FOR UPDATE) and PostgreSQL. The
claim commits on its own, before the work starts, so a second scheduler, a manual run or a
restart sees it.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tracker.db import write_session
from tracker.models import JobRun, utcnow
from tracker.services.due import Unit

# A unit that failed this many times (raised an error; a killed process does not count) is
# left for an operator: `scheduler status` shows it with its last error.
MAX_FAILURES = 5


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(unit: Unit, *, engine: Engine, now: datetime, lease: timedelta) -> JobRun | None:
    """The ledger row, claimed for us for `lease` from now (the wall clock, or `now` when that
    is later, as in simulations); None if it is done, held by a live claim, or has failed too
    often. `attempts` counts failures only: a process killed mid-way is no failure of the work."""
    lease_until = max(now, utcnow()) + lease
    with write_session(engine) as session:
        insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        values = {
            "kind": unit.kind,
            "period": unit.period,
            "subject": unit.subject,
            "due_at": unit.due_at,
            "attempts": 0,
            "claimed_by": "",
            "result": "",
            "last_error": "",
        }
        session.execute(
            insert(JobRun)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["kind", "period", "subject"])
        )
        taken = session.execute(
            update(JobRun)
            .where(
                col(JobRun.kind) == unit.kind,
                col(JobRun.period) == unit.period,
                col(JobRun.subject) == unit.subject,
                col(JobRun.finished_at).is_(None),
                col(JobRun.attempts) < MAX_FAILURES,
                col(JobRun.lease_until).is_(None) | (col(JobRun.lease_until) < now),
            )
            .values(claimed_at=now, lease_until=lease_until, claimed_by=worker_name())
        )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            return None
        row = _row(session, unit)
        assert row is not None
        session.expunge(row)  # keep its values readable once the claim has committed
        return row


def finish(run: JobRun, *, session: Session, now: datetime, result: str) -> None:
    """Mark `run` done in the caller's transaction: the one that also stores what it made, so
    the work and its "done" commit together or not at all."""
    session.execute(
        update(JobRun)
        .where(col(JobRun.id) == run.id)
        .values(finished_at=now, result=result[:500], last_error="", lease_until=None)
    )


def fail(run: JobRun, *, engine: Engine, error: str) -> None:
    """Record the failure and release the lease, so the next check tries again."""
    with write_session(engine) as session:
        session.execute(
            update(JobRun)
            .where(col(JobRun.id) == run.id)
            .values(last_error=error[:2000], lease_until=None, attempts=JobRun.attempts + 1)
        )


def _row(session: Session, unit: Unit) -> JobRun | None:
    return session.exec(
        select(JobRun).where(
            JobRun.kind == unit.kind, JobRun.period == unit.period, JobRun.subject == unit.subject
        )
    ).first()
