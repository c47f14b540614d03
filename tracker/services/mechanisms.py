"""Reading mechanisms, and who may record their meetings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import ColumnElement, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from tracker.domain import Cadence, MechanismKind, Role
from tracker.errors import Forbidden
from tracker.models import (
    Agreement,
    Commitment,
    CommitmentMechanism,
    Mechanism,
    MechanismAlias,
    MechanismPublic,
)
from tracker.services.accounts import Caller, Permission, may
from tracker.services.meetings import MeetingListed
from tracker.services.paging import BadCursor, Page, PageRequest, page_of

T = TypeVar("T")
MEETING_CURSOR = 3


def list_mechanisms(*, session: Session) -> list[MechanismPublic]:
    mechanisms = session.exec(select(Mechanism).order_by(col(Mechanism.id))).all()
    aliases: defaultdict[int, list[str]] = defaultdict(list)
    for alias in session.exec(select(MechanismAlias).order_by(col(MechanismAlias.id))).all():
        aliases[alias.mechanism_id].append(alias.alias)
    # The canonical name is stored as an alias too (for lookups); show only the other names.
    return [
        MechanismPublic.model_validate(
            m, update={"aliases": [a for a in aliases[m.id or 0] if a != m.name]}
        )
        for m in mechanisms
    ]


@dataclass(frozen=True)
class MechanismSummary:
    """What a page listing every mechanism shows of each: no aliases, no history."""

    id: int
    name: str
    name_en: str
    kind: MechanismKind
    cadence: Cadence
    planned: bool


def mechanism_summaries(*, session: Session) -> list[MechanismSummary]:
    """Every mechanism, by id, as plain rows (a portfolio has hundreds)."""
    rows = session.execute(
        sa_select(
            col(Mechanism.id),
            col(Mechanism.name),
            col(Mechanism.name_en),
            col(Mechanism.kind),
            col(Mechanism.cadence),
            col(Mechanism.planned),
        ).order_by(col(Mechanism.id))
    ).all()
    return [MechanismSummary(*row) for row in rows]


def followed_commitments(mechanism: Mechanism, *, session: Session) -> list[Commitment]:
    """The tracked commitments whose follow-up a meeting of `mechanism` touches: those linked
    to it, and those of the agreements whose review cycles it bounds (a held meeting closes
    their cycle)."""
    assert mechanism.id is not None
    reviewing = _reviewing(session).get(mechanism.id, set())
    linked = select(CommitmentMechanism.commitment_id).where(
        CommitmentMechanism.mechanism_id == mechanism.id
    )
    return list(
        session.exec(
            select(Commitment)
            .join(Agreement, col(Agreement.id) == Commitment.agreement_id)
            .where(
                col(Commitment.tracked).is_(True),
                or_(
                    col(Commitment.id).in_(linked),
                    col(Agreement.review_mechanism_id).in_(reviewing),
                ),
            )
            .order_by(col(Commitment.id))
        ).all()
    )


def recordable_mechanisms(caller: Caller, *, session: Session) -> set[int]:
    """The mechanisms whose meetings `caller` may record: `accounts.may_edit_group` over each
    mechanism's `followed_commitments` (those linked to it, and those of the agreements whose
    cycles it bounds): a mechanism whose commitments nobody owns, or one the caller may edit.

    Asked without reading every commitment: "someone follows one up" is an EXISTS per mechanism
    and per reviewed agreement, which stops at the first owned commitment; "the caller may edit
    one" reads the caller's own and division's commitments through their indexes."""
    if not may(caller.role, Permission.EDIT_COMMITMENTS):
        return set()
    every = {i for i in session.exec(select(col(Mechanism.id))).all() if i is not None}
    if caller.role is Role.ADMIN:
        return every
    tracked = col(Commitment.tracked).is_(True)
    someone = or_(col(Commitment.owner_id).is_not(None), col(Commitment.division_id).is_not(None))
    mine: ColumnElement[bool] = col(Commitment.owner_id) == caller.officer.id
    if caller.officer.division_id is not None:
        mine = or_(mine, col(Commitment.division_id) == caller.officer.division_id)
    linked = (
        sa_select(col(CommitmentMechanism.mechanism_id))
        .join(Commitment, col(Commitment.id) == CommitmentMechanism.commitment_id)
        .where(tracked)
    )
    reviewed = (
        sa_select(col(Agreement.review_mechanism_id))
        .join(Commitment, col(Commitment.agreement_id) == Agreement.id)
        .where(tracked, col(Agreement.review_mechanism_id).is_not(None))
    )
    claimed = set(
        session.exec(
            select(col(Mechanism.id)).where(
                linked.where(
                    someone, col(CommitmentMechanism.mechanism_id) == Mechanism.id
                ).exists()
            )
        ).all()
    )
    claimed_reviews = set(
        session.exec(
            select(col(Agreement.review_mechanism_id))
            .where(
                col(Agreement.review_mechanism_id).is_not(None),
                sa_select(col(Commitment.id))
                .where(tracked, someone, col(Commitment.agreement_id) == Agreement.id)
                .exists(),
            )
            .distinct()
        ).all()
    )
    editable = set(session.execute(linked.where(mine).distinct()).scalars())
    editable_reviews = set(session.execute(reviewed.where(mine).distinct()).scalars())
    bounding = {source: top for top, sources in _reviewing(session).items() for source in sources}
    claimed |= {bounding[r] for r in claimed_reviews if r in bounding}
    editable |= {bounding[r] for r in editable_reviews if r in bounding}
    return {i for i in every if i in editable or i not in claimed}


def may_record_meetings(caller: Caller, mechanism: Mechanism, *, session: Session) -> bool:
    return mechanism.id in recordable_mechanisms(caller, session=session)


def check_may_record_meetings(caller: Caller, mechanism: Mechanism, *, session: Session) -> None:
    """A meeting moves the follow-up of every commitment the mechanism follows (a held 2+2
    closes a review cycle): only their officers, or an administrator, record it."""
    if not may_record_meetings(caller, mechanism, session=session):
        raise Forbidden("meeting.not_yours", mechanism=mechanism.name)


def _reviewing(session: Session) -> dict[int, set[int]]:
    """Bounding mechanism id -> the review mechanisms whose agreements' cycles its meetings
    bound: the top of each review chain (as `cycles.cycle_mechanism` walks it), from one query
    over the mechanisms, not over the agreements."""
    above = dict(session.exec(select(col(Mechanism.id), col(Mechanism.reports_to_id))).all())
    used = session.exec(
        select(col(Agreement.review_mechanism_id))
        .where(col(Agreement.review_mechanism_id).is_not(None))
        .group_by(col(Agreement.review_mechanism_id))
    ).all()
    reviewing: defaultdict[int, set[int]] = defaultdict(set)
    for source in used:
        if source is None or source not in above:
            continue
        top, seen = source, set()
        while (up := above.get(top)) is not None and up in above and top not in seen:
            seen.add(top)
            top = up
        reviewing[top].add(source)
    return dict(reviewing)


def page_in_order(
    items: Sequence[T], page: PageRequest, key: Callable[[T], tuple[int, ...]]
) -> Page[T]:
    """Keyset paging over a list worked out in memory (meetings, with the ones each cadence
    projects, are not rows of one table): the items whose `key` comes after the cursor's, in
    `key` order. Keys are whole numbers, the last of them unique."""
    if page.after is not None and not all(
        isinstance(part, int) and not isinstance(part, bool) for part in page.after
    ):
        raise BadCursor("meeting.list_cursor_foreign")
    after = page.after
    ordered = sorted((item for item in items if after is None or key(item) > after), key=key)
    return page_of(ordered[: page.limit + 1], page, key)


def meeting_key(meeting: MeetingListed) -> tuple[int, int, int]:
    """The meetings list's order: by day, then mechanism, then meeting (a projected one, which
    has no id, before a recorded one of the same day)."""
    return (meeting.held_on.toordinal(), meeting.mechanism_id, meeting.id or 0)
