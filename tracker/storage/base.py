"""What every file store offers, whichever backend keeps the bytes."""

from __future__ import annotations

import hashlib
import io
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from tracker.errors import TrackerError

if TYPE_CHECKING:
    from sqlmodel import Session

Data = bytes | Iterable[bytes]


class Namespace(StrEnum):
    """The two kinds of file kept: evidence (content-addressed, `ab/<sha256>`) and reports
    (`<agreement or mechanism folder>/<file name>`), as the rows name them."""

    EVIDENCE = "evidence"
    REPORTS = "reports"


class StorageRefused(TrackerError):
    """A key that is not a plain relative path, or content that does not match its name."""


class FileMissing(TrackerError):
    """A key the store does not hold (or no longer holds whole)."""


@dataclass(frozen=True)
class FileStat:
    key: str
    size: int
    sha256: str


def check_key(key: str) -> str:
    """A key is a relative POSIX path of plain names: no leading `/`, no `..`, no backslash,
    no empty or hidden part (hidden names are the filesystem's temp files)."""
    parts = key.split("/")
    if (
        not key
        or len(key) > 500
        or "\\" in key
        or "\x00" in key
        or any(part in ("", ".", "..") or part.startswith(".") for part in parts)
        or PurePosixPath(key).is_absolute()
    ):
        raise StorageRefused("storage.bad_key", key=key[:80])
    return key


def pieces(data: Data, size: int) -> Iterator[bytes]:
    """`data` cut into pieces of exactly `size` bytes (the last may be shorter), whatever the
    pieces it came in; never more than one piece held at a time."""
    if isinstance(data, bytes | bytearray | memoryview):
        view = memoryview(data)
        for start in range(0, len(view), size):
            yield bytes(view[start : start + size])
        return
    buffer = bytearray()
    for piece in data:
        buffer += piece
        if len(buffer) < size:
            continue
        start = 0
        with memoryview(buffer) as view:  # slices of a view copy once, into the bytes yielded
            while len(buffer) - start >= size:
                yield bytes(view[start : start + size])
                start += size
        del buffer[:start]
    if buffer:
        yield bytes(buffer)


class FileStore(ABC):
    """One namespace's files, by key. No reader ever sees half a file: a put becomes visible
    whole or not at all. Reading streams chunk by chunk; nothing loads a whole file.

    `session`, where taken, joins the caller's write transaction: the database backend writes
    its rows in it (so a file goes when the row that names it fails), the filesystem ignores
    it (its files are renamed into place at once)."""

    backend: str
    namespace: Namespace
    chunk_bytes: int

    @abstractmethod
    def put(self, key: str, data: Data, *, session: Session | None = None) -> FileStat:
        """Store `data` under `key` (replacing what was there) and say its size and SHA-256."""

    @abstractmethod
    def chunks(self, key: str) -> Iterator[bytes]:
        """The file's bytes, `chunk_bytes` at a time; `FileMissing` when the key is not held
        (raised on the first read, not when the iterator is made)."""

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def delete(self, key: str, *, session: Session | None = None) -> bool:
        """Remove the file; False when there was none."""

    @abstractmethod
    def size(self, key: str) -> int | None:
        """The file's size without reading it; None when not held."""

    @abstractmethod
    def keys(self) -> Iterator[str]:
        """Every key held, in order."""

    @abstractmethod
    def forget(self, key: str) -> None:
        """Undo a put made with `session` whose transaction failed: the filesystem's file goes
        (no rollback reaches it); the database's rows went with the rollback."""

    def put_once(
        self, key: str, data: Data, *, sha256: str, session: Session | None = None
    ) -> FileStat:
        """Content-addressed storage: `key` names the content, so a key already held is kept
        as it is; otherwise `data` is stored and must hash to `sha256`."""
        if self.exists(key):
            size = self.size(key)
            assert size is not None
            return FileStat(key, size, sha256)
        stat = self.put(key, data, session=session)
        if stat.sha256 != sha256:
            self.delete(key, session=session)
            raise StorageRefused("storage.changed_while_stored", key=key)
        return stat

    def stat(self, key: str) -> FileStat | None:
        """Size and SHA-256 as the bytes are now (read through once); None when not held."""
        if not self.exists(key):
            return None
        digest = hashlib.sha256()
        size = 0
        try:
            for chunk in self.chunks(key):
                digest.update(chunk)
                size += len(chunk)
        except FileMissing:
            return None
        return FileStat(key, size, digest.hexdigest())

    def present(self, keys: Iterable[str]) -> set[str]:
        """Which of `keys` are held (a page's worth: the database answers in one query)."""
        return {key for key in keys if self.exists(key)}

    def open(self, key: str) -> io.BufferedReader:
        """A read-only binary file over the chunks (for libraries that want a file)."""
        return io.BufferedReader(_ChunkReader(self.chunks(key)), buffer_size=self.chunk_bytes)

    def read_bytes(self, key: str) -> bytes:
        """The whole file: for small files and tests only."""
        return b"".join(self.chunks(key))


class _ChunkReader(io.RawIOBase):
    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._left = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._left:
            try:
                self._left = next(self._chunks)
            except StopIteration:
                return 0
        count = min(len(buffer), len(self._left))
        buffer[:count] = self._left[:count]
        self._left = self._left[count:]
        return count
