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
    linked = select(CommitmentMechanism.commitment_id).where(
        CommitmentMechanism.mechanism_id == mechanism.id
    )
    bounded = [a.id for a in bounded_agreements(session=session).get(mechanism.id or 0, [])]
    return list(
        session.exec(
            select(Commitment).where(
                col(Commitment.tracked).is_(True),
                col(Commitment.id).in_(linked) | col(Commitment.agreement_id).in_(bounded),
            )
        ).all()
    )
