"""Reading commitments."""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import Session, col, select

from tracker.domain import Strength
from tracker.models import (
    Agreement,
    Clause,
    Commitment,
    CommitmentMechanism,
    CommitmentPublic,
    Mechanism,
)
from tracker.services.lookup import find_agreement, find_mechanism


def list_commitments(
    *,
    session: Session,
    agreement: str | None = None,
    mechanism: str | None = None,
    tracked: bool | None = None,
    strength: Strength | None = None,
) -> list[CommitmentPublic]:
    """Commitments in document order; `agreement` and `mechanism` take what a user types."""
    query = (
        select(Commitment, Agreement.key, Clause.number)
        .join(Agreement, col(Agreement.id) == Commitment.agreement_id)
        .join(Clause, col(Clause.id) == Commitment.clause_id)
    )
    if agreement is not None:
        query = query.where(
            Commitment.agreement_id == find_agreement(agreement, session=session).id
        )
    if mechanism is not None:
        linked = select(CommitmentMechanism.commitment_id).where(
            CommitmentMechanism.mechanism_id == find_mechanism(mechanism, session=session).id
        )
        query = query.where(col(Commitment.id).in_(linked))
    if tracked is not None:
        query = query.where(Commitment.tracked == tracked)
    if strength is not None:
        query = query.where(Commitment.strength == strength)
    query = query.order_by(
        col(Agreement.id), col(Clause.position), col(Commitment.span_start), col(Commitment.id)
    )
    rows = session.exec(query).all()
    names = _mechanism_names(session, [c.id for c, _, _ in rows if c.id is not None])
    return [
        CommitmentPublic.model_validate(
            commitment,
            update={"agreement_key": key, "clause": number, "mechanisms": names[commitment.id]},
        )
        for commitment, key, number in rows
    ]


def _mechanism_names(session: Session, ids: list[int]) -> defaultdict[int | None, list[str]]:
    names: defaultdict[int | None, list[str]] = defaultdict(list)
    if not ids:
        return names
    rows = session.exec(
        select(CommitmentMechanism.commitment_id, Mechanism.name)
        .join(Mechanism, col(Mechanism.id) == CommitmentMechanism.mechanism_id)
        .where(col(CommitmentMechanism.commitment_id).in_(ids))
        .order_by(col(Mechanism.name))
    ).all()
    for commitment_id, name in rows:
        if name not in names[commitment_id]:
            names[commitment_id].append(name)
    return names
