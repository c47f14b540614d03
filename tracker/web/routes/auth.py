"""Sign-in, sign-out and the health check: the only routes open without a session."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tracker.db import read_session, write_session
from tracker.errors import Forbidden
from tracker.services import accounts, throttle
from tracker.web.deps import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    FormVisitor,
    Web,
    WebDep,
    local,
)

router = APIRouter()


@router.get("/healthz")
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, web: WebDep, next: str = "/") -> Response:
    token = secrets.token_urlsafe(24)
    response = web.render(request, "login.html", csrf=token, next=local(next), error="")
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=web.secure
    )
    return response


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    web: WebDep,
    login: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, csrf):
        raise Forbidden("sign_in.form_stale")
    # The client's address, as the outermost middleware (web/security.py) worked it out.
    address = request.client.host if request.client else "unknown"
    try:
        with web.password_checks, read_session(web.db) as session:
            account = accounts.authenticate(login, password, session=session, address=address)
        with write_session(web.db) as session:
            signed = accounts.open_session(account, session=session, address=address)
    except throttle.SignInThrottled as exc:  # not counted again: it was not a try
        with write_session(web.db) as session:
            throttle.record_throttled(exc, session=session)
        page = _refused(request, web, 429, exc, csrf=csrf, next=next, login=login)
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    except accounts.SignInRefused as exc:
        with write_session(web.db) as session:
            throttle.record_failure(login, address, session=session)
        return _refused(request, web, 401, exc, csrf=csrf, next=next, login=login)
    response = RedirectResponse(local(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        signed.token,
        httponly=True,
        samesite="lax",
        secure=web.secure,
        expires=signed.expires_at,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


def _refused(
    request: Request,
    web: Web,
    status_code: int,
    exc: Exception,
    *,
    csrf: str,
    next: str,
    login: str,
) -> Response:
    """The sign-in form again with the login typed (never the password); the refusal does not
    say which of the two was wrong, so it names no field."""
    return web.render(
        request,
        "login.html",
        status_code,
        csrf=csrf,
        next=local(next),
        error=exc,
        values={"login": login},
    )


@router.post("/logout")
def logout(web: WebDep, visitor: FormVisitor) -> Response:
    with write_session(web.db) as session:
        accounts.sign_out(visitor, session=session)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
