"""Reading commitments: filtered lists with owner, status and attention."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import ColumnElement, case
from sqlmodel import Session, col, func, select

from tracker.domain import Attention, Strength
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
from tracker.services.attention import AttentionRule
from tracker.services.lookup import find_agreement, find_mechanism, find_officer
from tracker.services.owners import find_division
from tracker.services.paging import Page, PageRequest, after_key, encode_cursor
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
    needs_attention: bool = False  # at least one flag raised
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
    """Commitments in document order, each with its owner, status label and attention flags.
    Every match at once: for lists bounded by their filter (one agreement, one officer); a
    portfolio-wide list pages (`page_commitments`) or streams (`iter_commitments`)."""
    where = where or CommitmentFilter(
        agreement=agreement, mechanism=mechanism, tracked=tracked, strength=strength
    )
    return list(iter_commitments(session=session, policy=policy, where=where))


def page_commitments(
    *,
    session: Session,
    policy: FollowUpPolicy,
    where: CommitmentFilter,
    page: PageRequest,
    rule: AttentionRule | None = None,
) -> Page[CommitmentPublic]:
    """One page of `list_commitments`, in document order, after `page.after`."""
    rule = rule or rule_for(where, session=session, policy=policy)
    found = _fetch(where, session=session, policy=policy, rule=rule, page=page)
    more = len(found) > page.limit
    return Page(
        [public for _, public in found[: page.limit]],
        encode_cursor(found[page.limit - 1][0]) if more else None,
    )


def iter_commitments(
    *,
    session: Session,
    policy: FollowUpPolicy | None = None,
    where: CommitmentFilter,
    batch: int = 1000,
) -> Iterator[CommitmentPublic]:
    """Every match, in document order, read `batch` rows at a time (keyset, so memory stays
    flat however many match)."""
    policy = policy or FollowUpPolicy()
    rule = rule_for(where, session=session, policy=policy)
    page = PageRequest(limit=batch)
    while True:
        found = _fetch(where, session=session, policy=policy, rule=rule, page=page)
        yield from (public for _, public in found[:batch])
        if len(found) <= batch:
            return
        page = PageRequest(limit=batch, after=found[batch - 1][0])


def count_commitments(
    *,
    session: Session,
    policy: FollowUpPolicy,
    where: CommitmentFilter,
    rule: AttentionRule | None = None,
) -> AttentionCounts:
    """How many match, and how many of those have each attention flag raised: one query."""
    rule = rule or rule_for(where, session=session, policy=policy)
    needing = func.coalesce(func.sum(case((rule.any_flag(), 1), else_=0)), 0)
    query = select(func.count(), needing, *rule.counts()).select_from(Commitment)
    for condition in filter_conditions(where, session=session, policy=policy, rule=rule):
        query = query.where(condition)
    total, needing_count, *flags = session.execute(query).one()
    return AttentionCounts(
        total=total,
        needing=needing_count,
        by_flag={flag: count for flag, count in zip(Attention, flags, strict=True)},
    )


@dataclass(frozen=True)
class AttentionCounts:
    total: int
    needing: int  # with at least one flag raised
    by_flag: dict[Attention, int]

    @property
    def by_name(self) -> dict[str, int]:
        return {flag.value: count for flag, count in self.by_flag.items()}


def rule_for(where: CommitmentFilter, *, session: Session, policy: FollowUpPolicy) -> AttentionRule:
    """The attention rule for a list: limited to the agreement or the commitments it names, so
    a page about one agreement or one commitment costs the same in any portfolio."""
    agreement_ids: list[int] | None = None
    if where.agreement is not None:
        found = find_agreement(where.agreement, session=session).id
        agreement_ids = [found] if found is not None else []
    elif where.ids:
        agreement_ids = list(
            session.exec(
                select(Commitment.agreement_id).where(col(Commitment.id).in_(where.ids)).distinct()
            ).all()
        )
    return AttentionRule.on(session=session, policy=policy, agreement_ids=agreement_ids)


SortKey = tuple[int, int, int | None]
COMMITMENT_CURSOR_WIDTH = 3  # agreement, where the span starts in its text, id


def _fetch(
    where: CommitmentFilter,
    *,
    session: Session,
    policy: FollowUpPolicy,
    rule: AttentionRule,
    page: PageRequest,
) -> list[tuple[SortKey, CommitmentPublic]]:
    """Up to `page.limit + 1` rows after `page.after`, each with its sort key."""
    # Document order: a commitment's span starts where it stands in its agreement's text, so
    # clauses and items need no join to sort, and an index walks this order without sorting.
    order = (col(Commitment.agreement_id), col(Commitment.span_start), col(Commitment.id))
    query = (
        select(Commitment, Agreement.key, Clause.number, *rule.columns())
        .join(Agreement, col(Agreement.id) == Commitment.agreement_id)
        .join(Clause, col(Clause.id) == Commitment.clause_id)
    )
    for condition in filter_conditions(where, session=session, policy=policy, rule=rule):
        query = query.where(condition)
    if page.after is not None:
        query = query.where(after_key(order, page.after))
    rows = session.execute(query.order_by(*order).limit(page.limit + 1)).all()
    ids = [commitment.id for commitment, *_ in rows]
    names = _mechanism_names(session, ids)
    officers = _names(session, Officer, {commitment.owner_id for commitment, *_ in rows})
    divisions = _names(session, Division, {commitment.division_id for commitment, *_ in rows})
    found = []
    for commitment, key, number, *raised in rows:
        sort_key = (commitment.agreement_id, commitment.span_start, commitment.id)
        public = CommitmentPublic.model_validate(
            commitment,
            update={
                "agreement_key": key,
                "clause": number,
                "mechanisms": names[commitment.id],
                "owner": officers.get(commitment.owner_id, ""),
                "division": divisions.get(commitment.division_id, ""),
                "status": policy.status_of(commitment.status).key,
                "status_label": policy.label(commitment.status),
                "counterpart_status": commitment.counterpart_status or "",
                "counterpart_status_label": (
                    policy.label(commitment.counterpart_status)
                    if commitment.counterpart_status
                    else ""
                ),
                "attention": [flag.value for flag, on in zip(Attention, raised, strict=True) if on],
            },
        )
        found.append((sort_key, public))
    return found


def commitment_public(
    commitment: Commitment, *, session: Session, policy: FollowUpPolicy
) -> CommitmentPublic:
    """One commitment as lists show it: owner, status label, attention flags."""
    assert commitment.id is not None
    (public,) = list_commitments(
        session=session, policy=policy, where=CommitmentFilter(ids=(commitment.id,))
    )
    return public


def filter_conditions(
    where: CommitmentFilter,
    *,
    session: Session,
    policy: FollowUpPolicy,
    rule: AttentionRule,
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = rule.conditions(where.attention)
    if where.needs_attention:
        conditions.append(rule.any_flag())
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
