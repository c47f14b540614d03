"""The audit log as administrators read it: the change record, status updates and generated
reports in one list, newest first. Each source is append-only already; this only reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

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

SOURCES = ("change", "status", "report")


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

    @property
    def link(self) -> str:
        """The page of what changed, when it has one."""
        if self.entity == "commitment" and ":" in self.subject:
            return f"/commitments/{self.subject}"
        if self.entity == "agreement" and " " not in self.subject:
            return f"/agreements/{self.subject}"
        return ""


def audit_log(
    *, session: Session, where: AuditFilter, timezone: ZoneInfo, limit: int = 200
) -> list[AuditEntry]:
    """At most `limit` entries, newest first."""
    start = _utc(where.since, timezone) if where.since else None
    end = _utc(where.until + timedelta(days=1), timezone) if where.until else None
    entries = [
        *_changes(session, where, start, end, limit),
        *_status_updates(session, where, start, end, limit),
        *_reports(session, where, start, end, limit),
    ]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)[:limit]


def _utc(day: date, timezone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=timezone)


def _changes(
    session: Session, where: AuditFilter, start: datetime | None, end: datetime | None, limit: int
) -> list[AuditEntry]:
    if where.entity in ("report",):
        return []
    query = select(ChangeRecord)
    if where.entity:
        query = query.where(ChangeRecord.entity == where.entity)
    query = _within(query, where, ChangeRecord.actor, ChangeRecord.at, start, end, limit)
    rows = session.exec(query).all()
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
        )
        for row in rows
    ]


def _status_updates(
    session: Session, where: AuditFilter, start: datetime | None, end: datetime | None, limit: int
) -> list[AuditEntry]:
    if where.entity not in (None, "commitment"):
        return []
    query = (
        select(StatusUpdate, Commitment.ref, Agreement.key)
        .join(Commitment, col(Commitment.id) == StatusUpdate.commitment_id)
        .join(Agreement, col(Agreement.id) == Commitment.agreement_id)
    )
    query = _within(query, where, StatusUpdate.author, StatusUpdate.recorded_at, start, end, limit)
    rows = session.exec(query).all()
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
        )
        for update, ref, key in rows
    ]


def _reports(
    session: Session, where: AuditFilter, start: datetime | None, end: datetime | None, limit: int
) -> list[AuditEntry]:
    if where.entity not in (None, "report"):
        return []
    query = _within(
        select(Report), where, Report.generated_by, Report.generated_at, start, end, limit
    )
    rows = session.exec(query).all()
    return [
        AuditEntry(
            at=report.generated_at,
            actor=report.generated_by,
            entity="report",
            subject=report.path,
            action="generated",
            detail={"pages": report.pages, "sha256": report.sha256[:12]},
        )
        for report in rows
    ]


def _within(
    query: Any,  # a select() of any shape
    where: AuditFilter,
    actor: Any,
    at: Any,
    start: datetime | None,
    end: datetime | None,
    limit: int,
) -> Any:
    """`query` narrowed to who did it and when, newest first, at most `limit` rows."""
    if where.actor:
        query = query.where(col(actor).ilike(f"%{where.actor}%"))
    if start:
        query = query.where(col(at) >= start)
    if end:
        query = query.where(col(at) < end)
    return query.order_by(col(at).desc()).limit(limit)


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
