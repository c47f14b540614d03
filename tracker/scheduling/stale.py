"""The daily stale check: record, once, each commitment that has become stale."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from tracker.domain import Attention
from tracker.models import ChangeRecord, Commitment
from tracker.services.attention import AttentionRule
from tracker.services.changes import record_change
from tracker.services.policy import FollowUpPolicy


def mark_stale(*, session: Session, policy: FollowUpPolicy, day: date) -> int:
    """Write a "stale" change record for each tracked commitment that is stale on `day` and has
    not been marked since its last update; digests report these as newly stale. The stale ones
    are found by the attention rule's SQL condition, never by reading every commitment."""
    rule = AttentionRule.undated(policy=policy, today=day)
    marked = (
        select(ChangeRecord.entity_id, func.max(ChangeRecord.at).label("at"))
        .where(ChangeRecord.entity == "commitment", ChangeRecord.action == "stale")
        .group_by(col(ChangeRecord.entity_id))
        .subquery()
    )
    last_activity = func.coalesce(col(Commitment.last_update_at), col(Commitment.created_at))
    stale = (
        session.execute(
            sa_select(col(Commitment.id))
            .outerjoin(marked, marked.c.entity_id == col(Commitment.id))
            .where(
                rule.condition(Attention.STALE),
                or_(marked.c.at.is_(None), marked.c.at < last_activity),
            )
            .order_by(col(Commitment.id))
        )
        .scalars()
        .all()
    )  # ids only: written to below, in the same transaction
    count = 0
    for commitment_id in stale:
        record_change(
            session,
            "commitment",
            commitment_id,
            "stale",
            "scheduler",
            {"days": policy.stale_days, "day": day.isoformat()},
        )
        count += 1
    return count
