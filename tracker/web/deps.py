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
from urllib.parse import urlencode, urlsplit

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from tracker.config import Settings
from tracker.db import read_session
from tracker.errors import Forbidden, Word
from tracker.services import accounts
from tracker.services.accounts import Permission, may
from tracker.services.policy import FollowUpPolicy
from tracker.services.portfolio_calendar import CalendarCache
from tracker.web import flash
from tracker.web.form_errors import FormFields

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
        self,
        request: Request,
        name: str,
        status_code: int = 200,
        *,
        told: tuple[flash.Flash, ...] = (),
        **context: Any,
    ) -> HTMLResponse:
        """A page in the visitor's language. Every page's context has `flashes` (what the last
        change did, shown once, then what this page `told`: a change answered by a page rather
        than a redirect), and `values` and `field_errors` (a refused form's typed text and each
        field's message; empty otherwise), so a template may always ask for them."""
        language = self.language_of(request)
        shown = [*flash.waiting(request, request.cookies.get(SESSION_COOKIE, "")), *told]
        context.setdefault("values", {})
        context.setdefault("field_errors", {})
        html = self.pages.get_template(name).render(
            language=language,
            policy=self.policy,
            path=request.url.path,
            switch_language=_with_language(request, "en" if language == "ko" else "ko"),
            flashes=[message.said(language) for message in shown],
            **context,
        )
        response = HTMLResponse(html, status_code=status_code)
        flash.clear(request, response)
        if request.query_params.get("lang") in ("ko", "en"):
            response.set_cookie(LANGUAGE_COOKIE, language, samesite="lax", secure=self.secure)
        return response

    def redirect(self, request: Request, target: str, *told: flash.Flash) -> RedirectResponse:
        """See other (303) at `target`, which will say `told` once (flash.py)."""
        response = RedirectResponse(target, status_code=303)
        token = request.cookies.get(SESSION_COOKIE, "")
        flash.keep(response, request, token, list(told), secure=self.secure)
        return response

    def field_errors(
        self, request: Request, exc: BaseException, fields: FormFields
    ) -> dict[str, str]:
        """Each field `exc` is about → its message, in the page's language."""
        return fields.errors(exc, self.language_of(request))

    def error_page(
        self, request: Request, status_code: int, message: Any, *, look_up: bool = True
    ) -> HTMLResponse:
        """`error.html` with the header and menu when the visitor is signed in, the status,
        the refusal, and `back`: where to go from here. Without `look_up` (a server error,
        the database perhaps the cause) only a visitor the route already found is named."""
        found = signed_in(request, self, look_up=look_up)
        signed: dict[str, Any] = {"visitor": found} if found is not None else {}
        return self.render(
            request,
            "error.html",
            status_code,
            message=message,
            status=status_code,
            back=way_back(request, status_code),
            **signed,
        )


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
    request.state.visitor = found  # an error page later in the request keeps the menu
    return found


def signed_in(request: Request, web: Web, *, look_up: bool = True) -> accounts.Visitor | None:
    """The visitor of a request that is being refused: the one its route found, else (a page
    that is not there never asked) the session cookie's, when `look_up` allows a read."""
    found: accounts.Visitor | None = getattr(request.state, "visitor", None)
    if found is not None or not look_up or SESSION_COOKIE not in request.cookies:
        return found
    try:
        with read_session(web.db) as session:
            return accounts.visitor(request.cookies.get(SESSION_COOKIE), session=session)
    except SQLAlchemyError:  # the page says what went wrong, without the menu
        return None


# Where a page that is not there sends the reader back to: the list its address is under.
PARENTS = {
    "agreements": "/agreements",
    "commitments": "/agreements",
    "import": "/import",
    "meetings": "/meetings",
    "reports": "/reports",
    "users": "/users",
    "me": "/me/settings",
}


def way_back(request: Request, status_code: int) -> str | None:
    """Where an error page's "back" goes: the page the reader came from when it is on this site
    (and not this very address), else for a page not found the list it belongs under, else the
    dashboard; None on the dashboard itself."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    came_from = urlsplit(request.headers.get("referer", ""))
    if came_from.netloc == request.url.netloc and came_from.path:
        target = local(came_from.path + (f"?{came_from.query}" if came_from.query else ""))
        if target != here:
            return target
    if status_code == 404:
        section = request.url.path.strip("/").split("/")[0]
        parent = PARENTS.get(section, "/")
        if parent != request.url.path:
            return parent
    return "/" if request.url.path != "/" else None


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
