"""Measure a built portfolio: web pages and API through a real server, CLI commands in their
own processes, one officer's digest, the busiest mechanism's brief and one review report.

The server is `tracker serve` on 127.0.0.1, started, signed into and stopped with the helpers
of the web load test (tracker.bench.web). Pages are named by URL, so whatever paging or
filtering the routes do is what is measured. Each item is run once to warm up, then timed
`samples` times (fewer when one run is slow: at most `BUDGET_S` seconds per item).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tracker.bench.scale.builder import ADMIN, OFFICER, VIEWER, Built
from tracker.bench.web import (
    _CSRF,
    _VERSION,
    LoadUser,
    UserResult,
    _Browser,
    _sign_in,
    free_port,
    percentile,
    start_server,
    stop_server,
    wait_until_healthy,
    write_config,
)

BUDGET_S = 30.0  # per item and size: a page that takes 10 s is measured three times, not seven
UPDATE_STATUSES = ("in_progress", "ongoing", "stalled")

# Goals of issue 13 at 2,000 agreements (p95, or size): shown beside the larger size.
PAGE_GOAL_MS = 150.0
GOALS: dict[str, tuple[float, str]] = {
    "POST /commitments/KEY:REF/status (officer)": (200.0, "ms"),
    "tracker --version": (250.0, "ms"),
    "tracker commitments list -a KEY": (600.0, "ms"),
    "tracker summary --by agreement": (1000.0, "ms"),
    "digest of one officer, HTML size": (60.0, "KB"),
    "web server resident memory after the run": (300.0, "MB"),
}


@dataclass
class Item:
    """One thing measured at one size: its timings (ms), and a size or note beside them."""

    name: str
    samples: list[float] = field(default_factory=list)
    size: str = ""  # "2.9 MB", "12 pages"...
    error: str = ""
    value: float | None = None  # a figure that is not a time (memory, KB)
    unit: str = "ms"

    @property
    def p50(self) -> float:
        return self.value if self.value is not None else percentile(self.samples, 0.50)

    @property
    def p95(self) -> float:
        return self.value if self.value is not None else percentile(self.samples, 0.95)


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / 1024 / 1024:.1f} MB"
    return f"{count / 1024:.1f} KB"


def timed(name: str, work: Callable[[], int | str | None], *, samples: int) -> Item:
    """Warm up once, then time `work` up to `samples` times; what it returns (a byte count,
    or a note) goes beside the figures. An exception ends the item with its message."""
    item = Item(name)
    spent = 0.0
    try:
        work()
        for _ in range(samples):
            started = time.perf_counter()
            result = work()
            elapsed = time.perf_counter() - started
            item.samples.append(elapsed * 1000)
            spent += elapsed
            if isinstance(result, int):
                item.size = _size(result) if result else ""
            elif result:
                item.size = result
            if spent > BUDGET_S and len(item.samples) >= 2:
                break
    except Exception as exc:  # reported in the table; the run goes on
        item.error = f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}"
    return item


# --- the web app ----------------------------------------------------------------------------


def _pages(built: Built) -> dict[str, list[tuple[str, str]]]:
    """(label, path) per account: every page a person of that role opens."""
    key, ref = built.busiest_agreement, built.commitment
    common = [
        ("GET /", "/"),
        ("GET /agreements", "/agreements"),
        ("GET /agreements/KEY", f"/agreements/{key}"),
        # Search (services/search.py): a word in tens of thousands of clauses and commitments
        # (each window fills at once), and one the index finds in a thousand or two.
        ("GET /search?q=캐나다", "/search?q=캐나다"),
        ("GET /search?q=상호운용성", "/search?q=상호운용성"),
        ("GET /commitments/KEY:REF", f"/commitments/{ref}"),
        ("GET /meetings", "/meetings"),
        ("GET /reports", "/reports"),
        ("GET /me/settings", "/me/settings"),
    ]
    admin_only = [("GET /audit", "/audit"), ("GET /users", "/users"), ("GET /import", "/import")]
    return {ADMIN: common + admin_only, OFFICER: common, VIEWER: common}


def _api(built: Built) -> list[tuple[str, str]]:
    key, ref = built.busiest_agreement, built.commitment
    return [
        ("GET /api/agreements", "/api/agreements"),
        ("GET /api/agreements/KEY", f"/api/agreements/{key}"),
        ("GET /api/commitments", "/api/commitments"),
        ("GET /api/commitments?stale=true", "/api/commitments?stale=true"),
        ("GET /api/commitments/KEY:REF", f"/api/commitments/{ref}"),
        ("GET /api/commitments/KEY:REF/history", f"/api/commitments/{ref}/history"),
        ("GET /api/meetings", "/api/meetings"),
        ("GET /api/me", "/api/me"),
    ]


def measure_web(built: Built, folder: Path, templates: Path, *, samples: int) -> list[Item]:
    folder.mkdir(parents=True, exist_ok=True)
    token = _api_token(built.url)
    config = write_config(folder, built.url, templates)
    log = folder / "server.log"
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = start_server(config, port, log)
    items: list[Item] = []
    try:
        wait_until_healthy(server, base_url, log, timeout=60)
        browsers = {}
        for login in (ADMIN, OFFICER, VIEWER):
            browser = _Browser(base_url, UserResult(login), [float("inf")])
            if not _sign_in(browser, LoadUser(login, editor=login != VIEWER)):
                raise RuntimeError(f"{login} could not sign in: {browser.result.errors[:1]}")
            browsers[login] = browser

        def page(browser: _Browser, path: str) -> int:
            answer = browser.request(path, "GET", path, timed=False)
            if answer is None:
                raise RuntimeError(browser.result.errors[-1])
            return len(answer[1].encode("utf-8"))

        for login, pages in _pages(built).items():
            for label, path in pages:
                items.append(
                    timed(
                        f"{label} ({login})",
                        lambda b=browsers[login], p=path: page(b, p),  # type: ignore[misc]
                        samples=samples,
                    )
                )
        api = _Browser(base_url, UserResult("api"), [float("inf")])
        api.client.headers["Authorization"] = f"Bearer {token}"
        for label, path in _api(built):
            items.append(timed(label, lambda p=path: page(api, p), samples=samples))  # type: ignore[misc]

        officer = browsers[OFFICER]
        counter = iter(range(10_000))

        def post_update() -> str:
            path = f"/commitments/{built.commitment}"
            form_page = officer.request(path, "GET", path, timed=False)
            csrf = _CSRF.search(form_page[1]) if form_page else None
            version = _VERSION.search(form_page[1]) if form_page else None
            if csrf is None or version is None:
                raise RuntimeError(f"no status form on {path} for {OFFICER}")
            number = next(counter)
            form = {
                "csrf": csrf.group(1),
                "version": version.group(1),
                "status": UPDATE_STATUSES[number % len(UPDATE_STATUSES)],
                "note": f"bench-scale update {number}",
            }
            started = time.perf_counter()
            answer = officer.request(
                "POST", "POST", f"{path}/status", data=form, expected=(303,), timed=False
            )
            if answer is None:
                raise RuntimeError(officer.result.errors[-1])
            posted.append((time.perf_counter() - started) * 1000)
            return ""

        posted: list[float] = []
        item = timed("POST /commitments/KEY:REF/status (officer)", post_update, samples=samples)
        item.samples = posted[1:]  # the POST alone, not the form read before it
        items.append(item)
        for browser in (*browsers.values(), api):
            browser.close()
        rss = _resident_mb(server.pid)
        items.append(
            Item(
                "web server resident memory after the run",
                value=rss,
                unit="MB",
                error="" if rss is not None else "no /proc here",
            )
        )
    finally:
        stop_server(server)
    return items


def _api_token(url: str) -> str:
    from tracker.db import make_engine, write_session
    from tracker.services.accounts import find_account
    from tracker.services.tokens import issue_token

    engine = make_engine(url)
    try:
        with write_session(engine) as session:
            account = find_account(ADMIN, session=session)
            return issue_token(account, "bench-scale", session=session, actor="bench-scale")[1]
    finally:
        engine.dispose()


def _resident_mb(pid: int) -> float | None:
    """VmRSS of the server and its children (workers), in MB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")), 0)
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in task.read_text().split():
            kb += int((_resident_mb(int(child)) or 0) * 1024)
    return kb / 1024


# --- the command line -----------------------------------------------------------------------


def measure_cli(built: Built, config: Path, *, samples: int) -> list[Item]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    commands = [
        ("tracker --version", ["--version"]),
        ("tracker commitments list -a KEY", ["commitments", "list", "-a", built.busiest_agreement]),
        ("tracker commitments list --stale --json", ["commitments", "list", "--stale", "--json"]),
        ("tracker summary --by agreement", ["summary", "--by", "agreement"]),
    ]

    def run(arguments: Sequence[str]) -> int:
        command = [sys.executable, "-m", "tracker", "--config", str(config), *arguments]
        done = subprocess.run(command, capture_output=True, env=environment, timeout=600)
        if done.returncode != 0:
            raise RuntimeError(f"exit {done.returncode}: {done.stderr.decode()[-300:]}")
        return len(done.stdout)

    return [
        timed(label, lambda a=arguments: run(a), samples=samples)  # type: ignore[misc]
        for label, arguments in commands
    ]


# --- digest, brief, review report -----------------------------------------------------------


def measure_documents(
    built: Built, folder: Path, templates: Path, *, samples: int, render: bool
) -> list[Item]:
    from tracker.config import Settings
    from tracker.db import make_engine, read_session
    from tracker.digests.compose import preview
    from tracker.models import Officer
    from tracker.reports import generate

    settings = Settings(
        base_dir=folder,
        database={"url": built.url},
        paths={"templates": templates, "reports": folder / "reports"},
    )
    engine = make_engine(built.url)
    items: list[Item] = []
    try:

        def digest() -> str:
            with read_session(engine) as session:
                officer = session.get_one(Officer, built.officer_id)
                mail = preview(officer, session=session, settings=settings, now=datetime.now(UTC))
            if mail is None:
                return "nothing to send"
            digest_kb.append(len(mail.html.encode("utf-8")) / 1024)
            return f"HTML {_size(len(mail.html.encode()))}, text {_size(len(mail.text.encode()))}"

        digest_kb: list[float] = []
        items.append(timed("digest of one officer (compose)", digest, samples=samples))
        if digest_kb:
            items.append(Item("digest of one officer, HTML size", value=digest_kb[-1], unit="KB"))
        briefs = samples if not render else 1
        brief_ref = (str(built.busiest_mechanism_id), str(built.brief_meeting_id))

        def brief() -> str:
            with read_session(engine) as session:
                prepared = generate.prepare_brief(*brief_ref, session=session, settings=settings)
            return _document(prepared.html, renderer if render else None)

        def review() -> str:
            with read_session(engine) as session:
                prepared = generate.prepare_review(
                    built.busiest_agreement, session=session, settings=settings
                )
            return _document(prepared.html, renderer if render else None)

        with generate.make_renderer(settings) as renderer:
            if render:
                renderer.render("<p>warm</p>")  # importing WeasyPrint is not part of a report
            if built.brief_meeting_id is None:
                items.append(Item("brief, busiest mechanism", error="it has no meeting"))
            else:
                items.append(timed("brief, busiest mechanism", brief, samples=briefs))
            items.append(timed("review report, busiest agreement", review, samples=briefs))
    finally:
        engine.dispose()
    return items


def _document(html: str, renderer: object | None) -> str:
    size = f"HTML {_size(len(html.encode('utf-8')))}"
    if renderer is None:
        return size
    pdf = renderer.render(html)  # type: ignore[attr-defined]
    return f"{size}, {pdf.pages} pages, PDF {_size(len(pdf.data))}, peak {pdf.peak_rss_mb:.0f} MB"


# --- the table ------------------------------------------------------------------------------


def table(sizes: Sequence[int], runs: Sequence[Sequence[Item]]) -> Iterator[str]:
    """One row per item: p50/p95 at each size, the ratio of the p50s, the goal at the largest."""
    names = list(dict.fromkeys(item.name for run in runs for item in run))
    by_size = [{item.name: item for item in run} for run in runs]
    heads = "".join(f" {f'p50 @{n:,}':>12} {f'p95 @{n:,}':>12}" for n in sizes)
    ratio = "  ratio" if len(sizes) > 1 else ""
    yield f"{'item':<52}{heads}{ratio}  goal / size"
    for name in names:
        cells, last = "", None
        for found in by_size:
            item = found.get(name)
            if item is None or item.error:
                cells += f" {'-':>12} {'-':>12}"
                continue
            unit = "" if item.unit == "ms" else f" {item.unit}"
            cells += f" {item.p50:>12,.1f} {item.p95:>12,.1f}".replace(
                f"{item.p95:>12,.1f}", f"{item.p95:,.1f}{unit}".rjust(12)
            )
            last = item
        first = by_size[0].get(name)
        rate = ""
        if len(sizes) > 1:
            if first and last and first is not last and first.p50 and not first.error:
                rate = f"{last.p50 / first.p50:>7.1f}"
            else:
                rate = f"{'-':>7}"
        notes = []
        goal = GOALS.get(name) or ((PAGE_GOAL_MS, "ms") if name.startswith("GET ") else None)
        if goal and last is not None:
            limit, unit = goal
            notes.append(("met" if last.p95 <= limit else "MISSED") + f" (<= {limit:,.0f} {unit})")
        if last is not None and last.size:
            notes.append(last.size)
        errors = [f"@{n:,}: {f[name].error}" for n, f in zip(sizes, by_size, strict=True)]
        notes += [e for e, f in zip(errors, by_size, strict=True) if name in f and f[name].error]
        yield f"{name:<52}{cells}{rate}  {'; '.join(notes)}"
