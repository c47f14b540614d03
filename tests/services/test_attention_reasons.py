"""Why the attention list is empty, and which meeting each due commitment is due for: the
explanations agree with the attention rule itself, day by day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from tests.factories import plan_two_plus_two
from tracker.domain import Attention
from tracker.models import Agreement, Commitment, MeetingCreate, StatusUpdateCreate
from tracker.services.attention import attention_for
from tracker.services.attention_reasons import ReviewMeeting
from tracker.services.dashboard import dashboard
from tracker.services.lookup import find_commitment, find_mechanism, find_officer
from tracker.services.meetings import add_meeting
from tracker.services.policy import FollowUpPolicy
from tracker.services.status_updates import record_status_update

SEOUL = ZoneInfo("Asia/Seoul")
TWO_PLUS_TWO = "외교·국방장관 2+2 회의"


@dataclass(frozen=True)
class OnDay(FollowUpPolicy):
    """The policy on a fixed day."""

    day: date = date(2026, 12, 1)

    def today(self) -> date:
        return self.day


def imported_on(session: Session, day: date, *, earlier: dict[str, date]) -> None:
    """Every commitment as if imported at noon on `day`, some (by ref) on an earlier day."""
    for commitment in session.exec(select(Commitment)).all():
        when = earlier.get(commitment.ref, day)
        commitment.created_at = datetime.combine(when, time(12), SEOUL)
        session.add(commitment)
    session.commit()


def board_on(session: Session, day: date):  # type: ignore[no-untyped-def]
    officer = find_officer("정진우", session=session)
    return dashboard(officer, officer.role, session=session, policy=OnDay(day=day))


def flags_of(session: Session, ref: str, day: date) -> list[Attention]:
    commitment = find_commitment(f"kr-ca-2025:{ref}", session=session)
    assert commitment.id is not None
    found = attention_for([commitment], session=session, policy=OnDay(day=day), today=day)
    return found[commitment.id]


def test_an_empty_list_says_how_old_the_oldest_update_is_and_when_the_first_turns_stale(
    session: Session, seed: Agreement
) -> None:
    imported_on(session, date(2026, 11, 20), earlier={"7.1": date(2026, 10, 1)})
    board = board_on(session, date(2026, 12, 1))
    assert board.counts.total == 36 and board.counts.needing == 0
    quiet = board.quiet
    assert quiet is not None
    assert (quiet.unfinished, quiet.oldest_update, quiet.quiet_days) == (
        36,
        date(2026, 10, 1),
        61,
    )
    assert quiet.stale_days == 90 and quiet.stale_from == date(2026, 12, 31)
    # The rule agrees: 7.1 is not stale the day before, and is on the day.
    assert Attention.STALE not in flags_of(session, "7.1", date(2026, 12, 30))
    assert Attention.STALE in flags_of(session, "7.1", date(2026, 12, 31))


def test_an_empty_list_names_the_next_review_meeting_and_the_day_commitments_fall_due(
    session: Session, seed: Agreement
) -> None:
    imported_on(session, date(2026, 11, 20), earlier={})
    quiet = board_on(session, date(2026, 12, 1)).quiet
    assert quiet is not None and quiet.next_review is not None
    projected = quiet.next_review  # nothing recorded: the biennial 2+2 from the signing
    assert (projected.mechanism, projected.on, projected.estimated) == (
        TWO_PLUS_TWO,
        date(2027, 10, 30),
        True,
    )
    plan_two_plus_two(session)  # 2027-02-25 in Ottawa
    session.commit()
    quiet = board_on(session, date(2026, 12, 1)).quiet
    assert quiet is not None
    assert quiet.next_review == ReviewMeeting(
        mechanism=TWO_PLUS_TWO,
        mechanism_en="Foreign and Defence Ministers' 2+2 Meeting",
        on=date(2027, 2, 25),
        place="오타와",
        estimated=False,
        due_from=date(2026, 12, 27),
    )
    # The rule agrees: nothing due the day before, every commitment due on the day.
    assert board_on(session, date(2026, 12, 26)).counts.by_flag[Attention.DUE] == 0
    due = board_on(session, date(2026, 12, 27))
    assert due.counts.by_flag[Attention.DUE] == 36 and due.quiet is None


def test_finished_commitments_are_why_nothing_is_stale_or_due(
    session: Session, seed: Agreement
) -> None:
    imported_on(session, date(2026, 11, 20), earlier={})
    for commitment in session.exec(select(Commitment).where(Commitment.tracked)).all():
        record_status_update(
            commitment,
            StatusUpdateCreate(status="achieved", as_of=date(2026, 11, 25)),
            session=session,
            policy=OnDay(),
            author="정진우",
            today=date(2026, 11, 25),
        )
    session.commit()
    quiet = board_on(session, date(2026, 12, 1)).quiet
    assert quiet is not None
    assert (quiet.unfinished, quiet.oldest_update, quiet.stale_from) == (0, None, None)


def test_each_due_commitment_names_the_meeting_it_is_due_for(
    session: Session, seed: Agreement
) -> None:
    imported_on(session, date(2026, 11, 20), earlier={})
    plan_two_plus_two(session)
    session.commit()
    board = board_on(session, date(2027, 1, 13))
    assert board.quiet is None and board.flagged.items
    met = {board.due_for[c.id] for c in board.flagged.items}
    assert met == {
        ReviewMeeting(
            mechanism=TWO_PLUS_TWO,
            mechanism_en="Foreign and Defence Ministers' 2+2 Meeting",
            on=date(2027, 2, 25),
            place="오타와",
            estimated=False,
            due_from=date(2026, 12, 27),
        )
    }


def test_a_reviewing_mechanism_that_meets_sooner_than_the_cycle_ends_is_named(
    session: Session, seed: Agreement
) -> None:
    # The policy dialogue reviews the commitments (and reports to the 2+2, whose next meeting
    # is projected for October 2027): a dialogue in January makes them due for that one.
    imported_on(session, date(2026, 11, 20), earlier={})
    dialogue = find_mechanism("국장급 외교·국방 정책 대화", session=session)
    assert dialogue.id is not None
    add_meeting(
        dialogue,
        MeetingCreate(mechanism_id=dialogue.id, held_on=date(2027, 1, 20), place="서울"),
        session=session,
        actor="test",
        today=date(2026, 12, 1),
    )
    session.commit()
    board = board_on(session, date(2027, 1, 13))
    assert board.counts.by_flag[Attention.DUE] == board.counts.total == 36
    named = {(m.mechanism, m.on, m.place) for m in board.due_for.values()}
    assert named == {("국장급 외교·국방 정책 대화", date(2027, 1, 20), "서울")}
    assert len(board.due_for) == len(board.flagged.items)
    assert board_on(session, date(2027, 1, 13) - timedelta(days=60)).due_for == {}
