"""The pages' look, as the browser receives it: stylesheets, script and fonts served from static/
under content-hashed names with a year's cache, no inline style or script in any page template
(the Content-Security-Policy forbids them), the status colours as a served stylesheet, and every
field a refused form names marked invalid with its message tied to it."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from fastapi.testclient import TestClient

from tests.web.helpers import sign_in
from tracker.config import Settings
from tracker.web.app import create_app
from tracker.web.assets import CACHE_FOR_A_YEAR, STATIC, Assets

TEMPLATES = Path(__file__).parents[2] / "templates" / "web"
STYLESHEET = re.compile(r'<link rel="stylesheet" href="(/static/[^"]+)">')


def test_pages_link_hashed_stylesheets_kept_for_a_year(app_client: TestClient) -> None:
    sign_in(app_client)
    page = app_client.get("/").text
    sheets = STYLESHEET.findall(page)
    assert any(re.fullmatch(r"/static/app\.[0-9a-f]{10}\.css", url) for url in sheets), sheets
    assert any(re.fullmatch(r"/static/status\.[0-9a-f]{10}\.css", url) for url in sheets)
    assert re.search(r'<script src="/static/app\.[0-9a-f]{10}\.js" defer></script>', page)
    for url in sheets:
        served = app_client.get(url)
        assert served.status_code == 200, url
        assert served.headers["cache-control"] == CACHE_FOR_A_YEAR
        assert served.headers["content-type"] == "text/css; charset=utf-8"
        again = app_client.get(url, headers={"if-none-match": served.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
    # The pages themselves are never kept.
    assert app_client.get("/").headers["cache-control"] == "no-store"


def test_a_wrong_or_missing_hash_is_not_found(app_client: TestClient) -> None:
    page = app_client.get("/login").text
    app_css = next(url for url in STYLESHEET.findall(page) if "/app." in url)
    for wrong in (
        re.sub(r"\.[0-9a-f]{10}\.", ".0000000000.", app_css),
        "/static/app.css",
        "/static/vendor/krds/LICENSE.txt",
        "/static/../pyproject.toml",
    ):
        response = app_client.get(wrong)
        assert response.status_code == 404, wrong
        assert response.headers["cache-control"] == "no-store"


def test_fonts_are_served_from_here_under_hashed_names(app_client: TestClient) -> None:
    """No CDN: every stylesheet's url() points at a hashed file of this app, which serves it."""
    page = app_client.get("/login").text
    assert "//" not in "".join(re.findall(r'(?:href|src)="([^"]+)"', page)).replace("://", "")
    fonts = next(url for url in STYLESHEET.findall(page) if "pretendard" in url)
    linked = re.findall(r"url\(([^)]+)\)", app_client.get(fonts).text)
    assert len(linked) == 2 and all(
        re.fullmatch(r"/static/.+\.[0-9a-f]{10}\.woff2", u) for u in linked
    )
    woff2 = app_client.get(linked[0])
    assert woff2.status_code == 200 and woff2.content[:4] == b"wOF2"
    assert woff2.headers["cache-control"] == CACHE_FOR_A_YEAR


def test_a_changed_file_gets_a_new_name_and_so_does_the_sheet_that_links_it() -> None:
    before = Assets({"f.woff2": b"one", "a.css": b"@font-face { src: url(f.woff2) }"})
    after = Assets({"f.woff2": b"two", "a.css": b"@font-face { src: url(f.woff2) }"})
    assert before.url("f.woff2") != after.url("f.woff2")
    assert before.url("a.css") != after.url("a.css")
    sheet = before.find(before.url("a.css"))
    assert sheet is not None and before.url("f.woff2").encode() in sheet.body


def test_no_page_template_carries_an_inline_style_or_script() -> None:
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
    for template in sorted(TEMPLATES.glob("*.html")):
        text = template.read_text(encoding="utf-8")
        assert "<style" not in text.lower(), template.name
        assert not re.search(r"\sstyle\s*=", text, re.I), template.name
        assert not inline_script.search(text), template.name
        assert not re.search(r"\son[a-z]+\s*=", text), template.name  # no onclick= and the like


def test_the_status_stylesheet_carries_each_configured_status_colour(
    app_client: TestClient, settings: Settings
) -> None:
    page = app_client.get("/login").text
    url = next(url for url in STYLESHEET.findall(page) if "/status." in url)
    sheet = app_client.get(url).text
    web = app_client.app.state.web  # type: ignore[attr-defined]
    for status in web.policy.statuses:
        assert re.search(rf"\.st-{status.key}\{{ --status:#[0-9a-f]{{6}} \}}", sheet), status.key
    # The same colours as the PDFs: one macro makes both.
    assert ".st-stalled{ --status:#cc3d4f }" in sheet
    assert ".st-achieved{ --status:#2e7d32 }" in sheet


def test_the_served_static_folder_is_the_one_the_pages_name() -> None:
    served = set(Assets.from_folder(STATIC).names())
    named = set()
    for template in TEMPLATES.glob("*.html"):
        named |= set(re.findall(r'asset\("([^"]+)"\)', template.read_text(encoding="utf-8")))
    assert named and named - {"status.css"} <= served


class _Fields(HTMLParser):
    """Every control's attributes, and the text of every element that has an id."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str]] = []
        self.text_of: dict[str, str] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag in ("input", "select", "textarea") and found.get("type") != "hidden":
            self.controls.append(found)
        if "id" in found and tag not in ("input", "select", "textarea"):
            self._open.append(found["id"])
            self.text_of[found["id"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag in ("p", "div", "span"):
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for element in self._open:
            self.text_of[element] += data


def _invalid_fields_are_described(html: str, errors: dict[str, str]) -> None:
    page = _Fields()
    page.feed(html)
    for name, message in errors.items():
        marked = [c for c in page.controls if c.get("name") == name and c.get("aria-invalid")]
        assert len(marked) == 1, name
        described = marked[0]["aria-describedby"].split()
        assert any(message in page.text_of.get(i, "") for i in described), (name, described)
    for control in page.controls:
        if control.get("name") not in errors:
            assert "aria-invalid" not in control, control


def test_every_field_with_an_error_is_invalid_and_names_its_message(
    settings: Settings, engine: object
) -> None:
    app = create_app(settings, engine=engine)  # type: ignore[arg-type]
    pages = app.state.web.pages
    common = {"language": "ko", "policy": app.state.web.policy, "path": "/", "switch_language": "?"}
    errors = {"login": "아이디를 입력하세요.", "password": "비밀번호가 틀립니다."}
    login = pages.get_template("login.html").render(
        csrf="t", next="/", error=None, values={"login": "jw<b>"}, field_errors=errors, **common
    )
    _invalid_fields_are_described(login, errors)
    assert 'value="jw&lt;b&gt;"' in login  # the typed value, refilled and escaped

    # A field with help text keeps it described as well as its error.
    made = pages.from_string(
        '{% import "_ui.html" as ui with context %}'
        '{% call(attrs) ui.field("when", "날짜", hint="도움말") %}'
        '<input id="when" name="when"{{ attrs }}>{% endcall %}'
        '{{ ui.date_field("since", "시작일", "2026-01-01") }}'
    ).render(field_errors={"since": "날짜 형식이 아닙니다."}, **common)
    _invalid_fields_are_described(made, {"since": "날짜 형식이 아닙니다."})
    assert 'aria-describedby="when-hint"' in made
    assert 'aria-describedby="since-hint since-error" aria-invalid="true"' in made
