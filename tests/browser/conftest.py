"""What the browser tests share: a real `tracker serve` on loopback over a fresh seeded database
(one per test that changes things, `server`; one per module for tests that only look, `site`),
Debian's Chromium driven by Playwright, signing in, and screenshots.

Time is never frozen here: the server runs in its own process on the real clock.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, sync_playwright
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlmodel import Session

from tests.conftest import CHEAP_HASHER, POSTGRES_URL, TEMPLATES
from tests.factories import import_seed
from tracker.db import keep_calendar_revision, make_engine
from tracker.domain import Role
from tracker.models import OfficerCreate
from tracker.schema import upgrade_database
from tracker.services import accounts
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


LOGS: dict[str, Path] = {}  # each running server's log, by its base URL


def server_log(base: str, tail: int = 3000) -> str:
    """The end of what the server at `base` wrote (a traceback, after a 500)."""
    return LOGS[base].read_text(encoding="utf-8", errors="replace")[-tail:]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def seed(session: Session) -> None:
    """The reference agreement and four accounts: its desk officer (jwjung), an officer of
    another division (sypark), an administrator (admin) and a reader (viewer)."""
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
    reader = add_officer(
        OfficerCreate(name="이열람", role=Role.VIEWER), session=session, actor="test"
    )
    add_account(reader, login="viewer", password=PASSWORD, session=session, actor="test")
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


@contextmanager
def serving(config_file: Path, prepare: Callable[[], None]) -> Iterator[str]:
    """`tracker serve` over the database of `config_file`, whose schema is already in place: the
    server process starts while `prepare` writes the seed (it reads nothing before the first
    request). Yields the base URL; the server is stopped afterwards."""
    log = config_file.parent / "serve.log"
    process, base = start_server(config_file, log)
    try:
        prepare()
        for attempt in (1, 2, 3):
            if came_up(process, base, log):
                break
            if attempt == 3:
                tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
                raise AssertionError(f"tracker serve exited three times:\n{tail}")
            process, base = start_server(config_file, log)  # on another free port
        LOGS[base] = log
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def server(session: Session, config_file: Path) -> Iterator[str]:
    """The base URL of `tracker serve` over this test's own database (the `session` fixture
    has upgraded its schema)."""
    with serving(config_file, lambda: seed(session)) as base:
        yield base


@contextmanager
def module_database(folder: Path, migrated_sqlite: Path) -> Iterator[str]:
    """A database of its own for one module, at head: a copy of the migrated SQLite file, or a
    throw-away schema in the PostgreSQL named by TRACKER_TEST_DATABASE_URL (as tests/conftest.py
    gives each test)."""
    if not POSTGRES_URL:
        path = folder / "var" / "tracker.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(migrated_sqlite, path)
        yield f"sqlite:///{path}"
        return
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, migrated_sqlite: Path) -> Iterator[str]:
    """The base URL of one `tracker serve` over one seeded database for a whole module: for
    tests that look at pages (and change nothing another test of the module looks at), where a
    server and a seed per test would cost more than the looking."""
    folder = tmp_path_factory.mktemp("site")
    with module_database(folder, migrated_sqlite) as url:
        config_file = folder / "config.toml"
        config_file.write_text(
            f'[database]\nurl = "{url}"\n[paths]\ntemplates = "{TEMPLATES}"\n',
            encoding="utf-8",
        )
        engine = make_engine(url)
        if POSTGRES_URL:
            upgrade_database(engine)

        def prepare() -> None:
            # The module outlives the per-test patch of tests/conftest.py: hash as it does.
            with pytest.MonkeyPatch.context() as patch, Session(engine) as session:
                patch.setattr(accounts, "_hasher", lambda: CHEAP_HASHER)
                keep_calendar_revision(session)
                seed(session)

        try:
            with serving(config_file, prepare) as base:
                yield base
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per test module; each test opens its own contexts (own cookies)."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture(autouse=True)
def _close_contexts(browser: Browser) -> Iterator[None]:
    """The browser outlives a test; the windows a test opened do not (those a module fixture
    opened before it are the module's)."""
    kept = set(browser.contexts)
    yield
    for context in browser.contexts:
        if context not in kept:
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


def told(page: Page, words: str) -> Locator:
    """The status messages on the page (a flash after a redirect, or the page's own) that say
    `words`: a test expects one, not the same news twice."""
    return page.get_by_role("status").filter(has_text=words)


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
