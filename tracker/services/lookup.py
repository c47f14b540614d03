"""Finding one thing by what a user types: an id, a key, or a name."""

from __future__ import annotations

from sqlmodel import Session, col, select

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
    """By id, canonical name or any alias, ignoring spacing, case and dot variants.

    A name several counterparts share ("2+2") must be narrowed: by id, or as "2+2 @ 캐나다".
    """
    if reference.isdigit() and (by_id := session.get(Mechanism, int(reference))) is not None:
        return by_id
    name, _, counterpart = reference.partition("@")
    folded = fold_name(name)
    query = select(Mechanism).join(MechanismAlias).where(MechanismAlias.folded == folded)
    if counterpart.strip():
        query = query.where(col(Mechanism.counterpart).contains(counterpart.strip()))
    # Every stored mechanism carries its own name among its aliases, so one query suffices.
    found = list({m.id: m for m in session.exec(query).all()}.values())
    if not found:
        raise NotFound(f"no mechanism {reference!r} (see `tracker mechanisms list`)")
    if len(found) > 1:
        choices = ", ".join(f"{m.id} ({m.counterpart or '-'})" for m in found)
        raise NotFound(
            f"{reference!r} names {len(found)} mechanisms: {choices}; give the id, "
            f"or NAME@COUNTERPART"
        )
    return found[0]
