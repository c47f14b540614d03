"""Every route of the app, walked as each role: who reaches what, and that no form is taken
without its CSRF token. The table below is the issue's role rule written out route by route;
a route added to the app without a line here fails the first test."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from starlette.routing import Mount

from tests.web.helpers import csrf_of, sign_in
from tracker.config import Settings
from tracker.domain import Role
from tracker.models import Account
from tracker.web.app import ROUTERS, create_app

EVERYONE = frozenset(Role)
EDITORS = frozenset({Role.ADMIN, Role.OFFICER})
ADMINS = frozenset({Role.ADMIN})
OPEN = frozenset()  # no sign-in needed

# (method, path) → the roles that may use it.
ACCESS: dict[tuple[str, str], frozenset[Role]] = {
    ("GET", "/healthz"): OPEN,
    ("GET", "/readyz"): OPEN,
    ("GET", "/metrics"): OPEN,  # no sign-in: `metrics.enabled` and `metrics.allow` decide
    ("GET", "/login"): OPEN,
    ("POST", "/login"): OPEN,
    ("POST", "/logout"): EVERYONE,
    ("GET", "/"): EVERYONE,
    ("GET", "/agreements"): EVERYONE,
    ("GET", "/agreements/{key}"): EVERYONE,
    ("GET", "/commitments/{reference}"): EVERYONE,
    ("POST", "/commitments/{reference}/status"): EDITORS,
    ("POST", "/commitments/{reference}/assessment"): EDITORS,
    ("GET", "/evidence/{evidence_id}"): EVERYONE,
    ("GET", "/import"): EDITORS,
    ("POST", "/import/preview"): EDITORS,
    ("POST", "/import/save"): EDITORS,
    ("GET", "/import/{key}/review"): EDITORS,
    ("POST", "/import/{key}/review"): EDITORS,
    ("GET", "/follow-up"): EDITORS,
    ("POST", "/follow-up/review"): EDITORS,
    ("POST", "/follow-up/apply"): EDITORS,
    ("GET", "/requests"): EVERYONE,
    ("POST", "/requests/{request_id}/answer"): EDITORS,
    ("POST", "/requests/{request_id}/close"): EDITORS,
    ("GET", "/meetings"): EVERYONE,
    ("GET", "/search"): EVERYONE,
    ("GET", "/calendar.ics"): EVERYONE,
    ("POST", "/meetings"): EDITORS,
    ("POST", "/meetings/{meeting_id}"): EDITORS,
    ("GET", "/reports"): EVERYONE,
    ("GET", "/reports/{report_id}/download"): EVERYONE,
    ("POST", "/reports/generate"): EDITORS,
    ("GET", "/users"): ADMINS,
    ("POST", "/users/add"): ADMINS,
    ("POST", "/users/disable"): ADMINS,
    ("POST", "/users/enable"): ADMINS,
    ("POST", "/users/role"): ADMINS,
    ("GET", "/audit"): ADMINS,
    ("GET", "/me/settings"): EVERYONE,
    ("POST", "/me/settings"): EVERYONE,
    ("POST", "/me/tokens"): EVERYONE,
    ("POST", "/me/tokens/{token_id}/revoke"): EVERYONE,
}
# Path parameters: real ones where the seed has them, unknown ids where it has none (a 404
# is then the right answer for a role that may look).
SAMPLES = {
    "key": "kr-ca-2025",
    "reference": "kr-ca-2025:7.1",
    "evidence_id": "990",
    "meeting_id": "990",
    "report_id": "990",
    "token_id": "990",
    "request_id": "990",
}
LOGINS = {Role.ADMIN: "admin", Role.OFFICER: "jwjung", Role.VIEWER: "viewer"}


def app_routes(app: FastAPI) -> tuple[set[tuple[str, str]], list[str]]:
    """The app's own routes, and the paths of the JSON API mounted under /api."""
    pages: set[tuple[str, str]] = set()
    api: list[str] = []
    for router in ROUTERS:
        for route in router.routes:
            assert isinstance(route, APIRoute)
            pages |= {(method, route.path) for method in route.methods}
    for route in app.routes:
        if isinstance(route, Mount) and route.path == "/api":
            schema = route.app.openapi()  # type: ignore[attr-defined]
            api += [f"/api{path}" for path, methods in schema["paths"].items() if "get" in methods]
    return pages, api


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: SAMPLES[m.group(1)], path)


@pytest.fixture
def clients(
    web_accounts: dict[str, Account], engine: Engine, settings: Settings
) -> Iterator[dict[Role, TestClient]]:
    """A client signed in as each role (LOGINS, from the shared accounts), and one anonymous."""
    app = create_app(settings, engine=engine)
    opened = {role: TestClient(app, follow_redirects=False) for role in (*Role, None)}
    try:
        for role, client in opened.items():
            if role is not None:
                assert sign_in(client, LOGINS[role]) == "/"
        yield opened  # type: ignore[misc]
    finally:
        for client in opened.values():
            client.close()


def test_every_route_is_in_the_table_and_every_api_path_wants_a_token(
    clients: dict[Role | None, TestClient], settings: Settings, engine: Engine
) -> None:
    anonymous = clients[None]
    pages, api = app_routes(create_app(settings, engine=engine))
    assert pages == set(ACCESS), "classify new routes in ACCESS"
    assert len(api) >= 5
    for path in api:
        if path == "/api/openapi.json":
            continue
        response = anonymous.get(concrete(path))
        assert response.status_code == 401, path
        assert response.headers["www-authenticate"] == "Bearer"


def test_anonymous_visitors_are_sent_to_sign_in_from_every_page_and_form(
    clients: dict[Role | None, TestClient],
) -> None:
    anonymous = clients[None]
    for (method, path), roles in ACCESS.items():
        if not roles:
            continue
        response = anonymous.request(method, concrete(path))
        assert response.status_code == 303, (method, path)
        assert response.headers["location"].startswith("/login?next="), (method, path)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_exactly_what_the_table_allows(
    clients: dict[Role | None, TestClient], role: Role
) -> None:
    client = clients[role]
    csrf = csrf_of(client.get("/me/settings").text)
    for (method, path), roles in sorted(ACCESS.items()):
        if not roles or path == "/logout":
            continue
        url = concrete(path)
        if method == "GET":
            response = client.get(url)
        else:
            forged = client.post(url, data={"csrf": "forged"})
            assert forged.status_code == 403, f"{role} {method} {path} without CSRF"
            assert "CSRF" in forged.text
            # A valid token and an empty form: refused by role, else by what is missing.
            response = client.post(url, data={"csrf": csrf})
        where = f"{role.value} {method} {path}: {response.status_code}"
        if role in roles:
            assert response.status_code != 403 and response.status_code < 500, where
            if method == "GET" and not path.endswith("_id}") and "_id}" not in path:
                assert response.status_code == 200, where
        else:
            assert response.status_code == 403, where
