"""The whole run of `tracker bench-scale`: build and measure at N, then at FACTOR x N, and print
p50/p95 per item with the ratio between the sizes."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

from tracker.bench.scale.builder import build_portfolio
from tracker.bench.scale.measure import (
    Item,
    measure_cli,
    measure_documents,
    measure_web,
    table,
)
from tracker.bench.scratch import Scratch
from tracker.bench.web import write_config


def measure_size(
    url: str,
    folder: Path,
    templates: Path,
    *,
    agreements: int,
    samples: int,
    render: bool = True,
    log: list[str] | None = None,
) -> list[Item]:
    """Build `agreements` into the empty database at `url`, then measure everything."""
    built = build_portfolio(url, agreements=agreements)
    if log is not None:
        log += built.lines()
    folder.mkdir(parents=True, exist_ok=True)
    items = measure_web(built, folder, templates, samples=samples)
    config = write_config(folder, url, templates)
    items += measure_cli(built, config, samples=max(2, samples // 2))
    items += measure_documents(built, folder, templates, samples=samples, render=render)
    return items


def run_bench_scale(
    *,
    agreements: int,
    factor: int,
    templates: Path,
    samples: int,
    database_url: str | None = None,
    render: bool = True,
) -> Iterator[str]:
    """Lines of progress, then the table. Each size gets its own fresh database: a SQLite file
    in a temporary folder, or a fresh schema in the PostgreSQL database `database_url`."""
    sizes = [agreements] if factor <= 1 else [agreements, agreements * factor]
    runs: list[list[Item]] = []
    with tempfile.TemporaryDirectory(prefix="tracker-bench-scale-") as tmp:
        scratch = Scratch(Path(tmp), database_url)
        try:
            for size in sizes:
                yield f"building and measuring {size:,} agreements on {scratch.label}..."
                log: list[str] = []
                items = measure_size(
                    scratch.url(f"scale_{size}"),
                    Path(tmp) / f"scale-{size}",
                    templates,
                    agreements=size,
                    samples=samples,
                    render=render,
                    log=log,
                )
                yield from (f"  {line}" for line in log)
                runs.append(items)
        finally:
            scratch.close()
    yield ""
    ratio = f"; ratio = p50 at {sizes[-1]:,} / p50 at {sizes[0]:,}" if len(sizes) > 1 else ""
    yield (
        f"portfolio benchmark on {scratch.label}: p50/p95 in ms (sizes and memory as marked), "
        f"one request at a time{ratio}"
    )
    yield from table(sizes, runs)
