"""Prometheus metrics: what the web servers answered, and what the tracker did.

Requests are counted per route template (`/commitments/{reference}`, never the raw path: one
series per route, not per commitment), method and status class, with their latency.

What the tracker did is counted from the database's side, without a line in the services: a
listener on every SQLAlchemy session notes, as a transaction writes them, new status updates
and reports, outbox messages turning `sent`, and ledger units finished or failed (with how
late a finished unit ran: finished minus due), and counts them when the transaction commits;
a rollback counts nothing. Whichever process does the work counts it: a web server (a status
update, a report built on the reports page) or `tracker scheduler run` (due reports, digests,
its runs).

`tracker serve --workers K` runs K processes; each keeps its counts in a folder named by
`PROMETHEUS_MULTIPROC_DIR` (prometheus-client's multiprocess mode), which `tracker serve`
makes empty before the workers start and removes when they stop, so /metrics from any worker
adds up all of them. One worker keeps its counts in memory.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from tempfile import mkdtemp
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import and_, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql.dml import Update
from sqlmodel import col
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tracker.domain import OutboxState
from tracker.models import JobRun, OutboxMessage, Report, StatusUpdate

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED = "unmatched"  # a path no route takes: one series, whatever was asked
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUESTS = Counter(
    "tracker_http_requests",
    "HTTP requests answered, by route template, method and status class.",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "tracker_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template and method.",
    ["route", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
STATUS_UPDATES = Counter(
    "tracker_status_updates",
    "Status updates recorded, by progress status.",
    ["status"],
)
REPORTS = Counter(
    "tracker_reports_built",
    "Report files built (one per format of a generation), by kind and format.",
    ["kind", "format"],
)
DIGESTS = Counter("tracker_digests_sent", "Digest emails the mail server accepted.")
SCHEDULER_RUNS = Counter(
    "tracker_scheduler_runs",
    "Units of scheduled work ended, by kind and outcome (done or failed).",
    ["kind", "outcome"],
)
SCHEDULER_LAG = Histogram(
    "tracker_scheduler_lag_seconds",
    "How late a finished unit of scheduled work ran: finished minus due, by kind.",
    ["kind"],
    buckets=(1, 10, 60, 300, 900, 3600, 6 * 3600, 86400, 7 * 86400),
)


# -- requests -----------------------------------------------------------------------------


def route_template(scope: Scope, endpoints: dict[Any, str]) -> str:
    """The template of the route that took a request (after the app answered it): FastAPI's
    own routes leave themselves in the scope (under a mount, its path first, as `/api`);
    plain Starlette routes (the static files) are known by their endpoint."""
    route = scope.get("route")
    if route is not None and hasattr(route, "path"):
        return f"{scope.get('root_path', '')}{route.path}"
    return endpoints.get(scope.get("endpoint"), UNMATCHED)


class RequestMetrics:
    """Counts and times each HTTP request by its route template (see `route_template`)."""

    def __init__(self, app: ASGIApp, endpoints: dict[Any, str]) -> None:
        self.app = app
        self.endpoints = endpoints

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = route_template(scope, self.endpoints)
            # Any name is a method to the HTTP parser: unknown ones share one series, or a
            # client could add series without end.
            method = scope["method"] if scope["method"] in METHODS else "other"
            REQUESTS.labels(route, method, f"{status // 100}xx").inc()
            LATENCY.labels(route, method).observe(time.perf_counter() - started)


# -- what the tracker did -------------------------------------------------------------------

_PENDING = "tracker.metrics.pending"


# One thing to count once its transaction commits.
Event = Callable[[], None]


def _pending(session: Session) -> list[Event]:
    return session.info.setdefault(_PENDING, [])  # type: ignore[no-any-return]


def _note_new_rows(session: Session, _context: Any) -> None:
    """`after_flush`: new status updates and reports (the session still lists them as new)."""
    for row in session.new:
        if isinstance(row, StatusUpdate):
            _pending(session).append(STATUS_UPDATES.labels(row.status).inc)
        elif isinstance(row, Report):
            _pending(session).append(REPORTS.labels(_value(row.kind), _value(row.format)).inc)


def _note_bulk_updates(state: ORMExecuteState) -> None:
    """`do_orm_execute`: the sender and the ledger change their rows by UPDATE statements,
    which no flush sees; the rows such a statement is about to change are read first, with
    its own WHERE, in its own transaction."""
    statement = state.statement
    if not state.is_update or not isinstance(statement, Update):
        return
    table = getattr(statement.table, "name", None)
    values = {
        getattr(column, "key", column): value for column, value in (statement._values or {}).items()
    }
    if table == OutboxMessage.__tablename__ and "state" in values:
        if _literal(values["state"]) is OutboxState.SENT:
            changed = state.session.execute(
                select(col(OutboxMessage.id)).where(statement.whereclause)  # type: ignore[arg-type]
            ).all()
            _pending(state.session).extend(DIGESTS.inc for _ in changed)
    elif table == JobRun.__tablename__ and ("finished_at" in values or "last_error" in values):
        finished = _literal(values["finished_at"]) if "finished_at" in values else None
        if finished is None and not _literal(values.get("last_error")):
            return  # a claim or a release, not an end
        units = state.session.execute(
            select(col(JobRun.kind), col(JobRun.due_at)).where(statement.whereclause)  # type: ignore[arg-type]
        ).all()
        for kind, due_at in units:
            _pending(state.session).append(_unit_ended(kind, due_at, finished))


def _unit_ended(kind: str, due_at: datetime, finished: Any) -> Event:
    def count() -> None:
        if isinstance(finished, datetime):
            SCHEDULER_RUNS.labels(kind, "done").inc()
            SCHEDULER_LAG.labels(kind).observe(max(0.0, (finished - due_at).total_seconds()))
        else:
            SCHEDULER_RUNS.labels(kind, "failed").inc()

    return count


def _count_committed(session: Session) -> None:
    for noted in session.info.pop(_PENDING, []):
        noted()


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_PENDING, None)


LISTENERS: tuple[tuple[str, Callable[..., Any]], ...] = (
    ("after_flush", _note_new_rows),
    ("do_orm_execute", _note_bulk_updates),
    ("after_commit", _count_committed),
    ("after_rollback", _forget),
)


def count_domain_events() -> None:
    """Listen on every session of this process (once, however often it is called)."""
    for name, listener in LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def stop_counting_domain_events() -> None:
    for name, listener in LISTENERS:
        if event.contains(Session, name, listener):
            event.remove(Session, name, listener)


def _literal(value: Any) -> Any:
    """The Python value of an UPDATE's `values(...)` entry (a bound parameter, else itself)."""
    return getattr(value, "value", value)


def _value(choice: Any) -> str:
    return str(getattr(choice, "value", choice))


# -- exposition -----------------------------------------------------------------------------


def exposition(engine: Engine | None = None) -> tuple[bytes, str]:
    """The text /metrics answers: this process's counts, or every worker's when they share a
    multiprocess folder; with `engine`, also what the ledger and the outbox say (`Ledger`)."""
    if os.environ.get(MULTIPROCESS_ENV):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    if engine is not None:
        ledger = CollectorRegistry()
        ledger.register(Ledger(engine))
        body += generate_latest(ledger)
    return body, CONTENT_TYPE_LATEST


class Ledger:
    """What the scheduler has done, read from the database at each scrape, so any web server
    shows it (the scheduler runs on one machine, with no /metrics of its own): units of work
    ended by kind and outcome, when each kind last finished (alert when the daily stale check
    is over a day old: the scheduler is down), and digests by outbox state. Two grouped
    queries over small tables (a few rows a day)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[Metric]:
        units = GaugeMetricFamily(
            "tracker_scheduler_units",
            "Units of scheduled work in the ledger, by kind and outcome (done, failed, running).",
            labels=["kind", "outcome"],
        )
        last = GaugeMetricFamily(
            "tracker_scheduler_last_finished_timestamp_seconds",
            "When a unit of this kind last finished (Unix time).",
            labels=["kind"],
        )
        outbox = GaugeMetricFamily(
            "tracker_outbox_messages", "Digest emails in the outbox, by state.", labels=["state"]
        )
        finished = col(JobRun.finished_at).is_not(None)
        failed = and_(col(JobRun.finished_at).is_(None), col(JobRun.last_error) != "")
        with self.engine.connect() as connection:
            for kind, done, broken, total, latest in connection.execute(
                select(
                    col(JobRun.kind),
                    func.count().filter(finished),
                    func.count().filter(failed),
                    func.count(),
                    func.max(col(JobRun.finished_at)),
                ).group_by(col(JobRun.kind))
            ):
                units.add_metric([kind, "done"], done)
                units.add_metric([kind, "failed"], broken)
                units.add_metric([kind, "running"], total - done - broken)
                if latest is not None:
                    when = latest if latest.tzinfo else latest.replace(tzinfo=UTC)
                    last.add_metric([kind], when.timestamp())
            for state, count in connection.execute(
                select(col(OutboxMessage.state), func.count()).group_by(col(OutboxMessage.state))
            ):
                outbox.add_metric([_value(state)], count)
        yield from (units, last, outbox)


@contextmanager
def shared_between_workers() -> Iterator[Path]:
    """A fresh, empty multiprocess folder for the workers about to start (named to them by
    the environment they inherit), removed with its counts when they have stopped: a restart
    starts counting from zero, as a single process does."""
    import shutil

    folder = Path(mkdtemp(prefix="tracker-metrics-"))
    before = os.environ.get(MULTIPROCESS_ENV)
    os.environ[MULTIPROCESS_ENV] = str(folder)
    try:
        yield folder
    finally:
        if before is None:
            os.environ.pop(MULTIPROCESS_ENV, None)
        else:
            os.environ[MULTIPROCESS_ENV] = before
        shutil.rmtree(folder, ignore_errors=True)
