"""Pages of a portfolio-wide list: a stable order, a `limit`, and an opaque cursor.

Keyset paging, not offsets: a cursor holds the sort key of the last item shown, and the next
page starts strictly after it, so rows inserted or updated while a reader walks the list are
neither repeated nor skipped (an item whose sort key does not change stays in its place).
The sort key of every paged list ends with a unique id, so the order is total.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, tuple_

from tracker.errors import TrackerError

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

CursorKey = tuple[str | int | float | None, ...]


class BadCursor(TrackerError):
    """A `cursor` that this list did not hand out (edited, truncated or from another list)."""


@dataclass(frozen=True)
class PageRequest:
    """Where a page starts (None: at the beginning) and how many items it holds."""

    limit: int = DEFAULT_LIMIT
    after: CursorKey | None = None

    @classmethod
    def parse(cls, *, limit: int | None, cursor: str | None, width: int) -> PageRequest:
        """From a request's `limit` and `cursor`; refuses a limit outside 1..200 or a cursor
        whose key does not have `width` parts."""
        if limit is None:
            limit = DEFAULT_LIMIT
        if not 1 <= limit <= MAX_LIMIT:
            raise TrackerError("page.limit_outside", limit=limit, most=MAX_LIMIT)
        after = decode_cursor(cursor, width=width) if cursor else None
        return cls(limit=limit, after=after)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of items, and the cursor of the next page (None on the last page)."""

    items: list[T]
    next_cursor: str | None = None
    total: int | None = field(default=None)


def encode_cursor(key: CursorKey) -> str:
    raw = json.dumps(list(key), separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str, *, width: int) -> CursorKey:
    try:
        padded = text + "=" * (-len(text) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadCursor("page.bad_cursor", cursor=text[:40]) from None
    if not isinstance(values, list) or len(values) != width:
        raise BadCursor("page.bad_cursor", cursor=text[:40])
    if not all(v is None or isinstance(v, str | int | float) for v in values):
        raise BadCursor("page.bad_cursor", cursor=text[:40])
    return tuple(values)


def after_key(columns: Sequence[Any], key: CursorKey) -> ColumnElement[bool]:
    """Rows strictly after `key` in the ascending order of `columns` (none of them NULL)."""
    return tuple_(*columns) > tuple_(*key)


def page_of(rows: list[T], request: PageRequest, key: object) -> Page[T]:
    """`rows` fetched with `limit + 1`: the page, and the next cursor when there is more.
    `key(item)` gives an item's sort key."""
    if len(rows) <= request.limit:
        return Page(rows)
    items = rows[: request.limit]
    assert callable(key)
    return Page(items, encode_cursor(key(items[-1])))
