"""What every response tells the browser to refuse, and who the client really is.

`install(app, settings)` wraps the whole app, pages, API, downloads and the error pages alike,
in two layers outside every other middleware (outside even Starlette's handler of unexpected
errors, whose 500 page would otherwise go out without them):

- `ClientAddress`: the request's client address (`request.client.host`, which the sign-in
  throttle counts and the audit log records) is the connecting peer's, unless that peer is a
  proxy listed in `web.trusted_proxies`; then X-Forwarded-For is read from the right, skipping
  listed proxies, to the first address that is not one (what a client writes further left is
  its own claim). `tracker serve` turns uvicorn's own reading of the header off, which would
  otherwise believe it from 127.0.0.1 whatever the configuration says.
- `SecurityHeaders`: the Content-Security-Policy (the app's own scripts, styles, fonts and
  images only, no inline code, no framing, forms posted back here only), Referrer-Policy,
  Permissions-Policy, X-Content-Type-Options, X-Frame-Options for browsers without CSP's
  frame-ancestors, and Strict-Transport-Security when `web.base_url` is https.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tracker.config import WebSettings

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self'",  # the design system's icons are files under static/, not data: URLs
        "style-src 'self'",
        "script-src 'self'",
        "font-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)
# Powerful features no page here uses: a script that slipped in still may not ask for them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    # Full addresses within the site (a form posted after the session ended goes back to the
    # page it came from); nothing to an evidence link's site: addresses name commitments and
    # searches, and the intranet's host name is nobody else's business.
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
# A year; not includeSubDomains: other hosts of a ministry's intranet domain may be plain http.
STRICT_TRANSPORT = "max-age=31536000"

Network = IPv4Network | IPv6Network


def install(app: FastAPI, web: WebSettings) -> None:
    """Wrap `app` in the client address and the security headers, outermost."""
    headers = dict(HEADERS)
    if web.base_url.startswith("https://"):
        headers["Strict-Transport-Security"] = STRICT_TRANSPORT
    build = app.build_middleware_stack
    proxies = web.proxy_networks

    def outermost() -> ASGIApp:
        return ClientAddress(SecurityHeaders(build(), headers), proxies)

    # Starlette builds its stack (its error middleware first) on the first request; the only
    # way around the outside of that is to build it ourselves.
    app.build_middleware_stack = outermost  # type: ignore[method-assign]


class SecurityHeaders:
    """Sets `headers` on every HTTP response, replacing any the app set itself."""

    def __init__(self, app: ASGIApp, headers: dict[str, str]) -> None:
        self.app = app
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                said = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    said[name] = value
            await send(message)

        await self.app(scope, receive, sending)


class ClientAddress:
    """Puts the client's real address in `scope["client"]` when a trusted proxy forwarded it."""

    def __init__(self, app: ASGIApp, proxies: Sequence[Network]) -> None:
        self.app = app
        self.proxies = tuple(proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.proxies and scope.get("client"):
            host, port = scope["client"]
            forwarded = Headers(scope=scope).getlist("x-forwarded-for")
            client = client_address(host, forwarded, self.proxies)
            if client != host:
                scope = dict(scope, client=(client, port))
        await self.app(scope, receive, send)


def client_address(peer: str, forwarded: Iterable[str], proxies: Sequence[Network]) -> str:
    """The client behind `peer`: `peer` itself unless it is one of `proxies`; then the
    rightmost address of the X-Forwarded-For values (`forwarded`, in the order received) that
    is not one of `proxies`, or the leftmost when every one is."""
    if not _listed(peer, proxies):
        return peer
    chain = [_host(part) for value in forwarded for part in value.split(",") if part.strip()]
    for address in reversed(chain):
        if not _listed(address, proxies):
            return address
    return chain[0] if chain else peer


def _host(part: str) -> str:
    """An address as a proxy wrote it, without the port some add (`1.2.3.4:5678`,
    `[2001:db8::1]:443`): a client must not count as another with each connection."""
    part = part.strip()
    if part.startswith("[") and "]" in part:
        return part[1 : part.index("]")]
    if part.count(":") == 1:
        return part.split(":")[0]
    return part


def _listed(address: str, proxies: Sequence[Network]) -> bool:
    try:
        parsed: IPv4Address | IPv6Address = ip_address(address)
    except ValueError:
        return False  # "unknown", an obfuscated name: never a proxy we trust
    if isinstance(parsed, IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    return any(parsed in network for network in proxies)
