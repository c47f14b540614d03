"""Requests for cooperation on the dashboard and on their own list (issue 17): bounded on the
dashboard with the total, paged on /requests by who received or made them and by state."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.web.helpers import another_client, csrf_of, sign_in
from tracker.models import CooperationRequest, Division, RequestCreate
from tracker.services.lookup import find_commitment
from tracker.services.requests import answer_request, ask


def make_requests(session: Session, count: int, *, to: str = "군비통제과") -> list[int]:
    """`count` requests from 북미2과 (the seed's division) to `to`, on 7.1 and 7.2 in turn."""
    division = session.exec(select(Division).where(Division.name == to)).one()
    made = []
    for number in range(count):
        commitment = find_commitment(f"kr-ca-2025:7.{1 + number % 2}", session=session)
        asked = ask(
            commitment,
            RequestCreate(to_division_id=division.id, what=f"협조 사항 {number + 1}"),
            status_update_id=None,
            asked_by="정진우",
            session=session,
        )
        assert asked.id is not None
        made.append(asked.id)
    session.commit()
    return made


def shown(page: str) -> list[str]:
    return re.findall(r"협조 사항 \d+", page)


def test_the_dashboard_lists_the_oldest_twenty_with_the_total_and_the_full_list_pages(
    app_client: TestClient, session: Session
) -> None:
    make_requests(session, 23)
    sign_in(app_client, "sypark")
    board = app_client.get("/").text
    incoming = board[board.index('id="requests-heading"') : board.index('id="meetings-heading"')]
    assert "우리 부서에 온 협조 요청 (23)" in incoming
    assert "전체 23건 중 20건" in incoming
    assert shown(incoming) == [f"협조 사항 {n}" for n in range(1, 21)]  # the oldest first
    assert 'href="/requests?to=mine"' in incoming

    first = app_client.get("/requests?to=mine&limit=10").text
    assert "모두 23건" in first and shown(first)[:1] == ["협조 사항 1"]
    seen = shown(first)
    link = re.search(r'rel="next" href="([^"]+)"', first)
    while link:
        page = app_client.get(link.group(1).replace("&amp;", "&")).text
        seen += shown(page)
        link = re.search(r'rel="next" href="([^"]+)"', page)
    assert seen == [f"협조 사항 {n}" for n in range(1, 24)]  # each once, in order


def test_the_list_filters_by_state_and_by_who_made_them(
    app_client: TestClient, session: Session
) -> None:
    first, second, third = make_requests(session, 3)
    answered = session.get(CooperationRequest, first)
    assert answered is not None
    answer_request(answered, "회신 드립니다", session=session, actor="박서연")
    session.commit()

    sign_in(app_client, "sypark")
    assert len(shown(app_client.get("/requests?to=mine").text)) == 3  # open and answered
    assert shown(app_client.get("/requests?to=mine&state=open").text) == [
        "협조 사항 2",
        "협조 사항 3",
    ]
    assert shown(app_client.get("/requests?to=mine&state=answered").text) == ["협조 사항 1"]
    assert shown(app_client.get("/requests?to=mine&state=closed").text) == []
    assert shown(app_client.get("/requests?from=mine").text) == []  # 군비통제과 asked nothing

    asker = another_client(app_client)
    sign_in(asker)
    made = asker.get("/requests?from=mine").text
    assert shown(made) == ["협조 사항 1", "협조 사항 2", "협조 사항 3"]
    assert "회신 드립니다" in made and "군비통제과" in made  # the answer, and to whom
    assert made.count('action="/requests/') == 3  # each can be closed by the asker
    closing = asker.post(
        f"/requests/{second}/close",
        data={"csrf": csrf_of(made), "next": "/requests?from=mine"},
    )
    assert closing.headers["location"] == "/requests?from=mine"
    assert shown(asker.get("/requests?from=mine&state=closed").text) == ["협조 사항 2"]
    assert len(shown(asker.get("/requests?from=mine&state=all").text)) == 3
    assert third


def test_a_bad_filter_is_refused_in_a_line_and_a_visitor_without_a_division_is_told(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client, "sypark")
    refused = app_client.get("/requests?state=lost")
    assert refused.status_code == 400
    assert "처리 상태는 다음 중에서 고르세요: all, open, answered, closed (입력: 'lost')" in (
        html.unescape(refused.text)
    )
    assert app_client.get("/requests?to=yours").status_code == 400
    assert app_client.get("/requests?to=mine&from=mine").status_code == 400
    viewer = another_client(app_client)
    sign_in(viewer, "viewer")
    page = viewer.get("/requests")
    assert page.status_code == 200
    assert "소속 부서가 정해지지 않아" in page.text
    assert 'id="requests-heading"' not in viewer.get("/").text
