"""What needs an officer's attention: one rule for the CLI, the web, reports and digests.

Only tracked commitments are flagged. A finished one (a `final` status) is never stale or due.
- stale: no status update for `stale_days` (counted from import when there was none);
- due: a meeting that reviews it (the agreement's reviewing mechanism, at the end of the open
  cycle, or another mechanism linked as reviewing it) is `due_days` away or fewer, or overdue;
- unowned: no officer, or the officer is no longer active;
- stalled: its progress status is flagged `stalled` in the configuration.

Each flag is a SQL condition over the commitment row (`AttentionRule.condition`), so a list
filters, counts and pages by attention in the database, over indexed columns, whatever the size
of the portfolio. Only "due" needs dates that SQL cannot project (a cadence from the last
meeting): the rule works out, per agreement and per reviewing mechanism, whether its next
meeting falls within `due_days` (memory grows with agreements and mechanisms, never with
commitments), and the condition names the agreements and mechanisms found.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, literal, not_, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from tracker.domain import Attention, LinkRole
from tracker.models import Commitment, CommitmentMechanism, Mechanism, Officer
from tracker.models._types import UTCDateTime
from tracker.services.cadence import Cadenced, MeetingCalendar
from tracker.services.cycles import cycle_ends_of
from tracker.services.policy import FollowUpPolicy
from tracker.services.portfolio_calendar import cached_calendar, linked_reviewer_ids

CHUNK = 5000  # ids bound in one statement (PostgreSQL's driver stops at 65,535)


@dataclass(frozen=True)
class AttentionRule:
    """The attention rule on one day, as SQL conditions over `Commitment` rows."""

    policy: FollowUpPolicy
    today: date
    cycle_ends: dict[int, date]  # agreement id → when its open review cycle ends
    bounding: dict[int, int]  # agreement id → the mechanism whose meetings bound its cycles
    due_reviewers: frozenset[int]  # mechanisms linked as reviewers, meeting within `due_days`
    _built: dict[Attention, ColumnElement[bool]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def on(
        cls,
        *,
        session: Session,
        policy: FollowUpPolicy,
        today: date | None = None,
        agreement_ids: Sequence[int] | None = None,
    ) -> AttentionRule:
        """The rule today; `agreement_ids` limits the review dates worked out to those
        agreements' (a list scoped to one agreement need not project every cycle), and the
        rule then speaks only for their commitments."""
        today = today or policy.today()
        horizon = today + timedelta(days=policy.due_days)
        calendar = cached_calendar(session)
        if calendar is not None:
            ends = calendar.ends
            if agreement_ids is not None:
                ends = {i: ends[i] for i in agreement_ids if i in ends}
            due_reviewers = _meeting_by(horizon, calendar.reviewers, calendar.meetings, today)
        else:
            ends = {
                agreement_id: (bounding.id if bounding is not None else None, end)
                for agreement_id, (bounding, end) in cycle_ends_of(
                    session=session, agreement_ids=agreement_ids
                ).items()
            }
            due_reviewers = _reviewers_due(
                session, today=today, horizon=horizon, agreement_ids=agreement_ids
            )
        return cls(
            policy=policy,
            today=today,
            cycle_ends={i: end.on for i, (_, end) in ends.items() if end is not None},
            bounding={i: top for i, (top, _) in ends.items() if top is not None},
            due_reviewers=due_reviewers,
        )

    @classmethod
    def undated(cls, *, policy: FollowUpPolicy, today: date) -> AttentionRule:
        """The rule without meeting dates: for the stale, unowned and stalled conditions only
        (its "due" raises nothing), sparing the daily check the projection of every cycle."""
        return cls(
            policy=policy,
            today=today,
            cycle_ends={},
            bounding={},
            due_reviewers=frozenset(),
        )

    @property
    def due_agreements(self) -> frozenset[int]:
        """Agreements whose open cycle ends within `due_days`, or has ended."""
        horizon = self.today + timedelta(days=self.policy.due_days)
        return frozenset(i for i, end in self.cycle_ends.items() if end <= horizon)

    def condition(self, flag: Attention) -> ColumnElement[bool]:
        """Tracked commitments with `flag` raised (built once per rule: the "due" condition
        names hundreds of agreements, and a page asks for each flag several times)."""
        if flag not in self._built:
            self._built[flag] = self._condition(flag)
        return self._built[flag]

    def _condition(self, flag: Attention) -> ColumnElement[bool]:
        tracked = col(Commitment.tracked).is_(True)
        if flag is Attention.STALE:
            return and_(tracked, self.unfinished(), self._quiet_since())
        if flag is Attention.DUE:
            return and_(tracked, self.unfinished(), self._review_soon())
        if flag is Attention.UNOWNED:
            return and_(tracked, not_(self._actively_owned()))
        return and_(tracked, self._status_in({s.key for s in self.policy.statuses if s.stalled}))

    def conditions(self, flags: Iterable[Attention]) -> list[ColumnElement[bool]]:
        return [self.condition(flag) for flag in flags]

    def any_flag(self) -> ColumnElement[bool]:
        return or_(*self.conditions(Attention))

    def columns(self) -> list[ColumnElement[int]]:
        """One 0/1 column per flag, in the order of `Attention`, to select beside a row."""
        return [
            case((self.condition(flag), 1), else_=0).label(f"attention_{flag.value}")
            for flag in Attention
        ]

    def counts(self) -> list[ColumnElement[int]]:
        """One SUM per flag, in the order of `Attention`, for a GROUP BY."""
        return [
            func.coalesce(func.sum(case((self.condition(flag), 1), else_=0)), 0).label(
                f"count_{flag.value}"
            )
            for flag in Attention
        ]

    def unfinished(self) -> ColumnElement[bool]:
        """Not in a `final` status: a commitment that can still be stale or due."""
        return not_(self._status_in({s.key for s in self.policy.statuses if s.final}))

    def _status_in(self, keys: set[str]) -> ColumnElement[bool]:
        """The status is one of `keys`; no status yet counts as the default status."""
        stored = col(Commitment.status).in_(sorted(keys)) if keys else false()
        if self.policy.default_status.key in keys:
            return or_(col(Commitment.status).is_(None), stored)
        return and_(col(Commitment.status).is_not(None), stored)

    def _quiet_since(self) -> ColumnElement[bool]:
        # Stale when the last activity's local day is before today - stale_days: before the
        # local midnight that starts that day, in UTC.
        last_quiet_day = self.today - timedelta(days=self.policy.stale_days)
        cutoff = datetime.combine(last_quiet_day, time.min, self.policy.timezone).astimezone(UTC)
        # One expression, not an OR of two ranges: SQLite would merge two index scans for the
        # OR, slower than checking the rows it reads anyway.
        last_activity = func.coalesce(col(Commitment.last_update_at), col(Commitment.created_at))
        return last_activity < literal(cutoff, UTCDateTime())

    def _actively_owned(self) -> ColumnElement[bool]:
        # Not correlated, like `_review_soon`: the active officers are read once per query.
        active = select(Officer.id).where(col(Officer.active).is_(True))
        return and_(col(Commitment.owner_id).is_not(None), col(Commitment.owner_id).in_(active))

    def _review_soon(self) -> ColumnElement[bool]:
        by_cycle = _in_ids(col(Commitment.agreement_id), self.due_agreements)
        # A link to the mechanism whose meetings bound the agreement's own cycles adds nothing:
        # its meetings end those cycles, which `by_cycle` has counted already. So a link to a
        # due reviewer counts everywhere except in the agreements it bounds that are not due.
        # (No join: the rule knows each agreement's bounding mechanism.)
        bounded_by: dict[int, set[int]] = {}
        for agreement_id, top in self.bounding.items():
            if top in self.due_reviewers and agreement_id not in self.due_agreements:
                bounded_by.setdefault(top, set()).add(agreement_id)
        elsewhere = sorted(self.due_reviewers - bounded_by.keys())
        by_link = [self._linked_to(elsewhere)] if elsewhere else []
        by_link += [
            and_(
                self._linked_to([mechanism_id]),
                not_(_in_ids(col(Commitment.agreement_id), frozenset(own))),
            )
            for mechanism_id, own in sorted(bounded_by.items())
        ]
        return or_(by_cycle, *by_link)

    @staticmethod
    def _linked_to(mechanism_ids: Sequence[int]) -> ColumnElement[bool]:
        # Not correlated: the database works the set out once, then looks each row up.
        return col(Commitment.id).in_(
            select(CommitmentMechanism.commitment_id).where(
                col(CommitmentMechanism.role) == LinkRole.REVIEWS,
                col(CommitmentMechanism.mechanism_id).in_(mechanism_ids),
            )
        )


def _in_ids(column: Any, ids: frozenset[int]) -> ColumnElement[bool]:
    if not ids:
        return false()
    ordered = sorted(ids)
    return or_(*(column.in_(ordered[i : i + CHUNK]) for i in range(0, len(ordered), CHUNK)))


def _reviewers_due(
    session: Session, *, today: date, horizon: date, agreement_ids: Sequence[int] | None
) -> frozenset[int]:
    """Mechanisms linked as reviewing some commitment (of `agreement_ids`, or any) whose next
    meeting (recorded, or by cadence from the last) is on or before `horizon`."""
    linked = session.exec(
        select(Mechanism)
        .where(
            col(Mechanism.id).in_(linked_reviewer_ids(session=session, agreement_ids=agreement_ids))
        )
        .order_by(col(Mechanism.id))
    ).all()
    return _meeting_by(horizon, linked, MeetingCalendar.read(linked, session=session), today)


def _meeting_by(
    horizon: date, mechanisms: Sequence[Cadenced], calendar: MeetingCalendar, today: date
) -> frozenset[int]:
    """Those of `mechanisms` whose next meeting falls on or before `horizon`."""
    return frozenset(
        mechanism.id
        for mechanism in mechanisms
        if mechanism.id is not None
        and (upcoming := calendar.next_meeting(mechanism, after=today)) is not None
        and upcoming.on <= horizon
    )


def attention_for(
    commitments: Sequence[Commitment],
    *,
    session: Session,
    policy: FollowUpPolicy,
    today: date | None = None,
    rule: AttentionRule | None = None,
) -> dict[int, list[Attention]]:
    """Each tracked commitment's id → its attention flags, in the order of `Attention`."""
    rule = rule or AttentionRule.on(session=session, policy=policy, today=today)
    ids = [c.id for c in commitments if c.tracked and c.id is not None]
    flags: dict[int, list[Attention]] = {}
    for start in range(0, len(ids), CHUNK):
        rows = session.execute(
            sa_select(col(Commitment.id), *rule.columns()).where(
                col(Commitment.id).in_(ids[start : start + CHUNK])
            )
        ).all()
        for commitment_id, *raised in rows:
            flags[commitment_id] = [flag for flag, on in zip(Attention, raised, strict=True) if on]
    return flags
