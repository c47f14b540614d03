"""Reading mechanisms."""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import Session, col, select

from tracker.models import (
    Commitment,
    CommitmentMechanism,
    Mechanism,
    MechanismAlias,
    MechanismPublic,
)
from tracker.services.cycles import bounded_agreements


def list_mechanisms(*, session: Session) -> list[MechanismPublic]:
    mechanisms = session.exec(select(Mechanism).order_by(col(Mechanism.id))).all()
    aliases: defaultdict[int, list[str]] = defaultdict(list)
    for alias in session.exec(select(MechanismAlias).order_by(col(MechanismAlias.id))).all():
        aliases[alias.mechanism_id].append(alias.alias)
    # The canonical name is stored as an alias too (for lookups); show only the other names.
    return [
        MechanismPublic.model_validate(
            m, update={"aliases": [a for a in aliases[m.id or 0] if a != m.name]}
        )
        for m in mechanisms
    ]


def followed_commitments(mechanism: Mechanism, *, session: Session) -> list[Commitment]:
    """The tracked commitments whose follow-up a meeting of `mechanism` touches: those linked
    to it, and those of the agreements whose review cycles it bounds (a held meeting closes
    their cycle)."""
    return followed_by_mechanism(session=session).get(mechanism.id or 0, [])


def followed_by_mechanism(*, session: Session) -> dict[int, list[Commitment]]:
    """`followed_commitments` of every mechanism at once: three queries, not three each."""
    tracked = {
        c.id: c
        for c in session.exec(select(Commitment).where(col(Commitment.tracked).is_(True))).all()
    }
    followed: defaultdict[int, dict[int, Commitment]] = defaultdict(dict)
    for commitment_id, mechanism_id in session.exec(
        select(CommitmentMechanism.commitment_id, CommitmentMechanism.mechanism_id)
    ).all():
        if commitment_id in tracked:
            followed[mechanism_id][commitment_id] = tracked[commitment_id]
    for mechanism_id, agreements in bounded_agreements(session=session).items():
        ids = {a.id for a in agreements}
        followed[mechanism_id].update(
            {c.id: c for c in tracked.values() if c.agreement_id in ids and c.id is not None}
        )
    return {mechanism_id: list(rows.values()) for mechanism_id, rows in followed.items()}
