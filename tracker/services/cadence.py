"""When a mechanism meets next: the recorded meeting, or the one its cadence projects.

Until an officer records the real date, a biennial or annual mechanism's next meeting is
projected from its last recorded one (or, with none, from an anchor: a cycle's start or the
signing date); a regular or ad hoc mechanism projects nothing.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from tracker.domain import Cadence
from tracker.models import Mechanism, Meeting

T = TypeVar("T")

CADENCE_MONTHS = {Cadence.BIENNIAL: 24, Cadence.ANNUAL: 12}


@dataclass(frozen=True)
class NextMeeting:
    """When a mechanism meets next: a recorded meeting, or one its cadence projects."""

    on: date
    meeting_id: int | None = None
    estimated: bool = False
    title: str = ""
    place: str = ""


def add_months(day: date, months: int) -> date:
    """`day` plus whole months; 29 February becomes 28 February in a common year."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_meeting(
    mechanism: Mechanism, *, session: Session, after: date, anchor: date | None = None
) -> NextMeeting | None:
    """The first meeting on or after `after`: a recorded one, else one projected by the cadence
    from the last recorded meeting (or, with none, from `anchor`: the cycle's start or the signing
    date); None when the cadence
    gives no interval (regular, ad hoc, unknown) and nothing is recorded."""
    recorded = session.exec(
        select(Meeting)
        .where(Meeting.mechanism_id == mechanism.id, col(Meeting.held_on) >= after)
        .order_by(col(Meeting.held_on))
    ).first()
    if recorded is not None:
        assert recorded.id is not None
        return NextMeeting(
            recorded.held_on, recorded.id, title=recorded.title, place=recorded.place
        )
    last = session.exec(
        select(col(Meeting.held_on))
        .where(Meeting.mechanism_id == mechanism.id)
        .order_by(col(Meeting.held_on).desc())
    ).first()
    # The cadence runs from the last meeting; the anchor only stands in when there is none.
    projected = project(last if last is not None else anchor, mechanism.cadence, after)
    return None if projected is None else NextMeeting(projected, estimated=True)


def project(start: date | None, cadence: Cadence, after: date) -> date | None:
    """The first date the cadence reaches from `start` that is on or after `after` (and not
    `start` itself); None when the cadence gives no interval or there is no start."""
    months = CADENCE_MONTHS.get(cadence)
    if months is None or start is None:
        return None
    projected, steps = start, 0
    while projected < after or projected == start:
        steps += 1
        projected = add_months(start, months * steps)
    return projected


class Cadenced(Protocol):
    """A mechanism as a projection reads it: an entity, or a plain row of these columns."""

    @property
    def id(self) -> int | None: ...

    @property
    def cadence(self) -> Cadence: ...


@dataclass(frozen=True)
class MeetingCalendar:
    """The recorded meetings of some mechanisms, read in one query, answering `next_meeting`
    in memory for as many dates as a portfolio-wide rule needs."""

    meetings: dict[int, list[NextMeeting]]

    @classmethod
    def read(cls, mechanisms: Sequence[Cadenced], *, session: Session) -> MeetingCalendar:
        ids = sorted({m.id for m in mechanisms if m.id is not None})
        meetings: dict[int, list[NextMeeting]] = {i: [] for i in ids}
        for chunk in chunks(ids):
            rows = session.execute(
                sa_select(
                    col(Meeting.mechanism_id),
                    col(Meeting.held_on),
                    col(Meeting.id),
                    col(Meeting.title),
                    col(Meeting.place),
                )
                .where(col(Meeting.mechanism_id).in_(chunk))
                .order_by(col(Meeting.held_on))
            ).all()
            for mechanism_id, held_on, meeting_id, title, place in rows:
                meetings[mechanism_id].append(
                    NextMeeting(held_on, meeting_id, title=title, place=place)
                )
        return cls(meetings)

    def next_meeting(
        self, mechanism: Cadenced, *, after: date, anchor: date | None = None
    ) -> NextMeeting | None:
        """As `next_meeting` answers, from the meetings read."""
        assert mechanism.id is not None
        recorded = self.meetings.get(mechanism.id, [])
        upcoming = next((m for m in recorded if m.on >= after), None)
        if upcoming is not None:
            return upcoming
        last = recorded[-1].on if recorded else None
        projected = project(last if last is not None else anchor, mechanism.cadence, after)
        return None if projected is None else NextMeeting(projected, estimated=True)


def chunks(ids: Sequence[T], size: int = 5000) -> list[Sequence[T]]:
    """Bound the parameters of one statement (PostgreSQL's driver stops at 65,535)."""
    return [ids[i : i + size] for i in range(0, len(ids), size)]
