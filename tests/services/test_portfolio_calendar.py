"""The web server keeps the portfolio's calendar between requests: what it answers from the
kept calendar is what it would have worked out afresh, and a write that moves a review date
is seen by the very next request, while a status update (the frequent write) keeps it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.factories import import_seed
from tests.services.test_attention_sql import DAYS, POLICY, portfolio, python_rules
from tracker.db import read_session, write_session
from tracker.domain import LinkRole
from tracker.models import (
    CalendarRevision,
    Commitment,
    CommitmentMechanism,
    MeetingCreate,
    StatusUpdateCreate,
)
from tracker.services.attention import attention_for
from tracker.services.calendar_feed import agenda
from tracker.services.lookup import find_commitment, find_mechanism
from tracker.services.meetings import add_meeting
from tracker.services.portfolio_calendar import CalendarCache, list_meetings
from tracker.services.status_updates import record_status_update

__all__ = ["portfolio"]  # the fixture, shared with the SQL-versus-Python comparison


def token(engine: Engine) -> str:
    with read_session(engine) as session:
        return session.exec(select(CalendarRevision.token)).one()


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_the_kept_calendar_flags_and_lists_as_a_fresh_one(
    engine: Engine, portfolio: None, today: date
) -> None:
    cache = CalendarCache()
    with read_session(engine) as fresh, read_session(engine) as kept:
        cache.attach(kept)
        tracked = fresh.exec(select(Commitment).where(col(Commitment.tracked))).all()
        expected = python_rules(fresh, today)
        assert attention_for(tracked, session=kept, policy=POLICY, today=today) == expected
        # Asked twice: the second answer comes from the kept calendar.
        assert attention_for(tracked, session=kept, policy=POLICY, today=today) == expected
        for since in (None, today):
            assert list_meetings(session=kept, today=today, since=since) == list_meetings(
                session=fresh, today=today, since=since
            )
        some = {m.mechanism_id for m in list_meetings(session=fresh, today=today)}
        wanted = set(sorted(some)[:2])
        assert list_meetings(session=kept, today=today, mechanism_ids=wanted) == list_meetings(
            session=fresh, today=today, mechanism_ids=wanted
        )


def test_a_recorded_meeting_is_seen_by_the_next_read_and_a_status_update_keeps_the_calendar(
    engine: Engine, settings: object
) -> None:
    with Session(engine) as session:
        import_seed(session)
    cache = CalendarCache()
    today = date(2027, 1, 1)

    def two_plus_two_meetings() -> list[tuple[date, str]]:
        with read_session(engine) as session:
            cache.attach(session)
            mechanism = find_mechanism("2+2", session=session)
            return [
                (m.held_on, m.state)
                for m in list_meetings(session=session, today=today, mechanism=mechanism)
            ]

    assert [state for _, state in two_plus_two_meetings()] == ["estimated"]
    before = token(engine)

    with write_session(engine) as session:
        commitment = find_commitment("kr-ca-2025:1.1", session=session)
        record_status_update(
            commitment,
            StatusUpdateCreate(status="in_progress", as_of=today - timedelta(days=1)),
            session=session,
            policy=POLICY,
            author="담당관",
            today=today,
        )
    assert token(engine) == before  # the calendar a server keeps outlives a status update

    with write_session(engine) as session:
        mechanism = find_mechanism("2+2", session=session)
        assert mechanism.id is not None
        add_meeting(
            mechanism,
            MeetingCreate(mechanism_id=mechanism.id, held_on=date(2027, 2, 25), place="오타와"),
            session=session,
            actor="담당관",
            today=today,
        )
    assert token(engine) != before
    assert two_plus_two_meetings() == [(date(2027, 2, 25), "planned")]


def test_a_bulk_delete_of_reviewing_links_gives_a_new_revision(engine: Engine) -> None:
    with Session(engine) as session:
        import_seed(session)
    before = token(engine)
    with write_session(engine) as session:
        session.execute(
            delete(CommitmentMechanism).where(col(CommitmentMechanism.role) == LinkRole.REVIEWS)
        )
    assert token(engine) != before


def test_the_agenda_names_the_same_reports_from_the_kept_calendar(
    engine: Engine, settings: object
) -> None:
    from tracker.config import Settings

    assert isinstance(settings, Settings)
    with Session(engine) as session:
        import_seed(session)
    today = date(2026, 12, 1)
    with read_session(engine) as fresh, read_session(engine) as kept:
        CalendarCache().attach(kept)
        expected = agenda(session=fresh, settings=settings, today=today)
        assert [m.reports for m in expected if m.reports]  # reports are there to compare
        assert agenda(session=kept, settings=settings, today=today) == expected
