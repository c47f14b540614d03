"""Follow-up intake in Debian's Chromium, as the seed's desk officer uses it: from the agreement
page, paste a press release, review what it proposes, untick a link, change a status, confirm,
and find the new status on the commitment's page.

The test runs its own `tracker serve` over its own freshly seeded database (see conftest.py);
time is never frozen. Screenshots go to tests/artifacts/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, expect

from tests.browser.conftest import needs_chromium, shot, signed_in, told
from tests.browser.test_accessibility import AXE, FAILING, axe_violations, described, sideways

pytestmark = [needs_chromium, pytest.mark.slow]  # a real server and Chromium per test

KR_CA = (
    Path(__file__).parents[1] / "fixtures" / "intake" / "kr-ca_cyber-consultation_2026-03-13_ko.txt"
)
TITLE = "한-캐나다 안보·국방 협력 파트너십 수립"


def test_an_officer_confirms_a_press_release_with_one_link_unticked_and_one_status_changed(
    server: str, browser: Browser
) -> None:
    page = signed_in(browser, server, "jwjung")
    if AXE.exists():
        page.context.add_init_script(path=AXE)
    refused: list[str] = []  # what the page's Content-Security-Policy blocked, if anything

    def watch(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", watch)
    page.goto(f"{server}/agreements/kr-ca-2025")
    page.get_by_role("main").get_by_role("link", name="후속 문서 반영").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("후속 문서 반영")
    form = page.get_by_role("form", name="후속 문서 반영")
    expect(form.get_by_label("대상 합의문서")).to_have_value("kr-ca-2025")
    if AXE.exists():
        failing = [v for v in axe_violations(page) if v["impact"] in FAILING]
        assert not failing, described(failing)
    shot(page, "follow-up-form")
    form.get_by_label("후속 문서 본문").fill(KR_CA.read_text(encoding="utf-8"))
    form.get_by_role("button", name="제안 검토").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("후속 문서 검토")
    meeting = page.get_by_role("checkbox", name="1번 회의 반영")
    expect(meeting).to_be_checked()
    expect(page.get_by_role("checkbox", name="2번 회의 반영")).not_to_be_checked()
    for ref in ("17.1", "7.5", "18.1"):
        expect(page.get_by_role("checkbox", name=f"{ref} 반영", exact=True)).to_be_checked()
    expect(page.get_by_label("7.5 반영할 상태")).to_have_value("achieved")
    if AXE.exists():
        failing = [v for v in axe_violations(page) if v["impact"] in FAILING]
        assert not failing, described(failing)
    shot(page, "follow-up-review-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    assert sideways(page) == []
    shot(page, "follow-up-review-390")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.get_by_role("checkbox", name="18.1 반영", exact=True).uncheck()
    page.get_by_label("7.5 반영할 상태").select_option(label="진행 중")
    page.get_by_role("button", name="고른 항목 반영").click()

    page.wait_for_url(f"{server}/agreements/kr-ca-2025")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(told(page, "후속 문서를 반영했습니다: 회의 1건, 이행현황 3건 기록")).to_have_count(1)
    outline = page.get_by_role("region", name="조항과 이행과제")

    def listed(ref: str) -> str:
        link = page.get_by_role("link", name=ref, exact=True)
        return str(outline.get_by_role("listitem").filter(has=link).inner_text())

    assert re.match(r"7\.5\s+진행 중", listed("7.5"))
    assert re.match(r"17\.1\s+상시 이행", listed("17.1"))
    assert re.match(r"18\.1\s+점검 전", listed("18.1"))  # unticked: left as it was

    page.get_by_role("link", name="7.5", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("진행 중")
    history = page.get_by_role("region", name="이력")
    expect(history).to_contain_text("특수작전부대 협력에 대한 MOU")
    expect(history).to_contain_text("2026-03-13")
    shot(page, "follow-up-commitment")
    assert refused == []
