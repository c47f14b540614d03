"""`tracker scheduler run`: the one scheduler process.

APScheduler only wakes the process up ("check now", every `check_seconds` and once at start for
the catch-up); the database decides what is due and the ledger makes each unit run once. Its
job store is in memory on purpose: a job store cannot be shared by two schedulers, and nothing
about what is due lives in it. One process per database: on PostgreSQL an advisory lock held
on a dedicated connection, on SQLite an flock on a file beside the database; both die with
the process.
"""

from __future__ import annotations

import fcntl
import logging
import os
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import text
from sqlalchemy.engine import Engine

from tracker.config import Settings
from tracker.errors import TrackerError, Word
from tracker.models import utcnow
from tracker.scheduling.runner import Runner

log = logging.getLogger("tracker.scheduler")
# pg_advisory_lock keys: "trak" for tracker's scheduler, and the schema, so installations in
# different schemas of one database each get their own scheduler.
ADVISORY_KEY = 0x7472_616B
CHECK_JOB_ID = "check-due-work"


class SchedulerBusy(TrackerError):
    """Another scheduler already works against this database."""


@contextmanager
def single_instance(engine: Engine, settings: Settings) -> Iterator[None]:
    """Hold the one-scheduler lock for the life of the block, or refuse saying who holds it."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            got = connection.execute(
                text("SELECT pg_try_advisory_lock(:key, hashtext(current_schema()))"),
                {"key": ADVISORY_KEY},
            ).scalar()
            if not got:
                raise SchedulerBusy("scheduler.busy_postgres")
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
        return
    path = Path(f"{settings.sqlite_path or 'tracker'}.scheduler.lock")
    handle: IO[str] = path.open("a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or Word("scheduler.holder_unknown")
            raise SchedulerBusy("scheduler.busy", holder=holder, lock=path) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {utcnow().isoformat(timespec='seconds')}\n")
        handle.flush()
        yield
    finally:
        handle.close()


def run_scheduler(
    *,
    engine: Engine,
    settings: Settings,
    check_seconds: float = 60.0,
    once: bool = False,
    clock: Callable[[], datetime] = utcnow,
) -> None:
    """Check at start (catching up), then every `check_seconds`, until SIGTERM or SIGINT."""
    runner = Runner(engine=engine, settings=settings)
    with single_instance(engine, settings):
        try:
            if once:
                runner.run_due(now=clock())
                return
            scheduler = BlockingScheduler(
                timezone=settings.tz,
                job_defaults={
                    "coalesce": True,
                    "max_instances": 1,
                    "misfire_grace_time": settings.schedule.misfire_grace_seconds,
                },
            )
            scheduler.add_job(
                lambda: runner.run_due(now=clock()),
                IntervalTrigger(seconds=check_seconds, timezone=settings.tz),
                id=CHECK_JOB_ID,
                replace_existing=True,
                next_run_time=datetime.now(settings.tz),  # the catch-up check, right away
            )

            def stop(signum: int, _frame: Any) -> None:
                log.info(
                    "received %s; stopping after the unit of work under way",
                    signal.Signals(signum).name,
                )
                runner.stopping.set()
                # Wait for the check under way (it stops before its next unit), so the lock
                # is released only once no work is left running.
                scheduler.shutdown(wait=True)

            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
            log.info("scheduler started: checking every %g s", check_seconds)
            scheduler.start()
            log.info("scheduler stopped")
        finally:
            runner.close()
