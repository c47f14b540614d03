"""Owners, handovers, the attention rules, and the rollups built on them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from tracker.domain import Attention, Score
from tracker.models import (
    Agreement,
    ChangeRecord,
    Commitment,
    MeetingCreate,
    OfficerCreate,
    StatusUpdateCreate,
)
from tracker.services.assessments import assess
from tracker.services.attention import attention_for
from tracker.services.commitments import CommitmentFilter, list_commitments
from tracker.services.cycles import find_cycle
from tracker.services.lookup import find_commitment, find_mechanism, find_officer
from tracker.services.meetings import add_meeting
from tracker.services.owners import (
    OwnerChange,
    OwnerRefused,
    add_officer,
    assign_owner,
    find_division,
    handover,
)
from tracker.services.policy import FollowUpPolicy
from tracker.services.rollups import Grouping, rollup, status_counts_by_agreement
from tracker.services.status_updates import Conflict, history, record_status_update

POLICY = FollowUpPolicy()


def tracked(session: Session) -> list[Commitment]:
    return list(session.exec(select(Commitment).where(Commitment.tracked)).all())


def flags_on(session: Session, day: date) -> dict[str, list[Attention]]:
    found = attention_for(tracked(session), session=session, policy=POLICY, today=day)
    refs = {c.id: c.ref for c in tracked(session)}
    return {refs[i]: flags for i, flags in found.items()}


def test_imported_commitments_belong_to_the_desk_officer_and_the_domestic_body(
    session: Session, seed: Agreement
) -> None:
    commitments = list_commitments(session=session, where=CommitmentFilter(tracked=True))
    assert len(commitments) == 36
    assert {(c.owner, c.division, c.lead_agency) for c in commitments} == {
        ("정진우", "북미2과", "외교부")
    }


def test_reassigning_brings_the_new_officers_division_and_is_recorded(
    session: Session, seed: Agreement
) -> None:
    kim = add_officer(
        OfficerCreate(name="김하늘", email="Haneul.Kim@mofa.go.kr"),
        session=session,
        actor="admin",
        division="군비통제과",
    )
    commitment = find_commitment("kr-ca-2025:9.1", session=session)
    assign_owner(
        commitment,
        OwnerChange(officer=kim, lead_agency="국방부", supporting_agencies="방위사업청;외교부, "),
        session=session,
        actor="정진우",
        reason="국방부 소관",
        expected_version=1,
    )
    assert commitment.division_id == find_division("군비통제과", session=session).id
    assert (commitment.supporting_agencies, commitment.version) == ("방위사업청, 외교부", 2)
    assert find_officer("haneul.kim@mofa.go.kr", session=session) == kim
    (entry,) = history(commitment, session=session, policy=POLICY)
    assert entry.action == "owner" and "Owner: 정진우 → 김하늘" in entry.summary
    with pytest.raises(Conflict):
        assign_owner(
            commitment,
            OwnerChange(lead_agency="외교부"),
            session=session,
            actor="x",
            expected_version=1,
        )


def test_a_handover_moves_every_commitment_and_agreement_and_leaves_history(
    session: Session, seed: Agreement
) -> None:
    giver = find_officer("정진우", session=session)
    taker = add_officer(
        OfficerCreate(name="김하늘"), session=session, actor="admin", division="북미2과"
    )
    done = handover(giver, taker, session=session, actor="admin", reason="정기 인사")
    assert (done.commitments, done.agreements) == (45, 1)
    assert {c.owner_id for c in session.exec(select(Commitment)).all()} == {taker.id}
    assert seed.desk_officer_id == taker.id
    records = session.exec(select(ChangeRecord).where(ChangeRecord.action == "handover")).all()
    assert len(records) == 46 and {r.reason for r in records} == {"정기 인사"}
    taker.active = False
    with pytest.raises(OwnerRefused, match="no longer active"):
        handover(giver, taker, session=session, actor="admin")


def test_stale_counts_from_the_last_update_and_finished_work_is_never_stale(
    session: Session, seed: Agreement
) -> None:
    imported = seed.imported_at.astimezone(POLICY.timezone).date()
    assert flags_on(session, imported + timedelta(days=90))["7.1"] == []
    assert Attention.STALE in flags_on(session, imported + timedelta(days=91))["7.1"]
    done = find_commitment("kr-ca-2025:7.2", session=session)
    record_status_update(
        done,
        StatusUpdateCreate(status="achieved", as_of=imported),
        session=session,
        policy=POLICY,
        author="정진우",
        today=imported,
    )
    assert flags_on(session, imported + timedelta(days=400))["7.2"] == []


def test_due_when_the_2_plus_2_that_closes_the_cycle_is_near(
    session: Session, seed: Agreement
) -> None:
    two_plus_two = find_mechanism("2+2", session=session)
    assert two_plus_two.id is not None
    add_meeting(
        two_plus_two,
        MeetingCreate(mechanism_id=two_plus_two.id, held_on=date(2027, 3, 10)),
        session=session,
        actor="test",
        today=date(2026, 11, 26),
    )
    assert Attention.DUE not in flags_on(session, date(2027, 1, 8))["7.1"]
    assert Attention.DUE in flags_on(session, date(2027, 1, 9))["7.1"]  # 60 days before


def test_stalled_and_unowned_are_flagged(session: Session, seed: Agreement) -> None:
    commitment = find_commitment("kr-ca-2025:7.1", session=session)
    record_status_update(
        commitment,
        StatusUpdateCreate(status="stalled", as_of=date(2026, 1, 5)),
        session=session,
        policy=POLICY,
        author="정진우",
        today=date(2026, 1, 5),
    )
    find_officer("정진우", session=session).active = False
    flags = flags_on(session, date(2026, 1, 5))
    assert flags["7.1"] == [Attention.UNOWNED, Attention.STALLED]
    assert flags["7.2"] == [Attention.UNOWNED]
    assert [
        c.ref for c in list_commitments(session=session, where=CommitmentFilter(status="정체"))
    ] == ["7.1"]


def test_rollups_count_statuses_and_average_the_open_cycles_scores(
    session: Session, seed: Agreement
) -> None:
    cycle = find_cycle(seed, "current", session=session)
    for ref, status, score in (
        ("7.1", "in_progress", Score.FULL),
        ("7.2", "stalled", Score.NONE),
        ("9.1", "in_progress", Score.PARTIAL),
    ):
        commitment = find_commitment(f"kr-ca-2025:{ref}", session=session)
        record_status_update(
            commitment,
            StatusUpdateCreate(status=status, as_of=date(2026, 1, 5)),
            session=session,
            policy=POLICY,
            author="정진우",
            today=date(2026, 1, 5),
        )
        assess(
            commitment,
            cycle,
            score=score,
            rationale="r",
            session=session,
            actor="정진우",
            confirmed=True,
        )
    (agreement_row, total) = rollup(session=session, policy=POLICY, by=Grouping.AGREEMENT)
    assert agreement_row.group == "kr-ca-2025" and total.group == "total"
    assert agreement_row.total == 36
    assert agreement_row.by_status["in_progress"] == 2
    assert agreement_row.by_status["stalled"] == 1
    assert agreement_row.by_status["not_assessed"] == 33
    # The dashboard's one-query bars say the same.
    bars = status_counts_by_agreement(session=session, policy=POLICY)["kr-ca-2025"]
    assert (bars.total, bars.by_status) == (agreement_row.total, agreement_row.by_status)
    assert (agreement_row.assessed, agreement_row.mean_score) == (3, 0.0)
    sections = {
        row.group: row for row in rollup(session=session, policy=POLICY, by=Grouping.SECTION)
    }
    assert sum(row.total for name, row in sections.items() if name != "total") == 36
    military = sections["kr-ca-2025 › 군 협력 및 상호운용성"]
    assert (military.by_status["stalled"], military.assessed) == (1, 2)
    owners = rollup(session=session, policy=POLICY, by=Grouping.OWNER)
    assert [(r.group, r.total) for r in owners] == [("정진우", 36), ("total", 36)]
