"""`create_app(settings)`: the FastAPI app. Routes parse the request, call one service
function, and render; every page but sign-in and the health check needs a signed-in officer,
and every form carries a CSRF token.

No `from __future__ import annotations` here: FastAPI reads the dependency aliases defined
inside `create_app` from the annotations at definition time.
"""

import hmac
import secrets
from collections.abc import Awaitable, Callable, Iterator
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import Depends, FastAPI, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker.config import Settings
from tracker.db import read_session, write_session
from tracker.domain import Attention, DigestFrequency, Language, UpdateSource
from tracker.errors import NotFound, TrackerError
from tracker.models import Agreement, Officer, OfficerUpdate, StatusUpdateCreate
from tracker.reports.labels import labels_for as report_labels
from tracker.runtime import Runtime
from tracker.services import accounts, status
from tracker.services.agreements import list_agreements
from tracker.services.commitments import CommitmentFilter, commitment_public, list_commitments
from tracker.services.lookup import find_agreement, find_commitment
from tracker.services.owners import update_officer
from tracker.services.policy import FollowUpPolicy
from tracker.web.labels import WEB_LABELS

SESSION_COOKIE = "tracker_session"
LOGIN_CSRF_COOKIE = "tracker_login_csrf"
LANGUAGE_COOKIE = "tracker_lang"
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
}


class SignInRequired(Exception):
    pass


class Forbidden(Exception):
    pass


def create_app(settings: Settings, *, engine: Engine | None = None) -> FastAPI:
    db = engine or Runtime(settings).checked_engine()
    policy = FollowUpPolicy.from_settings(settings)
    pages = Environment(
        loader=FileSystemLoader(str(settings.resolve(settings.paths.templates) / "web")),
        autoescape=select_autoescape(["html"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    secure = settings.web.base_url.startswith("https://")
    flag_labels = {language: _flag_labels(language) for language in WEB_LABELS}
    app = FastAPI(title="tracker", docs_url=None, redoc_url=None, openapi_url=None)

    def reading() -> Iterator[Session]:
        with read_session(db) as session:
            yield session

    def language_of(request: Request) -> str:
        chosen = request.query_params.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
        return chosen if chosen in ("ko", "en") else settings.general.language.value

    def current(
        request: Request, session: Annotated[Session, Depends(reading)]
    ) -> accounts.Visitor:
        found = accounts.visitor(request.cookies.get(SESSION_COOKIE), session=session)
        if found is None:
            raise SignInRequired
        return found

    Reader = Annotated[Session, Depends(reading)]
    Current = Annotated[accounts.Visitor, Depends(current)]

    def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        language = language_of(request)
        html = pages.get_template(name).render(
            t=WEB_LABELS[language],
            flags=flag_labels[language],
            language=language,
            policy=policy,
            **context,
        )
        response = HTMLResponse(html, status_code=status_code)
        if request.query_params.get("lang") in ("ko", "en"):
            response.set_cookie(LANGUAGE_COOKIE, language, samesite="lax", secure=secure)
        return response

    def check_csrf(visitor: accounts.Visitor, token: str) -> None:
        if not hmac.compare_digest(visitor.session.csrf_token, token or ""):
            raise Forbidden("the form is out of date (CSRF); reload the page and try again")

    @app.middleware("http")
    async def _hardening(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        if request.url.path != "/healthz":  # pages carry names and notes: never kept
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        # The fields and what is wrong with them, never the values sent.
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'][1:]) or 'request'}: {error['msg']}"
            for error in exc.errors()
        )
        return render(request, "error.html", 400, message=f"the form is not valid: {problems}")

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, _exc: SignInRequired) -> Response:
        if request.method == "GET":
            query = request.url.query
            target = request.url.path + (f"?{query}" if query else "")
        else:  # a form posted after the session ended: back to the page it was on
            target = _referer(request)
        return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return render(request, "error.html", 403, message=str(exc))

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        return render(request, "error.html", 404, message=str(exc))

    @app.get("/healthz")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request, next: str = "/") -> Response:
        token = secrets.token_urlsafe(24)
        response = render(request, "login.html", csrf=token, next=_local(next), error="")
        response.set_cookie(
            LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure
        )
        return response

    @app.post("/login", response_class=HTMLResponse)
    def login(
        request: Request,
        login: Annotated[str, Form()],
        password: Annotated[str, Form()],
        csrf: Annotated[str, Form()] = "",
        next: Annotated[str, Form()] = "/",
    ) -> Response:
        expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        if not expected or not hmac.compare_digest(expected, csrf):
            raise Forbidden("the sign-in form is out of date (CSRF); reload the page")
        address = request.client.host if request.client else "unknown"
        try:
            with write_session(db) as session:
                signed = accounts.sign_in(login, password, session=session, address=address)
        except accounts.SignInThrottled as exc:  # not counted again: it was not a try
            return render(request, "login.html", 401, csrf=csrf, next=_local(next), error=str(exc))
        except accounts.SignInRefused as exc:
            with write_session(db) as session:
                accounts.record_failed_sign_in(login, session=session, address=address)
            return render(request, "login.html", 401, csrf=csrf, next=_local(next), error=str(exc))
        response = RedirectResponse(_local(next), status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            signed.token,
            httponly=True,
            samesite="lax",
            secure=secure,
            expires=signed.expires_at,
        )
        response.delete_cookie(LOGIN_CSRF_COOKIE)
        return response

    @app.post("/logout")
    def logout(visitor: Current, csrf: Annotated[str, Form()] = "") -> Response:
        check_csrf(visitor, csrf)
        with write_session(db) as session:
            accounts.sign_out(visitor, session=session)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    @app.get("/", response_class=HTMLResponse)
    def dashboard(request: Request, visitor: Current, session: Reader) -> Response:
        mine = list_commitments(
            session=session,
            policy=policy,
            where=CommitmentFilter(owner=str(visitor.officer.id), tracked=True),
        )
        return render(
            request,
            "dashboard.html",
            visitor=visitor,
            attention=[c for c in mine if c.attention],
            agreements=list_agreements(session=session),
        )

    @app.get("/agreements", response_class=HTMLResponse)
    def agreements_page(
        request: Request, visitor: Current, session: Reader, q: str = "", country: str = ""
    ) -> Response:
        rows = list_agreements(session=session, search=q or None, country=country or None)
        return render(
            request, "agreements.html", visitor=visitor, agreements=rows, q=q, country=country
        )

    @app.get("/agreements/{key}", response_class=HTMLResponse)
    def agreement_page(request: Request, key: str, visitor: Current, session: Reader) -> Response:
        agreement = find_agreement(key, session=session)
        commitments = list_commitments(
            session=session,
            policy=policy,
            where=CommitmentFilter(agreement=agreement.key, tracked=True),
        )
        return render(
            request, "agreement.html", visitor=visitor, agreement=agreement, commitments=commitments
        )

    @app.get("/me/settings", response_class=HTMLResponse)
    def settings_page(request: Request, visitor: Current, saved: bool = False) -> Response:
        return render(request, "settings.html", visitor=visitor, saved=saved)

    @app.post("/me/settings")
    def save_settings(
        visitor: Current,
        language: Annotated[Language, Form()],
        digest_frequency: Annotated[DigestFrequency, Form()],
        csrf: Annotated[str, Form()] = "",
    ) -> Response:
        check_csrf(visitor, csrf)
        with write_session(db) as session:
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

    @app.get("/commitments/{reference}", response_class=HTMLResponse)
    def commitment_page(
        request: Request, reference: str, visitor: Current, session: Reader
    ) -> Response:
        return _commitment(request, reference, visitor, session)

    def _commitment(
        request: Request,
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
        return render(
            request,
            "commitment.html",
            status_code,
            visitor=visitor,
            agreement=agreement,
            commitment=commitment_public(commitment, session=session, policy=policy),
            history=status.history(commitment, session=session, policy=policy),
            editable=accounts.may_edit(visitor, commitment),
            error=error,
            conflict=status_code == 409,
            draft=draft or {},
            today=policy.today().isoformat(),
        )

    @app.post("/commitments/{reference}/status", response_class=HTMLResponse)
    def update_status(
        request: Request,
        reference: str,
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
            day = _day(as_of) if as_of else policy.today()
            with write_session(db) as session:
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
                    policy=policy,
                    author=visitor.officer.name,
                    author_id=visitor.officer.id,
                    source=UpdateSource.WEB,
                    # A path would make the server copy one of its own files: links only here.
                    evidence_links_only=True,
                )
        except (TrackerError, ValueError) as exc:
            with read_session(db) as session:
                return _commitment(
                    request,
                    reference,
                    visitor,
                    session,
                    status_code=409 if isinstance(exc, status.Conflict) else 400,
                    error=str(exc),
                    draft=draft,
                )
        return RedirectResponse(f"/commitments/{reference}", status_code=303)

    return app


def _flag_labels(language: str) -> dict[str, str]:
    """Attention flags in `language`, as the reports word them."""
    labels = report_labels(language)
    return {flag.value: labels[f"attention.{flag.value}"] for flag in Attention}


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise TrackerError(f"as-of date {value[:40]} is not a date (YYYY-MM-DD)") from None


def _referer(request: Request) -> str:
    """The page a request came from, when it is on this site; else the dashboard."""
    page = urlsplit(request.headers.get("referer", ""))
    if page.netloc != request.url.netloc:
        return "/"
    return _local(page.path + (f"?{page.query}" if page.query else ""))


def _local(target: str) -> str:
    """Only a path on this site: no open redirect to another host."""
    return target if target.startswith("/") and not target.startswith("//") else "/"
