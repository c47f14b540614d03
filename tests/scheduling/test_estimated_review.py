"""A review report comes on its own when nobody has recorded the next 2+2: built before the end
the cadence estimates, marked estimated, and built again only when the real date moves far."""

from __future__ import annotations

import subprocess
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tracker.config import Settings
from tracker.db import read_session
from tracker.models import Agreement, MeetingCreate, Report
from tracker.scheduling.runner import Runner
from tracker.services.due import REVIEW, planned_units
from tracker.services.lookup import find_mechanism
from tracker.services.meetings import add_meeting

SEOUL = ZoneInfo("Asia/Seoul")
ESTIMATED_END = date(2027, 10, 30)  # the seed was signed 2025-10-30; the 2+2 is biennial


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=SEOUL)


def record_2plus2(engine: Engine, day: date, *, today: date) -> None:
    with Session(engine) as session:
        mechanism = find_mechanism("2+2", session=session)
        assert mechanism.id is not None
        add_meeting(
            mechanism,
            MeetingCreate(mechanism_id=mechanism.id, held_on=day),
            session=session,
            actor="officer",
            today=today,
        )
        session.commit()


def run_days(runner: Runner, start: date, end: date) -> list[tuple[date, str]]:
    built = []
    day = start
    while day <= end:
        for outcome in runner.run_due(now=at(day), kinds=(REVIEW,)):
            assert outcome.state == "done", outcome
            built.append((day, outcome.unit.period))
        day += timedelta(days=1)
    return built


def reviews(engine: Engine) -> list[Report]:
    with read_session(engine) as session:
        return list(session.exec(select(Report).order_by(col(Report.id))).all())


def test_with_no_meeting_recorded_the_plan_shows_a_review_before_the_estimated_end(
    session: Session, seed: Agreement, settings: Settings
) -> None:
    units = planned_units(
        session=session, settings=settings, start=date(2027, 1, 1), end=date(2027, 12, 31)
    )
    assert [(u.due_at.date(), u.period) for u in units if u.kind == REVIEW] == [
        (date(2027, 9, 30), "2027-10-30#cycle-1-estimated")
    ]


@pytest.mark.slow  # renders two review reports over two simulated years
def test_an_estimated_review_is_built_once_and_again_only_when_the_real_date_moves_far(
    seed: Agreement, engine: Engine, settings: Settings
) -> None:
    runner = Runner(engine=engine, settings=settings)
    try:
        first = run_days(runner, date(2026, 12, 1), date(2027, 10, 31))
        assert first == [(date(2027, 9, 30), "2027-10-30#cycle-1-estimated")]
        cover = _text(settings, reviews(engine)[0])
        assert "예정(추정)" in cover  # the cycle's end is an estimate, and the report says so

        # The 2+2 is recorded on 2027-11-01 for 2027-12-09: 40 days later than estimated.
        record_2plus2(engine, ESTIMATED_END + timedelta(days=40), today=date(2027, 11, 1))
        second = run_days(runner, date(2027, 11, 1), date(2028, 10, 31))
    finally:
        runner.close()
    meeting_day = ESTIMATED_END + timedelta(days=40)
    assert [day for day, _ in second] == [meeting_day - timedelta(days=30)]
    assert second[0][1].startswith(f"{meeting_day.isoformat()}#meeting-")
    assert [(r.kind.value, r.version) for r in reviews(engine)] == [("review", 1), ("review", 2)]


@pytest.mark.slow  # renders a review report
def test_a_meeting_recorded_near_the_estimate_builds_no_second_review(
    seed: Agreement, engine: Engine, settings: Settings
) -> None:
    runner = Runner(engine=engine, settings=settings)
    try:
        assert run_days(runner, date(2027, 9, 29), date(2027, 9, 30)) == [
            (date(2027, 9, 30), "2027-10-30#cycle-1-estimated")
        ]
        near = ESTIMATED_END + timedelta(days=settings.schedule.rebuild_after_days)
        record_2plus2(engine, near, today=date(2027, 10, 1))
        assert run_days(runner, date(2027, 10, 1), near) == []
    finally:
        runner.close()
    assert len(reviews(engine)) == 1


def _text(settings: Settings, report: Report) -> str:
    path = settings.resolve(settings.paths.reports) / report.path
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
