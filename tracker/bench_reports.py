"""Report benchmarks: the seed's review report in a warm process, and a batch of reports.

The split the issue asks for: time outside WeasyPrint (queries and templates, in this
process) against time inside it (the warm child), plus pages, size and the child's peak
memory; then reports per minute for a batch of agreements through one warm renderer.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from pathlib import Path

from tracker.config import Settings
from tracker.db import make_engine, read_session, write_session
from tracker.schema import upgrade_database


def _settings(templates: Path, folder: Path, url: str) -> Settings:
    return Settings(
        base_dir=folder,
        database={"url": url},
        paths={"templates": templates, "reports": folder / "reports"},
    )


def bench_review_report(url: str, folder: Path, templates: Path, *, repeat: int) -> Iterator[str]:
    """Lines of figures for the seed's review report, rendered `repeat` times warm."""
    from tracker.bench import seed_database
    from tracker.services import reports

    seed_database(url)
    settings = _settings(templates, folder, url)
    engine = make_engine(url)
    outside, inside, totals = [], [], []
    with reports.make_renderer(settings) as renderer:
        renderer.render("<p>warm</p>")  # importing WeasyPrint is not part of a report
        for _ in range(repeat):
            started = time.perf_counter()
            with read_session(engine) as session:
                prepared = reports.prepare_review("kr-ca-2025", session=session, settings=settings)
            prepared_at = time.perf_counter()
            pdf = renderer.render(prepared.html)
            with write_session(engine) as session:
                reports.store_report(
                    prepared,
                    pdf,
                    session=session,
                    reports_dir=folder / "reports",
                    actor="bench",
                )
            finished = time.perf_counter()
            outside.append(prepared_at - started + (finished - prepared_at - pdf.seconds))
            inside.append(pdf.seconds)
            totals.append(finished - started)
    engine.dispose()
    total = statistics.median(totals)
    share = statistics.median(o / t for o, t in zip(outside, totals, strict=True)) * 100
    yield f"seed review report, warm process: {total * 1000:,.1f} ms  (goal < 3000 ms)"
    yield (
        f"seed review report, outside WeasyPrint (queries, templates, storing): {share:,.1f} %"
        "  (goal < 10 %)"
    )
    yield f"seed review report, inside WeasyPrint: {statistics.median(inside) * 1000:,.1f} ms"
    yield f"seed review report, pages: {pdf.pages:,.1f} pages"
    yield f"seed review report, PDF size: {len(pdf.data) / 1024:,.1f} KB  (goal < 500 KB)"
    yield f"seed review report, peak memory of the renderer: {pdf.peak_rss_mb:,.1f} MB"


def bench_report_batch(url: str, folder: Path, templates: Path, *, agreements: int) -> str:
    """Review reports for `agreements` agreements in one process through one warm renderer."""
    from tracker.bench import _seed_variant
    from tracker.importer import parse_agreement
    from tracker.importer.mechanisms import MechanismCatalog
    from tracker.services import reports
    from tracker.services.imports import import_agreement, sample_source

    engine = make_engine(url)
    upgrade_database(engine)
    catalog, text = MechanismCatalog.load_default(), sample_source()
    keys = []
    for number in range(agreements):
        parsed = parse_agreement(_seed_variant(text, number), catalog=catalog)
        with write_session(engine) as session:
            keys.append(
                import_agreement(parsed, session=session, source_name=f"batch-{number}.txt").key
            )
    settings = _settings(templates, folder, url)
    with reports.make_renderer(settings) as renderer:
        renderer.render("<p>warm</p>")
        started = time.perf_counter()
        for key in keys:
            with read_session(engine) as session:
                prepared = reports.prepare_review(key, session=session, settings=settings)
            pdf = renderer.render(prepared.html)
            with write_session(engine) as session:
                reports.store_report(
                    prepared, pdf, session=session, reports_dir=folder / "reports", actor="bench"
                )
        elapsed = time.perf_counter() - started
    engine.dispose()
    return (
        f"review reports for {agreements} agreements in one process: "
        f"{agreements / elapsed * 60:,.1f} reports/min"
    )
