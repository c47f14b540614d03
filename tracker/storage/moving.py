"""Moving files between backends, and checking that every file a row names is there intact.

Moving copies each file, re-reads the copy and compares its SHA-256 with the source's bytes as
they were copied, and only then removes the source. A key the target already holds with the
same content (an earlier run stopped after copying) is only removed from the source; one it
holds with other content is refused and both are left alone. So a second run after an
interruption carries on where the first stopped and never duplicates a file: a copy cut off
half-way never became visible (temp file or open transaction), and the target's keys are
unique.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath

from sqlalchemy import select
from sqlmodel import Session, col

from tracker.domain import EvidenceKind
from tracker.models import Evidence, Report
from tracker.storage import FileMissing, FileStore, Namespace, Storage, StorageRefused, check_key

# Why a file was not moved: message ids of the catalogue part `storage`.
TARGET_DIFFERS = "storage.refused.target_differs"
COPY_DIFFERS = "storage.refused.copy_differs"
UNREADABLE = "storage.refused.unreadable"


@dataclass(frozen=True)
class Refused:
    key: str
    reason: str  # one of the message ids above


@dataclass
class Moved:
    """What moving one namespace did."""

    namespace: Namespace
    moved: int = 0
    skipped: int = 0  # the target held it already, the same bytes: only the source went
    refused: list[Refused] = field(default_factory=list)


def move_files(
    source: Storage, target: Storage, *, progress: Callable[[Namespace, str], None] | None = None
) -> list[Moved]:
    """Every file of both namespaces from `source` to `target`, checked (module docstring)."""
    results = []
    for namespace in Namespace:
        done = Moved(namespace)
        for key in list(source[namespace].keys()):
            _move_one(source[namespace], target[namespace], key, done)
            if progress is not None:
                progress(namespace, key)
        results.append(done)
    return results


def _move_one(source: FileStore, target: FileStore, key: str, done: Moved) -> None:
    try:
        held = target.stat(key)
        if held is not None:
            if held.sha256 != _sha256(source.chunks(key)):
                done.refused.append(Refused(key, TARGET_DIFFERS))
                return
            source.delete(key)
            done.skipped += 1
            return
        copied = target.put(key, source.chunks(key))
    except (FileMissing, StorageRefused, OSError):
        done.refused.append(Refused(key, UNREADABLE))
        return
    reread = target.stat(key)
    if reread is None or reread.sha256 != copied.sha256 or reread.size != copied.size:
        target.delete(key)
        done.refused.append(Refused(key, COPY_DIFFERS))
        return
    source.delete(key)
    done.moved += 1


def _sha256(chunks: Iterator[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


# --- verify -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """A file as the rows that name it recorded it."""

    namespace: Namespace
    key: str
    sha256: str
    size: int | None
    named_by: str  # "evidence 12 (minutes.pdf)", "report 5"


@dataclass(frozen=True)
class Problem:
    expected: Expected
    missing: bool  # else corrupt: other bytes than the rows recorded
    found_sha256: str = ""
    found_size: int | None = None


@dataclass
class Verified:
    checked: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def missing(self) -> list[Problem]:
        return [p for p in self.problems if p.missing]

    @property
    def corrupt(self) -> list[Problem]:
        return [p for p in self.problems if not p.missing]


def referenced_files(session: Session) -> Iterator[Expected]:
    """Every file the rows reference, once per key (the first row naming it speaks for it):
    evidence files and reports kept in the store. A report written with `--out` elsewhere is
    not the store's."""
    seen: set[tuple[Namespace, str]] = set()
    evidence = (
        select(
            col(Evidence.id),
            col(Evidence.stored_path),
            col(Evidence.sha256),
            col(Evidence.size_bytes),
        )
        .where(col(Evidence.kind) == EvidenceKind.FILE)
        .order_by(col(Evidence.id))
    )
    for evidence_id, path, sha256, size in session.execute(evidence).yield_per(500):
        key = _key(path)
        if (Namespace.EVIDENCE, key) not in seen:
            seen.add((Namespace.EVIDENCE, key))
            yield Expected(Namespace.EVIDENCE, key, sha256, size, f"evidence {evidence_id}")
    reports = select(
        col(Report.id), col(Report.path), col(Report.sha256), col(Report.size_bytes)
    ).order_by(col(Report.id))
    for report_id, path, sha256, size in session.execute(reports).yield_per(500):
        if PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute():  # --out
            continue
        key = _key(path)
        if (Namespace.REPORTS, key) not in seen:
            seen.add((Namespace.REPORTS, key))
            yield Expected(Namespace.REPORTS, key, sha256, size, f"report {report_id}")


def _key(path: str) -> str:
    try:
        return check_key(path)
    except StorageRefused:
        return path  # not a plain key: `verify` finds it missing


def verify_files(storage: Storage, *, session: Session) -> Verified:
    """Re-hash every file the rows reference in `storage`; list what is missing or corrupt."""
    result = Verified()
    for expected in referenced_files(session):
        result.checked += 1
        store = storage[expected.namespace]
        try:
            present = store.exists(expected.key)
        except StorageRefused:
            present = False
        if not present:
            result.problems.append(Problem(expected, missing=True))
            continue
        digest = hashlib.sha256()
        size = 0
        try:
            for chunk in store.chunks(expected.key):
                digest.update(chunk)
                size += len(chunk)
        except FileMissing:  # a chunk gone from under its row
            result.problems.append(Problem(expected, missing=False, found_size=size))
            continue
        if digest.hexdigest() != expected.sha256 or (
            expected.size is not None and size != expected.size
        ):
            result.problems.append(
                Problem(expected, missing=False, found_sha256=digest.hexdigest(), found_size=size)
            )
    return result
