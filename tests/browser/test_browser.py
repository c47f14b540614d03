"""The web app in Debian's Chromium, driven by Playwright: what a desk officer does.

The server runs as a real `tracker serve` process on loopback; time is never frozen here.
Screenshots of the main pages go to tests/artifacts/screenshots/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from sqlmodel import Session

from tests.factories import import_seed
from tracker.domain import Role
from tracker.models import OfficerCreate
from tracker.services.accounts import add_account
from tracker.services.lookup import find_officer
from tracker.services.owners import add_officer

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "correct horse battery"
SHOTS = Path(__file__).parents[1] / "artifacts" / "screenshots"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(session: Session, config_file: Path) -> Iterator[str]:
    import_seed(session)
    desk = find_officer("정진우", session=session)
    add_account(desk, login="jwjung", password=PASSWORD, session=session, actor="test")
    other = add_officer(
        OfficerCreate(name="박서연", role=Role.OFFICER),
        session=session,
        actor="test",
        division="군비통제과",
    )
    add_account(other, login="sypark", password=PASSWORD, session=session, actor="test")
    session.commit()
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tracker",
            "--config",
            str(config_file),
            "serve",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=os.environ.copy(),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise AssertionError("tracker serve did not come up")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


def signed_in(browser: Browser, base: str, login: str) -> Page:
    page = browser.new_context(locale="ko-KR").new_page()
    page.goto(f"{base}/")
    page.get_by_label("아이디").fill(login)
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(f"{base}/")
    return page


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_an_officer_finds_the_seed_agreement_and_records_progress(
    server: str, browser: Browser
) -> None:
    page = signed_in(browser, server, "jwjung")
    shot(page, "dashboard")
    page.get_by_role("link", name="합의문서").first.click()
    page.get_by_label("검색").fill("캐나다")
    page.get_by_role("button", name="검색").click()
    page.get_by_role("link", name="한-캐나다 안보·국방 협력 파트너십 수립").click()
    shot(page, "agreement")
    page.get_by_role("link", name="7.1", exact=True).click()
    assert page.get_by_role("heading", name="이행현황 갱신").is_visible()
    page.get_by_label("진행 상황").select_option("in_progress")
    page.get_by_label("내용(경과)").fill("1차 합동훈련 참관")
    page.get_by_label("근거 링크 (줄마다 하나)").fill("https://www.mofa.go.kr/press/1")
    page.get_by_role("button", name="저장").click()
    history = page.locator("ol").inner_text()
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
    first.get_by_role("button", name="저장").click()
    second.get_by_label("진행 상황").select_option("achieved")
    second.get_by_label("내용(경과)").fill("두 번째 탭의 메모")
    second.get_by_role("button", name="저장").click()
    alert = second.get_by_role("alert").inner_text()
    assert "changed since you read it" in alert and "다른 사람이 먼저 갱신했습니다" in alert
    assert second.get_by_label("내용(경과)").input_value() == "두 번째 탭의 메모"
    shot(second, "conflict")


def test_an_officer_of_another_division_cannot_edit(server: str, browser: Browser) -> None:
    page = signed_in(browser, server, "sypark")
    page.goto(f"{server}/commitments/kr-ca-2025:7.1")
    assert "이 이행과제는 수정 권한이 없습니다." in page.content()
    assert page.get_by_role("button", name="저장").count() == 0
