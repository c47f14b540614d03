"""The audit log, for administrators: every sign-in, change, status update and report."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from tracker.errors import TrackerError, Word
from tracker.services import accounts
from tracker.services.accounts import Permission
from tracker.services.audit import CURSOR_WIDTH, AuditFilter, page_of_audit_log
from tracker.web.deps import Reader, WebDep, permitted
from tracker.web.form_errors import FormFields
from tracker.web.paging import next_page_url, page_request

router = APIRouter()
Auditor = Annotated[accounts.Visitor, Depends(permitted(Permission.READ_AUDIT_LOG))]
ENTITIES = ("account", "agreement", "commitment", "meeting", "officer", "report")
FILTER_FIELDS = FormFields()  # each filter's refusal names its field itself


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    web: WebDep,
    visitor: Auditor,
    session: Reader,
    actor: str = "",
    entity: str = "",
    since: str = "",
    until: str = "",
    limit: str = "",
    cursor: str = "",
) -> Response:
    chosen = {"actor": actor, "entity": entity, "since": since, "until": until}
    try:
        if entity and entity not in ENTITIES:
            raise TrackerError(
                "filter.unknown_entity", field="entity", value=entity[:40], choices=list(ENTITIES)
            )
        where = AuditFilter(
            actor=actor.strip() or None,
            entity=entity or None,
            since=_day("since", since),
            until=_day("until", until),
        )
    except TrackerError as exc:
        # The filters again, as typed, with the message beside the one that is wrong.
        return web.render(
            request,
            "audit.html",
            400,
            visitor=visitor,
            entries=[],
            next_page=None,
            chosen=chosen,
            entities=ENTITIES,
            values=chosen,
            field_errors=web.field_errors(request, exc, FILTER_FIELDS),
        )
    page = page_of_audit_log(
        session=session,
        where=where,
        timezone=web.policy.timezone,
        page=page_request(limit, cursor, width=CURSOR_WIDTH),
    )
    return web.render(
        request,
        "audit.html",
        visitor=visitor,
        entries=page.items,
        next_page=next_page_url(request, page.next_cursor),
        chosen=chosen,
        entities=ENTITIES,
    )


def _day(name: str, value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise TrackerError(
            "filter.not_a_date", field=name, label=Word(f"filter.{name}"), value=value[:40]
        ) from None
