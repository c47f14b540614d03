"""The audit log as administrators read it: the change record, status updates and generated
reports in one list, newest first. Each source is append-only already; this only reads.

The log pages by keyset over (at, source, id), newest first: each source is read in that
order after the cursor, `limit + 1` rows at most, and the three are merged, so a page costs
the same at the start of the log as deep inside it, and new entries never shift a reader's
next page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from heapq import merge
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from tracker.models import (
    Account,
    Agreement,
    ChangeRecord,
    Commitment,
    Officer,
    Report,
    StatusUpdate,
)
from tracker.services.paging import BadCursor, CursorKey, Page, PageRequest, page_of

SOURCES = ("change", "status", "report")
CURSOR_WIDTH = 3  # (at, source, id): newest first, then by source and row, all descending
BATCH = 500  # rows read from each source at a time while streaming


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None  # part of the name or login, any case
    entity: str | None = None  # account, agreement, commitment, meeting, officer, report
    since: date | None = None  # local days, inclusive
    until: date | None = None


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    entity: str
    subject: str  # "kr-ca-2025:7.1", "account 3", ...
    action: str
    detail: dict[str, Any]
    reason: str = ""
    source: str = ""  # which record it was read from: change, status or report
    source_id: int = 0  # that record's id

    @property
    def link(self) -> str:
        """The page of what changed, when it has one."""
        if self.entity == "commitment" and ":" in self.subject:
            return f"/commitments/{self.subject}"
        if self.entity == "agreement" and " " not in self.subject:
            return f"/agreements/{self.subject}"
        return ""

    @property
    def key(self) -> CursorKey:
        return (self.at.isoformat(), self.source, self.source_id)


@dataclass(frozen=True)
class _Window:
    """What every source is narrowed to: the filter, as UTC instants, and the cursor."""

    where: AuditFilter
    start: datetime | None
    end: datetime | None
    after: tuple[datetime, str, int] | None


def page_of_audit_log(
    *, session: Session, where: AuditFilter, timezone: ZoneInfo, page: PageRequest
) -> Page[AuditEntry]:
    """One page, newest first: at most `limit + 1` rows read from each source and merged."""
    entries = list(
        islice(
            audit_entries(
                session=session,
                where=where,
                timezone=timezone,
                after=page.after,
                batch=page.limit + 1,
            ),
            page.limit + 1,
        )
    )
    return page_of(entries, page, lambda entry: entry.key)


def audit_log(
    *, session: Session, where: AuditFilter, timezone: ZoneInfo, limit: int = 200
) -> list[AuditEntry]:
    """At most `limit` entries, newest first."""
    return list(
        islice(audit_entries(session=session, where=where, timezone=timezone, batch=limit), limit)
    )


def audit_entries(
    *,
    session: Session,
    where: AuditFilter,
    timezone: ZoneInfo,
    after: CursorKey | None = None,
    batch: int = BATCH,
) -> Iterator[AuditEntry]:
    """Every entry after `after` (a page's cursor key), newest first, read `batch` rows at a
    time from each source by keyset and merged: the whole log streams in bounded memory."""
    window = _Window(
        where,
        _utc(where.since, timezone) if where.since else None,
        _utc(where.until + timedelta(days=1), timezone) if where.until else None,
        _parse_key(after) if after is not None else None,
    )
    streams = [
        _stream(reader, session, window, batch)
        for kind, reader in (
            ("change", _changes),
            ("status", _status_updates),
            ("report", _reports),
        )
        if _wanted(kind, where)
    ]
    return merge(
        *streams, key=lambda entry: (entry.at, entry.source, entry.source_id), reverse=True
    )


def _wanted(kind: str, where: AuditFilter) -> bool:
    if where.entity is None:
        return True
    return {
        "change": where.entity != "report",
        "status": where.entity == "commitment",
        "report": where.entity == "report",
    }[kind]


def _parse_key(key: CursorKey) -> tuple[datetime, str, int]:
    at, source, source_id = key
    moment = None
    if isinstance(at, str) and source in SOURCES and isinstance(source_id, int):
        try:
            moment = datetime.fromisoformat(at)
        except ValueError:
            moment = None
    if moment is None or moment.tzinfo is None:
        raise BadCursor("audit.bad_cursor")
    return moment, str(source), int(source_id or 0)


Reader = Callable[[Session, _Window, int], list[AuditEntry]]


def _stream(read: Reader, session: Session, window: _Window, batch: int) -> Iterator[AuditEntry]:
    while True:
        rows = read(session, window, batch)
        yield from rows
        if len(rows) < batch:
            return
        last = rows[-1]
        window = replace(window, after=(last.at, last.source, last.source_id))


def _utc(day: date, timezone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=timezone)


def _changes(session: Session, window: _Window, batch: int) -> list[AuditEntry]:
    query = select(ChangeRecord)
    if window.where.entity:
        query = query.where(ChangeRecord.entity == window.where.entity)
    query = _within(query, window, "change", ChangeRecord.actor, ChangeRecord.at, ChangeRecord.id)
    rows = session.exec(query.limit(batch)).all()
    names = _subjects(session, rows)
    return [
        AuditEntry(
            at=row.at,
            actor=row.actor,
            entity=row.entity,
            subject=names.get((row.entity, row.entity_id), f"{row.entity} {row.entity_id}"),
            action=row.action,
            detail=dict(row.detail),
            reason=row.reason,
            source="change",
            source_id=row.id or 0,
        )
        for row in rows
    ]


def _status_updates(session: Session, window: _Window, batch: int) -> list[AuditEntry]:
    query = (
        select(StatusUpdate, Commitment.ref, Agreement.key)
        .join(Commitment, col(Commitment.id) == StatusUpdate.commitment_id)
        .join(Agreement, col(Agreement.id) == Commitment.agreement_id)
    )
    query = _within(
        query, window, "status", StatusUpdate.author, StatusUpdate.recorded_at, StatusUpdate.id
    )
    rows = session.exec(query.limit(batch)).all()
    return [
        AuditEntry(
            at=update.recorded_at,
            actor=update.author,
            entity="commitment",
            subject=f"{key}:{ref}",
            action="correction" if update.corrects_id else "status",
            detail={
                "status": update.status,
                "as of": update.as_of.isoformat(),
                "note": update.narrative,
                "source": update.source.value,
            },
            source="status",
            source_id=update.id or 0,
        )
        for update, ref, key in rows
    ]


def _reports(session: Session, window: _Window, batch: int) -> list[AuditEntry]:
    query = _within(
        select(Report), window, "report", Report.generated_by, Report.generated_at, Report.id
    )
    rows = session.exec(query.limit(batch)).all()
    return [
        AuditEntry(
            at=report.generated_at,
            actor=report.generated_by,
            entity="report",
            subject=report.path,
            action="generated",
            detail={"pages": report.pages, "sha256": report.sha256[:12]},
            source="report",
            source_id=report.id or 0,
        )
        for report in rows
    ]


def _within(query: Any, window: _Window, source: str, actor: Any, at: Any, row_id: Any) -> Any:
    """`query` narrowed to who did it and when, and to the rows after the cursor in the log's
    order (at, source, id descending), newest first."""
    where = window.where
    if where.actor:
        query = query.where(col(actor).ilike(f"%{where.actor}%"))
    if window.start:
        query = query.where(col(at) >= window.start)
    if window.end:
        query = query.where(col(at) < window.end)
    if window.after is not None:
        last_at, last_source, last_id = window.after
        if source < last_source:  # this source's rows at the same instant come after
            query = query.where(col(at) <= last_at)
        elif source > last_source:
            query = query.where(col(at) < last_at)
        else:
            query = query.where(
                or_(col(at) < last_at, and_(col(at) == last_at, col(row_id) < last_id))
            )
    return query.order_by(col(at).desc(), col(row_id).desc())


def _subjects(session: Session, rows: Any) -> dict[tuple[str, int], str]:
    """Readable names for the commitments and agreements among `rows`."""
    ids = {entity: {r.entity_id for r in rows if r.entity == entity} for entity in SUBJECTS}
    names: dict[tuple[str, int], str] = {}
    if ids["commitment"]:
        for commitment_id, ref, key in session.exec(
            select(Commitment.id, Commitment.ref, Agreement.key)
            .join(Agreement, col(Agreement.id) == Commitment.agreement_id)
            .where(col(Commitment.id).in_(ids["commitment"]))
        ).all():
            names["commitment", commitment_id or 0] = f"{key}:{ref}"
    if ids["agreement"]:
        for agreement_id, key in session.exec(
            select(Agreement.id, Agreement.key).where(col(Agreement.id).in_(ids["agreement"]))
        ).all():
            names["agreement", agreement_id or 0] = key
    if ids["account"]:
        for account_id, login in session.exec(
            select(Account.id, Account.login).where(col(Account.id).in_(ids["account"]))
        ).all():
            names["account", account_id or 0] = f"account {login}"
    if ids["officer"]:
        for officer_id, name in session.exec(
            select(Officer.id, Officer.name).where(col(Officer.id).in_(ids["officer"]))
        ).all():
            names["officer", officer_id or 0] = f"officer {name}"
    return names


SUBJECTS = ("commitment", "agreement", "account", "officer")
