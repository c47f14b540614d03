"""The process's logging: text as the tracker always wrote it, or one JSON object a line.

`configure_logging(settings)` is the one place it is set up (`tracker serve`, each of its
workers, `tracker scheduler run`). `logging.format = "text"` keeps the lines the tracker always
wrote (uvicorn's own, and `time LEVEL logger: message` for ours); `"json"` writes `time` (UTC,
ISO 8601), `level`, `logger`, `message`, `request_id` (set by the web app for the request being
served, `tracker.web.ops`), and on the access line `method`, `path`, `status`, `duration_ms`
and `client`, so a log shipper needs no pattern to read them.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from tracker.config import Settings

REQUEST_ID: ContextVar[str] = ContextVar("tracker_request_id", default="-")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
ACCESS_LOGGER = "tracker.access"
# The fields of the access line, kept as they are in a JSON line (`extra=` of the record).
ACCESS_FIELDS = ("method", "path", "status", "duration_ms", "client")
_HANDLER_MARK = "_tracker_handler"


class RequestIdFilter(logging.Filter):
    """Adds the current request's id (or "-" outside a request) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (non-ASCII kept: Korean stays readable)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", REQUEST_ID.get()),
        }
        for name in ACCESS_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(settings: Settings) -> None:
    """Set up the root logger from `settings.logging` (format and level). Safe to call twice:
    the handler it installed before is replaced, never doubled."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    setattr(handler, _HANDLER_MARK, True)
    handler.addFilter(RequestIdFilter())
    json_lines = settings.logging.format == "json"
    handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(settings.logging.level)
    # Our access line is the JSON one; in text the server's own access line stays as it was.
    logging.getLogger(ACCESS_LOGGER).disabled = not json_lines


def uvicorn_logging(settings: Settings) -> dict[str, Any]:
    """The logging keywords of `uvicorn.run`: its own set-up and access lines for "text"
    (today's output); for "json", none of its own, so its records reach the root logger's
    JSON handler, and our access line (with the request id and duration) in place of its."""
    level = settings.logging.level.lower()
    if settings.logging.format == "json":
        return {"log_config": None, "access_log": False, "log_level": level}
    return {"log_level": level}
