"""The scheduler as a real process (issue #6): killed at random points and restarted, every
period is done exactly once and no PDF is ever partial; one scheduler per database; SIGTERM and
SIGINT stop it cleanly.

Each test runs `python -m tracker --config <the test's config> scheduler run ...` in its own
process group, with its output in files and a time limit on every wait, so that a hang fails
instead of blocking the suite. A killed scheduler's claim is retaken once its lease runs out, so
the configs here use a lease of two seconds. Random kills seldom land in the few milliseconds
of writing and renaming a PDF, so those points are also hit on purpose: the same CLI, started
with `python -c`, kills itself there.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.conftest import Cli
from tracker.config import Settings
from tracker.models import JobRun, Report
from tracker.scheduling.ledger import MAX_FAILURES
from tracker.services.due import BRIEF, REVIEW

pytestmark = pytest.mark.slow  # real scheduler processes, killed and restarted

LEASE_SECONDS = 2
AFTER_LEASE = LEASE_SECONDS + 0.3  # long enough for a dead scheduler's claim to be retaken
KILLS = 20
RUN_LIMIT = 120.0  # seconds a `--once` run may take before the test calls it hung
TWO_PLUS_TWO = "2+2"  # bounds the seed's review cycles: a review report before each meeting
DIALOGUE = "외교·국방 정책 대화"  # follows tracked commitments: a brief before each meeting
STOPPED_WITHIN = 10.0
# Logged right after a unit is claimed (every unit here is days late); the brief is then still
# to be rendered, which takes over a second when the renderer has to start first.
CLAIMED_BRIEF = rf"{BRIEF} \S+ for mechanism-\d+ is late by"


# --------------------------------------------------------------------------------------------
# Processes


@dataclass
class Scheduler:
    """One `tracker scheduler run` process, its output in two files."""

    process: subprocess.Popen[bytes]
    out: Path
    err: Path

    @property
    def log(self) -> str:
        return self.err.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, pattern: str, *, timeout: float = 60.0) -> None:
        """Until the log shows `pattern` (a regular expression); fails if the process ends or
        the time runs out first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, self.log):
                return
            if self.process.poll() is not None:
                pytest.fail(
                    f"the scheduler exited ({self.process.returncode}) before logging "
                    f"{pattern!r}:\n{self.log}"
                )
            time.sleep(0.02)
        pytest.fail(f"the scheduler did not log {pattern!r} within {timeout:g} s:\n{self.log}")

    def kill(self) -> None:
        """SIGKILL, as the OOM killer or a power cut would: no handler, no cleanup. Then the
        rest of its process group (the PDF renderer it spawned), so nothing outlives the test."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        _kill_group(self.process.pid)

    def stop(self, signum: signal.Signals, *, within: float = STOPPED_WITHIN) -> int:
        """Send `signum`; the exit code, or a failure if it takes longer than `within`."""
        started = time.monotonic()
        self.process.send_signal(signum)
        try:
            code = self.process.wait(timeout=within)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"the scheduler was still running {within:g} s after {signum.name}")
        assert time.monotonic() - started < within
        _kill_group(self.process.pid)
        return code


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


class Schedulers:
    """Starts schedulers for one test and makes sure none outlives it."""

    def __init__(self, config: Path, folder: Path) -> None:
        self.config = config
        self.folder = folder
        self.started: list[Scheduler] = []

    def start(self, *args: str, boot: str | None = None, **env: str) -> Scheduler:
        number = len(self.started)
        out, err = self.folder / f"scheduler-{number}.out", self.folder / f"scheduler-{number}.err"
        command = (
            [sys.executable, "-m", "tracker"] if boot is None else [sys.executable, "-c", boot]
        )
        with out.open("wb") as stdout, err.open("wb") as stderr:
            process = subprocess.Popen(
                [*command, "--config", str(self.config), "scheduler", "run", *args],
                stdout=stdout,
                stderr=stderr,
                stdin=subprocess.DEVNULL,
                env={**os.environ, **env},
                start_new_session=True,  # its own process group: the renderer dies with it
            )
        scheduler = Scheduler(process, out, err)
        self.started.append(scheduler)
        return scheduler

    def run_once(self, *, timeout: float = RUN_LIMIT) -> Scheduler:
        """`scheduler run --once` to the end; fails if it does not exit 0 in time."""
        scheduler = self.start("--once")
        try:
            code = scheduler.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            scheduler.kill()
            pytest.fail(f"`scheduler run --once` still running after {timeout:g} s")
        assert code == 0, scheduler.log
        return scheduler

    def close(self) -> None:
        for scheduler in self.started:
            if scheduler.process.poll() is None:
                scheduler.kill()


@pytest.fixture
def schedulers(config_file: Path, tmp_path: Path) -> Iterator[Schedulers]:
    logs = tmp_path / "logs"
    logs.mkdir()
    started = Schedulers(config_file, logs)
    yield started
    started.close()


# --------------------------------------------------------------------------------------------
# The world the scheduler works in


def short_lease(config_file: Path) -> None:
    """Append `[schedule] lease_seconds = 2` to the test's config (its database and
    templates stay as conftest wrote them)."""
    with config_file.open("a", encoding="utf-8") as out:
        out.write(f"[schedule]\nlease_seconds = {LEASE_SECONDS}\n")


def plan_meetings(cli: Cli, settings: Settings, *meetings: tuple[str, int]) -> None:
    """Record planned meetings `days` from today (in the tracker's time zone); their reports
    fall due `report_lead_days` (30) before, that is now."""
    today = datetime.now(settings.tz).date()
    for mechanism, days in meetings:
        day = (today + timedelta(days=days)).isoformat()
        result = cli("meetings", "add", mechanism, "--date", day)
        assert result.exit_code == 0, result.output


def seed_with_meetings(cli: Cli, settings: Settings, *meetings: tuple[str, int]) -> None:
    result = cli("demo", "--no-report")
    assert result.exit_code == 0, result.output
    plan_meetings(cli, settings, *meetings)


def ledger(engine: Engine) -> list[JobRun]:
    with Session(engine) as session:
        return list(session.exec(select(JobRun).order_by(col(JobRun.id))).all())


def registry(engine: Engine) -> list[Report]:
    with Session(engine) as session:
        return list(session.exec(select(Report).order_by(col(Report.id))).all())


def reports_folder(settings: Settings) -> Path:
    return settings.resolve(settings.paths.reports)


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def temp_files(folder: Path) -> list[str]:
    """Files the atomic writer left behind: its temp files are named `.<target>.<random>`."""
    return [p.relative_to(folder).as_posix() for p in files_under(folder) if p.name.startswith(".")]


def assert_every_pdf_is_whole(folder: Path) -> None:
    for pdf in folder.rglob("*.pdf"):
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF-"), f"{pdf} does not start like a PDF"
        assert data.rstrip().endswith(b"%%EOF"), f"{pdf} is cut short"


def assert_registry_matches_files(engine: Engine, folder: Path) -> None:
    """Each recorded report names a file that is there, with the recorded fingerprint."""
    for report in registry(engine):
        path = folder / report.path
        assert path.is_file(), f"{report.subject} v{report.version}: {report.path} is missing"
        data = path.read_bytes()
        assert (hashlib.sha256(data).hexdigest(), len(data)) == (
            report.sha256,
            report.size_bytes,
        ), f"{report.path} is not the file that was recorded"


# --------------------------------------------------------------------------------------------
# 1. Killed at random points, twenty times


def test_killed_twenty_times_at_random_points_every_period_is_done_once_and_no_pdf_is_partial(
    cli: Cli,
    settings: Settings,
    config_file: Path,
    engine: Engine,
    schedulers: Schedulers,
) -> None:
    # The seed, a 2+2 in ten days (its review report is due: the lead is 30 days) and a
    # director-general dialogue in five (its brief is due); a lease of two seconds.
    seed_with_meetings(cli, settings, (TWO_PLUS_TWO, 10), (DIALOGUE, 5))
    short_lease(config_file)
    folder = reports_folder(settings)

    # Twenty times: start the scheduler, kill it at a random moment (starting up, rendering,
    # writing, between claim and finish), wait until its claim has run out.
    rng = random.Random(20260006)
    for _ in range(KILLS):
        scheduler = schedulers.start("--once")
        with contextlib.suppress(subprocess.TimeoutExpired):
            scheduler.process.wait(timeout=rng.uniform(0.2, 4.0))
        scheduler.kill()
        time.sleep(AFTER_LEASE)

    # Then one run to the end.
    schedulers.run_once()

    # Every PDF in sight is whole, and every registry row is its file.
    assert_every_pdf_is_whole(folder)
    assert_registry_matches_files(engine, folder)
    # Nothing was done twice: at most one report per subject, at most one PDF per report
    # folder (a retry after a kill between rename and commit overwrites the same name).
    reports = registry(engine)
    subjects = [(r.kind, r.subject) for r in reports]
    assert sorted(subjects) == sorted(set(subjects))
    assert all(r.version == 1 and r.generated_by == "scheduler" for r in reports)
    pdfs = [p.parent for p in folder.rglob("*.pdf")]
    assert sorted(pdfs) == sorted(set(pdfs)), files_under(folder)

    # No hidden leftovers of a killed write (a kill inside the write itself is rare at random;
    # the exact-point tests below make it certain).
    assert temp_files(folder) == []
    # Every period is done: each ledger row finished, both reports among them; a kill is no
    # failure of the work, so nothing was given up.
    runs = ledger(engine)
    undone = [
        f"{r.kind} {r.period} {r.subject}: {r.attempts} failures, error {r.last_error!r}"
        for r in runs
        if r.finished_at is None
    ]
    assert undone == [], f"after {KILLS} kills and a full run, not done: {undone}"
    assert sorted(r.kind for r in runs if r.kind in (REVIEW, BRIEF)) == [BRIEF, REVIEW]
    assert all(r.attempts == 0 and r.last_error == "" for r in runs)
    assert sorted(r.kind.value for r in reports) == ["brief", "review"]
    assert sorted(folder / r.path for r in reports) == sorted(folder.rglob("*.pdf"))


def test_a_report_whose_scheduler_is_killed_more_often_than_failures_are_allowed_is_made(
    cli: Cli,
    settings: Settings,
    config_file: Path,
    engine: Engine,
    schedulers: Schedulers,
) -> None:
    """The ledger gives up on a unit after MAX_FAILURES failures, but a killed process is no
    failure of the work. Each kill here lands right after the claim is logged, while the brief
    renders (starting the renderer alone takes longer than the kill): once more than the
    ledger tolerates failures, and the next run still builds it."""
    seed_with_meetings(cli, settings, (DIALOGUE, 5))
    short_lease(config_file)
    for _ in range(MAX_FAILURES + 1):
        scheduler = schedulers.start("--once")
        scheduler.wait_for(CLAIMED_BRIEF)
        scheduler.kill()
        time.sleep(AFTER_LEASE)
    [run] = [r for r in ledger(engine) if r.kind == BRIEF]
    assert run.finished_at is None and run.claimed_at is not None  # claimed, killed mid-way
    assert (run.attempts, run.last_error) == (0, "")  # and not counted as failures

    schedulers.run_once()

    [run] = [r for r in ledger(engine) if r.kind == BRIEF]
    assert run.finished_at is not None, (
        f"the brief was never built: {run.attempts} failures, last error {run.last_error!r}"
    )
    assert [r.kind.value for r in registry(engine)] == ["brief"]


# --------------------------------------------------------------------------------------------
# 1b. Killed at the exact points random timing rarely hits


# Started as `python -c BOOT --config ... scheduler run --once`: the real CLI, with os.fdopen and
# os.replace wrapped so that the process SIGKILLs itself at KILL_AT, and only for the report's
# temp file (named `.<name>.pdf.<random>` by the atomic writer): half-way through writing it,
# once it is written but not renamed, or once it is renamed but not yet recorded.
BOOT = """
import os, signal, sys

point = os.environ["KILL_AT"]
real_fdopen, real_replace = os.fdopen, os.replace


def is_report_temp(name):
    base = os.path.basename(str(name))
    return base.startswith(".") and ".pdf." in base


def die():
    os.kill(os.getpid(), signal.SIGKILL)


class HalfWriter:
    def __init__(self, fd):
        self.fd = fd

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def write(self, data):
        os.write(self.fd, bytes(data[: len(data) // 2]))
        die()


def fdopen(fd, *args, **kwargs):
    if point == "while-writing" and is_report_temp(os.readlink(f"/proc/self/fd/{fd}")):
        return HalfWriter(fd)
    return real_fdopen(fd, *args, **kwargs)


def replace(src, dst, *args, **kwargs):
    if is_report_temp(src):
        if point == "before-rename":
            die()
        real_replace(src, dst, *args, **kwargs)
        if point == "after-rename":
            die()
        return None
    return real_replace(src, dst, *args, **kwargs)


os.fdopen, os.replace = fdopen, replace
sys.argv[0] = "tracker"
from tracker.cli import main

main()
"""

KILL_POINTS = [
    pytest.param("while-writing", id="while-writing-the-pdf"),
    pytest.param("before-rename", id="written-not-yet-renamed"),
    pytest.param("after-rename", id="renamed-not-yet-recorded"),
]


@pytest.mark.parametrize("point", KILL_POINTS)
def test_killed_at_an_exact_point_of_storing_a_pdf_the_retry_leaves_one_whole_file(
    point: str,
    cli: Cli,
    settings: Settings,
    config_file: Path,
    engine: Engine,
    schedulers: Schedulers,
) -> None:
    seed_with_meetings(cli, settings, (DIALOGUE, 5))
    short_lease(config_file)
    folder = reports_folder(settings)

    killed = schedulers.start("--once", boot=BOOT, KILL_AT=point)
    try:
        code = killed.process.wait(timeout=RUN_LIMIT)
    finally:
        killed.kill()
    assert code == -signal.SIGKILL, killed.log
    assert registry(engine) == []  # the kill came before the commit
    if point == "after-rename":  # a whole PDF that nobody recorded
        [pdf] = files_under(folder)
        assert pdf.name.endswith("_brief_ko_v01.pdf")
        assert_every_pdf_is_whole(folder)
    else:  # the hidden temp file, half or wholly written
        assert len(temp_files(folder)) == 1 and list(folder.rglob("*.pdf")) == []
    time.sleep(AFTER_LEASE)

    schedulers.run_once()

    [run] = [r for r in ledger(engine) if r.kind == BRIEF]
    assert run.finished_at is not None and run.attempts == 0
    [report] = registry(engine)
    assert (report.kind.value, report.version) == ("brief", 1)
    assert_registry_matches_files(engine, folder)
    assert_every_pdf_is_whole(folder)
    assert temp_files(folder) == [], "the killed run's temp file is still there"
    assert files_under(folder) == [folder / report.path]


# --------------------------------------------------------------------------------------------
# 2 and 3. One scheduler per database; SIGTERM and SIGINT stop it


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_second_scheduler_is_refused_while_one_runs_and_starts_once_it_is_stopped(
    signum: signal.Signals, engine: Engine, schedulers: Schedulers
) -> None:
    first = schedulers.start("--check-every", "1")
    first.wait_for(r"scheduler started: checking every 1 s")

    second = schedulers.start("--once")
    assert second.process.wait(timeout=RUN_LIMIT) != 0
    assert second.out.read_text(encoding="utf-8") == ""
    refusals = [line for line in second.log.splitlines() if not _is_log_record(line)]
    assert len(refusals) == 1, second.log
    assert refusals[0].startswith("error: another scheduler is running against this database")
    assert first.process.poll() is None, "the refused scheduler disturbed the running one"

    assert first.stop(signum) == 0, first.log
    assert f"received {signum.name}; stopping" in first.log
    assert "scheduler stopped" in first.log
    assert "Traceback" not in first.log

    schedulers.run_once()


def test_sigterm_while_a_report_renders_stops_in_time_and_the_report_is_made_once(
    cli: Cli,
    settings: Settings,
    config_file: Path,
    engine: Engine,
    schedulers: Schedulers,
) -> None:
    """systemd stops the service in the middle of a brief: the process ends in time with 0;
    the brief is built exactly once, by this run or the next."""
    seed_with_meetings(cli, settings, (DIALOGUE, 5))
    short_lease(config_file)
    folder = reports_folder(settings)

    running = schedulers.start("--check-every", "60")
    running.wait_for(CLAIMED_BRIEF)
    assert running.stop(signal.SIGTERM) == 0, running.log
    time.sleep(AFTER_LEASE)

    schedulers.run_once()

    [run] = [r for r in ledger(engine) if r.kind == BRIEF]
    assert run.finished_at is not None
    [report] = registry(engine)
    assert (report.kind.value, report.version) == ("brief", 1)
    assert_registry_matches_files(engine, folder)
    assert_every_pdf_is_whole(folder)
    assert files_under(folder) == [folder / report.path]


def test_sigterm_during_a_check_stops_after_the_unit_in_hand(
    cli: Cli,
    settings: Settings,
    config_file: Path,
    engine: Engine,
    schedulers: Schedulers,
) -> None:
    """Two briefs are due; SIGTERM comes while the first is under way. The scheduler may
    finish that one, but must not start the second: that is the next run's work."""
    seed_with_meetings(cli, settings, (DIALOGUE, 5), (DIALOGUE, 6))
    short_lease(config_file)
    folder = reports_folder(settings)

    running = schedulers.start("--check-every", "60")
    running.wait_for(CLAIMED_BRIEF)
    assert running.stop(signal.SIGTERM) == 0, running.log
    time.sleep(AFTER_LEASE)
    schedulers.run_once()

    # Whatever the stop did, each brief is built once, whole.
    runs = [r for r in ledger(engine) if r.kind == BRIEF]
    assert len(runs) == 2 and all(r.finished_at is not None for r in runs)
    assert sorted(r.kind.value for r in registry(engine)) == ["brief", "brief"]
    assert_registry_matches_files(engine, folder)
    assert_every_pdf_is_whole(folder)
    assert temp_files(folder) == []

    # The stop itself: nothing claimed after SIGTERM, nothing done after "stopped" (the lock
    # is held until the unit in hand is finished), and the renderer closed, not orphaned.
    log = running.log
    after_signal = log.split("received SIGTERM; stopping", 1)[1]
    after_stopped = log.split("scheduler stopped", 1)[1]
    assert [line for line in after_signal.splitlines() if " is late by " in line] == []
    assert [line for line in after_stopped.splitlines() if " done: " in line] == []
    assert "Traceback" not in log


def test_a_unit_claimed_late_in_a_long_check_is_protected_by_a_live_lease(
    cli: Cli,
    settings: Settings,
    config_file: Path,
    engine: Engine,
    schedulers: Schedulers,
) -> None:
    """Two briefs, then the review report, in one check; the first brief alone (starting the
    renderer) takes longer than the two-second lease. When the review is claimed, its lease
    must run from that moment, not from the start of the check: else `tracker report due`
    could take it over while the scheduler builds it, and build it twice."""
    seed_with_meetings(cli, settings, (DIALOGUE, 5), (DIALOGUE, 6), (TWO_PLUS_TWO, 10))
    short_lease(config_file)

    running = schedulers.start("--once")
    running.wait_for(rf"{REVIEW} \S+ for kr-ca-2025 is late by", timeout=RUN_LIMIT)
    seen = datetime.now(UTC)
    [review] = [r for r in ledger(engine) if r.kind == REVIEW]
    assert running.process.wait(timeout=RUN_LIMIT) == 0, running.log

    assert review.finished_at is None, "the review was done before it could be looked at"
    assert review.lease_until is not None and review.claimed_at is not None
    assert review.lease_until > seen, (
        f"claimed with a lease that ran out {seen - review.lease_until} before it was seen "
        f"(claimed_at {review.claimed_at:%H:%M:%S.%f}, seen {seen:%H:%M:%S.%f})"
    )


_LOG_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ ")


def _is_log_record(line: str) -> bool:
    """A line of the scheduler's log (`2026-11-26 08:02:25,507 INFO name: ...`)."""
    return bool(_LOG_RECORD.match(line))
