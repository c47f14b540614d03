"""Files in the database: a `stored_file` row per key and its bytes in `stored_chunk` rows.

A put writes the file's row and every chunk in one transaction (the caller's, when a session
is given): a reader on another server sees the whole file or nothing. A read selects one chunk
at a time, in order, each in a short query of its own, so a slow download holds no connection
and no more than one chunk in memory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from tracker.db import write_session
from tracker.models import StoredChunk, StoredFile, utcnow
from tracker.storage.base import (
    Data,
    FileMissing,
    FileStat,
    FileStore,
    Namespace,
    StorageRefused,
    check_key,
    pieces,
)

if TYPE_CHECKING:
    from sqlmodel import Session

_FILE = StoredFile.__table__  # type: ignore[attr-defined]
_CHUNK = StoredChunk.__table__  # type: ignore[attr-defined]
_KEYS_PAGE = 500


class DatabaseStore(FileStore):
    backend = "database"

    def __init__(self, engine: Engine, namespace: Namespace, *, chunk_bytes: int) -> None:
        self.engine = engine
        self.namespace = namespace
        self.chunk_bytes = chunk_bytes

    @contextmanager
    def _writing(self, session: Session | None) -> Iterator[Connection]:
        if session is not None:
            yield session.connection()
            return
        with write_session(self.engine) as own:
            yield own.connection()

    def put(self, key: str, data: Data, *, session: Session | None = None) -> FileStat:
        check_key(key)
        with self._writing(session) as connection:
            self._remove(connection, key)
            return self._insert(connection, key, data)

    def put_once(
        self, key: str, data: Data, *, sha256: str, session: Session | None = None
    ) -> FileStat:
        """As the base, and safe when two servers store the same content at once: the second
        insert meets the first's key and keeps it (a savepoint undoes only its own rows)."""
        check_key(key)
        with self._writing(session) as connection:
            held = self._row(connection, key)
            if held is not None:
                return FileStat(key, held.size_bytes, held.sha256)
            try:
                with connection.begin_nested():
                    stat = self._insert(connection, key, data)
                    if stat.sha256 != sha256:
                        raise StorageRefused("storage.changed_while_stored", key=key)
            except IntegrityError:
                held = self._row(connection, key)
                if held is None:
                    raise
                return FileStat(key, held.size_bytes, held.sha256)
            return stat

    def _insert(self, connection: Connection, key: str, data: Data) -> FileStat:
        file_id = connection.execute(
            insert(_FILE)
            .values(
                namespace=self.namespace.value,
                key=key,
                sha256="",
                size_bytes=0,
                chunk_count=0,
                created_at=utcnow(),
            )
            .returning(_FILE.c.id)
        ).scalar_one()
        digest = hashlib.sha256()
        size = count = 0
        for piece in pieces(data, self.chunk_bytes):
            connection.execute(insert(_CHUNK).values(file_id=file_id, seq=count, data=piece))
            digest.update(piece)
            size += len(piece)
            count += 1
        sha256 = digest.hexdigest()
        connection.execute(
            update(_FILE)
            .where(_FILE.c.id == file_id)
            .values(sha256=sha256, size_bytes=size, chunk_count=count)
        )
        return FileStat(key, size, sha256)

    def _remove(self, connection: Connection, key: str) -> bool:
        held = self._row(connection, key)
        if held is None:
            return False
        connection.execute(delete(_CHUNK).where(_CHUNK.c.file_id == held.id))
        connection.execute(delete(_FILE).where(_FILE.c.id == held.id))
        return True

    def _row(self, connection: Connection, key: str) -> StoredFileRow | None:
        found = connection.execute(
            select(_FILE.c.id, _FILE.c.sha256, _FILE.c.size_bytes, _FILE.c.chunk_count).where(
                _FILE.c.namespace == self.namespace.value, _FILE.c.key == key
            )
        ).first()
        return StoredFileRow(*found) if found is not None else None

    def chunks(self, key: str) -> Iterator[bytes]:
        check_key(key)
        with self.engine.connect() as connection:
            held = self._row(connection, key)
        if held is None:
            raise FileMissing("storage.file_missing", key=key)
        for seq in range(held.chunk_count):
            # One short query a chunk: a slow reader holds no connection between them.
            with self.engine.connect() as connection:
                data = connection.execute(
                    select(_CHUNK.c.data).where(_CHUNK.c.file_id == held.id, _CHUNK.c.seq == seq)
                ).scalar_one_or_none()
            if data is None:  # deleted while read, or damaged
                raise FileMissing("storage.file_missing", key=key)
            yield bytes(data)

    def exists(self, key: str) -> bool:
        return self.size(key) is not None

    def size(self, key: str) -> int | None:
        check_key(key)
        with self.engine.connect() as connection:
            held = self._row(connection, key)
        return held.size_bytes if held is not None else None

    def recorded(self, key: str) -> FileStat | None:
        """Size and SHA-256 as recorded when the file was stored (not re-read)."""
        with self.engine.connect() as connection:
            held = self._row(connection, key)
        return FileStat(key, held.size_bytes, held.sha256) if held is not None else None

    def present(self, keys: Iterable[str]) -> set[str]:
        wanted = sorted(set(keys))
        found: set[str] = set()
        with self.engine.connect() as connection:
            for start in range(0, len(wanted), _KEYS_PAGE):
                found.update(
                    connection.execute(
                        select(_FILE.c.key).where(
                            _FILE.c.namespace == self.namespace.value,
                            _FILE.c.key.in_(wanted[start : start + _KEYS_PAGE]),
                        )
                    ).scalars()
                )
        return found

    def delete(self, key: str, *, session: Session | None = None) -> bool:
        check_key(key)
        with self._writing(session) as connection:
            return self._remove(connection, key)

    def forget(self, key: str) -> None:
        """Nothing to do: the rows went with the transaction's rollback."""

    def keys(self) -> Iterator[str]:
        last = ""
        while True:
            with self.engine.connect() as connection:
                page = list(
                    connection.execute(
                        select(_FILE.c.key)
                        .where(_FILE.c.namespace == self.namespace.value, _FILE.c.key > last)
                        .order_by(_FILE.c.key)
                        .limit(_KEYS_PAGE)
                    ).scalars()
                )
            yield from page
            if len(page) < _KEYS_PAGE:
                return
            last = page[-1]

    def count(self) -> int:
        with self.engine.connect() as connection:
            return int(
                connection.execute(
                    select(func.count())
                    .select_from(_FILE)
                    .where(_FILE.c.namespace == self.namespace.value)
                ).scalar_one()
            )


class StoredFileRow:
    __slots__ = ("chunk_count", "id", "sha256", "size_bytes")

    def __init__(self, id: int, sha256: str, size_bytes: int, chunk_count: int) -> None:
        self.id = id
        self.sha256 = sha256
        self.size_bytes = size_bytes
        self.chunk_count = chunk_count
