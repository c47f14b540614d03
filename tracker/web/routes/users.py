"""Web accounts, for administrators: list, add (for an officer on file or a new one), disable,
change role. The same services as `tracker users add|disable|set-role`, each change in one
transaction and in the change record; the guards against locking the administrators out are
in `tracker.services.account_admin`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from tracker.db import read_session, write_session
from tracker.domain import Role
from tracker.errors import TrackerError, form_status, invalid_fields
from tracker.models import OfficerCreate
from tracker.services import account_admin, accounts
from tracker.web.deps import Admin, AdminForm, Reader, Web, WebDep

router = APIRouter()
DONE = ("added", "disabled", "enabled", "role")


@router.get("/users", response_class=HTMLResponse)
def users_page(
    request: Request, web: WebDep, visitor: Admin, session: Reader, done: str = "", login: str = ""
) -> Response:
    return _page(request, web, visitor, session, done=done if done in DONE else "", login=login)


def _page(
    request: Request,
    web: Web,
    visitor: accounts.Visitor,
    session: Session,
    *,
    status_code: int = 200,
    error: Exception | str = "",
    done: str = "",
    login: str = "",
    draft: dict[str, str] | None = None,
) -> Response:
    form = {
        "officer": "",
        "name": "",
        "email": "",
        "division": "",
        "login": "",
        "role": Role.OFFICER.value,
    } | (draft or {})
    return web.render(
        request,
        "users.html",
        status_code,
        visitor=visitor,
        rows=account_admin.account_rows(session=session),
        officers=account_admin.officers_without_account(session=session),
        roles=[role.value for role in Role],
        error=error,
        done=done,
        done_login=login,
        form=form,
    )


def _refused(
    request: Request, web: Web, visitor: accounts.Visitor, exc: Exception, draft: dict[str, str]
) -> Response:
    with read_session(web.db) as session:
        return _page(
            request,
            web,
            visitor,
            session,
            status_code=form_status(exc),
            error=_one_line(exc),
            draft=draft,
        )


@router.post("/users/add", response_class=HTMLResponse)
def add_user(
    request: Request,
    web: WebDep,
    visitor: AdminForm,
    login: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    role: Annotated[Role, Form()] = Role.OFFICER,
    officer: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    division: Annotated[str, Form()] = "",
) -> Response:
    # Everything typed comes back on a refusal, but never the password.
    draft = {
        "officer": officer,
        "name": name,
        "email": email,
        "division": division,
        "login": login,
        "role": role.value,
    }
    actor = visitor.officer.name
    try:
        with write_session(web.db) as session:
            found = account_admin.officer_for_account(
                officer,
                OfficerCreate(name=name, email=email.strip() or None, role=role),
                division=division,
                session=session,
                actor=actor,
            )
            account = accounts.add_account(
                found, login=login, password=password, session=session, actor=actor, role=role
            )
            added = account.login
    except (TrackerError, ValidationError) as exc:
        return _refused(request, web, visitor, exc, draft)
    return _done("added", added)


@router.post("/users/disable", response_class=HTMLResponse)
def disable_user(
    request: Request, web: WebDep, visitor: AdminForm, login: Annotated[str, Form()]
) -> Response:
    def disable(session: Session) -> None:
        account_admin.disable_account(
            login, session=session, actor=visitor.officer.name, acting_account_id=visitor.account.id
        )

    return _account_change(request, web, visitor, "disabled", login, disable)


@router.post("/users/enable", response_class=HTMLResponse)
def enable_user(
    request: Request, web: WebDep, visitor: AdminForm, login: Annotated[str, Form()]
) -> Response:
    def enable(session: Session) -> None:
        accounts.enable_account(login, session=session, actor=visitor.officer.name)

    return _account_change(request, web, visitor, "enabled", login, enable)


@router.post("/users/role", response_class=HTMLResponse)
def change_role(
    request: Request,
    web: WebDep,
    visitor: AdminForm,
    login: Annotated[str, Form()],
    role: Annotated[Role, Form()],
) -> Response:
    def set_role(session: Session) -> None:
        account_admin.set_role(
            login,
            role,
            session=session,
            actor=visitor.officer.name,
            acting_account_id=visitor.account.id,
        )

    return _account_change(request, web, visitor, "role", login, set_role)


def _account_change(
    request: Request,
    web: Web,
    visitor: accounts.Visitor,
    what: str,
    login: str,
    change: Callable[[Session], None],
) -> Response:
    """One change to one account, in one transaction; a refusal is the page with one line."""
    try:
        with write_session(web.db) as session:
            change(session)
    except TrackerError as exc:
        return _refused(request, web, visitor, exc, {})
    return _done(what, login.strip().lower())


def _done(what: str, login: str) -> Response:
    return RedirectResponse(f"/users?{urlencode({'done': what, 'login': login})}", status_code=303)


def _one_line(exc: Exception) -> TrackerError | str:
    if isinstance(exc, ValidationError):  # the fields and what is wrong, never the values
        return invalid_fields(exc.errors())
    if isinstance(exc, TrackerError) and exc.coded:
        return exc
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
