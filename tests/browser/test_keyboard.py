"""A desk officer without a mouse: sign in, search, record a status update and generate a report
with the keyboard alone (Tab, Shift+Tab, Enter, Space, typing, and the arrow keys inside a
drop-down, as a keyboard user changes a select). At every stop the focused element must be seen
(an outline or a box shadow of its own), and every page starts with a skip link to its main
content. Korean, as the officers use it; one server for the module.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import PASSWORD, needs_chromium

pytestmark = [needs_chromium, pytest.mark.slow]  # a real server and Chromium

COMMITMENT = "kr-ca-2025:7.1"  # the seed's commitment in 정진우's (jwjung's) care
# Where the focus is and how it is drawn, once the page has stopped scrolling to it (the design
# system scrolls smoothly, so a focused element far down takes a few frames to come into view).
FOCUS = """async () => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    const frame = () => new Promise(resolve => requestAnimationFrame(resolve));
    const shown = b => b.bottom > 0 && b.right > 0
        && b.top < window.innerHeight && b.left < window.innerWidth;
    let box = e.getBoundingClientRect();
    for (let i = 0; i < 120; i++) {  // two seconds at most
        await frame();
        const now = e.getBoundingClientRect();
        const still = now.top === box.top && now.left === box.left;
        box = now;
        if (still && shown(now)) break;
    }
    const style = getComputedStyle(e);
    return {
        html: e.outerHTML.slice(0, 160),
        outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
        shadow: style.boxShadow !== "none",
        sized: box.width > 0 && box.height > 0,
        box: [box.left, box.top, box.width, box.height].map(Math.round),
        window: [scrollX, scrollY, innerWidth, innerHeight].map(Math.round),
        inView: shown(box),
    };
}"""


def focus_seen(page: Page) -> dict[str, Any] | None:
    """Where the focus is, and whether a sighted keyboard user sees it there."""
    found: dict[str, Any] | None = page.evaluate(FOCUS)
    if found is not None:
        seen = (found["outline"] or found["shadow"]) and found["sized"] and found["inView"]
        assert seen, f"focus is not visible on {found}"
    return found


def has_focus(target: Locator) -> bool:
    return bool(target.evaluate_all("found => found.includes(document.activeElement)"))


def tab_to(page: Page, target: Locator, *, back: bool = False, limit: int = 300) -> None:
    """Tab (or Shift+Tab) until one of `target` has the focus, checking each stop on the way."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        focus_seen(page)
        if has_focus(target):
            return
    raise AssertionError(f"{limit} presses of Tab never reached {target}")


def choose(page: Page, select: Locator, value: str) -> None:
    """Change the focused drop-down with the arrow keys until it shows `value`."""
    options: list[str] = select.evaluate("s => [...s.options].map(o => o.value)")
    current = options.index(select.input_value())
    key = "ArrowDown" if options.index(value) > current else "ArrowUp"
    for _ in range(len(options)):
        if select.input_value() == value:
            return
        page.keyboard.press(key)
    expect(select).to_have_value(value)


def settled(page: Page) -> None:
    """Wait while the page scrolls (smoothly) to the fragment its address names: a key pressed
    meanwhile has its own scroll cut short, where a person would have waited to see the page."""
    page.evaluate(
        """async () => {
            let last = -1;
            for (let i = 0; i < 120 && scrollY !== last; i++) {
                last = scrollY;
                for (let j = 0; j < 3; j++) await new Promise(r => requestAnimationFrame(r));
            }
        }"""
    )


def follow(page: Page, link: Locator) -> None:
    """Tab to a link and follow it with Enter."""
    tab_to(page, link)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    settled(page)


def sign_in(browser: Browser, site: str, login: str = "jwjung") -> Page:
    """Sign in from the keyboard: Tab to each field, type, Enter from the password."""
    page = browser.new_context(locale="ko-KR", viewport={"width": 1366, "height": 900}).new_page()
    page.goto(f"{site}/")  # typed into the address bar
    tab_to(page, page.get_by_label("아이디"))
    page.keyboard.type(login)
    tab_to(page, page.get_by_label("비밀번호"))
    page.keyboard.type(PASSWORD)
    with page.expect_navigation(url=f"{site}/"):
        page.keyboard.press("Enter")
    return page


def test_the_skip_link_comes_first_and_leads_into_the_main_content(
    site: str, browser: Browser
) -> None:
    page = browser.new_context(locale="ko-KR").new_page()
    for path in ("/login", None):  # before and after signing in
        if path is None:
            page = sign_in(browser, site)
        else:
            page.goto(f"{site}{path}")
        page.keyboard.press("Tab")
        skip = focus_seen(page)
        assert skip is not None, "the first Tab focuses nothing"
        href = page.evaluate("document.activeElement.getAttribute('href') || ''")
        assert href.startswith("#"), f"the first stop is not a skip link: {skip['html']}"
        main = page.get_by_role("main")
        assert main.get_attribute("id") == href[1:], f"{href} does not name the main content"
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert focus_seen(page) is not None
        assert main.evaluate("main => main.contains(document.activeElement)"), (
            "after the skip link, Tab does not land in the main content"
        )


def test_an_officer_signs_in_from_the_keyboard(site: str, browser: Browser) -> None:
    page = sign_in(browser, site)
    expect(page.get_by_role("heading", level=1)).to_have_text("대시보드")
    expect(page.get_by_role("banner")).to_contain_text("정진우")


def test_an_officer_searches_from_the_header_by_keyboard(site: str, browser: Browser) -> None:
    page = sign_in(browser, site)
    box = page.get_by_role("banner").get_by_role("searchbox")
    if box.count() == 0:
        pytest.skip("the header has no search box yet (templates/web/_search_box.html)")
    tab_to(page, box)
    page.keyboard.type("상호운용성")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    results = page.get_by_role("main")
    expect(results.locator("mark").first).to_contain_text("상호운용성")
    # 7.3: "양국 간 상호운용성을 개선하고 …", the example of a commitment hard to find.
    follow(page, results.get_by_role("link", name=re.compile(r"kr-ca-2025:7\.3$")))
    expect(page).to_have_url(re.compile(re.escape("/commitments/kr-ca-2025:7.3")))


def test_an_officer_records_progress_from_the_keyboard(site: str, browser: Browser) -> None:
    page = sign_in(browser, site)
    follow(page, page.get_by_role("link", name="합의문서", exact=True))
    follow(page, page.get_by_role("link", name="한-캐나다 안보·국방 협력 파트너십 수립"))
    follow(page, page.get_by_role("link", name="7.1", exact=True))
    expect(page).to_have_url(re.compile(re.escape(f"/commitments/{COMMITMENT}")))

    form = page.locator(f"form[action='/commitments/{COMMITMENT}/status']")
    tab_to(page, form.get_by_label("내용(경과)"))
    page.keyboard.type("키보드로 기록한 1차 합동훈련 참관")
    status = form.get_by_label("진행 상황")
    tab_to(page, status, back=True)
    choose(page, status, "in_progress")
    tab_to(page, form.get_by_role("button", name="저장", exact=True))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    settled(page)

    history = page.get_by_role("region", name="이력")
    expect(history).to_contain_text("키보드로 기록한 1차 합동훈련 참관")
    expect(history).to_contain_text("진행 중")


def test_an_officer_generates_a_report_from_the_keyboard(site: str, browser: Browser) -> None:
    page = sign_in(browser, site)
    follow(page, page.get_by_role("link", name="보고서", exact=True))
    generate = page.locator("form[action='/reports/generate']")
    tab_to(page, generate.get_by_label("합의문서"))
    page.keyboard.type("kr-ca-2025")
    kind = generate.get_by_label("종류")
    tab_to(page, kind)
    choose(page, kind, "review")
    tab_to(page, generate.get_by_role("button", name="지금 생성"))
    # Rendering the PDF takes a few seconds, longer on a busy machine.
    with page.expect_navigation(url=re.compile(r"/reports\?new=\d+"), timeout=120_000):
        page.keyboard.press("Space")
    settled(page)

    expect(page.get_by_text("보고서를 생성했습니다.").first).to_be_visible()
    new = page.locator('tr[aria-current="true"]')  # the page lands on it (#report-N)
    expect(new).to_contain_text("이행점검 보고서")
    tab_to(page, new.get_by_role("link", name="내려받기"))
