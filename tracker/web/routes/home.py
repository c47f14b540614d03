"""The dashboard and the agreements: what an officer reads first."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tracker.services.agreements import list_agreements
from tracker.services.commitments import CommitmentFilter, list_commitments
from tracker.services.lookup import find_agreement
from tracker.web.deps import Current, Reader, WebDep

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, web: WebDep, visitor: Current, session: Reader) -> Response:
    mine = list_commitments(
        session=session,
        policy=web.policy,
        where=CommitmentFilter(owner=str(visitor.officer.id), tracked=True),
    )
    return web.render(
        request,
        "dashboard.html",
        visitor=visitor,
        attention=[c for c in mine if c.attention],
        agreements=list_agreements(session=session),
    )


@router.get("/agreements", response_class=HTMLResponse)
def agreements_page(
    request: Request,
    web: WebDep,
    visitor: Current,
    session: Reader,
    q: str = "",
    country: str = "",
) -> Response:
    rows = list_agreements(session=session, search=q or None, country=country or None)
    return web.render(
        request, "agreements.html", visitor=visitor, agreements=rows, q=q, country=country
    )


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
        request, "agreement.html", visitor=visitor, agreement=agreement, commitments=commitments
    )
