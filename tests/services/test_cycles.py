"""Meetings, review cycles and assessments together: the seed's cycles run from one 2+2 to the
next."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from tracker.domain import Score
from tracker.models import (
    Agreement,
    Assessment,
    ChangeRecord,
    Meeting,
    MeetingCreate,
    MeetingUpdate,
    StatusUpdateCreate,
)
from tracker.services.assessments import (
    AssessmentRefused,
    NeedsConfirmation,
    assess,
    current_assessment,
    parse_score,
)
from tracker.services.cadence import add_months
from tracker.services.cycles import find_cycle, list_cycles
from tracker.services.lookup import find_commitment, find_mechanism
from tracker.services.meetings import MeetingRefused, add_meeting, update_meeting
from tracker.services.policy import FollowUpPolicy
from tracker.services.portfolio_calendar import list_meetings
from tracker.services.status_updates import history, record_status_update

TODAY = date(2026, 11, 26)


def meeting(session: Session, on: date, *, held: bool, today: date = TODAY) -> int:
    two_plus_two = find_mechanism("2+2", session=session)
    assert two_plus_two.id is not None
    row = add_meeting(
        two_plus_two,
        MeetingCreate(mechanism_id=two_plus_two.id, held_on=on, planned=not held),
        session=session,
        actor="test",
        today=today,
    )
    assert row.id is not None
    return row.id


def test_until_a_date_is_set_the_next_2_plus_2_follows_the_biennial_cadence(
    session: Session, seed: Agreement
) -> None:
    (cycle,) = list_cycles(seed, session=session)
    assert (cycle.number, cycle.starts_on, cycle.closes_on, cycle.closes_estimated) == (
        1,
        date(2025, 10, 30),
        date(2027, 10, 30),
        True,
    )
    meeting(session, date(2027, 9, 14), held=False)
    (cycle,) = list_cycles(seed, session=session)
    assert (cycle.closes_on, cycle.closes_estimated) == (date(2027, 9, 14), False)


def test_a_held_2_plus_2_closes_the_cycle_and_assessments_start_blank_while_status_carries_on(
    session: Session, seed: Agreement
) -> None:
    commitment = find_commitment("kr-ca-2025:7.1", session=session)
    record_status_update(
        commitment,
        StatusUpdateCreate(status="in_progress", as_of=date(2026, 5, 1)),
        session=session,
        policy=FollowUpPolicy(),
        author="정진우",
        today=TODAY,
    )
    first = find_cycle(seed, "current", session=session)
    assess(
        commitment,
        first,
        score=Score.PARTIAL,
        rationale="협의 개시",
        session=session,
        actor="정진우",
    )
    # Planned at the start of the month, held on the day.
    planned = meeting(session, date(2026, 11, 20), held=False, today=date(2026, 11, 1))
    assert find_cycle(seed, "current", session=session).number == 1  # planned is not held
    held = session.get(Meeting, planned)
    assert held is not None
    update_meeting(held, MeetingUpdate(planned=False), session=session, actor="test", today=TODAY)

    cycles = list_cycles(seed, session=session)
    assert [(c.number, c.starts_on, c.ends_on) for c in cycles] == [
        (1, date(2025, 10, 30), date(2026, 11, 20)),
        (2, date(2026, 11, 20), None),
    ]
    assert cycles[1].closes_on == date(2028, 11, 20) and cycles[1].closes_estimated
    assert current_assessment(commitment, session=session) is None
    kept = session.exec(select(Assessment)).one()
    assert (kept.cycle_id, kept.score) == (first.id, 0)
    assert commitment.status == "in_progress"
    assert find_cycle(seed, "previous", session=session).number == 1


def test_a_meeting_cannot_be_held_in_the_future_nor_recorded_twice(
    session: Session, seed: Agreement
) -> None:
    with pytest.raises(MeetingRefused, match="cannot have been held yet"):
        meeting(session, date(2027, 1, 1), held=True)
    meeting(session, date(2027, 10, 1), held=False)
    with pytest.raises(MeetingRefused, match=r"already has a meeting on 2027-10-01 \(id \d+\)"):
        meeting(session, date(2027, 10, 1), held=False)


def test_a_meeting_before_the_cycle_began_changes_no_cycle(
    session: Session, seed: Agreement
) -> None:
    meeting(session, date(2024, 11, 1), held=True)  # the first 2+2, before the partnership
    assert [c.number for c in list_cycles(seed, session=session)] == [1]
    # The biennial cadence runs from that meeting, so the second 2+2 is overdue.
    listed = list_meetings(session=session, today=TODAY)
    assert [(m.held_on, m.state) for m in listed] == [
        (date(2024, 11, 1), "held"),
        (date(2026, 11, 1), "estimated"),
    ]


def test_an_assessment_needs_a_tracked_commitment_and_a_rationale_and_history_keeps_each(
    session: Session, seed: Agreement
) -> None:
    cycle = find_cycle(seed, "current", session=session)
    untracked = next(
        find_commitment(f"kr-ca-2025:{ref}", session=session) for ref in ("1.1", "2.1")
    )
    assert not untracked.tracked
    with pytest.raises(AssessmentRefused, match="is not tracked"):
        assess(untracked, cycle, score=Score.FULL, rationale="x", session=session, actor="a")
    commitment = find_commitment("kr-ca-2025:7.1", session=session)
    with pytest.raises(AssessmentRefused, match="give a rationale"):
        assess(commitment, cycle, score=Score.FULL, rationale=" ", session=session, actor="a")
    assess(commitment, cycle, score=Score.NONE, rationale="미개최", session=session, actor="a")
    # Nobody has shown evidence yet: a full verdict is asked to be confirmed, then recorded.
    with pytest.raises(NeedsConfirmation, match="confirm the verdict without evidence"):
        assess(commitment, cycle, score=Score.FULL, rationale="개최", session=session, actor="b")
    assess(
        commitment,
        cycle,
        score=Score.FULL,
        rationale="개최 확인",
        session=session,
        actor="b",
        confirmed=True,
    )
    assert session.exec(select(Assessment)).one().score == 1
    summaries = [e.summary for e in history(commitment, session=session, policy=FollowUpPolicy())]
    assert summaries == [
        "cycle 1: Not assessed → -1 none; 미개최",
        "cycle 1: -1 none → +1 full; 개최 확인",
    ]
    assert commitment.version == 3


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("+1", Score.FULL),
        ("full", Score.FULL),
        ("0", Score.PARTIAL),
        ("부분", Score.PARTIAL),
        ("−1", Score.NONE),
        ("none", Score.NONE),
        ("na", None),
        ("미평가", None),
    ],
)
def test_scores_are_read_as_officers_write_them(text: str, score: Score | None) -> None:
    assert parse_score(text) is score


def test_a_cadence_from_29_february_lands_on_28_february() -> None:
    assert add_months(date(2028, 2, 29), 24) == date(2030, 2, 28)
    assert add_months(date(2028, 2, 29), 48) == date(2032, 2, 29)
    assert add_months(date(2025, 10, 30), 24) == date(2027, 10, 30)


def test_a_planned_meeting_in_the_past_or_centuries_ahead_is_a_typo_and_refused(
    session: Session, seed: Agreement
) -> None:
    with pytest.raises(MeetingRefused, match="is in the past .* record it as held"):
        meeting(session, date(2020, 3, 1), held=False)
    with pytest.raises(MeetingRefused, match="more than 30 years ahead; check the year"):
        meeting(session, date(9999, 12, 31), held=False)
    assert session.exec(select(Meeting)).all() == []


def test_saving_the_same_verdict_again_changes_and_records_nothing(
    session: Session, seed: Agreement
) -> None:
    commitment = find_commitment("kr-ca-2025:7.1", session=session)
    cycle = find_cycle(seed, "current", session=session)
    for _ in range(2):
        assess(
            commitment,
            cycle,
            score=Score.FULL,
            rationale="연합훈련 2회",
            session=session,
            actor="정진우",
            confirmed=True,
        )
    version = commitment.version
    assess(
        commitment,
        cycle,
        score=Score.FULL,
        rationale="연합훈련 2회 ",
        session=session,
        actor="정진우",
        confirmed=True,
    )
    assert commitment.version == version
    verdicts = [
        e
        for e in history(commitment, session=session, policy=FollowUpPolicy())
        if e.action == "assessment"
    ]
    assert len(verdicts) == 1


def test_a_meeting_sent_back_unchanged_writes_nothing(session: Session, seed: Agreement) -> None:
    held = session.get(Meeting, meeting(session, date(2026, 6, 2), held=True))
    assert held is not None
    records = session.exec(select(ChangeRecord)).all()
    update_meeting(
        held,
        MeetingUpdate(held_on=held.held_on, planned=False, title=held.title, place=held.place),
        session=session,
        actor="test",
        today=TODAY,
    )
    assert session.exec(select(ChangeRecord)).all() == records
    update_meeting(
        held, MeetingUpdate(place="서울", planned=False), session=session, actor="t", today=TODAY
    )
    (latest,) = session.exec(
        select(ChangeRecord).where(
            ChangeRecord.entity == "meeting", ChangeRecord.action == "updated"
        )
    ).all()
    assert latest.detail["changed"] == ["place"]  # only what differed, not every field sent
    assert latest.detail["place"] == "서울" and "summary" not in latest.detail  # facts only
