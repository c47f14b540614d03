"""Two writers of one file in the same folder (two servers storing the same evidence at once,
on a folder both mount): neither takes the other's temp file away; a dead writer's is swept."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from tracker.storage.base import Namespace
from tracker.storage.filesystem import FilesystemStore

KEY = "ab/abcdef"


def test_a_second_writer_leaves_a_slow_writers_temp_file_alone(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path, Namespace.EVIDENCE, chunk_bytes=4)
    started, go_on = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def slow() -> Iterator[bytes]:
        yield b"same"
        started.set()
        go_on.wait(10)  # an upload still arriving
        yield b"data"

    def first() -> None:
        try:
            store.put(KEY, slow())
        except BaseException as exc:
            failures.append(exc)

    writer = threading.Thread(target=first)
    writer.start()
    assert started.wait(10)
    time.sleep(1.2)  # older than a fresh temp file: only its lock protects it now
    store.put(KEY, b"samedata")  # the second server, done at once
    go_on.set()
    writer.join(10)
    assert failures == []
    assert store.read_bytes(KEY) == b"samedata"
    assert [p.name for p in (tmp_path / "ab").iterdir()] == ["abcdef"]


def test_a_killed_writers_temp_file_is_swept_by_the_next_write(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path, Namespace.EVIDENCE)
    (tmp_path / "ab").mkdir()
    leftover = tmp_path / "ab" / ".abcdef.x1y2z3"
    leftover.write_bytes(b"half")  # nobody holds it: its writer died
    os.utime(leftover, (time.time() - 5, time.time() - 5))
    store.put(KEY, b"whole")
    assert [p.name for p in (tmp_path / "ab").iterdir()] == ["abcdef"]
