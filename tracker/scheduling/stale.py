"""The daily stale check: record, once, each commitment that has become stale."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, func, select

from tracker.models import ChangeRecord, Commitment
from tracker.services.attention import is_stale
from tracker.services.changes import record_change
from tracker.services.policy import FollowUpPolicy


def mark_stale(*, session: Session, policy: FollowUpPolicy, day: date) -> int:
    """Write a "stale" change record for each tracked commitment that is stale on `day` and has
    not been marked since its last update; digests report these as newly stale."""
    commitments = session.exec(select(Commitment).where(col(Commitment.tracked).is_(True))).all()
    marked_since = dict(
        session.exec(
            select(ChangeRecord.entity_id, func.max(ChangeRecord.at))
            .where(ChangeRecord.entity == "commitment", ChangeRecord.action == "stale")
            .group_by(col(ChangeRecord.entity_id))
        ).all()
    )
    count = 0
    for commitment in commitments:
        assert commitment.id is not None
        if not is_stale(commitment, policy, today=day):
            continue
        previous = marked_since.get(commitment.id)
        last_update = commitment.last_update_at or commitment.created_at
        if previous is not None and previous >= last_update:
            continue
        record_change(
            session,
            "commitment",
            commitment.id,
            "stale",
            "scheduler",
            {"summary": f"no status update for {policy.stale_days} days", "day": day.isoformat()},
        )
        count += 1
    return count
