"""What needs an officer's attention: one function for the CLI, the web, reports and digests.

Only tracked commitments are flagged. A finished one (a `final` status) is never stale or due.
- stale: no status update for `stale_days` (counted from import when there was none);
- due: a meeting that reviews it (the agreement's reviewing mechanism, at the end of the open
  cycle, or another mechanism linked as reviewing it) is `due_days` away or fewer, or overdue;
- unowned: no officer, or the officer is no longer active;
- stalled: its progress status is flagged `stalled` in the configuration.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

from sqlmodel import Session, col, select

from tracker.domain import Attention, LinkRole
from tracker.models import (
    Agreement,
    Commitment,
    CommitmentMechanism,
    Mechanism,
    Officer,
)
from tracker.services.cycles import NextMeeting, next_meeting, open_cycle_ends
from tracker.services.policy import FollowUpPolicy


def attention_for(
    commitments: Sequence[Commitment],
    *,
    session: Session,
    policy: FollowUpPolicy,
    today: date | None = None,
) -> dict[int, list[Attention]]:
    """Each commitment's id → its attention flags, in the order of `Attention`."""
    today = today or policy.today()
    tracked = [c for c in commitments if c.tracked and c.id is not None]
    active = _active_officers(session, {c.owner_id for c in tracked if c.owner_id})
    review_dates = _review_dates(session, tracked, today=today)
    flags: dict[int, list[Attention]] = {}
    for commitment in tracked:
        assert commitment.id is not None
        status = policy.status_of(commitment.status)
        found = []
        if is_stale(commitment, policy, today=today):
            found.append(Attention.STALE)
        if not status.final:
            review = review_dates.get(commitment.id)
            if review is not None and (review - today).days <= policy.due_days:
                found.append(Attention.DUE)
        if commitment.owner_id is None or commitment.owner_id not in active:
            found.append(Attention.UNOWNED)
        if status.stalled:
            found.append(Attention.STALLED)
        flags[commitment.id] = found
    return flags


def is_stale(commitment: Commitment, policy: FollowUpPolicy, *, today: date) -> bool:
    """Tracked, not finished, and no status update for `stale_days` (counted from import)."""
    return (
        commitment.tracked
        and not policy.status_of(commitment.status).final
        and _last_activity(commitment, policy) < today - timedelta(days=policy.stale_days)
    )


def _last_activity(commitment: Commitment, policy: FollowUpPolicy) -> date:
    moment = commitment.last_update_at or commitment.created_at
    return moment.astimezone(policy.timezone).date()


def _active_officers(session: Session, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    return {
        officer_id
        for officer_id in session.exec(
            select(Officer.id).where(col(Officer.id).in_(ids), col(Officer.active).is_(True))
        ).all()
        if officer_id is not None
    }


def _review_dates(
    session: Session, commitments: Sequence[Commitment], *, today: date
) -> dict[int, date]:
    """Each commitment's id → the nearest date at which a reviewing mechanism meets."""
    ids = [c.id for c in commitments if c.id is not None]
    if not ids:
        return {}
    reviewers: defaultdict[int, set[int]] = defaultdict(set)
    for commitment_id, mechanism_id in session.exec(
        select(CommitmentMechanism.commitment_id, CommitmentMechanism.mechanism_id).where(
            col(CommitmentMechanism.commitment_id).in_(ids),
            CommitmentMechanism.role == LinkRole.REVIEWS,
        )
    ).all():
        reviewers[commitment_id].add(mechanism_id)
    cycle_ends = _cycle_ends(session, {c.agreement_id for c in commitments})
    mechanism_dates: dict[int, NextMeeting | None] = {}
    dates: dict[int, date] = {}
    for commitment in commitments:
        assert commitment.id is not None
        candidates = []
        review_mechanism, cycle_end = cycle_ends.get(commitment.agreement_id, (None, None))
        if cycle_end is not None:
            candidates.append(cycle_end)
        for mechanism_id in reviewers[commitment.id] - {review_mechanism}:
            if mechanism_id not in mechanism_dates:
                mechanism = session.get(Mechanism, mechanism_id)
                assert mechanism is not None
                mechanism_dates[mechanism_id] = next_meeting(
                    mechanism, session=session, after=today
                )
            if (upcoming := mechanism_dates[mechanism_id]) is not None:
                candidates.append(upcoming.on)
        if candidates:
            dates[commitment.id] = min(candidates)
    return dates


def _cycle_ends(
    session: Session, agreement_ids: set[int]
) -> dict[int, tuple[int | None, date | None]]:
    """Agreement id → (the mechanism bounding its cycles, the end of its open cycle)."""
    agreements = session.exec(select(Agreement).where(col(Agreement.id).in_(agreement_ids))).all()
    return {
        agreement_id: (bounding.id if bounding else None, end.on if end else None)
        for agreement_id, (bounding, end) in open_cycle_ends(agreements, session=session).items()
    }
