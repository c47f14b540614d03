"""Files in a folder: a key is the path under it, as `paths.evidence` and `paths.reports` hold
them today. A put writes a hidden temp file beside the target and renames it into place."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.files import hold_while_writing, sweep_leftovers
from tracker.storage.base import (
    Data,
    FileMissing,
    FileStat,
    FileStore,
    Namespace,
    check_key,
    pieces,
)

if TYPE_CHECKING:
    from sqlmodel import Session


class FilesystemStore(FileStore):
    backend = "filesystem"

    def __init__(self, folder: Path, namespace: Namespace, *, chunk_bytes: int = 1 << 20) -> None:
        self.folder = folder
        self.namespace = namespace
        self.chunk_bytes = chunk_bytes

    def path(self, key: str) -> Path:
        """Where `key` lives (checked: always inside the folder)."""
        return self.folder / check_key(key)

    def put(self, key: str, data: Data, *, session: Session | None = None) -> FileStat:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        sweep_leftovers(target)
        handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        hold_while_writing(handle)
        digest = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(handle, "wb") as out:
                for piece in pieces(data, self.chunk_bytes):
                    digest.update(piece)
                    size += len(piece)
                    out.write(piece)
                out.flush()
                os.fsync(out.fileno())
                os.replace(temp_name, target)  # still held until renamed
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        return FileStat(key, size, digest.hexdigest())

    def chunks(self, key: str) -> Iterator[bytes]:
        path = self.path(key)
        try:
            stream = path.open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise FileMissing("storage.file_missing", key=key) from None
        with stream:
            while chunk := stream.read(self.chunk_bytes):
                yield chunk

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def size(self, key: str) -> int | None:
        path = self.path(key)
        return path.stat().st_size if path.is_file() else None

    def delete(self, key: str, *, session: Session | None = None) -> bool:
        path = self.path(key)
        if not path.is_file():
            return False
        path.unlink()
        return True

    def forget(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def keys(self) -> Iterator[str]:
        if not self.folder.is_dir():
            return
        for path in sorted(self.folder.rglob("*")):
            relative = path.relative_to(self.folder)
            # Hidden names are temp files: never a finished file.
            if path.is_file() and not any(part.startswith(".") for part in relative.parts):
                yield relative.as_posix()
