"""The web app's PDF renderer: one warm WeasyPrint child per app, made on first use.

Sync routes run in a thread pool, and a `PdfRenderer` speaks to its child over one pipe, so
one report renders at a time: the others wait for the lock (at most one time limit and a
little more; then they are told the renderer is busy). The holder lives on
`app.state.report_renderer`, nothing is made at import, and `close_renderer(app)` (a shutdown
hook in `create_app`) stops the child.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

from starlette.applications import Starlette

from tracker.config import Settings
from tracker.reports.generate import make_renderer
from tracker.reports.render import RenderedPdf, RenderFailed

STATE_NAME = "report_renderer"
_HOLDERS = threading.Lock()  # guards making the holder, not rendering


class Renderer(Protocol):
    def render(self, html: str) -> RenderedPdf: ...

    def close(self) -> None: ...


class RendererBusy(RenderFailed):
    """Another report took the renderer for longer than a report may take."""


class SharedRenderer:
    """A renderer made on first use and reused; `render` and `close` take turns."""

    def __init__(self, factory: Callable[[], Renderer], *, wait_seconds: float) -> None:
        self._factory = factory
        self._wait = wait_seconds
        self._lock = threading.Lock()
        self._renderer: Renderer | None = None

    @property
    def started(self) -> bool:
        return self._renderer is not None

    def render(self, html: str) -> RenderedPdf:
        if not self._lock.acquire(timeout=self._wait):
            raise RendererBusy("render.busy")
        try:
            if self._renderer is None:
                self._renderer = self._factory()
            return self._renderer.render(html)
        finally:
            self._lock.release()

    def close(self) -> None:
        """Stop the child; a render still running past the wait is cut short."""
        acquired = self._lock.acquire(timeout=self._wait)
        try:
            if self._renderer is not None:
                self._renderer.close()
                self._renderer = None
        finally:
            if acquired:
                self._lock.release()


def renderer_for(app: Starlette, settings: Settings) -> SharedRenderer:
    """The app's renderer holder, made the first time a report is asked for."""
    with _HOLDERS:
        holder = getattr(app.state, STATE_NAME, None)
        if holder is None:
            holder = SharedRenderer(
                lambda: make_renderer(settings),
                wait_seconds=settings.reports.time_limit_seconds + 15,
            )
            setattr(app.state, STATE_NAME, holder)
    assert isinstance(holder, SharedRenderer)
    return holder


def close_renderer(app: Starlette) -> None:
    """Stop the app's renderer child, if one was started (the app's shutdown hook)."""
    holder = getattr(app.state, STATE_NAME, None)
    if isinstance(holder, SharedRenderer):
        holder.close()
