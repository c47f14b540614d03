"""Finding one thing by what a user types: an id, a key, or a name."""

from __future__ import annotations

from sqlmodel import Session, col, select

from tracker.errors import NotFound
from tracker.models import Agreement, Commitment, Mechanism, MechanismAlias, Officer
from tracker.text import fold_name


def find_agreement(reference: str, *, session: Session) -> Agreement:
    """By key (`kr-ca-2025`) or numeric id."""
    agreement = session.exec(select(Agreement).where(Agreement.key == reference)).first()
    if agreement is None and reference.isdigit():
        agreement = session.get(Agreement, int(reference))
    if agreement is None:
        raise NotFound("agreement.unknown", key=reference).see("tracker agreements list")
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
        raise NotFound("mechanism.unknown", name=reference).see("tracker mechanisms list")
    if len(found) > 1:
        raise NotFound(
            "mechanism.ambiguous",
            name=reference,
            count=len(found),
            choices=[f"{m.id} ({m.counterpart or '-'})" for m in found],
        )
    return found[0]


def find_commitment(
    reference: str, *, session: Session, agreement: str | None = None
) -> Commitment:
    """By `KEY:REF` (`kr-ca-2025:7.3`), by REF within `agreement`, or by a REF that only one
    agreement has."""
    key, colon, ref = reference.rpartition(":")
    if colon and agreement is not None and key != agreement:
        raise NotFound(
            "commitment.other_agreement", reference=reference, key=key, agreement=agreement
        )
    agreement = key if colon else agreement
    ref = ref.strip()
    query = select(Commitment).where(Commitment.ref == ref)
    if agreement is not None:
        found = find_agreement(agreement, session=session)
        commitment = session.exec(query.where(Commitment.agreement_id == found.id)).first()
        if commitment is None:
            raise NotFound("commitment.not_in_agreement", key=found.key, ref=ref)
        return commitment
    candidates = session.exec(query).all()
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise NotFound("commitment.unknown", ref=ref).see("tracker commitments list")
    keys = session.exec(
        select(Agreement.key).where(col(Agreement.id).in_([c.agreement_id for c in candidates]))
    ).all()
    raise NotFound(
        "commitment.ambiguous",
        count=len(candidates),
        ref=ref,
        choices=[f"{k}:{ref}" for k in sorted(keys)],
    )


def find_officer(reference: str, *, session: Session) -> Officer:
    """By id, e-mail address or name; a name two officers share must be given another way."""
    if reference.isdigit() and (by_id := session.get(Officer, int(reference))) is not None:
        return by_id
    if "@" in reference:
        by_email = session.exec(
            select(Officer).where(col(Officer.email) == reference.strip().lower())
        ).first()
        if by_email is not None:
            return by_email
    named = session.exec(select(Officer).where(Officer.name == reference.strip())).all()
    if len(named) == 1:
        return named[0]
    if not named:
        raise NotFound("officer.unknown", name=reference).see("tracker officers list")
    raise NotFound(
        "officer.ambiguous",
        count=len(named),
        name=reference,
        choices=[f"{o.id} ({o.email or '-'})" for o in named],
    )
