"""Writing files so that no reader ever sees half of one."""

from __future__ import annotations

import fcntl
import os
import tempfile
import time
from pathlib import Path


def write_atomically(target: Path, data: bytes) -> None:
    """Write `data` to a temp file beside `target`, then rename: never a half-written file.

    A process killed mid-write leaves its hidden temp file; a later write of the same target
    (a retry takes the same name) clears it (`sweep_leftovers`)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep_leftovers(target)
    handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    hold_while_writing(handle)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
            os.replace(temp_name, target)  # still held: no sweeper takes it before the rename
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


FRESH_SECONDS = 1.0  # a temp file this young may not be locked by its writer yet


def hold_while_writing(handle: int) -> None:
    """Lock a temp file for as long as its writer has it open: `sweep_leftovers` leaves a
    locked one alone, and the lock dies with the writer's process."""
    fcntl.flock(handle, fcntl.LOCK_EX)


def sweep_leftovers(target: Path) -> None:
    """Remove the temp files of `target` that a killed writer left: those no live writer
    holds (`hold_while_writing`). Two writers of one content-addressed file (two servers
    storing the same evidence at once) each keep their own until they rename it."""
    fresh = time.time() - FRESH_SECONDS
    for leftover in target.parent.glob(f".{target.name}.*"):
        try:
            handle = os.open(leftover, os.O_RDONLY)
        except OSError:
            continue
        try:
            if os.fstat(handle).st_mtime > fresh:
                continue
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # its writer is alive
            leftover.unlink(missing_ok=True)
        finally:
            os.close(handle)
