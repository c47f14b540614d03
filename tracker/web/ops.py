"""What an operator reads of each request: its id, and its access line (logging itself is
set up in `tracker.logs`).

- `RequestIds`: the outermost layer of the app. Each request gets an id, the one a trusted
  proxy sent in `X-Request-ID` when it looks like an id (so a line at the proxy and a line
  here can be matched), else a new one; the response carries it back in `X-Request-ID`, and
  every log record written while the request is served carries it as `request_id`.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from ipaddress import IPv4Address, IPv6Address, ip_address
from uuid import uuid4

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tracker.config import Settings
from tracker.logs import ACCESS_LOGGER, REQUEST_ID
from tracker.web.security import Network, client_address

# The scope key under which the connecting peer's address is kept for the routes that must not
# believe a forwarded one (/metrics): `ClientAddress` replaces the scope's client further in.
PEER = "tracker.peer"
# What a proxy may hand on: a UUID, a hex or base64-ish token; never spaces, quotes or a
# line break that could forge a second log line, and never a novel.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+/=-]{7,127}")


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
