"""What one officer's digest says, grouped by agreement; nothing to say, no mail."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from tracker.domain import Attention
from tracker.models import (
    Agreement,
    ChangeRecord,
    Commitment,
    CommitmentMechanism,
    Mechanism,
    Meeting,
    Officer,
    Report,
    StatusUpdate,
)
from tracker.services.attention import attention_for
from tracker.services.policy import FollowUpPolicy
from tracker.text import shorten


@dataclass
class Item:
    ref: str  # KEY:REF
    text: str
    status: str
    link: str
    note: str = ""


@dataclass
class AgreementDigest:
    key: str
    title: str
    due: list[Item] = field(default_factory=list)
    stale: list[Item] = field(default_factory=list)
    stalled: list[Item] = field(default_factory=list)
    changed: list[Item] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)  # file names of reports made since
    meetings: list[str] = field(
        default_factory=list
    )  # "2027-10-14 외교·국방장관 2+2 회의 (오타와)"

    @property
    def empty(self) -> bool:
        return not any(
            (self.due, self.stale, self.stalled, self.changed, self.reports, self.meetings)
        )


@dataclass
class DigestContent:
    officer: Officer
    since: datetime
    agreements: list[AgreementDigest]


def digest_content(
    officer: Officer,
    *,
    session: Session,
    policy: FollowUpPolicy,
    since: datetime,
    today: date,
    base_url: str,
) -> DigestContent | None:
    """The officer's commitments that need attention, and what happened since `since`."""
    commitments = session.exec(
        select(Commitment)
        .where(Commitment.owner_id == officer.id, col(Commitment.tracked).is_(True))
        .order_by(col(Commitment.agreement_id), col(Commitment.span_start))
    ).all()
    if not commitments:
        return None
    agreements = {
        a.id: a
        for a in session.exec(
            select(Agreement).where(col(Agreement.id).in_({c.agreement_id for c in commitments}))
        ).all()
    }
    flags = attention_for(commitments, session=session, policy=policy, today=today)
    groups: dict[int, AgreementDigest] = {}

    def group(agreement_id: int) -> AgreementDigest:
        agreement = agreements[agreement_id]
        return groups.setdefault(agreement_id, AgreementDigest(agreement.key, agreement.title))

    def item(commitment: Commitment, note: str = "") -> Item:
        key = agreements[commitment.agreement_id].key
        return Item(
            ref=f"{key}:{commitment.ref}",
            text=shorten(commitment.text, 90),
            status=policy.label(commitment.status, officer.language),
            link=f"{base_url.rstrip('/')}/commitments/{key}:{commitment.ref}",
            note=note,
        )

    for commitment in commitments:
        raised = flags.get(commitment.id or 0, [])
        for flag, bucket in (
            (Attention.DUE, "due"),
            (Attention.STALE, "stale"),
            (Attention.STALLED, "stalled"),
        ):
            if flag in raised:
                getattr(group(commitment.agreement_id), bucket).append(item(commitment))
    by_id = {c.id: c for c in commitments}
    changes = _changes_by_others(session, officer, list(by_id), since, policy)
    for commitment_id, note in changes:
        commitment = by_id[commitment_id]
        group(commitment.agreement_id).changed.append(item(commitment, note))
    for report in session.exec(
        select(Report)
        .where(col(Report.agreement_id).in_(list(agreements)), col(Report.generated_at) > since)
        .order_by(col(Report.generated_at))
    ).all():
        assert report.agreement_id is not None
        group(report.agreement_id).reports.append(report.path.rsplit("/", 1)[-1])
    for agreement_id, line in _planned_meetings(session, list(by_id), today, policy.due_days):
        group(agreement_id).meetings.append(line)
    ordered = [groups[i] for i in agreements if i in groups and not groups[i].empty]
    if not ordered:
        return None
    return DigestContent(officer=officer, since=since, agreements=ordered)


def _changes_by_others(
    session: Session,
    officer: Officer,
    ids: list[int | None],
    since: datetime,
    policy: FollowUpPolicy,
) -> list[tuple[int, str]]:
    """Status updates and recorded changes on the officer's commitments made by someone else."""
    changes: list[tuple[int, str]] = []
    for update in session.exec(
        select(StatusUpdate)
        .where(col(StatusUpdate.commitment_id).in_(ids), col(StatusUpdate.recorded_at) > since)
        .order_by(col(StatusUpdate.recorded_at))
    ).all():
        if update.author_id != officer.id and update.author != officer.name:
            label = policy.label(update.status, officer.language)
            said = f" — {shorten(update.narrative, 60)}" if update.narrative else ""
            changes.append((update.commitment_id, f"{update.author}: {label}{said}"))
    for record in session.exec(
        select(ChangeRecord)
        .where(
            ChangeRecord.entity == "commitment",
            col(ChangeRecord.entity_id).in_(ids),
            col(ChangeRecord.at) > since,
            ChangeRecord.actor != "scheduler",
        )
        .order_by(col(ChangeRecord.at))
    ).all():
        if record.officer_id != officer.id and record.actor != officer.name:
            summary = str(record.detail.get("summary", record.action))
            changes.append((record.entity_id, f"{record.actor}: {shorten(summary, 80)}"))
    return changes


def _planned_meetings(
    session: Session, ids: list[int | None], today: date, within_days: int
) -> list[tuple[int, str]]:
    rows = session.exec(
        select(Meeting, Mechanism.name, Commitment.agreement_id)
        .join(Mechanism, col(Mechanism.id) == Meeting.mechanism_id)
        .join(CommitmentMechanism, col(CommitmentMechanism.mechanism_id) == Mechanism.id)
        .join(Commitment, col(Commitment.id) == CommitmentMechanism.commitment_id)
        .where(
            col(Commitment.id).in_(ids),
            col(Meeting.planned).is_(True),
            col(Meeting.held_on) >= today,
            col(Meeting.held_on) <= today + timedelta(days=within_days),
        )
        .order_by(col(Meeting.held_on))
    ).all()
    seen: defaultdict[int, set[int]] = defaultdict(set)
    lines = []
    for meeting, name, agreement_id in rows:
        if meeting.id in seen[agreement_id]:
            continue
        seen[agreement_id].add(meeting.id or 0)
        place = f" ({meeting.place})" if meeting.place else ""
        lines.append((agreement_id, f"{meeting.held_on} {name}{place}"))
    return lines
