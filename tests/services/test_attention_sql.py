"""Attention answered by SQL gives exactly what the earlier rules, worked out commitment by
commitment in Python, gave: over a varied portfolio, on many days, on both databases."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, col, select

from tests.factories import add_agreement, add_mechanism
from tracker.domain import Attention, Cadence, LinkRole, MechanismKind, Strength
from tracker.models import (
    Agreement,
    Commitment,
    CommitmentMechanism,
    Mechanism,
    Meeting,
    Officer,
    ReviewCycle,
)
from tracker.services.attention import attention_for
from tracker.services.cadence import next_meeting
from tracker.services.commitments import (
    CommitmentFilter,
    count_commitments,
    list_commitments,
)
from tracker.services.cycles import cycle_mechanism
from tracker.services.policy import FollowUpPolicy

POLICY = FollowUpPolicy()
STATUSES = [None, "not_assessed", "not_started", "in_progress", "achieved", "stalled", "gone"]
DAYS = [date(2025, 1, 15), date(2025, 12, 31), date(2026, 3, 1), date(2026, 11, 20)]


def python_rules(session: Session, today: date) -> dict[int, list[Attention]]:
    """The rule as it was written before it moved into SQL: every commitment read, each
    reviewing mechanism asked for its next meeting one query at a time."""
    commitments = session.exec(select(Commitment).where(col(Commitment.tracked))).all()
    active = {o.id for o in session.exec(select(Officer).where(col(Officer.active))).all()}
    reviewers: dict[int, set[int]] = {}
    for link in session.exec(
        select(CommitmentMechanism).where(CommitmentMechanism.role == LinkRole.REVIEWS)
    ).all():
        reviewers.setdefault(link.commitment_id, set()).add(link.mechanism_id)
    flags: dict[int, list[Attention]] = {}
    for commitment in commitments:
        assert commitment.id is not None
        agreement = session.get(Agreement, commitment.agreement_id)
        assert agreement is not None
        bounding = cycle_mechanism(agreement, session=session)
        candidates = []
        if bounding is not None:
            cycle = session.exec(
                select(ReviewCycle).where(
                    ReviewCycle.agreement_id == agreement.id, col(ReviewCycle.ends_on).is_(None)
                )
            ).first()
            start = (cycle.starts_on if cycle else None) or agreement.signed_on
            assert start is not None
            end = next_meeting(
                bounding, session=session, after=start + timedelta(days=1), anchor=start
            )
            if end is not None:
                candidates.append(end.on)
        for mechanism_id in reviewers.get(commitment.id, set()) - {bounding and bounding.id}:
            mechanism = session.get(Mechanism, mechanism_id)
            assert mechanism is not None
            upcoming = next_meeting(mechanism, session=session, after=today)
            if upcoming is not None:
                candidates.append(upcoming.on)
        status = POLICY.status_of(commitment.status)
        moment = commitment.last_update_at or commitment.created_at
        found = []
        if not status.final and moment.astimezone(POLICY.timezone).date() < today - timedelta(
            days=POLICY.stale_days
        ):
            found.append(Attention.STALE)
        if not status.final and candidates and (min(candidates) - today).days <= POLICY.due_days:
            found.append(Attention.DUE)
        if commitment.owner_id is None or commitment.owner_id not in active:
            found.append(Attention.UNOWNED)
        if status.stalled:
            found.append(Attention.STALLED)
        flags[commitment.id] = found
    return flags


@pytest.fixture
def portfolio(session: Session) -> None:
    """Twelve agreements under five reviewing mechanisms (a chain, cadences with and without
    an interval), meetings held and planned, open cycles, owners active and gone, statuses of
    every kind (one no longer configured), updates old and new, times near local midnight."""
    rng = random.Random(13)
    two_plus_two = add_mechanism(
        session, "2+2", kind=MechanismKind.MINISTERIAL_MEETING, cadence=Cadence.BIENNIAL
    )
    mechanisms = [
        two_plus_two,
        add_mechanism(session, "정책 대화", reports_to=two_plus_two),
        add_mechanism(session, "공동위원회", kind=MechanismKind.COMMITTEE, cadence=Cadence.ANNUAL),
        add_mechanism(session, "실무그룹", kind=MechanismKind.WORKING_GROUP),
        add_mechanism(session, "포럼", kind=MechanismKind.FORUM, cadence=Cadence.AD_HOC),
    ]
    for mechanism, day, planned in (
        (two_plus_two, date(2024, 5, 1), False),
        (two_plus_two, date(2026, 4, 20), True),
        (mechanisms[2], date(2025, 2, 10), False),
        (mechanisms[3], date(2025, 12, 1), False),
        (mechanisms[3], date(2026, 1, 20), True),
    ):
        assert mechanism.id is not None
        session.add(Meeting(mechanism_id=mechanism.id, held_on=day, planned=planned))
    officers = [Officer(name=f"담당관{i}", active=i != 2) for i in range(4)]
    session.add_all(officers)
    session.flush()
    for number in range(12):
        agreement = add_agreement(
            session,
            key=f"a-{number}",
            title=f"합의 {number}",
            signed_on=date(2022, 1, 1) + timedelta(days=rng.randrange(0, 1500)),
            clauses=[
                (
                    str(clause),
                    [
                        (f"양국은 {number}-{clause}-{i} 협력할 것이다.", Strength.FIRM)
                        for i in range(3)
                    ],
                )
                for clause in range(1, 4)
            ],
        )
        review = rng.choice([None, *mechanisms[:4]])
        agreement.review_mechanism_id = review.id if review else None
        if rng.random() < 0.5:
            assert agreement.signed_on is not None
            session.add(
                ReviewCycle(
                    agreement_id=agreement.id or 0,
                    number=2,
                    starts_on=agreement.signed_on + timedelta(days=rng.randrange(100, 700)),
                )
            )
        for commitment in session.exec(
            select(Commitment).where(Commitment.agreement_id == agreement.id)
        ).all():
            assert commitment.id is not None
            owner = rng.choice([None, *officers])
            commitment.owner_id = owner.id if owner else None
            commitment.status = rng.choice(STATUSES)
            commitment.created_at = datetime(2024, 6, 1, 15, 30, tzinfo=UTC)
            if rng.random() < 0.8:
                # 14:00–16:00 UTC straddles midnight in Seoul: the local day decides staleness.
                commitment.last_update_at = datetime(2024, 9, 1, 14, tzinfo=UTC) + timedelta(
                    days=rng.randrange(0, 800), minutes=rng.randrange(0, 120)
                )
            for mechanism in rng.sample(mechanisms, k=rng.randrange(0, 3)):
                session.add(
                    CommitmentMechanism(
                        commitment_id=commitment.id,
                        mechanism_id=mechanism.id or 0,
                        role=LinkRole.REVIEWS,
                    )
                )
    session.commit()


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_sql_flags_equal_the_python_rules(session: Session, portfolio: None, today: date) -> None:
    expected = python_rules(session, today)
    tracked = session.exec(select(Commitment).where(col(Commitment.tracked))).all()
    assert attention_for(tracked, session=session, policy=POLICY, today=today) == expected
    # Every flag is raised somewhere and missing somewhere: the comparison means something.
    for flag in Attention:
        raised = {i for i, flags in expected.items() if flag in flags}
        assert 0 < len(raised) < len(expected), (flag, today)


def test_lists_and_counts_filter_by_the_same_flags(session: Session, portfolio: None) -> None:
    today = POLICY.today()
    expected = python_rules(session, today)
    for flag in Attention:
        where = CommitmentFilter(tracked=True, attention=(flag,))
        listed = {c.id for c in list_commitments(session=session, policy=POLICY, where=where)}
        assert listed == {i for i, flags in expected.items() if flag in flags}, flag
    counts = count_commitments(session=session, policy=POLICY, where=CommitmentFilter(tracked=True))
    assert counts.total == len(expected)
    assert counts.by_flag == {
        flag: sum(flag in flags for flags in expected.values()) for flag in Attention
    }
    needing = CommitmentFilter(tracked=True, needs_attention=True)
    assert {c.id for c in list_commitments(session=session, policy=POLICY, where=needing)} == {
        i for i, flags in expected.items() if flags
    }


def test_a_list_scoped_to_one_agreement_flags_as_the_whole_portfolio_does(
    session: Session, portfolio: None
) -> None:
    expected = python_rules(session, POLICY.today())
    for agreement in session.exec(select(Agreement)).all():
        listed = list_commitments(
            session=session, policy=POLICY, where=CommitmentFilter(agreement=agreement.key)
        )
        for commitment in listed:
            assert commitment.attention == [f.value for f in expected.get(commitment.id, [])]
