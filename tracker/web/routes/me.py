"""My settings: the officer's mail language and digest frequency, and their API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from tracker.db import read_session, write_session
from tracker.domain import DigestFrequency, Language, TokenScope
from tracker.errors import TrackerError, form_status
from tracker.models import Account, Officer, OfficerUpdate
from tracker.services import accounts, tokens
from tracker.services.owners import update_officer
from tracker.web.deps import Current, FormVisitor, SignInRequired, Web, WebDep
from tracker.web.flash import Flash, tell
from tracker.web.form_errors import FormFields

router = APIRouter()
TOKEN_FIELDS = FormFields(codes={"token.name_missing": "name", "token.name_long": "name"})


@router.get("/me/settings", response_class=HTMLResponse)
def settings_page(request: Request, web: WebDep, visitor: Current) -> Response:
    return _settings(request, web, visitor)


def _settings(
    request: Request,
    web: Web,
    visitor: accounts.Visitor,
    *,
    status_code: int = 200,
    new_token: str = "",
    new_calendar: str = "",
    token_error: Exception | str = "",
    values: dict[str, str] | None = None,
    field_errors: dict[str, str] | None = None,
    told: tuple[Flash, ...] = (),
) -> Response:
    with read_session(web.db) as session:
        mine = tokens.list_tokens(visitor.account, session=session)
    return web.render(
        request,
        "settings.html",
        status_code,
        told=told,
        visitor=visitor,
        # What a change did is a flash message now (flash.py), never the address's query.
        saved=False,
        revoked=False,
        api_tokens=mine,
        new_token=new_token,
        new_calendar=new_calendar,
        token_error=token_error,
        values=values or {},
        field_errors=field_errors or {},
    )


@router.post("/me/settings")
def save_settings(
    request: Request,
    web: WebDep,
    visitor: FormVisitor,
    language: Annotated[Language, Form()],
    digest_frequency: Annotated[DigestFrequency, Form()],
) -> Response:
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
    return web.redirect(request, "/me/settings", tell("flash.settings_saved"))


@router.post("/me/tokens", response_class=HTMLResponse)
def create_token(
    request: Request,
    web: WebDep,
    visitor: FormVisitor,
    name: Annotated[str, Form()] = "",
    scope: Annotated[TokenScope, Form()] = TokenScope.API,
) -> Response:
    """Issue a token (or a calendar address) and show it on the page this once (not through
    a redirect: the plaintext must not sit in a URL or a session; the page is sent with
    Cache-Control: no-store)."""
    try:
        with write_session(web.db) as session:
            account = session.get(Account, visitor.account.id)
            if account is None:
                raise SignInRequired
            _, plaintext = tokens.issue_token(
                account, name, session=session, actor=visitor.officer.name, scope=scope
            )
    except TrackerError as exc:
        return _settings(
            request,
            web,
            visitor,
            status_code=form_status(exc),
            token_error=exc,
            values={"name": name, "scope": scope.value},
            field_errors=web.field_errors(request, exc, TOKEN_FIELDS),
        )
    if scope is TokenScope.CALENDAR:
        address = f"{web.settings.web.base_url.rstrip('/')}/calendar.ics?token={plaintext}"
        told = tell("flash.calendar_address_made", name=name.strip())
        return _settings(request, web, visitor, new_calendar=address, told=(told,))
    told = tell("flash.token_made", name=name.strip())
    return _settings(request, web, visitor, new_token=plaintext, told=(told,))


@router.post("/me/tokens/{token_id}/revoke")
def revoke_token(request: Request, web: WebDep, visitor: FormVisitor, token_id: int) -> Response:
    """Revoke one of one's own tokens (another's is "not found", never told apart)."""
    with write_session(web.db) as session:
        name = tokens.revoke_token(
            token_id, session=session, actor=visitor.officer.name, account=visitor.account
        ).name
    return web.redirect(request, "/me/settings", tell("flash.token_revoked", name=name))
