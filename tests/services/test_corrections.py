"""Correcting the split after import: every fix keeps the text verbatim and leaves a record."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tracker.db import write_session
from tracker.domain import LinkRole
from tracker.importer import parse_agreement
from tracker.importer.mechanism_catalog import MechanismCatalog
from tracker.models import Agreement, ChangeRecord, Commitment, CommitmentMechanism, Mechanism
from tracker.services import corrections
from tracker.services.import_sources import sample_source
from tracker.services.imports import import_agreement

KEY = "seed"


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    parsed = parse_agreement(sample_source(), catalog=MechanismCatalog.load_default())
    with write_session(engine) as session:
        import_agreement(parsed, session=session, source_name="seed.txt")
    return engine


def commitment(session: Session, ref: str) -> Commitment:
    return corrections.find_commitment(KEY, ref, session=session)


def assert_verbatim(session: Session) -> None:
    source = session.exec(select(Agreement)).one().source_text
    for item in session.exec(select(Commitment)).all():
        assert source[item.span_start : item.span_end] == item.text, item.ref
        assert item.text == item.text.strip()


def history(session: Session) -> list[tuple[str, str]]:
    rows = session.exec(select(ChangeRecord).where(ChangeRecord.entity != "agreement")).all()
    return [(row.action, row.actor) for row in rows]


def test_splitting_gives_two_verbatim_commitments_with_the_same_links(seeded: Engine) -> None:
    with write_session(seeded) as session:
        first = commitment(session, "9.2")
        second = corrections.split_commitment(
            first, at="공동 개발, 공동 생산", session=session, actor="정진우", reason="두 가지 과제"
        )
        assert second.ref == "9.2b"
        assert first.text.endswith("메커니즘 등을 통해")
        assert second.text.startswith("공동 개발, 공동 생산")
        assert second.tracked and second.strength == first.strength
        assert_verbatim(session)
        assert history(session) == [("split", "정진우")]


def test_a_split_point_outside_the_text_is_refused(seeded: Engine) -> None:
    with (
        write_session(seeded) as session,
        pytest.raises(corrections.CorrectionRefused, match="does not occur"),
    ):
        corrections.split_commitment(
            commitment(session, "9.2"), at="없는 말", session=session, actor="x"
        )


def test_merging_neighbours_covers_both_and_keeps_the_first_ref(seeded: Engine) -> None:
    with write_session(seeded) as session:
        merged = corrections.merge_commitments(
            commitment(session, "13.2"), commitment(session, "13.1"), session=session, actor="x"
        )
        assert merged.ref == "13.1"
        assert "연례적으로 참여할 것이다. 이러한 노력을" in merged.text
        refs = session.exec(select(Commitment.ref)).all()
        assert "13.2" not in refs
        assert_verbatim(session)


def test_merging_across_clauses_or_over_a_neighbour_is_refused(seeded: Engine) -> None:
    with write_session(seeded) as session:
        with pytest.raises(corrections.CorrectionRefused, match="different clauses"):
            corrections.merge_commitments(
                commitment(session, "12.1"), commitment(session, "13.1"), session=session, actor="x"
            )
        with pytest.raises(corrections.CorrectionRefused, match="7.2 lies between"):
            corrections.merge_commitments(
                commitment(session, "7.1"), commitment(session, "7.3"), session=session, actor="x"
            )


def test_moving_a_boundary_stays_in_the_clause_and_off_the_neighbours(seeded: Engine) -> None:
    with write_session(seeded) as session:
        item = commitment(session, "26.1")
        corrections.move_boundaries(
            item, start_at="파트너십의 내용은", end_after=None, session=session, actor="x"
        )
        assert item.text == "파트너십의 내용은 적절히 검토될 것이다."
        with pytest.raises(corrections.CorrectionRefused, match="does not occur in clause 26"):
            corrections.move_boundaries(
                item, start_at="한국과 캐나다는", end_after=None, session=session, actor="x"
            )
        with pytest.raises(corrections.CorrectionRefused, match="would overlap 16.2"):
            corrections.move_boundaries(
                commitment(session, "16.1"),
                start_at=None,
                end_after="논의도 포함된다.",
                session=session,
                actor="x",
            )
        assert_verbatim(session)


def test_tracking_and_linking_are_recorded(seeded: Engine) -> None:
    with write_session(seeded) as session:
        permissive = commitment(session, "25.1")
        corrections.set_tracked(
            permissive, True, session=session, actor="정진우", reason="신설 검토"
        )
        corrections.set_tracked(permissive, True, session=session, actor="정진우")  # no-op
        found = corrections.link_mechanism(permissive, "2+2", session=session, actor="정진우")
        assert "2+2" in found.name
        corrections.unlink_mechanism(permissive, "2+2", session=session, actor="정진우")
        with pytest.raises(corrections.CorrectionRefused, match="is not linked"):
            corrections.unlink_mechanism(permissive, "2+2", session=session, actor="정진우")
        assert [action for action, _ in history(session)] == ["track", "link", "unlink"]


def test_merging_two_mechanisms_moves_links_and_names(seeded: Engine) -> None:
    with write_session(seeded) as session:
        kept = corrections.merge_mechanisms(
            "한-캐나다 방산군수 공동위원회",
            "한-캐나다 방산군수협력 MOU",
            session=session,
            actor="x",
        )
        names = session.exec(select(Mechanism.name)).all()
        assert "한-캐나다 방산군수협력 MOU" not in names
        linked = session.exec(
            select(CommitmentMechanism).where(
                CommitmentMechanism.mechanism_id == kept.id,
                CommitmentMechanism.role == LinkRole.NAMED,
            )
        ).all()
        assert commitment(session, "8.1").id in {link.commitment_id for link in linked}
        from tracker.services.lookup import find_mechanism

        assert find_mechanism("한-캐나다 방산군수협력 MOU", session=session).id == kept.id


def test_tracking_follows_the_agreements_review_chain(seeded: Engine) -> None:
    with write_session(seeded) as session:
        reviewer = session.exec(select(Agreement)).one().review_mechanism_id
        permissive = commitment(session, "25.1")

        def reviewed() -> bool:
            key = (permissive.id, reviewer, LinkRole.REVIEWS)
            return session.get(CommitmentMechanism, key) is not None

        assert not reviewed()
        corrections.set_tracked(permissive, True, session=session, actor="x")
        session.flush()
        assert reviewed()
        corrections.set_tracked(permissive, False, session=session, actor="x")
        session.flush()
        assert not reviewed()
