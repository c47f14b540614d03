"""Each party's progress, obstacles, evidence levels and requests for cooperation: what a review
meeting asks beyond one status (issue 17)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlmodel import Session, func, select

from tracker.domain import EvidenceLevel, Party, RequestState
from tracker.models import (
    Agreement,
    Commitment,
    CooperationRequest,
    Division,
    RequestCreate,
    StatusUpdate,
    StatusUpdateCreate,
)
from tracker.services.lookup import find_commitment
from tracker.services.policy import FollowUpPolicy
from tracker.services.requests import (
    answer_request,
    close_request,
    requests_of_agreement,
    requests_of_commitment,
    requests_to_division,
)
from tracker.services.rollups import Grouping, rollup
from tracker.services.status_updates import UpdateRefused, record_status_update

TODAY = date(2026, 11, 26)


@pytest.fixture
def policy(tmp_path: Path) -> FollowUpPolicy:
    return FollowUpPolicy(evidence_dir=tmp_path / "evidence")


@pytest.fixture
def commitment(session: Session, seed: Agreement) -> Commitment:
    return find_commitment("kr-ca-2025:7.1", session=session)


@pytest.fixture
def defence_policy_division(session: Session) -> Division:
    division = Division(name="국제정책과", ministry="국방부")
    session.add(division)
    session.flush()
    return division


def record(
    commitment: Commitment, session: Session, policy: FollowUpPolicy, **fields: object
) -> StatusUpdate:
    data = StatusUpdateCreate.model_validate({"as_of": TODAY, **fields})
    return record_status_update(
        commitment, data, session=session, policy=policy, author="정진우", today=TODAY
    )


def test_each_party_has_its_own_standing_status_and_the_home_side_s_rules_the_lists(
    session: Session, commitment: Commitment, policy: FollowUpPolicy
) -> None:
    record(commitment, session, policy, status="in_progress", as_of=date(2026, 11, 10))
    record(
        commitment,
        session,
        policy,
        status="achieved",
        party="counterpart",
        as_of=date(2026, 11, 20),
        narrative="캐나다 해군 함정 연합훈련 참가",
    )
    assert (commitment.status, commitment.counterpart_status) == ("in_progress", "achieved")
    assert commitment.counterpart_status_as_of == date(2026, 11, 20)
    # A later home update leaves the counterpart's standing status alone.
    record(commitment, session, policy, status="stalled", as_of=date(2026, 11, 25))
    assert (commitment.status, commitment.counterpart_status) == ("stalled", "achieved")
    (total,) = [r for r in rollup(session=session, policy=policy, by=Grouping.AGREEMENT)[-1:]]
    assert total.by_status["stalled"] == 1
    assert total.by_counterpart["achieved"] == 1
    assert total.by_counterpart[""] == total.total - 1  # nobody recorded the others'


def test_a_one_party_commitment_has_no_counterpart_status_to_record(
    session: Session, commitment: Commitment, policy: FollowUpPolicy
) -> None:
    commitment.actors = "캐나다"
    with pytest.raises(UpdateRefused, match="one party's alone"):
        record(commitment, session, policy, status="achieved", party="counterpart")
    assert session.exec(select(func.count()).select_from(StatusUpdate)).one() == 0


def test_a_correction_stays_with_the_party_it_corrects(
    session: Session, commitment: Commitment, policy: FollowUpPolicy
) -> None:
    theirs = record(commitment, session, policy, status="achieved", party="counterpart")
    with pytest.raises(UpdateRefused, match="correct it as the same party"):
        record(commitment, session, policy, status="in_progress", corrects_id=theirs.id)
    record(
        commitment,
        session,
        policy,
        status="in_progress",
        party="counterpart",
        corrects_id=theirs.id,
    )
    assert commitment.counterpart_status == "in_progress"


def test_the_evidence_level_follows_the_evidence_unless_the_officer_says_none_is_available(
    session: Session, commitment: Commitment, policy: FollowUpPolicy
) -> None:
    found = record(commitment, session, policy, status="ongoing", evidence=["https://a.kr/1"])
    reported = record(commitment, session, policy, status="ongoing")
    none = record(
        commitment, session, policy, status="not_started", evidence_level="none_available"
    )
    assert [found.evidence_level, reported.evidence_level, none.evidence_level] == [
        EvidenceLevel.FOUND,
        EvidenceLevel.REPORTED,
        EvidenceLevel.NONE_AVAILABLE,
    ]
    with pytest.raises(UpdateRefused, match="No evidence available' with 1 item"):
        record(
            commitment,
            session,
            policy,
            status="ongoing",
            evidence=["https://a.kr/2"],
            evidence_level="none_available",
        )
    with pytest.raises(UpdateRefused, match="needs a link or a file"):
        record(commitment, session, policy, status="ongoing", evidence_level="found")


def make_requests(
    commitment: Commitment, session: Session, policy: FollowUpPolicy, division_id: int
) -> StatusUpdate:
    return record(
        commitment,
        session,
        policy,
        status="stalled",
        obstacles="훈련 일정 미확정",
        requests=[
            RequestCreate(
                to_division_id=division_id,
                what="연합훈련 참가 일정 확정 요청",
                due_on=date(2026, 12, 15),
            ),
            RequestCreate(to_body="방위사업청", what="군수 협력 현황 자료"),
        ],
    )


def test_a_request_goes_to_the_addressee_is_answered_and_once_closed_leaves_every_list(
    session: Session,
    commitment: Commitment,
    policy: FollowUpPolicy,
    defence_policy_division: Division,
) -> None:
    assert defence_policy_division.id is not None
    with freeze_time("2026-11-26 09:00:00+09:00"):  # the day the requests are made
        update = make_requests(commitment, session, policy, defence_policy_division.id)
    assert update.obstacles == "훈련 일정 미확정"
    inbox = requests_to_division(defence_policy_division.id, session=session, today=TODAY)
    assert (inbox.total, [r.what for r in inbox.items]) == (1, ["연합훈련 참가 일정 확정 요청"])
    (first,) = inbox.items
    assert (first.commitment, first.to, first.due_on) == (
        "kr-ca-2025:7.1",
        "국제정책과",
        date(2026, 12, 15),
    )
    assert first.from_division == "북미2과"  # the commitment's division asks
    report = requests_of_agreement(
        commitment.agreement_id, session=session, today=date(2026, 12, 6)
    )
    assert [(r.to, r.age_days) for r in report.items] == [("국제정책과", 10), ("방위사업청", 10)]

    request = session.get(CooperationRequest, first.id)
    assert request is not None
    answer_request(request, "12월 10일 확정 예정", session=session, actor="국방부 담당")
    assert requests_to_division(defence_policy_division.id, session=session, today=TODAY).total == 0
    assert request.state is RequestState.ANSWERED
    close_request(request, session=session, actor="정진우")
    close_request(request, session=session, actor="정진우")  # again: nothing changes
    left = requests_of_agreement(commitment.agreement_id, session=session, today=TODAY)
    assert [r.to for r in left.items] == ["방위사업청"]
    assert [
        r.state
        for r in requests_of_commitment(commitment.id or 0, session=session, today=TODAY).items
    ] == [
        RequestState.OPEN,
        RequestState.CLOSED,
    ]


def test_a_request_without_an_addressee_or_words_refuses_the_whole_update(
    session: Session, commitment: Commitment, policy: FollowUpPolicy
) -> None:
    with pytest.raises(UpdateRefused) as refused:
        record(
            commitment,
            session,
            policy,
            status="stalled",
            requests=[RequestCreate(what=""), RequestCreate(to_division_id=9999, what="자료")],
        )
    assert str(refused.value).splitlines() == [
        "kr-ca-2025:7.1: 3 problems; nothing was saved",
        "  Request 1: say what is needed.",
        "  Request 1: name whom it is for (a division or another body).",
        "  Request 2: there is no division 9999.",
    ]
    assert session.exec(select(func.count()).select_from(StatusUpdate)).one() == 0
    assert session.exec(select(func.count()).select_from(CooperationRequest)).one() == 0


def test_the_party_is_home_unless_said(
    session: Session, commitment: Commitment, policy: FollowUpPolicy
) -> None:
    assert record(commitment, session, policy, status="ongoing").party is Party.HOME
