"""Flash messages: what a successful change did, said once on the page its redirect leads to.

A message is a catalogue id with fields (`tell("flash.meeting_added", on=...)`), said in the
reader's language when the page is shown, never a sentence carried from one request to the next.
It travels in a short-lived cookie signed with the visitor's own session token: a link cannot
forge one (a query string could make anyone read "account disabled"), a cookie written for one
session means nothing to another, and the page that shows it clears it, so a reload is quiet.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any, Literal

from fastapi import Request
from fastapi.responses import Response

from tracker.errors import CODE, InLanguages, Word, shown_fields
from tracker.words import say

FLASH_COOKIE = "tracker_flash"
MAX_AGE_SECONDS = 300  # a redirect is followed at once; a stale message is worse than none
KEPT = 4  # messages kept when changes pile up before a page is read (a cookie holds 4 KB)
FIELD_CHARS = 120  # a field longer than this is cut: a name, a reference, never a document

Kind = Literal["success", "info", "warning"]
KINDS: tuple[Kind, ...] = ("success", "info", "warning")
Value = str | int | Word | InLanguages


@dataclass(frozen=True)
class Flash:
    """One message to show after a redirect: its catalogue id, its fields and its kind."""

    message_id: str
    fields: dict[str, Value] = field(default_factory=dict)
    kind: Kind = "success"

    def __post_init__(self) -> None:
        if not CODE.fullmatch(self.message_id) or self.kind not in KINDS:
            raise ValueError(f"not a flash message: {self.message_id!r} ({self.kind})")

    def said(self, language: str) -> dict[str, str]:
        """As a page shows it: its kind and its words in `language`."""
        words = say(language, self.message_id, **shown_fields(dict(self.fields), language))
        return {"kind": self.kind, "message": words}


def tell(message_id: str, kind: Kind = "success", /, **fields: Value) -> Flash:
    """A message for the next page (named `tell` so that the catalogue test finds its id);
    its kind is positional, so a message may have a field called `kind`."""
    return Flash(message_id, {name: _trimmed(value) for name, value in fields.items()}, kind)


def keep(
    response: Response, request: Request, session_token: str, flashes: list[Flash], *, secure: bool
) -> None:
    """Put `flashes` on `response` for the next page, after any not yet shown."""
    if not session_token or not flashes:
        return
    pending = [*waiting(request, session_token), *flashes][-KEPT:]
    response.set_cookie(
        FLASH_COOKIE,
        _signed(pending, session_token),
        max_age=MAX_AGE_SECONDS,
        httponly=True,
        samesite="lax",
        secure=secure,
    )


def waiting(request: Request, session_token: str) -> list[Flash]:
    """The messages the request's cookie carries, if it is this session's and fresh; a cookie
    that fails either check is ignored (and cleared by the page that reads it)."""
    cookie = request.cookies.get(FLASH_COOKIE, "")
    if not cookie or not session_token:
        return []
    body, _, signature = cookie.rpartition(".")
    if not hmac.compare_digest(signature, _signature(body, session_token)):
        return []
    try:
        data = json.loads(base64.urlsafe_b64decode(body.encode("ascii")))
        age = time.time() - float(data["at"])
        if not 0 <= age <= MAX_AGE_SECONDS:
            return []
        return [_decoded(item) for item in data["flashes"]]
    except (ValueError, KeyError, TypeError):
        return []


def clear(request: Request, response: Response) -> None:
    """Clear the request's messages from the browser as `response` is sent: shown once."""
    if FLASH_COOKIE in request.cookies:
        response.delete_cookie(FLASH_COOKIE, httponly=True, samesite="lax")


def _signed(flashes: list[Flash], session_token: str) -> str:
    data = {
        "at": int(time.time()),
        "flashes": [[f.kind, f.message_id, _encoded(f.fields)] for f in flashes],
    }
    raw = json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    body = base64.urlsafe_b64encode(raw).decode("ascii")
    return f"{body}.{_signature(body, session_token)}"


def _signature(body: str, session_token: str) -> str:
    # The session token is the browser's secret (HttpOnly, never in a page, stored hashed):
    # keyed with it, a message cannot be written without it and is bound to that session.
    key = hashlib.sha256(b"tracker flash\0" + session_token.encode("utf-8")).digest()
    return hmac.new(key, body.encode("ascii"), hashlib.sha256).hexdigest()


def _encoded(fields: dict[str, Value]) -> dict[str, Any]:
    # A Word (a catalogue id) and a name in each language are kept apart from plain text:
    # both are said in the reader's language when the page is shown.
    def encoded(value: Value) -> Any:
        if isinstance(value, Word):
            return {"word": str(value)}
        if isinstance(value, InLanguages):
            return {"in": dict(value)}
        return value

    return {name: encoded(value) for name, value in fields.items()}


def _decoded(item: list[Any]) -> Flash:
    kind, message_id, fields = item
    values: dict[str, Value] = {}
    for name, value in dict(fields).items():
        if isinstance(value, dict) and "word" in value:
            values[str(name)] = Word(str(value["word"]))
        elif isinstance(value, dict):
            values[str(name)] = InLanguages({str(k): str(v) for k, v in value["in"].items()})
        elif isinstance(value, int | str) and not isinstance(value, bool):
            values[str(name)] = value
        else:
            raise TypeError(name)
    return Flash(str(message_id), values, kind)


def _trimmed(value: Value) -> Value:
    if isinstance(value, InLanguages):
        return InLanguages({k: str(_trimmed(v)) for k, v in value.items()})
    if isinstance(value, str) and not isinstance(value, Word) and len(value) > FIELD_CHARS:
        return value[: FIELD_CHARS - 1] + "…"
    return value
