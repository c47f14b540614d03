"""Files sent with a form, written to a private temp folder for a service to take in."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from fastapi import UploadFile

from tracker.errors import Grouped
from tracker.services.evidence import EvidenceRefused

_CHUNK = 1 << 20
_UNSAFE = re.compile(r"[\x00-\x1f/\\:*?\"<>|]+")


@contextmanager
def saved_uploads(files: Sequence[UploadFile], *, max_bytes: int) -> Iterator[list[Path]]:
    """Each chosen file under its own (cleaned) name; the folder is removed afterwards, since
    the evidence store copies what it keeps. An empty file input sends a nameless part: skipped."""
    with tempfile.TemporaryDirectory(prefix="tracker-upload-") as folder:
        paths: list[Path] = []
        for index, upload in enumerate(files):
            if not upload.filename:
                continue
            name = clean_file_name(upload.filename)
            target = Path(folder) / str(index) / name
            target.parent.mkdir()
            size = 0
            with target.open("wb") as out:
                while chunk := upload.file.read(_CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise EvidenceRefused(
                            "upload.over_limit", name=name, limit=Grouped(max_bytes)
                        )
                    out.write(chunk)
            if size == 0:
                raise EvidenceRefused("upload.empty", name=name)
            paths.append(target)
        yield paths


def clean_file_name(name: str) -> str:
    """The last part of what the browser sent, without path or control characters."""
    base = re.split(r"[/\\]", name)[-1]
    cleaned = _UNSAFE.sub("_", base).strip(" .")
    return cleaned[:200] or "evidence"
