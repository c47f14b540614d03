"""The dashboard and the agreements: what an officer reads first."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tracker.domain import Attention
from tracker.errors import TrackerError
from tracker.services.agreements import (
    CURSOR_WIDTH,
    AgreementFilter,
    agreement_facets,
    page_of_agreements,
)
from tracker.services.commitments import (
    COMMITMENT_CURSOR_WIDTH,
    CommitmentFilter,
    list_commitments,
)
from tracker.services.dashboard import FIRST_PAGE, dashboard
from tracker.services.lookup import find_agreement
from tracker.services.outline import agreement_outline
from tracker.services.requests import (
    RequestPage,
    may_answer,
    may_close,
    requests_to_division,
)
from tracker.services.rollups import Grouping, rollup
from tracker.web.deps import Current, Reader, WebDep
from tracker.web.explanations import explanations, with_meetings
from tracker.web.paging import next_page_url, page_request

router = APIRouter()
DASHBOARD_REQUESTS = 20  # the rest are on /requests


@router.get("/", response_class=HTMLResponse)
def dashboard_page(
    request: Request,
    web: WebDep,
    visitor: Current,
    session: Reader,
    flag: str = "",
    limit: str | None = None,
    cursor: str | None = None,
) -> Response:
    board = dashboard(
        visitor.officer,
        visitor.role,
        session=session,
        policy=web.policy,
        flag=_flag(flag),
        page=page_request(limit, cursor, width=COMMITMENT_CURSOR_WIDTH, default=FIRST_PAGE),
    )
    language = web.language_of(request)
    # Open requests addressed to the visitor's division: the oldest few, and how many in all.
    division_id = visitor.officer.division_id
    incoming = (
        requests_to_division(
            division_id, session=session, today=web.policy.today(), limit=DASHBOARD_REQUESTS
        )
        if division_id is not None
        else RequestPage([], 0)
    )
    return web.render(
        request,
        "dashboard.html",
        visitor=visitor,
        incoming=incoming,
        today=web.policy.today().isoformat(),
        answerable={r.id for r in incoming.items if may_answer(visitor, r)},
        closable={r.id for r in incoming.items if may_close(visitor, r)},
        attention_scope=f"attention_{board.scope}",
        # Each commitment that is due names its meeting; an empty list says why.
        board=with_meetings(board, language),
        next_page=next_page_url(request, board.flagged.next_cursor),
        meetings=board.meetings,
        explanations=explanations(board, language),
    )


def _flag(value: str) -> Attention | None:
    if not value:
        return None
    try:
        return Attention(value)
    except ValueError:
        choices = [flag.value for flag in Attention]
        raise TrackerError(
            "filter.unknown_flag", field="flag", value=value[:20], choices=choices
        ) from None


@router.get("/agreements", response_class=HTMLResponse)
def agreements_page(
    request: Request,
    web: WebDep,
    visitor: Current,
    session: Reader,
    q: str = "",
    country: str = "",
    field: str = "",
    year: str = "",
    division: str = "",
    limit: str = "",
    cursor: str = "",
) -> Response:
    where = AgreementFilter(
        search=q or None,
        country=country or None,
        field=field or None,
        year=_year(year),
        division=division or None,
    )
    page = page_of_agreements(
        session=session, where=where, page=page_request(limit, cursor, width=CURSOR_WIDTH)
    )
    chosen = {
        "q": q,
        "country": country,
        "field": field,
        "year": year,
        "division": division,
    }
    return web.render(
        request,
        "agreements.html",
        visitor=visitor,
        agreements=page.items,
        total=page.total,
        next_page=next_page_url(request, page.next_cursor),
        chosen=chosen,
        facets=agreement_facets(session=session),
    )


def _year(value: str) -> int | None:
    if not value:
        return None
    if not (value.isdigit() and len(value) == 4):
        raise TrackerError("filter.not_a_year", field="year", value=value[:10])
    return int(value)


@router.get("/agreements/{key}", response_class=HTMLResponse)
def agreement_page(
    request: Request, key: str, web: WebDep, visitor: Current, session: Reader
) -> Response:
    agreement = find_agreement(key, session=session)
    commitments = list_commitments(
        session=session,
        policy=web.policy,
        where=CommitmentFilter(agreement=agreement.key, tracked=True),
    )
    return web.render(
        request,
        "agreement.html",
        visitor=visitor,
        agreement=agreement,
        commitments=commitments,
        outline=agreement_outline(agreement, commitments, session=session),
        totals=rollup(
            session=session, policy=web.policy, by=Grouping.AGREEMENT, commitments=commitments
        )[-1],
    )
