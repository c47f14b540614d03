"""Review cycles: the spans between meetings of an agreement's reviewing mechanism.

A review cycle is the span between two meetings of an agreement's reviewing mechanism (for the
seed, two biennial 2+2 meetings). The open cycle ends at that mechanism's next meeting: the
recorded one, or, until an officer sets the real date, the date its cadence gives. Recording a
meeting as held closes the open cycle of every agreement that mechanism reviews and opens the
next (`roll_cycles_over`); assessments start blank in the new cycle, progress statuses carry on.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Protocol, cast

from sqlalchemy import select as sa_select
from sqlalchemy.orm import QueryableAttribute, load_only
from sqlmodel import Session, col, select

from tracker.errors import NotFound
from tracker.models import (
    Agreement,
    Commitment,
    Mechanism,
    Meeting,
    ReviewCycle,
    ReviewCyclePublic,
)
from tracker.services.cadence import MeetingCalendar, NextMeeting, chunks, next_meeting
from tracker.services.changes import record_change


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


def bounded_by(mechanism_id: int, *, session: Session) -> list[Agreement]:
    """The agreements whose review cycles this mechanism's meetings bound."""
    return bounded_agreements(session=session).get(mechanism_id, [])


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
    for chunk in chunks(ids):
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
            for chunk in chunks(sorted(frontier))
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
    for agreement in bounded_by(meeting.mechanism_id, session=session):
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
