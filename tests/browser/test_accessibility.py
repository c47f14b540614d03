"""Accessibility proven in the browser: axe-core (the npm package, see package.json) run on every
page as each role, in Korean and English, at a desktop's 1366 px and a phone's 390 px; a serious
or critical violation fails its page. A phone page that scrolls sideways fails too (WCAG 1.4.10,
reflow). The pages of the issue are photographed at both widths into
tests/artifacts/screenshots/, and every violation axe found, of any impact, is written to
tests/artifacts/axe/ for reading.

axe is loaded into each window as a Playwright init script (`add_init_script`), which the pages'
Content-Security-Policy (`script-src 'self'`) does not govern, so the pages are checked with
their real headers on (no `bypass_csp`); unlike `add_script_tag`, which that policy refuses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import SHOTS, needs_chromium, server_log, signed_in
from tracker.web.app import ROUTERS

AXE = Path(__file__).parents[2] / "node_modules" / "axe-core" / "axe.min.js"
needs_axe = pytest.mark.skipif(
    not AXE.exists(), reason="needs node_modules/axe-core (make test runs npm ci)"
)
pytestmark = [needs_chromium, needs_axe, pytest.mark.slow]  # a real server and Chromium

REPORTS = SHOTS.parent / "axe"
FAILING = ("serious", "critical")
WIDTHS = {1366: 900, 390: 844}
LANGUAGES = ("ko", "en")
LOGINS = {"admin": "admin", "officer": "jwjung", "viewer": "viewer"}


def _has_route(prefix: str) -> bool:
    return any(getattr(route, "path", "").startswith(prefix) for r in ROUTERS for route in r.routes)


SEARCH = "/search?q=" + "상호운용성" if _has_route("/search") else None
EVERYONE = [
    "/",
    "/agreements",
    "/agreements?q=캐나다",
    "/agreements/kr-ca-2025",
    "/commitments/kr-ca-2025:7.1",
    "/meetings",
    "/reports",
    "/me/settings",
    *([SEARCH] if SEARCH else []),
    "/nowhere",  # 404
    "/commitments/kr-ca-2025:99.9",  # 404 from a service
]
EDITORS = ["/import", "/import/kr-ca-2025/review"]
PAGES = {
    "admin": [*EVERYONE, *EDITORS, "/users", "/audit"],
    "officer": [*EVERYONE, *EDITORS, "/users"],  # /users: 403
    "viewer": [*EVERYONE, "/import"],  # /import: 403
    "anonymous": ["/login"],
}
# The issue's pages, photographed as the desk officer in Korean at both widths.
SCREENS = {
    "dashboard": "/",
    "agreement": "/agreements/kr-ca-2025",
    "commitment": "/commitments/kr-ca-2025:7.1",
    **({"search": SEARCH} if SEARCH else {}),
    "meetings": "/meetings",
    "reports": "/reports",
    "error-404": "/nowhere",
}


@pytest.fixture(scope="module")
def windows(site: str, browser: Browser) -> Iterator[dict[tuple[str, str, int], Page]]:
    """A window for each role, language and width, kept for the module: each role signs in once
    through the form, and axe-core is loaded into every page the window opens."""
    states: dict[str, Any] = {"anonymous": {"cookies": [], "origins": []}}
    for role, login in LOGINS.items():
        page = signed_in(browser, site, login)
        states[role] = page.context.storage_state()
        page.context.close()
    opened: dict[tuple[str, str, int], Page] = {}
    for role, state in states.items():
        for language in LANGUAGES:
            for width, height in WIDTHS.items():
                context = browser.new_context(
                    storage_state=state,
                    locale="ko-KR" if language == "ko" else "en-US",
                    viewport={"width": width, "height": height},
                )
                context.add_cookies([{"name": "tracker_lang", "value": language, "url": site}])
                context.add_init_script(path=AXE)
                opened[role, language, width] = context.new_page()
    yield opened
    for page in opened.values():
        page.context.close()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """What axe-core finds on the page as it stands (its default rules: WCAG 2.x A and AA, and
    best practices). The window loaded axe as an init script, which no page's CSP governs."""
    result: dict[str, Any] = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return list(result["violations"])


def described(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"][:8]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:160]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def sideways(page: Page) -> list[str]:
    """On a page wider than the window: the outermost elements that reach past its right edge
    (a table that scrolls inside its own box does not count: the page itself stays put)."""
    return list(
        page.evaluate(
            """() => {
                if (document.documentElement.scrollWidth <= window.innerWidth) return [];
                const past = [...document.body.querySelectorAll("*")].filter(
                    e => e.getBoundingClientRect().right > window.innerWidth + 1);
                return past.filter(e => !past.includes(e.parentElement)).slice(0, 8)
                    .map(e => e.outerHTML.slice(0, 160));
            }"""
        )
    )


def slug(path: str) -> str:
    return re.sub(r"[^\w가-힣]+", "_", path).strip("_") or "home"


CASES = [
    pytest.param(role, path, language, width, id=f"{role}-{language}-{width}-{path}")
    for role, paths in PAGES.items()
    for path in paths
    for language in LANGUAGES
    for width in WIDTHS
]


@pytest.mark.parametrize(("role", "path", "language", "width"), CASES)
def test_no_serious_or_critical_violation_on_any_page(
    site: str,
    windows: dict[tuple[str, str, int], Page],
    role: str,
    path: str,
    language: str,
    width: int,
) -> None:
    page = windows[role, language, width]
    response = page.goto(f"{site}{path}")
    assert response is not None
    assert response.status < 500, f"{page.url}: {response.status}\n{server_log(site)}"
    if role != "anonymous":
        assert "/login" not in page.url, "the session was lost"
    violations = axe_violations(page)

    REPORTS.mkdir(parents=True, exist_ok=True)
    name = f"{role}-{language}-{width}-{slug(path)}"
    (REPORTS / f"{name}.json").write_text(
        json.dumps(
            {"url": page.url, "status": response.status, "violations": violations},
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    failing = [v for v in violations if v["impact"] in FAILING]
    too_wide = sideways(page) if width < 600 else []
    assert not failing, f"{page.url} ({response.status}):\n{described(failing)}"
    assert not too_wide, f"{page.url} scrolls sideways at {width} px:\n" + "\n".join(too_wide)


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("name", list(SCREENS))
def test_screenshots_of_the_issue_s_pages(
    site: str, windows: dict[tuple[str, str, int], Page], name: str, width: int
) -> None:
    page = windows["officer", "ko", width]
    response = page.goto(f"{site}{SCREENS[name]}")
    assert response is not None
    assert response.status == (404 if name.startswith("error") else 200)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
