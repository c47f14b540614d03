"""The calendar's revision: a token that changes whenever what the review dates depend on does.

A review cycle ends at its bounding mechanism's next meeting, recorded or projected; working
that out for a whole portfolio takes a pass over every agreement and meeting. A long-running
process (the web server) keeps that pass while this token stands (see
`tracker.services.calendar_cache`). Every write session changes the token in the same
transaction as the write (`note_calendar_change`), so a new token is visible exactly when the
change is.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from sqlalchemy import insert, update
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import Field, Session, SQLModel, col

from tracker.models.agreement import Agreement
from tracker.models.commitment import CommitmentMechanism
from tracker.models.followup import ReviewCycle
from tracker.models.mechanism import Mechanism, Meeting

# What review dates are worked out from: agreements (their reviewing mechanism and signing
# date), mechanisms (cadence, chains), meetings, review cycles, and the links that name a
# mechanism as reviewing a commitment.
CALENDAR_ENTITIES: tuple[type[SQLModel], ...] = (
    Agreement,
    Mechanism,
    Meeting,
    ReviewCycle,
    CommitmentMechanism,
)
ROW_ID = 1


class CalendarRevision(SQLModel, table=True):
    __tablename__ = "calendar_revision"

    id: int = Field(default=ROW_ID, primary_key=True)
    token: str = Field(max_length=32)


def new_revision(session: Session) -> None:
    """Give the calendar a new token (writing the row if there is none yet)."""
    token = uuid4().hex
    changed = session.execute(
        update(CalendarRevision).where(col(CalendarRevision.id) == ROW_ID).values(token=token)
    )
    if getattr(changed, "rowcount", 0) == 0:
        session.execute(insert(CalendarRevision).values(id=ROW_ID, token=token))


def note_calendar_change(session: Session, _context: Any, _instances: Any) -> None:
    """`before_flush`: a new token when the flush writes anything review dates depend on."""
    pending = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(instance, CALENDAR_ENTITIES) for instance in pending):
        new_revision(session)


def note_calendar_statement(state: ORMExecuteState) -> None:
    """`do_orm_execute`: the same for bulk UPDATE and DELETE statements, which skip the flush."""
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is not None and issubclass(mapper.class_, CALENDAR_ENTITIES):
        new_revision(state.session)  # type: ignore[arg-type]
