"""HTML to PDF in a child process, with a time limit and a memory cap.

WeasyPrint takes most of a report's time and all of its memory; a runaway layout must not take
the scheduler or the web app down with it. The child stays warm between reports (importing
WeasyPrint alone costs most of a second), and is killed and replaced when a report overruns.
Only files beside the templates may be fetched: text from agreements and notes is escaped, and
even a stray URL in a template cannot reach the network or the rest of the disk.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import resource
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from tracker.errors import TrackerError

WATCH_SECONDS = 0.25  # how often the parent looks at a render's clock and memory
AT_CAP_SECONDS = 2.0  # a child this long at its memory cap is stopped, not left to crawl


class RenderFailed(TrackerError):
    """The PDF could not be made: too slow, too big, or WeasyPrint failed."""


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int
    seconds: float  # time spent in WeasyPrint, in the child
    peak_rss_mb: float  # the child's peak memory


class PdfRenderer:
    """A warm WeasyPrint child: `render(html)` returns the PDF; `close()` stops the child."""

    def __init__(self, *, assets: list[Path], time_limit: float, memory_mb: int) -> None:
        self.assets = [path.resolve() for path in assets]
        self.time_limit = time_limit
        self.memory_mb = memory_mb
        self._process: Any = None
        self._conn: Connection | None = None

    def __enter__(self) -> PdfRenderer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def render(self, html: str) -> RenderedPdf:
        conn = self._start()
        try:
            conn.send(html)
        except (BrokenPipeError, OSError):
            self._kill()
            raise RenderFailed("render.died_at_start") from None
        self._wait(conn)
        try:
            outcome = conn.recv()
        except EOFError:
            self._kill()
            raise RenderFailed("render.died", memory_mb=self.memory_mb) from None
        if isinstance(outcome, str):
            raise RenderFailed("render.failed", reason=outcome)
        return RenderedPdf(*outcome)

    def _wait(self, conn: Connection) -> None:
        """Until the child answers, watching the clock and its address space: a layout that
        hits the memory cap may not fail at once (C libraries retry, degrade and crawl on at
        the cap for minutes), so a child that stays at its cap is stopped here."""
        deadline = time.monotonic() + self.time_limit
        at_cap = 0
        while not conn.poll(WATCH_SECONDS):
            if time.monotonic() > deadline:
                self._kill()
                raise RenderFailed("render.too_slow", seconds=f"{self.time_limit:g}")
            size = _address_space_mb(self._process.pid if self._process else None)
            at_cap = at_cap + 1 if size is not None and size >= self.memory_mb * 0.97 else 0
            if at_cap * WATCH_SECONDS >= AT_CAP_SECONDS:
                self._kill()
                raise RenderFailed("render.over_memory", memory_mb=self.memory_mb)

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(BrokenPipeError, OSError):
                self._conn.send(None)
        if self._process is not None:
            self._process.join(timeout=5)
            if self._process.is_alive():
                self._process.kill()
        self._process = self._conn = None

    def _start(self) -> Connection:
        if self._process is not None and self._process.is_alive() and self._conn is not None:
            return self._conn
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        self._process = context.Process(
            target=_serve,
            args=(child, [str(path) for path in self.assets], self.memory_mb),
            daemon=True,
            name="tracker-pdf",
        )
        self._process.start()
        child.close()
        self._conn = parent
        return parent

    def _kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join(timeout=5)
        self._process = self._conn = None


def _address_space_mb(pid: int | None) -> float | None:
    """A process's address space in MiB (what RLIMIT_AS caps), or None where /proc is not."""
    if pid is None:
        return None
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) / 1024
    return None


def _serve(conn: Connection, assets: list[str], memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import weasyprint

    roots = [Path(folder) for folder in assets]

    class AssetsOnly(weasyprint.urls.URLFetcher):  # type: ignore[misc]
        """Files beside the templates, and nothing else: no network, no other file."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("file://"):
                path = Path(unquote(url.removeprefix("file://"))).resolve()
                if any(path.is_relative_to(root) for root in roots) and path.is_file():
                    return super().fetch(url, headers)
            raise ValueError(f"refused to fetch {url[:80]}")

    base_url = roots[0].as_uri() + "/" if roots else None
    while True:
        html = conn.recv()
        if html is None:
            return
        started = time.perf_counter()
        try:
            document = weasyprint.HTML(
                string=html, base_url=base_url, url_fetcher=AssetsOnly()
            ).render()
            data = document.write_pdf()
        except MemoryError:
            # The heap may be in pieces: report, then exit so the next report gets a fresh child.
            conn.send(f"over the {memory_mb} MiB memory cap (reports.memory_mb)")
            return
        except Exception as exc:
            conn.send(f"{type(exc).__name__}: {exc}")
            continue
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        conn.send((data, len(document.pages), time.perf_counter() - started, peak))
