"""Web accounts, for administrators: list, add (for an officer on file or a new one), disable,
change role. The same services as `tracker users add|disable|set-role`, each change in one
transaction and in the change record; the guards against locking the administrators out are
in `tracker.services.account_admin`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from tracker.db import read_session, write_session
from tracker.domain import Role
from tracker.errors import TrackerError, Word, form_status, invalid_fields
from tracker.models import OfficerCreate
from tracker.services import account_admin, accounts
from tracker.web.deps import Admin, AdminForm, Reader, Web, WebDep
from tracker.web.flash import Flash, tell
from tracker.web.form_errors import FormFields

router = APIRouter()
# Which field of the form that adds an account each refusal is about.
ACCOUNT_FIELDS = FormFields(
    codes={
        "account.login_format": "login",
        "account.login_taken": "login",
        "account.password_short": "password",
        "account.has_one": "officer",
        "account.choose_officer": "officer",
        "account.officer_on_file": "officer",
        "owner.name_missing": "name",
        "owner.email_invalid": "email",
        "owner.email_not_ascii": "email",
        "owner.email_taken": "email",
        "owner.division_unknown": "division",
        "owner.division_unknown_none_yet": "division",
        "owner.division_ambiguous": "division",
    },
    renamed={"division_id": "division"},
)


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, web: WebDep, visitor: Admin, session: Reader) -> Response:
    return _page(request, web, visitor, session)


def _page(
    request: Request,
    web: Web,
    visitor: accounts.Visitor,
    session: Session,
    *,
    status_code: int = 200,
    error: Exception | str = "",
    draft: dict[str, str] | None = None,
    field_errors: dict[str, str] | None = None,
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
        # What a change did is a flash message now (flash.py), never the address's query.
        done="",
        done_login="",
        form=form,
        values=draft or {},
        field_errors=field_errors or {},
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
            field_errors=web.field_errors(request, exc, ACCOUNT_FIELDS),
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
    return _done(request, web, tell("flash.user_added", login=added, role=_role(role)))


@router.post("/users/disable", response_class=HTMLResponse)
def disable_user(
    request: Request, web: WebDep, visitor: AdminForm, login: Annotated[str, Form()]
) -> Response:
    def disable(session: Session) -> None:
        account_admin.disable_account(
            login, session=session, actor=visitor.officer.name, acting_account_id=visitor.account.id
        )

    told = tell("flash.user_disabled", login=_login(login))
    return _account_change(request, web, visitor, told, disable)


@router.post("/users/enable", response_class=HTMLResponse)
def enable_user(
    request: Request, web: WebDep, visitor: AdminForm, login: Annotated[str, Form()]
) -> Response:
    def enable(session: Session) -> None:
        accounts.enable_account(login, session=session, actor=visitor.officer.name)

    told = tell("flash.user_enabled", login=_login(login))
    return _account_change(request, web, visitor, told, enable)


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

    told = tell("flash.user_role", login=_login(login), role=_role(role))
    return _account_change(request, web, visitor, told, set_role)


def _account_change(
    request: Request,
    web: Web,
    visitor: accounts.Visitor,
    told: Flash,
    change: Callable[[Session], None],
) -> Response:
    """One change to one account, in one transaction; a refusal is the page with one line."""
    try:
        with write_session(web.db) as session:
            change(session)
    except TrackerError as exc:
        return _refused(request, web, visitor, exc, {})
    return _done(request, web, told)


def _done(request: Request, web: Web, told: Flash) -> Response:
    return web.redirect(request, "/users", told)


def _login(typed: str) -> str:
    return typed.strip().lower()


def _role(role: Role) -> Word:
    return Word(f"user_role_{role.value}")


def _one_line(exc: Exception) -> TrackerError | str:
    if isinstance(exc, ValidationError):  # the fields and what is wrong, never the values
        return invalid_fields(exc.errors())
    if isinstance(exc, TrackerError) and exc.coded:
        return exc
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
