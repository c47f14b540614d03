"""Report benchmarks: the seed's review report in a warm process, a batch of reports, and a
brief over a portfolio whose every agreement the same dialogue follows.

The split the issue asks for: time outside WeasyPrint (queries and templates, in this
process) against time inside it (the warm child), plus pages, size and the child's peak
memory; then reports per minute for a batch of agreements through one warm renderer.
"""

from __future__ import annotations

import functools
import random
import statistics
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from tracker.bench.scratch import Figure, median_ms
from tracker.bench.seed import seed_database, seed_variant
from tracker.config import Settings
from tracker.db import make_engine, read_session, write_session
from tracker.domain import ReportFormat
from tracker.models import (
    Assessment,
    Commitment,
    Mechanism,
    MeetingCreate,
    Officer,
    ReviewCycle,
    StatusUpdate,
)
from tracker.schema import upgrade_database
from tracker.storage import Namespace
from tracker.storage.filesystem import FilesystemStore


def _settings(templates: Path, folder: Path, url: str) -> Settings:
    return Settings(
        base_dir=folder,
        database={"url": url},
        paths={"templates": templates, "reports": folder / "reports"},
    )


def bench_review_report(url: str, folder: Path, templates: Path, *, repeat: int) -> Iterator[str]:
    """Lines of figures for the seed's review report, rendered `repeat` times warm."""
    from tracker.reports import generate

    seed_database(url)
    settings = _settings(templates, folder, url)
    engine = make_engine(url)
    outside, inside, totals = [], [], []
    with generate.make_renderer(settings) as renderer:
        renderer.render("<p>warm</p>")  # importing WeasyPrint is not part of a report
        for _ in range(repeat):
            started = time.perf_counter()
            with read_session(engine) as session:
                prepared = generate.prepare_review("kr-ca-2025", session=session, settings=settings)
            prepared_at = time.perf_counter()
            pdf = renderer.render(prepared.html)
            with write_session(engine) as session:
                generate.store_report(
                    prepared,
                    pdf,
                    session=session,
                    store=FilesystemStore(folder / "reports", Namespace.REPORTS),
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


def bench_exports(url: str, folder: Path, templates: Path, *, repeat: int) -> Iterator[Figure]:
    """Each editable format of the seed's review: the median time from the prepared report to
    the file's bytes (outline and writer), after one warm-up export (imports, font tables)."""
    from tracker.reports import generate

    seed_database(url)
    settings = _settings(templates, folder, url)
    engine = make_engine(url)
    with read_session(engine) as session:
        prepared = generate.prepare_review("kr-ca-2025", session=session, settings=settings)
    engine.dispose()
    for fmt in (ReportFormat.HWPX, ReportFormat.DOCX):
        generate.export_document(prepared, fmt)
        seconds = median_ms(
            functools.partial(generate.export_document, prepared, fmt), repeat=repeat
        )
        size = len(generate.export_document(prepared, fmt).data) / 1024
        yield Figure(
            f"seed review report as {fmt.value.upper()} ({size:,.0f} KB)",
            seconds,
            "ms",
            "<= 1000 ms",
        )


def bench_report_batch(url: str, folder: Path, templates: Path, *, agreements: int) -> str:
    """Review reports for `agreements` agreements in one process through one warm renderer."""
    from tracker.importer import parse_agreement
    from tracker.importer.mechanism_catalog import MechanismCatalog
    from tracker.reports import generate
    from tracker.services.import_sources import sample_source
    from tracker.services.imports import import_agreement

    engine = make_engine(url)
    upgrade_database(engine)
    catalog, text = MechanismCatalog.load_default(), sample_source()
    keys = []
    for number in range(agreements):
        parsed = parse_agreement(seed_variant(text, number), catalog=catalog)
        with write_session(engine) as session:
            keys.append(
                import_agreement(parsed, session=session, source_name=f"batch-{number}.txt").key
            )
    settings = _settings(templates, folder, url)
    with generate.make_renderer(settings) as renderer:
        renderer.render("<p>warm</p>")
        started = time.perf_counter()
        for key in keys:
            with read_session(engine) as session:
                prepared = generate.prepare_review(key, session=session, settings=settings)
            pdf = renderer.render(prepared.html)
            with write_session(engine) as session:
                generate.store_report(
                    prepared,
                    pdf,
                    session=session,
                    store=FilesystemStore(folder / "reports", Namespace.REPORTS),
                    actor="bench",
                )
        elapsed = time.perf_counter() - started
    engine.dispose()
    return (
        f"review reports for {agreements} agreements in one process: "
        f"{agreements / elapsed * 60:,.1f} reports/min"
    )


def build_shared_portfolio(url: str, *, agreements: int, today: date) -> int:
    """`agreements` variants of the seed, all followed by one policy dialogue (the worst case
    for a brief: 36 tracked commitments of every agreement), owned by 20 officers, with about
    half updated, a few stalled and some assessed. Returns the dialogue's id."""
    from tracker.importer import parse_agreement
    from tracker.importer.mechanism_catalog import MechanismCatalog
    from tracker.services.import_sources import sample_source
    from tracker.services.imports import import_agreement
    from tracker.services.lookup import find_mechanism

    engine = make_engine(url)
    upgrade_database(engine)
    catalog, text = MechanismCatalog.load_default(), sample_source()
    for number in range(agreements):
        parsed = parse_agreement(seed_variant(text, number), catalog=catalog)
        with write_session(engine) as session:
            import_agreement(parsed, session=session, source_name=f"portfolio-{number}.txt")
    with write_session(engine) as session:
        _follow_up(session, today=today)
        dialogue_id = find_mechanism("외교·국방 정책 대화", session=session).id
    engine.dispose()
    assert dialogue_id is not None
    return dialogue_id


def _follow_up(session: Session, *, today: date) -> None:
    """Owners, status updates and assessments in bulk, as the services would record them."""
    chooser = random.Random(13)
    officers = [Officer(name=f"담당관{n:02d}", email=f"officer{n}@bench.test") for n in range(20)]
    session.add_all(officers)
    session.flush()
    statuses = ["in_progress", "ongoing", "achieved", "not_started", "stalled"]
    cycles = {
        agreement_id: cycle_id
        for agreement_id, cycle_id in session.exec(
            select(ReviewCycle.agreement_id, ReviewCycle.id).where(
                col(ReviewCycle.ends_on).is_(None)
            )
        ).all()
        if cycle_id is not None
    }
    now = datetime.now(UTC)
    for commitment in session.exec(select(Commitment).where(col(Commitment.tracked))).all():
        assert commitment.id is not None
        if chooser.random() < 0.97:
            commitment.owner_id = chooser.choice(officers).id
        if chooser.random() < 0.5:
            status = chooser.choices(statuses, weights=[40, 20, 15, 15, 10])[0]
            at = now - timedelta(days=chooser.randrange(0, 200))
            commitment.status, commitment.status_as_of = status, at.date()
            commitment.last_update_at = at
            session.add(
                StatusUpdate(
                    commitment_id=commitment.id,
                    status=status,
                    narrative=f"{status} 경과 보고",
                    as_of=at.date(),
                    author="bench",
                    commitment_version=commitment.version + 1,
                    recorded_at=at,
                )
            )
        if chooser.random() < 0.3 and commitment.agreement_id in cycles:
            session.add(
                Assessment(
                    commitment_id=commitment.id,
                    cycle_id=cycles[commitment.agreement_id],
                    score=chooser.choice([1, 0, -1]),
                    assessed_by="bench",
                )
            )
    session.flush()
    session.expunge_all()


def bench_portfolio_brief(
    url: str, folder: Path, templates: Path, *, agreements: int
) -> Iterator[str]:
    """The policy dialogue's brief over a portfolio of `agreements` seed variants: the time
    and Python memory to prepare it, and the pages, time and memory to render it."""
    from tracker.reports import generate
    from tracker.services.meetings import add_meeting

    today = datetime.now(UTC).date()
    started = time.perf_counter()
    dialogue_id = build_shared_portfolio(url, agreements=agreements, today=today)
    yield f"portfolio of {agreements:,} agreements built in {time.perf_counter() - started:,.1f} s"
    engine = make_engine(url)
    with write_session(engine) as session:
        dialogue = session.get_one(Mechanism, dialogue_id)
        meeting = add_meeting(
            dialogue,
            MeetingCreate(mechanism_id=dialogue_id, held_on=today + timedelta(days=30)),
            session=session,
            actor="bench",
            today=today,
        )
        when = meeting.held_on.isoformat()
    settings = _settings(templates, folder, url)
    tracemalloc.start()
    started = time.perf_counter()
    with read_session(engine) as session:
        prepared = generate.prepare_brief(
            str(dialogue_id), when, session=session, settings=settings
        )
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    engine.dispose()
    yield (
        f"brief over {agreements:,} agreements, prepared (queries, template): {seconds:,.2f} s, "
        f"Python memory peak {peak / 2**20:,.1f} MB, HTML {len(prepared.html) / 1024:,.0f} KB, "
        f"{len(prepared.snapshot)} commitments detailed"
    )
    with generate.make_renderer(settings) as renderer:
        renderer.render("<p>warm</p>")
        pdf = renderer.render(prepared.html)
    yield (
        f"brief over {agreements:,} agreements, rendered: {pdf.pages} pages "
        f"in {pdf.seconds:,.1f} s, {len(pdf.data) / 1024:,.0f} KB, "
        f"renderer peak memory {pdf.peak_rss_mb:,.0f} MB"
    )


if __name__ == "__main__":  # python -m tracker.bench.reports 200: the brief at that size
    import sys
    import tempfile

    with tempfile.TemporaryDirectory(prefix="tracker-brief-") as scratch:
        for line in bench_portfolio_brief(
            f"sqlite:///{scratch}/portfolio.db",
            Path(scratch),
            Path(__file__).parents[2] / "templates",
            agreements=int(sys.argv[1]) if len(sys.argv) > 1 else 200,
        ):
            print(line, flush=True)
