"""What is due and when, exactly once: the ledger, two simulated years, and a catch-up."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tracker.config import Settings
from tracker.db import read_session
from tracker.domain import ReportFormat
from tracker.models import Agreement, ChangeRecord, JobRun, MeetingCreate, Report
from tracker.scheduling.ledger import MAX_FAILURES, claim, fail, finish
from tracker.scheduling.runner import Runner
from tracker.services.due import BRIEF, DIGESTS, REVIEW, STALE, Unit, planned_units
from tracker.services.lookup import find_mechanism
from tracker.services.meetings import add_meeting

SEOUL = ZoneInfo("Asia/Seoul")


def at(day: date, hour: int = 9, zone: ZoneInfo = SEOUL) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=zone)


def plan_meetings(session: Session, meetings: list[tuple[str, date]]) -> None:
    for name, day in meetings:
        mechanism = find_mechanism(name, session=session)
        assert mechanism.id is not None
        add_meeting(
            mechanism,
            MeetingCreate(mechanism_id=mechanism.id, held_on=day),
            session=session,
            actor="test",
            today=date(2026, 11, 26),
        )
    session.commit()


def test_a_unit_is_claimed_once_retaken_after_its_lease_and_never_after_it_is_done(
    engine: Engine,
) -> None:
    unit = Unit("stale_check", "2027-01-05", "all", datetime(2027, 1, 4, 21, tzinfo=UTC))
    now = datetime(2027, 1, 5, tzinfo=UTC)
    lease = timedelta(minutes=15)
    first = claim(unit, engine=engine, now=now, lease=lease)
    assert first is not None
    assert claim(unit, engine=engine, now=now + timedelta(minutes=5), lease=lease) is None
    retaken = claim(unit, engine=engine, now=now + timedelta(minutes=16), lease=lease)
    assert retaken is not None and retaken.attempts == 0  # a lost claim is no failure
    with Session(engine) as session:
        finish(retaken, session=session, now=now, result="ok")
        session.commit()
    assert claim(unit, engine=engine, now=now + timedelta(days=1), lease=lease) is None


@pytest.mark.slow  # renders every report of two years: over ten seconds
def test_two_simulated_years_build_each_report_once_on_its_day(
    session: Session, seed: Agreement, engine: Engine, settings: Settings
) -> None:
    plan_meetings(
        session,
        [
            ("외교·국방 정책 대화", date(2027, 3, 4)),
            ("2+2", date(2027, 10, 14)),
            ("외교·국방 정책 대화", date(2028, 2, 29)),  # a leap day, 30 days' lead
        ],
    )
    runner = Runner(engine=engine, settings=settings)
    built: list[tuple[date, str, str]] = []
    try:
        day = date(2026, 12, 1)
        while day <= date(2028, 11, 30):
            for outcome in runner.run_due(now=at(day), kinds=(REVIEW, BRIEF)):
                assert outcome.state == "done", outcome
                built.append((day, outcome.unit.kind, outcome.unit.subject))
            day += timedelta(days=1)
    finally:
        runner.close()
    dialogue = find_mechanism("외교·국방 정책 대화", session=session).id
    assert built == [
        (date(2027, 2, 2), BRIEF, f"mechanism-{dialogue}"),
        (date(2027, 9, 14), REVIEW, "kr-ca-2025"),
        (date(2028, 1, 30), BRIEF, f"mechanism-{dialogue}"),
    ]
    with read_session(engine) as reading:
        reports = reading.exec(select(Report).order_by(col(Report.id))).all()
    assert [(r.kind.value, r.generated_by, r.version) for r in reports] == [
        ("brief", "scheduler", 1),
        ("review", "scheduler", 1),
        ("brief", "scheduler", 1),
    ]
    for report in reports:
        assert (settings.resolve(settings.paths.reports) / report.path).read_bytes()[:4] == b"%PDF"


def test_days_that_daylight_saving_skips_or_repeats_keep_one_check_each(
    session: Session, settings: Settings
) -> None:
    toronto = settings.model_copy(
        update={"general": settings.general.model_copy(update={"timezone": "America/Toronto"})}
    )
    units = planned_units(
        session=session, settings=toronto, start=date(2027, 3, 13), end=date(2027, 11, 8)
    )
    checks = [u for u in units if u.kind == STALE]
    assert len(checks) == (date(2027, 11, 8) - date(2027, 3, 13)).days + 1
    local = {u.period: u.due_at.astimezone(ZoneInfo("America/Toronto")) for u in checks}
    assert local["2027-03-14"].hour == local["2027-11-07"].hour == 6  # DST starts / ends
    assert local["2027-03-14"].utcoffset() != local["2027-11-07"].utcoffset()


def test_a_scheduler_down_for_three_days_runs_each_missed_check_once_and_says_how_late(
    session: Session,
    seed: Agreement,
    engine: Engine,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    runner = Runner(engine=engine, settings=settings)
    try:
        first = runner.run_due(now=at(date(2027, 1, 10)))
        assert [(o.unit.kind, o.unit.period) for o in first] == [
            (STALE, "2027-01-10"),
            (DIGESTS, "2027-01-10"),  # digests go out for today only: they cover the gap
        ]
        with caplog.at_level(logging.WARNING, logger="tracker.scheduler"):
            again = [
                o
                for o in runner.run_due(now=at(date(2027, 1, 13), hour=12))
                if o.unit.kind == STALE
            ]
        assert [(o.unit.period, o.state) for o in again] == [
            ("2027-01-11", "done"),
            ("2027-01-12", "done"),
            ("2027-01-13", "done"),
        ]
        assert [o.late_by for o in again] == [
            timedelta(days=2, hours=6),
            timedelta(days=1, hours=6),
            timedelta(hours=6),
        ]
        assert "stale_check 2027-01-11 for all is late by 2d 6h 0m" in caplog.text
        assert runner.run_due(now=at(date(2027, 1, 13), hour=13)) == []
    finally:
        runner.close()
    with read_session(engine) as reading:
        periods = reading.exec(
            select(JobRun.period).where(JobRun.kind == STALE).order_by(col(JobRun.period))
        ).all()
    assert periods == ["2027-01-10", "2027-01-11", "2027-01-12", "2027-01-13"]


def test_the_daily_check_marks_a_commitment_stale_once_until_it_is_updated_again(
    session: Session, seed: Agreement, engine: Engine, settings: Settings
) -> None:
    imported = seed.imported_at.astimezone(SEOUL).date()
    runner = Runner(engine=engine, settings=settings)
    try:
        runner.run_due(now=at(imported + timedelta(days=91)))
        runner.run_due(now=at(imported + timedelta(days=92)))
    finally:
        runner.close()
    with read_session(engine) as reading:
        marks = reading.exec(select(ChangeRecord).where(ChangeRecord.action == "stale")).all()
    assert len(marks) == 36  # every tracked commitment, once


def test_a_unit_that_keeps_failing_is_left_with_its_error_after_five_tries(
    engine: Engine,
) -> None:
    unit = Unit(
        "review_report", "2027-10-14#meeting-1", "kr-ca-2025", datetime(2027, 9, 14, tzinfo=UTC)
    )
    now = datetime(2027, 9, 14, 1, tzinfo=UTC)
    for attempt in range(MAX_FAILURES):
        run = claim(unit, engine=engine, now=now + timedelta(hours=attempt), lease=timedelta(0))
        assert run is not None
        fail(run, engine=engine, error=f"RenderFailed: try {attempt + 1}")
    assert claim(unit, engine=engine, now=now + timedelta(days=1), lease=timedelta(0)) is None
    with read_session(engine) as session:
        row = session.exec(select(JobRun)).one()
    assert (row.attempts, row.last_error, row.finished_at) == (5, "RenderFailed: try 5", None)


def test_the_scheduler_writes_each_configured_format_of_a_due_review_as_one_version(
    session: Session, seed: Agreement, engine: Engine, settings: Settings
) -> None:
    plan_meetings(session, [("2+2", date(2027, 10, 14))])
    formats = settings.reports.model_copy(
        update={"formats": [ReportFormat.HWPX, ReportFormat.DOCX]}
    )
    runner = Runner(engine=engine, settings=settings.model_copy(update={"reports": formats}))
    try:
        (outcome,) = runner.run_due(now=at(date(2027, 9, 14)), kinds=(REVIEW,))
    finally:
        runner.close()
    assert outcome.state == "done", outcome
    with read_session(engine) as reading:
        reports = reading.exec(select(Report).order_by(col(Report.id))).all()
    assert [(r.format.value, r.version, r.generated_by) for r in reports] == [
        ("hwpx", 1, "scheduler"),
        ("docx", 1, "scheduler"),
    ]
    assert outcome.result == ", ".join(
        str(settings.resolve(settings.paths.reports) / r.path) for r in reports
    )
