"""Requests for cooperation (협조 요청): the list of those a division received or made, and
answering and closing one (from that list, the dashboard or the commitment page)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from tracker.db import write_session
from tracker.domain import RequestState
from tracker.errors import Forbidden, TrackerError
from tracker.models import Commitment, CooperationRequest
from tracker.services import accounts
from tracker.services.accounts import Permission
from tracker.services.requests import (
    OPEN_STATES,
    REQUEST_CURSOR_WIDTH,
    answer_request,
    close_request,
    find_request,
    may_answer,
    may_close,
    page_of_requests,
)
from tracker.services.status_updates import describe
from tracker.web.deps import Current, Reader, WebDep, local, permitted_form
from tracker.web.flash import tell
from tracker.web.paging import next_page_url, page_request

router = APIRouter()
EditorForm = Annotated[accounts.Visitor, Depends(permitted_form(Permission.EDIT_COMMITMENTS))]
# `state=` of the list: the requests still in hand by default, or one state, or every one.
STATES: dict[str, tuple[RequestState, ...]] = {
    "": OPEN_STATES,
    "all": tuple(RequestState),
    **{state.value: (state,) for state in RequestState},
}


@router.get("/requests", response_class=HTMLResponse)
def requests_page(
    request: Request,
    web: WebDep,
    visitor: Current,
    session: Reader,
    state: str = "",
    to: str = "",
    sent: Annotated[str, Query(alias="from")] = "",
    limit: str = "",
    cursor: str = "",
) -> Response:
    """`?to=mine` (the default): requests addressed to the visitor's division; `?from=mine`:
    those it made. A page at a time, oldest first."""
    if state not in STATES:
        raise TrackerError(
            "filter.unknown_request_state", value=state[:20], choices=[s for s in STATES if s]
        )
    if to not in ("", "mine") or sent not in ("", "mine") or (to and sent):
        raise TrackerError("filter.requests_mine_only")
    direction = "from" if sent else "to"
    division_id = visitor.officer.division_id
    page = (
        page_of_requests(
            division_id,
            sent=direction == "from",
            states=STATES[state],
            session=session,
            today=web.policy.today(),
            page=page_request(limit, cursor, width=REQUEST_CURSOR_WIDTH),
        )
        if division_id is not None
        else None
    )
    items = page.items if page else []
    return web.render(
        request,
        "requests.html",
        visitor=visitor,
        direction=direction,
        today=web.policy.today().isoformat(),
        state=state,
        states=[s for s in STATES if s],
        items=items,
        total=page.total if page else 0,
        next_page=next_page_url(request, page.next_cursor) if page else None,
        answerable={r.id for r in items if may_answer(visitor, r)},
        closable={r.id for r in items if may_close(visitor, r)},
        here=local(request.url.path + (f"?{request.url.query}" if request.url.query else "")),
    )


@router.post("/requests/{request_id}/answer", response_class=HTMLResponse)
def answer_post(
    request: Request,
    request_id: int,
    web: WebDep,
    visitor: EditorForm,
    answer: Annotated[str, Form()],
    next: Annotated[str, Form()] = "",
) -> Response:
    with write_session(web.db) as session:
        asked = find_request(request_id, session=session)
        if not may_answer(visitor, asked):
            raise Forbidden("request.not_addressee", id=request_id)
        answer_request(asked, answer, session=session, actor=visitor.officer.name)
        target = _back(next, asked, session=session)
    return web.redirect(request, target, tell("flash.request_answered", id=request_id))


@router.post("/requests/{request_id}/close", response_class=HTMLResponse)
def close_post(
    request: Request,
    request_id: int,
    web: WebDep,
    visitor: EditorForm,
    reason: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    with write_session(web.db) as session:
        asked = find_request(request_id, session=session)
        if not may_close(visitor, asked):
            raise Forbidden("request.not_asker", id=request_id)
        close_request(asked, session=session, actor=visitor.officer.name, reason=reason.strip())
        target = _back(next, asked, session=session)
    return web.redirect(request, target, tell("flash.request_closed", id=request_id))


def _back(target: str, asked: CooperationRequest, *, session: Session) -> str:
    """Where the form was (a page of this site), else the commitment's page."""
    if target:
        return local(target)
    commitment = session.get(Commitment, asked.commitment_id)
    assert commitment is not None
    return f"/commitments/{describe(commitment, session=session)}#requests"
