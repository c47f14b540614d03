"""What one officer's digest says: how many of their commitments need what, the most urgent few
of each kind, the requests for cooperation waiting on their division, and what happened since
the last digest. Nothing to say, no mail.

However many commitments an officer owns, a digest lists at most `max_items` per section and says
how many it left out; the web app's dashboard lists them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from tracker.domain import Attention, RequestState
from tracker.models import (
    Agreement,
    ChangeRecord,
    Commitment,
    CommitmentMechanism,
    CooperationRequest,
    Division,
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
from tracker.words import N_, say

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
    "requests": N_("mail.rw_requests"),
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

    name: str  # a key of TITLES: due, stalled, stale, requests, changed, reports, meetings
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
class WaitingRequest:
    """An open request for cooperation addressed to a division, as its officers' digests list
    it."""

    agreement_id: int
    ref: str  # the commitment's KEY:REF
    what: str
    from_division: str  # "" when the asking commitment has no division
    due_on: date | None
    age_days: int  # since it was made


@dataclass(frozen=True)
class DivisionRequests:
    """The open requests waiting on one division: how many, and the oldest few."""

    total: int
    oldest: tuple[WaitingRequest, ...]


@dataclass(frozen=True)
class DigestDay:
    """What every digest composed on one day shares, worked out once for the portfolio rather
    than once per officer: the attention rule's SQL, when each agreement's open review cycle
    ends, and the open requests for cooperation waiting on each division, the oldest
    `max_items` of each (memory grows with agreements and divisions, not commitments)."""

    today: date
    reviews: dict[int, date]  # agreement id → the end of its open review cycle
    flag_columns: tuple[ColumnElement[int], ...]  # the rule's 0/1 per flag, in `Attention` order
    requests: dict[int, DivisionRequests] = field(default_factory=dict)  # by division id

    @classmethod
    def on(
        cls, *, session: Session, policy: FollowUpPolicy, today: date, max_items: int = 20
    ) -> DigestDay:
        # The rule has worked out every agreement's cycle end already: reuse it.
        rule = AttentionRule.on(session=session, policy=policy, today=today)
        return cls(
            today=today,
            reviews=rule.cycle_ends,
            flag_columns=tuple(rule.columns()),
            requests=waiting_requests(session, today=today, limit=max_items),
        )


def waiting_requests(session: Session, *, today: date, limit: int) -> dict[int, DivisionRequests]:
    """Division id → its open requests for cooperation (those answered wait on the asker, not
    on it): how many, and the oldest `limit`, oldest first. One query for every division,
    numbered and counted per division in SQL."""
    addressee = col(CooperationRequest.to_division_id)
    oldest_first = (col(CooperationRequest.created_at), col(CooperationRequest.id))
    ranked = (
        sa_select(
            addressee,
            col(CooperationRequest.commitment_id),
            col(CooperationRequest.from_division_id),
            col(CooperationRequest.what),
            col(CooperationRequest.due_on),
            col(CooperationRequest.created_at),
            func.row_number().over(partition_by=addressee, order_by=oldest_first).label("rank"),
            func.count().over(partition_by=addressee).label("total"),
        )
        .where(addressee.is_not(None), col(CooperationRequest.state) == RequestState.OPEN)
        .subquery("ranked")
    )
    rows = session.execute(
        sa_select(
            ranked.c.to_division_id,
            ranked.c.total,
            col(Agreement.id),
            col(Agreement.key),
            col(Commitment.ref),
            col(Division.name),
            ranked.c.what,
            ranked.c.due_on,
            ranked.c.created_at,
        )
        .select_from(ranked)
        .join(Commitment, col(Commitment.id) == ranked.c.commitment_id)
        .join(Agreement, col(Agreement.id) == Commitment.agreement_id)
        .outerjoin(Division, col(Division.id) == ranked.c.from_division_id)
        .where(ranked.c.rank <= limit)
        .order_by(ranked.c.to_division_id, ranked.c.rank)
    ).all()
    found: dict[int, tuple[int, list[WaitingRequest]]] = {}
    for division_id, total, agreement_id, key, ref, asker, what, due_on, created_at in rows:
        _, listed = found.setdefault(division_id, (total, []))
        listed.append(
            WaitingRequest(
                agreement_id=agreement_id,
                ref=f"{key}:{ref}",
                what=what,
                from_division=asker or "",
                due_on=due_on,
                # Counted as the requests' own lists count it (tracker.services.requests).
                age_days=max(0, (today - created_at.date()).days),
            )
        )
    return {
        division_id: DivisionRequests(total, tuple(listed))
        for division_id, (total, listed) in found.items()
    }


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
    """The officer's tracked commitments that need attention, by flag, the open requests for
    cooperation addressed to their division, and what happened since `since`: changes by
    others, reports made, meetings planned within `due_days`.

    Each section counts everything and lists at most `max_items`, most urgent first (see
    `urgency`); requests oldest first; reports and meetings in the order they happen.
    """
    # Each commitment with its flags in one query, the rule's SQL beside the row.
    rows = session.execute(
        sa_select(Commitment, *day.flag_columns).where(
            col(Commitment.owner_id) == officer.id, col(Commitment.tracked).is_(True)
        )
    ).all()
    waiting = day.requests.get(officer.division_id) if officer.division_id is not None else None
    if not rows and waiting is None:
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
    asked = waiting.oldest[:max_items] if waiting else ()
    agreements = _agreements(
        session, {c.agreement_id for c in listed} | {r.agreement_id for r in asked}
    )
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
    if waiting is not None:  # what others wait for comes right after what needs a look
        language = officer.language.value
        requests = tuple(
            Item(
                ref=r.ref,
                text=shorten(r.what, 90),
                link=f"{root}/commitments/{r.ref}",
                note=_request_note(r, language),
            )
            for r in asked
        )
        sections.insert(
            len(FLAG_SECTIONS),
            Section("requests", waiting.total, requests, f"{root}/requests?to=mine"),
        )
    reports = _reports_since(session, officer, since)
    listing = tuple(Item(r) for r in reports[:max_items])
    sections.append(Section("reports", len(reports), listing, f"{root}/reports"))
    meetings = _planned_meetings(session, officer, day.today, policy.due_days)
    listing = tuple(Item(m) for m in meetings[:max_items])
    sections.append(Section("meetings", len(meetings), listing, f"{root}/meetings"))
    shown = tuple(s for s in sections if s.total)
    if not shown:
        return None
    named = dict.fromkeys(
        agreements[i] for i in [*(c.agreement_id for c in listed), *(r.agreement_id for r in asked)]
    )
    return DigestContent(
        officer=officer,
        since=since,
        sections=shown,
        full_list=f"{root}/",
        agreements=tuple((a.key, a.title) for a in named),
    )


def _request_note(request: WaitingRequest, language: str) -> str:
    """Who asks, by when, how long ago: "북미2과 요청 · 기한 2027-01-31 · 12일 경과"."""
    parts = (
        [say(language, "mail.rw_request_from", division=request.from_division)]
        if request.from_division
        else []
    )
    if request.due_on is not None:
        parts.append(say(language, "mail.rw_request_due", date=request.due_on.isoformat()))
    parts.append(say(language, "mail.rw_request_age", count=request.age_days))
    return " · ".join(parts)


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
