"""My settings: the officer's mail language and digest frequency."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tracker.db import write_session
from tracker.domain import DigestFrequency, Language
from tracker.models import Officer, OfficerUpdate
from tracker.services.owners import update_officer
from tracker.web.deps import Current, SignInRequired, WebDep, check_csrf

router = APIRouter()


@router.get("/me/settings", response_class=HTMLResponse)
def settings_page(request: Request, web: WebDep, visitor: Current, saved: bool = False) -> Response:
    return web.render(request, "settings.html", visitor=visitor, saved=saved)


@router.post("/me/settings")
def save_settings(
    web: WebDep,
    visitor: Current,
    language: Annotated[Language, Form()],
    digest_frequency: Annotated[DigestFrequency, Form()],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(visitor, csrf)
    with write_session(web.db) as session:
        officer = session.get(Officer, visitor.officer.id)
        if officer is None:  # removed since the page was read
            raise SignInRequired
        update_officer(
            officer,
            OfficerUpdate(language=language, digest_frequency=digest_frequency),
            session=session,
            actor=visitor.officer.name,
        )
    return RedirectResponse("/me/settings?saved=1", status_code=303)
