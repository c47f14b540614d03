"""What a dashboard shows, bounded however large the portfolio: counts first, then one page.

Whose commitments it watches: the officer's own; else their division's (a director reads the
division's); else, for an administrator or a viewer with no division, everyone's. It counts the
watched tracked commitments by attention flag, names the agreements and divisions where most
need attention (at most `LEADERS` of each, with how many more there are), and lists one page of
the commitments that need attention, in document order, optionally narrowed to one flag. One
GROUP BY per agreement gives the counts, the leading agreements and how many there are; nothing
reads the watched commitments into memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from tracker.domain import Attention, Role
from tracker.models import (
    Agreement,
    Commitment,
    CommitmentMechanism,
    CommitmentPublic,
    Division,
    Officer,
)
from tracker.services.attention import AttentionRule
from tracker.services.attention_reasons import (
    QuietReasons,
    ReviewMeeting,
    due_meetings,
    quiet_reasons,
)
from tracker.services.commitments import (
    AttentionCounts,
    CommitmentFilter,
    filter_conditions,
    page_commitments,
)
from tracker.services.meetings import MeetingListed
from tracker.services.paging import Page, PageRequest
from tracker.services.policy import FollowUpPolicy
from tracker.services.portfolio_calendar import list_meetings
from tracker.services.rollups import RollupRow, status_counts_by_agreement

LEADERS = 10
UPCOMING_MEETINGS = 8
FIRST_PAGE = 25


@dataclass(frozen=True)
class GroupAttention:
    """One agreement or division: its tracked commitments in scope and those needing a look."""

    key: str
    label: str
    total: int
    needing: int
    by_flag: dict[str, int]


@dataclass(frozen=True)
class Dashboard:
    scope: str  # "mine", "division" or "all"
    counts: AttentionCounts
    flag: Attention | None
    flagged: Page[CommitmentPublic]
    agreements: list[GroupAttention]
    agreements_total: int
    divisions: list[GroupAttention]
    bars: dict[str, RollupRow]
    meetings: list[MeetingListed]  # the next few, of the mechanisms it watches
    # Why nothing needs attention, when nothing does (and something is watched).
    quiet: QuietReasons | None = None
    # Each listed commitment that is due → the meeting it is due for.
    due_for: dict[int, ReviewMeeting] = field(default_factory=dict)


def watched_scope(
    officer: Officer, role: Role, *, session: Session
) -> tuple[str, CommitmentFilter]:
    """Whose tracked commitments a dashboard watches, as a filter; an officer who owns nothing
    and has no division watches nothing (`ids=(-1,)` matches no row)."""
    assert officer.id is not None
    owns = session.exec(
        select(Commitment.id)
        .where(col(Commitment.owner_id) == officer.id, col(Commitment.tracked).is_(True))
        .limit(1)
    ).first()
    if owns is not None:
        return "mine", CommitmentFilter(tracked=True, owner_id=officer.id)
    if officer.division_id is not None:
        return "division", CommitmentFilter(tracked=True, division_id=officer.division_id)
    if role in (Role.ADMIN, Role.VIEWER):
        return "all", CommitmentFilter(tracked=True)
    return "mine", CommitmentFilter(tracked=True, ids=(-1,))


def dashboard(
    officer: Officer,
    role: Role,
    *,
    session: Session,
    policy: FollowUpPolicy,
    flag: Attention | None = None,
    page: PageRequest = PageRequest(limit=FIRST_PAGE),
) -> Dashboard:
    scope, watched = watched_scope(officer, role, session=session)
    # An officer's or a division's dashboard works out the review dates of its own agreements
    # only, and shows the meetings of its own mechanisms: its cost follows what it watches,
    # not the portfolio.
    agreement_ids = (
        None if scope == "all" else _agreements_of(watched, session=session, policy=policy)
    )
    rule = AttentionRule.on(session=session, policy=policy, agreement_ids=agreement_ids)
    flagged_filter = (
        CommitmentFilter(**{**watched.__dict__, "attention": (flag,)})
        if flag is not None
        else CommitmentFilter(**{**watched.__dict__, "needs_attention": True})
    )
    # One GROUP BY per agreement answers the counts, the leaders and how many agreements.
    by_agreement = _groups(watched, session=session, policy=policy, rule=rule, by="agreement")
    divisions = (
        _groups(watched, session=session, policy=policy, rule=rule, by="division")
        if scope == "all"
        else []
    )
    agreements = _leading(by_agreement)
    counts = AttentionCounts(
        total=sum(g.total for g in by_agreement),
        needing=sum(g.needing for g in by_agreement),
        by_flag={flag: sum(g.by_flag[flag.value] for g in by_agreement) for flag in Attention},
    )
    flagged = page_commitments(
        session=session,
        policy=policy,
        where=flagged_filter,
        page=page,
        rule=rule,
    )
    return Dashboard(
        scope=scope,
        counts=counts,
        flag=flag,
        flagged=flagged,
        agreements=agreements,
        agreements_total=len(by_agreement),
        divisions=_leading(divisions),
        bars=status_counts_by_agreement(
            session=session, policy=policy, keys=[a.key for a in agreements]
        ),
        meetings=list_meetings(
            session=session,
            today=policy.today(),
            since=policy.today(),
            mechanism_ids=None
            if agreement_ids is None
            else _mechanisms_of(watched, rule, session=session, policy=policy),
        )[:UPCOMING_MEETINGS],
        quiet=quiet_reasons(watched, rule, session=session, policy=policy)
        if counts.total and not counts.needing
        else None,
        due_for=due_meetings(flagged.items, rule, session=session, policy=policy),
    )


def _agreements_of(
    watched: CommitmentFilter, *, session: Session, policy: FollowUpPolicy
) -> list[int]:
    conditions = filter_conditions(
        watched,
        session=session,
        policy=policy,
        rule=AttentionRule.undated(policy=policy, today=policy.today()),
    )
    return list(session.exec(select(Commitment.agreement_id).where(*conditions).distinct()).all())


def _mechanisms_of(
    watched: CommitmentFilter,
    rule: AttentionRule,
    *,
    session: Session,
    policy: FollowUpPolicy,
) -> set[int]:
    """The mechanisms that follow the watched commitments, and those whose meetings bound
    their agreements' review cycles (the rule, scoped to those agreements, knows them)."""
    conditions = filter_conditions(
        watched,
        session=session,
        policy=policy,
        rule=AttentionRule.undated(policy=policy, today=policy.today()),
    )
    linked = set(
        session.exec(
            select(CommitmentMechanism.mechanism_id)
            .join(Commitment, col(Commitment.id) == CommitmentMechanism.commitment_id)
            .where(*conditions)
            .distinct()
        ).all()
    )
    return linked | set(rule.bounding.values())


def _leading(groups: list[GroupAttention]) -> list[GroupAttention]:
    """The `LEADERS` groups where most need attention (ties by key)."""
    return sorted(groups, key=lambda g: (-g.needing, g.key))[:LEADERS]


def _groups(
    watched: CommitmentFilter,
    *,
    session: Session,
    policy: FollowUpPolicy,
    rule: AttentionRule,
    by: str,
) -> list[GroupAttention]:
    """Each agreement or division in scope with its counts: one aggregated row per group (at
    most one per agreement of the portfolio), never a row per commitment."""
    needing = func.sum(case((rule.any_flag(), 1), else_=0))
    key: Any
    label: Any
    if by == "agreement":
        key, label = col(Agreement.key), col(Agreement.title)
        base = (
            sa_select(key)
            .select_from(Commitment)
            .join(Agreement, col(Agreement.id) == Commitment.agreement_id)
        )
        group: list[Any] = [col(Agreement.id), key, label]
    else:
        key = func.coalesce(col(Division.name), "-")
        label = key
        base = sa_select(key).select_from(Commitment)
        base = base.outerjoin(Division, col(Division.id) == Commitment.division_id)
        group = [key]
    conditions = filter_conditions(watched, session=session, policy=policy, rule=rule)
    query = (
        base.with_only_columns(
            key, label, func.count(), needing, *rule.counts(), maintain_column_froms=True
        )
        .where(*conditions)
        .group_by(*group)
    )
    return [
        GroupAttention(
            key=row_key,
            label=row_label,
            total=total,
            needing=int(row_needing or 0),
            by_flag={flag.value: int(count) for flag, count in zip(Attention, flags, strict=True)},
        )
        for row_key, row_label, total, row_needing, *flags in session.execute(query).all()
    ]
