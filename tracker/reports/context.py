"""Build what a report shows from the services: counts, attention, mechanisms, clause by clause,
and what changed since the previous report. Read-only: call it in a read session."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import ColumnElement, case
from sqlalchemy import select as sa_select
from sqlalchemy.orm import QueryableAttribute, defer
from sqlmodel import Session, col, func, select

from tracker.domain import Attention, Language, ReportKind, Score
from tracker.models import (
    Agreement,
    Assessment,
    Clause,
    Commitment,
    CommitmentMechanism,
    CommitmentPublic,
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
from tracker.reports.views import (
    AgreementRow,
    AnnexClause,
    AttentionItem,
    BriefView,
    ClauseView,
    CommitmentView,
    Count,
    Cover,
    GroupCounts,
    MechanismView,
    MeetingView,
    ReviewReportView,
    SectionView,
)
from tracker.services.assessments import score_label
from tracker.services.attention import AttentionRule
from tracker.services.cadence import NextMeeting, next_meeting
from tracker.services.commitments import CommitmentFilter, list_commitments
from tracker.services.cycles import cycle_end, cycle_mechanism
from tracker.services.policy import FollowUpPolicy
from tracker.services.rollups import Grouping, RollupRow, rollup
from tracker.text import shorten
from tracker.words import say


def review_report(
    agreement: Agreement,
    cycle: ReviewCycle,
    *,
    session: Session,
    policy: FollowUpPolicy,
    language: str,
    classification: str,
    today: date,
) -> ReviewReportView:
    previous = previous_report(agreement, session=session)
    commitments = list_commitments(
        session=session,
        policy=policy,
        where=CommitmentFilter(agreement=agreement.key, tracked=True),
    )
    views = _commitment_views(
        commitments,
        session=session,
        policy=policy,
        language=language,
        cycle_ids={agreement.id: cycle.id},
        previous=previous.snapshot if previous else None,
    )
    by_id = {c.id: v for c, v in zip(commitments, views, strict=True)}
    end = cycle_end(cycle, agreement, session=session)
    bounding = cycle_mechanism(agreement, session=session)
    meeting = _meeting_view(bounding, end, session=session) if bounding else None
    sections = _sections(agreement, by_id, session=session)
    rollups = {
        by: rollup(
            session=session, policy=policy, by=by, cycle_id=cycle.id, commitments=commitments
        )
        for by in (Grouping.AGREEMENT, Grouping.SECTION, Grouping.MECHANISM)
    }
    total = rollups[Grouping.AGREEMENT][-1]
    return ReviewReportView(
        language=language,
        cover=Cover(
            title=say(language, "report.review_title", agreement=agreement.title),
            agreement_title=agreement.title,
            counterpart=_counterpart(agreement),
            signed_on=agreement.signed_on,
            signed_at=agreement.place,
            meeting=meeting,
            cycle_label=_cycle_label(cycle, end, language),
            prepared_by=_prepared_by(agreement, session=session),
            prepared_on=today,
            classification=classification,
        ),
        running_title=agreement.title,
        status_counts=_status_counts(total, policy, language),
        score_counts=_score_counts(total, language),
        by_section=[
            _group(row, policy, language, name=row.group.split(" › ", 1)[-1])
            for row in rollups[Grouping.SECTION][:-1]
        ],
        by_mechanism=[_group(row, policy, language) for row in rollups[Grouping.MECHANISM][:-1]],
        attention=_attention(views, language)
        + _planned_mechanisms(agreement, session=session, language=language),
        mechanisms=_mechanisms(agreement, session=session, language=language, today=today),
        sections=sections,
        annex=_annex(agreement, session=session),
        previous_report_on=(
            previous.generated_at.astimezone(policy.timezone).date() if previous else None
        ),
    )


def brief_report(
    mechanism: Mechanism,
    meeting: Meeting,
    *,
    session: Session,
    policy: FollowUpPolicy,
    language: str,
    classification: str,
    today: date,
    max_details: int = 200,
) -> BriefView:
    """What `mechanism` follows (named or reviewing), across every agreement: one summary row
    per agreement, counted in SQL, and details for at most `max_details` of the commitments
    that need attention, most urgent first. Memory grows with the agreements, one row each,
    not with their commitments."""
    followed = _followed(mechanism)
    rule = AttentionRule.on(session=session, policy=policy, today=today)
    tallies = _tallies(followed, rule, session=session, policy=policy)
    details = _most_urgent(followed, rule, session=session, limit=max_details)
    total = _blank(policy, "total")
    for counts in (tally.counts for tally in tallies.values()):
        total.total += counts.total
        total.assessed += counts.assessed
        total.score_sum += counts.score_sum
        total.scores.update(counts.scores)
        for key, count in counts.by_status.items():
            total.by_status[key] += count
    when = meeting.held_on.isoformat()
    title = say(language, "report.brief_title", mechanism=mechanism.name, date=when)
    first = session.get(Agreement, next(iter(tallies))) if tallies else None
    return BriefView(
        language=language,
        cover=Cover(
            title=title,
            agreement_title=(
                first.title
                if first is not None and len(tallies) == 1
                else say(language, "brief.agreement_count", count=len(tallies))
            ),
            counterpart=mechanism.counterpart,
            signed_on=None,
            signed_at="",
            meeting=MeetingView(mechanism.name, meeting.held_on, meeting.place, meeting.title),
            cycle_label="",
            prepared_by=_brief_author([first] if first else [], session=session),
            prepared_on=today,
            classification=classification,
        ),
        running_title=title,
        status_counts=_status_counts(total, policy, language),
        score_counts=_score_counts(total, language),
        agreements=[
            AgreementRow(
                key=tally.key,
                title=tally.title,
                counterpart=tally.counterpart,
                total=tally.counts.total,
                statuses=_status_counts(tally.counts, policy, language),
                assessed=tally.counts.assessed,
                mean_score=tally.counts.mean_score,
                attention=tally.flagged,
            )
            for tally in tallies.values()
        ],
        details=_detail_views(details, session=session, policy=policy, language=language),
        attention_total=sum(tally.flagged for tally in tallies.values()),
        attention_agreements=sum(1 for tally in tallies.values() if tally.flagged),
    )


# Most urgent first, as digests order them: a review meeting soon, then stalled, then the
# longest without an update, then without an owner; ties in document order.
URGENCY = (Attention.DUE, Attention.STALLED)


@dataclass(frozen=True)
class _Urgent:
    commitment_id: int
    flags: tuple[Attention, ...]


@dataclass
class _Tally:
    """An agreement's summary row as SQL counts it."""

    key: str
    title: str
    counterpart: str
    counts: RollupRow  # by status, and by assessment in the open cycle
    flagged: int = 0  # how many need attention


_SOURCE_TEXT = cast("QueryableAttribute[str]", Agreement.source_text)


def _blank(policy: FollowUpPolicy, group: str) -> RollupRow:
    return RollupRow(group=group, by_status={status.key: 0 for status in policy.statuses})


def _followed(mechanism: Mechanism) -> list[ColumnElement[bool]]:
    """The tracked commitments `mechanism` follows, named or reviewing, as SQL conditions."""
    linked = select(CommitmentMechanism.commitment_id).where(
        CommitmentMechanism.mechanism_id == mechanism.id
    )
    return [col(Commitment.tracked).is_(True), col(Commitment.id).in_(linked)]


def _tallies(
    followed: list[ColumnElement[bool]],
    rule: AttentionRule,
    *,
    session: Session,
    policy: FollowUpPolicy,
) -> dict[int, _Tally]:
    """Agreement id → its counts by status, by assessment in its open cycle and of those that
    need attention, in three GROUP BY queries; in order of agreement key."""
    agreement_ids = select(Commitment.agreement_id).where(*followed)
    described = (  # never the source text: a brief may span thousands of agreements
        select(Agreement)
        .options(defer(_SOURCE_TEXT))
        .where(col(Agreement.id).in_(agreement_ids))
        .order_by(col(Agreement.key))
    )
    tallies = {
        agreement.id or 0: _Tally(
            agreement.key, agreement.title, _counterpart(agreement), _blank(policy, agreement.key)
        )
        for agreement in session.exec(described).all()
    }
    flagged = func.coalesce(func.sum(case((rule.any_flag(), 1), else_=0)), 0)
    for agreement_id, status, count, needing in session.exec(
        select(Commitment.agreement_id, Commitment.status, func.count(), flagged)
        .where(*followed)
        .group_by(col(Commitment.agreement_id), col(Commitment.status))
    ).all():
        tally = tallies[agreement_id]
        tally.counts.total += count
        tally.counts.by_status[policy.status_of(status).key] += count
        tally.flagged += needing
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


def _most_urgent(
    followed: list[ColumnElement[bool]], rule: AttentionRule, *, session: Session, limit: int
) -> list[_Urgent]:
    """The `limit` most urgent commitments that need attention, chosen and ordered in SQL."""
    if limit <= 0:
        return []
    raised = {flag: case((rule.condition(flag), 1), else_=0) for flag in Attention}
    rows = session.execute(
        sa_select(col(Commitment.id), *raised.values())
        .join(Agreement, col(Agreement.id) == Commitment.agreement_id)
        .where(*followed, rule.any_flag())
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
        _Urgent(commitment_id, tuple(f for f, on in zip(Attention, up, strict=True) if on))
        for commitment_id, *up in rows
    ]


def _detail_views(
    chosen: list[_Urgent], *, session: Session, policy: FollowUpPolicy, language: str
) -> list[CommitmentView]:
    """The chosen commitments in full, in their order, flagged as the brief's rule found them."""
    if not chosen:
        return []
    listed = {
        c.id: c
        for c in list_commitments(
            session=session,
            policy=policy,
            where=CommitmentFilter(ids=tuple(u.commitment_id for u in chosen)),
        )
    }
    commitments = [
        listed[u.commitment_id].model_copy(update={"attention": [f.value for f in u.flags]})
        for u in chosen
    ]
    open_cycles = dict(
        session.exec(
            select(ReviewCycle.agreement_id, ReviewCycle.id).where(
                col(ReviewCycle.agreement_id).in_({c.agreement_id for c in commitments}),
                col(ReviewCycle.ends_on).is_(None),
            )
        ).all()
    )
    return _commitment_views(
        commitments,
        session=session,
        policy=policy,
        language=language,
        cycle_ids=open_cycles,
        previous=None,
    )


def previous_report(agreement: Agreement, *, session: Session) -> Report | None:
    return session.exec(
        select(Report)
        .where(Report.agreement_id == agreement.id, Report.kind == ReportKind.REVIEW)
        .order_by(col(Report.generated_at).desc(), col(Report.id).desc())
    ).first()


def snapshot(views: Sequence[CommitmentView]) -> dict[str, Any]:
    """What the next report compares against: each commitment's state as this one shows it."""
    return {
        f"{view.agreement_key}:{view.ref}": {
            "status": view.status_key,
            "status_label": view.status,
            "score": view.score,
            "owner": view.owner,
            "narrative": view.narrative,
        }
        for view in views
    }


def report_views(view: ReviewReportView | BriefView) -> list[CommitmentView]:
    if isinstance(view, ReviewReportView):
        return [c for s in view.sections for clause in s.clauses for c in clause.commitments]
    return view.details


def _commitment_views(
    commitments: list[CommitmentPublic],
    *,
    session: Session,
    policy: FollowUpPolicy,
    language: str,
    cycle_ids: Mapping[Any, int | None],
    previous: dict[str, Any] | None,
) -> list[CommitmentView]:
    ids = [c.id for c in commitments]
    assessments = {
        a.commitment_id: a
        for a in session.exec(
            select(Assessment).where(
                col(Assessment.commitment_id).in_(ids),
                col(Assessment.cycle_id).in_([i for i in cycle_ids.values() if i is not None]),
            )
        ).all()
    }
    narratives = _latest_narratives(session, ids)
    evidence = dict(
        session.exec(
            select(StatusUpdate.commitment_id, func.count(col(Evidence.id)))
            .join(Evidence, col(Evidence.status_update_id) == StatusUpdate.id)
            .where(col(StatusUpdate.commitment_id).in_(ids))
            .group_by(col(StatusUpdate.commitment_id))
        ).all()
    )
    views = []
    for commitment in commitments:
        assessment = assessments.get(commitment.id)
        score = assessment.score if assessment else None
        view = CommitmentView(
            ref=commitment.ref,
            agreement_key=commitment.agreement_key,
            text=commitment.text,
            owner=commitment.owner,
            division=commitment.division,
            lead_agency=commitment.lead_agency,
            status_key=commitment.status,
            status=commitment.status_label,
            status_as_of=commitment.status_as_of,
            score=score,
            assessment=score_label(score, Language(language)),
            rationale=assessment.rationale if assessment else "",
            narrative=narratives.get(commitment.id, ""),
            evidence_count=evidence.get(commitment.id, 0),
            last_update=(
                commitment.last_update_at.astimezone(policy.timezone).date()
                if commitment.last_update_at
                else None
            ),
            mechanisms=commitment.mechanisms,
            attention=[say(language, f"attention.{flag}") for flag in commitment.attention],
            changes=[],
        )
        views.append(_with_changes(view, previous, language, policy))
    return views


def _with_changes(
    view: CommitmentView,
    previous: dict[str, Any] | None,
    language: str,
    policy: FollowUpPolicy,
) -> CommitmentView:
    if previous is None:
        return view
    before = previous.get(f"{view.agreement_key}:{view.ref}")
    if before is None:
        view.changes.append(say(language, "change.new"))
        return CommitmentView(**{**view.__dict__, "new_since_previous": True})
    if before["status"] != view.status_key:
        view.changes.append(
            say(
                language,
                "change.status",
                before=policy.label(before["status"]),
                after=view.status,
            )
        )
    if before["score"] != view.score:
        view.changes.append(
            say(
                language,
                "change.assessment",
                before=score_label(before["score"], Language(language)),
                after=view.assessment,
            )
        )
    if before["owner"] != view.owner:
        view.changes.append(say(language, "change.owner", before=before["owner"], after=view.owner))
    if before["narrative"] != view.narrative and view.narrative:
        view.changes.append(say(language, "change.narrative"))
    return view


def _latest_narratives(session: Session, ids: list[int]) -> dict[int, str]:
    """The narrative of each commitment's latest update that no later one corrects."""
    corrected = select(StatusUpdate.corrects_id).where(col(StatusUpdate.corrects_id).is_not(None))
    rows = session.exec(
        select(StatusUpdate)
        .where(col(StatusUpdate.commitment_id).in_(ids), col(StatusUpdate.id).not_in(corrected))
        .order_by(col(StatusUpdate.as_of), col(StatusUpdate.recorded_at), col(StatusUpdate.id))
    ).all()
    return {row.commitment_id: row.narrative for row in rows}


def _status_counts(row: RollupRow, policy: FollowUpPolicy, language: str) -> list[Count]:
    return [
        Count(status.key, policy.label(status.key, Language(language)), row.by_status[status.key])
        for status in policy.statuses
    ]


def _score_counts(row: RollupRow, language: str) -> list[Count]:
    return [
        *(
            Count(score.key, say(language, f"score.{score.key}"), row.scores.get(int(score), 0))
            for score in Score
        ),
        Count("not_assessed", say(language, "score.not_assessed"), row.not_assessed),
    ]


def _group(
    row: RollupRow,
    policy: FollowUpPolicy,
    language: str,
    *,
    name: str | None = None,
) -> GroupCounts:
    return GroupCounts(
        name=name or row.group,
        total=row.total,
        statuses=_status_counts(row, policy, language),
        scores=_score_counts(row, language),
        mean_score=row.mean_score,
    )


def _attention(views: list[CommitmentView], language: str) -> list[AttentionItem]:
    items = []
    for view in views:
        reasons = list(view.attention)
        if view.score is None:
            reasons.append(say(language, "attention.not_assessed"))
        if view.attention:  # stalled, stale, due or unowned; "not assessed" alone is in the table
            items.append(AttentionItem(view.ref, shorten(view.text, 80), view.owner, reasons))
    return items


def _planned_mechanisms(
    agreement: Agreement, *, session: Session, language: str
) -> list[AttentionItem]:
    """Mechanisms the text plans ("will establish") that are not set up yet."""
    linked = list(_linked_mechanism_ids(agreement, session=session))
    rows = session.exec(
        select(Mechanism)
        .where(col(Mechanism.id).in_(linked), col(Mechanism.planned).is_(True))
        .order_by(col(Mechanism.id))
    ).all()
    reason = say(language, "attention.planned_mechanism")
    return [AttentionItem(m.name, "", "", [reason]) for m in rows]


def _linked_mechanism_ids(agreement: Agreement, *, session: Session) -> dict[int, int]:
    """Mechanism id → how many tracked commitments of `agreement` it follows."""
    rows = session.exec(
        select(CommitmentMechanism.mechanism_id, func.count(func.distinct(Commitment.id)))
        .join(Commitment, col(Commitment.id) == CommitmentMechanism.commitment_id)
        .where(Commitment.agreement_id == agreement.id, col(Commitment.tracked).is_(True))
        .group_by(col(CommitmentMechanism.mechanism_id))
    ).all()
    return dict(rows)


def _mechanisms(
    agreement: Agreement, *, session: Session, language: str, today: date
) -> list[MechanismView]:
    counts = _linked_mechanism_ids(agreement, session=session)
    bounding = cycle_mechanism(agreement, session=session)
    if bounding is not None and bounding.id is not None:
        counts.setdefault(bounding.id, 0)
    mechanisms = session.exec(
        select(Mechanism).where(col(Mechanism.id).in_(list(counts))).order_by(col(Mechanism.id))
    ).all()
    names = dict(session.exec(select(Mechanism.id, Mechanism.name)).all())
    views = []
    for mechanism in mechanisms:
        last = session.exec(
            select(func.max(Meeting.held_on)).where(
                Meeting.mechanism_id == mechanism.id,
                col(Meeting.planned).is_(False),
                col(Meeting.held_on) <= today,
            )
        ).one()
        upcoming = next_meeting(
            mechanism,
            session=session,
            after=today,
            anchor=agreement.signed_on
            if mechanism.id == (bounding.id if bounding else None)
            else None,
        )
        views.append(
            MechanismView(
                name=mechanism.name,
                kind=say(language, f"kind.{mechanism.kind.value}"),
                cadence=say(language, f"cadence.{mechanism.cadence.value}"),
                planned=mechanism.planned,
                reports_to=names.get(mechanism.reports_to_id, "")
                if mechanism.reports_to_id
                else "",
                last_meeting=last,
                next_meeting=_meeting_view(mechanism, upcoming, session=session)
                if upcoming
                else None,
                reviews=counts.get(mechanism.id or 0, 0),
            )
        )
    return views


def _meeting_view(
    mechanism: Mechanism, upcoming: NextMeeting | None, *, session: Session
) -> MeetingView | None:
    if upcoming is None:
        return None
    recorded = session.exec(
        select(Meeting).where(Meeting.mechanism_id == mechanism.id, Meeting.held_on == upcoming.on)
    ).first()
    return MeetingView(
        mechanism=mechanism.name,
        on=upcoming.on,
        place=recorded.place if recorded else "",
        title=recorded.title if recorded else "",
        estimated=recorded is None,
    )


def _sections(
    agreement: Agreement, views: dict[int, CommitmentView], *, session: Session
) -> list[SectionView]:
    rows = session.exec(
        select(col(Commitment.id), col(Clause.number), col(Section.id), col(Section.title))
        .join(Clause, col(Clause.id) == Commitment.clause_id)
        .outerjoin(Section, col(Section.id) == Clause.section_id)
        .where(Commitment.agreement_id == agreement.id, col(Commitment.tracked).is_(True))
        .order_by(col(Clause.position), col(Commitment.span_start))
    ).all()
    sections: dict[int | None, tuple[str, dict[str, list[CommitmentView]]]] = {}
    for commitment_id, number, section_id, title in rows:
        if commitment_id not in views:
            continue
        _, clauses = sections.setdefault(section_id, (title or "", {}))
        clauses.setdefault(number, []).append(views[commitment_id])
    return [
        SectionView(
            title=title,
            anchor=f"section-{index}",
            clauses=[ClauseView(number, items) for number, items in clauses.items()],
        )
        for index, (title, clauses) in enumerate(sections.values(), start=1)
    ]


def _annex(agreement: Agreement, *, session: Session) -> list[AnnexClause]:
    rows = session.exec(
        select(Clause.number, Clause.text, Section.title)
        .outerjoin(Section, col(Section.id) == Clause.section_id)
        .where(Clause.agreement_id == agreement.id)
        .order_by(col(Clause.position))
    ).all()
    annex, last = [], None
    for number, text, title in rows:
        annex.append(AnnexClause(section=title if title != last else "", number=number, text=text))
        last = title
    return annex


def _counterpart(agreement: Agreement) -> str:
    parts = [agreement.countries, agreement.foreign_body]
    return " / ".join(dict.fromkeys(p for p in parts if p))


def _cycle_label(cycle: ReviewCycle, end: NextMeeting | None, language: str) -> str:
    finish = "-" if end is None else end.on.isoformat()
    if end is not None and end.estimated:
        finish += " " + say(language, "report.estimated")
    return say(language, "cycle.label", number=cycle.number, start=cycle.starts_on, end=finish)


def _prepared_by(agreement: Agreement, *, session: Session) -> str:
    officer = session.get(Officer, agreement.desk_officer_id) if agreement.desk_officer_id else None
    if officer is None:
        return " ".join(p for p in (agreement.officer_division, agreement.officer_name) if p)
    division = session.get(Division, officer.division_id) if officer.division_id else None
    return " ".join(p for p in (division.name if division else "", officer.rank, officer.name) if p)


def _brief_author(agreements: Iterable[Agreement], *, session: Session) -> str:
    first = next(iter(agreements), None)
    return _prepared_by(first, session=session) if first is not None else ""
