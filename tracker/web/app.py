"""`create_app(settings)`: the FastAPI app. Routes (in `tracker.web.routes`) parse the
request, call one service function, and render; every page but sign-in and the health check
needs a signed-in officer, and every form carries a CSRF token."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context
from pydantic import ValidationError
from sqlalchemy.engine import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route

from tracker import words
from tracker.config import Settings, load_settings
from tracker.errors import TrackerError, invalid_fields
from tracker.logs import configure_logging
from tracker.runtime import Runtime
from tracker.services import history
from tracker.services.policy import FollowUpPolicy
from tracker.web import metrics, ops, security
from tracker.web.api import create_api
from tracker.web.assets import STATIC, Assets, mount_assets, status_stylesheet
from tracker.web.deps import SignInRequired, Web, local
from tracker.web.routes import (
    audit,
    auth,
    calendar,
    commitments,
    health,
    home,
    imports,
    intake,
    me,
    reports,
    requests,
    search,
    users,
)

ROUTERS = (
    auth.router,
    health.router,
    home.router,
    commitments.router,
    imports.router,
    intake.router,
    requests.router,
    calendar.router,
    reports.router,
    users.router,
    audit.router,
    me.router,
    search.router,
)


def create_app(settings: Settings, *, engine: Engine | None = None) -> FastAPI:
    templates = settings.resolve(settings.paths.templates)
    pages = Environment(
        # Report macros (status colours) are shared, so chips on pages match the PDFs.
        loader=ChoiceLoader(
            [
                FileSystemLoader(str(templates / "web")),
                PrefixLoader({"reports": FileSystemLoader(str(templates / "reports"))}),
            ]
        ),
        autoescape=select_autoescape(["html"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    words.install(pages)
    pages.globals.update(change_text=_change_text, action_name=_action_name)
    pages.filters["localized"] = _said  # refusals in the page's language
    policy = FollowUpPolicy.from_settings(settings)
    assets = Assets.from_folder(STATIC, {"status.css": status_stylesheet(pages, policy)})
    pages.globals["asset"] = assets.url
    web = Web(
        settings=settings,
        db=engine or Runtime(settings).checked_engine(),
        policy=policy,
        pages=pages,
        secure=settings.web.base_url.startswith("https://"),
    )
    app = FastAPI(title="tracker", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.web = web
    app.router.add_event_handler("shutdown", lambda: reports.close_renderer(app))
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/api", create_api(web))
    mount_assets(app, assets)
    _handle_errors(app, web)
    if settings.metrics.enabled:
        metrics.count_domain_events()
        # Inside the routing's error handling: it sees the route that took the request.
        endpoints = {r.endpoint: r.path for r in app.routes if isinstance(r, Route)}
        app.add_middleware(metrics.RequestMetrics, endpoints=endpoints)
    security.install(app, settings.web)  # every response, the 500 page too
    ops.install(app, settings)  # outermost: a request id and an access line for each of them
    return app


def app_from_environment() -> FastAPI:
    """The app of `tracker serve --workers N`: each worker reads $TRACKER_CONFIG itself, and
    sets up its own logging (a worker is a new process)."""
    settings = load_settings()
    configure_logging(settings)
    return create_app(settings)


def _handle_errors(app: FastAPI, web: Web) -> None:
    limit = web.settings.web.max_request_bytes

    @app.middleware("http")
    async def _hardening(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        declared = request.headers.get("content-length", "0")
        if not declared.isdigit() or int(declared) > limit:
            # Refused before the body is read: a huge upload never reaches the disk. (No
            # visitor is looked up here, in the event loop: the page has its way back.)
            refusal = TrackerError("request.too_large", limit=f"{limit:,}")
            response: Response = web.error_page(request, 413, refusal, look_up=False)
        else:
            response = await call_next(request)
        if request.url.path != "/healthz":  # pages carry names and notes: never kept
            # (a served asset already says how long to keep it: a year, by its hashed name)
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    # Error pages keep the header and menu of a signed-in visitor and say where to go back to
    # (`Web.error_page`). Plain functions: Starlette runs them in its thread pool, so the
    # read that finds the visitor of a page that is not there never holds up the event loop.
    @app.exception_handler(RequestValidationError)
    def _invalid(request: Request, exc: RequestValidationError) -> Response:
        # The fields and the kind of each problem, never the values sent.
        return web.error_page(request, 400, invalid_fields(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # Starlette's own refusals (no such page, a form part over 1 MB...) as a page, not JSON.
        if exc.status_code == 404:
            refusal = TrackerError("page.not_found", path=request.url.path)
        else:
            refusal = TrackerError("api.http", status=exc.status_code)
        response = web.error_page(request, exc.status_code, refusal)
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(Exception)
    def _failed(request: Request, _exc: Exception) -> Response:
        # A fault of ours: the page says so in the reader's language (the error itself goes to
        # the server's log, as before); the database may be the fault, so it is not asked.
        return web.error_page(request, 500, TrackerError("page.failed"), look_up=False)

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, _exc: SignInRequired) -> Response:
        if request.method == "GET":
            query = request.url.query
            target = request.url.path + (f"?{query}" if query else "")
        else:  # a form posted after the session ended: back to the page it was on
            target = _referer(request)
        return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)

    @app.exception_handler(TrackerError)
    def _refused(request: Request, exc: TrackerError) -> Response:
        # What was wrong, in a line, with the status of its kind (403, 404, 409, else 400).
        return web.error_page(request, exc.http_status, exc)


@pass_context
def _change_text(context: Context, entity: str, action: str, detail: dict[str, Any]) -> str:
    """A change record's facts, worded in the page's language (services/history.py)."""
    policy: FollowUpPolicy = context["policy"]
    language = str(context.get("language", "ko"))

    def status_word(code: str, language: str) -> str:
        status = policy.status_of(code)
        return status.ko if language == "ko" else status.en

    return history.describe_change(
        entity, action, detail, language=language, status_word=status_word
    )


@pass_context
def _said(context: Context, message: Any) -> str:
    """The filter `|localized`: a refusal in the page's language; a value a model refused
    names its fields (never pydantic's English); anything else as it is."""
    if isinstance(message, ValidationError):
        message = invalid_fields(message.errors())
    if isinstance(message, TrackerError):
        return message.describe(str(context.get("language", "ko")))
    return "" if message is None else str(message)


@pass_context
def _action_name(context: Context, action: str) -> str:
    return history.action_word(action, str(context.get("language", "ko")))


def _referer(request: Request) -> str:
    """The page a request came from, when it is on this site; else the dashboard."""
    page = urlsplit(request.headers.get("referer", ""))
    if page.netloc != request.url.netloc:
        return "/"
    return local(page.path + (f"?{page.query}" if page.query else ""))
