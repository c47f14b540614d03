"""What one officer's digest says: how many of their commitments need what, the most urgent few
of each kind, and what happened since the last digest. Nothing to say, no mail.

However many commitments an officer owns, a digest lists at most `max_items` per section and says
how many it left out; the web app's dashboard lists them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

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
from tracker.services.attention import AttentionRule
from tracker.services.history import action_word, describe_change
from tracker.services.policy import FollowUpPolicy
from tracker.text import shorten
from tracker.words import N_

# The sections about commitments, in the order a digest shows them.
FLAG_SECTIONS = (
    ("due", Attention.DUE),
    ("stalled", Attention.STALLED),
    ("stale", Attention.STALE),
)

# Each section's heading (a message id). A flag's section is headed by the flag's own word, so
# the mail names it as the dashboard and the reports do.
TITLES = {
    "due": N_("attention.due"),
    "stalled": N_("attention.stalled"),
    "stale": N_("attention.stale"),
    "changed": N_("mail.changed"),
    "reports": N_("mail.reports"),
    "meetings": N_("mail.meetings"),
}


@dataclass(frozen=True)
class Item:
    """One line of a section: a commitment (with `ref` and `link`), or a report or a meeting."""

    text: str
    ref: str = ""  # KEY:REF
    status: str = ""
    link: str = ""
    note: str = ""


@dataclass(frozen=True)
class Section:
    """One kind of news: how many in all, and the first few of them."""

    name: str  # a key of TITLES: due, stalled, stale, changed, reports, meetings
    total: int
    items: tuple[Item, ...]
    link: str  # the web page that lists them all

    @property
    def title(self) -> str:
        """The message id of the section's heading."""
        return TITLES[self.name]

    @property
    def left_out(self) -> int:
        return self.total - len(self.items)


@dataclass(frozen=True)
class DigestContent:
    officer: Officer
    since: datetime
    sections: tuple[Section, ...]  # only those with something in them
    full_list: str  # the web page that lists every commitment of the officer needing a look
    agreements: tuple[tuple[str, str], ...] = ()  # (key, title) of those the items name


@dataclass(frozen=True)
class DigestDay:
    """What every digest composed on one day shares, worked out once for the portfolio rather
    than once per officer: the attention rule's SQL, and when each agreement's open review cycle
    ends (memory grows with agreements, not commitments)."""

    today: date
    reviews: dict[int, date]  # agreement id → the end of its open review cycle
    flag_columns: tuple[ColumnElement[int], ...]  # the rule's 0/1 per flag, in `Attention` order

    @classmethod
    def on(cls, *, session: Session, policy: FollowUpPolicy, today: date) -> DigestDay:
        # The rule has worked out every agreement's cycle end already: reuse it.
        rule = AttentionRule.on(session=session, policy=policy, today=today)
        return cls(
            today=today,
            reviews=rule.cycle_ends,
            flag_columns=tuple(rule.columns()),
        )


def digest_content(
    officer: Officer,
    *,
    session: Session,
    policy: FollowUpPolicy,
    since: datetime,
    day: DigestDay,
    base_url: str,
    max_items: int,
) -> DigestContent | None:
    """The officer's tracked commitments that need attention, by flag, and what happened since
    `since`: changes by others, reports made, meetings planned within `due_days`.

    Each section counts everything and lists at most `max_items`, most urgent first (see
    `urgency`); reports and meetings in the order they happen.
    """
    # Each commitment with its flags in one query, the rule's SQL beside the row.
    rows = session.execute(
        sa_select(Commitment, *day.flag_columns).where(
            col(Commitment.owner_id) == officer.id, col(Commitment.tracked).is_(True)
        )
    ).all()
    if not rows:
        return None
    commitments = [row[0] for row in rows]
    flags = {
        row[0].id or 0: [flag for flag, on in zip(Attention, row[1:], strict=True) if on]
        for row in rows
    }
    ranked = sorted(
        commitments,
        key=lambda c: urgency(
            c, flags.get(c.id or 0, []), review_on=day.reviews.get(c.agreement_id)
        ),
    )
    flagged = {
        name: [c for c in ranked if flag in flags.get(c.id or 0, [])]
        for name, flag in FLAG_SECTIONS
    }
    changes = _changes_by_others(session, officer, since, policy)
    flagged["changed"] = [c for c in ranked if (c.id or 0) in changes]
    listed = [c for chosen in flagged.values() for c in chosen[:max_items]]
    agreements = _agreements(session, {c.agreement_id for c in listed})
    root = base_url.rstrip("/")

    def item(commitment: Commitment, note: str = "") -> Item:
        reference = f"{agreements[commitment.agreement_id].key}:{commitment.ref}"
        return Item(
            ref=reference,
            text=shorten(commitment.text, 90),
            status=policy.label(commitment.status, officer.language),
            link=f"{root}/commitments/{reference}",
            note=note,
        )

    # The dashboard lists the officer's own commitments that need a look; ?flag= narrows it.
    pages = {name: f"{root}/?flag={flag.value}" for name, flag in FLAG_SECTIONS}
    sections = []
    for name, chosen in flagged.items():
        notes = changes if name == "changed" else {}
        listing = tuple(item(c, notes.get(c.id or 0, "")) for c in chosen[:max_items])
        sections.append(Section(name, len(chosen), listing, pages.get(name, f"{root}/")))
    reports = _reports_since(session, officer, since)
    listing = tuple(Item(r) for r in reports[:max_items])
    sections.append(Section("reports", len(reports), listing, f"{root}/reports"))
    meetings = _planned_meetings(session, officer, day.today, policy.due_days)
    listing = tuple(Item(m) for m in meetings[:max_items])
    sections.append(Section("meetings", len(meetings), listing, f"{root}/meetings"))
    shown = tuple(s for s in sections if s.total)
    if not shown:
        return None
    named = dict.fromkeys(agreements[c.agreement_id] for c in listed)
    return DigestContent(
        officer=officer,
        since=since,
        sections=shown,
        full_list=f"{root}/",
        agreements=tuple((a.key, a.title) for a in named),
    )


def urgency(
    commitment: Commitment,
    flags: Sequence[Attention],
    *,
    review_on: date | None,
) -> tuple[object, ...]:
    """A sort key, most urgent first:
    1. due for review before not due; among those due, the soonest review first (the end of the
       agreement's open review cycle; one already past, overdue, before all), then those due by
       another reviewing mechanism;
    2. then stalled before not stalled;
    3. then the longest without a status update first (counted from import when there was none);
    4. then without an active owner before owned;
    5. ties in document order (agreement, then position in its text).
    """
    due = Attention.DUE in flags
    return (
        not due,
        (review_on or date.max) if due else date.max,
        Attention.STALLED not in flags,
        commitment.last_update_at or commitment.created_at,
        Attention.UNOWNED not in flags,
        commitment.agreement_id,
        commitment.span_start,
    )


@dataclass(frozen=True)
class _Named:
    key: str
    title: str


def _agreements(session: Session, ids: set[int]) -> dict[int, _Named]:
    """Key and title of the agreements the listed items belong to."""
    if not ids:
        return {}
    rows = session.exec(
        select(Agreement.id, Agreement.key, Agreement.title).where(col(Agreement.id).in_(ids))
    ).all()
    return {i: _Named(key, title) for i, key, title in rows if i is not None}


def _owned_by(officer: Officer) -> SelectOfScalar[int | None]:
    """The ids of the officer's tracked commitments, as a subquery (never a list of ids)."""
    return select(col(Commitment.id)).where(
        Commitment.owner_id == officer.id, col(Commitment.tracked).is_(True)
    )


def _changes_by_others(
    session: Session, officer: Officer, since: datetime, policy: FollowUpPolicy
) -> dict[int, str]:
    """Commitment id → the latest status update or recorded change since `since` made on it by
    someone other than the officer."""
    found: list[tuple[datetime, int, str]] = []
    for update in session.exec(
        select(StatusUpdate).where(
            col(StatusUpdate.commitment_id).in_(_owned_by(officer)),
            col(StatusUpdate.recorded_at) > since,
        )
    ).all():
        if update.author_id != officer.id and update.author != officer.name:
            label = policy.label(update.status, officer.language)
            said = f" — {shorten(update.narrative, 60)}" if update.narrative else ""
            found.append(
                (update.recorded_at, update.commitment_id, f"{update.author}: {label}{said}")
            )
    for record in session.exec(
        select(ChangeRecord).where(
            ChangeRecord.entity == "commitment",
            col(ChangeRecord.entity_id).in_(_owned_by(officer)),
            col(ChangeRecord.at) > since,
            ChangeRecord.actor != "scheduler",
        )
    ).all():
        if record.officer_id != officer.id and record.actor != officer.name:
            language = officer.language.value
            said = describe_change(record.entity, record.action, record.detail, language=language)
            what = action_word(record.action, language) + (f": {said}" if said else "")
            found.append((record.at, record.entity_id, f"{record.actor}: {shorten(what, 80)}"))
    return {commitment_id: note for _, commitment_id, note in sorted(found, key=lambda f: f[0])}


def _reports_since(session: Session, officer: Officer, since: datetime) -> list[str]:
    """File names of the reports made since `since` on the agreements of the officer's
    commitments, oldest first."""
    theirs = select(Commitment.agreement_id).where(col(Commitment.id).in_(_owned_by(officer)))
    paths = session.exec(
        select(Report.path)
        .where(col(Report.agreement_id).in_(theirs), col(Report.generated_at) > since)
        .order_by(col(Report.generated_at), col(Report.id))
    ).all()
    return [path.rsplit("/", 1)[-1] for path in paths]


def _planned_meetings(
    session: Session, officer: Officer, today: date, within_days: int
) -> list[str]:
    """Planned meetings within `within_days` of mechanisms linked to the officer's commitments,
    soonest first: "2027-10-14 외교·국방장관 2+2 회의 (오타와)"."""
    linked = select(CommitmentMechanism.mechanism_id).where(
        col(CommitmentMechanism.commitment_id).in_(_owned_by(officer))
    )
    rows = session.exec(
        select(Meeting, Mechanism.name)
        .join(Mechanism, col(Mechanism.id) == Meeting.mechanism_id)
        .where(
            col(Meeting.mechanism_id).in_(linked),
            col(Meeting.planned).is_(True),
            col(Meeting.held_on) >= today,
            col(Meeting.held_on) <= today + timedelta(days=within_days),
        )
        .order_by(col(Meeting.held_on), col(Meeting.id))
    ).all()
    return [
        f"{meeting.held_on} {name}" + (f" ({meeting.place})" if meeting.place else "")
        for meeting, name in rows
    ]
