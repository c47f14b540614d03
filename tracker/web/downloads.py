"""Files sent as downloads, streamed from the store chunk by chunk (a database-backed file is
never loaded whole), always as attachments that the browser must not sniff."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import quote

from fastapi.responses import StreamingResponse

from tracker.errors import NotFound
from tracker.storage import FileStore


def attachment(filename: str) -> str:
    """`attachment` with a plain ASCII name for old clients and the exact name (RFC 5987)."""
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", filename).strip("_")
    suffix = PurePosixPath(filename).suffix.lower()
    if not re.search(r"[A-Za-z0-9]", fallback.removesuffix(suffix)):
        fallback = f"report{suffix if re.fullmatch(r'[.][a-z0-9]{1,5}', suffix) else '.pdf'}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def stream_download(
    store: FileStore, key: str, *, filename: str, media_type: str, missing: NotFound
) -> StreamingResponse:
    """`key` from `store` as an attachment named `filename`; `missing` when it is not held
    (checked before the first byte, so the refusal is a page, not a cut-off download)."""
    size = store.size(key)
    if size is None:
        raise missing
    return StreamingResponse(
        store.chunks(key),
        media_type=media_type,
        headers={
            "Content-Disposition": attachment(filename),
            "Content-Length": str(size),
            "X-Content-Type-Options": "nosniff",
        },
    )
