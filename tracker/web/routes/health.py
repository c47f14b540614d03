"""What a load balancer and a monitor ask, without signing in: is the process ready to take
requests (`/readyz`), and what has it done (`/metrics`). (`/healthz`, alive, is beside the
sign-in page in routes/auth.py.)

`/readyz` answers 200 when the database answers, its schema is at this version's head and the
storage takes a write; 503 otherwise, naming the check that failed. The answer names checks
only: never an address, a path or an error's text (those go to the log, with the request id).
"""

from __future__ import annotations

import logging
import time
import uuid
from functools import cache

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from tracker.config import Settings
from tracker.errors import Forbidden, TrackerError
from tracker.schema import head_revision, shipped_head
from tracker.web import metrics
from tracker.web.deps import WebDep
from tracker.web.ops import PEER, peer_allowed

router = APIRouter()
log = logging.getLogger(__name__)
OK = "ok"


@router.get("/readyz")
def ready(web: WebDep) -> JSONResponse:
    checks = readiness(web.settings, web.db)
    status = 200 if all(value == OK for value in checks.values()) else 503
    return JSONResponse(checks, status_code=status)


@router.get("/metrics")
def metrics_page(request: Request, web: WebDep) -> Response:
    if not web.settings.metrics.enabled:
        raise StarletteHTTPException(404)  # as any page that is not there
    # The connecting peer (a trusted proxy's forwarded address does not open the door), and
    # never a request a proxy passed on: with the proxy on this machine every request's peer
    # is 127.0.0.1, which the default `allow` lets in.
    peer = request.scope.get(PEER)
    forwarded = "x-forwarded-for" in request.headers or "forwarded" in request.headers
    if forwarded or not peer_allowed(peer, web.settings.metrics.allowed_networks):
        raise Forbidden("metrics.not_allowed")
    body, content_type = metrics.exposition(web.db)
    return Response(body, media_type=content_type)


def readiness(settings: Settings, engine: Engine) -> dict[str, str]:
    """Each check's answer: "ok", or a word for what is wrong ("failed", "behind", "missing",
    "unchecked" when the database it needs did not answer)."""
    database = _database(engine)
    migrations = _migrations(engine) if database == OK else "unchecked"
    storage = OK if storage_ready(settings, engine) else "failed"
    return {"database": database, "migrations": migrations, "storage": storage}


STORAGE_CHECK_SECONDS = 15.0  # how long a storage probe's answer stands
_storage_checked: dict[tuple[str, ...], tuple[float, bool]] = {}


def storage_ready(settings: Settings, engine: Engine) -> bool:
    """`storage_writable`, asked at most every `STORAGE_CHECK_SECONDS`: a load balancer
    probes every few seconds, anyone may call /readyz, and each probe is two writes."""
    key = (
        settings.storage.backend,
        engine.url.render_as_string(hide_password=True),
        str(settings.resolve(settings.paths.evidence)),
        str(settings.resolve(settings.paths.reports)),
    )
    now = time.monotonic()
    checked = _storage_checked.get(key)
    if checked is None or now - checked[0] > STORAGE_CHECK_SECONDS:
        checked = (now, storage_writable(settings, engine))
        _storage_checked[key] = checked
    return checked[1]


def storage_writable(settings: Settings, engine: Engine) -> bool:
    """Whether evidence and reports can be written now: a small probe stored and removed
    through the configured backend (`tracker.storage`), in each namespace."""
    from tracker.storage import make_store

    storage = make_store(settings, engine)
    for store in (storage.evidence, storage.reports):
        key = f"readiness-probe-{uuid.uuid4().hex}"
        try:
            store.put(key, b"ok")
            store.delete(key)
        except (OSError, SQLAlchemyError, TrackerError):
            log.warning(
                "readiness: %s storage of %s is not writable",
                store.backend,
                store.namespace,
                exc_info=True,
            )
            return False
    return True


def _database(engine: Engine) -> str:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        log.warning("readiness: the database did not answer", exc_info=True)
        return "failed"
    return OK


def _migrations(engine: Engine) -> str:
    # Plain SQL, not alembic's context: a probe every few seconds must not log a line each.
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return "missing"
            revisions = connection.execute(text("SELECT version_num FROM alembic_version"))
            stored = {row[0] for row in revisions}
    except Exception:
        log.warning("readiness: the schema revision could not be read", exc_info=True)
        return "failed"
    if not stored:
        return "missing"
    return OK if stored == {_head()} else "behind"


@cache
def _head() -> str:
    """This version's head revision (from the migration files; alembic only when unsure)."""
    return shipped_head() or head_revision()
