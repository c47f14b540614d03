"""Why the attention list says what it says, as data for a dashboard to word.

For a list with nothing in it: why nothing is stale (the oldest update among the commitments
watched, against `stale_days`, and the first day one could turn stale) and why nothing is due
(the next review meeting of the agreements watched, and the day its commitments fall due). For
each commitment that is due: the meeting it is due for (mechanism, date, place).

Both read what the attention rule (`tracker.services.attention`) already decided: the rule says
which cycle ends and reviewing mechanisms make a commitment due; this only names the meetings.
Every query is bounded: one row for the oldest update, one agreement's cycle end, and the links
and meetings of one page of commitments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from tracker.domain import LinkRole
from tracker.models import Commitment, CommitmentMechanism, CommitmentPublic, Mechanism
from tracker.services.attention import AttentionRule
from tracker.services.cadence import MeetingCalendar, NextMeeting
from tracker.services.commitments import CommitmentFilter, filter_conditions
from tracker.services.cycles import cycle_ends_of
from tracker.services.policy import FollowUpPolicy
from tracker.services.portfolio_calendar import cached_calendar


@dataclass(frozen=True)
class ReviewMeeting:
    """A meeting that reviews commitments, and the day they fall due before it."""

    mechanism: str
    mechanism_en: str
    on: date
    place: str
    estimated: bool  # projected by the mechanism's cadence, not recorded
    due_from: date  # `due_days` before the meeting


@dataclass(frozen=True)
class QuietReasons:
    """Why nothing watched is stale or due."""

    unfinished: int  # watched commitments that could still be stale or due
    oldest_update: date | None  # local day of the oldest last activity among them
    quiet_days: int | None  # days since then
    stale_days: int
    stale_from: date | None  # the first day one of them would be stale, if nothing changes
    next_review: ReviewMeeting | None  # the next meeting that ends a watched review cycle
    due_days: int


def quiet_reasons(
    watched: CommitmentFilter, rule: AttentionRule, *, session: Session, policy: FollowUpPolicy
) -> QuietReasons:
    """What holds the stale and due flags down for the watched commitments."""
    conditions = filter_conditions(watched, session=session, policy=policy, rule=rule)
    last_activity = func.coalesce(col(Commitment.last_update_at), col(Commitment.created_at))
    unfinished = [*conditions, rule.unfinished()]
    count = session.execute(
        sa_select(func.count()).select_from(Commitment).where(*unfinished)
    ).scalar_one()
    oldest = session.execute(
        sa_select(col(Commitment.last_update_at), col(Commitment.created_at))
        .where(*unfinished)
        .order_by(last_activity, col(Commitment.id))
        .limit(1)
    ).first()
    today = rule.today
    oldest_day = None
    if oldest is not None:
        at = oldest[0] or oldest[1]
        oldest_day = at.astimezone(policy.timezone).date()
    return QuietReasons(
        unfinished=int(count),
        oldest_update=oldest_day,
        quiet_days=max(0, (today - oldest_day).days) if oldest_day is not None else None,
        stale_days=policy.stale_days,
        # Stale once its last activity's day is before today - stale_days (the rule's cut).
        stale_from=oldest_day + timedelta(days=policy.stale_days + 1) if oldest_day else None,
        next_review=_next_review(rule, session=session, policy=policy),
        due_days=policy.due_days,
    )


def _next_review(
    rule: AttentionRule, *, session: Session, policy: FollowUpPolicy
) -> ReviewMeeting | None:
    """The earliest upcoming end of an open review cycle the rule knows (its agreements are
    the watched ones, or all for a portfolio-wide dashboard)."""
    upcoming = [(end, i) for i, end in rule.cycle_ends.items() if end >= rule.today]
    if not upcoming:
        return None
    _, agreement_id = min(upcoming)
    return _cycle_end_meetings([agreement_id], session=session, policy=policy).get(agreement_id)


def due_meetings(
    commitments: Sequence[CommitmentPublic],
    rule: AttentionRule,
    *,
    session: Session,
    policy: FollowUpPolicy,
) -> dict[int, ReviewMeeting]:
    """Each listed commitment flagged due → the meeting it is due for: its agreement's cycle
    end when that is near, else the soonest meeting of a reviewing mechanism linked to it that
    the rule found near (as the rule counts them)."""
    due = [c for c in commitments if "due" in c.attention]
    if not due:
        return {}
    by_cycle = _cycle_end_meetings(
        sorted({c.agreement_id for c in due if c.agreement_id in rule.due_agreements}),
        session=session,
        policy=policy,
    )
    by_link = _reviewer_meetings(due, rule, session=session, policy=policy)
    found: dict[int, ReviewMeeting] = {}
    for commitment in due:
        candidates = (
            [by_cycle[commitment.agreement_id]] if commitment.agreement_id in by_cycle else []
        )
        candidates += by_link.get(commitment.id, [])
        if candidates:
            found[commitment.id] = min(candidates, key=lambda m: m.on)
    return found


def _cycle_end_meetings(
    agreement_ids: Sequence[int], *, session: Session, policy: FollowUpPolicy
) -> dict[int, ReviewMeeting]:
    """The meetings that end these agreements' open review cycles (from the process's calendar
    when it keeps one)."""
    if not agreement_ids:
        return {}
    calendar = cached_calendar(session)
    ends: dict[int, tuple[int | None, NextMeeting | None]]
    if calendar is not None:
        ends = {i: calendar.ends[i] for i in agreement_ids if i in calendar.ends}
    else:
        ends = {
            i: (bounding.id if bounding is not None else None, end)
            for i, (bounding, end) in cycle_ends_of(
                session=session, agreement_ids=agreement_ids
            ).items()
        }
    names = _names({top for top, end in ends.values() if top is not None}, session=session)
    return {
        agreement_id: _meeting(names[top], end, policy)
        for agreement_id, (top, end) in ends.items()
        if top is not None and end is not None and top in names
    }


def _reviewer_meetings(
    due: Sequence[CommitmentPublic],
    rule: AttentionRule,
    *,
    session: Session,
    policy: FollowUpPolicy,
) -> dict[int, list[ReviewMeeting]]:
    """Commitment id → the near meetings of the reviewing mechanisms linked to it, leaving out
    a link to the mechanism that bounds its own agreement's cycles while that cycle is not
    near (the rule does not count it either)."""
    if not rule.due_reviewers:
        return {}
    links = session.execute(
        sa_select(col(CommitmentMechanism.commitment_id), col(CommitmentMechanism.mechanism_id))
        .where(
            col(CommitmentMechanism.role) == LinkRole.REVIEWS,
            col(CommitmentMechanism.commitment_id).in_([c.id for c in due]),
            col(CommitmentMechanism.mechanism_id).in_(sorted(rule.due_reviewers)),
        )
        .order_by(col(CommitmentMechanism.commitment_id), col(CommitmentMechanism.mechanism_id))
    ).all()
    agreement_of = {c.id: c.agreement_id for c in due}
    counted = [
        (commitment_id, mechanism_id)
        for commitment_id, mechanism_id in links
        if not (
            rule.bounding.get(agreement_of[commitment_id]) == mechanism_id
            and agreement_of[commitment_id] not in rule.due_agreements
        )
    ]
    mechanisms = (
        session.execute(
            sa_select(Mechanism).where(col(Mechanism.id).in_(sorted({m for _, m in counted})))
        )
        .scalars()
        .all()
    )
    calendar = MeetingCalendar.read(mechanisms, session=session)
    near: dict[int, ReviewMeeting] = {}
    for mechanism in mechanisms:
        upcoming = calendar.next_meeting(mechanism, after=rule.today)
        if mechanism.id is not None and upcoming is not None:
            near[mechanism.id] = _meeting(mechanism, upcoming, policy)
    found: dict[int, list[ReviewMeeting]] = {}
    for commitment_id, mechanism_id in counted:
        if mechanism_id in near:
            found.setdefault(commitment_id, []).append(near[mechanism_id])
    return found


def _names(ids: set[int], *, session: Session) -> dict[int, Mechanism]:
    if not ids:
        return {}
    rows = session.execute(sa_select(Mechanism).where(col(Mechanism.id).in_(sorted(ids))))
    return {m.id: m for m in rows.scalars().all() if m.id is not None}


def _meeting(mechanism: Mechanism, meeting: NextMeeting, policy: FollowUpPolicy) -> ReviewMeeting:
    return ReviewMeeting(
        mechanism=mechanism.name,
        mechanism_en=mechanism.name_en or mechanism.name,
        on=meeting.on,
        place=meeting.place,
        estimated=meeting.estimated,
        due_from=meeting.on - timedelta(days=policy.due_days),
    )
