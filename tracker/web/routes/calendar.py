"""Mechanisms and meetings: the calendar page, the meeting forms, and the iCalendar feed."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from tracker.db import read_session, write_session
from tracker.domain import TokenScope
from tracker.errors import InLanguages, NotFound, TrackerError, form_status, invalid_fields
from tracker.models import Mechanism, MeetingCreate, MeetingUpdate, utcnow
from tracker.services import accounts, meetings, tokens
from tracker.services.accounts import Permission, may
from tracker.services.calendar_feed import AgendaMeeting, agenda, meetings_board, render_ics
from tracker.services.mechanisms import check_may_record_meetings, recordable_mechanisms
from tracker.services.paging import PageRequest
from tracker.web.deps import (
    Current,
    Reader,
    Web,
    WebDep,
    current_visitor,
    permitted_form,
)
from tracker.web.flash import tell
from tracker.web.form_errors import FormFields
from tracker.web.paging import next_page_url, page_request

router = APIRouter()
MeetingsForm = Annotated[accounts.Visitor, Depends(permitted_form(Permission.RECORD_MEETINGS))]

STATES = ("planned", "held")
AGENDA_CURSOR = 4
# Which field of a meeting form each refusal is about (the form's own carry `field`).
MEETING_FIELDS = FormFields(
    codes={
        "meeting.choose_mechanism": "mechanism",
        "meeting.exists": "held_on",
        "meeting.exists_on": "held_on",
        "meeting.exists_that_day": "held_on",
        "meeting.too_far_ahead": "held_on",
        "meeting.inside_closed_cycle": "held_on",
        "meeting.closed_cycle": "held_on",
        "meeting.ends_cycle": "held_on",
        "meeting.ends_cycle_between": "held_on",
        # held or planned contradicts the date: the choice of state is what to change
        "meeting.not_held_yet": "state",
        "meeting.planned_in_past": "state",
    },
    renamed={"mechanism_id": "mechanism", "planned": "state"},
)


@router.get("/meetings", response_class=HTMLResponse)
def meetings_page(
    request: Request,
    web: WebDep,
    visitor: Current,
    session: Reader,
    mechanism: str = "",
    record: str = "",
    on: str = "",
    limit: str = "",
    cursor: str = "",
) -> Response:
    # `record` and `on` fill the form in from a projected meeting ("record this one").
    draft = {"mechanism": record, "held_on": on} if record else None
    wanted = page_request(limit, cursor, width=AGENDA_CURSOR)
    return _meetings(
        request, web, visitor, session, mechanism=mechanism, add_draft=draft, page=wanted
    )


def feed_reader(request: Request, session: Reader, token: str = "") -> accounts.Caller:
    """A calendar app cannot sign in: it subscribes to `/calendar.ics?token=...` with a
    calendar-only token (made on My settings; it can call nothing else, and revoking it ends
    the subscription). A browser uses its session."""
    if not token:
        return current_visitor(request, session)
    caller = tokens.caller_for_token(token, session=session, scope=TokenScope.CALENDAR)
    if caller is None:
        raise HTTPException(401, "the calendar address is not valid or was revoked")
    return caller


@router.get("/calendar.ics")
def calendar_feed(
    web: WebDep, _reader: Annotated[accounts.Caller, Depends(feed_reader)], session: Reader
) -> Response:
    return _feed(web, session)


def _feed(web: Web, session: Session) -> Response:
    meetings = agenda(session=session, settings=web.settings, today=web.policy.today())
    body = render_ics(meetings, now=utcnow(), language=web.settings.general.language.value)
    return Response(
        body.encode("utf-8"),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'inline; filename="tracker.ics"'},
    )


@router.post("/meetings", response_class=HTMLResponse)
def add_meeting(
    request: Request,
    web: WebDep,
    visitor: MeetingsForm,
    mechanism: Annotated[str, Form()] = "",
    held_on: Annotated[str, Form()] = "",
    state: Annotated[str, Form()] = "planned",
    title: Annotated[str, Form()] = "",
    place: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    draft = {
        "mechanism": mechanism,
        "held_on": held_on,
        "state": state,
        "title": title,
        "place": place,
        "note": note,
    }
    try:
        day, planned = _day(held_on), _planned(state)
        with write_session(web.db) as session:
            found = _mechanism(mechanism, session=session)
            assert found.id is not None
            check_may_record_meetings(visitor, found, session=session)
            named = _named(found)
            meetings.add_meeting(
                found,
                MeetingCreate(
                    mechanism_id=found.id,
                    held_on=day,
                    title=title.strip(),
                    place=place.strip(),
                    planned=planned,
                    note=note.strip(),
                ),
                session=session,
                actor=visitor.officer.name,
                today=web.policy.today(),
            )
    except (TrackerError, ValueError) as exc:
        return _refused(request, web, visitor, exc, add_draft=draft)
    said = "flash.meeting_planned" if planned else "flash.meeting_held"
    return web.redirect(request, "/meetings", tell(said, mechanism=named, on=day.isoformat()))


@router.post("/meetings/{meeting_id}", response_class=HTMLResponse)
def update_meeting(
    request: Request,
    meeting_id: int,
    web: WebDep,
    visitor: MeetingsForm,
    held_on: Annotated[str, Form()] = "",
    state: Annotated[str, Form()] = "planned",
    title: Annotated[str, Form()] = "",
    place: Annotated[str, Form()] = "",
) -> Response:
    draft = {
        "id": str(meeting_id),
        "held_on": held_on,
        "state": state,
        "title": title,
        "place": place,
    }
    try:
        day, planned = _day(held_on), _planned(state)
        with write_session(web.db) as session:
            meeting = meetings.find_meeting(str(meeting_id), session=session)
            owner = session.get(Mechanism, meeting.mechanism_id)
            assert owner is not None
            check_may_record_meetings(visitor, owner, session=session)
            named = _named(owner)
            meetings.update_meeting(
                meeting,
                MeetingUpdate(
                    held_on=day, planned=planned, title=title.strip(), place=place.strip()
                ),
                session=session,
                actor=visitor.officer.name,
                today=web.policy.today(),
            )
    except NotFound:
        raise
    except (TrackerError, ValueError) as exc:
        return _refused(request, web, visitor, exc, edit_draft=draft)
    told = tell("flash.meeting_saved", mechanism=named, on=day.isoformat())
    return web.redirect(request, "/meetings", told)


def _meetings(
    request: Request,
    web: Web,
    visitor: accounts.Visitor,
    session: Session,
    *,
    mechanism: str = "",
    status_code: int = 200,
    error: Exception | str = "",
    add_draft: dict[str, str] | None = None,
    edit_draft: dict[str, str] | None = None,
    field_errors: dict[str, str] | None = None,
    page: PageRequest | None = None,
) -> Response:
    today = web.policy.today()
    recordable = _recordable(visitor, session=session)
    language = web.language_of(request)
    board = meetings_board(
        session=session,
        settings=web.settings,
        today=today,
        chosen=int(mechanism) if mechanism.isdigit() else None,
        page=page or PageRequest(),
        recordable=recordable,
    )
    names = {
        m.id: (m.name_en if language == "en" and m.name_en else m.name)
        for m in (*board.mechanisms, *board.choices)
    }
    return web.render(
        request,
        "meetings.html",
        status_code,
        visitor=visitor,
        mechanisms=board.mechanisms,
        choices=board.choices,
        mechanisms_total=board.mechanisms_total,
        names=names,
        chosen=board.chosen,
        upcoming=_by_month([m for m in board.page.items if m.on >= today]),
        past=_by_month([m for m in board.page.items if m.on < today]),
        next_page=next_page_url(request, board.page.next_cursor),
        following=board.following,
        editable=bool(recordable),
        recordable=recordable,
        error=error,
        add_draft=add_draft or {},
        edit_draft=edit_draft or {},
        # The refused form's typed text (an edit's has the meeting's "id") and its fields' words.
        values=(edit_draft or add_draft or {}) if field_errors is not None else {},
        field_errors=field_errors or {},
        today=today,
        lead_days=web.settings.schedule.report_lead_days,
    )


def _refused(
    request: Request,
    web: Web,
    visitor: accounts.Visitor,
    exc: Exception,
    *,
    add_draft: dict[str, str] | None = None,
    edit_draft: dict[str, str] | None = None,
) -> Response:
    """The meetings page again, with the refusal and what was typed."""
    with read_session(web.db) as session:
        return _meetings(
            request,
            web,
            visitor,
            web.calendar.attach(session),
            status_code=form_status(exc),
            error=_line(exc),
            add_draft=add_draft,
            edit_draft=edit_draft,
            field_errors=web.field_errors(request, exc, MEETING_FIELDS),
        )


def _recordable(visitor: accounts.Visitor, *, session: Session) -> set[int]:
    """The mechanisms whose meetings `visitor` may record (`check_may_record_meetings`)."""
    if not may(visitor.role, Permission.RECORD_MEETINGS):
        return set()
    return recordable_mechanisms(visitor, session=session)


def _by_month(meetings: list[AgendaMeeting]) -> list[tuple[date, list[AgendaMeeting]]]:
    """Runs of meetings in the same month, each under the month's first day."""
    months: list[tuple[date, list[AgendaMeeting]]] = []
    for meeting in meetings:
        month = meeting.on.replace(day=1)
        if not months or months[-1][0] != month:
            months.append((month, []))
        months[-1][1].append(meeting)
    return months


def _named(mechanism: Mechanism) -> InLanguages:
    """A mechanism's name as a message says it, in the reader's language."""
    return InLanguages({"ko": mechanism.name, "en": mechanism.name_en or mechanism.name})


def _mechanism(reference: str, *, session: Session) -> Mechanism:
    found = session.get(Mechanism, int(reference)) if reference.isdigit() else None
    if found is None:
        raise TrackerError("meeting.choose_mechanism")
    return found


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        if not value.strip():
            raise TrackerError("form.meeting_date_missing", field="held_on") from None
        raise TrackerError(
            "form.meeting_date_not_a_date", field="held_on", value=value[:40]
        ) from None


def _planned(state: str) -> bool:
    if state not in STATES:
        raise TrackerError("form.meeting_state", field="state", value=state[:20])
    return state == "planned"


def _line(exc: Exception) -> TrackerError | str:
    """The error as one line: a model's validation errors by field, never the values."""
    if isinstance(exc, ValidationError):
        return invalid_fields(exc.errors())
    if isinstance(exc, TrackerError) and exc.coded:
        return exc
    return " ".join(str(exc).split())
