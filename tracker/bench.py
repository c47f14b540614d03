"""Benchmarks: `tracker bench` (and `make bench`) measure what the issues name in figures.

Each benchmark runs against a throw-away SQLite database in a temporary folder, repeats its
work, and reports the median, so that a figure means the same on every run.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from tracker.db import make_engine, read_session, write_session
from tracker.schema import upgrade_database


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    goal: str = ""

    def __str__(self) -> str:
        goal = f"  (goal {self.goal})" if self.goal else ""
        return f"{self.name}: {self.value:,.1f} {self.unit}{goal}"


def median_ms(work: Callable[[], object], *, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _fresh_engine(folder: Path, name: str) -> Engine:
    return make_engine(f"sqlite:///{folder / name}")


def bench_schema(folder: Path, *, repeat: int) -> Figure:
    counter = iter(range(repeat))

    def migrate() -> None:
        engine = _fresh_engine(folder, f"schema-{next(counter)}.db")
        upgrade_database(engine)
        engine.dispose()

    return Figure(
        "migrate an empty SQLite database to head", median_ms(migrate, repeat=repeat), "ms"
    )


def bench_listing(folder: Path, *, repeat: int, commitments: int) -> Figure:
    from tracker.domain import Strength
    from tracker.models import Agreement, Clause, Commitment
    from tracker.services.commitments import list_commitments

    engine = _fresh_engine(folder, "listing.db")
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
    from tracker.importer.mechanisms import MechanismCatalog
    from tracker.services.imports import sample_source

    text, catalog = sample_source(), MechanismCatalog.load_default()
    elapsed = median_ms(lambda: parse_agreement(text, catalog=catalog), repeat=repeat)
    return Figure("parse + split the seed agreement", elapsed, "ms", goal="<= 20 ms")


def _seed_variant(text: str, number: int) -> str:
    """The seed with its title and first clause made unique, as another agreement would be."""
    return text.replace("파트너십 수립", f"파트너십 수립 {number}", 1).replace(
        "1. 대한민국(한국)과", f"1. 대한민국(한국)과 ({number})", 1
    )


def bench_import(folder: Path, *, repeat: int) -> Figure:
    from tracker.importer import parse_agreement
    from tracker.importer.mechanisms import MechanismCatalog
    from tracker.services.imports import import_agreement, sample_source

    engine = _fresh_engine(folder, "import.db")
    upgrade_database(engine)
    text, catalog = sample_source(), MechanismCatalog.load_default()
    counter = iter(range(repeat))

    def one_import() -> None:
        number = next(counter)
        parsed = parse_agreement(_seed_variant(text, number), catalog=catalog)
        with write_session(engine) as session:
            import_agreement(parsed, session=session, source_name=f"seed-{number}.txt")

    figure = Figure(
        "import the seed into SQLite (read, parse, store, commit)",
        median_ms(one_import, repeat=repeat),
        "ms",
        goal="<= 150 ms",
    )
    engine.dispose()
    return figure


def bench_bulk_import(folder: Path, *, agreements: int) -> Figure:
    from tracker.importer import parse_agreement
    from tracker.importer.mechanisms import MechanismCatalog
    from tracker.services.imports import import_agreement, sample_source

    engine = _fresh_engine(folder, "bulk.db")
    upgrade_database(engine)
    text, catalog = sample_source(), MechanismCatalog.load_default()
    variants = [_seed_variant(text, number) for number in range(agreements)]
    started = time.perf_counter()
    for number, variant in enumerate(variants):
        parsed = parse_agreement(variant, catalog=catalog)
        with write_session(engine) as session:
            import_agreement(parsed, session=session, source_name=f"bulk-{number}.txt")
    rate = agreements / (time.perf_counter() - started)
    engine.dispose()
    return Figure(f"bulk import of {agreements:,} agreements", rate, "agreements/s")


def run_benchmarks(*, quick: bool = False) -> Iterator[Figure]:
    """Yield figures as they are measured; `quick` shrinks every size for a smoke test."""
    repeat = 2 if quick else 7
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
        folder = Path(tmp)
        yield bench_schema(folder, repeat=repeat)
        yield bench_listing(folder, repeat=repeat, commitments=50 if quick else 1000)
        yield bench_parse(repeat=3 if quick else 50)
        yield bench_import(folder, repeat=repeat)
        yield bench_bulk_import(folder, agreements=5 if quick else 1000)
