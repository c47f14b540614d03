"""Run what is due, each unit claimed first and marked done in the transaction that stores it.

A crash between claim and finish leaves the claim to expire; the next check takes it up again.
A crash after the PDF was renamed into place but before the commit leaves a complete file that
the retry overwrites under the same version: never a partial PDF, never two registry rows.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker.config import Settings
from tracker.db import read_session, write_session
from tracker.digests.mailer import make_backend
from tracker.digests.sender import Delivery, compose_and_send, send_queued
from tracker.models import JobRun, Report
from tracker.reports import generate
from tracker.reports.render import PdfRenderer
from tracker.scheduling.ledger import claim, fail, finish
from tracker.scheduling.stale import mark_stale
from tracker.services import report_registry
from tracker.services.due import BRIEF, DIGESTS, REVIEW, STALE, Unit, due_units
from tracker.services.policy import FollowUpPolicy
from tracker.storage import make_store

log = logging.getLogger("tracker.scheduler")
# Work this much past its time is logged as late (a catch-up after downtime).
LATE = timedelta(minutes=5)


@dataclass(frozen=True)
class Outcome:
    unit: Unit
    state: str  # done or failed
    late_by: timedelta
    result: str = ""


class Runner:
    """Does units of work; keeps one warm PDF renderer for all the reports of a check."""

    def __init__(self, *, engine: Engine, settings: Settings, actor: str = "scheduler") -> None:
        self.engine = engine
        self.settings = settings
        self.actor = actor
        self._renderer: PdfRenderer | None = None
        # Set by a signal: the check under way stops before its next unit of work.
        self.stopping = threading.Event()

    def close(self) -> None:
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None

    def run_due(self, *, now: datetime, kinds: Iterable[str] | None = None) -> list[Outcome]:
        with read_session(self.engine) as session:
            units = due_units(session=session, settings=self.settings, now=now)
        wanted = set(kinds) if kinds is not None else None
        outcomes: list[Outcome] = []
        for unit in units:
            if self.stopping.is_set():
                return outcomes
            if wanted is not None and unit.kind not in wanted:
                continue
            if (outcome := self.run_one(unit, now=now)) is not None:
                outcomes.append(outcome)
        if wanted is None:
            self.deliver(now=now)  # retries of temporary failures fall due between runs
        return outcomes

    def deliver(self, *, now: datetime) -> list[Delivery]:
        return send_queued(
            engine=self.engine, settings=self.settings, backend=make_backend(self.settings), now=now
        )

    def run_one(self, unit: Unit, *, now: datetime) -> Outcome | None:
        lease = timedelta(seconds=self.settings.schedule.lease_seconds)
        run = claim(unit, engine=self.engine, now=now, lease=lease)
        if run is None:
            return None  # done already, held by a live claim, or failed too often
        late = now - unit.due_at
        if late > LATE:
            log.warning(
                "%s %s for %s is late by %s (due %s)",
                unit.kind,
                unit.period,
                unit.subject,
                _duration(late),
                unit.due_at.isoformat(),
            )
        try:
            result = self._work(unit, run, now=now)
        except Exception as exc:
            fail(run, engine=self.engine, error=f"{type(exc).__name__}: {exc}")
            log.error("%s %s for %s failed: %s", unit.kind, unit.period, unit.subject, exc)
            return Outcome(unit, "failed", late, str(exc))
        log.info("%s %s for %s done: %s", unit.kind, unit.period, unit.subject, result)
        return Outcome(unit, "done", late, result)

    def _work(self, unit: Unit, run: JobRun, *, now: datetime) -> str:
        handlers: dict[str, Callable[[Unit, JobRun, datetime], str]] = {
            REVIEW: self._review,
            BRIEF: self._brief,
            STALE: self._stale,
            DIGESTS: self._digests,
        }
        return handlers[unit.kind](unit, run, now)

    def _review(self, unit: Unit, run: JobRun, now: datetime) -> str:
        with read_session(self.engine) as session:
            prepared = generate.prepare_review(
                unit.subject, session=session, settings=self.settings, today=self._day(now)
            )
        return self._store(prepared, run, now)

    def _brief(self, unit: Unit, run: JobRun, now: datetime) -> str:
        mechanism = unit.subject.removeprefix("mechanism-")
        meeting = unit.period.split("#meeting-", 1)[1]
        with read_session(self.engine) as session:
            prepared = generate.prepare_brief(
                mechanism, meeting, session=session, settings=self.settings, today=self._day(now)
            )
        return self._store(prepared, run, now)

    def _store(self, prepared: generate.PreparedReport, run: JobRun, now: datetime) -> str:
        """Every format of `reports.formats` as one version, and the run finished with it."""
        renditions = generate.render_report(
            prepared, self.settings.reports.formats, pdf_renderer=self._renderer_for
        )
        store = make_store(self.settings, self.engine).reports
        done: list[str] = []

        def finish_run(session: Session, reports: list[Report]) -> None:
            done.extend(report_registry.report_location(r, store) for r in reports)
            finish(run, session=session, now=now, result=", ".join(done))

        generate.save_reports(
            prepared,
            renditions,
            engine=self.engine,
            store=store,
            actor=self.actor,
            also=finish_run,
        )
        return ", ".join(done)

    def _stale(self, unit: Unit, run: JobRun, now: datetime) -> str:
        policy = FollowUpPolicy.from_settings(self.settings)
        with write_session(self.engine) as session:
            marked = mark_stale(session=session, policy=policy, day=self._day(now))
            finish(run, session=session, now=now, result=f"{marked} newly stale")
        return f"{marked} newly stale"

    def _digests(self, unit: Unit, run: JobRun, now: datetime) -> str:
        done = compose_and_send(engine=self.engine, settings=self.settings, now=now)
        with write_session(self.engine) as session:
            finish(run, session=session, now=now, result=str(done))
        return str(done)

    def _renderer_for(self) -> PdfRenderer:
        if self._renderer is None:
            self._renderer = generate.make_renderer(self.settings)
        return self._renderer

    def _day(self, now: datetime) -> date:
        return now.astimezone(self.settings.tz).date()


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{minutes}m"]
    return " ".join(p for p in parts if p)
