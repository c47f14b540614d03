"""What every response tells the browser (CSP, Referrer-Policy, Permissions-Policy...) on
pages, the API, downloads and the 500 page; pages that a `default-src 'self'` policy lets run
(no inline script, style or event handler); no API docs page that would load from a CDN; and
`web.trusted_proxies` as an administrator writes it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from playwright.sync_api import Browser, ConsoleMessage
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.browser import conftest as browser_fixtures
from tests.browser.conftest import needs_chromium, signed_in
from tests.web.helpers import form_token, sign_in
from tracker.config import Settings, load_settings
from tracker.errors import ConfigError
from tracker.models import Account
from tracker.services.tokens import issue_token
from tracker.web.app import create_app
from tracker.web.security import CONTENT_SECURITY_POLICY

PAGE = "/commitments/kr-ca-2025:7.1"
DIRECTIVES = {
    "default-src": "'self'",
    "img-src": "'self'",
    "style-src": "'self'",
    "script-src": "'self'",
    "font-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


@pytest.fixture
def api_token(session: Session, web_accounts: dict[str, Account]) -> str:
    _, token = issue_token(web_accounts["jwjung"], "test", session=session, actor="t")
    session.commit()
    return token


def assert_hardened(response: Response) -> None:
    headers = response.headers
    csp = headers["content-security-policy"]
    policy = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert policy == DIRECTIVES, response.url
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert "unsafe-eval" not in headers["content-security-policy"]
    assert headers["referrer-policy"] == "same-origin"
    features = dict(part.strip().split("=") for part in headers["permissions-policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()", feature
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers.get_list("content-security-policy") == [CONTENT_SECURITY_POLICY]


def test_pages_the_api_and_downloads_carry_the_headers(
    app_client: TestClient, api_token: str
) -> None:
    assert_hardened(app_client.get("/login"))
    assert_hardened(app_client.get("/healthz"))
    sign_in(app_client)
    for path in ("/", PAGE, "/meetings", "/nowhere", "/calendar.ics"):
        assert_hardened(app_client.get(path))
    csrf, version = form_token(app_client.get(PAGE).text)
    saved = app_client.post(
        f"{PAGE}/status",
        data={"csrf": csrf, "version": version, "status": "in_progress", "note": "결과"},
        files=[("files", ("memo.html", b"<script>alert(1)</script>", "text/html"))],
    )
    assert_hardened(saved)  # a redirect too
    link = re.search(r'href="(/evidence/\d+)"', app_client.get(PAGE).text)
    assert link is not None
    download = app_client.get(link.group(1))
    assert download.headers["content-disposition"].startswith("attachment")
    assert_hardened(download)
    bearer = {"Authorization": f"Bearer {api_token}"}
    assert_hardened(app_client.get("/api/me", headers=bearer))
    assert_hardened(app_client.get("/api/me"))  # a 401 of the API
    assert_hardened(app_client.get("/api/openapi.json"))


def test_the_500_page_carries_the_headers_too(engine: Engine, settings: Settings) -> None:
    app = create_app(settings, engine=engine)

    def broken() -> None:
        raise RuntimeError("a fault of ours")

    app.add_api_route("/broken", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        failed = client.get("/broken")
    assert failed.status_code == 500
    assert_hardened(failed)


def test_https_adds_strict_transport_security_and_http_does_not(
    engine: Engine, settings: Settings
) -> None:
    plain = TestClient(create_app(settings, engine=engine))
    assert "strict-transport-security" not in plain.get("/login").headers
    web = settings.web.model_copy(update={"base_url": "https://tracker.intra.example"})
    secure = TestClient(create_app(settings.model_copy(update={"web": web}), engine=engine))
    assert secure.get("/login").headers["strict-transport-security"] == "max-age=31536000"


BROWSED = (  # every page an officer reaches from the menu, and the agreement's own
    "/",
    "/agreements",
    "/agreements/kr-ca-2025",
    "/meetings",
    "/reports",
    "/import",
    "/users",
    "/audit",
    "/me/settings",
)
INLINE = {
    "an inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "a style element": re.compile(r"<style\b", re.IGNORECASE),
    "a style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE),
    "an event handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "a script from elsewhere": re.compile(r"<script[^>]*\ssrc\s*=\s*[\"']?(?:https?:)?//", re.I),
    "a stylesheet or font from elsewhere": re.compile(
        r"<link[^>]*\shref\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE
    ),
    "a javascript: link": re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I),
}


def test_no_page_needs_what_the_policy_refuses(app_client: TestClient) -> None:
    """The CSP forbids inline code: a page that had any would break in the browser."""
    pages = {"/login": app_client.get("/login").text}
    sign_in(app_client, "admin")
    for path in (*BROWSED, PAGE, "/nowhere"):
        pages[path] = app_client.get(path).text
    found = [
        f"{path}: {what}: {match.group(0)[:80]}"
        for path, html in pages.items()
        for what, pattern in INLINE.items()
        for match in [pattern.search(html)]
        if match
    ]
    assert not found, "\n".join(found)


def test_the_api_offers_its_schema_and_no_docs_page_from_a_cdn(app_client: TestClient) -> None:
    for path in ("/api/docs", "/api/redoc", "/docs", "/redoc", "/api/docs/oauth2-redirect"):
        assert app_client.get(path).status_code == 404, path
    schema = app_client.get("/api/openapi.json")
    assert schema.status_code == 200 and "cdn" not in schema.text.lower()
    sign_in(app_client)
    assert "/api/docs" not in app_client.get("/").text


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_trusted_proxies_are_addresses_or_networks(tmp_path: Path) -> None:
    assert load_settings(write(tmp_path, "")).web.trusted_proxies == ()
    settings = load_settings(
        write(tmp_path, '[web]\ntrusted_proxies = ["10.0.0.5", "10.1.2.3/16", "fd00::/8"]\n')
    )
    assert settings.web.trusted_proxies == ("10.0.0.5/32", "10.1.0.0/16", "fd00::/8")
    with pytest.raises(ConfigError) as error:
        load_settings(write(tmp_path, '[web]\ntrusted_proxies = ["10.0.0.5", "proxy.local"]\n'))
    assert "web.trusted_proxies: not an IP address or network: 'proxy.local'" in str(error.value)
    assert "IP 주소나 네트워크가 아닙니다" in error.value.describe("ko")


def test_trusted_proxies_come_from_the_environment_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_WEB__TRUSTED_PROXIES", '["192.0.2.10"]')
    assert load_settings(write(tmp_path, "")).web.trusted_proxies == ("192.0.2.10/32",)


# -- in a real browser: the policy refuses nothing the pages do ------------------------------

server = browser_fixtures.server
browser = browser_fixtures.browser

WATCH = """
window.__refused = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__refused.push(`${event.violatedDirective} ${event.blockedURI} ${where}`);
});
"""


@needs_chromium
@pytest.mark.slow
def test_chromium_refuses_nothing_on_any_page(server: str, browser: Browser) -> None:
    """Inline code found in the HTML is not the whole story: a script that sets a style
    attribute, a font or icon a stylesheet loads from elsewhere, a form posting off-site are
    refused by the browser alone, which reports each as an event and a console error."""
    refused: list[str] = []

    def heard(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(f"console: {message.text}")

    for width, login in ((1366, "admin"), (390, "jwjung")):
        page = signed_in(browser, server, login, viewport=(width, 900))
        page.context.add_init_script(WATCH)
        page.on("console", heard)
        for path in (*BROWSED, PAGE, "/nowhere"):
            page.goto(f"{server}{path}")
            page.wait_for_load_state("load")
            refused.extend(f"{width}px {path}: {e}" for e in page.evaluate("window.__refused"))
        page.goto(f"{server}/users")
        disable = page.get_by_role("button", name=re.compile("^사용 중지"))
        if disable.count():  # static/app.js builds its confirmation dialog
            disable.first.click()
            page.get_by_role("dialog").wait_for()
            page.keyboard.press("Escape")
            refused.extend(f"{width}px dialog: {e}" for e in page.evaluate("window.__refused"))
    assert not refused, "\n".join(refused)
