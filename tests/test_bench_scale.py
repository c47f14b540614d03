"""The portfolio benchmark, bounded: its builder writes what the services would, and one tiny
measurement pass through a real server completes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from tests.conftest import TEMPLATES
from tracker.bench.scale.builder import ADMIN, OFFICER, VIEWER, Built, build_portfolio
from tracker.bench.scale.measure import measure_documents, measure_web, table
from tracker.domain import Role
from tracker.importer import parse_agreement
from tracker.importer.mechanism_catalog import MechanismCatalog
from tracker.models import (
    Account,
    Agreement,
    Assessment,
    Commitment,
    CommitmentMechanism,
    Mechanism,
    Meeting,
    Officer,
    ReviewCycle,
    StatusUpdate,
)
from tracker.services.status_updates import latest_update


def _build(database_url: str, engine: Engine, agreements: int = 3) -> Built:
    # `engine` migrated the database already; the builder finds it at head and goes on.
    return build_portfolio(database_url, agreements=agreements)


def test_three_agreements_are_distinct_and_import_as_their_text_says(
    database_url: str, engine: Engine
) -> None:
    built = _build(database_url, engine)
    catalog = MechanismCatalog.load_default()
    with Session(engine) as session:
        agreements = session.exec(select(Agreement).order_by(col(Agreement.id))).all()
        assert len(agreements) == built.agreements == 3
        assert len({a.source_hash for a in agreements}) == 3
        assert len({a.key for a in agreements}) == 3
        for agreement in agreements:
            parsed = parse_agreement(agreement.source_text, catalog=catalog)
            assert parsed.source_hash == agreement.source_hash
            assert parsed.record is not None
            assert (agreement.title, agreement.countries, agreement.signed_on) == (
                parsed.record.title,
                ", ".join(parsed.record.countries),
                parsed.record.signed_on,
            )
            stored = session.exec(
                select(Commitment)
                .where(Commitment.agreement_id == agreement.id)
                .order_by(col(Commitment.id))
            ).all()
            assert [(c.ref, c.span_start, c.span_end, c.tracked, c.text) for c in stored] == [
                (c.ref, c.start, c.end, c.tracked, c.text) for c in parsed.commitments
            ]
            for commitment in stored:  # a verbatim span of its own agreement's text
                assert (
                    commitment.text
                    == agreement.source_text[commitment.span_start : commitment.span_end]
                )
            mechanisms = session.exec(
                select(Mechanism.counterpart)
                .join(CommitmentMechanism)
                .join(Commitment)
                .where(Commitment.agreement_id == agreement.id)
            ).all()
            assert set(mechanisms) <= {agreement.countries}  # the partner's own mechanisms


def test_status_columns_versions_owners_and_assessments_are_as_the_services_leave_them(
    database_url: str, engine: Engine
) -> None:
    _build(database_url, engine)
    with Session(engine) as session:
        tracked = session.exec(select(Commitment).where(col(Commitment.tracked))).all()
        assert tracked
        updates = Counter(session.exec(select(StatusUpdate.commitment_id)).all())
        assessed = Counter(session.exec(select(Assessment.commitment_id)).all())
        assert sum(updates.values()) >= 2 * len(tracked)  # about three each
        for commitment in tracked:
            latest = latest_update(commitment, session=session)
            assert commitment.status == (latest.status if latest else None)
            assert commitment.status_as_of == (latest.as_of if latest else None)
            assert commitment.last_update_at == (latest.recorded_at if latest else None)
            assert commitment.version == 1 + updates[commitment.id] + assessed[commitment.id]
            owner = session.get(Officer, commitment.owner_id)
            assert owner is not None and owner.division_id is not None
            assert commitment.division_id == owner.division_id
        for assessment in session.exec(select(Assessment)).all():
            cycle = session.get(ReviewCycle, assessment.cycle_id)
            commitment = session.get(Commitment, assessment.commitment_id)
            assert cycle is not None and commitment is not None
            assert cycle.agreement_id == commitment.agreement_id
            assert cycle.ends_on is not None  # assessed once the cycle closed
        for agreement in session.exec(select(Agreement)).all():
            cycles = session.exec(
                select(ReviewCycle)
                .where(ReviewCycle.agreement_id == agreement.id)
                .order_by(col(ReviewCycle.number))
            ).all()
            assert [c.number for c in cycles] == list(range(1, len(cycles) + 1))
            assert cycles[0].starts_on == agreement.signed_on
            assert [c.ends_on for c in cycles[:-1]] == [c.starts_on for c in cycles[1:]]
            assert cycles[-1].ends_on is None  # one open cycle
        roles = dict(
            session.exec(select(Account.login, Officer.role).join(Officer)).all()  # type: ignore[arg-type]
        )
        assert roles == {ADMIN: Role.ADMIN, OFFICER: Role.OFFICER, VIEWER: Role.VIEWER}
        assert session.exec(select(func.count()).select_from(Meeting)).one() > 0


@pytest.mark.slow  # a real server in a child process, three accounts signing in to it
def test_a_tiny_measurement_pass_completes(
    database_url: str, engine: Engine, tmp_path: Path
) -> None:
    built = _build(database_url, engine, agreements=2)
    items = measure_web(built, tmp_path / "web", Path(TEMPLATES), samples=1)
    items += measure_documents(
        built, tmp_path / "documents", Path(TEMPLATES), samples=1, render=False
    )
    assert [item.error for item in items if item.error] == []
    names = {item.name for item in items}
    assert {"GET / (admin)", "GET /api/commitments", "brief, busiest mechanism"} <= names
    assert all(item.samples or item.value is not None for item in items)
    lines = list(table([2], [items]))
    assert lines[0].startswith("item") and len(lines) == len(items) + 1
