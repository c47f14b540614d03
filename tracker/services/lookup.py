"""Finding one thing by what a user types: an id, a key, or a name."""

from __future__ import annotations

from sqlmodel import Session, select

from tracker.errors import NotFound
from tracker.models import Agreement, Mechanism, MechanismAlias
from tracker.text import fold_name


def find_agreement(reference: str, *, session: Session) -> Agreement:
    """By key (`kr-ca-2025`) or numeric id."""
    agreement = session.exec(select(Agreement).where(Agreement.key == reference)).first()
    if agreement is None and reference.isdigit():
        agreement = session.get(Agreement, int(reference))
    if agreement is None:
        raise NotFound(f"no agreement {reference!r} (see `tracker agreements list`)")
    return agreement


def find_mechanism(reference: str, *, session: Session) -> Mechanism:
    """By id, canonical name or any alias, ignoring spacing, case and dot variants."""
    if reference.isdigit() and (by_id := session.get(Mechanism, int(reference))) is not None:
        return by_id
    folded = fold_name(reference)
    found = session.exec(
        select(Mechanism).join(MechanismAlias).where(MechanismAlias.folded == folded)
    ).first()
    if found is None:
        for mechanism in session.exec(select(Mechanism)).all():
            if fold_name(mechanism.name) == folded:
                return mechanism
        raise NotFound(f"no mechanism {reference!r} (see `tracker mechanisms list`)")
    return found
