"""Both backends keep files the same way: whole or not at all, streamed in chunks, by key."""

from __future__ import annotations

import hashlib
import threading
import time
import tracemalloc
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.storage.conftest import SMALL_CHUNK
from tracker.db import write_session
from tracker.models import StoredChunk, StoredFile
from tracker.storage import FileMissing, FileStore, Namespace, StorageRefused
from tracker.storage.database import DatabaseStore

MINUTES = "회의록 ".encode() * 3000  # 30,000 bytes: eight chunks of 4 KiB


def test_a_file_put_reads_back_byte_identical_with_its_size_and_sha256(store: FileStore) -> None:
    stat = store.put("ab/minutes", MINUTES)
    assert (stat.size, stat.sha256) == (len(MINUTES), hashlib.sha256(MINUTES).hexdigest())
    assert store.read_bytes("ab/minutes") == MINUTES
    assert store.open("ab/minutes").read() == MINUTES
    assert store.stat("ab/minutes") == stat
    assert store.exists("ab/minutes") and store.size("ab/minutes") == len(MINUTES)


def test_chunks_come_chunk_bytes_at_a_time_whatever_pieces_the_file_came_in(
    store: FileStore,
) -> None:
    pieces = (MINUTES[start : start + 1000] for start in range(0, len(MINUTES), 1000))
    store.put("ab/minutes", pieces)
    sizes = [len(chunk) for chunk in store.chunks("ab/minutes")]
    assert sizes == [SMALL_CHUNK] * 7 + [len(MINUTES) - 7 * SMALL_CHUNK]


def test_keys_list_what_is_held_in_order_and_delete_removes_one(store: FileStore) -> None:
    for key in ("cd/two", "ab/one", "ab/three"):
        store.put(key, key.encode())
    assert list(store.keys()) == ["ab/one", "ab/three", "cd/two"]
    assert store.present(["ab/one", "zz/none"]) == {"ab/one"}
    assert store.delete("ab/one") is True and store.delete("ab/one") is False
    assert list(store.keys()) == ["ab/three", "cd/two"]
    assert store.stat("ab/one") is None and store.size("ab/one") is None


def test_a_put_replaces_what_the_key_held(store: FileStore) -> None:
    store.put("kr-ca-2025/review_v01.pdf", b"first")
    store.put("kr-ca-2025/review_v01.pdf", b"second, longer")
    assert store.read_bytes("kr-ca-2025/review_v01.pdf") == b"second, longer"
    assert list(store.keys()) == ["kr-ca-2025/review_v01.pdf"]


def test_a_missing_file_says_so_when_read(store: FileStore) -> None:
    chunks = store.chunks("ab/nothing")
    with pytest.raises(FileMissing) as missing:
        next(chunks)
    assert missing.value.code == "storage.file_missing"


@pytest.mark.parametrize(
    "key", ["", "/etc/passwd", "../outside", "ab/../../x", "ab//c", ".hidden", "a\\b", "ab/.tmp"]
)
def test_a_key_that_is_not_a_plain_relative_path_is_refused(store: FileStore, key: str) -> None:
    with pytest.raises(StorageRefused):
        store.put(key, b"x")
    with pytest.raises(StorageRefused):
        store.exists(key)


def test_content_addressed_storage_keeps_the_first_copy_and_refuses_a_wrong_name(
    store: FileStore,
) -> None:
    digest = hashlib.sha256(MINUTES).hexdigest()
    key = f"{digest[:2]}/{digest}"
    store.put_once(key, MINUTES, sha256=digest)
    again = store.put_once(key, iter([b"never read"]), sha256=digest)
    assert again.size == len(MINUTES) and store.read_bytes(key) == MINUTES
    with pytest.raises(StorageRefused) as refused:
        store.put_once("00/wrong", b"other bytes", sha256="0" * 64)
    assert refused.value.code == "storage.changed_while_stored"
    assert not store.exists("00/wrong")


def test_a_put_in_a_transaction_that_fails_leaves_no_file(store: FileStore, engine: Engine) -> None:
    with pytest.raises(RuntimeError), write_session(engine) as session:
        store.put("ab/orphan", MINUTES, session=session)
        try:
            raise RuntimeError("the row that names it failed")
        except RuntimeError:
            store.forget("ab/orphan")
            raise
    assert not store.exists("ab/orphan") and list(store.keys()) == []


def test_a_file_being_written_is_not_seen_by_another_reader_until_committed(
    engine: Engine,
) -> None:
    store = DatabaseStore(engine, Namespace.REPORTS, chunk_bytes=SMALL_CHUNK)
    with write_session(engine) as session:
        store.put("kr-ca-2025/review_v01.pdf", MINUTES, session=session)
        assert not store.exists("kr-ca-2025/review_v01.pdf")  # another connection
        assert list(store.keys()) == []
    assert store.read_bytes("kr-ca-2025/review_v01.pdf") == MINUTES


def test_the_namespaces_of_the_database_keep_apart(engine: Engine) -> None:
    evidence = DatabaseStore(engine, Namespace.EVIDENCE, chunk_bytes=SMALL_CHUNK)
    reports = DatabaseStore(engine, Namespace.REPORTS, chunk_bytes=SMALL_CHUNK)
    evidence.put("ab/same", b"evidence")
    reports.put("ab/same", b"report")
    assert (evidence.read_bytes("ab/same"), reports.read_bytes("ab/same")) == (
        b"evidence",
        b"report",
    )
    assert evidence.delete("ab/same") and reports.read_bytes("ab/same") == b"report"


def test_a_large_database_file_is_stored_and_read_a_chunk_at_a_time(
    engine: Engine, session: Session
) -> None:
    """16 MiB in 1 MiB chunks: sixteen rows, and neither writing nor reading holds more than a
    few chunks in memory, whatever the file's size."""
    mib = 1 << 20
    store = DatabaseStore(engine, Namespace.EVIDENCE, chunk_bytes=mib)

    def generated() -> Iterator[bytes]:
        for number in range(16 * 16):  # 64 KiB pieces
            yield bytes([number % 251]) * (64 * 1024)

    tracemalloc.start()
    try:
        stat = store.put("ab/large", generated())
        _, written_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        digest = hashlib.sha256()
        sizes = []
        for chunk in store.chunks("ab/large"):
            digest.update(chunk)
            sizes.append(len(chunk))
        _, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sizes == [mib] * 16 and stat.size == 16 * mib
    assert digest.hexdigest() == stat.sha256
    assert written_peak < 6 * mib and read_peak < 6 * mib, (written_peak, read_peak)
    chunks = session.exec(select(func.count()).select_from(StoredChunk)).one()  # type: ignore[call-overload]
    files = session.exec(select(StoredFile.chunk_count)).all()  # type: ignore[call-overload]
    assert (chunks, [tuple(row) for row in files]) == ((16,), [(16,)])


def test_deleting_a_database_file_takes_its_chunks(engine: Engine, session: Session) -> None:
    store = DatabaseStore(engine, Namespace.EVIDENCE, chunk_bytes=SMALL_CHUNK)
    store.put("ab/minutes", MINUTES)
    store.delete("ab/minutes")
    left = session.execute(text("SELECT COUNT(*) FROM stored_chunk")).scalar_one()
    assert left == 0


def test_two_servers_storing_the_same_evidence_at_once_keep_one_copy(engine: Engine) -> None:
    """Both transactions insert the same content-addressed key; the one that comes second
    keeps the first's file and its own transaction goes on (a savepoint took only its rows)."""
    store = DatabaseStore(engine, Namespace.EVIDENCE, chunk_bytes=SMALL_CHUNK)
    digest = hashlib.sha256(MINUTES).hexdigest()
    key = f"{digest[:2]}/{digest}"
    first_inside = threading.Event()
    results: list[object] = []

    def second() -> None:
        first_inside.wait(10)
        try:
            with write_session(engine) as session:
                results.append(store.put_once(key, MINUTES, sha256=digest, session=session))
        except Exception as exc:
            results.append(exc)

    other = threading.Thread(target=second)
    other.start()
    with write_session(engine) as session:
        store.put_once(key, MINUTES, sha256=digest, session=session)
        first_inside.set()
        time.sleep(0.3)  # the second waits on the key (PostgreSQL) or the write lock (SQLite)
    other.join(30)
    assert [getattr(result, "sha256", result) for result in results] == [digest]
    assert list(store.keys()) == [key] and store.read_bytes(key) == MINUTES
