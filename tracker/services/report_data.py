"""What a report reads from the database, as plain data: `tracker.reports.context` labels it.

A review reads one agreement: where each tracked commitment sits, its assessment in the cycle,
what each party's standing update says (narrative, obstacles, evidence level), its evidence, the
mechanisms that follow it. A brief spans the portfolio, so it is counted in SQL: one summary row
per agreement, and only the most urgent commitments in full; memory grows with the agreements,
not with their commitments.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple, cast

from sqlalchemy import ColumnElement, Subquery, case
from sqlalchemy import select as sa_select
from sqlalchemy.orm import QueryableAttribute, defer
from sqlmodel import Session, col, func, select

from tracker.domain import Attention, EvidenceLevel, Party, ReportKind
from tracker.models import (
    Agreement,
    Assessment,
    Clause,
    Commitment,
    CommitmentMechanism,
    CooperationRequest,
    Division,
    Evidence,
    Mechanism,
    Meeting,
    Officer,
    Report,
    ReviewCycle,
    Section,
    StatusUpdate,
)
from tracker.services.attention import AttentionRule
from tracker.services.cadence import NextMeeting, next_meeting
from tracker.services.cycles import cycle_mechanism
from tracker.services.policy import FollowUpPolicy
from tracker.services.requests import OPEN_STATES
from tracker.services.rollups import RollupRow

# Most urgent first, as digests order them: a review meeting soon, then stalled, then the
# longest without an update, then without an owner; ties in document order.
URGENCY = (Attention.DUE, Attention.STALLED)

_SOURCE_TEXT = cast("QueryableAttribute[str]", Agreement.source_text)


def previous_report(agreement_id: int | None, *, session: Session) -> Report | None:
    """The agreement's latest review report: the one "changes since" compares against."""
    return session.exec(
        select(Report)
        .where(Report.agreement_id == agreement_id, Report.kind == ReportKind.REVIEW)
        .order_by(col(Report.generated_at).desc(), col(Report.id).desc())
    ).first()


def prepared_by(agreement: Agreement, *, session: Session) -> str:
    """Who prepares the agreement's reports: its desk officer's division, rank and name, or the
    names recorded on the agreement when no officer is linked."""
    officer = session.get(Officer, agreement.desk_officer_id) if agreement.desk_officer_id else None
    if officer is None:
        return " ".join(p for p in (agreement.officer_division, agreement.officer_name) if p)
    division = session.get(Division, officer.division_id) if officer.division_id else None
    return " ".join(p for p in (division.name if division else "", officer.rank, officer.name) if p)


# --- one commitment at a time ---------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """What a party's standing update says beside its status."""

    narrative: str
    obstacles: str
    evidence_level: EvidenceLevel


@dataclass(frozen=True)
class CommitmentFacts:
    """What a report shows of commitments besides their own row, by commitment id."""

    assessments: dict[int, Assessment]  # in the cycle asked for
    home: dict[int, Standing]  # the home side's standing update
    counterpart: dict[int, Standing]  # the counterpart's, where one is recorded
    evidence: dict[int, int]  # how many pieces of evidence, both parties' updates together


def commitment_facts(
    ids: Collection[int], cycle_ids: Iterable[int | None], *, session: Session
) -> CommitmentFacts:
    """Assessments in `cycle_ids`, each party's standing update and evidence counts of
    commitments `ids`."""
    assessments = session.exec(
        select(Assessment).where(
            col(Assessment.commitment_id).in_(ids),
            col(Assessment.cycle_id).in_([i for i in cycle_ids if i is not None]),
        )
    ).all()
    evidence = session.exec(
        select(StatusUpdate.commitment_id, func.count(col(Evidence.id)))
        .join(Evidence, col(Evidence.status_update_id) == StatusUpdate.id)
        .where(col(StatusUpdate.commitment_id).in_(ids))
        .group_by(col(StatusUpdate.commitment_id))
    ).all()
    standing: dict[Party, dict[int, Standing]] = {party: {} for party in Party}
    ranked = _ranked_updates(col(StatusUpdate.commitment_id).in_(ids))
    for commitment_id, party, narrative, obstacles, level in session.execute(
        sa_select(
            ranked.c.commitment_id,
            ranked.c.party,
            ranked.c.narrative,
            ranked.c.obstacles,
            ranked.c.evidence_level,
        ).where(ranked.c.rank == 1)
    ).all():
        standing[Party(party)][commitment_id] = Standing(narrative, obstacles, EvidenceLevel(level))
    return CommitmentFacts(
        assessments={a.commitment_id: a for a in assessments},
        home=standing[Party.HOME],
        counterpart=standing[Party.COUNTERPART],
        evidence=dict(evidence),
    )


def _ranked_updates(*where: ColumnElement[bool]) -> Subquery:
    """Status updates matching `where` that no later one corrects, each ranked within its
    commitment and party: rank 1 is the update that stands (the latest as-of date, then the
    latest recorded), as `status_updates.latest_update` chooses it."""
    corrected = select(StatusUpdate.corrects_id).where(col(StatusUpdate.corrects_id).is_not(None))
    rank = func.row_number().over(
        partition_by=(col(StatusUpdate.commitment_id), col(StatusUpdate.party)),
        order_by=(
            col(StatusUpdate.as_of).desc(),
            col(StatusUpdate.recorded_at).desc(),
            col(StatusUpdate.id).desc(),
        ),
    )
    return (
        sa_select(
            col(StatusUpdate.commitment_id),
            col(StatusUpdate.party),
            col(StatusUpdate.narrative),
            col(StatusUpdate.obstacles),
            col(StatusUpdate.evidence_level),
            rank.label("rank"),
        )
        .where(col(StatusUpdate.id).not_in(corrected), *where)
        .subquery("ranked")
    )


def evidence_levels(agreement_id: int | None, *, session: Session) -> Counter[str]:
    """The agreement's tracked commitments counted by the evidence level of the home side's
    standing update ("" for those with no update yet), in one GROUP BY."""
    tracked = (col(Commitment.agreement_id) == agreement_id, col(Commitment.tracked).is_(True))
    ranked = _ranked_updates(
        col(StatusUpdate.party) == Party.HOME,
        col(StatusUpdate.commitment_id).in_(select(Commitment.id).where(*tracked)),
    )
    rows = session.execute(
        sa_select(ranked.c.evidence_level, func.count())
        .select_from(Commitment)
        .outerjoin(ranked, (ranked.c.commitment_id == col(Commitment.id)) & (ranked.c.rank == 1))
        .where(*tracked)
        .group_by(ranked.c.evidence_level)
    ).all()
    return Counter({EvidenceLevel(level).value if level else "": count for level, count in rows})


def open_cycles(agreement_ids: Collection[int], *, session: Session) -> dict[int, int | None]:
    """Agreement id → the id of its open review cycle."""
    return dict(
        session.exec(
            select(ReviewCycle.agreement_id, ReviewCycle.id).where(
                col(ReviewCycle.agreement_id).in_(agreement_ids),
                col(ReviewCycle.ends_on).is_(None),
            )
        ).all()
    )


# --- one agreement: the review ----------------------------------------------------------------


class CommitmentPlace(NamedTuple):
    """Where a tracked commitment sits in the text."""

    commitment_id: int
    clause: str  # the clause's number
    section_id: int | None
    section: str | None  # the section's title; None for clauses under no heading


def commitment_places(agreement_id: int | None, *, session: Session) -> list[CommitmentPlace]:
    """The agreement's tracked commitments in document order, with their clause and section."""
    rows = session.exec(
        select(col(Commitment.id), col(Clause.number), col(Section.id), col(Section.title))
        .join(Clause, col(Clause.id) == Commitment.clause_id)
        .outerjoin(Section, col(Section.id) == Clause.section_id)
        .where(Commitment.agreement_id == agreement_id, col(Commitment.tracked).is_(True))
        .order_by(col(Clause.position), col(Commitment.span_start))
    ).all()
    return [
        CommitmentPlace(commitment_id or 0, number, section_id, title)
        for commitment_id, number, section_id, title in rows
    ]


class AnnexRow(NamedTuple):
    number: str
    text: str  # the clause as imported, its number kept
    section: str | None  # the heading it falls under


def annex_clauses(agreement_id: int | None, *, session: Session) -> list[AnnexRow]:
    """Every clause of the agreement, in order, with its section's title."""
    rows = session.exec(
        select(Clause.number, Clause.text, Section.title)
        .outerjoin(Section, col(Section.id) == Clause.section_id)
        .where(Clause.agreement_id == agreement_id)
        .order_by(col(Clause.position))
    ).all()
    return [AnnexRow(*row) for row in rows]


def planned_mechanisms(agreement_id: int | None, *, session: Session) -> list[str]:
    """Names of the mechanisms the text plans ("will establish") that are not set up yet."""
    linked = list(_linked_mechanisms(agreement_id, session=session))
    return list(
        session.exec(
            select(Mechanism.name)
            .where(col(Mechanism.id).in_(linked), col(Mechanism.planned).is_(True))
            .order_by(col(Mechanism.id))
        ).all()
    )


@dataclass(frozen=True)
class FollowedMechanism:
    """A mechanism that follows the agreement up, with its meetings."""

    mechanism: Mechanism
    reports_to: str  # the name of the mechanism it reports to; "" for none
    last_meeting: date | None  # held on or before the day of the report
    next_meeting: NextMeeting | None
    reviews: int  # how many tracked commitments it follows (named or reviewing)


def followed_mechanisms(
    agreement: Agreement, *, session: Session, today: date
) -> list[FollowedMechanism]:
    """The mechanisms linked to the agreement's tracked commitments, and the one whose meetings
    bound its review cycles, in order of id."""
    counts = _linked_mechanisms(agreement.id, session=session)
    bounding = cycle_mechanism(agreement, session=session)
    if bounding is not None and bounding.id is not None:
        counts.setdefault(bounding.id, 0)
    mechanisms = session.exec(
        select(Mechanism).where(col(Mechanism.id).in_(list(counts))).order_by(col(Mechanism.id))
    ).all()
    above = {m.reports_to_id for m in mechanisms if m.reports_to_id is not None}
    names = dict(
        session.exec(select(Mechanism.id, Mechanism.name).where(col(Mechanism.id).in_(above))).all()
    )
    last_held = dict(
        session.exec(
            select(Meeting.mechanism_id, func.max(Meeting.held_on))
            .where(
                col(Meeting.mechanism_id).in_(list(counts)),
                col(Meeting.planned).is_(False),
                col(Meeting.held_on) <= today,
            )
            .group_by(col(Meeting.mechanism_id))
        ).all()
    )
    return [
        FollowedMechanism(
            mechanism=mechanism,
            reports_to=names.get(mechanism.reports_to_id, "") if mechanism.reports_to_id else "",
            last_meeting=last_held.get(mechanism.id or 0),
            next_meeting=next_meeting(
                mechanism,
                session=session,
                after=today,
                # Cycles of the bounding mechanism count from the signing.
                anchor=agreement.signed_on if bounding and mechanism.id == bounding.id else None,
            ),
            reviews=counts.get(mechanism.id or 0, 0),
        )
        for mechanism in mechanisms
    ]


def _linked_mechanisms(agreement_id: int | None, *, session: Session) -> dict[int, int]:
    """Mechanism id → how many tracked commitments of the agreement it follows."""
    rows = session.exec(
        select(CommitmentMechanism.mechanism_id, func.count(func.distinct(Commitment.id)))
        .join(Commitment, col(Commitment.id) == CommitmentMechanism.commitment_id)
        .where(Commitment.agreement_id == agreement_id, col(Commitment.tracked).is_(True))
        .group_by(col(CommitmentMechanism.mechanism_id))
    ).all()
    return dict(rows)


def recorded_meeting(mechanism_id: int | None, on: date, *, session: Session) -> Meeting | None:
    """The meeting recorded for the mechanism on that day, if an officer recorded one."""
    return session.exec(
        select(Meeting).where(Meeting.mechanism_id == mechanism_id, Meeting.held_on == on)
    ).first()


# --- one mechanism, across agreements: the brief ---------------------------------------------


@dataclass
class AgreementTally:
    """An agreement's summary row in a brief, as SQL counts it."""

    agreement: Agreement  # read without its source text
    counts: RollupRow  # by each party's status, and by assessment in the open cycle
    flagged: int = 0  # how many need attention
    requests: int = 0  # requests for cooperation of those commitments not yet closed


@dataclass(frozen=True)
class Urgent:
    """A commitment that needs attention, and why."""

    commitment_id: int
    flags: tuple[Attention, ...]


def blank_row(policy: FollowUpPolicy, group: str) -> RollupRow:
    return RollupRow(group=group, by_status={status.key: 0 for status in policy.statuses})


def brief_tallies(
    mechanism_id: int | None, rule: AttentionRule, *, session: Session, policy: FollowUpPolicy
) -> dict[int, AgreementTally]:
    """Agreement id → what the mechanism follows of it (named or reviewing, tracked): counts by
    each party's status, by assessment in its open cycle, of those that need attention and of
    their requests for cooperation not yet closed, in four GROUP BY queries; in order of
    agreement key."""
    followed = _followed(mechanism_id)
    agreement_ids = select(Commitment.agreement_id).where(*followed)
    described = (  # never the source text: a brief may span thousands of agreements
        select(Agreement)
        .options(defer(_SOURCE_TEXT))
        .where(col(Agreement.id).in_(agreement_ids))
        .order_by(col(Agreement.key))
    )
    tallies = {
        agreement.id or 0: AgreementTally(agreement, blank_row(policy, agreement.key))
        for agreement in session.exec(described).all()
    }
    flagged = func.coalesce(func.sum(case((rule.any_flag(), 1), else_=0)), 0)
    for agreement_id, status, counterpart, count, needing in session.execute(
        sa_select(
            col(Commitment.agreement_id),
            col(Commitment.status),
            col(Commitment.counterpart_status),
            func.count(),
            flagged,
        )
        .where(*followed)
        .group_by(
            col(Commitment.agreement_id),
            col(Commitment.status),
            col(Commitment.counterpart_status),
        )
    ).all():
        tally = tallies[agreement_id]
        tally.counts.total += count
        tally.counts.by_status[policy.status_of(status).key] += count
        tally.counts.by_counterpart[policy.status_of(counterpart).key if counterpart else ""] += (
            count
        )
        tally.flagged += needing
    for agreement_id, count in session.exec(
        select(Commitment.agreement_id, func.count())
        .join(CooperationRequest, col(CooperationRequest.commitment_id) == Commitment.id)
        .where(*followed, col(CooperationRequest.state).in_(OPEN_STATES))
        .group_by(col(Commitment.agreement_id))
    ).all():
        tallies[agreement_id].requests += count
    for agreement_id, score, count in session.exec(
        select(Commitment.agreement_id, Assessment.score, func.count())
        .join(Assessment, col(Assessment.commitment_id) == Commitment.id)
        .join(ReviewCycle, col(ReviewCycle.id) == Assessment.cycle_id)
        .where(*followed, col(ReviewCycle.ends_on).is_(None), col(Assessment.score).is_not(None))
        .group_by(col(Commitment.agreement_id), col(Assessment.score))
    ).all():
        if score is None:  # excluded by the query; the type does not know it
            continue
        counts = tallies[agreement_id].counts
        counts.assessed += count
        counts.score_sum += score * count
        counts.scores[score] += count
    return tallies


def most_urgent(
    mechanism_id: int | None, rule: AttentionRule, *, session: Session, limit: int
) -> list[Urgent]:
    """The `limit` most urgent commitments the mechanism follows that need attention, chosen
    and ordered in SQL."""
    if limit <= 0:
        return []
    raised = {flag: case((rule.condition(flag), 1), else_=0) for flag in Attention}
    rows = session.execute(
        sa_select(col(Commitment.id), *raised.values())
        .join(Agreement, col(Agreement.id) == Commitment.agreement_id)
        .where(*_followed(mechanism_id), rule.any_flag())
        .order_by(
            *(raised[flag].desc() for flag in URGENCY),
            func.coalesce(col(Commitment.last_update_at), col(Commitment.created_at)),
            raised[Attention.UNOWNED].desc(),
            col(Agreement.key),
            col(Commitment.span_start),
            col(Commitment.id),
        )
        .limit(limit)
    ).all()
    return [
        Urgent(commitment_id, tuple(f for f, on in zip(Attention, up, strict=True) if on))
        for commitment_id, *up in rows
    ]


def _followed(mechanism_id: int | None) -> list[ColumnElement[bool]]:
    """The tracked commitments the mechanism follows, named or reviewing, as SQL conditions."""
    linked = select(CommitmentMechanism.commitment_id).where(
        CommitmentMechanism.mechanism_id == mechanism_id
    )
    return [col(Commitment.tracked).is_(True), col(Commitment.id).in_(linked)]
