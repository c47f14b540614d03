"""What every route needs, as FastAPI dependencies: the app's `Web` context (kept on
`app.state`, made by `create_app`), a read session, the signed-in visitor, rendering and the
CSRF check. Routes declare them through the aliases below (`WebDep`, `Reader`, `Current`,
`Admin`)."""

from __future__ import annotations

import hmac
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker.config import Settings
from tracker.db import read_session
from tracker.errors import Forbidden, Word
from tracker.services import accounts
from tracker.services.accounts import Permission, may
from tracker.services.policy import FollowUpPolicy
from tracker.services.portfolio_calendar import CalendarCache

SESSION_COOKIE = "tracker_session"
LOGIN_CSRF_COOKIE = "tracker_login_csrf"
LANGUAGE_COOKIE = "tracker_lang"


class SignInRequired(Exception):
    pass


@dataclass(frozen=True)
class Web:
    """The app's settings, database and page templates."""

    settings: Settings
    db: Engine
    policy: FollowUpPolicy
    pages: Environment
    secure: bool  # served over HTTPS: cookies are Secure
    # Argon2 takes ~64 MiB and a core for ~0.1 s per check: a burst of sign-ins takes turns.
    password_checks: threading.BoundedSemaphore = field(
        default_factory=lambda: threading.BoundedSemaphore(2)
    )
    # The portfolio's review dates, worked out once per change, not once per page.
    calendar: CalendarCache = field(default_factory=CalendarCache)

    def language_of(self, request: Request) -> str:
        chosen = request.query_params.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
        return chosen if chosen in ("ko", "en") else self.settings.general.language.value

    def render(
        self, request: Request, name: str, status_code: int = 200, **context: Any
    ) -> HTMLResponse:
        language = self.language_of(request)
        html = self.pages.get_template(name).render(
            language=language,
            policy=self.policy,
            path=request.url.path,
            switch_language=_with_language(request, "en" if language == "ko" else "ko"),
            **context,
        )
        response = HTMLResponse(html, status_code=status_code)
        if request.query_params.get("lang") in ("ko", "en"):
            response.set_cookie(LANGUAGE_COOKIE, language, samesite="lax", secure=self.secure)
        return response


def _with_language(request: Request, language: str) -> str:
    """This page in the other language, keeping its query (filters, the highlighted row)."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return "?" + urlencode([*query, ("lang", language)])


def get_web(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


WebDep = Annotated[Web, Depends(get_web)]


def reading(web: WebDep) -> Iterator[Session]:
    with read_session(web.db) as session:
        yield web.calendar.attach(session)


Reader = Annotated[Session, Depends(reading)]


def current_visitor(request: Request, session: Reader) -> accounts.Visitor:
    found = accounts.visitor(request.cookies.get(SESSION_COOKIE), session=session)
    if found is None:
        raise SignInRequired
    return found


Current = Annotated[accounts.Visitor, Depends(current_visitor)]


def check_csrf(visitor: accounts.Visitor, token: str) -> None:
    if not hmac.compare_digest(visitor.session.csrf_token, token or ""):
        raise Forbidden("form.stale")


def form_visitor(visitor: Current, csrf: Annotated[str, Form()] = "") -> accounts.Visitor:
    """The signed-in visitor of a form post, once its CSRF token is checked. As a dependency
    it runs before the form's own fields are validated: a forged post is a 403, never a 400."""
    check_csrf(visitor, csrf)
    return visitor


FormVisitor = Annotated[accounts.Visitor, Depends(form_visitor)]


def _refuse(visitor: accounts.Visitor, permission: Permission) -> None:
    if not may(visitor.role, permission):
        raise Forbidden(
            "role.may_not",
            role=Word(f"user_role_{visitor.role.value}"),
            permission=Word(permission.word),
        )


def permitted(permission: Permission) -> Callable[..., accounts.Visitor]:
    """A dependency: the visitor, whose role allows `permission`."""

    def check(visitor: Current) -> accounts.Visitor:
        _refuse(visitor, permission)
        return visitor

    return check


def permitted_form(permission: Permission) -> Callable[..., accounts.Visitor]:
    """A dependency for a form post: CSRF checked, then the role."""

    def check(visitor: FormVisitor) -> accounts.Visitor:
        _refuse(visitor, permission)
        return visitor

    return check


Admin = Annotated[accounts.Visitor, Depends(permitted(Permission.MANAGE_USERS))]
AdminForm = Annotated[accounts.Visitor, Depends(permitted_form(Permission.MANAGE_USERS))]


def local(target: str) -> str:
    """Only a path on this site: no open redirect to another host."""
    return target if target.startswith("/") and not target.startswith("//") else "/"
