"""Digest benchmarks: compose one digest each for many officers, then hand them all to a local
SMTP server (aiosmtpd on 127.0.0.1, accepting everything).

The data: the seed agreement imported as often as needed for each officer to own at least
`per_officer` of its tracked commitments (dealt out round-robin), and a 2+2 planned 31 days
ahead, so that every commitment is due for review and every officer gets a digest.

The issue-13 figures (100 officers, 300+ flagged commitments each; about 30,000 commitments,
a minute and a half to build):

    python -m tracker.bench.digests --officers 100 --per-officer 300
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, text
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from tracker.bench.scratch import Figure, Scratch
from tracker.bench.seed import seed_variant
from tracker.config import Settings
from tracker.db import make_engine, read_session, write_session
from tracker.models import OutboxMessage
from tracker.schema import upgrade_database

# A Monday, an hour after the weekly digest time; the 2+2 is 31 days later.
NOW = datetime(2027, 9, 13, 9, 0, tzinfo=ZoneInfo("Asia/Seoul"))
MEETING = date(2027, 10, 14)


def bench_digests(
    scratch: Scratch, templates: Path, *, officers: int, per_officer: int = 3
) -> Iterator[Figure]:
    """Figures for composing `officers` digests (compose_due) and sending them (send_queued)."""
    from tracker.digests.compose import compose_due

    url = scratch.url("digests")
    engine = make_engine(url)
    try:
        upgrade_database(engine)
        populate(engine, officers=officers, per_officer=per_officer)
        settings = Settings(
            base_dir=scratch.folder,
            database={"url": url},
            paths={"templates": templates},
        )
        started = time.perf_counter()
        composed = compose_due(engine=engine, settings=settings, now=NOW)
        elapsed = time.perf_counter() - started
        if len(composed) != officers:
            raise RuntimeError(f"composed {len(composed)} digests for {officers} officers")
        yield Figure(
            f"compose {officers:,} digests on {scratch.label}, one transaction each",
            elapsed,
            "s",
            goal="≤ 10 s for 100 officers",
        )
        yield Figure(f"compose digests on {scratch.label}", officers / elapsed, "digests/s")
        yield from _sizes(engine, per_officer=per_officer)
        try:
            from aiosmtpd.controller import Controller
        except ImportError:  # a dev dependency: without it, no sending figure
            return
        sink = _Sink()
        port = _free_port()
        controller = Controller(sink, hostname="127.0.0.1", port=port, ready_timeout=10)
        controller.start()
        try:
            elapsed = _send_all(engine, settings, port, officers=officers)
        finally:
            controller.stop()
        if sink.received != officers:
            raise RuntimeError(f"the SMTP server took {sink.received} of {officers} digests")
        yield Figure(
            f"hand {officers:,} digests to a local SMTP server, one connection each",
            elapsed,
            "s",
        )
        yield Figure("hand digests to a local SMTP server", officers / elapsed, "digests/s")
    finally:
        engine.dispose()


def _sizes(engine: Engine, *, per_officer: int) -> Iterator[Figure]:
    """The largest digest composed: its HTML and text parts, in KB of UTF-8."""

    with read_session(engine) as session:
        parts = session.exec(select(OutboxMessage.html_body, OutboxMessage.text_body)).all()
    html = max((len(h.encode()) for h, _ in parts), default=0)
    plain = max((len(t.encode()) for _, t in parts), default=0)
    owned = f"an officer with {per_officer:,}+ flagged commitments"
    yield Figure(f"largest digest's HTML, {owned}", html / 1000, "KB", "≤ 60 KB")
    yield Figure(f"largest digest's text, {owned}", plain / 1000, "KB")


def populate(engine: Engine, *, officers: int, per_officer: int) -> None:
    """Seed copies, a planned 2+2, and `officers` officers with e-mail addresses, each owning
    at least `per_officer` tracked commitments (dealt out round-robin)."""
    from tracker.importer import parse_agreement
    from tracker.importer.mechanism_catalog import MechanismCatalog
    from tracker.models import Commitment, MeetingCreate, OfficerCreate
    from tracker.services.import_sources import sample_source
    from tracker.services.imports import import_agreement
    from tracker.services.lookup import find_mechanism
    from tracker.services.meetings import add_meeting
    from tracker.services.owners import add_officer

    source, catalog = sample_source(), MechanismCatalog.load_default()
    needed = officers * per_officer
    tracked, number = 0, 0
    while tracked < needed:
        parsed = parse_agreement(seed_variant(source, number), catalog=catalog)
        with write_session(engine) as session:
            import_agreement(
                parsed, session=session, source_name=f"digest-{number}.txt", key=f"d-{number}"
            )
        with read_session(engine) as session:
            tracked = session.exec(
                select(func.count()).select_from(Commitment).where(col(Commitment.tracked))
            ).one()
        number += 1
    with write_session(engine) as session:
        two_plus_two = find_mechanism("2+2", session=session)
        assert two_plus_two.id is not None
        add_meeting(
            two_plus_two,
            MeetingCreate(mechanism_id=two_plus_two.id, held_on=MEETING, planned=True),
            session=session,
            actor="bench",
            today=NOW.date(),
        )
        officer_ids = []
        for index in range(officers):
            officer = add_officer(
                OfficerCreate(name=f"담당관{index:04d}", email=f"officer{index:04d}@bench.example"),
                session=session,
                actor="bench",
            )
            officer_ids.append(officer.id)
        commitment_ids = session.exec(
            select(Commitment.id).where(col(Commitment.tracked)).order_by(col(Commitment.id))
        ).all()
        session.connection().execute(
            text("UPDATE commitment SET owner_id = :owner WHERE id = :id"),
            [
                {"owner": officer_ids[index % officers], "id": commitment_id}
                for index, commitment_id in enumerate(commitment_ids)
            ],
        )


def _send_all(engine: Engine, settings: Settings, port: int, *, officers: int) -> float:
    from tracker.digests.mailer import make_backend
    from tracker.digests.sender import send_queued

    smtp = settings.model_copy(
        update={
            "mail": settings.mail.model_copy(
                update={
                    "backend": "smtp",
                    "host": "127.0.0.1",
                    "port": port,
                    "security": "none",
                    "timeout_seconds": 10,
                }
            )
        }
    )
    started = time.perf_counter()
    deliveries = send_queued(
        engine=engine, settings=smtp, backend=make_backend(smtp), now=NOW + timedelta(minutes=1)
    )
    elapsed = time.perf_counter() - started
    sent = sum(1 for d in deliveries if d.state == "sent")
    if sent != officers:
        problems = {d.detail for d in deliveries if d.state != "sent"}
        raise RuntimeError(f"sent {sent} of {officers} digests: {sorted(problems)[:3]}")
    return elapsed


class _Sink:
    """An SMTP handler that takes every message and counts them."""

    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def main(argv: list[str] | None = None) -> None:
    """Print the digest figures for `--officers` officers owning `--per-officer` each."""
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(prog="python -m tracker.bench.digests")
    parser.add_argument("--officers", type=int, default=100)
    parser.add_argument("--per-officer", type=int, default=300)
    parser.add_argument("--database-url", default=None, help="PostgreSQL; SQLite by default")
    parser.add_argument("--templates", type=Path, default=Path(__file__).parents[2] / "templates")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tracker-bench-digests-") as folder:
        scratch = Scratch(Path(folder), options.database_url)
        try:
            for figure in bench_digests(
                scratch,
                options.templates,
                officers=options.officers,
                per_officer=options.per_officer,
            ):
                print(figure, flush=True)
        finally:
            scratch.close()


if __name__ == "__main__":
    main()
