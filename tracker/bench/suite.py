"""`tracker bench` (and `make bench`): the seed benchmarks, then, given the templates, the
report and digest benchmarks, each figure printed as it is measured."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

from tracker.bench.digests import bench_digests
from tracker.bench.intake import bench_follow_up
from tracker.bench.reports import bench_exports, bench_report_batch, bench_review_report
from tracker.bench.scratch import Figure, Scratch
from tracker.bench.seed import (
    bench_bulk_import,
    bench_concurrent_updates,
    bench_import,
    bench_listing,
    bench_parse,
    bench_schema,
    bench_sequential_updates,
)


def run_benchmarks(
    *, quick: bool = False, database_url: str | None = None, templates: Path | None = None
) -> Iterator[Figure | str]:
    """Yield figures as they are measured; `quick` shrinks every size for a smoke test.

    Without `database_url` every database is a SQLite file in a temporary folder; with a
    PostgreSQL URL, each is a fresh schema in that database, dropped afterwards.
    """
    repeat = 2 if quick else 7
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
        scratch = Scratch(Path(tmp), database_url)
        try:
            yield bench_schema(scratch, repeat=repeat)
            yield bench_listing(scratch, repeat=repeat, commitments=50 if quick else 1000)
            yield bench_parse(repeat=3 if quick else 50)
            yield bench_import(scratch, repeat=repeat)
            yield bench_bulk_import(scratch, agreements=5 if quick else 1000)
            yield bench_sequential_updates(scratch, updates=20 if quick else 500)
            yield bench_concurrent_updates(
                scratch, processes=2 if quick else 4, updates=20 if quick else 1000
            )
            yield from bench_follow_up(
                scratch, agreements=3 if quick else 50, repeat=2 if quick else 7
            )
            if templates is not None:
                yield from bench_review_report(
                    scratch.url("report"), Path(tmp), templates, repeat=1 if quick else 5
                )
                yield from bench_exports(
                    scratch.url("exports"), Path(tmp), templates, repeat=2 if quick else 7
                )
                yield bench_report_batch(
                    scratch.url("batch"), Path(tmp), templates, agreements=2 if quick else 50
                )
                yield from bench_digests(scratch, templates, officers=10 if quick else 500)
        finally:
            scratch.close()
