"""What the browser tests share: a real `tracker serve` on loopback over a fresh seeded database
(one per test), Debian's Chromium driven by Playwright, signing in, and screenshots.

Time is never frozen here: the server runs in its own process on the real clock.
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
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def seed(session: Session) -> None:
    """The reference agreement and three accounts: its desk officer (jwjung), an officer of
    another division (sypark), and an administrator (admin)."""
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
    admin = add_officer(
        OfficerCreate(name="김관리", role=Role.ADMIN), session=session, actor="test"
    )
    add_account(admin, login="admin", password=PASSWORD, session=session, actor="test")
    session.commit()


def start_server(config_file: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    with log.open("ab") as stderr:
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
            stderr=stderr,
            env=os.environ.copy(),
        )
    return process, f"http://127.0.0.1:{port}"


def came_up(process: subprocess.Popen[bytes], base: str, log: Path) -> bool:
    """True once this process says it listens on `base` and /healthz answers there; False if
    it ended first (say the free port was taken meanwhile by another test run: then whatever
    answers on that port is not ours)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if f"Uvicorn running on {base} " in log.read_text(encoding="utf-8", errors="replace"):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
        time.sleep(0.1)
    raise AssertionError(f"tracker serve did not come up at {base}")


@pytest.fixture
def server(session: Session, config_file: Path) -> Iterator[str]:
    """The base URL of `tracker serve` over this test's own database.

    The schema is already in place (the `session` fixture upgrades it), so the server process
    starts while the seed is written: it reads nothing before the first request.
    """
    log = config_file.parent / "serve.log"
    process, base = start_server(config_file, log)
    try:
        seed(session)
        for attempt in (1, 2, 3):
            if came_up(process, base, log):
                break
            if attempt == 3:
                tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
                raise AssertionError(f"tracker serve exited three times:\n{tail}")
            process, base = start_server(config_file, log)  # on another free port
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per test module; each test opens its own contexts (own cookies)."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture(autouse=True)
def _close_contexts(browser: Browser) -> Iterator[None]:
    """The browser outlives a test; the windows a test opened do not."""
    yield
    for context in browser.contexts:
        context.close()


def signed_in(
    browser: Browser,
    base: str,
    login: str,
    *,
    password: str = PASSWORD,
    viewport: tuple[int, int] = (1366, 900),
) -> Page:
    """A new browser context (its own cookies), signed in through the login form."""
    width, height = viewport
    context = browser.new_context(
        locale="ko-KR", viewport={"width": width, "height": height}, accept_downloads=True
    )
    page = context.new_page()
    page.goto(f"{base}/")
    page.get_by_label("아이디").fill(login)
    page.get_by_label("비밀번호").fill(password)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(f"{base}/")
    return page


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
