"""The seed benchmarks of `tracker bench`: figures measured on the seed agreement.

Migrating an empty database, listing commitments, parsing and importing the seed (one, and
many variants of it), and status updates. Each benchmark runs against a throw-away database,
repeats its work, and reports the median, so that a figure means the same on every run.

Status updates are measured the way desk officers make them: read the commitment's version,
then record the update against that version in a write transaction of its own; several
writer processes at once on the same commitments see some of their updates refused as
conflicts, and the figure says how many.
"""

from __future__ import annotations

import multiprocessing
import queue
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from tracker.bench.scratch import Figure, Scratch, median_ms
from tracker.db import make_engine, read_session, write_session
from tracker.schema import upgrade_database


def bench_schema(scratch: Scratch, *, repeat: int) -> Figure:
    counter = iter(range(repeat))

    def migrate() -> None:
        engine = scratch.engine(f"schema_{next(counter)}")
        upgrade_database(engine)
        engine.dispose()

    return Figure(
        f"migrate an empty {scratch.label} database to head",
        median_ms(migrate, repeat=repeat),
        "ms",
    )


def bench_listing(scratch: Scratch, *, repeat: int, commitments: int) -> Figure:
    from tracker.domain import Strength
    from tracker.models import Agreement, Clause, Commitment
    from tracker.services.commitments import list_commitments

    engine = scratch.engine("listing")
    upgrade_database(engine)
    with write_session(engine) as session:
        agreement = Agreement(key="bench", title="bench", source_text="x", source_hash="0" * 64)
        session.add(agreement)
        session.flush()
        assert agreement.id is not None
        clause = Clause(
            agreement_id=agreement.id, number="1", position=1, text="x", span_start=0, span_end=1
        )
        session.add(clause)
        session.flush()
        assert clause.id is not None
        for index in range(commitments):
            session.add(
                Commitment(
                    agreement_id=agreement.id,
                    clause_id=clause.id,
                    ref=f"1.{index + 1}",
                    text="x",
                    span_start=0,
                    span_end=1,
                    strength=Strength.FIRM,
                )
            )

    def listing() -> None:
        with read_session(engine) as session:
            assert len(list_commitments(session=session)) == commitments

    figure = Figure(f"list {commitments:,} commitments", median_ms(listing, repeat=repeat), "ms")
    engine.dispose()
    return figure


def bench_parse(*, repeat: int) -> Figure:
    from tracker.importer import parse_agreement
    from tracker.importer.mechanism_catalog import MechanismCatalog
    from tracker.services.import_sources import sample_source

    text, catalog = sample_source(), MechanismCatalog.load_default()
    elapsed = median_ms(lambda: parse_agreement(text, catalog=catalog), repeat=repeat)
    return Figure("parse + split the seed agreement", elapsed, "ms", goal="<= 20 ms")


def seed_variant(text: str, number: int) -> str:
    """The seed with its title and first clause made unique, as another agreement would be."""
    return text.replace("파트너십 수립", f"파트너십 수립 {number}", 1).replace(
        "1. 대한민국(한국)과", f"1. 대한민국(한국)과 ({number})", 1
    )


def bench_import(scratch: Scratch, *, repeat: int) -> Figure:
    from tracker.importer import parse_agreement
    from tracker.importer.mechanism_catalog import MechanismCatalog
    from tracker.services.import_sources import sample_source
    from tracker.services.imports import import_agreement

    engine = scratch.engine("import")
    upgrade_database(engine)
    text, catalog = sample_source(), MechanismCatalog.load_default()
    counter = iter(range(repeat))

    def one_import() -> None:
        number = next(counter)
        parsed = parse_agreement(seed_variant(text, number), catalog=catalog)
        with write_session(engine) as session:
            import_agreement(parsed, session=session, source_name=f"seed-{number}.txt")

    figure = Figure(
        f"import the seed into {scratch.label} (read, parse, store, commit)",
        median_ms(one_import, repeat=repeat),
        "ms",
        goal="<= 150 ms",
    )
    engine.dispose()
    return figure


def bench_bulk_import(scratch: Scratch, *, agreements: int) -> Figure:
    from tracker.importer import parse_agreement
    from tracker.importer.mechanism_catalog import MechanismCatalog
    from tracker.services.import_sources import sample_source
    from tracker.services.imports import import_agreement

    engine = scratch.engine("bulk")
    upgrade_database(engine)
    text, catalog = sample_source(), MechanismCatalog.load_default()
    variants = [seed_variant(text, number) for number in range(agreements)]
    started = time.perf_counter()
    for number, variant in enumerate(variants):
        parsed = parse_agreement(variant, catalog=catalog)
        with write_session(engine) as session:
            import_agreement(parsed, session=session, source_name=f"bulk-{number}.txt")
    rate = agreements / (time.perf_counter() - started)
    engine.dispose()
    return Figure(f"bulk import of {agreements:,} agreements", rate, "agreements/s")


# --- status updates -------------------------------------------------------------------------

UPDATE_AS_OF = date(2025, 11, 3)  # after the seed was signed, never in the future
UPDATE_STATUSES = ("in_progress", "ongoing", "stalled")


@dataclass(frozen=True)
class WriterResult:
    """What one writer was told: the ids of the updates it saved, how many were refused as
    conflicts, and the traceback of anything else that went wrong ("" when nothing did)."""

    worker: int
    accepted: tuple[int, ...] = ()
    refused: int = 0
    error: str = ""
    started: float = 0.0  # wall-clock seconds, comparable between processes
    finished: float = 0.0


def seed_database(url: str) -> list[str]:
    """Migrate the database at `url`, import the seed agreement, and return its tracked
    commitments as KEY:REF, in the order they were stored."""
    from sqlmodel import col, select

    from tracker.importer import parse_agreement
    from tracker.importer.mechanism_catalog import MechanismCatalog
    from tracker.models import Agreement, Commitment
    from tracker.services.import_sources import SAMPLE_KEY, SAMPLE_NAME, sample_source
    from tracker.services.imports import import_agreement

    engine = make_engine(url)
    try:
        upgrade_database(engine)
        parsed = parse_agreement(sample_source(), catalog=MechanismCatalog.load_default())
        with write_session(engine) as session:
            import_agreement(parsed, session=session, source_name=SAMPLE_NAME, key=SAMPLE_KEY)
        with read_session(engine) as session:
            refs = session.exec(
                select(Commitment.ref)
                .join(Agreement)
                .where(Agreement.key == SAMPLE_KEY, col(Commitment.tracked))
                .order_by(col(Commitment.id))
            ).all()
        return [f"{SAMPLE_KEY}:{ref}" for ref in refs]
    finally:
        engine.dispose()


def write_status_updates(
    url: str,
    references: Sequence[str],
    *,
    worker: int,
    count: int,
    evidence_dir: Path,
    start: Any = None,
) -> WriterResult:
    """Make `count` status updates as a desk officer would, each against the version just read.

    Update n goes to references[(worker + n) % len(references)]: the commitment's version is
    read in a short read transaction, then the update is recorded in a write transaction of
    its own with that version as the expected one, so a writer that got in between makes it a
    `Conflict`. Every other exception ends the run and comes back as `error`. `start` (a
    multiprocessing barrier) lines several writers up before the first update.
    """
    from tracker.models import StatusUpdateCreate
    from tracker.services.lookup import find_commitment
    from tracker.services.policy import FollowUpPolicy
    from tracker.services.status_updates import Conflict, record_status_update

    accepted: list[int] = []
    refused = 0
    started = 0.0
    engine: Engine | None = None
    try:
        engine = make_engine(url)
        policy = FollowUpPolicy(evidence_dir=evidence_dir)
        if start is not None:
            start.wait()
        started = time.time()
        for n in range(count):
            reference = references[(worker + n) % len(references)]
            with read_session(engine) as session:
                version = find_commitment(reference, session=session).version
            update = StatusUpdateCreate(
                status=UPDATE_STATUSES[n % len(UPDATE_STATUSES)],
                narrative=f"writer {worker}, update {n + 1} of {count}",
                as_of=UPDATE_AS_OF,
                expected_version=version,
            )
            try:
                with write_session(engine) as session:
                    commitment = find_commitment(reference, session=session)
                    row = record_status_update(
                        commitment,
                        update,
                        session=session,
                        policy=policy,
                        author=f"writer-{worker}",
                    )
                    assert row.id is not None
                    row_id = row.id
            except Conflict:
                refused += 1
            else:
                accepted.append(row_id)
    except BaseException:
        return WriterResult(
            worker, tuple(accepted), refused, traceback.format_exc(), started, time.time()
        )
    finally:
        if engine is not None:
            engine.dispose()
    return WriterResult(worker, tuple(accepted), refused, "", started, time.time())


def _writer_process(
    url: str,
    references: Sequence[str],
    worker: int,
    count: int,
    evidence_dir: Path,
    start: Any,
    results: Any,
) -> None:
    try:
        result = write_status_updates(
            url, references, worker=worker, count=count, evidence_dir=evidence_dir, start=start
        )
    except BaseException:
        result = WriterResult(worker, error=traceback.format_exc())
    results.put(result)


def run_concurrent_writers(
    url: str,
    references: Sequence[str],
    *,
    processes: int,
    count: int,
    evidence_dir: Path,
    timeout: float = 300.0,
) -> list[WriterResult]:
    """`processes` writer processes (spawned, each with its own engine), started together,
    each making `count` updates with `write_status_updates`; their results by worker number.
    A writer that does not report within `timeout` seconds comes back with an error."""
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(processes, timeout=timeout)
    results = context.Queue()
    workers = [
        context.Process(
            target=_writer_process,
            args=(url, list(references), worker, count, evidence_dir, start, results),
            name=f"tracker-writer-{worker}",
        )
        for worker in range(processes)
    ]
    for process in workers:
        process.start()
    reported: dict[int, WriterResult] = {}
    deadline = time.monotonic() + timeout
    try:
        while len(reported) < processes:
            try:
                result = results.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            reported[result.worker] = result
    finally:
        for process in workers:
            process.join(timeout=5 if len(reported) == processes else 0.1)
            if process.is_alive():
                process.terminate()
                process.join()
    for worker, process in enumerate(workers):
        if worker not in reported:
            reported[worker] = WriterResult(
                worker,
                error=f"writer {worker} reported nothing within {timeout:.0f} s "
                f"(exit code {process.exitcode})",
            )
    return [reported[worker] for worker in range(processes)]


def bench_sequential_updates(scratch: Scratch, *, updates: int) -> Figure:
    url = scratch.url("updates")
    references = seed_database(url)
    result = write_status_updates(
        url, references, worker=0, count=updates, evidence_dir=scratch.folder / "evidence"
    )
    if result.error:
        raise RuntimeError(f"a sequential status update failed:\n{result.error}")
    rate = updates / (result.finished - result.started)
    return Figure(
        f"{updates:,} status updates in a row on {scratch.label}, one write transaction each",
        rate,
        "/s",
    )


def bench_concurrent_updates(
    scratch: Scratch, *, processes: int, updates: int, commitments: int = 3
) -> Figure:
    url = scratch.url("concurrent")
    references = seed_database(url)[:commitments]
    per_writer = updates // processes
    results = run_concurrent_writers(
        url,
        references,
        processes=processes,
        count=per_writer,
        evidence_dir=scratch.folder / "evidence",
    )
    if errors := [result.error for result in results if result.error]:
        raise RuntimeError(f"a concurrent status update failed:\n{errors[0]}")
    accepted = sum(len(result.accepted) for result in results)
    refused = sum(result.refused for result in results)
    elapsed = max(r.finished for r in results) - min(r.started for r in results)
    return Figure(
        f"status updates saved by {processes} processes at once on {len(references)} "
        f"{scratch.label} commitments ({refused:,} of {processes * per_writer:,} refused "
        "as conflicts)",
        accepted / elapsed,
        "/s",
    )
