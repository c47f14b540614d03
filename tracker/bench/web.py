"""The web load test: `tracker bench-web` (and `make bench-web`).

A fresh database (a SQLite file in a temporary folder, or a throw-away schema in the PostgreSQL
database given with `--database-url`) gets the seed agreement and one officer account per
simulated user. The real server (`tracker serve`, uvicorn) is started as a child process on
127.0.0.1 and always stopped at the end.

Each user is a thread with its own `httpx.Client` (keep-alive, as a browser): it signs in once
(timed apart: Argon2 is slow on purpose), then, until the deadline, loads the dashboard, the
agreements list, the seed agreement and one of its commitments. Every few rounds a user whose
division owns the seed's commitments reads a "hot" commitment's form (CSRF token and version)
and posts a status update with a note no other update has: 303 is saved, 409 is a conflict
(another user saved that commitment in between; expected, counted apart). The other half of
the users only browse. The command's default think time is 1 s (±50 %) before each request,
as a person reads a page before the next click; `--think-ms 0` measures saturation instead.

An error is a 5xx, any other unexpected status, or a connection error. At the end the database
is read back: every note answered 303 must be stored exactly once, and no note of this run may
be stored that was not answered 303 (a lost or a phantom update).
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlmodel import col, select

from tracker.bench.scale.builder import build_portfolio
from tracker.bench.scratch import PASSWORD, Scratch
from tracker.bench.seed import seed_database
from tracker.db import check_connection, make_engine, read_session, write_session
from tracker.domain import Role

HOT_COMMITMENTS = 4  # updates go to these, so that users do meet on the same commitment
UPDATE_EVERY = 3  # an updating user posts in rounds 1, 4, 7...
UPDATE_STATUSES = ("in_progress", "ongoing", "stalled")
MAX_ERRORS_PER_USER = 20  # a user stops after this many (a dead server must not spin)
REQUEST_TIMEOUT = 30.0

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_VERSION = re.compile(r'name="version" value="(\d+)"')

# Routes as reported, in the order a round visits them.
DASHBOARD = "GET /"
AGREEMENTS = "GET /agreements"
AGREEMENT = "GET /agreements/{key}"
COMMITMENT = "GET /commitments/{key}:{ref}"
UPDATE = "POST /commitments/{key}:{ref}/status"
PAGES = (DASHBOARD, AGREEMENTS, AGREEMENT, COMMITMENT)


@dataclass(frozen=True)
class LoadUser:
    login: str
    editor: bool  # in the division that owns the seed's commitments: may update them


@dataclass
class UserResult:
    """What one simulated user saw."""

    login: str
    sign_in_ms: float = 0.0
    timings: dict[str, list[float]] = field(default_factory=dict)
    accepted: list[str] = field(default_factory=list)  # notes answered 303
    conflicted: list[str] = field(default_factory=list)  # notes answered 409
    unknown: list[str] = field(default_factory=list)  # notes whose post failed otherwise
    errors: list[str] = field(default_factory=list)

    def timed(self, route: str, ms: float) -> None:
        self.timings.setdefault(route, []).append(ms)


@dataclass(frozen=True)
class RouteFigures:
    route: str
    count: int
    p50: float
    p95: float
    max: float
    goal_ms: float

    @property
    def met(self) -> bool:
        return self.p95 <= self.goal_ms


@dataclass(frozen=True)
class WebLoadReport:
    backend: str
    users: int
    editors: int
    seconds: float  # the measured window (sign-in excluded)
    think_ms: float
    routes: tuple[RouteFigures, ...]
    sign_in: RouteFigures
    accepted: int
    conflicts: int
    errors: tuple[str, ...]
    lost: tuple[str, ...]  # answered 303, not stored
    duplicated: tuple[str, ...]  # answered 303, stored more than once
    phantom: tuple[str, ...]  # stored, but not answered 303 (a 409 must save nothing)
    unknown_saved: int  # posts that failed without an answer, and were stored anyway
    server_log: str = ""  # its last lines, kept when something went wrong
    server_cpu: float | None = None  # CPU seconds the server used in the window (Linux)
    workers: int = 1  # uvicorn worker processes
    servers: int = 1  # `tracker serve` processes side by side, each with `workers`
    client_cpu: float | None = None  # CPU seconds this process (the users) used in the window

    @property
    def requests(self) -> int:
        return sum(route.count for route in self.routes)

    @property
    def lost_updates(self) -> int:
        return len(self.lost) + len(self.duplicated) + len(self.phantom)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.lost_updates

    def lines(self) -> list[str]:
        think = f"{self.think_ms:.0f} ms think time" if self.think_ms else "no think time"
        out = [
            f"web load on {self.backend}: {self.users} users ({self.editors} updating), "
            f"{self.seconds:.1f} s, {think}, "
            + ("one uvicorn process" if self.workers == 1 else f"{self.workers} uvicorn workers")
            + (f" in each of {self.servers} servers" if self.servers > 1 else "")
            + " on 127.0.0.1",
            f"{'route':<42} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  goal p95",
        ]
        for route in (*self.routes, self.sign_in):
            goal = (
                ("met" if route.met else "MISSED") + f" (<= {route.goal_ms:.0f} ms)"
                if route.goal_ms
                else "-"
            )
            out.append(
                f"{route.route:<42} {route.count:>7,} {route.p50:>8.1f} {route.p95:>8.1f} "
                f"{route.max:>8.1f}  {goal}"
            )
        rate = self.requests / self.seconds if self.seconds else 0.0
        out += [
            f"requests: {self.requests:,} ({rate:,.1f}/s, sign-in not counted)",
            f"status updates saved: {self.accepted:,}; refused as conflicts (409): "
            f"{self.conflicts:,}",
            f"errors: {len(self.errors):,}",
            f"lost updates: {self.lost_updates:,} (saved but missing {len(self.lost)}, "
            f"stored twice {len(self.duplicated)}, stored though not saved {len(self.phantom)})",
        ]
        if self.server_cpu is not None and self.client_cpu is not None and self.seconds:
            out.append(
                f"CPU in the window: server {self.server_cpu:.1f} s "
                f"({self.server_cpu / self.seconds:.0%} of one core), "
                f"users {self.client_cpu:.1f} s ({self.client_cpu / self.seconds:.0%})"
            )
        if self.unknown_saved:
            out.append(f"posts that failed but were stored: {self.unknown_saved:,}")
        out += [f"  error: {error}" for error in self.errors[:10]]
        if len(self.errors) > 10:
            out.append(f"  ... and {len(self.errors) - 10:,} more errors")
        if self.server_log and not self.ok:
            out += ["server log, last lines:", self.server_log]
        return out


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (0 for no samples)."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def figures(route: str, samples: Sequence[float], goal_ms: float) -> RouteFigures:
    return RouteFigures(
        route,
        len(samples),
        percentile(samples, 0.50),
        percentile(samples, 0.95),
        max(samples, default=0.0),
        goal_ms,
    )


# --- setup ----------------------------------------------------------------------------------


def prepare_database(url: str, *, users: int) -> tuple[list[LoadUser], list[str]]:
    """Migrate, import the seed as `tracker demo` does, and add one officer account per user:
    every other one (the first included) in the division that owns the seed's commitments,
    each owning a share of them (their dashboard lists them); the rest in another division.
    Returns the users and the seed's tracked commitments as KEY:REF."""
    from tracker.models import Division, OfficerCreate
    from tracker.services.accounts import add_account
    from tracker.services.lookup import find_commitment
    from tracker.services.owners import OwnerChange, add_officer, assign_owner

    references = seed_database(url)
    engine = make_engine(url)
    people: list[LoadUser] = []
    try:
        with write_session(engine) as session:
            first = find_commitment(references[0], session=session)
            division = session.get(Division, first.division_id) if first.division_id else None
            if division is None:
                raise RuntimeError("the seed's commitments have no division")
            editors = []
            for number in range(users):
                editor = number % 2 == 0
                officer = add_officer(
                    OfficerCreate(name=f"부하시험 {number:02d}", role=Role.OFFICER),
                    session=session,
                    actor="bench-web",
                    division=division.name if editor else "부하시험과",
                )
                login = f"load{number:02d}"
                add_account(officer, login=login, password=PASSWORD, session=session, actor="b")
                people.append(LoadUser(login, editor))
                if editor:
                    editors.append(officer)
            for index, reference in enumerate(references):
                assign_owner(
                    find_commitment(reference, session=session),
                    OwnerChange(officer=editors[index % len(editors)]),
                    session=session,
                    actor="bench-web",
                )
    finally:
        engine.dispose()
    return people, references


def write_config(folder: Path, url: str, templates: Path, *, storage: str = "filesystem") -> Path:
    """A server's config in `folder`: its own reports and evidence folders, as on a machine of
    its own; `storage` "database" shares the files through the database instead."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    # JSON strings are valid TOML basic strings.
    path.write_text(
        f"[database]\nurl = {json.dumps(url)}\n[paths]\ntemplates = {json.dumps(str(templates))}\n"
        f"[storage]\nbackend = {json.dumps(storage)}\n",
        encoding="utf-8",
    )
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(
    config: Path, port: int, log: Path, *, workers: int = 1
) -> subprocess.Popen[bytes]:
    """`tracker --config CONFIG serve` on 127.0.0.1:PORT, output to `log`; the environment's
    TRACKER_* settings are left out so that the config file is what the server reads."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    command = [sys.executable, "-m", "tracker", "--config", str(config), "serve"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    with log.open("wb") as out:
        return subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=environment
        )


def wait_until_healthy(
    process: subprocess.Popen[bytes], base_url: str, log: Path, timeout: float = 30.0
) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{_tail(log)}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer /healthz within {timeout:.0f} s:\n{_tail(log)}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of process `pid` and its children so far (the workers of
    `serve --workers N`); None where /proc is missing."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            children += [int(child) for child in task.read_text().split()]
        except (OSError, ValueError):
            continue
    return own + sum(_cpu_seconds(child) or 0.0 for child in children)


def _servers_cpu(processes: Sequence[subprocess.Popen[bytes]]) -> float | None:
    """CPU seconds the servers used so far, together (None where /proc is not)."""
    seconds = [_cpu_seconds(process.pid) for process in processes]
    return None if any(s is None for s in seconds) else sum(s for s in seconds if s is not None)


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def _tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


def _first_traceback(log: Path, lines: int = 15) -> str:
    """The end of the first traceback in the server's log (where it failed, and why)."""
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    at = text.find("Traceback")
    if at < 0:
        return ""
    block: list[str] = []
    for line in text[at:].splitlines():
        block.append(line)
        if len(block) > 1 and line and not line[0].isspace():
            break  # the exception's own line ends the traceback
    return "\n".join(block[-lines:])


# --- one simulated user ---------------------------------------------------------------------


class _Stop(Exception):
    pass


class _Browser:
    """One user's client: timed requests, every unexpected answer recorded as an error."""

    def __init__(self, base_url: str, result: UserResult, deadline: list[float]) -> None:
        import httpx

        self.base_url = base_url
        self.client = httpx.Client(
            base_url=base_url, follow_redirects=False, timeout=REQUEST_TIMEOUT
        )
        self.result = result
        self.deadline = deadline  # one cell, set once every user has signed in

    def request(
        self,
        route: str,
        method: str,
        path: str,
        *,
        expected: tuple[int, ...] = (200,),
        data: dict[str, str] | None = None,
        timed: bool = True,
    ) -> tuple[int, str] | None:
        """The status and body, or None (an error, recorded) when the answer was unexpected."""
        import httpx

        if timed and time.monotonic() >= self.deadline[0]:
            raise _Stop
        started = time.perf_counter()
        try:
            response = self.client.request(method, path, data=data)
        except httpx.HTTPError as exc:
            self._error(f"{method} {path}: {type(exc).__name__}: {exc}")
            return None
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code not in expected:
            snippet = " ".join(response.text[:200].split())
            self._error(f"{method} {path}: {response.status_code} {snippet}")
            return None
        if timed:
            self.result.timed(route, elapsed)
        return response.status_code, response.text

    def _error(self, message: str) -> None:
        self.result.errors.append(message)
        if len(self.result.errors) >= MAX_ERRORS_PER_USER:
            raise _Stop

    def reconnect(self) -> None:
        """New connections, same cookies. uvicorn closes a keep-alive connection left idle for
        5 s, as waiting for the others to sign in may leave it, and a request sent as it
        closes fails with a connection reset (a browser would silently retry it)."""
        import httpx

        cookies = self.client.cookies
        self.client.close()
        self.client = httpx.Client(
            base_url=self.base_url, cookies=cookies, follow_redirects=False, timeout=REQUEST_TIMEOUT
        )

    def close(self) -> None:
        self.client.close()


def run_user(
    base_url: str,
    user: LoadUser,
    number: int,
    *,
    references: Sequence[str],
    marker: str,
    start: threading.Barrier,
    deadline: list[float],
    think_ms: float,
) -> UserResult:
    result = UserResult(user.login)
    browser = _Browser(base_url, result, deadline)
    chooser = random.Random(number)
    key = references[0].split(":", 1)[0]
    hot = references[:HOT_COMMITMENTS]
    updates = 0

    def think() -> None:
        if think_ms:
            time.sleep(think_ms * chooser.uniform(0.5, 1.5) / 1000)

    try:
        try:
            signed = _sign_in(browser, user)
        finally:
            start.wait()  # the window opens once every user has tried to sign in
        if not signed:
            return result
        browser.reconnect()
        rounds = 0
        while True:
            rounds += 1
            updating = user.editor and rounds % UPDATE_EVERY == 1  # the first round too
            reference = chooser.choice(hot if updating else references)
            for route, path in (
                (DASHBOARD, "/"),
                (AGREEMENTS, "/agreements"),
                (AGREEMENT, f"/agreements/{key}"),
                (COMMITMENT, f"/commitments/{reference}"),
            ):
                think()
                page = browser.request(route, "GET", path)
            if not updating or page is None:
                continue
            csrf, version = _CSRF.search(page[1]), _VERSION.search(page[1])
            if csrf is None or version is None:
                browser._error(f"GET /commitments/{reference}: no status form for {user.login}")
                continue
            updates += 1
            note = f"{marker} {user.login} update {updates}"
            form = {
                "csrf": csrf.group(1),
                "version": version.group(1),
                "status": UPDATE_STATUSES[updates % len(UPDATE_STATUSES)],
                "note": note,
            }
            think()
            answer = browser.request(
                UPDATE, "POST", f"/commitments/{reference}/status", data=form, expected=(303, 409)
            )
            if answer is None:
                result.unknown.append(note)
            elif answer[0] == 303:
                result.accepted.append(note)
            else:
                result.conflicted.append(note)
    except _Stop:
        pass
    except Exception as exc:  # anything else ends this user, and is reported
        result.errors.append(f"{user.login}: {type(exc).__name__}: {exc}")
    finally:
        browser.close()
    return result


def _sign_in(browser: _Browser, user: LoadUser) -> bool:
    started = time.perf_counter()
    page = browser.request("GET /login", "GET", "/login", timed=False)
    csrf = _CSRF.search(page[1]) if page else None
    if csrf is None:
        browser.result.errors.append(f"{user.login}: the sign-in page has no CSRF token")
        return False
    form = {"login": user.login, "password": PASSWORD, "csrf": csrf.group(1), "next": "/"}
    if browser.request("POST /login", "POST", "/login", data=form, expected=(303,), timed=False):
        browser.result.sign_in_ms = (time.perf_counter() - started) * 1000
        return True
    return False


# --- the whole run --------------------------------------------------------------------------


def run_web_load(
    url: str,
    folder: Path,
    templates: Path,
    *,
    users: int = 20,
    seconds: float = 60.0,
    think_ms: float = 0.0,
    workers: int = 1,
    page_goal_ms: float = 100.0,
    update_goal_ms: float = 200.0,
    portfolio: int = 0,
    servers: int = 1,
) -> WebLoadReport:
    """Load-test the web app on the empty database at `url` (files go in `folder`); with
    `portfolio`, over that many agreements built as `tracker bench-scale` builds them, beside
    the seed the users work on. With `servers` above 1, as many `tracker serve` processes run
    side by side, each in a folder of its own (as on machines of their own) over the one
    database, files shared through it, and the users take turns among them."""
    if users < 1 or seconds <= 0:
        raise ValueError("give at least one user and a positive duration")
    folder.mkdir(parents=True, exist_ok=True)
    backend = make_url(url).get_backend_name()
    sqlite_path = make_url(url).database if backend == "sqlite" else None
    if sqlite_path:
        Path(sqlite_path).parent.mkdir(parents=True, exist_ok=True)
    if portfolio:
        build_portfolio(url, agreements=portfolio)
    people, references = prepare_database(url, users=users)
    storage = "database" if servers > 1 else "filesystem"
    homes = [folder] if servers == 1 else [folder / f"server-{n + 1}" for n in range(servers)]
    configs = [write_config(home, url, templates, storage=storage) for home in homes]
    logs = [home / "server.log" for home in homes]
    ports = [free_port() for _ in homes]
    base_urls = [f"http://127.0.0.1:{port}" for port in ports]
    marker = f"bench-web {uuid.uuid4().hex[:10]}"
    running = [
        start_server(config, port, log, workers=workers)
        for config, port, log in zip(configs, ports, logs, strict=True)
    ]
    results: list[UserResult | None] = [None] * users
    window = 0.0
    server_cpu: float | None = None
    client_cpu: float | None = None
    try:
        for process, base_url, each_log in zip(running, base_urls, logs, strict=True):
            wait_until_healthy(process, base_url, each_log)
        deadline = [float("inf")]
        opened: list[float] = []

        cpu: list[tuple[float | None, float]] = []

        def open_window() -> None:  # run by one thread when every user has signed in
            opened.append(time.monotonic())
            deadline[0] = opened[0] + seconds
            cpu.append((_servers_cpu(running), _own_cpu()))

        start = threading.Barrier(users, action=open_window, timeout=REQUEST_TIMEOUT * 4)

        def work(number: int) -> None:
            results[number] = run_user(
                base_urls[number % len(base_urls)],
                people[number],
                number,
                references=references,
                marker=marker,
                start=start,
                deadline=deadline,
                think_ms=think_ms,
            )

        threads = [
            threading.Thread(target=work, args=(n,), name=f"bench-web-{n}", daemon=True)
            for n in range(users)
        ]
        for thread in threads:
            thread.start()
        limit = time.monotonic() + REQUEST_TIMEOUT * 5 + seconds
        for thread in threads:
            thread.join(timeout=max(0.1, limit - time.monotonic()))
        window = time.monotonic() - opened[0] if opened else 0.0
        window = min(window, seconds) if window else seconds
        server_after, client_after = _servers_cpu(running), _own_cpu()
        if cpu and cpu[0][0] is not None and server_after is not None:
            server_cpu, client_cpu = server_after - cpu[0][0], client_after - cpu[0][1]
    finally:
        for process in running:
            stop_server(process)
    stuck = [people[n].login for n, r in enumerate(results) if r is None]
    done = [r for r in results if r is not None]
    errors = [f"{login}: did not finish in time" for login in stuck]
    errors += [error for r in done for error in r.errors]
    for process, each_log in zip(running, logs, strict=True):
        if process.returncode not in (0, None, -15):
            errors.append(f"a server exited with {process.returncode}:\n{_tail(each_log)}")
    report = tally(
        url,
        done,
        people=people,
        window=window,
        think_ms=think_ms,
        marker=marker,
        errors=errors,
        goals=(page_goal_ms, update_goal_ms),
        server_log="\n".join(_first_traceback(each) or _tail(each) for each in logs),
    )
    return dataclasses.replace(
        report, server_cpu=server_cpu, client_cpu=client_cpu, workers=workers, servers=servers
    )


def tally(
    url: str,
    results: Sequence[UserResult],
    *,
    people: Sequence[LoadUser],
    window: float,
    think_ms: float,
    marker: str,
    errors: list[str],
    goals: tuple[float, float],
    server_log: str,
) -> WebLoadReport:
    """The figures of a run, with the stored status updates whose note starts with `marker`
    checked against what the users were answered."""
    from tracker.models import StatusUpdate

    engine = make_engine(url)
    try:
        with read_session(engine) as session:
            stored = Counter(
                session.exec(
                    select(StatusUpdate.narrative).where(
                        col(StatusUpdate.narrative).startswith(marker)
                    )
                ).all()
            )
    finally:
        engine.dispose()
    accepted = [note for r in results for note in r.accepted]
    refused = {note for r in results for note in r.conflicted}
    unknown = {note for r in results for note in r.unknown}
    answered = set(accepted) | unknown  # a 303, or no answer at all (counted as an error)
    page_goal, update_goal = goals
    routes = []
    for route in (*PAGES, UPDATE):
        samples = [ms for r in results for ms in r.timings.get(route, [])]
        routes.append(figures(route, samples, update_goal if route == UPDATE else page_goal))
    sign_ins = [r.sign_in_ms for r in results if r.sign_in_ms]
    return WebLoadReport(
        backend="SQLite" if make_url(url).get_backend_name() == "sqlite" else "PostgreSQL",
        users=len(people),
        editors=sum(1 for p in people if p.editor),
        seconds=window,
        think_ms=think_ms,
        routes=tuple(routes),
        sign_in=figures("sign-in (GET + POST /login, not counted)", sign_ins, 0.0),
        accepted=len(accepted),
        conflicts=len(refused),
        errors=tuple(errors),
        lost=tuple(note for note in accepted if stored[note] == 0),
        duplicated=tuple(note for note in accepted if stored[note] > 1),
        phantom=tuple(note for note in stored if note not in answered),
        unknown_saved=sum(1 for note in stored if note in unknown),
        server_log=server_log,
    )


def bench_web(
    *,
    users: int,
    seconds: float,
    templates: Path,
    think_ms: float = 0.0,
    workers: int = 1,
    database_url: str | None = None,
    portfolio: int = 0,
    servers: int = 1,
) -> WebLoadReport:
    """`run_web_load` on a SQLite file in a temporary folder, or on a fresh schema in the
    PostgreSQL database `database_url` (dropped afterwards); several `servers` need the
    PostgreSQL database."""
    if servers > 1 and database_url is None:
        raise ValueError("several servers share one PostgreSQL database: give --database-url")
    if database_url is not None:
        try:
            backend = make_url(database_url).get_backend_name()
        except ArgumentError:
            backend = ""
        if backend != "postgresql":
            raise ValueError(
                "give a PostgreSQL URL (postgresql+psycopg://USER@HOST:PORT/DB); without "
                "--database-url the load test runs on SQLite"
            )
        engine = make_engine(database_url)
        try:
            check_connection(engine)
        finally:
            engine.dispose()
    with tempfile.TemporaryDirectory(prefix="tracker-bench-web-") as tmp:
        scratch = Scratch(Path(tmp), database_url)
        try:
            return run_web_load(
                scratch.url("web"),
                Path(tmp),
                templates,
                users=users,
                seconds=seconds,
                think_ms=think_ms,
                workers=workers,
                portfolio=portfolio,
                servers=servers,
            )
        finally:
            scratch.close()
