"""The pages' stylesheets, script, fonts and images, served from `static/` under names that
carry a hash of their bytes (`/static/app.3f2a9c1e.css`), so a browser keeps each one for a
year and a new release is fetched at once under its new name.

Everything is read and hashed once, when the app is made. A stylesheet's `url(...)` to another
file under static/ is rewritten to that file's hashed name before the sheet itself is hashed, so
a changed font changes the sheet's name too. The status colours come from the configured
statuses (config.toml) as a stylesheet made here, `status.css`: a page may carry no inline
style under the Content-Security-Policy.
"""

from __future__ import annotations

import hashlib
import mimetypes
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from jinja2 import Environment
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from tracker.services.policy import FollowUpPolicy

STATIC = Path(__file__).resolve().parents[2] / "static"
PREFIX = "/static/"
CACHE_FOR_A_YEAR = "public, max-age=31536000, immutable"
HASH_LENGTH = 10
_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
_SKIPPED = {".txt", ".md"}  # licences travel with the files; they are not served


@dataclass(frozen=True)
class Asset:
    name: str  # its path under static/, e.g. "vendor/krds/krds.css"
    body: bytes
    digest: str

    @property
    def url(self) -> str:
        path = PurePosixPath(self.name)
        return f"{PREFIX}{path.with_name(f'{path.stem}.{self.digest}{path.suffix}')}"

    @property
    def media_type(self) -> str:
        suffix = PurePosixPath(self.name).suffix
        guessed = mimetypes.guess_type(self.name)[0] or "application/octet-stream"
        return _TYPES.get(suffix, guessed)


class AssetNotFound(KeyError):
    """A page asked for a file that static/ does not have."""


class Assets:
    """Every servable file, by name and by hashed URL."""

    def __init__(self, files: Mapping[str, bytes]) -> None:
        self._by_name: dict[str, Asset] = {}
        # Fonts and images first: a stylesheet names them by their hashed URLs.
        for name in sorted(files, key=lambda n: (n.endswith(".css"), n)):
            body = files[name]
            if name.endswith(".css"):
                body = self._linked(name, body)
            digest = hashlib.sha256(body).hexdigest()[:HASH_LENGTH]
            self._by_name[name] = Asset(name, body, digest)
        self._by_url = {asset.url: asset for asset in self._by_name.values()}

    @classmethod
    def from_folder(cls, folder: Path, generated: Mapping[str, bytes] | None = None) -> Assets:
        files = {
            path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*"))
            if path.is_file() and path.suffix not in _SKIPPED
        }
        return cls({**files, **(generated or {})})

    def url(self, name: str) -> str:
        """The hashed URL of a file under static/ (the pages' `asset("app.css")`)."""
        try:
            return self._by_name[name].url
        except KeyError:
            raise AssetNotFound(name) from None

    def find(self, url_path: str) -> Asset | None:
        return self._by_url.get(url_path)

    def names(self) -> Iterable[str]:
        return self._by_name.keys()

    def _linked(self, name: str, body: bytes) -> bytes:
        folder = posixpath.dirname(name)

        def hashed(match: re.Match[str]) -> str:
            target = match.group(2)
            if target.startswith(("data:", "/", "http:", "https:", "#")):
                return match.group(0)
            linked = posixpath.normpath(posixpath.join(folder, target))
            if linked not in self._by_name:
                raise AssetNotFound(f"{name} links to {target}, which static/ does not have")
            return f"url({self._by_name[linked].url})"

        return _URL.sub(hashed, body.decode("utf-8")).encode("utf-8")


def status_stylesheet(pages: Environment, policy: FollowUpPolicy) -> bytes:
    """`.st-KEY { --status: #colour }` for every configured status (and `.sc-KEY` for each
    assessment score): the colours the PDFs use, from the same macro."""
    made = pages.from_string(
        '{% import "reports/_colours.html" as colours %}'
        '{{ colours.colour_rules(statuses, "--status") }}'
    ).render(statuses=policy.statuses)
    return ("/* The configured statuses' colours (tracker/web/assets.py). */\n" + made).encode()


def serve(assets: Assets, request: Request) -> Response:
    """One file by its hashed URL; any other name under /static/ is a 404, so a page never
    gets a stale file under a new name nor a new file under a stale one."""
    asset = assets.find(request.url.path)
    if asset is None:
        raise HTTPException(404)
    headers = {"Cache-Control": CACHE_FOR_A_YEAR, "ETag": f'"{asset.digest}"'}
    if request.headers.get("if-none-match") == headers["ETag"]:
        return Response(status_code=304, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)


def mount_assets(app: Starlette, assets: Assets) -> None:
    """GET and HEAD /static/<name>.<hash>.<ext>; the assets are kept on app.state.assets."""
    app.state.assets = assets

    async def static_file(request: Request) -> Response:
        return serve(assets, request)

    app.router.add_route(f"{PREFIX}{{name:path}}", static_file, methods=["GET", "HEAD"])
