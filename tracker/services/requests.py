"""Requests for cooperation (부처간 협조사항): what a division needs from another division or
ministry to move a commitment on.

A request is made with a status update (`RequestCreate`): addressed to a division of the
tracker (it then shows on that division's officers' dashboards and digests) or to another body
by name (a ministry outside the tracker), with what is needed and by when. The addressee
answers it (`answer_request`: the request is then answered, back with the asker), the asker or
an administrator closes it (`close_request`); a request can also be closed unanswered. Every
step is a change record on the commitment. Lists are bounded and answered by SQL on
(to_division_id, state, created_at) and (state, created_at).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from tracker.domain import RequestState, Role
from tracker.errors import Grouped, NotFound, TrackerError
from tracker.models import (
    Agreement,
    Commitment,
    CooperationRequest,
    CooperationRequestPublic,
    Division,
    RequestCreate,
    utcnow,
)
from tracker.services.accounts import Caller, Permission, may
from tracker.services.changes import record_change
from tracker.services.paging import Page, PageRequest, encode_cursor

MAX_WHAT = 2000
MAX_ANSWER = 10_000


class RequestRefused(TrackerError):
    """A request for cooperation that cannot be made, answered or closed as given."""


def request_problems(
    request: RequestCreate, *, number: int, session: Session
) -> list[TrackerError]:
    """Everything wrong with one request, each a line (`number` says which request)."""
    problems: list[TrackerError] = []
    if not request.what.strip():
        problems.append(RequestRefused("request.what_missing", number=number))
    elif len(request.what) > MAX_WHAT:
        problems.append(
            RequestRefused(
                "request.what_too_long",
                number=number,
                length=Grouped(len(request.what)),
                limit=Grouped(MAX_WHAT),
            )
        )
    if request.to_division_id is None and not request.to_body.strip():
        problems.append(RequestRefused("request.no_addressee", number=number))
    if request.to_division_id is not None and session.get(Division, request.to_division_id) is None:
        problems.append(
            RequestRefused("request.unknown_division", number=number, id=request.to_division_id)
        )
    return problems


def ask(
    commitment: Commitment,
    request: RequestCreate,
    *,
    status_update_id: int | None,
    asked_by: str,
    session: Session,
) -> CooperationRequest:
    """Record a checked request (see `request_problems`) from the commitment's division."""
    assert commitment.id is not None
    row = CooperationRequest(
        commitment_id=commitment.id,
        status_update_id=status_update_id,
        from_division_id=commitment.division_id,
        to_division_id=request.to_division_id,
        to_body=request.to_body.strip(),
        what=request.what.strip(),
        due_on=request.due_on,
        asked_by=asked_by,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    record_change(
        session,
        "commitment",
        commitment.id,
        "request made",
        asked_by,
        {
            "request": row.id,
            "to": _addressee(row, session=session),
            "what": row.what,
            "due_on": row.due_on.isoformat() if row.due_on else "-",
        },
    )
    return row


def find_request(request_id: int, *, session: Session) -> CooperationRequest:
    found = session.get(CooperationRequest, request_id)
    if found is None:
        raise NotFound("request.unknown", id=request_id)
    return found


def answer_request(
    request: CooperationRequest, answer: str, *, session: Session, actor: str
) -> CooperationRequest:
    """The addressee's answer: the request goes back to the asker, who closes it."""
    if request.state is RequestState.CLOSED:
        raise RequestRefused("request.closed", id=request.id)
    if not answer.strip():
        raise RequestRefused("request.answer_missing", id=request.id)
    if len(answer) > MAX_ANSWER:
        raise RequestRefused(
            "request.answer_too_long", length=Grouped(len(answer)), limit=Grouped(MAX_ANSWER)
        )
    request.answer = answer.strip()
    request.answered_by = actor
    request.answered_at = utcnow()
    request.state = RequestState.ANSWERED
    session.add(request)
    session.flush()
    record_change(
        session,
        "commitment",
        request.commitment_id,
        "request answered",
        actor,
        {"request": request.id, "answer": request.answer},
    )
    return request


def close_request(
    request: CooperationRequest, *, session: Session, actor: str, reason: str = ""
) -> CooperationRequest:
    """Close a request, answered or not; closing it again changes nothing."""
    if request.state is RequestState.CLOSED:
        return request
    request.state = RequestState.CLOSED
    request.closed_by = actor
    request.closed_at = utcnow()
    session.add(request)
    session.flush()
    record_change(
        session,
        "commitment",
        request.commitment_id,
        "request closed",
        actor,
        {"request": request.id},
        reason,
    )
    return request


@dataclass(frozen=True)
class RequestPage:
    items: list[CooperationRequestPublic]
    total: int  # how many match in all; `items` is at most the limit asked


OPEN_STATES = (RequestState.OPEN, RequestState.ANSWERED)


def requests_to_division(
    division_id: int, *, session: Session, today: date, limit: int = 20
) -> RequestPage:
    """Open requests addressed to a division, oldest first (the dashboard, the digest)."""
    where = (
        col(CooperationRequest.to_division_id) == division_id,
        col(CooperationRequest.state) == RequestState.OPEN,
    )
    return _page(where, session=session, today=today, limit=limit)


def requests_of_agreement(
    agreement_id: int, *, session: Session, today: date, limit: int = 200
) -> RequestPage:
    """Requests of an agreement's commitments not yet closed, oldest first (the review
    report's 조치 필요 사항)."""
    where = (
        col(Commitment.agreement_id) == agreement_id,
        col(CooperationRequest.state).in_(OPEN_STATES),
    )
    return _page(where, session=session, today=today, limit=limit)


def requests_of_commitment(
    commitment_id: int, *, session: Session, today: date, limit: int = 50
) -> RequestPage:
    """Every request of one commitment, open ones first, then newest."""
    where = (col(CooperationRequest.commitment_id) == commitment_id,)
    return _page(where, session=session, today=today, limit=limit, closed_last=True)


def _page(
    where: Sequence[object],
    *,
    session: Session,
    today: date,
    limit: int,
    closed_last: bool = False,
) -> RequestPage:
    joined = (
        select(CooperationRequest, Agreement.key, Commitment.ref)
        .join(Commitment, col(Commitment.id) == CooperationRequest.commitment_id)
        .join(Agreement, col(Agreement.id) == Commitment.agreement_id)
        .where(*where)  # type: ignore[arg-type]
    )
    total = session.exec(
        select(func.count())
        .select_from(CooperationRequest)
        .join(Commitment, col(Commitment.id) == CooperationRequest.commitment_id)
        .where(*where)  # type: ignore[arg-type]
    ).one()
    order = (
        [
            col(CooperationRequest.state) == RequestState.CLOSED,
            col(CooperationRequest.created_at).desc(),
        ]
        if closed_last
        else [col(CooperationRequest.created_at), col(CooperationRequest.id)]
    )
    rows = session.exec(joined.order_by(*order).limit(limit)).all()
    return RequestPage(_public(rows, session=session, today=today), int(total))


def _public(
    rows: Sequence[tuple[CooperationRequest, str, str]], *, session: Session, today: date
) -> list[CooperationRequestPublic]:
    divisions = _division_names(
        {r.from_division_id for r, *_ in rows} | {r.to_division_id for r, *_ in rows},
        session=session,
    )
    return [
        CooperationRequestPublic(
            id=row.id or 0,
            commitment_id=row.commitment_id,
            commitment=f"{key}:{ref}",
            from_division_id=row.from_division_id,
            from_division=divisions.get(row.from_division_id, ""),
            to_division_id=row.to_division_id,
            to=divisions.get(row.to_division_id, "") if row.to_division_id else row.to_body,
            what=row.what,
            due_on=row.due_on,
            state=row.state,
            answer=row.answer,
            asked_by=row.asked_by,
            created_at=row.created_at,
            age_days=max(0, (today - row.created_at.date()).days),
        )
        for row, key, ref in rows
    ]


REQUEST_CURSOR_WIDTH = 1  # a page of requests goes on after the last one's id


def page_of_requests(
    division_id: int,
    *,
    sent: bool,
    states: Sequence[RequestState],
    session: Session,
    today: date,
    page: PageRequest,
) -> Page[CooperationRequestPublic]:
    """One page of the requests a division received (or, `sent`, made) in `states`, oldest
    first (ids grow as requests are made), with how many there are in all."""
    division = CooperationRequest.from_division_id if sent else CooperationRequest.to_division_id
    where = (col(division) == division_id, col(CooperationRequest.state).in_(list(states)))
    total = session.exec(select(func.count()).select_from(CooperationRequest).where(*where)).one()
    query = (
        select(CooperationRequest, Agreement.key, Commitment.ref)
        .join(Commitment, col(Commitment.id) == CooperationRequest.commitment_id)
        .join(Agreement, col(Agreement.id) == Commitment.agreement_id)
        .where(*where)
    )
    if page.after is not None:
        (last,) = page.after
        query = query.where(col(CooperationRequest.id) > last)
    rows = session.exec(query.order_by(col(CooperationRequest.id)).limit(page.limit + 1)).all()
    items = _public(rows[: page.limit], session=session, today=today)
    more = len(rows) > page.limit
    return Page(items, encode_cursor((items[-1].id,)) if more else None, total=int(total))


def request_public(
    request: CooperationRequest, *, session: Session, today: date
) -> CooperationRequestPublic:
    """One request as the lists show it."""
    commitment = session.get(Commitment, request.commitment_id)
    assert commitment is not None
    agreement = session.get(Agreement, commitment.agreement_id)
    assert agreement is not None
    (public,) = _public([(request, agreement.key, commitment.ref)], session=session, today=today)
    return public


def may_answer(caller: Caller, request: CooperationRequest | CooperationRequestPublic) -> bool:
    """The addressee division's officers answer; a request to a body outside the tracker is
    answered on its behalf by those who may close it (the asker records the reply)."""
    if not may(caller.role, Permission.EDIT_COMMITMENTS):
        return False
    if request.to_division_id is None:
        return may_close(caller, request)
    return caller.officer.division_id == request.to_division_id


def may_close(caller: Caller, request: CooperationRequest | CooperationRequestPublic) -> bool:
    """The asking division's officers, and administrators, close a request."""
    if not may(caller.role, Permission.EDIT_COMMITMENTS):
        return False
    return caller.role is Role.ADMIN or (
        request.from_division_id is not None
        and caller.officer.division_id == request.from_division_id
    )


MAX_ADDRESSEES = 500  # a form's choice of divisions: the ministry's, never unbounded


def addressee_divisions(*, session: Session) -> list[Division]:
    """The divisions a request can be addressed to, by name."""
    return list(
        session.exec(
            select(Division).order_by(col(Division.name), col(Division.id)).limit(MAX_ADDRESSEES)
        ).all()
    )


def _division_names(ids: set[int | None], *, session: Session) -> dict[int | None, str]:
    wanted = sorted(i for i in ids if i is not None)
    if not wanted:
        return {}
    return dict(
        session.exec(select(Division.id, Division.name).where(col(Division.id).in_(wanted))).all()
    )


def _addressee(request: CooperationRequest, *, session: Session) -> str:
    if request.to_division_id is not None:
        division = session.get(Division, request.to_division_id)
        return division.name if division else str(request.to_division_id)
    return request.to_body


# --- lists by any addressee, asker, agreement and state (`tracker requests list`) -------------


@dataclass(frozen=True)
class RequestFilter:
    """Which requests a list shows: addressed to a division or to another body (by name),
    asked by a division, of an agreement's commitments, in one state (None: every state)."""

    to_division_id: int | None = None
    to_body: str | None = None
    from_division_id: int | None = None
    agreement_id: int | None = None
    state: RequestState | None = RequestState.OPEN


def iter_requests(
    where: RequestFilter, *, session: Session, today: date, batch: int = 500
) -> Iterator[CooperationRequestPublic]:
    """Every request `where` names, oldest first, read `batch` at a time by keyset on
    (created_at, id): the whole portfolio's in flat memory."""
    conditions = _filtered(where)
    after: list[object] = []
    while True:
        items = _page([*conditions, *after], session=session, today=today, limit=batch + 1).items
        yield from items[:batch]
        if len(items) <= batch:
            return
        last = items[batch - 1]
        at = col(CooperationRequest.created_at)
        after = [
            or_(
                at > last.created_at,
                and_(at == last.created_at, col(CooperationRequest.id) > last.id),
            )
        ]


def requests_of_update(
    status_update_id: int, *, session: Session, today: date, limit: int = 100
) -> list[CooperationRequestPublic]:
    """The requests made with one status update, in the order they were made."""
    where = (col(CooperationRequest.status_update_id) == status_update_id,)
    return _page(where, session=session, today=today, limit=limit).items


def _filtered(where: RequestFilter) -> list[object]:
    conditions: list[object] = []
    if where.to_division_id is not None:
        conditions.append(col(CooperationRequest.to_division_id) == where.to_division_id)
    if where.to_body is not None:
        conditions.append(col(CooperationRequest.to_body) == where.to_body.strip())
    if where.from_division_id is not None:
        conditions.append(col(CooperationRequest.from_division_id) == where.from_division_id)
    if where.agreement_id is not None:
        conditions.append(col(Commitment.agreement_id) == where.agreement_id)
    if where.state is not None:
        conditions.append(col(CooperationRequest.state) == where.state)
    return conditions
