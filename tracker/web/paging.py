"""Paging at the edges: `limit` and `cursor` from a query string, and where the next page is.

Pages link to it with a "next" anchor (`next_page_url`); the JSON API keeps returning a plain
list and says where the next page is in an RFC 8288 `Link: <...>; rel="next"` header
(`link_next`), so callers that read only the body see what they always saw.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import Response

from tracker.errors import TrackerError
from tracker.services.paging import PageRequest

PAGING_PARAMETERS = ("cursor", "limit")


def page_request(
    limit: str | None, cursor: str | None, *, width: int, default: int | None = None
) -> PageRequest:
    """A `PageRequest` from the raw query values: anything but a whole number in 1..200 or a
    cursor this list handed out is refused in one line (a 400 at both edges)."""
    number: int | None = default
    if limit not in (None, ""):
        assert limit is not None
        text = limit.strip()
        if not text.isdigit():
            raise TrackerError("page.limit_not_number", limit=limit[:20])
        number = int(text)
    return PageRequest.parse(limit=number, cursor=cursor or None, width=width)


def next_page_url(request: Request, next_cursor: str | None) -> str | None:
    """This request's address (its filters kept) with the next page's cursor, relative to the
    site: for a page's "next" link. None on the last page."""
    if next_cursor is None:
        return None
    return _with_cursor(request, next_cursor, absolute=False)


def link_next(response: Response, request: Request, next_cursor: str | None) -> None:
    """Add `Link: <absolute url>; rel="next"` to `response` when there is a next page."""
    if next_cursor is None:
        return
    response.headers["Link"] = f'<{_with_cursor(request, next_cursor, absolute=True)}>; rel="next"'


def _with_cursor(request: Request, cursor: str, *, absolute: bool) -> str:
    query = [(k, v) for k, v in request.query_params.multi_items() if k not in PAGING_PARAMETERS]
    limit = request.query_params.get("limit")
    query += [("cursor", cursor)] + ([("limit", limit)] if limit else [])
    if absolute:
        return str(URL(str(request.url)).replace(query=urlencode(query)))
    return f"{request.url.path}?{urlencode(query)}"
