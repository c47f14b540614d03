"""The commitment page and its status update form."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from tracker.db import read_session, write_session
from tracker.domain import UpdateSource
from tracker.errors import TrackerError
from tracker.models import Agreement, StatusUpdateCreate
from tracker.services import accounts, status
from tracker.services.commitments import commitment_public
from tracker.services.lookup import find_commitment
from tracker.web.deps import Current, Forbidden, Reader, Web, WebDep, check_csrf

router = APIRouter()


@router.get("/commitments/{reference}", response_class=HTMLResponse)
def commitment_page(
    request: Request, reference: str, web: WebDep, visitor: Current, session: Reader
) -> Response:
    return _commitment(request, web, reference, visitor, session)


def _commitment(
    request: Request,
    web: Web,
    reference: str,
    visitor: accounts.Visitor,
    session: Session,
    *,
    status_code: int = 200,
    error: str = "",
    draft: dict[str, str] | None = None,
) -> Response:
    commitment = find_commitment(reference, session=session)
    agreement = session.get(Agreement, commitment.agreement_id)
    return web.render(
        request,
        "commitment.html",
        status_code,
        visitor=visitor,
        agreement=agreement,
        commitment=commitment_public(commitment, session=session, policy=web.policy),
        history=status.history(commitment, session=session, policy=web.policy),
        editable=accounts.may_edit(visitor, commitment),
        error=error,
        conflict=status_code == 409,
        draft=draft or {},
        today=web.policy.today().isoformat(),
    )


@router.post("/commitments/{reference}/status", response_class=HTMLResponse)
def update_status(
    request: Request,
    reference: str,
    web: WebDep,
    visitor: Current,
    new_status: Annotated[str, Form(alias="status")],
    version: Annotated[int, Form()],
    csrf: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    as_of: Annotated[str, Form()] = "",
    evidence: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(visitor, csrf)
    draft = {"status": new_status, "note": note, "as_of": as_of, "evidence": evidence}
    try:
        day = _day(as_of) if as_of else web.policy.today()
        with write_session(web.db) as session:
            commitment = find_commitment(reference, session=session)
            if not accounts.may_edit(visitor, commitment):
                raise Forbidden("you may not edit this commitment (another division's)")
            status.record_status_update(
                commitment,
                StatusUpdateCreate(
                    status=new_status,
                    narrative=note,
                    as_of=day,
                    evidence=evidence.split(),
                    expected_version=version,
                ),
                session=session,
                policy=web.policy,
                author=visitor.officer.name,
                author_id=visitor.officer.id,
                source=UpdateSource.WEB,
                # A path would make the server copy one of its own files: links only here.
                evidence_links_only=True,
            )
    except (TrackerError, ValueError) as exc:
        with read_session(web.db) as session:
            return _commitment(
                request,
                web,
                reference,
                visitor,
                session,
                status_code=409 if isinstance(exc, status.Conflict) else 400,
                error=str(exc),
                draft=draft,
            )
    return RedirectResponse(f"/commitments/{reference}", status_code=303)


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise TrackerError(f"as-of date {value[:40]} is not a date (YYYY-MM-DD)") from None
