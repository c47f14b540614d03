"""Find anything: GET /search?q=…, for every signed-in role. The query string is parsed here
(each filter as the form offers it), the service finds and ranks, the page marks the words."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tracker.domain import Attention
from tracker.errors import TrackerError, Word
from tracker.services.search import (
    CURSOR_WIDTH,
    MAX_QUERY,
    Hit,
    Kind,
    SearchFilter,
    search,
    search_choices,
)
from tracker.web.deps import Current, Reader, WebDep
from tracker.web.paging import next_page_url, page_request

router = APIRouter()
PAGE = 20  # results per page unless ?limit= says otherwise


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    web: WebDep,
    visitor: Current,
    session: Reader,
    q: str = "",
    kind: str = "",
    status: str = "",
    attention: str = "",
    owner: str = "",
    division: str = "",
    mechanism: str = "",
    limit: str = "",
    cursor: str = "",
) -> Response:
    chosen = {
        "kind": kind,
        "status": status,
        "attention": attention,
        "owner": owner,
        "division": division,
        "mechanism": mechanism,
    }
    filters = search_filter(**chosen)
    page = page_request(limit, cursor, width=CURSOR_WIDTH, default=PAGE)
    found = None
    if q.strip():
        found = search(q, session=session, policy=web.policy, filters=filters, page=page)
    return web.render(
        request,
        "search.html",
        visitor=visitor,
        search_query=q,
        most=MAX_QUERY,
        chosen=chosen,
        filtered=any(chosen.values()),
        choices=search_choices(session=session),
        kinds=list(Kind),
        flags=list(Attention),
        found=found,
        results=[(hit, hit_path(hit)) for hit in found.hits] if found else [],
        kind_links=[
            (kind, count, _with_kind(request, kind))
            for kind, count in found.by_kind.items()
            if count
        ]
        if found
        else [],
        next_page=next_page_url(request, found.next_cursor) if found else None,
    )


def _with_kind(request: Request, kind: Kind) -> str:
    """This search narrowed to one kind of result, from its first page."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("kind", "cursor")]
    return f"{request.url.path}?{urlencode([*kept, ('kind', kind.value)])}"


def search_filter(
    *, kind: str, status: str, attention: str, owner: str, division: str, mechanism: str
) -> SearchFilter:
    """The filters as typed in the query string; a value the form would not send is refused
    with what it accepts (400)."""
    return SearchFilter(
        kind=_kind(kind),
        status=status.strip() or None,
        attention=_flag(attention),
        owner_id=_number(owner, Word("owner")),
        division_id=_number(division, Word("division")),
        mechanism=mechanism.strip() or None,
    )


def _kind(value: str) -> Kind | None:
    if not value:
        return None
    try:
        return Kind(value)
    except ValueError:
        # Said in the reader's words: the form offers them by these names.
        choices = [Word(f"search.kind.{kind.value}") for kind in Kind]
        raise TrackerError("search.unknown_kind", value=value[:20], choices=choices) from None


def _flag(value: str) -> Attention | None:
    if not value:
        return None
    try:
        return Attention(value)
    except ValueError:
        choices = [Word(f"attention.{flag.value}") for flag in Attention]
        raise TrackerError(
            "filter.unknown_flag", field="attention", value=value[:20], choices=choices
        ) from None


def _number(value: str, field: Word) -> int | None:
    if not value:
        return None
    if not value.strip().isdigit():
        raise TrackerError("search.not_a_number", field=field, value=value[:20])
    return int(value.strip())


def hit_path(hit: Hit) -> str:
    """Where a result is read: an agreement's page, at the clause when there is one to jump
    to (`#clause-7`, the anchors of the agreement page); a commitment's own page."""
    key = quote(hit.agreement_key, safe="")
    if hit.kind is Kind.COMMITMENT:
        return f"/commitments/{key}:{quote(hit.ref, safe='')}"
    if hit.kind is Kind.AGREEMENT or not hit.number:
        return f"/agreements/{key}"
    return f"/agreements/{key}#clause-{quote(hit.number, safe='')}"
