"""Build what a report shows from the services: counts (each party's, and by evidence level),
attention and open requests for cooperation, mechanisms, clause by clause (both parties' status,
obstacles, evidence level), and what changed since the previous report. The database is read by
the services (`tracker.services.report_data`, the lists, rollups and requests); this labels what
they return in the report's language. Read-only: call it in a read session."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlmodel import Session

from tracker.domain import EvidenceLevel, Language, Score
from tracker.models import (
    Agreement,
    CommitmentPublic,
    CooperationRequestPublic,
    Mechanism,
    Meeting,
    ReviewCycle,
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
    PartyCount,
    RequestView,
    ReviewReportView,
    SectionView,
)
from tracker.services.assessments import score_label
from tracker.services.attention import AttentionRule
from tracker.services.cadence import NextMeeting
from tracker.services.commitments import CommitmentFilter, list_commitments
from tracker.services.cycles import cycle_end, cycle_mechanism
from tracker.services.policy import FollowUpPolicy
from tracker.services.report_data import (
    Urgent,
    annex_clauses,
    blank_row,
    brief_tallies,
    commitment_facts,
    commitment_places,
    evidence_levels,
    followed_mechanisms,
    most_urgent,
    open_cycles,
    planned_mechanisms,
    prepared_by,
    previous_report,
    recorded_meeting,
)
from tracker.services.requests import requests_of_agreement
from tracker.services.rollups import Grouping, RollupRow, rollup
from tracker.services.status_updates import has_counterpart
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
    max_requests: int = 200,
) -> ReviewReportView:
    """The review of `agreement` for `cycle`; its action section lists at most `max_requests`
    of the requests for cooperation not yet closed, oldest first, and says how many more."""
    previous = previous_report(agreement.id, session=session)
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
    assert agreement.id is not None
    requests = requests_of_agreement(agreement.id, session=session, today=today, limit=max_requests)
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
            prepared_by=prepared_by(agreement, session=session),
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
        party_counts=(
            _party_counts(total, policy, language)
            if any(has_counterpart(c) for c in commitments)
            else []
        ),
        evidence_counts=_evidence_counts(evidence_levels(agreement.id, session=session), language),
        requests=[
            _request_view(r, language, today, agreement_key=agreement.key) for r in requests.items
        ],
        requests_total=requests.total,
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
    rule = AttentionRule.on(session=session, policy=policy, today=today)
    tallies = brief_tallies(mechanism.id, rule, session=session, policy=policy)
    details = most_urgent(mechanism.id, rule, session=session, limit=max_details)
    total = blank_row(policy, "total")
    for counts in (tally.counts for tally in tallies.values()):
        total.total += counts.total
        total.assessed += counts.assessed
        total.score_sum += counts.score_sum
        total.scores.update(counts.scores)
        total.by_counterpart.update(counts.by_counterpart)
        for key, count in counts.by_status.items():
            total.by_status[key] += count
    when = meeting.held_on.isoformat()
    title = say(language, "report.brief_title", mechanism=mechanism.name, date=when)
    first = next(iter(tallies.values())).agreement if tallies else None
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
            prepared_by=prepared_by(first, session=session) if first is not None else "",
            prepared_on=today,
            classification=classification,
        ),
        running_title=title,
        status_counts=_status_counts(total, policy, language),
        score_counts=_score_counts(total, language),
        agreements=[
            AgreementRow(
                key=tally.agreement.key,
                title=tally.agreement.title,
                counterpart=_counterpart(tally.agreement),
                total=tally.counts.total,
                statuses=_status_counts(tally.counts, policy, language),
                assessed=tally.counts.assessed,
                mean_score=tally.counts.mean_score,
                attention=tally.flagged,
                requests=tally.requests,
            )
            for tally in tallies.values()
        ],
        details=_detail_views(details, session=session, policy=policy, language=language),
        attention_total=sum(tally.flagged for tally in tallies.values()),
        attention_agreements=sum(1 for tally in tallies.values() if tally.flagged),
        # Portfolio-wide, whether a commitment could have one is not asked of each: the
        # counterpart's counts show once anyone has recorded one.
        party_counts=(
            _party_counts(total, policy, language) if total.total > total.by_counterpart[""] else []
        ),
        requests_total=sum(tally.requests for tally in tallies.values()),
    )


def _detail_views(
    chosen: list[Urgent], *, session: Session, policy: FollowUpPolicy, language: str
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
    return _commitment_views(
        commitments,
        session=session,
        policy=policy,
        language=language,
        cycle_ids=open_cycles({c.agreement_id for c in commitments}, session=session),
        previous=None,
    )


def snapshot(views: Sequence[CommitmentView]) -> dict[str, Any]:
    """What the next report compares against: each commitment's state as this one shows it."""
    return {
        f"{view.agreement_key}:{view.ref}": {
            "status": view.status_key,
            "status_label": view.status,
            "score": view.score,
            "owner": view.owner,
            "narrative": view.narrative,
            "counterpart_status": view.counterpart_status_key,
            "counterpart_status_label": view.counterpart_status,
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
    facts = commitment_facts([c.id for c in commitments], cycle_ids.values(), session=session)
    views = []
    for commitment in commitments:
        assessment = facts.assessments.get(commitment.id)
        score = assessment.score if assessment else None
        home = facts.home.get(commitment.id)
        counterpart = facts.counterpart.get(commitment.id)
        level = home.evidence_level if home else None
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
            narrative=home.narrative if home else "",
            evidence_count=facts.evidence.get(commitment.id, 0),
            last_update=(
                commitment.last_update_at.astimezone(policy.timezone).date()
                if commitment.last_update_at
                else None
            ),
            mechanisms=commitment.mechanisms,
            attention=[say(language, f"attention.{flag}") for flag in commitment.attention],
            changes=[],
            has_counterpart=has_counterpart(commitment) or bool(commitment.counterpart_status),
            counterpart_status_key=commitment.counterpart_status,
            counterpart_status=commitment.counterpart_status_label,
            counterpart_as_of=commitment.counterpart_status_as_of,
            counterpart_narrative=counterpart.narrative if counterpart else "",
            obstacles=home.obstacles if home else "",
            counterpart_obstacles=counterpart.obstacles if counterpart else "",
            evidence_level_key=level.value if level else "",
            evidence_level=say(language, f"evidence_level.{level.value}") if level else "",
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
    # Reports made before parties were recorded kept no counterpart status: nothing to compare.
    counterpart_before = before.get("counterpart_status", view.counterpart_status_key)
    if counterpart_before != view.counterpart_status_key:
        not_recorded = say(language, "report.rw_not_recorded")
        view.changes.append(
            say(
                language,
                "change.counterpart_status",
                before=(
                    policy.label(counterpart_before, Language(language))
                    if counterpart_before
                    else not_recorded
                ),
                after=view.counterpart_status or not_recorded,
            )
        )
    return view


def _status_counts(row: RollupRow, policy: FollowUpPolicy, language: str) -> list[Count]:
    return [
        Count(status.key, policy.label(status.key, Language(language)), row.by_status[status.key])
        for status in policy.statuses
    ]


def _party_counts(row: RollupRow, policy: FollowUpPolicy, language: str) -> list[PartyCount]:
    """Each configured status with both parties' counts, then the counterpart's "not recorded"
    (a status since removed from the configuration is counted under its own key)."""
    keys = list(dict.fromkeys([*(status.key for status in policy.statuses), *row.by_status]))
    keys += [key for key in row.by_counterpart if key and key not in keys]
    return [
        *(
            PartyCount(
                key,
                policy.label(key, Language(language)),
                row.by_status.get(key, 0),
                row.by_counterpart.get(key, 0),
            )
            for key in keys
        ),
        PartyCount(
            "not_recorded",
            say(language, "report.rw_not_recorded"),
            None,
            row.by_counterpart.get("", 0),
        ),
    ]


def _evidence_counts(levels: Mapping[str, int], language: str) -> list[Count]:
    return [
        *(
            Count(level.value, say(language, f"evidence_level.{level.value}"), levels.get(level, 0))
            for level in EvidenceLevel
        ),
        Count("no_update", say(language, "evidence_level.no_update"), levels.get("", 0)),
    ]


def _request_view(
    request: CooperationRequestPublic, language: str, today: date, *, agreement_key: str = ""
) -> RequestView:
    """A request as a report lists it; within one agreement its commitment goes by ref alone."""
    prefix = f"{agreement_key}:"
    ref = request.commitment
    return RequestView(
        ref=ref.removeprefix(prefix) if agreement_key else ref,
        from_division=request.from_division,
        to=request.to,
        what=request.what,
        due_on=request.due_on,
        age_days=request.age_days,
        state_key=request.state.value,
        state=say(language, f"request_state.{request.state.value}"),
        overdue=request.due_on is not None and request.due_on < today,
    )


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
    reason = say(language, "attention.planned_mechanism")
    return [
        AttentionItem(name, "", "", [reason])
        for name in planned_mechanisms(agreement.id, session=session)
    ]


def _mechanisms(
    agreement: Agreement, *, session: Session, language: str, today: date
) -> list[MechanismView]:
    return [
        MechanismView(
            name=followed.mechanism.name,
            kind=say(language, f"kind.{followed.mechanism.kind.value}"),
            cadence=say(language, f"cadence.{followed.mechanism.cadence.value}"),
            planned=followed.mechanism.planned,
            reports_to=followed.reports_to,
            last_meeting=followed.last_meeting,
            next_meeting=_meeting_view(followed.mechanism, followed.next_meeting, session=session),
            reviews=followed.reviews,
        )
        for followed in followed_mechanisms(agreement, session=session, today=today)
    ]


def _meeting_view(
    mechanism: Mechanism, upcoming: NextMeeting | None, *, session: Session
) -> MeetingView | None:
    if upcoming is None:
        return None
    recorded = recorded_meeting(mechanism.id, upcoming.on, session=session)
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
    sections: dict[int | None, tuple[str, dict[str, list[CommitmentView]]]] = {}
    for commitment_id, number, section_id, title in commitment_places(
        agreement.id, session=session
    ):
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
    annex, last = [], None
    for number, text, title in annex_clauses(agreement.id, session=session):
        annex.append(
            AnnexClause(section=(title or "") if title != last else "", number=number, text=text)
        )
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
