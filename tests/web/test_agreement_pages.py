"""The dashboard, the agreements list with its filters, and the agreement page."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.web.helpers import add_user, sign_in
from tracker.domain import Role
from tracker.models import StatusUpdateCreate
from tracker.services.lookup import find_commitment
from tracker.services.policy import FollowUpPolicy
from tracker.services.status_updates import record_status_update


def test_the_agreement_page_shows_the_record_the_outline_and_the_source_side_by_side(
    app_client: TestClient,
) -> None:
    sign_in(app_client)
    page = app_client.get("/agreements/kr-ca-2025").text
    for record_value in ("캐나다", "방산·항공우주", "2025-10-30"):
        assert record_value in page
    # Headings in document order, clause 7 under its sub-heading, its commitments linked.
    order = [
        page.index(h) for h in ("전문", "일반 프레임워크", "군 협력 및 상호운용성", "후속조치")
    ]
    assert order == sorted(order)
    assert 'id="clause-7"' in page and 'href="/commitments/kr-ca-2025:7.1"' in page
    assert page.count('href="/commitments/kr-ca-2025:') == 36
    assert 'class="chip st-not_assessed"' in page
    assert (
        '<aside aria-labelledby="source-heading">' in page
        and "「특수작전부대 협력에 대한 MOU」" in page
    )


def test_agreements_are_filtered_by_field_year_country_and_division(
    app_client: TestClient,
) -> None:
    sign_in(app_client)
    found = app_client.get("/agreements", params={"field": "방산·항공우주", "year": "2025"})
    assert "/agreements/kr-ca-2025" in found.text and "1 건" in found.text
    assert "/agreements/kr-ca-2025" in app_client.get("/agreements?division=북미2과").text
    for miss in ({"year": "2024"}, {"country": "일본"}, {"division": "군비통제과"}, {"q": "무역"}):
        page = app_client.get("/agreements", params=miss)
        assert page.status_code == 200 and "/agreements/kr-ca-2025" not in page.text
    # The filter choices come from the data.
    assert "<option>북미2과</option>" in app_client.get("/agreements").text
    bad = app_client.get("/agreements", params={"year": "20x5"})
    assert bad.status_code == 400 and "연도 형식(YYYY)이 아닙니다: &#39;20x5&#39;" in bad.text


def test_the_dashboard_lists_my_commitments_needing_attention_meetings_and_status_bars(
    app_client: TestClient,
) -> None:
    sign_in(app_client)
    page = app_client.get("/").text
    assert "내 이행과제 중 확인이 필요한 것 (" in page
    assert "2+2" in page and "주기상 추정" in page  # the next ministers' meeting, projected
    assert 'class="bar" role="img" aria-label="점검 전 36"' in page


def test_a_director_without_commitments_sees_the_division_s_attention(
    app_client: TestClient, session: Session
) -> None:
    add_user(session, "김국장", "director", Role.VIEWER, "북미2과")
    record_status_update(
        find_commitment("kr-ca-2025:7.1", session=session),
        StatusUpdateCreate(status="stalled", as_of=date(2026, 1, 5), narrative="예산 미확보"),
        session=session,
        policy=FollowUpPolicy(),
        author="정진우",
    )
    session.commit()
    sign_in(app_client, "director")
    page = app_client.get("/").text
    assert "우리 부서 이행과제 중 확인이 필요한 것 (1)" in page
    assert 'href="/commitments/kr-ca-2025:7.1"' in page and "정체" in page
    # On the commitment page the status chip says "stalled"; no second flag repeats it.
    heading = app_client.get("/commitments/kr-ca-2025:7.1").text.split("</h1>")[0]
    assert 'class="chip st-stalled">정체' in heading and 'class="flag">정체' not in heading


def test_an_unknown_address_is_a_page_and_the_language_switch_keeps_the_filters(
    app_client: TestClient,
) -> None:
    sign_in(app_client)
    missing = app_client.get("/nope")
    assert missing.status_code == 404 and "페이지를 찾을 수 없습니다: /nope" in missing.text
    assert missing.headers["content-type"].startswith("text/html")
    page = app_client.get("/agreements", params={"year": "2025"}).text
    assert 'href="?year=2025&amp;lang=en" hreflang="en"' in page
    english = app_client.get("/agreements?year=2025&lang=en").text
    assert "<h1>Agreements</h1>" in english and 'href="?year=2025&amp;lang=ko"' in english
