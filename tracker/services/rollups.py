"""Rollups for reports and the dashboard: tracked commitments counted by progress status, and
the mean assessment of the open cycle, per agreement, section, mechanism, owner or division."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Subquery, case, literal
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from tracker.domain import Attention
from tracker.domain import Grouping as Grouping  # re-exported: reports and pages import it here
from tracker.models import (
    Agreement,
    Assessment,
    Clause,
    Commitment,
    CommitmentMechanism,
    CommitmentPublic,
    Division,
    Mechanism,
    Officer,
    ReviewCycle,
    Section,
)
from tracker.services.attention import AttentionRule
from tracker.services.lookup import find_agreement
from tracker.services.policy import FollowUpPolicy


@dataclass
class RollupRow:
    group: str
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    assessed: int = 0
    score_sum: int = 0
    scores: Counter[int] = field(default_factory=Counter)  # +1, 0, -1 → how many
    attention: Counter[str] = field(default_factory=Counter)
    # The counterpart's statuses, where recorded ("" counts those nobody recorded): each party
    # is counted, the home side's in `by_status`.
    by_counterpart: Counter[str] = field(default_factory=Counter)

    @property
    def mean_score(self) -> float | None:
        """Mean of the scores given (+1, 0, −1); None when nothing is assessed yet."""
        return self.score_sum / self.assessed if self.assessed else None

    @property
    def not_assessed(self) -> int:
        return self.total - self.assessed


def rollup(
    *,
    session: Session,
    policy: FollowUpPolicy,
    by: Grouping,
    agreement: str | None = None,
    cycle_id: int | None = None,
    commitments: Sequence[CommitmentPublic] | None = None,
) -> list[RollupRow]:
    """One row per group, then a last row "total"; a commitment linked to several mechanisms
    counts under each, but once in the total. Scores are those of each agreement's open cycle,
    or of `cycle_id`. Agreements and sections come in document order, owners and divisions in
    the order of their first agreement, mechanisms by name.

    Counted in the database (GROUP BY), whatever the size of the portfolio; a caller that has
    listed one agreement's tracked commitments already passes them as `commitments`."""
    if commitments is not None:
        return _rollup_listed(session, policy, by, cycle_id, commitments)
    scored = _scored(cycle_id)
    tracked: list[ColumnElement[bool]] = [col(Commitment.tracked).is_(True)]
    scope: list[int] | None = None
    if agreement is not None:
        found = find_agreement(agreement, session=session)
        assert found.id is not None
        tracked.append(col(Commitment.agreement_id) == found.id)
        scope = [found.id]
    rule = AttentionRule.on(session=session, policy=policy, agreement_ids=scope)
    label, order, joined = _grouping(by)
    grouped = (
        _counting(label, rule, scored, joined(select_from_commitments(scored)))
        .where(*tracked)
        .group_by(label, col(Commitment.status), col(Commitment.counterpart_status))
        .order_by(*order, label)
    )
    rows: dict[str, RollupRow] = {}
    total = _blank(policy, "total")
    # Every commitment falls in one group, but under each of its mechanisms: only then is the
    # total a query of its own.
    once = by is not Grouping.MECHANISM
    for group, *counts in session.execute(grouped).all():
        _add(rows.setdefault(group, _blank(policy, group)), policy, counts)
        if once:
            _add(total, policy, counts)
    if not once:
        whole = (
            _counting(literal("total"), rule, scored, select_from_commitments(scored))
            .where(*tracked)
            .group_by(col(Commitment.status), col(Commitment.counterpart_status))
        )
        for _, *counts in session.execute(whole).all():
            _add(total, policy, counts)
    return [*rows.values(), total]


def select_from_commitments(scored: Subquery) -> Any:
    """Commitments with their score in the cycle counted, if any (one per commitment)."""
    return (
        sa_select(col(Commitment.id))
        .select_from(Commitment)
        .outerjoin(scored, scored.c.commitment_id == col(Commitment.id))
    )


def _counting(label: Any, rule: AttentionRule, scored: Subquery, base: Any) -> Any:
    score = scored.c.score
    return base.with_only_columns(
        label,
        col(Commitment.status),
        col(Commitment.counterpart_status),
        func.count(),
        func.count(score),
        func.coalesce(func.sum(score), 0),
        *(func.sum(case((score == value, 1), else_=0)) for value in (1, 0, -1)),
        *rule.counts(),
        maintain_column_froms=True,
    )


def _add(row: RollupRow, policy: FollowUpPolicy, counts: list[Any]) -> None:
    status, counterpart, total, assessed, score_sum, full, partial, none, *flags = counts
    key = policy.status_of(status).key
    row.total += total
    row.by_status[key] = row.by_status.get(key, 0) + total
    row.by_counterpart[policy.status_of(counterpart).key if counterpart else ""] += total
    row.assessed += assessed
    row.score_sum += int(score_sum)
    for value, count in ((1, full), (0, partial), (-1, none)):
        if count:
            row.scores[value] += int(count)
    for flag, count in zip(Attention, flags, strict=True):
        if count:
            row.attention[flag.value] += int(count)


def _scored(cycle_id: int | None) -> Subquery:
    in_cycle = (
        col(ReviewCycle.ends_on).is_(None) if cycle_id is None else col(ReviewCycle.id) == cycle_id
    )
    return (
        sa_select(col(Assessment.commitment_id), col(Assessment.score))
        .join(ReviewCycle, col(ReviewCycle.id) == Assessment.cycle_id)
        .where(in_cycle, col(Assessment.score).is_not(None))
        .subquery("scored")
    )


def _grouping(by: Grouping) -> tuple[Any, list[Any], Any]:
    """The group's label, its order, and the joins that give it."""
    if by is Grouping.AGREEMENT:
        return (
            col(Agreement.key),
            [func.min(col(Commitment.agreement_id))],
            lambda q: q.join(Agreement, col(Agreement.id) == Commitment.agreement_id),
        )
    if by is Grouping.SECTION:
        label = col(Agreement.key) + " › " + func.coalesce(col(Section.title), "-")
        return (
            label,
            [func.min(col(Commitment.agreement_id)), func.min(col(Section.position))],
            lambda q: (
                q.join(Agreement, col(Agreement.id) == Commitment.agreement_id)
                .join(Clause, col(Clause.id) == Commitment.clause_id)
                .outerjoin(Section, col(Section.id) == Clause.section_id)
            ),
        )
    if by is Grouping.MECHANISM:
        names = (
            sa_select(col(CommitmentMechanism.commitment_id), col(Mechanism.name))
            .join(Mechanism, col(Mechanism.id) == CommitmentMechanism.mechanism_id)
            .distinct()
            .subquery("names")
        )
        return (
            func.coalesce(names.c.name, "-"),
            [],
            lambda q: q.outerjoin(names, names.c.commitment_id == col(Commitment.id)),
        )
    model: type[Officer] | type[Division] = Officer if by is Grouping.OWNER else Division
    key = Commitment.owner_id if by is Grouping.OWNER else Commitment.division_id
    return (
        func.coalesce(col(model.name), "-"),
        [func.min(col(Commitment.agreement_id))],
        lambda q: q.outerjoin(model, col(model.id) == key),
    )


def _rollup_listed(
    session: Session,
    policy: FollowUpPolicy,
    by: Grouping,
    cycle_id: int | None,
    commitments: Sequence[CommitmentPublic],
) -> list[RollupRow]:
    scores = _cycle_scores(session, [c.id for c in commitments], cycle_id)
    sections = (
        _section_titles(session, [c.id for c in commitments]) if by is Grouping.SECTION else {}
    )
    rows: dict[str, RollupRow] = {}
    total = _blank(policy, "total")
    for commitment in commitments:
        for group in _groups(commitment, by, sections):
            row = rows.setdefault(group, _blank(policy, group))
            _count(row, commitment, scores.get(commitment.id))
        _count(total, commitment, scores.get(commitment.id))
    return [*rows.values(), total]


def status_counts_by_agreement(
    *, session: Session, policy: FollowUpPolicy, keys: Sequence[str] | None = None
) -> dict[str, RollupRow]:
    """Tracked commitments counted by progress status for each agreement (of `keys`, or all),
    in one query: the dashboard's bars, which need neither attention flags nor scores."""
    rows: dict[str, RollupRow] = {}
    query = (
        select(Agreement.key, Commitment.status, func.count())
        .join(Agreement, col(Agreement.id) == Commitment.agreement_id)
        .where(col(Commitment.tracked).is_(True))
        .group_by(col(Agreement.key), col(Commitment.status))
    )
    if keys is not None:
        query = query.where(col(Agreement.key).in_(keys))
    for key, status, count in session.exec(query).all():
        row = rows.setdefault(key, _blank(policy, key))
        status_key = policy.status_of(status).key
        row.by_status[status_key] = row.by_status.get(status_key, 0) + count
        row.total += count
    return rows


def _blank(policy: FollowUpPolicy, group: str) -> RollupRow:
    return RollupRow(group=group, by_status={status.key: 0 for status in policy.statuses})


def _count(row: RollupRow, commitment: CommitmentPublic, score: int | None) -> None:
    row.total += 1
    row.by_status[commitment.status] = row.by_status.get(commitment.status, 0) + 1
    row.by_counterpart[commitment.counterpart_status] += 1
    if score is not None:
        row.assessed += 1
        row.score_sum += score
        row.scores[score] += 1
    row.attention.update(commitment.attention)


def _groups(commitment: CommitmentPublic, by: Grouping, sections: dict[int, str]) -> list[str]:
    if by is Grouping.AGREEMENT:
        return [commitment.agreement_key]
    if by is Grouping.SECTION:
        return [f"{commitment.agreement_key} › {sections.get(commitment.id, '-')}"]
    if by is Grouping.MECHANISM:
        return commitment.mechanisms or ["-"]
    if by is Grouping.OWNER:
        return [commitment.owner or "-"]
    return [commitment.division or "-"]


def _cycle_scores(session: Session, ids: list[int], cycle_id: int | None) -> dict[int, int]:
    if not ids:
        return {}
    in_cycle = (
        col(ReviewCycle.ends_on).is_(None) if cycle_id is None else col(ReviewCycle.id) == cycle_id
    )
    rows = session.exec(
        select(Assessment.commitment_id, Assessment.score)
        .join(ReviewCycle, col(ReviewCycle.id) == Assessment.cycle_id)
        .where(
            col(Assessment.commitment_id).in_(ids),
            in_cycle,
            col(Assessment.score).is_not(None),
        )
    ).all()
    return {commitment_id: score for commitment_id, score in rows if score is not None}


def _section_titles(session: Session, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.exec(
        select(Commitment.id, Section.title)
        .join(Clause, col(Clause.id) == Commitment.clause_id)
        .join(Section, col(Section.id) == Clause.section_id)
        .where(col(Commitment.id).in_(ids))
    ).all()
    return {commitment_id: title for commitment_id, title in rows if commitment_id is not None}
