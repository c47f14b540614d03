"""Evidence for a status update: web links, and files kept in the evidence store.

Files are stored by content (key `ab/<sha256>`) in the configured store (`tracker.storage`):
the evidence folder (a temp file, then renamed) or the database (in the status update's own
transaction). A half-copied file never carries a real name, and the same file attached twice
is kept once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tracker.domain import EvidenceKind
from tracker.errors import Grouped, TrackerError
from tracker.models import Evidence
from tracker.storage import FileStore

if TYPE_CHECKING:
    from sqlmodel import Session

_CHUNK = 1 << 20
MAX_LINK = 2_000  # characters
# "www.mofa.go.kr/..." typed without its scheme: say so rather than "no such file".
_WEB_ADDRESS = re.compile(r"^(www\.|[\w-]+\.(go\.kr|gov|org|com|net|int)(/|$))", re.IGNORECASE)


class EvidenceRefused(TrackerError):
    """An evidence link or file that cannot be accepted."""


@dataclass(frozen=True)
class EvidenceItem:
    """Checked evidence, not yet stored: a link, or a file to copy in."""

    kind: EvidenceKind
    url: str = ""
    path: Path | None = None
    size_bytes: int | None = None


def check_evidence(
    values: list[str], *, max_bytes: int, links_only: bool = False
) -> list[EvidenceItem]:
    """Every item checked before anything is stored: a URL must be http(s) with a host, a file
    must exist, be a regular file, and be no larger than `max_bytes`. With `links_only` (the
    web form: a path there would make the server copy one of its own files) only links pass."""
    return [
        _check_one(value.strip(), max_bytes=max_bytes, links_only=links_only)
        for value in values
        if value.strip()
    ]


def _check_one(value: str, *, max_bytes: int, links_only: bool = False) -> EvidenceItem:
    scheme = urlsplit(value).scheme.lower()
    if scheme in ("http", "https"):
        if not urlsplit(value).hostname:
            raise EvidenceRefused("evidence.link_no_host", link=value)
        if len(value) > MAX_LINK:
            raise EvidenceRefused(
                "evidence.link_too_long", length=Grouped(len(value)), limit=Grouped(MAX_LINK)
            )
        return EvidenceItem(EvidenceKind.LINK, url=value)
    if links_only:
        raise EvidenceRefused("evidence.links_only", value=value[:80])
    if scheme and len(scheme) > 1:  # "C:\\..." is a Windows path, not a scheme
        raise EvidenceRefused("evidence.link_scheme", link=value, scheme=scheme)
    path = Path(value).expanduser()
    if not path.exists():
        if _WEB_ADDRESS.match(value):
            raise EvidenceRefused("evidence.file_missing_link", name=value, url=f"https://{value}")
        raise EvidenceRefused("evidence.file_missing", name=value)
    if not path.is_file():
        raise EvidenceRefused("evidence.not_a_file", name=value)
    size = path.stat().st_size
    if size == 0:
        raise EvidenceRefused("evidence.file_empty", name=value)
    if size > max_bytes:
        raise EvidenceRefused(
            "evidence.file_too_big", name=value, size=Grouped(size), limit=Grouped(max_bytes)
        )
    return EvidenceItem(EvidenceKind.FILE, path=path, size_bytes=size)


def store_evidence(
    item: EvidenceItem,
    *,
    status_update_id: int,
    store: FileStore,
    session: Session | None = None,
) -> Evidence:
    """The Evidence row for `item`; a file is copied into `store` first (in `session`'s
    transaction, for the database backend)."""
    if item.kind is EvidenceKind.LINK:
        return Evidence(status_update_id=status_update_id, kind=item.kind, url=item.url)
    assert item.path is not None
    digest, size, stored = _copy_in(item.path, store, session=session)
    return Evidence(
        status_update_id=status_update_id,
        kind=item.kind,
        file_name=item.path.name[:255],
        stored_path=stored,
        sha256=digest,
        size_bytes=size,
    )


def evidence_key(sha256: str) -> str:
    """Where a file with this SHA-256 is kept: `ab/<sha256>`."""
    return f"{sha256[:2]}/{sha256}"


def _copy_in(source: Path, store: FileStore, *, session: Session | None) -> tuple[str, int, str]:
    """Hash the file first (its key is its SHA-256), then store it unless already held; a file
    changed between the two reads is refused rather than kept under a wrong name."""
    digest = hashlib.sha256()
    size = 0
    for chunk in _read(source):
        digest.update(chunk)
        size += len(chunk)
    hexdigest = digest.hexdigest()
    key = evidence_key(hexdigest)
    store.put_once(key, _read(source), sha256=hexdigest, session=session)
    return hexdigest, size, key


def _read(source: Path) -> Iterator[bytes]:
    with source.open("rb") as data:
        while chunk := data.read(_CHUNK):
            yield chunk
