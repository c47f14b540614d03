"""The commitment page speaks parties (issue 17): the counterpart's status beside the home
side's, obstacles, evidence levels, requests for cooperation made with an update, and a full
verdict without evidence that asks for a confirmation."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.web.helpers import add_user, another_client, csrf_of, form_token, sign_in
from tests.web.test_follow_up_pages import (
    KEY,
    KR_CA,
    as_data,
    form_of,
    replaced,
    review_paste,
    row,
    updates_of,
)
from tracker.domain import EvidenceLevel, Party, RequestState
from tracker.models import (
    Assessment,
    Commitment,
    CooperationRequest,
    Division,
    StatusUpdate,
)
from tracker.services.lookup import find_commitment

PAGE = "/commitments/kr-ca-2025:7.1"


def division_id(session: Session, name: str) -> int:
    found = session.exec(select(Division.id).where(Division.name == name)).one()
    assert found is not None
    session.rollback()  # no read transaction kept open: later reads see what the app wrote
    return found


def reread(session: Session, row: object) -> None:
    """`row` as the app left it (a read transaction of the test sees a snapshot)."""
    session.rollback()
    session.refresh(row)


def post_update(client: TestClient, **fields: object) -> tuple[int, str]:
    """The status form as the page sends it: three request rows, empty unless given."""
    csrf, version = form_token(client.get(PAGE).text)
    rows: dict[str, list[str]] = {
        name: ["", "", ""] for name in ("request_to", "request_body", "request_what", "request_due")
    }
    for name, values in list(fields.items()):
        if name in rows:
            assert isinstance(values, list)
            rows[name] = [*values, *rows[name][len(values) :]]
            del fields[name]
    data = {"csrf": csrf, "version": version, "status": "in_progress", **fields, **rows}
    response = client.post(f"{PAGE}/status", data=data)
    return response.status_code, response.text


def test_the_counterpart_s_status_with_obstacles_and_a_request_shows_beside_ours(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client)
    arms = division_id(session, "군비통제과")
    assert post_update(app_client, status="in_progress", note="우리 측 준비") == (303, "")
    status, _ = post_update(
        app_client,
        party="counterpart",
        status="stalled",
        note="캐나다 측 예산 심의 지연",
        obstacles="캐나다 의회 예산 심의 지연",
        evidence_level="none_available",
        request_to=[str(arms)],
        request_what=["연합훈련 일정에 관한 국방부 의견 회신"],
        request_due=["2027-03-31"],
    )
    assert status == 303

    update = session.exec(select(StatusUpdate).where(StatusUpdate.party == Party.COUNTERPART)).one()
    assert (update.status, update.obstacles, update.evidence_level) == (
        "stalled",
        "캐나다 의회 예산 심의 지연",
        EvidenceLevel.NONE_AVAILABLE,
    )
    commitment = find_commitment("kr-ca-2025:7.1", session=session)
    session.refresh(commitment)
    assert (commitment.status, commitment.counterpart_status) == ("in_progress", "stalled")
    asked = session.exec(select(CooperationRequest)).one()
    assert (asked.to_division_id, asked.from_division_id, asked.state) == (
        arms,
        commitment.division_id,
        RequestState.OPEN,
    )

    page = app_client.get(PAGE).text
    parties = re.search(r'<table class="tbl col data parties".*?</table>', page, re.S)
    assert parties is not None
    assert re.findall(r'<th scope="col">([^<]+)</th>', parties.group(0)) == ["우리 측", "상대국 측"]
    assert "st-in_progress" in parties.group(0) and "st-stalled" in parties.group(0)
    assert parties.group(0).count("기준일") == 2
    history = page[page.index('id="history-heading"') :]
    assert "상대국 측" in history and "캐나다 의회 예산 심의 지연" in history
    assert "확인 가능한 증빙 없음" in history
    requests = page[page.index('id="requests-heading"') : page.index('id="assessment-heading"')]
    assert "협조 요청 (1)" in requests
    assert "연합훈련 일정에 관한 국방부 의견 회신" in requests and "군비통제과" in requests
    assert "2027-03-31" in requests and "회신 대기" in requests
    # The lists show the counterpart beside ours: the agreement page's row of 7.1.
    row = re.search(
        r'<li id="commitment-7\.1">.*?</li>', app_client.get("/agreements/kr-ca-2025").text, re.S
    )
    assert row is not None and 'class="chip st-stalled counterpart"' in row.group(0)


def test_a_request_reaches_the_addressee_s_dashboard_until_answered_and_closed(
    app_client: TestClient, session: Session
) -> None:
    add_user(session, "최운영", "choi", division="운영지원과")
    session.commit()
    sign_in(app_client)
    what = "연합훈련 일정에 관한 국방부 의견 회신"
    status, _ = post_update(
        app_client,
        request_to=[str(division_id(session, "군비통제과"))],
        request_what=[what],
        request_body=[""],
    )
    assert status == 303
    asked = session.exec(select(CooperationRequest)).one()

    addressee = another_client(app_client)
    sign_in(addressee, "sypark")
    board = addressee.get("/").text
    incoming = board[board.index('id="requests-heading"') : board.index('id="meetings-heading"')]
    assert "우리 부서에 온 협조 요청 (1)" in incoming
    assert what in incoming and "kr-ca-2025:7.1" in incoming and "북미2과" in incoming
    assert f'action="/requests/{asked.id}/answer"' in incoming
    assert f'action="/requests/{asked.id}/close"' not in incoming  # the asker closes
    third = another_client(app_client)
    sign_in(third, "choi")
    assert what not in third.get("/").text

    # The asker may not answer, the addressee may not close.
    csrf = csrf_of(app_client.get("/").text)
    assert (
        app_client.post(f"/requests/{asked.id}/answer", data={"csrf": csrf, "answer": "x"})
    ).status_code == 403
    their_csrf = csrf_of(board)
    assert (
        addressee.post(f"/requests/{asked.id}/close", data={"csrf": their_csrf})
    ).status_code == 403

    answered = addressee.post(
        f"/requests/{asked.id}/answer",
        data={"csrf": their_csrf, "answer": "3월 중 회신 예정", "next": "/#requests"},
    )
    assert (answered.status_code, answered.headers["location"]) == (303, "/#requests")
    after = addressee.get("/").text
    assert what not in after and "회신을 기다리는 요청이 없습니다." in after
    assert f"협조 요청 {asked.id}번에 회신했습니다." in after

    sent = app_client.get("/requests?from=mine").text
    assert what in sent and "3월 중 회신 예정" in sent and "회신됨" in sent
    closed = app_client.post(
        f"/requests/{asked.id}/close", data={"csrf": csrf_of(sent), "reason": "회신 반영"}
    )
    assert closed.status_code == 303
    assert closed.headers["location"] == "/commitments/kr-ca-2025:7.1#requests"
    reread(session, asked)
    assert asked.state is RequestState.CLOSED and asked.answer == "3월 중 회신 예정"
    assert what not in app_client.get("/requests?from=mine").text  # in hand: no more
    assert what in app_client.get("/requests?from=mine&state=closed").text
    history = app_client.get(PAGE).text
    assert "협조 요청 종결" in history and "회신 반영" in history


def test_a_full_verdict_without_evidence_asks_for_a_confirmation_then_records(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client)
    assert post_update(app_client, status="achieved", note="훈련 완료")[0] == 303
    csrf, version = form_token(app_client.get(PAGE).text)
    verdict = {"csrf": csrf, "version": version, "score": "+1", "rationale": "훈련 완료"}
    asked = app_client.post(f"{PAGE}/assessment", data=verdict)
    assert asked.status_code == 409
    assert "증빙 수준이 ‘증빙 없이 보고’입니다" in asked.text
    assert 'name="confirmed" value="yes" required' in asked.text
    assert "증빙 없이 완전 이행으로 평가함을 확인합니다" in asked.text
    assert "다른 사람이" not in asked.text  # not a conflict: nobody changed it
    assert session.exec(select(Assessment)).all() == []
    session.rollback()

    confirmed = app_client.post(f"{PAGE}/assessment", data={**verdict, "confirmed": "yes"})
    assert confirmed.status_code == 303
    assert session.exec(select(Assessment.score)).one() == 1


def test_a_full_verdict_over_evidence_needs_no_confirmation(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client)
    status, _ = post_update(app_client, status="achieved", evidence="https://example.go.kr/r")
    assert status == 303
    csrf, version = form_token(app_client.get(PAGE).text)
    saved = app_client.post(
        f"{PAGE}/assessment",
        data={"csrf": csrf, "version": version, "score": "+1", "rationale": "결과 공개"},
    )
    assert saved.status_code == 303


def test_a_counterpart_status_on_a_one_party_commitment_is_refused_beside_the_party(
    app_client: TestClient, session: Session
) -> None:
    commitment = find_commitment("kr-ca-2025:7.1", session=session)
    commitment.actors = "한국"
    session.add(commitment)
    session.commit()
    sign_in(app_client)
    page = app_client.get(PAGE).text
    assert 'name="party"' not in page and 'class="tbl col data parties"' not in page
    status, refused = post_update(app_client, party="counterpart", note="캐나다 측 진행")
    assert status == 400
    assert 'id="party-error"' in refused
    assert "한쪽(한국)만의 과제라 상대국 측 현황을 기록할 수 없습니다" in refused
    assert "캐나다 측 진행" in refused  # what was typed is kept
    assert session.exec(select(StatusUpdate)).all() == []


def test_request_rows_are_checked_beside_their_fields_and_nothing_is_saved(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client)
    status, refused = post_update(
        app_client, request_what=["", "주관 부처 의견"], request_to=["", ""], request_due=["", ""]
    )
    assert status == 400
    assert 'id="request-to-2-error"' in refused
    assert '<details class="request-rows" open>' in refused  # folded only while unused
    assert '<details class="request-rows">' in app_client.get(PAGE).text
    assert "협조 요청 2: 요청 대상(부서 또는 기관)을 정하십시오." in refused
    status, refused = post_update(
        app_client,
        request_body=["국방부 국제정책관실"],
        request_what=["의견 회신"],
        request_due=["3월 말"],
    )
    assert status == 400
    assert 'id="request-due-1-error"' in refused and "회신 기한이 날짜 형식" in refused
    status, refused = post_update(app_client, evidence_level="found", note="확인")
    assert status == 400
    assert 'id="evidence_level-error"' in refused
    assert session.exec(select(StatusUpdate)).all() == []
    assert session.exec(select(CooperationRequest)).all() == []


def test_a_request_to_another_ministry_is_answered_and_closed_by_the_asker(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client)
    status, _ = post_update(
        app_client, request_body=["국방부 국제정책관실"], request_what=["훈련 참가 규모 확정"]
    )
    assert status == 303
    asked = session.exec(select(CooperationRequest)).one()
    assert (asked.to_division_id, asked.to_body) == (None, "국방부 국제정책관실")
    page = app_client.get(PAGE).text
    assert f'action="/requests/{asked.id}/answer"' in page  # the asker records the reply
    assert f'action="/requests/{asked.id}/close"' in page
    csrf = csrf_of(page)
    assert (
        app_client.post(
            f"/requests/{asked.id}/answer", data={"csrf": csrf, "answer": "2개 대대 참가"}
        ).status_code
        == 303
    )
    reread(session, asked)
    assert asked.state is RequestState.ANSWERED


def test_a_viewer_cannot_post_an_update_an_answer_or_a_close(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client)
    post_update(
        app_client,
        request_to=[str(division_id(session, "군비통제과"))],
        request_what=["의견 회신"],
    )
    asked = session.exec(select(CooperationRequest)).one()
    viewer = another_client(app_client)
    sign_in(viewer, "viewer")
    page = viewer.get(PAGE).text
    assert 'name="party"' not in page and "/answer" not in page
    csrf, version = form_token(app_client.get(PAGE).text)
    csrf = csrf_of(page)
    for path, data in (
        (f"{PAGE}/status", {"status": "achieved", "version": version, "party": "counterpart"}),
        (f"/requests/{asked.id}/answer", {"answer": "x"}),
        (f"/requests/{asked.id}/close", {}),
    ):
        assert viewer.post(path, data={"csrf": csrf, **data}).status_code == 403, path
    reread(session, asked)
    assert asked.state is RequestState.OPEN
    assert set(session.exec(select(Commitment.counterpart_status)).all()) == {None}
    assert session.exec(select(StatusUpdate.party)).all() == [Party.HOME]


def test_a_follow_up_text_records_the_counterpart_s_progress_when_chosen(
    app_client: TestClient, session: Session
) -> None:
    one_party = find_commitment(f"{KEY}:7.5", session=session)
    one_party.actors = "한국"
    session.add(one_party)
    session.commit()
    sign_in(app_client)
    review = review_paste(app_client, KR_CA.read_text(encoding="utf-8"))
    assert review.status_code == 200, review.text
    both = row(review.text, f"{KEY}:17.1")
    assert f'name="party_{KEY}:17.1"' in both and "상대국 측" in both
    assert "party_" not in row(review.text, f"{KEY}:7.5")  # one party's alone: not offered
    fields = [
        (n, v)
        for n, v in form_of(review.text, "/follow-up/apply")
        if n not in ("meeting", "cadence") and (n != "link" or v == f"{KEY}:17.1")
    ]
    assert (f"party_{KEY}:17.1", "home") in fields  # the home side's unless chosen
    fields = replaced(fields, **{f"party_{KEY}:17.1": "counterpart"})
    applied = app_client.post("/follow-up/apply", data=as_data(fields))
    assert applied.status_code == 303, applied.text
    (update,) = updates_of(session, "17.1")
    assert update.party is Party.COUNTERPART
    commitment = find_commitment(f"{KEY}:17.1", session=session)
    assert commitment.counterpart_status == update.status and commitment.status is None

    # A counterpart for the one-party commitment, forced into the form, is refused on its row.
    forced = [
        *[(n, v) for n, v in fields if n != "link"],
        ("link", f"{KEY}:7.5"),
        (f"party_{KEY}:7.5", "counterpart"),
    ]
    refused = app_client.post("/follow-up/apply", data=as_data(forced))
    assert refused.status_code == 400
    assert "한쪽(한국)만의 과제라 상대국 측 현황을 기록할 수 없습니다" in refused.text
    assert updates_of(session, "7.5") == []
