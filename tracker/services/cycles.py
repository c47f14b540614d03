"""Meetings of mechanisms, review cycles, and the per-cycle assessments.

A review cycle is the span between two meetings of an agreement's reviewing mechanism (for the
seed, two biennial 2+2 meetings). The open cycle ends at that mechanism's next meeting: the
recorded one, or, until an officer sets the real date, the date its cadence gives. Recording a
meeting as held closes the open cycle of every agreement that mechanism reviews and opens the
next; assessments start blank in the new cycle, progress statuses carry on.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol, cast

from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import QueryableAttribute, load_only
from sqlmodel import Session, SQLModel, col, select

from tracker.domain import Cadence, Language, Score
from tracker.errors import Grouped, NotFound, TrackerError
from tracker.models import (
    Agreement,
    Assessment,
    AssessmentPublic,
    Commitment,
    Mechanism,
    Meeting,
    MeetingCreate,
    MeetingUpdate,
    ReviewCycle,
    ReviewCyclePublic,
    utcnow,
)
from tracker.services.changes import record_change
from tracker.services.status_updates import check_version, describe, save_commitment
from tracker.words import say

CADENCE_MONTHS = {Cadence.BIENNIAL: 24, Cadence.ANNUAL: 12}


class MeetingRefused(TrackerError):
    """A meeting that cannot be recorded as given."""


class AssessmentRefused(TrackerError):
    """An assessment that cannot be recorded as given."""


@dataclass(frozen=True)
class NextMeeting:
    """When a mechanism meets next: a recorded meeting, or one its cadence projects."""

    on: date
    meeting_id: int | None = None
    estimated: bool = False
    title: str = ""
    place: str = ""


def add_months(day: date, months: int) -> date:
    """`day` plus whole months; 29 February becomes 28 February in a common year."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_meeting(
    mechanism: Mechanism,
    data: MeetingCreate,
    *,
    session: Session,
    actor: str,
    today: date,
) -> Meeting:
    """Record a past (held) or planned meeting; a held one rolls review cycles over."""
    _check_meeting_date(data.held_on, planned=data.planned, today=today)
    if not data.planned:
        _refuse_inside_closed_cycle(mechanism, data.held_on, session=session)
    existing = session.exec(
        select(Meeting).where(Meeting.mechanism_id == mechanism.id, Meeting.held_on == data.held_on)
    ).first()
    if existing is not None:
        raise MeetingRefused(
            "meeting.exists", mechanism=mechanism.name, on=data.held_on, id=existing.id
        ).see(f"tracker meetings update {existing.id}")
    meeting = Meeting.model_validate(data, update={"mechanism_id": mechanism.id})
    session.add(meeting)
    try:
        session.flush()
    except IntegrityError:
        raise MeetingRefused(
            "meeting.exists_on", mechanism=mechanism.name, on=data.held_on
        ) from None
    assert meeting.id is not None
    record_change(
        session, "meeting", meeting.id, "added", actor, _meeting_summary(mechanism, meeting)
    )
    if not meeting.planned:
        roll_cycles_over(meeting, session=session, actor=actor)
    return meeting


def update_meeting(
    meeting: Meeting, change: MeetingUpdate, *, session: Session, actor: str, today: date
) -> Meeting:
    """Set the real date, place or title, or mark a planned meeting as held."""
    values = change.model_dump(exclude_unset=True, exclude_none=True)
    held_on = values.get("held_on", meeting.held_on)
    planned = values.get("planned", meeting.planned)
    _check_meeting_date(held_on, planned=planned, today=today, moved=held_on != meeting.held_on)
    was_planned = meeting.planned
    if not was_planned:
        _move_boundaries(meeting, held_on, planned=planned, session=session)
    elif not planned:
        _refuse_inside_closed_cycle(
            _mechanism_of(meeting, session=session), held_on, session=session
        )
    for name, value in values.items():
        setattr(meeting, name, value)
    session.add(meeting)
    try:
        session.flush()
    except IntegrityError:
        raise MeetingRefused("meeting.exists_that_day", on=held_on) from None
    mechanism = session.get(Mechanism, meeting.mechanism_id)
    assert mechanism is not None and meeting.id is not None
    record_change(
        session,
        "meeting",
        meeting.id,
        "updated",
        actor,
        _meeting_summary(mechanism, meeting) | {"changed": sorted(values)},
    )
    if was_planned and not meeting.planned:
        roll_cycles_over(meeting, session=session, actor=actor)
    return meeting


def _mechanism_of(meeting: Meeting, *, session: Session) -> Mechanism:
    mechanism = session.get(Mechanism, meeting.mechanism_id)
    assert mechanism is not None
    return mechanism


def bounded_agreements(
    *, session: Session, mechanism_ids: Collection[int] | None = None
) -> dict[int, list[Agreement]]:
    """Mechanism id (of `mechanism_ids`, or any) -> the agreements whose review cycles that
    mechanism's meetings bound."""
    bounded: dict[int, list[Agreement]] = {}
    wanted = col(Agreement.review_mechanism_id).is_not(None)
    if mechanism_ids is not None:
        reviewers = session.exec(
            select(Agreement.review_mechanism_id).where(wanted).distinct()
        ).all()
        tops = _tops_of_chains(set(reviewers), session=session)
        reviewing = [r for r, top in tops.items() if r is not None and top.id in mechanism_ids]
        wanted = col(Agreement.review_mechanism_id).in_(reviewing)
    # Portfolio-wide: the columns the cycle rules and the report subjects read; any other is
    # read only if someone asks.
    agreements = session.exec(
        select(Agreement)
        .where(wanted)
        .options(
            load_only(
                *cast(
                    "list[QueryableAttribute[Any]]",
                    [
                        Agreement.id,
                        Agreement.key,
                        Agreement.review_mechanism_id,
                        Agreement.signed_on,
                        Agreement.imported_at,
                    ],
                )
            )
        )
    ).all()
    chains = _tops_of_chains({a.review_mechanism_id for a in agreements}, session=session)
    for agreement in agreements:
        bounding = chains.get(agreement.review_mechanism_id)
        if bounding is not None and bounding.id is not None:
            bounded.setdefault(bounding.id, []).append(agreement)
    return bounded


def _bounded_agreements(mechanism_id: int, *, session: Session) -> list[Agreement]:
    """The agreements whose review cycles this mechanism's meetings bound."""
    return bounded_agreements(session=session).get(mechanism_id, [])


def _refuse_inside_closed_cycle(mechanism: Mechanism, held_on: date, *, session: Session) -> None:
    """A held meeting inside a closed cycle would leave that cycle spanning two meetings."""
    assert mechanism.id is not None
    for agreement in _bounded_agreements(mechanism.id, session=session):
        inside = session.exec(
            select(ReviewCycle).where(
                ReviewCycle.agreement_id == agreement.id,
                col(ReviewCycle.ends_on).is_not(None),
                col(ReviewCycle.starts_on) < held_on,
                col(ReviewCycle.ends_on) > held_on,
            )
        ).first()
        if inside is not None:
            raise MeetingRefused(
                "meeting.inside_closed_cycle",
                mechanism=mechanism.name,
                on=held_on,
                cycle=inside.number,
                key=agreement.key,
                start=inside.starts_on,
                end=inside.ends_on,
            )


def _move_boundaries(meeting: Meeting, held_on: date, *, planned: bool, session: Session) -> None:
    """A held meeting that ends a cycle may move within its neighbours, never back to planned."""
    for agreement in _bounded_agreements(meeting.mechanism_id, session=session):
        closed = session.exec(
            select(ReviewCycle).where(
                ReviewCycle.agreement_id == agreement.id, ReviewCycle.ends_on == meeting.held_on
            )
        ).first()
        if closed is None:
            continue
        if planned:
            raise MeetingRefused(
                "meeting.closed_cycle", id=meeting.id, cycle=closed.number, key=agreement.key
            )
        following = session.exec(
            select(ReviewCycle).where(
                ReviewCycle.agreement_id == agreement.id,
                ReviewCycle.number == closed.number + 1,
            )
        ).one()
        latest = following.ends_on or date.max
        if not closed.starts_on < held_on < latest:
            if following.ends_on is None:
                raise MeetingRefused(
                    "meeting.ends_cycle",
                    id=meeting.id,
                    cycle=closed.number,
                    key=agreement.key,
                    after=closed.starts_on,
                )
            raise MeetingRefused(
                "meeting.ends_cycle_between",
                id=meeting.id,
                cycle=closed.number,
                key=agreement.key,
                after=closed.starts_on,
                before=following.ends_on,
            )
        closed.ends_on = following.starts_on = held_on
        session.add_all([closed, following])


MAX_YEARS_AHEAD = 30  # a date further out is a typo (9999-12-31), not a plan


def _check_meeting_date(held_on: date, *, planned: bool, today: date, moved: bool = True) -> None:
    """`moved`: the date is new (an added meeting, or a changed date), so a planned meeting
    must lie ahead; a planned meeting whose day has passed may still be edited otherwise."""
    if not planned and held_on > today:
        raise MeetingRefused("meeting.not_held_yet", on=held_on, today=today)
    if planned and moved and held_on < today:
        raise MeetingRefused("meeting.planned_in_past", on=held_on, today=today)
    if held_on.year > today.year + MAX_YEARS_AHEAD:
        raise MeetingRefused("meeting.too_far_ahead", on=held_on, years=MAX_YEARS_AHEAD)


class MeetingListed(SQLModel):
    id: int | None
    mechanism_id: int
    mechanism: str
    held_on: date
    state: str  # held, planned, or estimated (projected from the cadence; not recorded)
    place: str = ""
    title: str = ""


def find_meeting(
    reference: str, *, session: Session, mechanism: Mechanism | None = None
) -> Meeting:
    """By id, or by date (YYYY-MM-DD) within `mechanism`."""
    if reference.isdigit():
        meeting = session.get(Meeting, int(reference))
        if meeting is None or (mechanism is not None and meeting.mechanism_id != mechanism.id):
            raise NotFound("meeting.unknown", id=reference).see("tracker meetings list")
        return meeting
    try:
        day = date.fromisoformat(reference)
    except ValueError:
        raise NotFound("meeting.reference_invalid", reference=reference) from None
    if mechanism is None:
        raise NotFound("meeting.date_needs_mechanism")
    meeting = session.exec(
        select(Meeting).where(Meeting.mechanism_id == mechanism.id, Meeting.held_on == day)
    ).first()
    if meeting is None:
        raise NotFound("meeting.none_on", mechanism=mechanism.name, on=day)
    return meeting


def next_meeting(
    mechanism: Mechanism, *, session: Session, after: date, anchor: date | None = None
) -> NextMeeting | None:
    """The first meeting on or after `after`: a recorded one, else one projected by the cadence
    from the last recorded meeting (or, with none, from `anchor`: the cycle's start or the signing
    date); None when the cadence
    gives no interval (regular, ad hoc, unknown) and nothing is recorded."""
    recorded = session.exec(
        select(Meeting)
        .where(Meeting.mechanism_id == mechanism.id, col(Meeting.held_on) >= after)
        .order_by(col(Meeting.held_on))
    ).first()
    if recorded is not None:
        assert recorded.id is not None
        return NextMeeting(
            recorded.held_on, recorded.id, title=recorded.title, place=recorded.place
        )
    last = session.exec(
        select(col(Meeting.held_on))
        .where(Meeting.mechanism_id == mechanism.id)
        .order_by(col(Meeting.held_on).desc())
    ).first()
    # The cadence runs from the last meeting; the anchor only stands in when there is none.
    projected = project(last if last is not None else anchor, mechanism.cadence, after)
    return None if projected is None else NextMeeting(projected, estimated=True)


def project(start: date | None, cadence: Cadence, after: date) -> date | None:
    """The first date the cadence reaches from `start` that is on or after `after` (and not
    `start` itself); None when the cadence gives no interval or there is no start."""
    months = CADENCE_MONTHS.get(cadence)
    if months is None or start is None:
        return None
    projected, steps = start, 0
    while projected < after or projected == start:
        steps += 1
        projected = add_months(start, months * steps)
    return projected


def open_cycle(agreement: Agreement, *, session: Session) -> ReviewCycle:
    """The agreement's open review cycle, opened (as cycle 1, from the signing date) if none."""
    cycle = session.exec(
        select(ReviewCycle)
        .where(ReviewCycle.agreement_id == agreement.id, col(ReviewCycle.ends_on).is_(None))
        .order_by(col(ReviewCycle.number).desc())
    ).first()
    if cycle is not None:
        return cycle
    assert agreement.id is not None
    last = session.exec(
        select(ReviewCycle)
        .where(ReviewCycle.agreement_id == agreement.id)
        .order_by(col(ReviewCycle.number).desc())
    ).first()
    cycle = ReviewCycle(
        agreement_id=agreement.id,
        number=last.number + 1 if last else 1,
        starts_on=(last.ends_on if last and last.ends_on else None)
        or agreement.signed_on
        or agreement.imported_at.date(),
    )
    session.add(cycle)
    session.flush()
    return cycle


def cycle_end(cycle: ReviewCycle, agreement: Agreement, *, session: Session) -> NextMeeting | None:
    """Where `cycle` ends: its recorded end, or the reviewing mechanism's next meeting."""
    if cycle.ends_on is not None:
        return NextMeeting(cycle.ends_on)
    return _meeting_after(cycle.starts_on, agreement, session=session)


def open_cycle_end(agreement: Agreement, *, session: Session) -> NextMeeting | None:
    """When the agreement's open cycle ends, without opening one (safe in a read session)."""
    assert agreement.id is not None
    return open_cycle_ends([agreement], session=session)[agreement.id][1]


class BoundedAgreement(Protocol):
    """An agreement as the report schedule names it: an entity, or a plain row."""

    @property
    def id(self) -> int | None: ...

    @property
    def key(self) -> str: ...


class Cadenced(Protocol):
    """A mechanism as a projection reads it: an entity, or a plain row of these columns."""

    @property
    def id(self) -> int | None: ...

    @property
    def cadence(self) -> Cadence: ...


class CycleAnchor(Protocol):
    """What the cycle rules read of an agreement: a row of these four columns will do, so
    portfolio-wide callers need not load agreements with their source text."""

    id: int | None
    review_mechanism_id: int | None
    signed_on: date | None
    imported_at: datetime


def open_cycle_ends(
    agreements: Sequence[CycleAnchor], *, session: Session
) -> dict[int, tuple[Mechanism | None, NextMeeting | None]]:
    """Agreement id -> (the mechanism bounding its cycles, when its open cycle ends): one query
    for the open cycles, one chain walk per reviewing mechanism, one query for the meetings of
    every bounding mechanism; each end is then worked out in memory."""
    ids = [a.id for a in agreements if a.id is not None]
    if not ids:
        return {}
    starts: dict[int, date] = {}
    for chunk in _chunks(ids):
        starts.update(
            session.exec(
                select(col(ReviewCycle.agreement_id), col(ReviewCycle.starts_on)).where(
                    col(ReviewCycle.agreement_id).in_(chunk), col(ReviewCycle.ends_on).is_(None)
                )
            ).all()
        )
    chains = _tops_of_chains({a.review_mechanism_id for a in agreements}, session=session)
    calendar = MeetingCalendar.read(list(chains.values()), session=session)
    projected: dict[tuple[int, date], NextMeeting | None] = {}
    ends: dict[int, tuple[Mechanism | None, NextMeeting | None]] = {}
    for agreement in agreements:
        assert agreement.id is not None
        mechanism = chains.get(agreement.review_mechanism_id)
        if mechanism is None or mechanism.id is None:
            ends[agreement.id] = (None, None)
            continue
        start = starts.get(agreement.id) or agreement.signed_on or agreement.imported_at.date()
        if (mechanism.id, start) not in projected:
            # The meeting that opened the cycle falls on its first day: the end is later.
            projected[(mechanism.id, start)] = calendar.next_meeting(
                mechanism, after=start + timedelta(days=1), anchor=start
            )
        ends[agreement.id] = (mechanism, projected[(mechanism.id, start)])
    return ends


def _tops_of_chains(
    review_ids: set[int | None], *, session: Session
) -> dict[int | None, Mechanism]:
    """Each review mechanism → the top of its chain, read a level of the chains at a time
    (one query per level, not one per mechanism)."""
    known: dict[int, Mechanism] = {}
    frontier = {i for i in review_ids if i is not None}
    while frontier:
        found = [
            mechanism
            for chunk in _chunks(sorted(frontier))
            for mechanism in session.exec(select(Mechanism).where(col(Mechanism.id).in_(chunk)))
        ]
        known.update((m.id, m) for m in found if m.id is not None)
        frontier = {m.reports_to_id for m in found if m.reports_to_id is not None} - known.keys()
    tops: dict[int | None, Mechanism] = {}
    for review_id in review_ids:
        mechanism: Mechanism | None = known.get(review_id) if review_id is not None else None
        seen: set[int] = set()
        while mechanism is not None and mechanism.reports_to_id and mechanism.id not in seen:
            assert mechanism.id is not None
            seen.add(mechanism.id)
            above = known.get(mechanism.reports_to_id)
            if above is None:
                break
            mechanism = above
        if mechanism is not None:
            tops[review_id] = mechanism
    return tops


def cycle_ends_of(
    *, session: Session, agreement_ids: Sequence[int] | None = None
) -> dict[int, tuple[Mechanism | None, NextMeeting | None]]:
    """`open_cycle_ends` of the agreements of `agreement_ids`, or of all, read as the four
    columns the rule needs (never the source text)."""
    query = sa_select(
        col(Agreement.id),
        col(Agreement.review_mechanism_id),
        col(Agreement.signed_on),
        col(Agreement.imported_at),
    )
    if agreement_ids is not None:
        query = query.where(col(Agreement.id).in_(agreement_ids))
    anchors = session.execute(query).all()
    return open_cycle_ends(cast(Sequence[CycleAnchor], anchors), session=session)


@dataclass(frozen=True)
class MeetingCalendar:
    """The recorded meetings of some mechanisms, read in one query, answering `next_meeting`
    in memory for as many dates as a portfolio-wide rule needs."""

    meetings: dict[int, list[NextMeeting]]

    @classmethod
    def read(cls, mechanisms: Sequence[Cadenced], *, session: Session) -> MeetingCalendar:
        ids = sorted({m.id for m in mechanisms if m.id is not None})
        meetings: dict[int, list[NextMeeting]] = {i: [] for i in ids}
        for chunk in _chunks(ids):
            rows = session.execute(
                sa_select(
                    col(Meeting.mechanism_id),
                    col(Meeting.held_on),
                    col(Meeting.id),
                    col(Meeting.title),
                    col(Meeting.place),
                )
                .where(col(Meeting.mechanism_id).in_(chunk))
                .order_by(col(Meeting.held_on))
            ).all()
            for mechanism_id, held_on, meeting_id, title, place in rows:
                meetings[mechanism_id].append(
                    NextMeeting(held_on, meeting_id, title=title, place=place)
                )
        return cls(meetings)

    def next_meeting(
        self, mechanism: Cadenced, *, after: date, anchor: date | None = None
    ) -> NextMeeting | None:
        """As `next_meeting` answers, from the meetings read."""
        assert mechanism.id is not None
        recorded = self.meetings.get(mechanism.id, [])
        upcoming = next((m for m in recorded if m.on >= after), None)
        if upcoming is not None:
            return upcoming
        last = recorded[-1].on if recorded else None
        projected = project(last if last is not None else anchor, mechanism.cadence, after)
        return None if projected is None else NextMeeting(projected, estimated=True)


def _chunks(ids: Sequence[int], size: int = 5000) -> list[Sequence[int]]:
    """Bound the parameters of one statement (PostgreSQL's driver stops at 65,535)."""
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _top_of_chain(review_mechanism_id: int | None, *, session: Session) -> Mechanism | None:
    return _tops_of_chains({review_mechanism_id}, session=session).get(review_mechanism_id)


def cycle_mechanism(agreement: CycleAnchor, *, session: Session) -> Mechanism | None:
    """The mechanism whose meetings bound the agreement's cycles: the top of its review chain
    (the seed's policy dialogue reviews, and reports to the 2+2, so cycles run 2+2 to 2+2)."""
    return _top_of_chain(agreement.review_mechanism_id, session=session)


def _meeting_after(start: date, agreement: Agreement, *, session: Session) -> NextMeeting | None:
    mechanism = cycle_mechanism(agreement, session=session)
    if mechanism is None:
        return None
    # The meeting that opened the cycle falls on its first day: the end is strictly later.
    return next_meeting(mechanism, session=session, after=start + timedelta(days=1), anchor=start)


def roll_cycles_over(meeting: Meeting, *, session: Session, actor: str) -> list[ReviewCycle]:
    """`meeting` was held: for each agreement whose cycles it bounds, close the open cycle on the
    meeting's day and open the next. A meeting before the open cycle began changes nothing."""
    opened = []
    for agreement in _bounded_agreements(meeting.mechanism_id, session=session):
        current = open_cycle(agreement, session=session)
        if meeting.held_on <= current.starts_on:
            continue
        current.ends_on = meeting.held_on
        session.add(current)
        session.flush()
        following = open_cycle(agreement, session=session)
        assert agreement.id is not None
        record_change(
            session,
            "agreement",
            agreement.id,
            "cycle",
            actor,
            {
                "summary": f"cycle {current.number} closed on {meeting.held_on}; "
                f"cycle {following.number} opened",
                "closed": current.number,
                "opened": following.number,
                "meeting_id": meeting.id,
            },
        )
        opened.append(following)
    return opened


def list_cycles(agreement: Agreement, *, session: Session) -> list[ReviewCyclePublic]:
    open_cycle_exists = session.exec(
        select(ReviewCycle.id).where(
            ReviewCycle.agreement_id == agreement.id, col(ReviewCycle.ends_on).is_(None)
        )
    ).first()
    if open_cycle_exists is None:
        raise NotFound("cycle.none_open", key=agreement.key)
    cycles = session.exec(
        select(ReviewCycle)
        .where(ReviewCycle.agreement_id == agreement.id)
        .order_by(col(ReviewCycle.number))
    ).all()
    return [cycle_public(cycle, agreement, session=session) for cycle in cycles]


def cycle_public(
    cycle: ReviewCycle, agreement: Agreement, *, session: Session
) -> ReviewCyclePublic:
    end = cycle_end(cycle, agreement, session=session)
    return ReviewCyclePublic.model_validate(
        cycle,
        update={
            "closes_on": end.on if end else None,
            "closes_estimated": end.estimated if end else False,
        },
    )


def find_cycle(agreement: Agreement, reference: str, *, session: Session) -> ReviewCycle:
    """ "current" (the open cycle), "previous", or a cycle number."""
    wanted = reference.strip().lower()
    current = open_cycle(agreement, session=session)
    if wanted in ("current", "open", "현재"):
        return current
    if wanted in ("previous", "last", "이전"):
        if current.number == 1:
            raise NotFound("cycle.no_previous", key=agreement.key)
        number = current.number - 1
    elif wanted.isdigit():
        number = int(wanted)
    else:
        raise NotFound("cycle.reference_invalid", reference=reference)
    cycle = session.exec(
        select(ReviewCycle).where(
            ReviewCycle.agreement_id == agreement.id, ReviewCycle.number == number
        )
    ).first()
    if cycle is None:
        raise NotFound("cycle.unknown", key=agreement.key, cycle=number, last=current.number)
    return cycle


def cycle_of(commitment: Commitment, reference: str, *, session: Session) -> ReviewCycle:
    """A cycle of the commitment's agreement: "current", "previous" or a number."""
    agreement = session.get(Agreement, commitment.agreement_id)
    assert agreement is not None
    return find_cycle(agreement, reference, session=session)


def parse_score(text: str) -> Score | None:
    """+1/1/full/완전, 0/partial/부분, -1/none/미이행; "na" or "not-assessed" clears it."""
    folded = text.strip().lower().replace("−", "-").replace(" ", "").replace("_", "-")
    if folded in ("+1", "1", "full", "완전", "완전이행"):
        return Score.FULL
    if folded in ("0", "partial", "부분", "부분이행"):
        return Score.PARTIAL
    if folded in ("-1", "none", "미이행"):
        return Score.NONE
    if folded in ("na", "n/a", "not-assessed", "미평가", ""):
        return None
    raise AssessmentRefused("assessment.score_unknown", score=text)


MAX_RATIONALE = 10_000  # characters, as for a status update's note


def assess(
    commitment: Commitment,
    cycle: ReviewCycle,
    *,
    score: Score | None,
    rationale: str,
    session: Session,
    actor: str,
    expected_version: int | None = None,
) -> Assessment:
    """Record (or revise) the verdict on `commitment` for `cycle`; history keeps every one."""
    where = describe(commitment, session=session)
    if cycle.agreement_id != commitment.agreement_id:
        raise AssessmentRefused("assessment.other_agreement", cycle=cycle.number).at(where)
    if not commitment.tracked:
        raise AssessmentRefused("assessment.not_tracked", commitment=where)
    if score is not None and not rationale.strip():
        raise AssessmentRefused("assessment.rationale_missing").at(where)
    if len(rationale) > MAX_RATIONALE:
        raise AssessmentRefused(
            "assessment.rationale_too_long",
            length=Grouped(len(rationale)),
            limit=Grouped(MAX_RATIONALE),
        ).at(where)
    check_version(commitment, expected_version, session=session)
    assessment = session.exec(
        select(Assessment).where(
            Assessment.commitment_id == commitment.id, Assessment.cycle_id == cycle.id
        )
    ).first()
    previous = assessment.score if assessment else None
    wanted = None if score is None else int(score)
    if assessment is not None and (previous, assessment.rationale) == (wanted, rationale.strip()):
        return assessment  # the same verdict saved again: nothing changed, nothing recorded
    if assessment is None:
        assert commitment.id is not None and cycle.id is not None
        assessment = Assessment(commitment_id=commitment.id, cycle_id=cycle.id, assessed_by=actor)
    assessment.score = wanted
    assessment.rationale = rationale.strip()
    assessment.assessed_by = actor
    assessment.assessed_at = utcnow()
    session.add(assessment)
    # Assessing is a change to the commitment: it moves the version on like any other edit.
    save_commitment(commitment, session=session, where=where)
    assert commitment.id is not None
    record_change(
        session,
        "commitment",
        commitment.id,
        "assessment",
        actor,
        {
            "summary": f"cycle {cycle.number}: {_score_text(previous)} → {_score_text(score)}"
            + (f"; {assessment.rationale}" if assessment.rationale else ""),
            "cycle": cycle.number,
            "score": assessment.score,
            "previous": previous,
            "version": commitment.version,
        },
    )
    return assessment


def _score_text(score: int | None) -> str:
    return "not assessed" if score is None else f"{score:+d}".replace("+0", "0")


def score_label(score: int | None, language: Language = Language.KO) -> str:
    """ "+1 완전 이행", "0 부분 이행", "-1 미이행", or "미평가"."""
    if score is None:
        return say(language, "score.not_assessed")
    words = say(language, f"score.{Score(score).key}")
    return f"{score:+d} {words}".replace("+0", "0")


def current_assessment(commitment: Commitment, *, session: Session) -> AssessmentPublic | None:
    """The commitment's assessment in its agreement's open cycle, if any."""
    row = session.exec(
        select(Assessment, ReviewCycle.number)
        .join(ReviewCycle, col(ReviewCycle.id) == Assessment.cycle_id)
        .where(Assessment.commitment_id == commitment.id, col(ReviewCycle.ends_on).is_(None))
    ).first()
    if row is None:
        return None
    assessment, number = row
    return AssessmentPublic.model_validate(assessment, update={"cycle_number": number})


def _meeting_summary(mechanism: Mechanism, meeting: Meeting) -> dict[str, object]:
    state = "planned" if meeting.planned else "held"
    return {
        "summary": f"{mechanism.name} {state} {meeting.held_on}"
        + (f" {meeting.place}" if meeting.place else ""),
        "mechanism_id": mechanism.id,
        "held_on": meeting.held_on.isoformat(),
        "planned": meeting.planned,
    }
