"""The portfolio's calendar, worked out once per calendar revision and kept by the web server.

Whether a commitment is due, which meetings come next and which reports they call for all rest
on the same pass over the portfolio: every agreement's open cycle, the chains of reviewing
mechanisms, every mechanism's meetings and cadence. At 2,000 agreements that pass costs more
than the rest of a dashboard. It changes only when an agreement, mechanism, meeting, review cycle
or reviewing link does, and each such write gives the calendar a new revision token in the same
transaction (`tracker.models.revision`).

So a long-running process keeps one `PortfolioCalendar` per token (`CalendarCache`) and puts the
cache on the sessions it reads with (`attach`). Services ask `cached_calendar(session)`: with a
cache they get the calendar of the token their transaction sees (one small read, or one pass
after a change); without one (a one-shot command, a write) they get None and work the dates out
as they always did, from the same functions the calendar is built from.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from tracker.domain import Cadence, LinkRole
from tracker.models import Agreement, Commitment, CommitmentMechanism, Mechanism, Meeting
from tracker.models.revision import ROW_ID, CalendarRevision
from tracker.services.cadence import MeetingCalendar, NextMeeting, project
from tracker.services.cycles import (
    BoundedAgreement,
    CycleAnchor,
    bounded_agreements,
    open_cycle_ends,
)
from tracker.services.mechanisms import MechanismSummary, mechanism_summaries
from tracker.services.meetings import MeetingListed

SESSION_KEY = "tracker.calendar_cache"


@dataclass(frozen=True)
class AgreementAnchor:
    """What the calendar keeps of an agreement: enough to name it and to place its cycles."""

    id: int
    key: str
    review_mechanism_id: int | None
    signed_on: date | None
    imported_at: datetime


@dataclass(frozen=True)
class MechanismCadence:
    """A mechanism as the projections read it."""

    id: int
    name: str
    cadence: Cadence


@dataclass(frozen=True)
class PortfolioCalendar:
    """Every date the attention rule and the meeting lists derive, for the whole portfolio."""

    ends: dict[int, tuple[int | None, NextMeeting | None]]  # agreement → (bounding id, end)
    bounded: dict[int, list[AgreementAnchor]]  # bounding mechanism → agreements it bounds
    mechanisms: list[MechanismCadence]  # by id
    summaries: list[MechanismSummary]  # by id
    recorded: list[MeetingListed]  # every recorded meeting, by date
    meetings: MeetingCalendar  # every mechanism's recorded meetings
    reviewers: list[MechanismCadence]  # mechanisms linked as reviewing some commitment

    @classmethod
    def read(cls, *, session: Session) -> PortfolioCalendar:
        # One read of the agreements serves both the cycle rules and the report schedule.
        anchors = [
            AgreementAnchor(*row)
            for row in session.execute(
                sa_select(
                    col(Agreement.id),
                    col(Agreement.key),
                    col(Agreement.review_mechanism_id),
                    col(Agreement.signed_on),
                    col(Agreement.imported_at),
                ).order_by(col(Agreement.id))
            ).all()
        ]
        ends = open_cycle_ends(cast(Sequence[CycleAnchor], anchors), session=session)
        bounded: dict[int, list[AgreementAnchor]] = {}
        for anchor in anchors:
            bounding = ends[anchor.id][0]
            if bounding is not None and bounding.id is not None:
                bounded.setdefault(bounding.id, []).append(anchor)
        mechanisms = [
            MechanismCadence(*row)
            for row in session.execute(
                sa_select(col(Mechanism.id), col(Mechanism.name), col(Mechanism.cadence)).order_by(
                    col(Mechanism.id)
                )
            ).all()
        ]
        reviewing = set(linked_reviewer_ids(session=session))
        return cls(
            ends={
                agreement_id: (bounding.id if bounding is not None else None, end)
                for agreement_id, (bounding, end) in ends.items()
            },
            bounded=bounded,
            mechanisms=mechanisms,
            summaries=mechanism_summaries(session=session),
            recorded=recorded_meetings(session=session),
            meetings=MeetingCalendar.read(mechanisms, session=session),
            reviewers=[m for m in mechanisms if m.id in reviewing],
        )

    def cycle_end_dates(self) -> dict[int, date]:
        """Agreement id → when its open review cycle ends (where anything says)."""
        return {i: end.on for i, (_, end) in self.ends.items() if end is not None}


def estimated_ends(
    ends: Iterable[tuple[int | None, NextMeeting | None]],
) -> dict[int, list[date]]:
    """Bounding mechanism id → the projected (not recorded) ends of the cycles it bounds."""
    found: dict[int, list[date]] = {}
    for bounding, end in ends:
        if bounding is not None and end is not None and end.estimated:
            found.setdefault(bounding, []).append(end.on)
    return found


class CalendarCache:
    """One process's `PortfolioCalendar`, kept while the revision token stands. Safe to share
    between the threads of a server: one thread works a new calendar out, the others wait."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: tuple[str, PortfolioCalendar] | None = None

    def attach(self, session: Session) -> Session:
        session.info[SESSION_KEY] = self
        return session

    def current(self, session: Session) -> PortfolioCalendar:
        token = session.execute(
            sa_select(col(CalendarRevision.token)).where(col(CalendarRevision.id) == ROW_ID)
        ).scalar_one_or_none()
        with self._lock:
            if token is not None and self._held is not None and self._held[0] == token:
                return self._held[1]
            calendar = PortfolioCalendar.read(session=session)
            # No token (a database no write has touched yet): nothing to key it by.
            self._held = (token, calendar) if token is not None else None
            return calendar


def cached_calendar(session: Session) -> PortfolioCalendar | None:
    """The portfolio's calendar, when the session's process keeps one."""
    cache = session.info.get(SESSION_KEY)
    return cache.current(session) if isinstance(cache, CalendarCache) else None


def recorded_meetings(
    *, session: Session, mechanism_ids: Collection[int] | None = None
) -> list[MeetingListed]:
    """Recorded meetings (of `mechanism_ids`, or of all) as plain rows, by date."""
    query = (
        sa_select(
            col(Meeting.id),
            col(Meeting.mechanism_id),
            col(Mechanism.name),
            col(Meeting.held_on),
            col(Meeting.planned),
            col(Meeting.place),
            col(Meeting.title),
        )
        .join(Mechanism, col(Mechanism.id) == Meeting.mechanism_id)
        .order_by(col(Meeting.held_on), col(Meeting.id))
    )
    if mechanism_ids is not None:
        query = query.where(col(Meeting.mechanism_id).in_(sorted(mechanism_ids)))
    return [
        MeetingListed(
            id=meeting_id,
            mechanism_id=mechanism_id,
            mechanism=name,
            held_on=held_on,
            state="planned" if planned else "held",
            place=place,
            title=title,
        )
        for meeting_id, mechanism_id, name, held_on, planned, place, title in session.execute(
            query
        ).all()
    ]


def linked_reviewer_ids(
    *, session: Session, agreement_ids: Sequence[int] | None = None
) -> list[int]:
    """Mechanisms linked as reviewing some commitment (of `agreement_ids`, or any)."""
    links = select(CommitmentMechanism.mechanism_id).where(
        CommitmentMechanism.role == LinkRole.REVIEWS
    )
    if agreement_ids is not None:
        links = links.join(
            Commitment, col(Commitment.id) == col(CommitmentMechanism.commitment_id)
        ).where(col(Commitment.agreement_id).in_(agreement_ids))
    return sorted(set(session.exec(links.distinct()).all()))


def bounding(*, session: Session) -> Mapping[int, Sequence[BoundedAgreement]]:
    """Mechanism id → the agreements whose review cycles its meetings bound."""
    calendar = cached_calendar(session)
    if calendar is not None:
        return calendar.bounded
    return bounded_agreements(session=session)


def list_meetings(
    *,
    session: Session,
    today: date,
    mechanism: Mechanism | None = None,
    since: date | None = None,
    until: date | None = None,
    mechanism_ids: Collection[int] | None = None,
) -> list[MeetingListed]:
    """Recorded meetings by date (of `mechanism`, of `mechanism_ids`, or of all), plus each
    mechanism's projected next meeting where no future one is recorded (the reviewing
    mechanism of an agreement projects from its open cycle)."""
    wanted: set[int] | None = None if mechanism_ids is None else set(mechanism_ids)
    if mechanism is not None and mechanism.id is not None:
        wanted = {mechanism.id} & wanted if wanted is not None else {mechanism.id}
    calendar = cached_calendar(session)
    if calendar is not None:
        rows = [r for r in calendar.recorded if wanted is None or r.mechanism_id in wanted]
        candidates = [m for m in calendar.mechanisms if wanted is None or m.id in wanted]
        estimated = estimated_ends(calendar.ends.values())
    else:
        rows = recorded_meetings(session=session, mechanism_ids=wanted)
        query = sa_select(col(Mechanism.id), col(Mechanism.name), col(Mechanism.cadence))
        if wanted is not None:
            query = query.where(col(Mechanism.id).in_(sorted(wanted)))
        candidates = [
            MechanismCadence(*row) for row in session.execute(query.order_by(col(Mechanism.id)))
        ]
        everyone = [
            agreement
            for agreements in bounded_agreements(session=session, mechanism_ids=wanted).values()
            for agreement in agreements
        ]
        estimated = estimated_ends(
            (top.id if top is not None else None, end)
            for top, end in open_cycle_ends(everyone, session=session).values()
        )
    listed = list(rows)
    recorded: dict[int, list[date]] = {}
    for row in rows:
        recorded.setdefault(row.mechanism_id, []).append(row.held_on)
    for candidate in candidates:
        projected = _projected_meeting(
            candidate.cadence,
            estimated.get(candidate.id, []),
            recorded.get(candidate.id, []),
            today=today,
        )
        if projected is not None:
            listed.append(
                MeetingListed(
                    id=None,
                    mechanism_id=candidate.id,
                    mechanism=candidate.name,
                    held_on=projected,
                    state="estimated",
                )
            )
    return sorted(
        (
            row
            for row in listed
            if (since is None or row.held_on >= since) and (until is None or row.held_on <= until)
        ),
        key=lambda row: (row.held_on, row.mechanism, row.id or 0),
    )


def _projected_meeting(
    cadence: Cadence, cycle_ends: Sequence[date], recorded: Sequence[date], *, today: date
) -> date | None:
    """The estimated next meeting of a mechanism meeting at `cadence` (whose recorded meeting
    dates are `recorded`):
    the end of an open cycle it bounds (`cycle_ends`, estimated ones), or its cadence from its
    last meeting; None when a future meeting is recorded or nothing can be projected."""
    ends = list(cycle_ends)
    if not any(day >= today for day in recorded):  # a recorded future meeting comes first
        by_cadence = project(max(recorded, default=None), cadence, today)
        ends += [by_cadence] if by_cadence is not None else []
    return min(ends, default=None)
