"""The JSON API, mounted at `/api`: the same service functions and the same role rule as the
pages, for programs. A call carries `Authorization: Bearer TOKEN`, a token issued with
`tracker users token LOGIN` or on My settings; it acts as that account's officer.

Errors are JSON `{"detail": "one line"}`: 401 without a valid token, 403 when the role rule
says no, 404 for what does not exist, 409 when a commitment changed since it was read, 400 for
a refused change and 422 for a malformed request.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi import status as http
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from tracker import __version__
from tracker.db import write_session
from tracker.domain import EvidenceLevel, Party, RequestState, Role, Strength, UpdateSource
from tracker.errors import Forbidden, NotFound, TrackerError, Word, invalid_fields
from tracker.models import (
    AgreementPublic,
    ApiTokenPublic,
    CommitmentPublic,
    CooperationRequestPublic,
    Division,
    OfficerPublic,
    RequestCreate,
    StatusUpdateCreate,
    StatusUpdatePublic,
    utcnow,
)
from tracker.services import accounts, tokens
from tracker.services import requests as cooperation
from tracker.services import status_updates as updates
from tracker.services.agreements import CURSOR_WIDTH as AGREEMENT_CURSOR
from tracker.services.agreements import AgreementFilter, agreement_public, page_of_agreements
from tracker.services.commitments import (
    COMMITMENT_CURSOR_WIDTH,
    CommitmentFilter,
    attention_wanted,
    commitment_public,
    list_commitments,
    page_commitments,
)
from tracker.services.lookup import find_agreement, find_commitment, find_mechanism
from tracker.services.mechanisms import MEETING_CURSOR, meeting_key, page_in_order
from tracker.services.meetings import MeetingListed
from tracker.services.owners import find_division
from tracker.services.portfolio_calendar import list_meetings
from tracker.web.deps import Reader, Web, WebDep
from tracker.web.paging import link_next, page_request
from tracker.words import LANGUAGES

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="An API token: `tracker users token LOGIN`, or My settings on the web.",
)


class Unauthorized(TrackerError):
    """No API token, or one that is unknown, revoked or of a disabled account."""

    http_status = 401


class ApiError(BaseModel):
    """Every error: a stable code to act on, the message in the caller's language (`?lang=`
    or Accept-Language), and the fields the message names, as data."""

    code: str
    message: str
    fields: dict[str, Any]


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ApiError, "description": description}
    for code, description in (
        (400, "The change is refused (a rule, a date, evidence)"),
        (401, "No API token, or one that is unknown, revoked or of a disabled account"),
        (403, "The account's role may not do this"),
        (404, "No such agreement, commitment or request"),
        (422, "The request is malformed (a missing or mistyped field)"),
    )
}


def api_caller(
    web: WebDep,
    session: Reader,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> tokens.ApiCaller:
    """The officer the bearer token acts for. Checked in the request's read session; the use
    is written (in a short write transaction) only when the last one is a minute old."""
    if credentials is None:
        raise Unauthorized("api.no_token")
    caller = tokens.caller_for_token(credentials.credentials, session=session)
    now = utcnow()
    if caller is not None and tokens.use_due(caller.token, now):
        with write_session(web.db) as writing:
            if tokens.visitor_for_token(credentials.credentials, session=writing, now=now) is None:
                caller = None  # revoked or disabled in between
    if caller is None:
        raise Unauthorized("api.bad_token")
    return caller


Caller = Annotated[tokens.ApiCaller, Depends(api_caller)]

router = APIRouter(dependencies=[Depends(api_caller)], responses=ERRORS)


class AgreementDetail(AgreementPublic):
    """An agreement with its tracked commitments, as its page shows it."""

    commitments: list[CommitmentPublic] = Field(default_factory=list)


class HistoryEntryPublic(BaseModel):
    """One line of a commitment's history: a status update, or another recorded change."""

    at: datetime = Field(description="When it was recorded (UTC)")
    actor: str
    action: str
    summary: str
    detail: dict[str, Any] = {}


class CooperationAsked(BaseModel):
    """A request for cooperation made with a status update: to a division of the tracker
    (by id, or by name) or to another body by name; what is needed; by when."""

    model_config = ConfigDict(extra="forbid")

    to_division: int | str | None = Field(
        default=None, description="A division: its id, or its name (e.g. 군비통제과)"
    )
    to_body: str = Field(
        default="", max_length=200, description="Another body by name, e.g. a ministry"
    )
    what: str = Field(max_length=2000, description="What is needed")
    due_on: date | None = Field(default=None, description="Answer by this day")


class StatusUpdateRequest(BaseModel):
    """A new status update, checked as the web form's is; evidence is links only."""

    model_config = ConfigDict(extra="forbid")

    status: str = Field(description="Status key or label, e.g. in_progress or 진행 중")
    note: str = Field(default="", description="What happened (the narrative)")
    as_of: date | None = Field(default=None, description="As-of date; default today")
    evidence: list[str] = Field(default=[], description="http(s) links")
    expected_version: int = Field(
        description="The commitment's `version` as read; a newer one is a 409 conflict"
    )
    party: Party = Field(
        default=Party.HOME,
        description="Whose progress: home (the default) or counterpart (only for a commitment "
        "both or several parties undertake)",
    )
    obstacles: str = Field(default="", description="What holds the commitment back (장애요인)")
    evidence_level: EvidenceLevel | None = Field(
        default=None,
        description="found (needs evidence), reported or none_available; by default found "
        "when evidence is given, else reported",
    )
    requests: list[CooperationAsked] = Field(
        default=[], max_length=10, description="Requests for cooperation made with the update"
    )


class Answer(BaseModel):
    """The addressee's answer to a request."""

    model_config = ConfigDict(extra="forbid")

    answer: str = Field(max_length=10_000)


class Closing(BaseModel):
    """Why a request is closed (optional)."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=500)


class StatusRecorded(BaseModel):
    """The commitment after the update, and the update as stored."""

    commitment: CommitmentPublic
    update: StatusUpdatePublic


class Me(BaseModel):
    """The account a token acts for, and the token."""

    login: str
    role: Role
    officer: OfficerPublic
    token: ApiTokenPublic


@router.get("/agreements", response_model=list[AgreementPublic], summary="List agreements")
def agreements(
    request: Request,
    response: Response,
    session: Reader,
    search: str | None = None,
    country: str | None = None,
    field: str | None = None,
    year: int | None = None,
    division: str | None = None,
    limit: Annotated[str | None, Query(description="Items per page, 1..200 (50).")] = None,
    cursor: Annotated[str | None, Query(description="From a `Link: rel=next` header.")] = None,
) -> list[AgreementPublic]:
    """Newest signing first, with clause and commitment counts; `search` looks in titles.
    A page at a time: the `Link` header (rel="next") gives the next page while there is one."""
    where = AgreementFilter(
        search=search or None,
        country=country or None,
        field=field or None,
        year=year,
        division=division or None,
    )
    page = page_of_agreements(
        session=session, where=where, page=page_request(limit, cursor, width=AGREEMENT_CURSOR)
    )
    link_next(response, request, page.next_cursor)
    return page.items


@router.get("/agreements/{key}", response_model=AgreementDetail, summary="One agreement")
def agreement(key: str, web: WebDep, session: Reader) -> AgreementDetail:
    """The agreement (by key or id) and its tracked commitments."""
    found = find_agreement(key, session=session)
    public = agreement_public(found, session=session)
    commitments = list_commitments(
        session=session,
        policy=web.policy,
        where=CommitmentFilter(agreement=found.key, tracked=True),
    )
    return AgreementDetail.model_validate(public.model_dump() | {"commitments": commitments})


@router.get("/commitments", response_model=list[CommitmentPublic], summary="List commitments")
def commitments(
    request: Request,
    response: Response,
    web: WebDep,
    session: Reader,
    agreement: str | None = None,
    mechanism: str | None = None,
    owner: str | None = None,
    division: str | None = None,
    status: Annotated[str | None, Query(description="Status key or label")] = None,
    stale: bool = False,
    due: bool = False,
    unowned: bool = False,
    tracked: bool | None = None,
    strength: Strength | None = None,
    limit: Annotated[str | None, Query(description="Items per page, 1..200 (50).")] = None,
    cursor: Annotated[str | None, Query(description="From a `Link: rel=next` header.")] = None,
) -> list[CommitmentPublic]:
    """In document order, filtered as `tracker commitments list` filters: `stale`, `due` and
    `unowned` keep only the commitments with that attention flag raised. A page at a time:
    the `Link` header (rel="next") gives the next page while there is one."""
    flags = attention_wanted(stale=stale, due=due, unowned=unowned)
    where = CommitmentFilter(
        agreement=agreement,
        mechanism=mechanism,
        owner=owner,
        division=division,
        status=status,
        tracked=tracked,
        strength=strength,
        attention=flags,
    )
    page = page_commitments(
        session=session,
        policy=web.policy,
        where=where,
        page=page_request(limit, cursor, width=COMMITMENT_CURSOR_WIDTH),
    )
    link_next(response, request, page.next_cursor)
    return page.items


@router.get("/commitments/{reference}", response_model=CommitmentPublic, summary="One commitment")
def commitment(reference: str, web: WebDep, session: Reader) -> CommitmentPublic:
    """By `KEY:REF`, e.g. `kr-ca-2025:7.1`. Its `version` is what a status update quotes."""
    found = find_commitment(reference, session=session)
    return commitment_public(found, session=session, policy=web.policy)


@router.get(
    "/commitments/{reference}/history",
    response_model=list[HistoryEntryPublic],
    summary="A commitment's history",
)
def history(reference: str, web: WebDep, session: Reader) -> list[HistoryEntryPublic]:
    """Everything that happened to the commitment, oldest first."""
    found = find_commitment(reference, session=session)
    return [
        HistoryEntryPublic(
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            summary=entry.summary,
            detail=entry.detail,
        )
        for entry in updates.history(found, session=session, policy=web.policy)
    ]


@router.post(
    "/commitments/{reference}/status",
    response_model=StatusRecorded,
    status_code=http.HTTP_201_CREATED,
    summary="Record a status update",
    responses={409: {"model": ApiError, "description": "Changed since it was read"}},
)
def record_status(
    reference: str, body: StatusUpdateRequest, web: WebDep, caller: Caller
) -> StatusRecorded:
    """Append a status update, as the web form does: the same checks, links only for
    evidence, and the role rule (administrators; officers for their own or their division's
    commitments; viewers read only)."""
    try:
        with write_session(web.db) as session:
            found = find_commitment(reference, session=session)
            if not accounts.may_edit(caller, found):
                raise _refusal(caller)
            row = updates.record_status_update(
                found,
                StatusUpdateCreate(
                    status=body.status,
                    narrative=body.note,
                    as_of=body.as_of or web.policy.today(),
                    evidence=body.evidence,
                    expected_version=body.expected_version,
                    party=body.party,
                    obstacles=body.obstacles,
                    evidence_level=body.evidence_level,
                    requests=[
                        _asked(number, each, session=session)
                        for number, each in enumerate(body.requests, 1)
                    ],
                ),
                session=session,
                policy=web.policy,
                author=caller.officer.name,
                author_id=caller.officer.id,
                source=UpdateSource.API,
                # A path would make the server copy one of its own files: links only here.
                evidence_links_only=True,
            )
            recorded = next(
                u for u in updates.list_updates(found, session=session) if u.id == row.id
            )
            after = commitment_public(found, session=session, policy=web.policy)
    except ValueError as exc:  # a value the model refuses, said as the service says it
        raise TrackerError(str(exc)) from None
    return StatusRecorded(commitment=after, update=recorded)


@router.get(
    "/commitments/{reference}/requests",
    response_model=list[CooperationRequestPublic],
    summary="A commitment's requests for cooperation",
)
def commitment_requests(
    reference: str,
    web: WebDep,
    session: Reader,
    limit: Annotated[int, Query(ge=1, le=200, description="At most this many (50)")] = 50,
) -> list[CooperationRequestPublic]:
    """Every request made for the commitment, open and answered ones first, then newest."""
    found = find_commitment(reference, session=session)
    assert found.id is not None
    return cooperation.requests_of_commitment(
        found.id, session=session, today=web.policy.today(), limit=limit
    ).items


@router.get(
    "/requests", response_model=list[CooperationRequestPublic], summary="My division's requests"
)
def division_requests(
    request: Request,
    response: Response,
    web: WebDep,
    caller: Caller,
    session: Reader,
    to: Annotated[str, Query(description="`mine`: those addressed to my division")] = "",
    sent: Annotated[str, Query(alias="from", description="`mine`: those it made")] = "",
    state: Annotated[
        RequestState | None, Query(description="One state; by default open and answered")
    ] = None,
    limit: Annotated[str | None, Query(description="Items per page, 1..200 (50).")] = None,
    cursor: Annotated[str | None, Query(description="From a `Link: rel=next` header.")] = None,
) -> list[CooperationRequestPublic]:
    """Requests addressed to the caller's division (`to=mine`, the default) or made by it
    (`from=mine`), oldest first, a page at a time as `/agreements`."""
    if to not in ("", "mine") or sent not in ("", "mine") or (to and sent):
        raise TrackerError("filter.requests_mine_only")
    division_id = caller.officer.division_id
    if division_id is None:
        return []
    page = cooperation.page_of_requests(
        division_id,
        sent=bool(sent),
        states=(state,) if state else cooperation.OPEN_STATES,
        session=session,
        today=web.policy.today(),
        page=page_request(limit, cursor, width=cooperation.REQUEST_CURSOR_WIDTH),
    )
    link_next(response, request, page.next_cursor)
    return page.items


@router.post(
    "/requests/{request_id}/answer",
    response_model=CooperationRequestPublic,
    summary="Answer a request",
)
def answer_request(
    request_id: int, body: Answer, web: WebDep, caller: Caller
) -> CooperationRequestPublic:
    """The addressee division's officers answer (for a request to a body outside the
    tracker, the asking division records its reply); the request goes back to the asker."""
    with write_session(web.db) as session:
        asked = cooperation.find_request(request_id, session=session)
        if not cooperation.may_answer(caller, asked):
            raise _role_refusal(caller) or Forbidden("request.not_addressee", id=request_id)
        cooperation.answer_request(asked, body.answer, session=session, actor=caller.officer.name)
        return cooperation.request_public(asked, session=session, today=web.policy.today())


@router.post(
    "/requests/{request_id}/close",
    response_model=CooperationRequestPublic,
    summary="Close a request",
)
def close_request(
    request_id: int, body: Closing, web: WebDep, caller: Caller
) -> CooperationRequestPublic:
    """The asking division's officers, or an administrator, close a request, answered or not;
    closing it again changes nothing."""
    with write_session(web.db) as session:
        asked = cooperation.find_request(request_id, session=session)
        if not cooperation.may_close(caller, asked):
            raise _role_refusal(caller) or Forbidden("request.not_asker", id=request_id)
        cooperation.close_request(
            asked, session=session, actor=caller.officer.name, reason=body.reason.strip()
        )
        return cooperation.request_public(asked, session=session, today=web.policy.today())


@router.get("/meetings", response_model=list[MeetingListed], summary="List meetings")
def meetings(
    request: Request,
    response: Response,
    web: WebDep,
    session: Reader,
    mechanism: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: Annotated[str | None, Query(description="Items per page, 1..200 (50).")] = None,
    cursor: Annotated[str | None, Query(description="From a `Link: rel=next` header.")] = None,
) -> list[MeetingListed]:
    """Recorded meetings by date, and the next meeting each cadence projects where none is
    recorded (`state`: held, planned or estimated). A page at a time, as `/agreements`."""
    wanted = page_request(limit, cursor, width=MEETING_CURSOR)
    rows = list_meetings(
        session=session,
        today=web.policy.today(),
        mechanism=find_mechanism(mechanism, session=session) if mechanism else None,
        since=since,
        until=until,
    )
    page = page_in_order(rows, wanted, meeting_key)
    link_next(response, request, page.next_cursor)
    return page.items


@router.get("/me", response_model=Me, summary="Who the token acts for")
def me(caller: Caller, session: Reader) -> Me:
    division = (
        session.get(Division, caller.officer.division_id) if caller.officer.division_id else None
    )
    return Me(
        login=caller.account.login,
        role=caller.role,
        officer=OfficerPublic.model_validate(
            caller.officer, update={"division": division.name if division else ""}
        ),
        token=ApiTokenPublic.model_validate(caller.token, from_attributes=True),
    )


def create_api(web: Web) -> FastAPI:
    """The API application; `create_app` mounts it at `/api`."""
    api = FastAPI(
        title="tracker API",
        version=__version__,
        description=__doc__,
        openapi_url="/openapi.json",
        # Swagger UI loads its scripts from a CDN: no page here may reach outside the intranet.
        docs_url=None,
        redoc_url=None,
    )
    api.state.web = web  # what `WebDep` reads: a mounted app has its own state
    api.include_router(router)
    _handle_errors(api)
    return api


def _handle_errors(api: FastAPI) -> None:
    """Every error answers `ApiError`, its status from the error's kind (one mapping)."""

    @api.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        # The fields and the kind of problem (pydantic's type), never the values sent.
        invalid = invalid_fields(exc.errors())
        return _error(request, invalid, http.HTTP_422_UNPROCESSABLE_CONTENT)

    @api.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "api.no_route", 405: "api.method"}.get(exc.status_code, "api.http")
        return _error(request, TrackerError(code, status=exc.status_code), exc.status_code)

    @api.exception_handler(TrackerError)
    async def _refused(request: Request, exc: TrackerError) -> Response:
        return _error(request, exc, exc.http_status)


def _error(request: Request, exc: TrackerError, status_code: int) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status_code == 401 else None
    return JSONResponse(exc.as_json(_language(request)), status_code=status_code, headers=headers)


def _language(request: Request) -> str:
    """`?lang=`, else the first of Korean or English the Accept-Language header names, else
    the configured language."""
    chosen = request.query_params.get("lang", "")
    if chosen in LANGUAGES:
        return chosen
    for part in request.headers.get("accept-language", "").split(","):
        language = part.split(";")[0].strip().lower()[:2]
        if language in LANGUAGES:
            return language
    web: Web = request.app.state.web
    return web.settings.general.language.value


def _refusal(caller: tokens.ApiCaller) -> Forbidden:
    if caller.role is Role.VIEWER:
        return Forbidden("api.viewer_reads_only")
    return Forbidden("commitment.not_yours")


def _role_refusal(caller: tokens.ApiCaller) -> Forbidden | None:
    """The role rule's refusal, as the pages word it, when the caller's role may not edit."""
    if accounts.may(caller.role, accounts.Permission.EDIT_COMMITMENTS):
        return None
    permission = accounts.Permission.EDIT_COMMITMENTS
    return Forbidden(
        "role.may_not",
        role=Word(f"user_role_{caller.role.value}"),
        permission=Word(permission.word),
    )


def _asked(number: int, asked: CooperationAsked, *, session: Session) -> RequestCreate:
    """A request of the API as the service takes it: the division named or numbered."""
    division = asked.to_division
    if division is not None and asked.to_body.strip():
        raise TrackerError("request.two_addressees", number=number)
    if isinstance(division, str):
        try:
            division = find_division(division, session=session).id
        except NotFound as exc:  # a field of the body, not a page: a refused change (400)
            raise TrackerError(exc.code, **exc.fields) from None
    return RequestCreate(
        to_division_id=division, to_body=asked.to_body, what=asked.what, due_on=asked.due_on
    )
