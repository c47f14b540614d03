"""What an operator reads: one request id per request, and logs as text or as JSON lines.

- `configure_logging(settings)`: the one place the process's logging is set up (`tracker serve`,
  each of its workers, `tracker scheduler run`). `logging.format = "text"` keeps the lines the
  tracker always wrote (uvicorn's own, and `time LEVEL logger: message` for ours);
  `"json"` writes one JSON object per line: `time` (UTC, ISO 8601), `level`, `logger`,
  `message`, `request_id`, and on the access line `method`, `path`, `status`, `duration_ms`
  and `client`, so a log shipper needs no pattern to read them.
- `RequestIds`: the outermost layer of the app. Each request gets an id, the one a trusted
  proxy sent in `X-Request-ID` when it looks like an id (so a line at the proxy and a line
  here can be matched), else a new one; the response carries it back in `X-Request-ID`, and
  every log record written while the request is served carries it as `request_id`.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Sequence
from contextvars import ContextVar
from datetime import UTC, datetime
from ipaddress import IPv4Address, IPv6Address, ip_address
from typing import Any
from uuid import uuid4

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tracker.config import Settings
from tracker.web.security import Network, client_address

# The scope key under which the connecting peer's address is kept for the routes that must not
# believe a forwarded one (/metrics): `ClientAddress` replaces the scope's client further in.
PEER = "tracker.peer"
REQUEST_ID: ContextVar[str] = ContextVar("tracker_request_id", default="-")
# What a proxy may hand on: a UUID, a hex or base64-ish token; never spaces, quotes or a
# line break that could forge a second log line, and never a novel.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+/=-]{7,127}")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
ACCESS_LOGGER = "tracker.access"
# The fields of the access line, kept as they are in a JSON line (`extra=` of the record).
ACCESS_FIELDS = ("method", "path", "status", "duration_ms", "client")
_HANDLER_MARK = "_tracker_handler"


class RequestIdFilter(logging.Filter):
    """Adds the current request's id (or "-" outside a request) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (non-ASCII kept: Korean stays readable)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", REQUEST_ID.get()),
        }
        for name in ACCESS_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(settings: Settings) -> None:
    """Set up the root logger from `settings.logging` (format and level). Safe to call twice:
    the handler it installed before is replaced, never doubled."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    setattr(handler, _HANDLER_MARK, True)
    handler.addFilter(RequestIdFilter())
    json_lines = settings.logging.format == "json"
    handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(settings.logging.level)
    # Our access line is the JSON one; in text the server's own access line stays as it was.
    logging.getLogger(ACCESS_LOGGER).disabled = not json_lines


def uvicorn_logging(settings: Settings) -> dict[str, Any]:
    """The logging keywords of `uvicorn.run`: its own set-up and access lines for "text"
    (today's output); for "json", none of its own, so its records reach the root logger's
    JSON handler, and our access line (with the request id and duration) in place of its."""
    level = settings.logging.level.lower()
    if settings.logging.format == "json":
        return {"log_config": None, "access_log": False, "log_level": level}
    return {"log_level": level}


def fresh_request_id(offered: str | None, *, peer: str | None, proxies: Sequence[Network]) -> str:
    """The request's id: `offered` (the X-Request-ID header) when the connecting `peer` is one
    of the trusted `proxies` and it looks like an id; else a new random one."""
    if offered and peer and _trusted(peer, proxies) and SANE_REQUEST_ID.fullmatch(offered):
        return offered
    return uuid4().hex


def peer_allowed(peer: str | None, networks: Sequence[Network]) -> bool:
    """Whether the connecting `peer` is in one of `networks` (an IPv4 peer written as IPv6,
    ::ffff:10.0.0.1, counts as itself)."""
    return peer is not None and _trusted(peer, networks)


def _trusted(peer: str, proxies: Sequence[Network]) -> bool:
    try:
        address: IPv4Address | IPv6Address = ip_address(peer)
    except ValueError:
        return False
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in proxies)


class RequestIds:
    """Gives each HTTP request its id (see the module's docstring) and writes its access line."""

    def __init__(self, app: ASGIApp, proxies: Sequence[Network]) -> None:
        self.app = app
        self.proxies = tuple(proxies)
        self.log = logging.getLogger(ACCESS_LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        peer = scope["client"][0] if scope.get("client") else None
        scope[PEER] = peer
        request_id = fresh_request_id(headers.get("x-request-id"), peer=peer, proxies=self.proxies)
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500  # what the client gets if the app fails before it answers

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            if self.log.isEnabledFor(logging.INFO):
                client = (
                    client_address(peer, headers.getlist("x-forwarded-for"), self.proxies)
                    if peer
                    else "-"
                )
                # The path without its query: a search's words are nobody's log line.
                self.log.info(
                    "%s %s %s",
                    scope["method"],
                    scope["path"],
                    status,
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                        "client": client,
                    },
                )
            REQUEST_ID.reset(token)


def install(app: FastAPI, settings: Settings) -> None:
    """Wrap `app`, outside even the security layers (web/security.py), in `RequestIds`: it
    sees the connecting peer before a forwarded address replaces it, and its header and access
    line cover every response, the 500 page and the refusals of the outer layers too."""
    build = app.build_middleware_stack
    proxies = settings.web.proxy_networks

    def outermost() -> ASGIApp:
        return RequestIds(build(), proxies)

    app.build_middleware_stack = outermost  # type: ignore[method-assign]
