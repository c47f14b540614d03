"""Status updates: append-only, versioned, with evidence; refused cleanly when wrong."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from tracker.models import Agreement, Commitment, Evidence, StatusUpdate, StatusUpdateCreate
from tracker.services.changes import record_change
from tracker.services.evidence import EvidenceRefused
from tracker.services.lookup import find_commitment
from tracker.services.policy import FollowUpPolicy, UnknownStatus
from tracker.services.status_updates import (
    Conflict,
    UpdateRefused,
    history,
    latest_update,
    record_status_update,
    save_commitment,
)

TODAY = date(2026, 11, 26)


@pytest.fixture
def policy(tmp_path: Path) -> FollowUpPolicy:
    return FollowUpPolicy(evidence_dir=tmp_path / "evidence", evidence_max_bytes=1000)


@pytest.fixture
def commitment(session: Session, seed: Agreement) -> Commitment:
    return find_commitment("kr-ca-2025:7.1", session=session)


def update(
    commitment: Commitment, session: Session, policy: FollowUpPolicy, status: str, **fields: object
) -> StatusUpdate:
    data = StatusUpdateCreate(status=status, as_of=fields.pop("as_of", TODAY), **fields)  # type: ignore[arg-type]
    return record_status_update(
        commitment, data, session=session, policy=policy, author="정진우", today=TODAY
    )


def count(session: Session, model: type[StatusUpdate] | type[Evidence]) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_an_update_becomes_the_current_status_and_moves_the_version_on(
    session: Session, commitment: Commitment, policy: FollowUpPolicy
) -> None:
    assert commitment.status is None and commitment.version == 1
    row = update(
        commitment,
        session,
        policy,
        "진행 중",
        narrative="1차 협의 개최",
        evidence=["https://www.mofa.go.kr/press/1"],
    )
    session.commit()
    assert (commitment.status, commitment.status_as_of, commitment.version) == (
        "in_progress",
        TODAY,
        2,
    )
    assert row.commitment_version == 2
    (entry,) = history(commitment, session=session, policy=policy)
    assert entry.actor == "정진우"
    assert "진행 중" in entry.summary and "1차 협의 개최" in entry.summary
    assert "https://www.mofa.go.kr/press/1" in entry.summary


def test_statuses_are_understood_by_key_korean_or_english_label(
    session: Session, commitment: Commitment, policy: FollowUpPolicy
) -> None:
    for said, stored in (
        ("정체", "stalled"),
        ("In progress", "in_progress"),
        ("not-started", "not_started"),
    ):
        assert update(commitment, session, policy, said).status == stored
    with pytest.raises(UnknownStatus, match=r"unknown status 'done'; use one of: not_assessed"):
        update(commitment, session, policy, "done")


def test_an_update_against_an_old_version_is_refused_naming_the_newer_one(
    session: Session, commitment: Commitment, policy: FollowUpPolicy
) -> None:
    update(commitment, session, policy, "in_progress", narrative="국장급 협의", expected_version=1)
    session.commit()
    with pytest.raises(Conflict) as refused:
        update(commitment, session, policy, "achieved", expected_version=1)
    # The last change is data, so each reader is told it in their own language.
    assert refused.value.describe("en").startswith(
        "kr-ca-2025:7.1 changed since you read it (you had version 1, it is now 2; last change: "
        "정진우, In progress, 2026-11-26); nothing was saved"
    )
    assert refused.value.describe("ko").startswith(
        "kr-ca-2025:7.1: 이 화면을 연 뒤에 다른 변경이 있었습니다(보던 버전 1, 현재 버전 2; "
        "최근 변경: 정진우, 2026-11-26 진행 중)."
    )
    fields = refused.value.as_json("en")["fields"]
    assert (fields["author"], fields["status"], fields["as_of"]) == (
        "정진우",
        {"ko": "진행 중", "en": "In progress"},
        "2026-11-26",
    )
    session.rollback()
    assert count(session, StatusUpdate) == 1
    assert session.get(Commitment, commitment.id).status == "in_progress"  # type: ignore[union-attr]
    assert Conflict.exit_code == 3


def test_a_conflict_after_another_kind_of_change_names_that_change_in_each_language(
    session: Session, commitment: Commitment, policy: FollowUpPolicy
) -> None:
    save_commitment(commitment, session=session)
    assert commitment.id is not None
    record_change(session, "commitment", commitment.id, "owner", "김민수", {"changes": {}})
    session.commit()
    with pytest.raises(Conflict) as refused:
        update(commitment, session, policy, "achieved", expected_version=1)
    assert "last change: 김민수, owner changed, " in refused.value.describe("en")
    assert "최근 변경: 김민수, " in refused.value.describe("ko")
    assert refused.value.describe("ko").count("담당 변경") == 1
    assert refused.value.as_json("en")["fields"]["status"] == "history.action.owner"


def test_files_are_kept_by_their_sha256_and_links_as_given(
    session: Session, commitment: Commitment, policy: FollowUpPolicy, tmp_path: Path
) -> None:
    minutes = tmp_path / "회의록.pdf"
    minutes.write_bytes(b"%PDF-1.4 minutes")
    digest = hashlib.sha256(minutes.read_bytes()).hexdigest()
    update(commitment, session, policy, "in_progress", evidence=[str(minutes)])
    update(commitment, session, policy, "in_progress", evidence=[str(minutes)])
    session.commit()
    stored = session.exec(select(Evidence)).all()
    assert [(e.file_name, e.sha256, e.size_bytes) for e in stored] == [
        ("회의록.pdf", digest, 16)
    ] * 2
    assert (policy.evidence_dir / digest[:2] / digest).read_bytes() == minutes.read_bytes()
    assert [p.name for p in policy.evidence_dir.rglob("*") if p.is_file()] == [digest]


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        (
            {"as_of": TODAY + timedelta(days=1)},
            UpdateRefused,
            "as-of date 2026-11-27 is after today",
        ),
        (
            {"evidence": ["missing.pdf"]},
            EvidenceRefused,
            "evidence file missing.pdf does not exist",
        ),
        ({"evidence": ["javascript:alert(1)"]}, EvidenceRefused, "only http and https links"),
        ({"corrects_id": 999}, UpdateRefused, "it has no status update 999"),
        (
            {"narrative": "가" * 10_001},
            UpdateRefused,
            "the note is 10,001 characters; the limit is 10,000",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    session: Session,
    commitment: Commitment,
    policy: FollowUpPolicy,
    fields: dict[str, object],
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error, match=message):
        update(commitment, session, policy, "in_progress", **fields)
    session.rollback()
    assert count(session, StatusUpdate) == 0
    assert session.get(Commitment, commitment.id).version == 1  # type: ignore[union-attr]
    assert not policy.evidence_dir.exists()


def test_an_evidence_file_over_the_limit_is_refused_before_anything_is_copied(
    session: Session, commitment: Commitment, policy: FollowUpPolicy, tmp_path: Path
) -> None:
    big = tmp_path / "scan.tif"
    big.write_bytes(b"x" * 1001)
    with pytest.raises(EvidenceRefused, match=r"is 1,001 bytes; the limit is 1,000"):
        update(commitment, session, policy, "achieved", evidence=["https://ok.example/a", str(big)])
    session.rollback()
    assert count(session, Evidence) == 0 and not policy.evidence_dir.exists()


def test_a_late_report_of_an_earlier_date_does_not_displace_the_current_status(
    session: Session, commitment: Commitment, policy: FollowUpPolicy
) -> None:
    update(commitment, session, policy, "in_progress", as_of=TODAY)
    update(commitment, session, policy, "not_started", as_of=TODAY - timedelta(days=60))
    assert commitment.status == "in_progress" and commitment.status_as_of == TODAY


def test_a_correction_is_a_new_update_that_replaces_the_one_it_corrects(
    session: Session, commitment: Commitment, policy: FollowUpPolicy
) -> None:
    wrong = update(commitment, session, policy, "achieved", narrative="잘못 입력")
    fixed = update(commitment, session, policy, "in_progress", corrects_id=wrong.id)
    session.commit()
    assert count(session, StatusUpdate) == 2  # nothing is deleted
    assert latest_update(commitment, session=session) == fixed
    assert commitment.status == "in_progress"
    actions = [e.action for e in history(commitment, session=session, policy=policy)]
    assert actions == ["status", "correction"]


def test_every_problem_of_one_update_is_reported_at_once(
    session: Session, commitment: Commitment, policy: FollowUpPolicy
) -> None:
    with pytest.raises(UpdateRefused) as refused:
        update(
            commitment,
            session,
            policy,
            "done",
            as_of=date(2020, 1, 1),
            evidence=["https://ok.example/a", "missing.pdf"],
        )
    assert str(refused.value).splitlines() == [
        "kr-ca-2025:7.1: 3 problems; nothing was saved",
        "  unknown status 'done'; use one of: not_assessed (Not assessed yet), "
        "not_started (Not started), in_progress (In progress), ongoing (Ongoing), "
        "achieved (Achieved), stalled (Stalled), discontinued (Discontinued)",
        "  as-of date 2020-01-01 is before the agreement was signed (2025-10-30)",
        "  evidence file missing.pdf does not exist",
    ]
