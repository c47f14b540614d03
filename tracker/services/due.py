"""What is due: the database decides; the scheduler, `tracker report due` and the calendar feed
only ask (so it is a rule of the services, below all three).

- a review report for an agreement, `schedule.report_lead_days` before each recorded meeting of
  the mechanism that bounds its cycles (for the seed, each 2+2), until the meeting has passed;
- while no meeting ends an agreement's open cycle, a review report the same lead before the end
  its cadence estimates (period `END#cycle-N-estimated`; the report marks the date estimated).
  Once that one is built, a meeting later recorded within `schedule.rebuild_after_days` of the
  estimate builds nothing more; one further off builds a new version before the real date;
- a pre-meeting brief for every other recorded meeting of a mechanism that follows tracked
  commitments, on the same lead;
- the daily stale check, at `schedule.stale_check_time`;
- composing the digests due that day, at `schedule.digest_time`.
Every unit is named by (kind, period, subject), the key the ledger makes unique; a meeting
whose date changes is a new period, so its report is built again for the new date.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from tracker.clock import local_moment
from tracker.config import Settings
from tracker.models import (
    Commitment,
    CommitmentMechanism,
    JobRun,
    Mechanism,
    Meeting,
    ReviewCycle,
)
from tracker.services.cadence import chunks
from tracker.services.cycles import BoundedAgreement, bounded_agreements, open_cycle_ends

REVIEW = "review_report"
BRIEF = "brief"
STALE = "stale_check"
DIGESTS = "digests"
# A scheduler down longer than this does not replay every daily check it missed.
CATCH_UP_DAYS = 30


@dataclass(frozen=True)
class Unit:
    """One unit of work: what, for which period, about whom; due at `due_at`."""

    kind: str
    period: str
    subject: str
    due_at: datetime
    reason: str = ""


def due_units(*, session: Session, settings: Settings, now: datetime) -> list[Unit]:
    """Every unit whose time has come by `now`: reports whose meeting has not passed, and each
    daily check since the last one done (at most `CATCH_UP_DAYS` back)."""
    today = now.astimezone(settings.tz).date()
    last = session.exec(
        select(JobRun.period)
        .where(JobRun.kind == STALE, col(JobRun.finished_at).is_not(None))
        .order_by(col(JobRun.period).desc())
    ).first()
    start = today  # a first run starts today; later runs replay what they missed
    if last is not None:
        start = max(
            today - timedelta(days=CATCH_UP_DAYS), date.fromisoformat(last) + timedelta(days=1)
        )
    units = [u for u in _stale_checks(settings, start, today) if u.due_at <= now]
    units += [u for u in _digest_runs(settings, today, today) if u.due_at <= now]
    units += [
        u
        for u in review_units(session=session, settings=settings)
        if u.due_at <= now and _upcoming(u, today)
    ]
    return sorted(units, key=lambda u: (u.due_at, u.kind, u.subject))


def planned_units(*, session: Session, settings: Settings, start: date, end: date) -> list[Unit]:
    """Units falling due between `start` and `end` (local days, inclusive), by due time."""
    zone = settings.tz
    first = local_moment(start, "00:00", zone)
    last = local_moment(end + timedelta(days=1), "00:00", zone)
    units = [
        u for u in review_units(session=session, settings=settings) if first <= u.due_at < last
    ]
    units += list(_stale_checks(settings, start, end))
    units += list(_digest_runs(settings, start, end))
    return sorted(units, key=lambda u: (u.due_at, u.kind, u.subject))


def meeting_units(
    *,
    session: Session,
    settings: Settings,
    bounded: Mapping[int, Sequence[BoundedAgreement]] | None = None,
    meeting_ids: Collection[int] | None = None,
) -> list[Unit]:
    """The report of every recorded meeting (of `meeting_ids`, or all): a review before each
    meeting of a mechanism that bounds review cycles (one per agreement), a brief before other
    followed mechanisms'. `bounded` is `bounded_agreements`, when the caller has read it."""
    lead = timedelta(days=settings.schedule.report_lead_days)
    zone = settings.tz
    if bounded is None:
        bounded = bounded_agreements(session=session)
    meetings = select(Meeting).order_by(col(Meeting.held_on))
    if meeting_ids is not None:
        meetings = meetings.where(col(Meeting.id).in_(sorted(meeting_ids)))
    found = session.exec(meetings).all()
    # Which of these meetings' mechanisms follow a tracked commitment: asked of them only.
    # (EXISTS per mechanism: it stops at the first tracked commitment, where a join would read
    # every link of a mechanism that follows thousands.)
    following = set(
        session.exec(
            select(Mechanism.id).where(
                col(Mechanism.id).in_(sorted({m.mechanism_id for m in found} - bounded.keys())),
                select(CommitmentMechanism.commitment_id)
                .join(Commitment, col(Commitment.id) == CommitmentMechanism.commitment_id)
                .where(
                    col(Commitment.tracked).is_(True),
                    col(CommitmentMechanism.mechanism_id) == Mechanism.id,
                )
                .exists(),
            )
        ).all()
    )
    units = []
    for meeting in found:
        period = f"{meeting.held_on.isoformat()}#meeting-{meeting.id}"
        due_at = local_moment(meeting.held_on - lead, "00:00", zone)
        if meeting.mechanism_id in bounded:
            units += [
                Unit(REVIEW, period, agreement.key, due_at, f"meeting {meeting.held_on}")
                for agreement in bounded[meeting.mechanism_id]
            ]
        elif meeting.mechanism_id in following:
            units.append(
                Unit(
                    BRIEF,
                    period,
                    f"mechanism-{meeting.mechanism_id}",
                    due_at,
                    f"meeting {meeting.held_on}",
                )
            )
    return units


def review_units(*, session: Session, settings: Settings) -> list[Unit]:
    """The reports the scheduler builds: each recorded meeting's (`meeting_units`), and each
    open cycle's on its estimated end, less a recorded meeting's review that an estimated one
    already built stands for (the date moved by `schedule.rebuild_after_days` or less)."""
    bounded = bounded_agreements(session=session)
    units = meeting_units(session=session, settings=settings, bounded=bounded)
    estimated = estimated_units(session=session, settings=settings, bounded=bounded)
    built = _estimates_built(
        session=session, subjects={u.subject for u in units if u.kind == REVIEW}
    )
    window = timedelta(days=settings.schedule.rebuild_after_days)
    kept = [
        u
        for u in units
        if u.kind != REVIEW
        or not any(abs(_day_of(u) - day) <= window for day in built.get(u.subject, ()))
    ]
    return kept + estimated


def estimated_units(
    *,
    session: Session,
    settings: Settings,
    bounded: Mapping[int, Sequence[BoundedAgreement]],
) -> list[Unit]:
    """A review report before the estimated end of each open cycle no recorded meeting ends."""
    agreements = list({a.id: a for group in bounded.values() for a in group}.values())
    ids = [a.id for a in agreements if a.id is not None]
    numbers: dict[int, int] = {}
    for chunk in chunks(ids):
        numbers.update(
            session.exec(
                select(col(ReviewCycle.agreement_id), col(ReviewCycle.number)).where(
                    col(ReviewCycle.agreement_id).in_(chunk), col(ReviewCycle.ends_on).is_(None)
                )
            ).all()
        )
    ends = open_cycle_ends(agreements, session=session)  # type: ignore[arg-type]
    lead = timedelta(days=settings.schedule.report_lead_days)
    units = []
    for agreement in agreements:
        assert agreement.id is not None
        _, end = ends.get(agreement.id, (None, None))
        if end is None or not end.estimated:
            continue
        number = numbers.get(agreement.id, 1)
        units.append(
            Unit(
                REVIEW,
                f"{end.on.isoformat()}#cycle-{number}-estimated",
                agreement.key,
                local_moment(end.on - lead, "00:00", settings.tz),
                f"estimated end of review cycle {number}, {end.on}",
            )
        )
    return units


def _estimates_built(*, session: Session, subjects: Collection[str]) -> dict[str, list[date]]:
    """Agreement key -> the estimated ends its built review reports were made for."""
    built: dict[str, list[date]] = {}
    for chunk in chunks(sorted(subjects)):
        for subject, period in session.exec(
            select(JobRun.subject, JobRun.period).where(
                JobRun.kind == REVIEW,
                col(JobRun.subject).in_(chunk),
                col(JobRun.period).like("%-estimated"),
                col(JobRun.finished_at).is_not(None),
            )
        ).all():
            built.setdefault(subject, []).append(date.fromisoformat(period.split("#", 1)[0]))
    return built


def _day_of(unit: Unit) -> date:
    return date.fromisoformat(unit.period.split("#", 1)[0])


def _stale_checks(settings: Settings, start: date, end: date) -> Iterator[Unit]:
    return _daily(STALE, settings.schedule.stale_check_time, "daily", settings, start, end)


def _digest_runs(settings: Settings, start: date, end: date) -> Iterator[Unit]:
    """Each day at `schedule.digest_time`, compose what is due: weekly digests on
    `schedule.digest_weekday`, daily ones every day (each officer's own period, once)."""
    return _daily(
        DIGESTS, settings.schedule.digest_time, "daily and weekly digests", settings, start, end
    )


def _daily(
    kind: str, clock: str, reason: str, settings: Settings, start: date, end: date
) -> Iterator[Unit]:
    day = start
    while day <= end:
        yield Unit(kind, day.isoformat(), "all", local_moment(day, clock, settings.tz), reason)
        day += timedelta(days=1)


def _upcoming(unit: Unit, today: date) -> bool:
    """A meeting's report is only worth building until the meeting day."""
    return _day_of(unit) >= today
