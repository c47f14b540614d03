"""Who answers for a commitment: its officer, division, lead and supporting agencies.

Staff rotate every two years, so a handover moves everything an officer owns (and the
agreements they are desk officer for) to a successor in one transaction, with history.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from tracker.errors import NotFound, TrackerError
from tracker.models import (
    Agreement,
    Commitment,
    Division,
    Officer,
    OfficerCreate,
    OfficerPublic,
    OfficerUpdate,
)
from tracker.services.changes import record_change
from tracker.services.status_updates import check_version, save_commitment


class OwnerRefused(TrackerError):
    """An assignment or handover that cannot be made."""


def find_division(
    name: str, *, session: Session, ministry: str | None = None, create: bool = False
) -> Division:
    """The division called `name` (within `ministry` when given); with `create`, a new one is
    added, otherwise an unknown name is refused (a typo must not found a division)."""
    query = select(Division).where(Division.name == name.strip())
    if ministry is not None:
        query = query.where(Division.ministry == ministry.strip())
    found = session.exec(query).all()
    if len(found) > 1:
        raise OwnerRefused(
            "owner.division_ambiguous",
            count=len(found),
            name=name,
            choices=[f"{d.ministry or '-'} / {d.name}" for d in found],
        )
    if found:
        return found[0]
    if ministry and create:
        # The same division entered earlier without its ministry (`officers add --division`):
        # one division, its ministry now known, not a second one of the same name.
        bare = session.exec(
            select(Division).where(Division.name == name.strip(), Division.ministry == "")
        ).all()
        if len(bare) == 1:
            bare[0].ministry = ministry.strip()
            session.add(bare[0])
            session.flush()
            return bare[0]
    if not create:
        known = list(session.exec(select(Division.name).order_by(col(Division.name))).all())
        if not known:
            raise NotFound("owner.division_unknown_none_yet", name=name)
        raise NotFound("owner.division_unknown", name=name, known=known)
    division = Division(name=name.strip(), ministry=(ministry or "").strip())
    session.add(division)
    session.flush()
    return division


def _checked_email(
    given: str | None, *, session: Session, officer_id: int | None = None
) -> str | None:
    """The address as stored (trimmed, lower case), or a one-line refusal."""
    email = given.strip().lower() if given else None
    if email is None:
        return None
    if "@" not in email or " " in email:
        raise OwnerRefused("owner.email_invalid", email=given)
    if not email.isascii():
        raise OwnerRefused("owner.email_not_ascii", email=given)
    holder = session.exec(select(Officer).where(Officer.email == email)).first()
    if holder is not None and holder.id != officer_id:
        raise OwnerRefused("owner.email_taken", email=email)
    return email


def update_officer(
    officer: Officer,
    change: OfficerUpdate,
    *,
    session: Session,
    actor: str,
    division: str | None = None,
) -> Officer:
    """Set an officer's e-mail, rank, language, digest frequency or division (an imported desk
    officer has no e-mail until someone sets it, and gets no digest before)."""
    values = change.model_dump(exclude_unset=True, exclude_none=True)
    if "email" in values:
        values["email"] = _checked_email(values["email"], session=session, officer_id=officer.id)
    if division is not None:
        values["division_id"] = find_division(division, session=session, create=True).id
    before = {name: getattr(officer, name) for name in values}
    for name, value in values.items():
        setattr(officer, name, value)
    session.add(officer)
    session.flush()
    assert officer.id is not None
    changed = {
        k: {"from": str(before[k]), "to": str(v)} for k, v in values.items() if before[k] != v
    }
    if changed:
        record_change(session, "officer", officer.id, "updated", actor, {"changes": changed})
    return officer


def add_officer(
    data: OfficerCreate, *, session: Session, actor: str, division: str | None = None
) -> Officer:
    if not data.name.strip():
        raise OwnerRefused("owner.name_missing")
    email = _checked_email(data.email, session=session)
    officer = Officer.model_validate(data, update={"email": email, "name": data.name.strip()})
    if division is not None:
        officer.division_id = find_division(division, session=session, create=True).id
    session.add(officer)
    session.flush()
    assert officer.id is not None
    record_change(session, "officer", officer.id, "added", actor, {"name": officer.name})
    return officer


def list_officers(*, session: Session, include_inactive: bool = False) -> list[OfficerPublic]:
    query = select(Officer, Division.name).outerjoin(
        Division, col(Division.id) == Officer.division_id
    )
    if not include_inactive:
        query = query.where(col(Officer.active).is_(True))
    rows = session.exec(query.order_by(col(Officer.name), col(Officer.id))).all()
    return [
        OfficerPublic.model_validate(officer, update={"division": division or ""})
        for officer, division in rows
    ]


@dataclass(frozen=True)
class OwnerChange:
    officer: Officer | None = None
    division: Division | None = None
    lead_agency: str | None = None
    supporting_agencies: str | None = None


def assign_owner(
    commitment: Commitment,
    change: OwnerChange,
    *,
    session: Session,
    actor: str,
    reason: str = "",
    expected_version: int | None = None,
) -> Commitment:
    """Reassign one commitment; a new officer brings their division unless one is given."""
    check_version(commitment, expected_version, session=session)
    if change.officer is not None and not change.officer.active:
        raise OwnerRefused("owner.officer_inactive", name=change.officer.name)
    before = _owner_state(commitment, session=session)
    # One flush for the whole change, so the version moves on once.
    with session.no_autoflush:
        if change.officer is not None:
            commitment.owner_id = change.officer.id
            if change.division is None and change.officer.division_id is not None:
                commitment.division_id = change.officer.division_id
        if change.division is not None:
            commitment.division_id = change.division.id
        if change.lead_agency is not None:
            commitment.lead_agency = change.lead_agency.strip()
        if change.supporting_agencies is not None:
            commitment.supporting_agencies = normalize_agencies(change.supporting_agencies)
        after = _owner_state(commitment, session=session)
    if after == before:
        return commitment
    save_commitment(commitment, session=session)
    assert commitment.id is not None
    changed = {k: {"from": before[k], "to": after[k]} for k in after if after[k] != before[k]}
    record_change(
        session,
        "commitment",
        commitment.id,
        "owner",
        actor,
        {"changes": changed, "version": commitment.version},
        reason,
    )
    return commitment


def normalize_agencies(text: str) -> str:
    """ "국방부,방위사업청 " → "국방부, 방위사업청"; also accepts ; and · as separators."""
    parts = [p.strip() for p in text.replace(";", ",").replace("·", ",").split(",")]
    return ", ".join(dict.fromkeys(p for p in parts if p))


@dataclass(frozen=True)
class Handover:
    commitments: int
    agreements: int


def handover(
    giver: Officer,
    taker: Officer,
    *,
    session: Session,
    actor: str,
    reason: str = "",
    agreement: Agreement | None = None,
) -> Handover:
    """Move every commitment `giver` owns (in `agreement`, or everywhere) to `taker`, and make
    `taker` desk officer of `giver`'s agreements."""
    if giver.id == taker.id:
        raise OwnerRefused("owner.handover_to_self")
    if not taker.active:
        raise OwnerRefused("owner.officer_inactive", name=taker.name)
    commitments = select(Commitment).where(Commitment.owner_id == giver.id)
    agreements = select(Agreement).where(Agreement.desk_officer_id == giver.id)
    if agreement is not None:
        commitments = commitments.where(Commitment.agreement_id == agreement.id)
        agreements = agreements.where(Agreement.id == agreement.id)
    moved = session.exec(commitments.order_by(col(Commitment.id))).all()
    names = {"giver": giver.name, "taker": taker.name}
    for commitment in moved:
        commitment.owner_id = taker.id
        if commitment.division_id in (None, giver.division_id) and taker.division_id:
            commitment.division_id = taker.division_id
        save_commitment(commitment, session=session)
        assert commitment.id is not None
        record_change(
            session,
            "commitment",
            commitment.id,
            "handover",
            actor,
            names | {"from": giver.id, "to": taker.id},
            reason,
        )
    desks = session.exec(agreements).all()
    for desk in desks:
        desk.desk_officer_id = taker.id
        session.add(desk)
        assert desk.id is not None
        record_change(session, "agreement", desk.id, "handover", actor, names, reason)
    session.flush()
    return Handover(commitments=len(moved), agreements=len(desks))


def _owner_state(commitment: Commitment, *, session: Session) -> dict[str, str]:
    officer = session.get(Officer, commitment.owner_id) if commitment.owner_id else None
    division = session.get(Division, commitment.division_id) if commitment.division_id else None
    return {
        "officer": officer.name if officer else "",
        "division": division.name if division else "",
        "lead_agency": commitment.lead_agency,
        "supporting_agencies": commitment.supporting_agencies,
    }
