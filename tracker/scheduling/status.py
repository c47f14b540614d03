"""What the scheduler did and will do: `tracker scheduler status` and `plan`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from tracker.config import Settings
from tracker.models import JobRun
from tracker.services.due import BRIEF, DIGESTS, REVIEW, STALE, Unit, planned_units


@dataclass(frozen=True)
class KindStatus:
    kind: str
    last_done: JobRun | None
    next_due: Unit | None
    failing: list[JobRun]


def scheduler_status(*, session: Session, settings: Settings, now: datetime) -> list[KindStatus]:
    today = now.astimezone(settings.tz).date()
    upcoming = planned_units(
        session=session, settings=settings, start=today, end=today + timedelta(days=800)
    )
    statuses = []
    for kind in (REVIEW, BRIEF, STALE, DIGESTS):
        last = session.exec(
            select(JobRun)
            .where(JobRun.kind == kind, col(JobRun.finished_at).is_not(None))
            .order_by(col(JobRun.finished_at).desc())
        ).first()
        failing = session.exec(
            select(JobRun)
            .where(JobRun.kind == kind, col(JobRun.finished_at).is_(None), JobRun.last_error != "")
            .order_by(col(JobRun.due_at))
        ).all()
        following = next((u for u in upcoming if u.kind == kind and u.due_at > now), None)
        statuses.append(KindStatus(kind, last, following, list(failing)))
    return statuses


def plan(*, session: Session, settings: Settings, start: date, end: date) -> list[Unit]:
    """What would run between two days, and why; runs nothing."""
    if end < start:
        raise ValueError(f"--to {end} is before --from {start}")
    return planned_units(session=session, settings=settings, start=start, end=end)
