"""Reading commitments: filtered lists with owner, status and attention."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from tracker.domain import Attention, Role, Strength
from tracker.models import (
    Agreement,
    Clause,
    Commitment,
    CommitmentMechanism,
    CommitmentPublic,
    Division,
    Mechanism,
    Officer,
)
from tracker.services.attention import attention_for
from tracker.services.lookup import find_agreement, find_mechanism, find_officer
from tracker.services.owners import find_division
from tracker.services.policy import FollowUpPolicy


@dataclass(frozen=True)
class CommitmentFilter:
    """What a user can narrow a list by; names and references are resolved as typed."""

    agreement: str | None = None
    mechanism: str | None = None
    owner: str | None = None
    division: str | None = None
    owner_id: int | None = None  # as the web app knows them: no lookup by name
    division_id: int | None = None
    status: str | None = None
    tracked: bool | None = None
    strength: Strength | None = None
    attention: tuple[Attention, ...] = ()  # every one of these flags must be raised
    ids: tuple[int, ...] = ()  # only these commitments


def attention_wanted(
    *, stale: bool = False, due: bool = False, unowned: bool = False
) -> tuple[Attention, ...]:
    """The flags a list asked for with `--stale --due --unowned` (CLI) or `?stale=true` (API)."""
    return tuple(
        flag
        for flag, wanted in (
            (Attention.STALE, stale),
            (Attention.DUE, due),
            (Attention.UNOWNED, unowned),
        )
        if wanted
    )


def list_commitments(
    *,
    session: Session,
    policy: FollowUpPolicy | None = None,
    where: CommitmentFilter | None = None,
    agreement: str | None = None,
    mechanism: str | None = None,
    tracked: bool | None = None,
    strength: Strength | None = None,
) -> list[CommitmentPublic]:
    """Commitments in document order, each with its owner, status label and attention flags."""
    policy = policy or FollowUpPolicy()
    where = where or CommitmentFilter(
        agreement=agreement, mechanism=mechanism, tracked=tracked, strength=strength
    )
    query = (
        select(Commitment, Agreement.key, Clause.number)
        .join(Agreement, col(Agreement.id) == Commitment.agreement_id)
        .join(Clause, col(Clause.id) == Commitment.clause_id)
    )
    for condition in _conditions(where, session=session, policy=policy):
        query = query.where(condition)
    query = query.order_by(
        col(Agreement.id), col(Clause.position), col(Commitment.span_start), col(Commitment.id)
    )
    rows = session.exec(query).all()
    commitments = [commitment for commitment, _, _ in rows]
    flags = attention_for(commitments, session=session, policy=policy)
    if where.attention:
        wanted = set(where.attention)
        rows = [row for row in rows if wanted <= set(flags.get(row[0].id or 0, []))]
    ids = [c.id for c, _, _ in rows if c.id is not None]
    names = _mechanism_names(session, ids)
    officers = _names(session, Officer, {c.owner_id for c, _, _ in rows})
    divisions = _names(session, Division, {c.division_id for c, _, _ in rows})
    return [
        CommitmentPublic.model_validate(
            commitment,
            update={
                "agreement_key": key,
                "clause": number,
                "mechanisms": names[commitment.id],
                "owner": officers.get(commitment.owner_id, ""),
                "division": divisions.get(commitment.division_id, ""),
                "status": policy.status_of(commitment.status).key,
                "status_label": policy.label(commitment.status),
                "attention": [flag.value for flag in flags.get(commitment.id or 0, [])],
            },
        )
        for commitment, key, number in rows
    ]


def commitment_public(
    commitment: Commitment, *, session: Session, policy: FollowUpPolicy
) -> CommitmentPublic:
    """One commitment as lists show it: owner, status label, attention flags."""
    assert commitment.id is not None
    (public,) = list_commitments(
        session=session, policy=policy, where=CommitmentFilter(ids=(commitment.id,))
    )
    return public


def _conditions(
    where: CommitmentFilter, *, session: Session, policy: FollowUpPolicy
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if where.agreement is not None:
        conditions.append(
            col(Commitment.agreement_id) == find_agreement(where.agreement, session=session).id
        )
    if where.mechanism is not None:
        linked = select(CommitmentMechanism.commitment_id).where(
            CommitmentMechanism.mechanism_id == find_mechanism(where.mechanism, session=session).id
        )
        conditions.append(col(Commitment.id).in_(linked))
    if where.owner is not None:
        conditions.append(col(Commitment.owner_id) == find_officer(where.owner, session=session).id)
    if where.division is not None:
        division = find_division(where.division, session=session)
        conditions.append(col(Commitment.division_id) == division.id)
    if where.owner_id is not None:
        conditions.append(col(Commitment.owner_id) == where.owner_id)
    if where.division_id is not None:
        conditions.append(col(Commitment.division_id) == where.division_id)
    if where.status is not None:
        status = policy.status(where.status)
        if status.default:  # nobody has reported yet, or someone set it back explicitly
            conditions.append(
                col(Commitment.status).is_(None) | (col(Commitment.status) == status.key)
            )
        else:
            conditions.append(col(Commitment.status) == status.key)
    if where.ids:
        conditions.append(col(Commitment.id).in_(where.ids))
    if where.tracked is not None:
        conditions.append(col(Commitment.tracked) == where.tracked)
    if where.strength is not None:
        conditions.append(col(Commitment.strength) == where.strength)
    return conditions


def _names(
    session: Session, model: type[Officer] | type[Division], ids: set[int | None]
) -> dict[int | None, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    rows = session.exec(select(model.id, model.name).where(col(model.id).in_(wanted))).all()
    return dict(rows)


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


def watched_commitments(
    officer: Officer, role: Role, *, session: Session, policy: FollowUpPolicy
) -> tuple[str, list[CommitmentPublic]]:
    """Whose tracked commitments a dashboard lists, and which: the officer's own; else their
    division's (a director reads the division's); else, for an administrator or a viewer with
    no division, everyone's. The scope is "mine", "division" or "all"."""

    def tracked(
        owner_id: int | None = None, division_id: int | None = None
    ) -> list[CommitmentPublic]:
        where = CommitmentFilter(tracked=True, owner_id=owner_id, division_id=division_id)
        return list_commitments(session=session, policy=policy, where=where)

    assert officer.id is not None
    mine = tracked(owner_id=officer.id)
    if mine:
        return "mine", mine
    if officer.division_id is not None:
        return "division", tracked(division_id=officer.division_id)
    if role in (Role.ADMIN, Role.VIEWER):
        return "all", tracked()
    return "mine", []
