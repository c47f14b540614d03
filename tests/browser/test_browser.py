"""The web app in Debian's Chromium, driven by Playwright: what a desk officer does.

The server runs as a real `tracker serve` process on loopback; time is never frozen here.
Screenshots of the main pages go to tests/artifacts/screenshots/.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import needs_chromium, shot, signed_in

pytestmark = [needs_chromium, pytest.mark.slow]  # a real server and Chromium per test

# The server (`server`) and Chromium (`browser`) fixtures are in tests/browser/conftest.py.


def test_an_officer_finds_the_seed_agreement_and_records_progress(
    server: str, browser: Browser
) -> None:
    page = signed_in(browser, server, "jwjung")
    shot(page, "dashboard")
    page.get_by_role("link", name="합의문서").first.click()
    listing = page.get_by_role("main")
    listing.get_by_role("textbox", name="검색").fill("캐나다")
    listing.get_by_role("button", name="검색").click()
    listing.get_by_role("link", name="한-캐나다 안보·국방 협력 파트너십 수립").click()
    shot(page, "agreement")
    page.get_by_role("link", name="7.1", exact=True).click()
    assert page.get_by_role("heading", name="이행현황 갱신").is_visible()
    page.get_by_label("진행 상황").select_option("in_progress")
    page.get_by_label("내용(경과)").fill("1차 합동훈련 참관")
    page.get_by_label("근거 링크 (줄마다 하나)").fill("https://www.mofa.go.kr/press/1")
    page.get_by_role("button", name="저장", exact=True).click()
    history = page.get_by_role("region", name="이력").inner_text()
    assert "진행 중" in history and "1차 합동훈련 참관" in history
    assert "https://www.mofa.go.kr/press/1" in history
    shot(page, "commitment")


def test_two_tabs_on_one_commitment_the_second_is_told_and_keeps_its_text(
    server: str, browser: Browser
) -> None:
    first = signed_in(browser, server, "jwjung")
    second = first.context.new_page()
    for page in (first, second):
        page.goto(f"{server}/commitments/kr-ca-2025:9.1")
    first.get_by_label("내용(경과)").fill("첫 번째 탭")
    first.get_by_role("button", name="저장", exact=True).click()
    second.get_by_label("진행 상황").select_option("achieved")
    second.get_by_label("내용(경과)").fill("두 번째 탭의 메모")
    second.get_by_role("button", name="저장", exact=True).click()
    alert = second.get_by_role("alert").inner_text()
    assert "이 화면을 연 뒤에 다른 변경이 있었습니다" in alert
    assert "다른 사람이 먼저 갱신했습니다" in alert
    assert second.get_by_label("내용(경과)").input_value() == "두 번째 탭의 메모"
    shot(second, "conflict")


def test_an_officer_of_another_division_cannot_edit(server: str, browser: Browser) -> None:
    page = signed_in(browser, server, "sypark")
    page.goto(f"{server}/commitments/kr-ca-2025:7.1")
    assert "이 이행과제는 수정 권한이 없습니다." in page.content()
    assert page.get_by_role("button", name="저장", exact=True).count() == 0
