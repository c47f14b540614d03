"""Eight desk officers report on the same commitments at the same moment.

Issue #4: 8 processes × 100 status updates against the same commitments, on SQLite and on
PostgreSQL: no "database is locked" (or any other database error) reaches the user, every
accepted update is in the history, and every refused one was told so with a `Conflict`.

Each writer is a real process with its own engine (`tracker.bench.seed.run_concurrent_writers`):
it reads a commitment's version in a short read transaction, then records its update in a
write transaction of its own against that version, so whoever got in between makes it a
conflict.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from tracker.bench.seed import run_concurrent_writers, seed_database
from tracker.db import read_session
from tracker.models import StatusUpdate
from tracker.services.lookup import find_commitment

pytestmark = pytest.mark.slow  # eight writer processes, 800 updates: half a minute

WRITERS = 8
UPDATES_PER_WRITER = 100
COMMITMENTS = 3


def versions(engine: Engine, references: list[str]) -> dict[str, tuple[int, int]]:
    """KEY:REF -> (commitment id, version)."""
    with read_session(engine) as session:
        found = {ref: find_commitment(ref, session=session) for ref in references}
        return {ref: (c.id or 0, c.version) for ref, c in found.items()}


def test_eight_officers_updating_the_same_commitments_at_once_are_each_saved_or_told_why_not(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    references = seed_database(database_url)[:COMMITMENTS]
    assert len(references) == COMMITMENTS
    before = versions(engine, references)
    assert {version for _, version in before.values()} == {1}, before

    results = run_concurrent_writers(
        database_url,
        references,
        processes=WRITERS,
        count=UPDATES_PER_WRITER,
        evidence_dir=tmp_path / "evidence",
        timeout=240,
    )

    # Nothing but a conflict reached any writer: no "database is locked", no raw StaleDataError.
    errors = [f"writer {r.worker}:\n{r.error}" for r in results if r.error]
    if errors:
        pytest.fail("\n\n".join(errors), pytrace=False)
    accepted = [update_id for result in results for update_id in result.accepted]
    refused = sum(result.refused for result in results)
    assert len(accepted) + refused == WRITERS * UPDATES_PER_WRITER
    assert all(result.accepted for result in results), [len(r.accepted) for r in results]

    # Every accepted update is in the history, once; no refused one left a trace.
    with read_session(engine) as session:
        rows = session.exec(select(StatusUpdate).order_by(col(StatusUpdate.id))).all()
    assert len(set(accepted)) == len(accepted)
    assert sorted(row.id or 0 for row in rows) == sorted(accepted)

    # Each commitment's version moved once per saved update, and its updates quote the
    # versions in between, each exactly once: no update was lost or applied twice.
    after = versions(engine, references)
    per_commitment = Counter(row.commitment_id for row in rows)
    for reference, (commitment_id, version) in after.items():
        _, initial = before[reference]
        saved = per_commitment[commitment_id]
        assert version == initial + saved, (reference, version, initial, saved)
        quoted = sorted(
            row.commitment_version for row in rows if row.commitment_id == commitment_id
        )
        assert quoted == list(range(initial + 1, version + 1)), reference
    assert sum(per_commitment.values()) == len(rows)
