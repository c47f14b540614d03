"""Meetings of mechanisms: recording a past or planned meeting, changing it, finding one.

A held meeting of the mechanism that bounds review cycles rolls them over (`cycles`); a meeting
may not fall inside a closed cycle, and one that ends a cycle moves only between its neighbours.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from tracker.errors import NotFound, TrackerError
from tracker.models import Mechanism, Meeting, MeetingCreate, MeetingUpdate, ReviewCycle
from tracker.services.changes import record_change
from tracker.services.cycles import bounded_by, roll_cycles_over


class MeetingRefused(TrackerError):
    """A meeting that cannot be recorded as given."""


def add_meeting(
    mechanism: Mechanism,
    data: MeetingCreate,
    *,
    session: Session,
    actor: str,
    today: date,
) -> Meeting:
    """Record a past (held) or planned meeting; a held one rolls review cycles over."""
    _check_meeting_date(data.held_on, planned=data.planned, today=today)
    if not data.planned:
        _refuse_inside_closed_cycle(mechanism, data.held_on, session=session)
    existing = session.exec(
        select(Meeting).where(Meeting.mechanism_id == mechanism.id, Meeting.held_on == data.held_on)
    ).first()
    if existing is not None:
        raise MeetingRefused(
            "meeting.exists", mechanism=mechanism.name, on=data.held_on, id=existing.id
        ).see(f"tracker meetings update {existing.id}")
    meeting = Meeting.model_validate(data, update={"mechanism_id": mechanism.id})
    session.add(meeting)
    try:
        session.flush()
    except IntegrityError:
        raise MeetingRefused(
            "meeting.exists_on", mechanism=mechanism.name, on=data.held_on
        ) from None
    assert meeting.id is not None
    record_change(
        session, "meeting", meeting.id, "added", actor, _meeting_facts(mechanism, meeting)
    )
    if not meeting.planned:
        roll_cycles_over(meeting, session=session, actor=actor)
    return meeting


def update_meeting(
    meeting: Meeting, change: MeetingUpdate, *, session: Session, actor: str, today: date
) -> Meeting:
    """Set the real date, place or title, or mark a planned meeting as held. Only what differs
    from the meeting is a change: a form sent back as it was writes nothing, not even a change
    record."""
    values = {
        name: value
        for name, value in change.model_dump(exclude_unset=True, exclude_none=True).items()
        if getattr(meeting, name) != value
    }
    if not values:
        return meeting
    held_on = values.get("held_on", meeting.held_on)
    planned = values.get("planned", meeting.planned)
    _check_meeting_date(held_on, planned=planned, today=today, moved=held_on != meeting.held_on)
    was_planned = meeting.planned
    if not was_planned:
        _move_boundaries(meeting, held_on, planned=planned, session=session)
    elif not planned:
        _refuse_inside_closed_cycle(
            _mechanism_of(meeting, session=session), held_on, session=session
        )
    for name, value in values.items():
        setattr(meeting, name, value)
    session.add(meeting)
    try:
        session.flush()
    except IntegrityError:
        raise MeetingRefused("meeting.exists_that_day", on=held_on) from None
    mechanism = session.get(Mechanism, meeting.mechanism_id)
    assert mechanism is not None and meeting.id is not None
    record_change(
        session,
        "meeting",
        meeting.id,
        "updated",
        actor,
        _meeting_facts(mechanism, meeting) | {"changed": sorted(values)},
    )
    if was_planned and not meeting.planned:
        roll_cycles_over(meeting, session=session, actor=actor)
    return meeting


def _mechanism_of(meeting: Meeting, *, session: Session) -> Mechanism:
    mechanism = session.get(Mechanism, meeting.mechanism_id)
    assert mechanism is not None
    return mechanism


def _refuse_inside_closed_cycle(mechanism: Mechanism, held_on: date, *, session: Session) -> None:
    """A held meeting inside a closed cycle would leave that cycle spanning two meetings."""
    assert mechanism.id is not None
    for agreement in bounded_by(mechanism.id, session=session):
        inside = session.exec(
            select(ReviewCycle).where(
                ReviewCycle.agreement_id == agreement.id,
                col(ReviewCycle.ends_on).is_not(None),
                col(ReviewCycle.starts_on) < held_on,
                col(ReviewCycle.ends_on) > held_on,
            )
        ).first()
        if inside is not None:
            raise MeetingRefused(
                "meeting.inside_closed_cycle",
                mechanism=mechanism.name,
                on=held_on,
                cycle=inside.number,
                key=agreement.key,
                start=inside.starts_on,
                end=inside.ends_on,
            )


def _move_boundaries(meeting: Meeting, held_on: date, *, planned: bool, session: Session) -> None:
    """A held meeting that ends a cycle may move within its neighbours, never back to planned."""
    for agreement in bounded_by(meeting.mechanism_id, session=session):
        closed = session.exec(
            select(ReviewCycle).where(
                ReviewCycle.agreement_id == agreement.id, ReviewCycle.ends_on == meeting.held_on
            )
        ).first()
        if closed is None:
            continue
        if planned:
            raise MeetingRefused(
                "meeting.closed_cycle", id=meeting.id, cycle=closed.number, key=agreement.key
            )
        following = session.exec(
            select(ReviewCycle).where(
                ReviewCycle.agreement_id == agreement.id,
                ReviewCycle.number == closed.number + 1,
            )
        ).one()
        latest = following.ends_on or date.max
        if not closed.starts_on < held_on < latest:
            if following.ends_on is None:
                raise MeetingRefused(
                    "meeting.ends_cycle",
                    id=meeting.id,
                    cycle=closed.number,
                    key=agreement.key,
                    after=closed.starts_on,
                )
            raise MeetingRefused(
                "meeting.ends_cycle_between",
                id=meeting.id,
                cycle=closed.number,
                key=agreement.key,
                after=closed.starts_on,
                before=following.ends_on,
            )
        closed.ends_on = following.starts_on = held_on
        session.add_all([closed, following])


MAX_YEARS_AHEAD = 30  # a date further out is a typo (9999-12-31), not a plan


def _check_meeting_date(held_on: date, *, planned: bool, today: date, moved: bool = True) -> None:
    """`moved`: the date is new (an added meeting, or a changed date), so a planned meeting
    must lie ahead; a planned meeting whose day has passed may still be edited otherwise."""
    if not planned and held_on > today:
        raise MeetingRefused("meeting.not_held_yet", on=held_on, today=today)
    if planned and moved and held_on < today:
        raise MeetingRefused("meeting.planned_in_past", on=held_on, today=today)
    if held_on.year > today.year + MAX_YEARS_AHEAD:
        raise MeetingRefused("meeting.too_far_ahead", on=held_on, years=MAX_YEARS_AHEAD)


class MeetingListed(SQLModel):
    id: int | None
    mechanism_id: int
    mechanism: str
    held_on: date
    state: str  # held, planned, or estimated (projected from the cadence; not recorded)
    place: str = ""
    title: str = ""


def find_meeting(
    reference: str, *, session: Session, mechanism: Mechanism | None = None
) -> Meeting:
    """By id, or by date (YYYY-MM-DD) within `mechanism`."""
    if reference.isdigit():
        meeting = session.get(Meeting, int(reference))
        if meeting is None or (mechanism is not None and meeting.mechanism_id != mechanism.id):
            raise NotFound("meeting.unknown", id=reference).see("tracker meetings list")
        return meeting
    try:
        day = date.fromisoformat(reference)
    except ValueError:
        raise NotFound("meeting.reference_invalid", reference=reference) from None
    if mechanism is None:
        raise NotFound("meeting.date_needs_mechanism")
    meeting = session.exec(
        select(Meeting).where(Meeting.mechanism_id == mechanism.id, Meeting.held_on == day)
    ).first()
    if meeting is None:
        raise NotFound("meeting.none_on", mechanism=mechanism.name, on=day)
    return meeting


def _meeting_facts(mechanism: Mechanism, meeting: Meeting) -> dict[str, object]:
    """What a meeting's change record keeps: facts, worded by `history.describe_change`."""
    facts: dict[str, object] = {
        "mechanism": mechanism.name,
        "mechanism_id": mechanism.id,
        "held_on": meeting.held_on.isoformat(),
        "planned": meeting.planned,
    }
    if meeting.place:
        facts["place"] = meeting.place
    return facts
